from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from openjobcenter.accounts.models import ContactChannel, Role, User
from openjobcenter.accounts.services import customer_register
from openjobcenter.tenants.models import Jobcenter, postcode_validator
from openjobcenter.tenants.selectors import active_jobcenters


class CustomerSignupForm(SignupForm):  # type: ignore[misc]
    """Registration as a customer of exactly one job centre."""

    jobcenter = forms.ModelChoiceField(
        label=_("Ihr Jobcenter"),
        queryset=Jobcenter.objects.none(),
        empty_label=_("Bitte wählen"),
        help_text=_("Das Jobcenter, das für Ihren Wohnort zuständig ist."),
        to_field_name="slug",
    )
    first_name = forms.CharField(label=_("Vorname"), max_length=150)
    last_name = forms.CharField(label=_("Nachname"), max_length=150)

    field_order = ("jobcenter", "first_name", "last_name", "email", "password1", "password2")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jobcenter"].queryset = active_jobcenters()
        self.order_fields(self.field_order)

    def save(self, request: HttpRequest) -> User:
        user: User = super().save(request)
        customer_register(
            request=request,
            user=user,
            jobcenter=self.cleaned_data["jobcenter"],
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
        )
        return user


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("Vorname"), max_length=150)
    last_name = forms.CharField(label=_("Nachname"), max_length=150)
    street = forms.CharField(label=_("Straße und Hausnummer"), max_length=200, required=False)
    postcode = forms.CharField(
        label=_("Postleitzahl"), max_length=5, required=False, validators=[postcode_validator]
    )
    city = forms.CharField(label=_("Ort"), max_length=100, required=False)
    phone = forms.RegexField(
        label=_("Telefon"),
        max_length=40,
        required=False,
        regex=r"^\+?[0-9 ()/-]{4,40}$",
        error_messages={"invalid": _("Bitte nur Ziffern, Leerzeichen und + ( ) / - verwenden.")},
    )
    contact_channel = forms.ChoiceField(
        label=_("Wie sollen wir Sie bevorzugt erreichen?"),
        choices=ContactChannel.choices,
        widget=forms.RadioSelect,
    )
    preferred_language = forms.ChoiceField(
        label=_("Bevorzugte Sprache"), choices=settings.LANGUAGES
    )


class AssignNumberForm(forms.Form):
    customer_number = forms.RegexField(
        label=_("Kundennummer"),
        max_length=30,
        regex=r"^[A-Za-z0-9/-]{3,30}$",
        error_messages={
            "invalid": _("3 bis 30 Zeichen: Buchstaben, Ziffern, Schrägstrich oder Bindestrich.")
        },
    )


class MembershipForm(forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse"), max_length=254)
    first_name = forms.CharField(label=_("Vorname"), max_length=150)
    last_name = forms.CharField(label=_("Nachname"), max_length=150)
    role = forms.ChoiceField(label=_("Rolle"), choices=Role.choices)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Bezeichnung"), max_length=100)


class AdvisorForm(forms.Form):
    advisor = forms.ModelChoiceField(
        label=_("Ansprechperson (Arbeitsvermittlung)"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("keine"),
    )

    def __init__(self, *args: Any, jobcenter: Jobcenter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["advisor"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                memberships__jobcenter=jobcenter,
                memberships__role__in=[Role.JOB_ADVISOR, Role.CASEWORKER, Role.TEAM_LEAD],
            )
            .distinct()
            .order_by("last_name", "first_name")
        )

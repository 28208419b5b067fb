from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openjobcenter.mandates.models import CosignState, Scope


def _in_a_year() -> Any:
    return timezone.localdate() + timedelta(days=365)


class MandateForm(forms.Form):
    label = forms.CharField(
        label=_("Für wen ist die Vollmacht? (zum Beispiel: Tochter, Beratungsstelle)"),
        max_length=120,
        required=False,
    )
    scopes = forms.MultipleChoiceField(
        label=_("Was darf die Person für Sie tun?"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Bitte wählen Sie mindestens einen Bereich.")},
    )
    valid_until = forms.DateField(
        label=_("Gültig bis (höchstens zwölf Monate)"),
        initial=_in_a_year,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Bitte geben Sie ein Datum an.")},
    )


class GuardianForm(MandateForm):
    court_reference = forms.CharField(label=_("Aktenzeichen des Gerichts"), max_length=80)
    proof = forms.TypedChoiceField(label=_("Betreuerausweis (aus den Unterlagen)"), coerce=int)

    def __init__(self, *args: Any, documents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.TypedChoiceField", self.fields["proof"]).choices = documents
        self.fields["valid_until"].label = _("Gültig bis (laut Betreuerausweis)")


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name der Beratungsstelle"), max_length=200)
    address = forms.CharField(label=_("Anschrift"), max_length=300)
    email = forms.EmailField(label=_("E-Mail-Adresse"))


class InviteForm(forms.Form):
    cosignature = forms.IntegerField(widget=forms.HiddenInput)
    email = forms.EmailField(label=_("E-Mail-Adresse"), required=False)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Ihre Antwort"),
        choices=[c for c in CosignState.choices if c[0] != CosignState.OPEN],
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie eine Antwort.")},
    )
    declarations = forms.BooleanField(
        label=_(
            "Ich versichere, dass meine Angaben richtig und vollständig sind, und melde "
            "Änderungen sofort (§ 60 SGB I)."
        ),
        required=False,
    )
    correction = forms.CharField(
        label=_("Was ist falsch oder warum widersprechen Sie?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
    )

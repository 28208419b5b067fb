from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openjobcenter.bundid.attributes import CORRECTABLE, LABELS
from openjobcenter.bundid.levels import CHOICES
from openjobcenter.bundid.policy import ACTIONS


class CreateForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        help_text=_("An diese Adresse schicken wir Nachrichten zu Ihrem Konto."),
    )
    terms = forms.BooleanField(
        label=_("Ich habe die Nutzungsbedingungen und die Datenschutzhinweise gelesen."),
        error_messages={
            "required": _("Bitte bestätigen Sie, dass Sie die Hinweise gelesen haben.")
        },
    )


class PasswordLinkForm(forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse Ihres Kontos"))
    password = forms.CharField(label=_("Passwort"), widget=forms.PasswordInput, strip=False)


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(
        label=_("Welche Angabe stimmt nicht?"),
        choices=[(key, LABELS[key]) for key in CORRECTABLE],
    )
    value = forms.CharField(label=_("Richtiger Wert"), max_length=200)
    note = forms.CharField(
        label=_("Warum stimmt der Wert nicht?"),
        help_text=_("Zum Beispiel: Umzug am 1. März, Namensänderung durch Heirat."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SettingsForm(forms.Form):
    enabled = forms.BooleanField(label=_("Anmeldung mit BundID anbieten"), required=False)
    idp_metadata_xml = forms.CharField(
        label=_("SAML-Metadaten des Identitätsanbieters (BundID oder Broker)"),
        help_text=_(
            "Das XML, das die BundID oder Ihr Keycloak-Broker als Metadaten veröffentlicht."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    sp_entity_id = forms.CharField(
        label=_("Entity-ID dieses Dienstes"),
        help_text=_("Leer lassen, um die Adresse der Metadaten dieses Dienstes zu verwenden."),
        required=False,
        max_length=500,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in ACTIONS.items():
            self.fields[f"level_{key}"] = forms.TypedChoiceField(
                label=label,
                help_text=_("Mindestens nötiges Vertrauensniveau"),
                choices=[("", _("keine Anforderung")), *CHOICES],
                coerce=int,
                empty_value=None,
                required=False,
            )

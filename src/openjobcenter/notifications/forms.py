"""Form of the notification preferences page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("Per E-Mail benachrichtigen"), required=False)
    push = forms.BooleanField(
        label=_("Als Mitteilung auf dem Handy oder PC (Push)"),
        required=False,
        help_text=_("Dafür müssen Sie Mitteilungen auf diesem Gerät erlauben."),
    )
    quiet_start = forms.TimeField(
        label=_("Ruhezeit von (Uhrzeit)"),
        required=False,
        help_text=_("Zum Beispiel 22:00. In der Ruhezeit schicken wir nichts."),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    quiet_end = forms.TimeField(
        label=_("Ruhezeit bis (Uhrzeit)"),
        required=False,
        help_text=_("Zum Beispiel 07:00."),
        widget=forms.TimeInput(attrs={"type": "time"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("quiet_start") is None) != (data.get("quiet_end") is None):
            raise forms.ValidationError(
                _("Bitte geben Sie für die Ruhezeit Anfang und Ende an – oder keines von beiden.")
            )
        return data

"""Forms of the messaging pages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from openjobcenter.core.content_i18n_forms import TranslationsFormMixin
from openjobcenter.messaging.models import TopicCategory

ADVISOR_CHOICE = "advisor"


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Ihre Nachricht"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    file = forms.FileField(
        label=_("Foto oder Datei anhängen"),
        required=False,
        help_text=_("Foto (JPG, PNG, HEIC) oder PDF, höchstens 10 MB."),
    )
    client_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["maxlength"] = settings.MESSAGING["max_length"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("body") or "").strip() and not data.get("file"):
            self.add_error(
                "body", _("Bitte schreiben Sie eine Nachricht oder hängen Sie eine Datei an.")
            )
        return data


class NewConversationForm(MessageForm):
    to = forms.ChoiceField(label=_("An wen möchten Sie schreiben?"), widget=forms.RadioSelect)
    subject = forms.CharField(
        label=_("Betreff"), max_length=200, help_text=_("In wenigen Worten: Worum geht es?")
    )

    field_order = ["to", "subject", "body", "file", "client_id"]

    def __init__(self, *args: Any, to_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["to"]).choices = to_choices


class StaffStartForm(MessageForm):
    customer_number = forms.CharField(
        label=_("Kundennummer"),
        max_length=40,
        help_text=_("Die Kundennummer der Person, der Sie schreiben."),
    )
    subject = forms.CharField(label=_("Betreff"), max_length=200)
    appointment = forms.TypedChoiceField(
        label=_("Zu einem Termin"), required=False, coerce=int, empty_value=None
    )
    document_request = forms.TypedChoiceField(
        label=_("Zu einer Nachforderung"), required=False, coerce=int, empty_value=None
    )
    personal = forms.BooleanField(
        label=_("Als persönliche Unterhaltung (nur ich und die Teamleitung sehen sie)"),
        required=False,
    )
    field_order = [
        "customer_number",
        "subject",
        "appointment",
        "document_request",
        "personal",
        "body",
        "file",
        "client_id",
    ]

    def __init__(
        self,
        *args: Any,
        appointment_choices: list[tuple[str, str]],
        request_choices: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["appointment"]).choices = [
            ("", _("kein Termin")),
            *appointment_choices,
        ]
        cast("forms.ChoiceField", self.fields["document_request"]).choices = [
            ("", _("keine Nachforderung")),
            *(request_choices or []),
        ]
        self.fields["body"].label = _("Nachricht")


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(
        label=_("Zuständig"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, staff_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["assignee"]).choices = [
            ("", _("niemand")),
            *staff_choices,
        ]


class TopicForm(TranslationsFormMixin, forms.Form):
    translatable = ("name", "description")

    name = forms.CharField(label=_("Name des Themas"), max_length=100)
    description = forms.CharField(label=_("Beschreibung"), max_length=300, required=False)
    position = forms.IntegerField(label=_("Reihenfolge"), min_value=0, max_value=999, initial=0)
    is_active = forms.BooleanField(label=_("aktiv"), required=False, initial=True)
    category = forms.ChoiceField(
        label=_("Datenkategorie"),
        choices=TopicCategory.choices,
        initial=TopicCategory.GENERAL,
        required=False,  # left out: a new topic is general, an edited one keeps its own
        help_text=_(
            "Bestimmt, wer die Nachrichten dieses Themas lesen darf (siehe „Zugriffsregeln“)."
        ),
    )


class TemplateForm(TranslationsFormMixin, forms.Form):
    translatable = ("body",)  # the title is for the staff only

    title = forms.CharField(label=_("Titel"), max_length=100)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Platzhalter: {vorname}, {nachname}, {kundennummer}, {termin}, {jobcenter}"),
    )


WEEKDAYS = [
    (0, _("Montag")),
    (1, _("Dienstag")),
    (2, _("Mittwoch")),
    (3, _("Donnerstag")),
    (4, _("Freitag")),
    (5, _("Samstag")),
    (6, _("Sonntag")),
]


class ChatSettingsForm(forms.Form):
    office_days = forms.TypedMultipleChoiceField(
        label=_("Tage mit Sprechzeit"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    office_start = forms.TimeField(
        label=_("Sprechzeit von"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    office_end = forms.TimeField(
        label=_("Sprechzeit bis"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    auto_reply_enabled = forms.BooleanField(
        label=_("Außerhalb der Sprechzeit automatisch antworten"), required=False
    )
    expected_response = forms.CharField(
        label=_("Text der automatischen Antwort"),
        max_length=300,
        required=False,
        help_text=_("Zum Beispiel: Wir antworten in der Regel innerhalb von 2 Werktagen."),
    )

"""The postbox's forms: consent, deposit (staff), objection and question (customer)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openjobcenter.postbox.models import NoticeKind

MAX_TEXT = 5000


class ConsentForm(forms.Form):
    notices = forms.ChoiceField(
        label=_("Wie möchten Sie Bescheide erhalten?"),
        choices=[
            ("post", _("Per Post (Brief)")),
            ("electronic", _("Elektronisch in meinem Postfach")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie, wie Sie Bescheide erhalten möchten.")},
    )


class DepositForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Art des Schreibens"),
        choices=NoticeKind.choices,
        error_messages={"required": _("Bitte wählen Sie die Art des Schreibens.")},
    )
    dated = forms.DateField(
        label=_("Datum des Schreibens"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Bitte geben Sie das Datum des Schreibens an."),
            "invalid": _("Bitte geben Sie ein gültiges Datum an."),
        },
    )
    application = forms.TypedChoiceField(
        label=_("Zu welchem Antrag gehört es?"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    file = forms.FileField(
        label=_("Bescheid als PDF"),
        help_text=_("Höchstens 10 MB, ohne Kennwort, möglichst PDF/A."),
        error_messages={"required": _("Bitte wählen Sie die PDF-Datei aus.")},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def __init__(self, *args: Any, applications: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [("", _("zu keinem bestimmten Antrag")), *applications]  # type: ignore[attr-defined]


class ObjectionForm(forms.Form):
    reasons = forms.CharField(
        label=_("Warum sind Sie mit dem Bescheid nicht einverstanden?"),
        help_text=_(
            "Schreiben Sie in Ihren eigenen Worten. Sie können die Gründe auch später nachreichen."
        ),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Bitte schreiben Sie, warum Sie widersprechen.")},
    )
    request_text = forms.CharField(
        label=_("Was möchten Sie erreichen?"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    confirm = forms.BooleanField(
        label=_("Ich lege Widerspruch gegen diesen Bescheid ein."),
        error_messages={"required": _("Bitte bestätigen Sie, dass Sie Widerspruch einlegen.")},
    )


class QuestionForm(forms.Form):
    body = forms.CharField(
        label=_("Ihre Frage"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Bitte schreiben Sie Ihre Frage.")},
    )


class BackOfficeTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Bezeichnung"),
        help_text=_("Zum Beispiel der Name des Fachverfahrens, das die Bescheide einstellt."),
        max_length=100,
        error_messages={"required": _("Bitte geben Sie eine Bezeichnung an.")},
    )

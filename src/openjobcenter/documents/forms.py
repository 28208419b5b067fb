"""Forms of the documents module (customer upload, staff review, requests, settings)."""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openjobcenter.core.content_i18n_forms import TranslationsFormMixin
from openjobcenter.core.inputs import day_validators
from openjobcenter.documents.kinds import kind_choices
from openjobcenter.documents.models import DocumentState, RequestItem

ACCEPT = "image/*,application/pdf,.heic,.heif"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if not data:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    """The plain form (works without JavaScript); the JS module fills draft/order/redactions."""

    use_required_attribute = False  # the JS module empties the file input after sending

    kind = forms.ChoiceField(label=_("Was für eine Unterlage ist das?"), choices=kind_choices())
    item = forms.TypedChoiceField(
        label=_("Gehört sie zu einer Anforderung Ihres Jobcenters?"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    uploads = MultipleFileField(
        label=_("Fotos oder PDF"),
        error_messages={"required": _("Bitte wählen Sie mindestens ein Foto oder eine Datei.")},
        help_text=_(
            "Fotografieren Sie jede Seite einzeln, von oben, mit dem ganzen Blatt im Bild. "
            "Sie können auch Dateien wählen: JPEG, PNG, HEIC oder PDF."
        ),
        allow_empty_file=True,  # the pipeline answers with its own, clearer message
        widget=MultipleFileInput(attrs={"accept": ACCEPT, "capture": "environment"}),
    )
    draft = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Signed reference to the proof this answers (``proof_links``), and the form's
    # one-time key against a second tap on "Senden".
    proof = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    once = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    order = forms.CharField(required=False, widget=forms.HiddenInput)
    redactions = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, items: list[RequestItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.data.get("draft"):
            # The JS module sent the pages one by one already.
            self.fields["uploads"].required = False
        choices: list[tuple[Any, Any]] = [("", _("Nein, ich sende sie von mir aus"))]
        choices += [
            (
                i.pk,
                _("%(label)s (bis %(deadline)s)")
                % {"label": i.label, "deadline": i.request.deadline.strftime("%d.%m.%Y")},
            )
            for i in items
        ]
        item_field = self.fields["item"]
        assert isinstance(item_field, forms.TypedChoiceField)  # noqa: S101 - declared above
        item_field.choices = choices
        if not items:
            self.fields["item"].widget = forms.HiddenInput()

    def clean_order(self) -> list[int]:
        raw = self.cleaned_data.get("order") or ""
        return [int(p) for p in raw.split(",") if p.strip().isdigit()][:200]

    def clean_redactions(self) -> dict[int, list[list[float]]]:
        raw = self.cleaned_data.get("redactions") or ""
        if not raw:
            return {}
        try:
            data = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(
                _("Die Schwärzungen konnten nicht gelesen werden.")
            ) from None
        if not isinstance(data, dict):
            return {}
        return {int(k): v for k, v in data.items() if str(k).isdigit() and isinstance(v, list)}


class ReviewForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Ergebnis der Prüfung"),
        choices=[
            (DocumentState.CHECKED, _("Geprüft")),
            (DocumentState.ACCEPTED, _("Anerkannt")),
            (DocumentState.NEW_COPY_NEEDED, _("Neue Kopie nötig")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Grund für die Kundin oder den Kunden"),
        help_text=_("Nur bei „Neue Kopie nötig“. Die Person sieht diesen Text."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The document's review_version when the page was rendered (services.document_review).
    version = forms.IntegerField(min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)


class SearchForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Art"), choices=[("", _("Alle")), *kind_choices()], required=False
    )
    since = forms.DateField(
        label=_("Eingang ab"),
        required=False,
        validators=day_validators(),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("Eingang bis"),
        required=False,
        validators=day_validators(),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    text = forms.CharField(label=_("Text im Dokument"), required=False, max_length=100)


class RequestForm(forms.Form):
    # The open proofs of an application (``proof_targets``), all ticked when prefilled.
    proofs = forms.MultipleChoiceField(
        label=_("Fehlende Nachweise aus dem Antrag"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    kinds = forms.MultipleChoiceField(
        label=_("Welche Unterlagen brauchen Sie?"),
        choices=kind_choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    free_text = forms.CharField(
        label=_("Weitere Unterlage (freier Text)"), required=False, max_length=200
    )
    reason = forms.CharField(
        label=_("Wofür brauchen Sie die Unterlagen?"),
        help_text=_(
            "Die Kundin oder der Kunde sieht diesen Text im eigenen Bereich, nicht in der E-Mail."
        ),
        required=False,
        max_length=300,
    )
    # ISO in the value: a date field shows nothing for "27.12.2026" (the proposed deadline).
    deadline = forms.DateField(
        label=_("Frist"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    explanation = forms.CharField(
        label=_("Kurze Erklärung"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    submit_key = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        proof_choices: list[tuple[str, str]] | None = None,
        kind_options: list[tuple[str, Any]] | None = None,
        **kw: Any,
    ):
        super().__init__(*args, **kw)
        if kind_options is not None:  # need-to-know: only kinds the person may read
            cast("forms.MultipleChoiceField", self.fields["kinds"]).choices = kind_options
        if proof_choices:
            cast("forms.MultipleChoiceField", self.fields["proofs"]).choices = proof_choices
            self.fields["kinds"].label = _("Weitere Unterlagen")
        else:
            del self.fields["proofs"]

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("Die Frist darf nicht in der Vergangenheit liegen."))
        return deadline

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            not cleaned.get("kinds")
            and not cleaned.get("proofs")
            and not (cleaned.get("free_text") or "").strip()
        ):
            self.add_error("kinds", _("Bitte wählen Sie mindestens eine Unterlage."))
        return cleaned


class SettingsForm(TranslationsFormMixin, forms.Form):
    translatable = ("cooperation_notice",)

    keep_originals = forms.BooleanField(
        label=_("Originalfotos nach der Verarbeitung aufbewahren"), required=False
    )
    retention_years = forms.IntegerField(
        label=_("Aufbewahrung in Jahren"), min_value=1, max_value=30
    )
    request_deadline_days = forms.IntegerField(
        label=_("Frist für Anforderungen in Tagen"),
        help_text=_(
            "Diese Frist schlägt eine neue Anforderung vor; sie ist je Anforderung änderbar."
        ),
        min_value=1,
        max_value=90,
        required=False,
    )
    cooperation_notice = forms.CharField(
        label=_("Hinweis zur Mitwirkungspflicht (§§ 60, 66 SGB I)"),
        help_text=_(
            "Steht auf jeder Anforderung. Leer lassen für den mitgelieferten Text, der in der "
            "Sprache der Person angezeigt wird."
        ),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

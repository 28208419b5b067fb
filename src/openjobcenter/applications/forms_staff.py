"""Forms of the back-office pages (labels German, translatable)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from openjobcenter.accounts.models import User
from openjobcenter.applications import help_texts
from openjobcenter.applications.models import ApplicationKind
from openjobcenter.applications.selectors_staff import MINE, UNASSIGNED, InboxFilter
from openjobcenter.applications.services_staff import MAX_MESSAGE, STAFF_STATUSES
from openjobcenter.core.content_i18n_forms import TranslationsFormMixin, field_name
from openjobcenter.core.inputs import day_validators
from openjobcenter.handoff import HandoffBackend
from openjobcenter.web.forms import PlainFieldsMixin, PlainSelect


def _status_choices() -> list[tuple[str, Any]]:
    from openjobcenter.applications.models import ApplicationStatus

    return [(s.value, s.label) for s in ApplicationStatus if s in STAFF_STATUSES]


class InboxFilterForm(PlainFieldsMixin, forms.Form):
    q = forms.CharField(
        label=_("Suche"),
        help_text=_("Name, Kundennummer oder Aktenzeichen"),
        required=False,
        max_length=100,
    )
    # Written out in Python (the staff list is long; issue 20's CPU target).
    kind = forms.ChoiceField(label=_("Art"), required=False, widget=PlainSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=PlainSelect)
    assignee = forms.ChoiceField(label=_("Zuständig"), required=False, widget=PlainSelect)
    von = forms.DateField(
        label=_("Eingegangen ab"),
        required=False,
        validators=day_validators(),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    bis = forms.DateField(
        label=_("Eingegangen bis"),
        required=False,
        validators=day_validators(),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, staff: Iterable[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everyone = [("", _("Alle"))]
        self.fields["kind"].choices = everyone + list(ApplicationKind.choices)  # type: ignore[attr-defined]
        self.fields["status"].choices = everyone + _status_choices()  # type: ignore[attr-defined]
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            *everyone,
            (MINE, _("Mir zugewiesen")),
            (UNASSIGNED, _("Niemandem zugewiesen")),
            *[(str(u.pk), u.display_name) for u in staff],
        ]

    def clean_q(self) -> str:
        query = str(self.cleaned_data.get("q") or "").strip()
        # A name is found through trigrams (three letters); shorter parts of a name would
        # mean reading every application of the job centre.
        if query and not any(ch.isdigit() for ch in query) and len(query) < 3:
            raise forms.ValidationError(
                _("Bitte geben Sie mindestens drei Zeichen des Namens ein.")
            )
        return query

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("von") and data.get("bis") and data["von"] > data["bis"]:
            self.add_error("bis", _("Das Ende darf nicht vor dem Anfang liegen."))
        return data

    def to_filter(self) -> InboxFilter:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return InboxFilter(
            kind=data.get("kind") or "",
            status=data.get("status") or "",
            assignee=data.get("assignee") or "",
            date_from=data.get("von"),
            date_to=data.get("bis"),
            q=data.get("q") or "",
        )


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Zuständig"), required=False)

    def __init__(self, *args: Any, staff: Iterable[User] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            ("", _("Niemand")),
            *[(str(u.pk), u.display_name) for u in staff],
        ]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Neuer Status"))
    reason = forms.CharField(
        label=_("Begründung für die Kundin oder den Kunden"),
        help_text=_("Diesen Text sieht die Kundin oder der Kunde auf der Statusseite."),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = _status_choices()  # type: ignore[attr-defined]


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Ihre Frage"),
        help_text=_(
            "Die Kundin oder der Kunde bekommt eine E-Mail, dass es eine Frage gibt, "
            "und liest sie nach der Anmeldung."
        ),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SettingsForm(TranslationsFormMixin, forms.Form):
    # Per language (core/content_i18n_forms.py); the help lines are checked per language.
    translatable = ("introduction", "help_texts")

    introduction = forms.CharField(
        label=_("Einleitung"),
        help_text=_("Wird vor dem Start eines Antrags angezeigt."),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    receipt_contact = forms.CharField(
        label=_("Kontaktzeile auf der Eingangsbestätigung"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    help_texts = forms.CharField(
        label=_("Eigene Hilfetexte"),
        help_text=_(
            "Eine Zeile je Frage: Schritt.Feld: Text, zum Beispiel "
            "„housing.cold_rent: Die Kaltmiete steht in Ihrem Mietvertrag.“"
        ),
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    renewal_enabled = forms.BooleanField(
        label=_("Weiterbewilligungsantrag anbieten"), required=False
    )
    change_notice_enabled = forms.BooleanField(
        label=_("Veränderungsmitteilung anbieten"), required=False
    )
    notify_mailbox = forms.EmailField(
        label=_("Funktionspostfach"),
        help_text=_("Bekommt einen Hinweis ohne persönliche Daten, wenn ein Antrag eingeht."),
        required=False,
        max_length=254,
    )

    def __init__(self, *args: Any, known_keys: frozenset[str] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known_keys = known_keys

    def clean_help_texts(self) -> dict[str, str]:
        return help_texts.parse_lines(str(self.cleaned_data["help_texts"]), self.known_keys)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        for language in self.translation_languages:
            name = field_name("help_texts", language)
            if not cleaned.get(name):
                continue
            try:
                parsed = help_texts.parse_lines(str(cleaned[name]), self.known_keys)
            except ValidationError as exc:
                self.add_error(name, exc)
            else:
                cleaned[name] = help_texts.format_lines(parsed)
        return cleaned

    def translation_missing(self, field: str, language: str) -> bool:
        if field != "help_texts":
            return super().translation_missing(field, language)
        german = help_texts.lenient(self._german_source(field))
        own = help_texts.lenient(self.stored_translations.get(field, {}).get(language, ""))
        return bool(help_texts.missing_keys(german, own, language))

    @staticmethod
    def help_texts_initial(texts: dict[str, str]) -> str:
        return help_texts.format_lines(texts)


class HandoffConfigForm(forms.Form):
    """One backend: on/off and its settings (secrets are never shown again)."""

    enabled = forms.BooleanField(label=_("Eingeschaltet"), required=False)

    def __init__(self, *args: Any, backend: HandoffBackend, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"handoff-{backend.key}")
        super().__init__(*args, **kwargs)
        self.backend = backend
        for f in backend.config_fields:
            self.fields[f.key] = forms.CharField(
                label=f.label,  # type: ignore[arg-type]
                help_text=f.help_text  # type: ignore[arg-type]
                or (_("Leer lassen, um den gespeicherten Wert zu behalten.") if f.secret else ""),
                required=False,
                max_length=f.max_length,
                widget=forms.PasswordInput(render_value=False)
                if f.secret
                else (forms.Textarea(attrs={"rows": 6}) if f.multiline else forms.TextInput()),
            )

    def config(self) -> dict[str, str]:
        return {f.key: self.cleaned_data.get(f.key) or "" for f in self.backend.config_fields}


class ChatTranscriptsForm(forms.Form):
    """The job centre's choice to hand chat transcripts to the back office."""

    chat_transcripts = forms.BooleanField(
        label=_("Chatverläufe übergeben, wenn das Jobcenter ein Gespräch abschließt"),
        help_text=_(
            "Schließt eine Mitarbeiterin oder ein Mitarbeiter ein Gespräch ab, geht der Verlauf "
            "über die eingeschalteten Wege an das Fachverfahren oder die E-Akte (nicht an das "
            "Postfach und den Posteingang). Standard: aus."
        ),
        required=False,
    )


class PrecalcForm(forms.Form):
    """Caseworker's overrides of the pre-calculation's inputs (GET; nothing stored)."""

    housing_limit_m = forms.DecimalField(
        label=_("Angemessenheitsgrenze Miete und Heizung (€ im Monat)"),
        required=False,
        min_value=0,
        max_value=100000,
        decimal_places=2,
    )
    rent_m = forms.DecimalField(
        label=_("Miete mit Nebenkosten (€ im Monat)"),
        required=False,
        min_value=0,
        max_value=100000,
        decimal_places=2,
    )
    heating_m = forms.DecimalField(
        label=_("Heizkosten (€ im Monat)"),
        required=False,
        min_value=0,
        max_value=100000,
        decimal_places=2,
    )
    in_grace_period = forms.ChoiceField(
        label=_("Karenzzeit"),
        required=False,
        choices=[
            ("", _("wie im Antrag")),
            ("yes", _("in der Karenzzeit")),
            ("no", _("nach der Karenzzeit")),
        ],
    )

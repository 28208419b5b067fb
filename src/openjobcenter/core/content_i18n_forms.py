"""Per-language input of the texts a job centre enters, for any settings form.

``TranslationsFormMixin`` adds, for each German field named in ``translatable`` and each
offered language besides German (Leichte Sprache included), an optional field of the same
kind and length limit. The form renders them after its own fields, one ``<details>``
section per language whose summary says which texts are still missing; every input
carries ``lang`` and ``dir`` (right to left for Arabic, Farsi, Dari). ``translations()``
gives the row's new ``translations`` value (inputs not sent keep their stored text) (core/content_i18n.py) for the app's service to
save and audit. One mixin for every app; docs/languages.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from openjobcenter.core.content_i18n import shared_translation, target_languages

if TYPE_CHECKING:
    from django.forms.boundfield import BoundField

PREFIX = "i18n"
# A tag or comment, as the German plain-text fields never hold one on purpose.
HTML_TAG = re.compile(r"<\s*[a-zA-Z!/?]")
NO_HTML = _(
    "Bitte geben Sie hier keinen HTML-Code ein (keine Zeichen wie „<b>“). "
    "Der deutsche Text ist ebenfalls reiner Text."
)


def field_name(field: str, language: str) -> str:
    return f"{PREFIX}__{language}__{field}"


def language_name(code: str) -> str:
    return str(dict(settings.ALL_LANGUAGES).get(code, code))


def is_rtl(code: str) -> bool:
    try:
        return bool(get_language_info(code)["bidi"])
    except KeyError:
        return False


def _no_html(value: str) -> None:
    if HTML_TAG.search(value or ""):
        raise forms.ValidationError(NO_HTML, code="html")


@dataclass(frozen=True)
class LanguageSection:
    """One offered language's inputs on the form, for the template."""

    code: str
    name: str
    native: str
    rtl: bool
    fields: list[BoundField]
    missing: list[str]  # labels of German texts with neither an own nor a shared translation
    open: bool  # errors inside: shown opened
    adopted: list[str] = dataclass_field(
        default_factory=list
    )  # labels shown in the operator's text


class TranslationsFormMixin:
    """Adds per-language fields for ``translatable`` to a ``forms.Form``/``ModelForm``.

    Pass the row's stored ``translations`` as keyword ``translations=``; German values come
    from the form's own data/initial. Fields in ``html_allowed`` accept markup as their
    German field does; all others refuse it.
    """

    translatable: ClassVar[tuple[str, ...]] = ()
    html_allowed: ClassVar[frozenset[str]] = frozenset()
    translation_fields_later: ClassVar[bool] = False
    template_name = "web/forms/form_translations.html"

    @property
    def _form(self) -> Any:
        return self  # the forms.Form this mixin is part of

    def __init__(self, *args: Any, translations: dict[str, Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.stored_translations: dict[str, dict[str, str]] = {
            f: dict(v) for f, v in (translations or {}).items() if isinstance(v, dict)
        }
        self.translation_languages = target_languages()
        self.translation_field_names: set[str] = set()
        if not self.translation_fields_later:
            self.add_translation_fields()

    def add_translation_fields(self) -> None:
        """Copy the German fields per language (a form that adjusts its German fields in
        its own ``__init__`` sets ``translation_fields_later`` and calls this after)."""
        for language in self.translation_languages:
            for field in self.translatable:
                german = self._form.fields.get(field)
                if german is None:  # removed for this viewer (e.g. a field only admins see)
                    continue
                name = field_name(field, language)
                self._form.fields[name] = self._copy(german, field, language)
                self.translation_field_names.add(name)
                stored = self.stored_translations.get(field, {}).get(language)
                if isinstance(stored, str):
                    self._form.initial.setdefault(name, stored)
                else:
                    # The operator's shared translation is adopted while the field stays
                    # empty: the admin sees it as the placeholder (docs/languages.md).
                    shared = shared_translation(self._german_source(field), language)
                    if shared:
                        self._form.fields[name].widget.attrs["placeholder"] = shared

    def _copy(self, german: forms.Field, field: str, language: str) -> forms.Field:
        multiline = isinstance(german.widget, forms.Textarea)
        attrs: dict[str, Any] = {"lang": language, "dir": "rtl" if is_rtl(language) else "ltr"}
        if multiline:
            attrs["rows"] = german.widget.attrs.get("rows", 4)
        max_length = getattr(german, "max_length", None)
        validators = [] if field in self.html_allowed else [_no_html]
        return forms.CharField(
            label=f"{german.label} ({language_name(language)})",
            required=False,
            max_length=max_length,
            widget=forms.Textarea(attrs=attrs) if multiline else forms.TextInput(attrs=attrs),
            validators=validators,
        )

    def _german_source(self, field: str) -> str:
        """The German text as stored (the missing marker describes the saved state)."""
        value = self._form.initial.get(field)
        if value is None:
            value = getattr(getattr(self, "instance", None), field, "")
        return str(value or "")

    def translation_missing(self, field: str, language: str) -> bool:
        """Whether the stored German text of ``field`` has neither an own nor a shared
        translation in ``language`` (a form with structured texts refines this)."""
        german = self._german_source(field)
        own = self.stored_translations.get(field, {}).get(language, "")
        return bool(german.strip()) and not own.strip() and not shared_translation(german, language)

    def _adopted(self, field: str, language: str) -> bool:
        """No own text, but the operator's shared translation of the German is shown."""
        own = self.stored_translations.get(field, {}).get(language, "")
        german = self._german_source(field)
        return not own.strip() and bool(german.strip() and shared_translation(german, language))

    def translation_sections(self) -> list[LanguageSection]:
        sections = []
        form: Any = self
        for language in self.translation_languages:
            bound: list[BoundField] = []
            missing: list[str] = []
            adopted: list[str] = []
            for field in self.translatable:
                name = field_name(field, language)
                if name not in self._form.fields:
                    continue
                bound.append(form[name])
                label = str(self._form.fields[field].label)
                if self.translation_missing(field, language):
                    missing.append(label)
                elif self._adopted(field, language):
                    adopted.append(label)
            sections.append(
                LanguageSection(
                    code=language,
                    name=language_name(language),
                    native=str(settings.LANGUAGE_NATIVE_NAMES.get(language, language)),
                    rtl=is_rtl(language),
                    fields=bound,
                    missing=missing,
                    open=any(b.errors for b in bound),
                    adopted=adopted,
                )
            )
        return sections

    def get_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context()  # type: ignore[misc]
        context["fields"] = [
            (bf, errors)
            for bf, errors in context["fields"]
            if bf.name not in self.translation_field_names
        ]
        context["translation_sections"] = self.translation_sections()
        return context

    def translations(self) -> dict[str, dict[str, str]]:
        """The row's new ``translations``: the entered texts replace the stored ones of
        the fields and languages on this form; everything else is kept."""
        form: Any = self
        cleaned: dict[str, Any] = getattr(self, "cleaned_data", {})
        result = {f: dict(v) for f, v in self.stored_translations.items()}
        for language in self.translation_languages:
            for field in self.translatable:
                name = field_name(field, language)
                if name not in self._form.fields or form.add_prefix(name) not in form.data:
                    continue  # not on the form or not sent: the stored text stays
                text = str(cleaned.get(name) or "").strip()
                per_field = result.setdefault(field, {})
                if text:
                    per_field[language] = text
                else:
                    per_field.pop(language, None)
        return {f: v for f, v in result.items() if v}

    def german_data(self) -> dict[str, Any]:
        """``cleaned_data`` without the per-language fields (for services that take
        the German fields as keyword arguments)."""
        cleaned: dict[str, Any] = getattr(self, "cleaned_data", {})
        return {k: v for k, v in cleaned.items() if k not in self.translation_field_names}

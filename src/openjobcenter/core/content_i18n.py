"""Texts a job centre enters, in every language: one mechanism for all apps.

A model with such texts has a ``translations`` JSON field shaped
``{"<field>": {"<language>": "<text>"}}`` beside its German fields (German is the source
and the fallback). ``translated(obj, "name")`` gives the text in the active language: the
job centre's own translation, else the operator's shared translation of exactly that
German text (``SharedTranslation``, adopted automatically), else the German.
``missing_languages`` names what is still untranslated, for the "Übersetzung fehlt"
marker in the admin (docs/languages.md).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

SHARED_CACHE_SECONDS = 300


def shared_cache_key(source: str) -> str:
    return "shared-translation:" + hashlib.sha256(source.encode()).hexdigest()[:32]


def _shared(source: str) -> dict[str, str]:
    from openjobcenter.core.models import SharedTranslation

    if not source or len(source) > 500:
        return {}
    key = shared_cache_key(source)
    found = cache.get(key)
    if found is None:
        row = SharedTranslation.objects.filter(source=source).only("translations").first()
        found = dict(row.translations) if row is not None else {}
        cache.set(key, found, SHARED_CACHE_SECONDS)
    return dict(found)


def shared_translation(source: str, language: str) -> str:
    """The operator's shared translation of exactly this German text, or ""."""
    text = _shared(source).get(language)
    return text if isinstance(text, str) and text.strip() else ""


def translated(obj: Any, field: str, language: str | None = None) -> str:
    german = str(getattr(obj, field, "") or "")
    language = language or get_language() or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE:
        return german
    own = (getattr(obj, "translations", None) or {}).get(field) or {}
    text = own.get(language)
    if isinstance(text, str) and text.strip():
        return text
    shared = _shared(german).get(language)
    if isinstance(shared, str) and shared.strip():
        return shared
    return german


def target_languages() -> list[str]:
    return [code for code in settings.OFFERED_LANGUAGES if code != settings.LANGUAGE_CODE]


def missing_languages(obj: Any, fields: tuple[str, ...]) -> dict[str, list[str]]:
    """Per German field that has text: the offered languages without any translation
    (neither the job centre's own nor a shared one)."""
    missing: dict[str, list[str]] = {}
    for field in fields:
        german = str(getattr(obj, field, "") or "")
        if not german.strip():
            continue
        lacking = [
            code
            for code in target_languages()
            if translated(obj, field, code) == german and code not in _identical_ok(obj, field)
        ]
        if lacking:
            missing[field] = lacking
    return missing


def _identical_ok(obj: Any, field: str) -> set[str]:
    """Languages whose translation was entered and happens to equal the German."""
    own = (getattr(obj, "translations", None) or {}).get(field) or {}
    return {code for code, text in own.items() if isinstance(text, str) and text.strip()}


def set_translation(obj: Any, field: str, language: str, text: str) -> None:
    """Put one translation on ``obj`` (unsaved); an empty text removes it."""
    data: dict[str, dict[str, str]] = dict(getattr(obj, "translations", None) or {})
    per_field = dict(data.get(field) or {})
    if text.strip():
        per_field[language] = text.strip()
    else:
        per_field.pop(language, None)
    if per_field:
        data[field] = per_field
    else:
        data.pop(field, None)
    obj.translations = data


def checked_translations(value: Any) -> dict[str, dict[str, str]]:
    """A ``translations`` value a service may store: ``{field: {language: text}}`` with
    known language codes and non-empty texts. Anything else is a programming error (the
    forms produce this shape), so it raises ``TypeError``/``ValueError`` rather than storing it."""
    if not isinstance(value, dict):
        msg = "translations must be a dict"
        raise TypeError(msg)
    known = {code for code, _name in settings.ALL_LANGUAGES}
    result: dict[str, dict[str, str]] = {}
    for field, per_language in value.items():
        if not isinstance(field, str) or not isinstance(per_language, dict):
            msg = f"translations[{field!r}] must be a dict"
            raise TypeError(msg)
        texts = {}
        for language, text in per_language.items():
            if language not in known or not isinstance(text, str):
                msg = f"translations[{field!r}][{language!r}] is not a text of a known language"
                raise ValueError(msg)
            if text.strip():
                texts[language] = text.strip()
        if texts:
            result[field] = texts
    return result

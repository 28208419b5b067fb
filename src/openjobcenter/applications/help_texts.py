"""A job centre's own help for questions of the application form, per language.

German overrides live in ``ApplicationSettings.help_texts`` (``{"<step>.<field>": text}``);
the texts for other languages in ``ApplicationSettings.translations["help_texts"][<lang>]``
as the same lines the admin types ("Schritt.Feld: Text"), so they fit the one mechanism
for texts job centres enter (core/content_i18n.py). A customer reading language L sees
the job centre's text in L, else the operator's shared translation of its German text,
else the platform's own help in L (from the catalogues) — never the German override, which
would replace a help the platform already has in L.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from openjobcenter.core.content_i18n import shared_translation

MAX_HELP_TEXT = 2000
HELP_LINE_RE = re.compile(r"^\s*([a-z0-9_]{1,40}\.[a-z0-9_]{1,40})\s*[:=]\s*(.+?)\s*$")


def parse_lines(text: str, known_keys: frozenset[str] = frozenset()) -> dict[str, str]:
    """The admin's lines as ``{key: text}``; a wrong line raises ``ValidationError``."""
    result: dict[str, str] = {}
    for number, line in enumerate(str(text or "").splitlines(), 1):
        if not line.strip():
            continue
        match = HELP_LINE_RE.match(line)
        if not match:
            raise ValidationError(
                _("Zeile %(n)s: Bitte schreiben Sie „Schritt.Feld: Text“."), params={"n": number}
            )
        key, value = match.group(1), match.group(2)
        if known_keys and key not in known_keys:
            raise ValidationError(
                _("Zeile %(n)s: Die Frage „%(key)s“ gibt es nicht."),
                params={"n": number, "key": key},
            )
        if len(value) > MAX_HELP_TEXT:
            raise ValidationError(_("Zeile %(n)s: Der Text ist zu lang."), params={"n": number})
        result[key] = value
    return result


def lenient(text: Any) -> dict[str, str]:
    """Stored lines read for display: a line that does not parse is left out."""
    result: dict[str, str] = {}
    for line in str(text or "").splitlines():
        match = HELP_LINE_RE.match(line)
        if match:
            result[match.group(1)] = match.group(2)
    return result


def format_lines(texts: dict[str, str]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in sorted(texts.items()))


def german_overrides(conf: Any) -> dict[str, str]:
    stored = conf.help_texts or {}
    return {str(k): str(v) for k, v in stored.items()} if isinstance(stored, dict) else {}


def own_in(conf: Any, language: str) -> dict[str, str]:
    per_language = (conf.translations or {}).get("help_texts") or {}
    return lenient(per_language.get(language, ""))


def local_help(conf: Any, language: str | None = None) -> dict[str, str]:
    """``{key: text}`` of the job centre's help in ``language`` (default: the active one);
    keys left out get the platform's translated help."""
    language = language or get_language() or settings.LANGUAGE_CODE
    german = german_overrides(conf)
    if language == settings.LANGUAGE_CODE:
        return german
    result = own_in(conf, language)
    for key, text in german.items():
        if key not in result:
            shared = shared_translation(text, language)
            if shared:
                result[key] = shared
    return result


def missing_keys(conf_german: dict[str, str], own: dict[str, str], language: str) -> list[str]:
    """German overrides with neither an own text in ``language`` nor a shared translation."""
    return [
        key
        for key, text in sorted(conf_german.items())
        if key not in own and not shared_translation(text, language)
    ]

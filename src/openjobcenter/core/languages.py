"""Which languages the platform knows, which it offers, and a safe way to use a stored one.

The platform *knows* more languages than it *offers*: a language is offered (listed in
``settings.LANGUAGES``, so Django's LocaleMiddleware, the switcher and the profile form
accept it) only when its compiled platform catalogue holds translations. A language whose
catalogue is missing or empty is simply not there: a cookie, URL or profile naming it
falls back to German (docs/languages.md). This module is read by the settings, so it
imports nothing that needs configured settings at import time.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from pathlib import Path

# Leichte Sprache: a private-use subtag of German (BCP 47), so browsers and screen readers
# treat the page as German, and German is the fallback for every message not yet written.
EASY_GERMAN = "de-x-ls"


def to_locale(code: str) -> str:
    """The catalogue folder of a language code, as Django names it (de-x-ls -> de_X-ls)."""
    from django.utils.translation import to_locale as django_to_locale

    return django_to_locale(code)


def catalogue_messages(mo_file: Path) -> int:
    """How many entries a compiled catalogue holds (the header counts as one), 0 if none."""
    try:
        with mo_file.open("rb") as fh:
            head = fh.read(12)
    except OSError:
        return 0
    if len(head) < 12:
        return 0
    magic = struct.unpack("<I", head[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    return int(struct.unpack(f"{order}I", head[8:12])[0])


def with_catalogue(locale_dir: Path, codes: Iterable[str], source: str = "de") -> list[str]:
    """The codes whose platform catalogue in ``locale_dir`` translates at least one message.

    The source language needs no catalogue (its messages are the msgids). An empty
    catalogue (``make messages`` creates one with only the header) does not count.
    """
    found = []
    for code in codes:
        mo_file = locale_dir / to_locale(code) / "LC_MESSAGES" / "django.mo"
        if code == source or catalogue_messages(mo_file) > 1:
            found.append(code)
    return found


def usable_language(code: str | None) -> str:
    """A stored language code as one the platform offers now, German when it is not.

    For e-mails, push messages and PDFs: a profile may name a language that is no longer
    offered (its catalogue was withdrawn) or that was never valid.
    """
    from django.conf import settings
    from django.utils.translation import get_supported_language_variant

    if not code:
        return str(settings.LANGUAGE_CODE)
    try:
        return str(get_supported_language_variant(code))
    except LookupError:
        return str(settings.LANGUAGE_CODE)

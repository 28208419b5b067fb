from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language, get_language_bidi


def platform(request: HttpRequest) -> dict[str, object]:
    return {
        "jobcenter": getattr(request, "jobcenter", None),
        "languages_native": [
            (code, settings.LANGUAGE_NATIVE_NAMES[code]) for code, _name in settings.LANGUAGES
        ],
        "current_language": get_language(),
        "text_direction": "rtl" if get_language_bidi() else "ltr",
    }

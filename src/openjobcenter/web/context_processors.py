from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language, get_language_bidi


def platform(request: HttpRequest) -> dict[str, object]:
    jobcenter = getattr(request, "jobcenter", None)
    if jobcenter is None and request.path.startswith("/konto/"):
        # Login, signup and confirmation pages wear the chosen job centre's brand.
        from openjobcenter.accounts.branding import account_jobcenter

        jobcenter = account_jobcenter(request)
    return {
        "jobcenter": jobcenter,
        "languages_native": [
            (code, settings.LANGUAGE_NATIVE_NAMES[code]) for code, _name in settings.LANGUAGES
        ],
        "current_language": get_language(),
        "text_direction": "rtl" if get_language_bidi() else "ltr",
    }

"""Pages about languages: further languages the platform does not offer, and each job
centre's page in Leichte Sprache (BITV 2.0 § 4) with its sign-language video slot."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from openjobcenter.core.access import request_jobcenter
from openjobcenter.core.languages import EASY_GERMAN
from openjobcenter.web import easy_language_default as default_text
from openjobcenter.web.further_languages import BY_CODE, FURTHER_LANGUAGES

# The start page's help-page key for the sign-language video (videos: attach a video
# with a "sign" variant to the help page "startseite").
START_PAGE_HELP = "startseite"


@require_safe
def other_languages(request: HttpRequest) -> HttpResponse:
    offered = [(code, settings.LANGUAGE_NATIVE_NAMES[code]) for code, _name in settings.LANGUAGES]
    return render(
        request,
        "web/other_languages.html",
        {"offered": offered, "further": FURTHER_LANGUAGES, "easy": EASY_GERMAN},
    )


@require_safe
def further_language(request: HttpRequest, code: str) -> HttpResponse:
    language = BY_CODE.get(code.lower())
    if language is None:
        # An unknown code is no error: the list of languages, in the page's language.
        return HttpResponseRedirect(reverse("other_languages"))
    return render(request, "web/further_language.html", {"language": language})


@require_safe
def easy_language(request: HttpRequest, jc: str) -> HttpResponse:
    """What the site offers, in Leichte Sprache: the job centre's own text, else the
    platform's; and the sign-language video when the job centre has one."""
    from openjobcenter.tenants.selectors import language_review_of
    from openjobcenter.videos.selectors import sign_language_video

    jobcenter = request_jobcenter(request)
    return render(
        request,
        "web/easy_language.html",
        {
            "own_text": jobcenter.easy_language,
            "default": {"title": default_text.TITLE, "sections": default_text.SECTIONS},
            "sign_player": sign_language_video(jobcenter, START_PAGE_HELP),
            # "Geprüft": the job centre's record that a test group checked its texts.
            "review": language_review_of(jobcenter, EASY_GERMAN),
        },
    )

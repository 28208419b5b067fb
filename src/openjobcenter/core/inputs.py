"""Input the database or the calendar cannot take is refused at the door (issue 16, item 10).

Found by sending odd but well-formed values to every API operation and filter page:

- a NUL character in a string: PostgreSQL refuses it in text ("cannot contain NUL (0x00)
  bytes"), which surfaced as a 500 for any path segment, query parameter or JSON string
  that reached a query; Django's form fields refuse it, the API's schemas did not.
  ``NulGuardMiddleware`` refuses it everywhere at once, so no operation added later can
  forget it: 422 on the API (in its validation-error shape), 400 on pages.
- a time with a time zone (``22:00+02:00``): quiet hours and office hours are wall-clock
  times; SQLite cannot store an aware time and JSON cannot carry one back. ``NaiveTime``.
- a day at the edge of the calendar (``9999-12-31``, ``0001-01-01``): filters turn a day
  into a range ("until the end of that day", "from the start of that day in Berlin") and
  ran past ``date.max``/``date.min``. ``Day`` (API) and ``day_validators`` (forms) keep
  days within years 1900 to 2999.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, time
from typing import Annotated, Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from pydantic import AfterValidator, Field

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)

NUL = "\x00"


def _no_time_zone(value: time) -> time:
    if value.tzinfo is not None:
        msg = "give a local time without a time zone (for example 22:00)"
        raise ValueError(msg)
    return value


# A wall-clock time (Europe/Berlin, like everything the job centres schedule).
NaiveTime = Annotated[time, AfterValidator(_no_time_zone)]

# A calendar day the platform can compute with (a range around it stays a valid date).
Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY)]


def day_validators() -> list[Callable[[Any], None]]:
    """For a form's ``DateField(validators=...)``: the same bounds as ``Day``."""
    return [MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)]


def _strings(
    value: object, loc: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*loc, str(key)), str(key)
            yield from _strings(item, (*loc, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*loc, index))


def _json_body(request: HttpRequest) -> object:
    if not request.content_type or not request.content_type.endswith("json"):
        return None
    # JSON can carry NUL only escaped; most bodies do not, and need not be parsed twice.
    if b"\\u0000" not in request.body:
        return None
    try:
        return json.loads(request.body or b"null")
    except ValueError:
        return None  # the API answers malformed JSON itself


def nul_location(request: HttpRequest) -> tuple[str | int, ...] | None:
    """Where the request carries a NUL character (path, query, JSON or form), if anywhere."""
    if NUL in request.path:
        return ("path",)
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in v for v in values):
            return ("query", key.replace(NUL, ""))
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return None
    for loc, text in _strings(_json_body(request), ("body",)):
        if NUL in text:
            return loc
    if request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        for key, values in request.POST.lists():
            if NUL in key or any(NUL in v for v in values):
                return ("form", key.replace(NUL, ""))
    return None


class NulGuardMiddleware:
    """Refuses a request that carries a NUL character before anything reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        loc = nul_location(request)
        if loc is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            # The shape of the API's other validation errors (api/urls.py).
            return JsonResponse(
                {
                    "detail": [
                        {
                            "loc": [str(part).replace(NUL, "") for part in loc],
                            "msg": "must not contain the NUL character (\\u0000)",
                            "type": "string_nul",
                        }
                    ]
                },
                status=422,
            )
        from openjobcenter.web.views import bad_request

        return bad_request(request)

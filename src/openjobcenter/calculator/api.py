"""``POST /api/v1/benefits/calculate``: the calculator over HTTP, same JSON as the CLI."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja import Body, Router, Status
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from openjobcenter.api.schemas import ValidationErrorOut
from openjobcenter.benefits import CalculationError, calculate
from openjobcenter.calculator.breakdown import breakdown
from openjobcenter.core.languages import usable_language

router = Router(tags=["benefits"])


@router.post(
    "/calculate",
    auth=None,
    response={200: dict[str, Any], 422: ValidationErrorOut},
    throttle=[AnonRateThrottle("120/m"), AuthRateThrottle("600/m")],
    summary="Compute the monthly Bürgergeld claim of a household",
)
def calculate_claim(
    request: HttpRequest, household: Body[dict[str, Any]], language: str = ""
) -> Any:
    """Input and output as documented in ``openjobcenter.benefits``; errors name the field.

    ``explanation`` is German and English (the calculator's own lines). With
    ``?language=<code>`` (any language the platform offers, e.g. ``tr``, ``fa``,
    ``de-x-ls``) the answer adds ``explanation_localized``: ``{"language", "lines"}``, the
    self-check's "So haben wir gerechnet" in that language, people named by their ``id``;
    a code the platform does not offer gives German."""
    try:
        result = calculate(household)
    except CalculationError as exc:
        return Status(
            422,
            {
                "detail": [
                    {
                        "loc": ["body", *_path(exc.field)],
                        "msg": exc.message_en,
                        "msg_de": exc.message,
                        "type": "calculation_input",
                    }
                ]
            },
        )
    if not language:
        return Status(200, result)
    code = usable_language(language[:20])
    with translation.override(code):
        lines = breakdown(result)
    return Status(200, {**result, "explanation_localized": {"language": code, "lines": lines}})


def _path(field: str) -> list[str | int]:
    parts: list[str | int] = []
    for piece in field.replace("]", "").split("."):
        name, _sep, index = piece.partition("[")
        if name:
            parts.append(name)
        if index.isdigit():
            parts.append(int(index))
    return parts

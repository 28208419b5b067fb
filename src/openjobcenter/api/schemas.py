from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, field_validator


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class OfficeOut(Schema):
    name: str
    street: str
    postcode: str
    city: str
    phone: str
    opening_hours: list[str]


class JobcenterOut(Schema):
    slug: str
    name: str
    kind: Literal["municipal", "joint"]
    url: str


class JobcenterMatchOut(JobcenterOut):
    matched_areas: list[str]


class JobcenterDetailOut(JobcenterOut):
    phone: str
    email: str
    offices: list[OfficeOut]


class DictOut(BaseModel):
    """An answer the operation builds as a dict: plain pydantic, without ``ninja.Schema``'s
    wrapper that lets a schema read model attributes (a sixth of ``/me``'s response CPU,
    issue 19); the same JSON Schema in the OpenAPI description."""


class CustomerOut(DictOut):
    jobcenter: str
    customer_number: str | None
    street: str
    postcode: str
    city: str
    phone: str
    contact_channel: str


class MeOut(DictOut):
    email: str
    first_name: str
    last_name: str
    preferred_language: str
    customer: CustomerOut | None
    staff_roles: dict[str, list[str]]


class MePatch(Strict):
    first_name: str | None = Field(default=None, min_length=1, max_length=150)
    last_name: str | None = Field(default=None, min_length=1, max_length=150)
    # One of the offered languages (settings.LANGUAGES, docs/languages.md).
    preferred_language: str | None = Field(default=None, max_length=8)
    street: str | None = Field(default=None, max_length=200)
    postcode: str | None = Field(default=None, pattern=r"^(\d{5})?$")
    city: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, pattern=r"^(\+?[0-9 ()/-]{4,40})?$")
    contact_channel: Literal["email", "phone", "post", "app"] | None = None

    @field_validator("preferred_language")
    @classmethod
    def offered_language(cls, value: str | None) -> str | None:
        from django.conf import settings

        offered = [code for code, _name in settings.LANGUAGES]
        if value is not None and value not in offered:
            msg = f"one of: {', '.join(offered)}"
            raise ValueError(msg)
        return value


class LookupQuery(Schema):
    q: str = Field(min_length=2, max_length=100, description="Municipality or postcode")


# --- error answers: one body shape for every refusal, ``{"detail": ...}`` ---------------
# Component names in the OpenAPI document are the model's class names and must be unique
# across routers (ninja keeps the last of two with the same name); tests/test_api_spec.py
# fails on any duplicate.


class ErrorOut(Schema):
    """401, 403, 404, 405, 409, 500, 503: ``detail`` says what is wrong."""

    detail: str


class FieldError(Schema):
    """One refused field: where (``loc``), why (``msg``), and a machine-readable ``type``."""

    model_config = ConfigDict(extra="allow")

    loc: list[str | int]
    msg: str
    type: str = ""


class ValidationErrorOut(Schema):
    """422: a list of refused fields, or one sentence when no single field is at fault."""

    detail: list[FieldError] | str


class RateLimitedOut(Schema):
    """429: too many requests; ``retry_after`` seconds (also in the Retry-After header)."""

    detail: str
    retry_after: int | None = None

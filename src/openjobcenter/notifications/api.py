"""API of the notifications module, mounted under /api/v1/notifications.

For any logged-in person (session with CSRF, or a personal bearer token): the VAPID
public key, registering and removing this device's push subscription, and the
notification preferences.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field, HttpUrl, model_validator

from openjobcenter.api.auth import session_or_token
from openjobcenter.core.access import request_user
from openjobcenter.core.inputs import NaiveTime
from openjobcenter.notifications.services import (
    PreferenceInput,
    preference_of,
    preference_save,
    push_subscription_delete,
    push_subscription_register,
)
from openjobcenter.notifications.vapid import vapid_keys

router = Router(tags=["notifications"], auth=session_or_token)


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class VapidOut(Schema):
    public_key: str


class SubscriptionIn(Strict):
    endpoint: HttpUrl = Field(max_length=1000)
    p256dh: str = Field(min_length=20, max_length=200, pattern=r"^[A-Za-z0-9_\-=]+$")
    auth: str = Field(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_\-=]+$")


class SubscriptionDeleteIn(Strict):
    endpoint: HttpUrl = Field(max_length=1000)


class PreferencesIO(Strict):
    email: bool
    push: bool
    # Wall-clock times: one with a time zone is refused (422), not stored (issue 16).
    quiet_start: NaiveTime | None = None
    quiet_end: NaiveTime | None = None

    @model_validator(mode="after")
    def both_or_neither(self) -> PreferencesIO:
        if (self.quiet_start is None) != (self.quiet_end is None):
            msg = "quiet_start and quiet_end must be given together"
            raise ValueError(msg)
        return self


@router.get("/vapid-public-key", response=VapidOut)
def vapid_public_key(request: HttpRequest) -> VapidOut:
    return VapidOut(public_key=vapid_keys()[1])


@router.post("/push-subscriptions", response={201: None})
def register_subscription(request: HttpRequest, data: SubscriptionIn) -> Status[None]:
    if not str(data.endpoint).startswith("https://"):
        from ninja.errors import HttpError

        raise HttpError(422, "endpoint must be an https URL")
    push_subscription_register(
        user=request_user(request), endpoint=str(data.endpoint), p256dh=data.p256dh, auth=data.auth
    )
    return Status(201, None)


@router.delete("/push-subscriptions", response={204: None})
def delete_subscription(request: HttpRequest, data: SubscriptionDeleteIn) -> Status[None]:
    push_subscription_delete(user=request_user(request), endpoint=str(data.endpoint))
    return Status(204, None)


@router.get("/preferences", response=PreferencesIO)
def get_preferences(request: HttpRequest) -> PreferencesIO:
    pref = preference_of(request_user(request))
    return PreferencesIO(
        email=pref.email, push=pref.push, quiet_start=pref.quiet_start, quiet_end=pref.quiet_end
    )


@router.put("/preferences", response=PreferencesIO)
def put_preferences(request: HttpRequest, data: PreferencesIO) -> PreferencesIO:
    preference_save(
        user=request_user(request),
        data=PreferenceInput(
            email=data.email, push=data.push, quiet_start=data.quiet_start, quiet_end=data.quiet_end
        ),
    )
    return data

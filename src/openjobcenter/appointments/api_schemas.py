"""Request and response schemas of the appointments API (``appointments/api.py``).

Every ninja ``Schema`` the customer and staff operations take or return: appointment
types, free slots and their query, appointments (with the staff view), booking, change
and invitation inputs, the video link, the 409 answer for a taken slot and the 422
answer for a time outside opening hours. The class
names are the OpenAPI component names, so they must not change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import AwareDatetime, ConfigDict, Field

from openjobcenter.appointments import services
from openjobcenter.core.inputs import Day


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


ChannelName = Literal["in_person", "phone", "video"]
ReasonName = Literal["illness", "job_interview", "childcare", "other"]


class TypeOut(Schema):
    id: int
    name: str
    description: str
    duration_min: int
    channels: list[str]
    what_to_bring: str


class SlotOut(Schema):
    starts_at: datetime
    ends_at: datetime
    staff_id: int
    office_id: int | None


class SlotsQuery(Schema):
    von: Day | None = Field(default=None, description="First day (Europe/Berlin), default today")
    bis: Day | None = Field(default=None, description="Last day, inclusive; default: horizon")


class AppointmentOfficeOut(Schema):
    name: str
    street: str
    postcode: str
    city: str


class AppointmentOut(Schema):
    id: int
    type_id: int
    type: str
    status: str
    status_label: str
    channel: str
    starts_at: datetime
    ends_at: datetime
    staff_name: str
    office: AppointmentOfficeOut | None
    what_to_bring: str
    legal_notice: str
    note_for_customer: str
    change_reason: str
    change_message: str
    cancelled_by: str
    staff_message: str


class StaffAppointmentOut(AppointmentOut):
    staff_id: int
    customer_id: int
    customer_name: str
    customer_number: str | None
    checked_in_at: datetime | None
    rescheduled_from: datetime | None = Field(description="Where a moved appointment stood")
    override_reason: str = Field(
        description="Why staff set it on a holiday, a weekend or outside opening hours"
    )


class BookIn(Strict):
    type_id: int
    staff_id: int
    starts_at: AwareDatetime
    channel: ChannelName


class ChangeIn(Strict):
    reason: ReasonName
    message: str = Field(default="", max_length=services.MAX_MESSAGE)


class VideoOut(Schema):
    provider: str
    state: Literal["cancelled", "early", "open", "over"]
    opens_at: datetime
    closes_at: datetime
    url: str | None
    embed: bool
    valid_until: datetime | None


class SlotTakenOut(Schema):
    detail: str
    alternatives: list[SlotOut]


class ConcernOut(Schema):
    code: Literal["holiday", "weekend", "closed"]
    message: str


class OutsideHoursOut(Schema):
    """422 when the time needs a reason: ``code`` is ``outside_opening_hours``."""

    detail: str
    code: Literal["outside_opening_hours"]
    reasons: list[ConcernOut]


class CalendarQuery(Schema):
    tag: Day | None = Field(default=None, description="First day (Europe/Berlin), default today")
    tage: int = Field(default=1, ge=1, le=7, description="Number of days, 1 to 7")
    person: int | None = Field(default=None, description="Staff member (user id); default: oneself")


class InviteIn(Strict):
    customer_id: int
    type_id: int
    starts_at: AwareDatetime
    channel: ChannelName
    office_id: int | None = None
    staff_id: int | None = Field(default=None, description="Default: oneself")
    note: str = Field(default="", max_length=services.MAX_MESSAGE)
    replaces_id: int | None = Field(
        default=None,
        description="An appointment of this customer that asked for another date: the "
        "invitation moves it (one appointment) instead of adding a second one",
    )
    override_reason: str = Field(
        default="",
        max_length=services.MAX_OVERRIDE_REASON,
        description="Required when the time is on a Hessian public holiday, a weekend or "
        "outside the office's opening hours (else 422 with code outside_opening_hours)",
    )

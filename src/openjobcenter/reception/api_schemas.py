"""Schemas of the reception API."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class ScanIn(Schema):
    code: str = Field(..., max_length=200, description="QR payload (OJC1:…) or customer number")


class TodayAppointmentOut(Schema):
    id: int
    starts_at: datetime
    type: str
    staff_name: str
    checked_in: bool


class TicketOut(Schema):
    id: int
    number: str = Field(..., description="Call number, e.g. A-017")
    area_id: int
    area: str
    status: str
    desk: str | None
    topic: str
    call_count: int
    called_at: datetime | None
    customer_id: int | None
    appointment_id: int | None


class ScanOut(Schema):
    customer_id: int
    name: str
    customer_number: str | None
    by_card: bool
    appointments_today: list[TodayAppointmentOut]
    open_ticket: TicketOut | None


class CheckInIn(Schema):
    customer_id: int
    area_id: int | None = None


class WalkInIn(Schema):
    customer_id: int | None = None
    topic: str = Field(..., max_length=120)
    area_id: int | None = None


class CallIn(Schema):
    desk_id: int

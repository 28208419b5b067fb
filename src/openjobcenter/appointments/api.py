"""``/api/v1/appointments/{jc}/...``: appointments for customers' apps and for staff.

Customers authenticate with the session (plus CSRF) or a personal bearer token; staff
endpoints (``/{jc}/staff/...``) take only a session in which the second factor was used,
so a leaked token never opens the back office. Everything is scoped to the job centre in
the path: someone else's appointment, customer, type or office is a 404, like a missing
one. Writes go through ``appointments.services``; a taken slot is a 409 with the next
free slots, a refused request a 422 naming the field (or a 409 when the appointment's
state forbids it).

This module only assembles the ``router``: the schemas live in ``api_schemas``, the
router and shared helpers in ``api_common``, and the operations in ``api_customer`` and
``api_staff``, which register themselves when imported here.
"""

from __future__ import annotations

from openjobcenter.appointments.api_common import router

# The import order is the order of the operations in the OpenAPI document.
# isort: off
from openjobcenter.appointments import api_customer  # noqa: F401
from openjobcenter.appointments import api_staff  # noqa: F401

# isort: on

__all__ = ["router"]

"""API of the applications module, mounted at the root of ``/api/v1/``.

Public: ``/forms/`` (form definitions with steps, fields, conditions and help texts) and
``/schemas/`` (the versioned JSON Schema of submitted data).

Customers (``/applications/...``; session with CSRF or a personal bearer token) see and
change only their own applications: someone else's is a 404 like a missing one. The
whole customer flow works through these endpoints alone: start a draft, file (the
minimal first step), save steps (optimistic ``base_version``; 409 with the newer answers
when another device saved meanwhile), read the derived proofs, submit (idempotent, with
an ``Idempotency-Key`` header; rate limited), read status and history, answer questions.

Staff (``/applications/staff/{jc}/...``) take only a session in which the second factor
was used, like the appointments API; another job centre's staff get 404, roles without
the permission 403. Writes go through ``services`` (customer) and ``services_staff``.

This module only assembles the ``router``: the schemas live in ``api_schemas``, the
router and shared helpers in ``api_common``, and the operations in ``api_public``,
``api_customer`` and ``api_staff``, which register themselves when imported here.
"""

from __future__ import annotations

from openjobcenter.applications.api_common import router
from openjobcenter.applications.models import ApplicationKind

# The import order is the order of the operations in the OpenAPI document.
# isort: off
from openjobcenter.applications import api_public  # noqa: F401
from openjobcenter.applications import api_customer  # noqa: F401
from openjobcenter.applications import api_staff  # noqa: F401

# isort: on

__all__ = ["ApplicationKind", "router"]

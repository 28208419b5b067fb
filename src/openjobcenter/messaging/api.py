"""``/api/v1/messaging/{jc}/...``: conversations for customers' apps and the team inbox.

Customers authenticate with the session (plus CSRF) or a personal bearer token; staff
endpoints (``/{jc}/staff/...``) take only a session in which the second factor was used.
Someone else's conversation is a 404, like a missing one. Refusals are 422 naming the
field; too many messages is a 429 with ``retry_after``. Real-time delivery is the
WebSocket ``/ws/chat/`` (docs/websocket-protocol.md); clients without it page with
``after`` here or wait on the long-polling URL.

This module only assembles the ``router``: the schemas live in ``api_schemas``, the
router and shared helpers in ``api_common``, and the operations in ``api_customer`` and
``api_staff``, which register themselves when imported here.
"""

from __future__ import annotations

from openjobcenter.messaging.api_common import router

# The import order is the order of the operations in the OpenAPI document.
# isort: off
from openjobcenter.messaging import api_customer  # noqa: F401
from openjobcenter.messaging import api_staff  # noqa: F401

# isort: on

__all__ = ["router"]

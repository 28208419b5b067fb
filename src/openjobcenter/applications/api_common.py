"""The router of the applications API and the helpers its operation modules share.

``router`` is the one ninja ``Router`` that ``api_public``, ``api_customer`` and
``api_staff`` register their operations on (``applications/api.py`` imports them in that
order, which is the order of the OpenAPI document); ``MODULE`` is the tenant module that
must be enabled, and ``_app_out`` / ``_event_out`` turn an application and a history
event into the dicts both customer and staff answers build on.
"""

from __future__ import annotations

from typing import Any

from ninja import Router

from openjobcenter.applications.models import Application

router = Router(tags=["applications"])
MODULE = "applications"


def _app_out(app: Application) -> dict[str, Any]:
    return {
        "id": app.pk,
        "reference": app.reference,
        "kind": app.kind,
        "status": app.status,
        "status_label": str(app.get_status_display()),
        "form_key": app.form_key,
        "form_version": app.form_version,
        "filed_at": app.filed_at,
        "submitted_at": app.submitted_at,
        "submission_sha256": app.submission_sha256,
        "pdf_ready": bool(app.pdf_name),
    }


def _event_out(e: Any) -> dict[str, Any]:
    return {
        "id": e.pk,
        "at": e.at,
        "kind": e.kind,
        "kind_label": str(e.get_kind_display()),
        "status_from": e.status_from,
        "status_to": e.status_to,
        "message": e.message,
    }

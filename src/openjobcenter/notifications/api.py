"""API of the notifications module, mounted under /api/v1/ by ``api/urls.py``."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["notifications"])

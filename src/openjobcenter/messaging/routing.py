"""WebSocket routes of the messaging module, mounted by ``config/asgi.py``."""

from __future__ import annotations

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []

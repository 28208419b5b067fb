"""WebSocket routes of the messaging module, mounted by ``config/asgi.py``."""

from __future__ import annotations

from django.urls import URLPattern, path

from openjobcenter.messaging.consumers import ChatConsumer

websocket_urlpatterns: list[URLPattern] = [
    path("ws/chat/", ChatConsumer.as_asgi()),
]

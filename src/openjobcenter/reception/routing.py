from __future__ import annotations

from django.urls import path

from openjobcenter.reception.consumers import DisplayConsumer

websocket_urlpatterns = [
    path("ws/wartebereich/<slug:jc>/<str:token>/", DisplayConsumer.as_asgi()),
]

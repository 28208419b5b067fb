"""ASGI entry point: HTTP through Django, WebSockets through Channels.

Files (static files, logos, images) are streamed in chunks read in worker threads
(``core/asgi_files.py``), not read whole into memory before the first byte.
WebSockets are authenticated with the Django session cookie (``AuthMiddlewareStack``)
and accepted only from the platform's own hosts (``AllowedHostsOriginValidator`` checks
the Origin header against ``ALLOWED_HOSTS``), so another site cannot open a socket with
a visitor's cookie. Modules add their routes to ``websocket_urlpatterns``.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openjobcenter.config.settings")

import django
from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

# Django must be set up (as ``get_asgi_application`` does) before consumers import models.
django.setup(set_prefix=False)

# Django's handler, with the middleware chain and views in one thread per request
# (core/asgi_handler.py) and files streamed instead of read whole first (core/asgi_files.py).
from openjobcenter.core.asgi_handler import SyncChainASGIHandler  # noqa: E402

django_asgi_app = SyncChainASGIHandler()

from openjobcenter.appointments.consumers import VideoSignalConsumer  # noqa: E402
from openjobcenter.messaging.routing import (  # noqa: E402
    websocket_urlpatterns as messaging_websockets,
)
from openjobcenter.reception.routing import (  # noqa: E402
    websocket_urlpatterns as reception_websockets,
)

websocket_urlpatterns = [
    path("ws/video/<str:room>/", VideoSignalConsumer.as_asgi()),
    *messaging_websockets,
    *reception_websockets,
]

from openjobcenter.config import heap  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# Last: everything the server needs is imported now (see ``heap``).
heap.settle()

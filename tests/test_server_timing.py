"""Every response says how long the server spent on it (``Server-Timing``), and an
operator can switch it off."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from openjobcenter.core.middleware import ServerTimingMiddleware

pytestmark = pytest.mark.django_db

HEADER = re.compile(r"^app;dur=(\d+\.\d), cpu;dur=(\d+\.\d)$")


def test_every_response_has_its_server_time(client: Client) -> None:
    for path in ("/", "/gibt-es-nicht/"):
        response = client.get(path)
        found = HEADER.match(response["Server-Timing"])
        assert found, response["Server-Timing"]
        app_ms, cpu_ms = (float(x) for x in found.groups())
        assert app_ms > 0 and cpu_ms >= 0


def test_the_outermost_middleware_times_the_whole_request() -> None:
    from django.conf import settings

    assert settings.MIDDLEWARE[0] == "openjobcenter.core.middleware.ServerTimingMiddleware"


@override_settings(SERVER_TIMING=False)
def test_switched_off_no_header(client: Client) -> None:
    def view(_request: object) -> object:
        from django.http import HttpResponse

        return HttpResponse("ok")

    middleware = ServerTimingMiddleware(view)  # type: ignore[arg-type]
    from django.test import RequestFactory

    response = middleware(RequestFactory().get("/"))
    assert "Server-Timing" not in response

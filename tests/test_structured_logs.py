"""LOG_FORMAT=json: one JSON object per line with the request id (taken from the proxy or
made, and sent back), the job centre, route, status and duration; never the path's
credential nor the person's e-mail address."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.config.logging_settings import logging_dict
from tests.conftest import PASSWORD

FEED_TOKEN = "FeedTokenSecret0123456789abcdefghijklmnopq"


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """The console handler exactly as ``LOG_FORMAT=json`` configures it, into a buffer."""
    config = logging_dict(log_format="json", level="INFO")
    handler_conf = config["handlers"]["console"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    formatter_conf = dict(config["formatters"][handler_conf["formatter"]])
    handler.setFormatter(_build(formatter_conf))
    for name in handler_conf["filters"]:
        handler.addFilter(_build(dict(config["filters"][name])))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _build(conf: dict[str, Any]) -> Any:
    from django.utils.module_loading import import_string

    return import_string(conf.pop("()"))(**conf)


def _records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


@pytest.mark.usefixtures("jobcenters")
def test_access_line_has_request_id_job_centre_route_status_duration(
    client: Client, json_lines: io.StringIO
) -> None:
    response = client.get(
        f"/fulda/kalender/{FEED_TOKEN}.ics", headers={"X-Request-ID": "proxy-id-1234"}
    )
    assert response.status_code == 404
    assert response["X-Request-ID"] == "proxy-id-1234"
    lines = _records(json_lines)
    access = [r for r in lines if r["logger"] == "openjobcenter.access"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == "proxy-id-1234"
    assert line["jobcenter"] == "fulda"
    assert line["route"] == "/<slug:jc>/kalender/<str:token>.ics"
    assert line["status"] == 404
    assert line["method"] == "GET"
    assert isinstance(line["duration_ms"], float)
    assert isinstance(line["db_queries"], int)
    # Where the time went: the database's share and the thread's CPU, each within the whole.
    assert 0 <= line["db_ms"] <= line["duration_ms"]
    assert 0 < line["cpu_ms"] <= line["duration_ms"] + 0.1
    # Django's own "Not Found" line belongs to the same request and job centre.
    assert all(r["request_id"] == "proxy-id-1234" for r in lines)
    assert FEED_TOKEN not in json_lines.getvalue()


@pytest.mark.usefixtures("jobcenters")
def test_a_bad_request_id_is_replaced_and_sent_back(
    client: Client, json_lines: io.StringIO
) -> None:
    response = client.get("/", headers={"X-Request-ID": "bad id\n{injected}"})
    made = response["X-Request-ID"]
    assert made != "bad id\n{injected}" and len(made) == 32
    (line,) = [r for r in _records(json_lines) if r["logger"] == "openjobcenter.access"]
    assert line["request_id"] == made
    assert line["jobcenter"] == "-"  # a platform route belongs to no job centre
    assert "injected" not in json_lines.getvalue()


def test_a_failed_login_logs_no_email_or_password(
    client: Client, customer: CustomerProfile, json_lines: io.StringIO
) -> None:
    email = customer.user.email
    client.post("/konto/login/", {"login": email, "password": PASSWORD + "-wrong"})
    text = json_lines.getvalue()
    assert any(r["route"] == "/konto/login/" for r in _records(json_lines) if "route" in r)
    assert email not in text
    assert PASSWORD not in text


def test_request_ids_differ_across_requests_and_forked_processes() -> None:
    """The middleware's own ids (no ``X-Request-ID`` sent): 32 hex digits, a new one per
    request, and a forked process (a worker of a pre-forking server) draws its own."""
    import os

    from openjobcenter.core import middleware

    ids = {f"{middleware._ids.getrandbits(128):032x}" for _ in range(1000)}
    assert len(ids) == 1000 and all(len(i) == 32 for i in ids)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next id, then out without pytest's clean-up
        os.write(write, f"{middleware._ids.getrandbits(128):032x}".encode())
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(read, 64).decode()
    parent = f"{middleware._ids.getrandbits(128):032x}"
    os.close(read)
    os.close(write)
    assert len(child) == 32 and child != parent


@pytest.mark.usefixtures("jobcenters")
def test_a_slow_request_is_a_warning_with_where_its_time_went(
    json_lines: io.StringIO, settings: Any
) -> None:
    """Operators run with LOG_LEVEL=warning: a request over SLOW_REQUEST_MS still shows,
    with its database time and CPU; a quick one stays at INFO."""

    def access_line(slow_ms: int) -> dict[str, Any]:
        settings.SLOW_REQUEST_MS = slow_ms
        json_lines.truncate(0)
        json_lines.seek(0)
        # A new client builds the middleware chain anew, with the setting of now.
        assert Client().get("/fulda/").status_code == 200
        (line,) = [r for r in _records(json_lines) if r["logger"] == "openjobcenter.access"]
        return line

    quick = access_line(600_000)
    assert quick["level"] == "info"
    slow = access_line(1)  # every page of the platform takes longer than 1 ms
    assert slow["level"] == "warning"
    assert slow["duration_ms"] >= 1
    assert slow["route"] == "/<slug:jc>/"
    assert {"db_ms", "cpu_ms", "db_queries"} <= slow.keys()
    assert access_line(0)["level"] == "info"  # 0: never a warning

"""/metrics (core.metrics): only for the monitoring network or its token, labelled by
route pattern and bounded names, never a raw path, an id or a person."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.cache import cache
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from openjobcenter import handoff
from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications.models import HandoffConfig
from openjobcenter.appointments.consumers import VideoSignalConsumer
from openjobcenter.core import metrics
from openjobcenter.core.models import OutboxItem
from openjobcenter.documents.pipeline import runner
from openjobcenter.documents.pipeline.base import PageInput, Refused
from openjobcenter.messaging.consumers import ChatConsumer
from tests.applications.staff_data import make_application
from tests.conftest import PASSWORD
from tests.test_health import _ready_task

TOKEN = "metrics-token-0123456789abcdefghijklmnop"
FEED_TOKEN = "FeedTokenSecret0123456789abcdefghijklmnopq"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _metrics_token(settings: Any) -> None:
    settings.METRICS = {"token": TOKEN, "allowed_networks": ()}


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: Client) -> tuple[str, Samples]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    text = response.content.decode()
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return text, samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_metrics_are_hidden_without_token_or_allowed_address(client: Client, settings: Any) -> None:
    assert client.get("/metrics").status_code == 404
    wrong = client.get("/metrics", headers={"Authorization": "Bearer " + "x" * 40})
    assert wrong.status_code == 404
    assert b"ojc_" not in wrong.content
    settings.METRICS = {"token": "", "allowed_networks": ()}
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404

    settings.METRICS = {"token": "", "allowed_networks": (ipaddress.ip_network("10.0.0.0/8"),)}
    assert client.get("/metrics").status_code == 404  # the test client is 127.0.0.1
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.post("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 405


@pytest.mark.usefixtures("jobcenters")
def test_requests_are_counted_by_route_pattern_and_job_centre(client: Client) -> None:
    _, before = scrape(client)
    route = "/<slug:jc>/kalender/<str:token>.ics"
    assert client.get(f"/fulda/kalender/{FEED_TOKEN}.ics").status_code == 404
    assert client.get(f"/no-such-centre-{FEED_TOKEN[:8]}/").status_code == 404
    text, after = scrape(client)

    labels = {"route": route, "method": "GET", "status": "404"}
    assert value(after, "ojc_http_requests_total", **labels) == 1 + value(
        before, "ojc_http_requests_total", **labels
    )
    assert value(after, "ojc_http_request_duration_seconds_count", route=route, method="GET") >= 1
    assert value(after, "ojc_db_queries_total", route=route) > value(
        before, "ojc_db_queries_total", route=route
    )
    assert value(after, "ojc_db_query_seconds_total", route=route) > 0
    jc = {"jobcenter": "fulda", "status_class": "4xx"}
    assert value(after, "ojc_http_jobcenter_requests_total", **jc) == 1 + value(
        before, "ojc_http_jobcenter_requests_total", **jc
    )
    # Neither the token in the path nor an unknown slug becomes a label.
    assert FEED_TOKEN not in text
    assert FEED_TOKEN[:8] not in text


def test_cache_hits_and_misses_are_counted(client: Client) -> None:
    _, before = scrape(client)
    assert cache.get("metrics-test-key") is None
    cache.set("metrics-test-key", None)
    assert cache.get("metrics-test-key", "default") is None  # a stored None is a hit
    _, after = scrape(client)
    for result in ("hit", "miss"):
        grown = value(after, "ojc_cache_gets_total", result=result) - value(
            before, "ojc_cache_gets_total", result=result
        )
        assert grown >= 1, result


def test_garbage_collection_pauses_are_timed_by_generation(client: Client) -> None:
    import gc

    _, before = scrape(client)
    full_before = value(before, "ojc_gc_pause_seconds_count", generation="2")
    young_before = value(before, "ojc_gc_pause_seconds_count", generation="0")
    # A cycle only the collector can free, and one collection of each kind.
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    gc.collect(0)
    gc.collect()
    _, after = scrape(client)
    assert value(after, "ojc_gc_pause_seconds_count", generation="2") >= full_before + 1
    assert value(after, "ojc_gc_pause_seconds_count", generation="0") >= young_before + 1
    assert value(after, "ojc_gc_pause_seconds_sum", generation="2") > value(
        before, "ojc_gc_pause_seconds_sum", generation="2"
    )


def test_backlogs_are_read_at_scrape_time(client: Client) -> None:
    _ready_task(timedelta(minutes=5))
    OutboxItem.objects.create(topic="applications.submitted", key="1", payload={"id": 1})
    _, samples = scrape(client)
    task = "openjobcenter.core.tasks.prune_task_results"
    assert value(samples, "ojc_task_queue_depth", task=task) == 1
    assert 290 < value(samples, "ojc_task_queue_oldest_age_seconds", task=task) < 400
    assert value(samples, "ojc_outbox_pending", topic="applications.submitted") == 1
    assert (
        value(samples, "ojc_outbox_oldest_pending_age_seconds", topic="applications.submitted") < 60
    )
    assert value(samples, "ojc_metrics_database_up") == 1


def test_handoff_tries_and_failures_are_counted(
    client: Client, customer: CustomerProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openjobcenter.handoff.backends import JsonPushBackend

    def boom(self: Any, item: Any) -> Any:
        raise RuntimeError("receiver down")

    monkeypatch.setattr(JsonPushBackend, "deliver", boom)
    HandoffConfig.objects.create(
        jobcenter=customer.jobcenter,
        backend="json_push",
        config={"url": "https://example.org/in", "secret": "s" * 32},
    )
    _, before = scrape(client)
    app = make_application(customer)
    handoff.schedule_handoffs(app.pk)
    assert handoff.run_for_application(app.pk) == {"inbox": "delivered", "json_push": "retrying"}
    _, after = scrape(client)

    def grown(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grown("ojc_handoff_attempts_total", backend="json_push", result="retrying") == 1
    assert grown("ojc_handoff_attempts_total", backend="inbox", result="delivered") == 1
    assert grown("ojc_handoff_lag_seconds_count", backend="inbox") == 1
    assert value(after, "ojc_handoff_deliveries", backend="json_push", status="retrying") == 1


def test_pipeline_steps_and_login_failures_are_counted(
    client: Client, customer: CustomerProfile
) -> None:
    _, before = scrape(client)
    with pytest.raises(Refused):
        runner.run_intake(PageInput(data=b"no image at all", filename="x.jpg"))
    response = client.post(
        "/konto/login/", {"login": customer.user.email, "password": PASSWORD + "x"}
    )
    assert response.status_code == 200  # the form again, with its error
    text, after = scrape(client)

    def grown(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grown("ojc_document_pipeline_steps_total", step="CheckSize", result="ok") == 1
    assert grown("ojc_document_pipeline_steps_total", step="SniffType", result="refused") == 1
    assert grown("ojc_login_failures_total") == 1
    assert customer.user.email not in text


class _Echo(metrics.CountedSocketMixin, AsyncWebsocketConsumer):  # type: ignore[misc]
    socket_kind = "test"

    async def connect(self) -> None:
        await self.accept()


def test_open_sockets_are_counted_from_accept_to_disconnect() -> None:
    gauge = metrics.WEBSOCKETS_OPEN.labels("test")
    start = gauge._value.get()
    seen: list[float] = []

    scope = {"type": "websocket", "path": "/ws/test/", "headers": [], "subprotocols": []}

    async def connect() -> ApplicationCommunicator:
        socket = ApplicationCommunicator(_Echo.as_asgi(), scope)
        await socket.send_input({"type": "websocket.connect"})
        assert (await socket.receive_output(2))["type"] == "websocket.accept"
        return socket

    async def disconnect(socket: ApplicationCommunicator) -> None:
        await socket.send_input({"type": "websocket.disconnect", "code": 1000})
        await socket.wait(2)

    async def sockets() -> None:
        first, second = await connect(), await connect()
        seen.append(gauge._value.get())
        await disconnect(first)
        seen.append(gauge._value.get())
        await disconnect(second)
        seen.append(gauge._value.get())

    async_to_sync(sockets)()
    assert seen == [start + 2, start + 1, start]
    # The platform's two socket kinds count themselves the same way.
    assert (
        issubclass(ChatConsumer, metrics.CountedSocketMixin) and ChatConsumer.socket_kind == "chat"
    )
    assert issubclass(VideoSignalConsumer, metrics.CountedSocketMixin)
    assert VideoSignalConsumer.socket_kind == "video"


def test_metrics_settings_fail_loud() -> None:
    from openjobcenter.config.env import ConfigError
    from openjobcenter.config.monitoring_settings import metrics_settings, readyz_settings

    with pytest.raises(ConfigError, match="METRICS_TOKEN"):
        metrics_settings({"METRICS_TOKEN": "short"})
    with pytest.raises(ConfigError, match="METRICS_ALLOWED_IPS"):
        metrics_settings({"METRICS_ALLOWED_IPS": "10.0.0.0/8, prometheus.internal"})
    parsed = metrics_settings(
        {"METRICS_ALLOWED_IPS": "10.0.0.0/8, fd00::1", "METRICS_TOKEN": TOKEN}
    )
    assert parsed["token"] == TOKEN
    assert parsed["allowed_networks"] == (
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("fd00::1/128"),
    )
    assert metrics_settings({}) == {"token": "", "allowed_networks": ()}
    with pytest.raises(ConfigError, match="READYZ_QUEUE_AGE_MAX_S"):
        readyz_settings({"READYZ_QUEUE_AGE_MAX_S": "0"})


_WORKER = """
import django; django.setup()
from openjobcenter.core import metrics
metrics.pipeline_step("SniffType", "refused")
metrics.WEBSOCKETS_OPEN.labels("chat").inc()
"""
_SCRAPE = """
import sys, django; django.setup()
from openjobcenter.core.views_metrics import exposition
sys.stdout.write(exposition().decode())
"""


def test_one_scrape_sees_every_process_of_the_node(tmp_path: Path) -> None:
    """Multi-process mode (serve.py): a worker's counters reach the web process's
    /metrics; a process that ended takes its live gauges (open sockets) with it."""
    root = Path(__file__).resolve().parents[1]
    (tmp_path / "metrics").mkdir()
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "OJC_ENV": "development",
        "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings",
        "PYTHONPATH": str(root / "src"),
    }
    env.pop("REDIS_URL", None)
    for _ in range(2):  # two worker processes, one after the other
        subprocess.run([sys.executable, "-c", _WORKER], env=env, check=True, timeout=120)
    text = subprocess.run(
        [sys.executable, "-c", _SCRAPE], env=env, check=True, timeout=120, capture_output=True
    ).stdout.decode()
    samples = {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    step = frozenset({"step": "SniffType", "result": "refused"}.items())
    assert samples[("ojc_document_pipeline_steps_total", step)] == 2
    assert samples.get(("ojc_websocket_connections", frozenset({"kind": "chat"}.items())), 0) == 0
    # The backlog queries found no tables (an empty database): reported, not a failure.
    assert samples[("ojc_metrics_database_up", frozenset())] == 0

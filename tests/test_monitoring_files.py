"""deploy/monitoring/: the alert rules and the Grafana dashboard refer only to metrics
that ``/metrics`` really exports, so they cannot rot when a metric is renamed."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from openjobcenter.accounts.models import CustomerProfile
from tests.conftest import PASSWORD

MONITORING = Path(__file__).resolve().parents[1] / "deploy" / "monitoring"
TOKEN = "metrics-token-0123456789abcdefghijklmnop"
METRIC = re.compile(r"\bojc_[a-z0-9_]+")


def alert_rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load((MONITORING / "alerts.yml").read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def dashboard_exprs() -> list[str]:
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def exported(text: str) -> set[str]:
    names: set[str] = set()
    for family in text_string_to_metric_families(text):
        names.add(family.name)
        suffixes = {
            "counter": ("_total",),
            "histogram": ("_bucket", "_sum", "_count"),
        }.get(family.type, ())
        names.update(family.name + suffix for suffix in suffixes)
        names.update(sample.name for sample in family.samples)
    return names


def test_rules_cover_what_operators_must_hear_about() -> None:
    rules = alert_rules()
    text = " ".join(rule["expr"] for rule in rules)
    for needle in (
        'status=~"5.."',  # 5xx rate
        "histogram_quantile(0.95",  # p95 latency
        "ojc_task_queue_oldest_age_seconds",  # queue age
        "ojc_handoff_attempts_total",  # hand-off failures
        "ojc_outbox_oldest_pending_age_seconds",  # hand-off lag
        "probe_success",  # /readyz down
        "ojc_login_failures_total",  # login failure spikes
    ):
        assert needle in text, needle
    for rule in rules:
        assert rule["alert"].startswith("OJC") and rule["labels"]["severity"]
        assert rule["annotations"]["summary"]


@pytest.mark.django_db
@pytest.mark.usefixtures("jobcenters")
def test_every_metric_the_rules_and_dashboard_use_is_exported(
    client: Client, customer: CustomerProfile, settings: Any
) -> None:
    settings.METRICS = {"token": TOKEN, "allowed_networks": ()}
    # A few requests: a page, a job centre's page, a refused log-in.
    assert client.get("/").status_code == 200
    assert client.get("/fulda/").status_code == 200
    client.post("/konto/login/", {"login": customer.user.email, "password": PASSWORD + "x"})
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    names = exported(response.content.decode())
    assert "ojc_http_requests_total" in names and "ojc_login_failures_total" in names

    used: set[str] = set()
    for expr in [*(rule["expr"] for rule in alert_rules()), *dashboard_exprs()]:
        used.update(METRIC.findall(expr))
    assert len(used) >= 15
    assert used - names == set()

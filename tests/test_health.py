from __future__ import annotations

from django.test import Client

from openjobcenter.web import health


def test_healthz(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_channel_layer_and_storage(client: Client, db: None) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": "ok",
        "channel_layer": "ok",
        "storage": "ok",
    }


def test_readyz_names_the_failing_part_with_503(client: Client, db: None, monkeypatch) -> None:
    def broken() -> None:
        raise OSError("disk gone")

    monkeypatch.setitem(health.CHECKS, "storage", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]
    assert response.json()["checks"]["database"] == "ok"

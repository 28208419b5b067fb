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


def test_probes_by_the_pods_address_answer_while_other_paths_stay_host_checked(db: None) -> None:
    """A kubelet asks by the pod's IP, which is no allowed host (issue 20, item 1)."""
    pod = Client(HTTP_HOST="10.42.0.17:8000")
    assert pod.get("/healthz").json() == {"status": "ok"}
    ready = pod.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"
    # Everything else still refuses a host outside ALLOWED_HOSTS.
    assert pod.get("/").status_code == 400
    assert pod.get("/healthz/").status_code == 400
    # Only reads: a POST to the probe path goes through the full stack (and its host check).
    assert pod.post("/healthz").status_code == 400

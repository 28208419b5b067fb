"""The Helm chart's manifests are valid Kubernetes objects (issue 20): every document the
chart renders, for the value sets an operator uses, checked against Kubernetes' own JSON
schemas (the OpenAPI definitions per release, shipped by ``kubernetes-validate``) in strict
mode (an unknown or misspelt field fails too) — what ``kubeconform`` does, without a
binary or a cluster. For the oldest release the chart accepts (``kubeVersion: >=1.25``)
and the newest the package knows.
"""

from __future__ import annotations

import copy
from typing import Any

import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import all_versions

from .test_deploy import CHART, SECRET, render

pytestmark = pytest.mark.postgres  # as tests/test_deploy.py: once per CI run

VALUE_SETS: dict[str, dict[str, Any]] = {
    "defaults": SECRET,
    "openshift": {**SECRET, "openshift": True},
    "chart secret, autoscaling": {
        "secret": {
            "create": True,
            "values": {"SECRET_KEY": "s" * 50, "DOCUMENTS_MASTER_KEY": "k" * 44},
        },
        "web": {"autoscaling": {"enabled": True}},
    },
}


def oldest_supported() -> str:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text(encoding="utf-8"))
    return str(chart["kubeVersion"]).removeprefix(">=").split("-")[0]


def kubernetes_versions() -> list[str]:
    return [oldest_supported(), kubernetes_validate.latest_version()]


def test_the_oldest_supported_release_has_schemas() -> None:
    assert oldest_supported() == "1.25.0"
    assert any(v.startswith("1.25") for v in all_versions())


@pytest.mark.parametrize("version", kubernetes_versions())
@pytest.mark.parametrize("values", list(VALUE_SETS), ids=list(VALUE_SETS))
def test_every_rendered_manifest_is_a_valid_kubernetes_object(values: str, version: str) -> None:
    documents = render(VALUE_SETS[values])
    kinds = {d["kind"] for d in documents}
    assert {"Deployment", "Job", "Service", "Ingress", "ConfigMap"} <= kinds
    failures = []
    for document in documents:
        try:
            kubernetes_validate.validate(document, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            failures.append(f"{document['kind']} {document['metadata']['name']}: {exc.message}")
    assert not failures, "\n".join(failures)


def test_the_schema_check_finds_a_misspelt_field() -> None:
    """It really checks: a field Kubernetes does not know, or a wrong type, is an error."""
    deployment = next(d for d in render(SECRET) if d["kind"] == "Deployment")
    misspelt = copy.deepcopy(deployment)
    misspelt["spec"]["replica"] = 2
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(misspelt, kubernetes_validate.latest_version(), strict=True)
    wrong_type = copy.deepcopy(deployment)
    wrong_type["spec"]["template"]["spec"]["containers"][0]["ports"] = "8000"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(wrong_type, kubernetes_validate.latest_version(), strict=True)

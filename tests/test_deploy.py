"""Issue 20, item 1: the deployment files keep their promises.

No container runtime is needed: the Dockerfile and compose file are read as text and
YAML, the Helm chart is linted and rendered by Helm's own Go library (helm-python-sdk),
and the image's entry point runs here against the production settings.
"""

from __future__ import annotations

import ast
import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import helm_python as helm
import pytest
import yaml

# No database involved: once per CI run is enough, so only in the second (PostgreSQL)
# pass; locally `make test` runs them like any other test.
pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
CHART = DEPLOY / "helm" / "openjobcenter"
CONFIG_DOC = ROOT / "docs" / "configuration.md"
# What production refuses to start without (config/settings.py), and what a real
# installation sets besides (PostgreSQL, Redis).
REQUIRED_IN_PRODUCTION = {
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "EMAIL_HOST",
    "DOCUMENTS_MASTER_KEY",
}
INSTALLATION = REQUIRED_IN_PRODUCTION | {"DATABASE_URL", "REDIS_URL"}


# --- the settings reference --------------------------------------------------------------


ENVIRON_READS = {"os.environ.get", "os.getenv", "os.environ.setdefault"}


def variables_read_by_the_code() -> set[str]:
    """Every environment variable named in the package: the env_* parsers' first
    argument and os.environ.get / os.getenv / os.environ[...] with a literal name."""
    names: set[str] = set()
    for path in (ROOT / "src" / "openjobcenter").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            literal: ast.expr | None = None
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                parser = isinstance(func, ast.Name) and func.id.startswith("env_")
                lookup = isinstance(func, ast.Attribute) and ast.unparse(func) in ENVIRON_READS
                if parser or lookup:
                    literal = node.args[0]
            elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
                literal = node.slice
            if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
                names.add(literal.value)
    # Django's own, not a setting of ours.
    names.discard("DJANGO_SETTINGS_MODULE")
    return names


def documented_variables() -> set[str]:
    text = CONFIG_DOC.read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)`", text, flags=re.MULTILINE))


def variables_of_the_deployment_files() -> set[str]:
    names: set[str] = set()
    for path in (DEPLOY / "compose.yaml", DEPLOY / "env.example", DEPLOY / "entrypoint.sh"):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", text))
        names |= set(re.findall(r"^([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))
    return names


def test_every_variable_the_code_reads_is_documented_in_one_place() -> None:
    read = variables_read_by_the_code()
    # The scan itself works: it finds what settings.py and serve.py read.
    assert {"SECRET_KEY", "DATABASE_URL", "DOCUMENTS_MASTER_KEY", "PORT", "MEDIA_STORAGE"} <= read
    missing = read - documented_variables()
    assert not missing, f"docs/configuration.md lacks: {sorted(missing)}"


def test_the_reference_lists_nothing_that_nobody_reads() -> None:
    stale = documented_variables() - variables_read_by_the_code()
    stale -= variables_of_the_deployment_files()
    assert not stale, f"docs/configuration.md lists variables nothing reads: {sorted(stale)}"


# --- the image ----------------------------------------------------------------------------


def dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text(encoding="utf-8")


def test_image_is_multi_stage_non_root_read_only_and_health_checked() -> None:
    text = dockerfile()
    assert "ARG PYTHON_IMAGE=python:3.11-slim-bookworm" in text
    # One base (Python + the system libraries the app loads), then build and runtime on it:
    # the build's collectstatic starts the app, which loads WeasyPrint (Pango).
    stages = re.findall(r"^FROM (\S+) AS (\w+)$", text, flags=re.MULTILINE)
    assert stages == [("${PYTHON_IMAGE}", "base"), ("base", "build"), ("base", "runtime")]
    base = text.split("AS base", 1)[1].split("AS build", 1)[0]
    runtime = text.split("AS runtime", 1)[1]
    # The last USER is a numeric non-root one (Kubernetes' runAsNonRoot needs a number).
    users = re.findall(r"^USER (\S+)$", runtime, flags=re.MULTILINE)
    assert users
    assert users[-1].split(":")[0].isdigit()
    assert users[-1].split(":")[0] != "0"
    # Installs only what the lock names, hashes checked.
    assert "pip install --require-hashes --no-deps -r /tmp/requirements.lock" in text
    # OCR in German, Pango for PDFs; no ClamAV daemon in the app's image.
    for package in ("tesseract-ocr-deu", "libpango-1.0-0", "libpangoft2-1.0-0"):
        assert package in base
    assert "clamav-daemon" not in text
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", runtime, flags=re.MULTILINE)
    # Writable only where volumes are: the root file system may be read-only.
    assert 'VOLUME ["/tmp", "/var/lib/openjobcenter"]' in runtime
    assert "OJC_ENV=production" in runtime
    assert "collectstatic" in text.split("AS runtime", 1)[0]
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".git", ".venv", "var", "tests"} <= set(ignored)


def test_dockerfile_passes_hadolint() -> None:
    """hadolint's rules (and ShellCheck on every RUN line); ignores are commented in place."""
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run(
        [str(hadolint), "--no-color", "--failure-threshold", "info", str(DEPLOY / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The linter really reads it: a Dockerfile with a known fault fails.
    bad = subprocess.run(
        [str(hadolint), "--no-color", "-"],
        input="FROM python:3.11-slim-bookworm\nRUN cd /tmp && pip install x\n",
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert bad.returncode != 0
    assert "DL3003" in bad.stdout


def test_no_deployment_file_loads_demo_data() -> None:
    for path in [*DEPLOY.rglob("*"), ROOT / "Makefile"]:
        if path.is_file() and path.name != "Makefile":
            assert "demo_load" not in path.read_text(encoding="utf-8"), path
    # make serve (the production start outside containers) neither.
    serve = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nserve:", 1)[1]
    assert "demo_load" not in serve.split("\n\n", 1)[0]


def production_environment(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "OJC_ENV", "DEBUG"}
    }
    env.update(
        {
            "OJC_ENV": "production",
            "OJC_BASE_DIR": str(tmp_path),
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "jobcenter.example.org",
            "SITE_URL": "https://jobcenter.example.org",
            "EMAIL_HOST": "smtp.example.org",
            "DOCUMENTS_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            # The image's PATH: its Python first.
            "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        }
    )
    return env


def test_entry_point_check_is_clean_in_production_and_refuses_unknown_commands(
    tmp_path: Path,
) -> None:
    entrypoint = str(DEPLOY / "entrypoint.sh")
    env = production_environment(tmp_path)
    clean = subprocess.run(
        [entrypoint, "check"], env=env, capture_output=True, text=True, check=False, timeout=120
    )
    # check --deploy --fail-level WARNING: not one warning with the production settings.
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "no issues (0 silenced)" in clean.stdout or "no issues" in clean.stdout
    # A missing production setting stops start-up naming it.
    del env["SITE_URL"]
    missing = subprocess.run(
        [entrypoint, "check"], env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert missing.returncode != 0
    assert "SITE_URL must be set" in missing.stderr
    unknown = subprocess.run(
        [entrypoint, "demo_load"], env=env, capture_output=True, text=True, check=False
    )
    assert unknown.returncode == 64
    assert "unknown command 'demo_load'" in unknown.stderr


# --- compose --------------------------------------------------------------------------------


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


APP_SERVICES = ("migrate", "web", "worker", "scheduler")


def test_compose_runs_every_part_on_one_host() -> None:
    services = compose()["services"]
    assert set(services) == {
        *APP_SERVICES,
        "postgres",
        "redis",
        "clamav",
        "s3",
        "s3-buckets",
        "coturn",
    }
    for name in APP_SERVICES:
        service = services[name]
        assert service["command"] == [name], name
        assert service["read_only"] is True
        assert service["user"].split(":")[0] not in {"0", "root"}
        assert any(entry.startswith("/tmp") for entry in service["tmpfs"])
        assert service["cap_drop"] == ["ALL"]
        environment = service["environment"]
        assert environment["OJC_ENV"] == "production"
        # Every setting production needs is set; the secrets come from deploy/.env and
        # compose itself refuses to start without them, naming the variable.
        assert set(environment) >= INSTALLATION, name
        for key in ("SECRET_KEY", "DOCUMENTS_MASTER_KEY"):
            assert environment[key].startswith(f"${{{key}:?"), key
        # Names the app reads, no typos.
        assert set(environment) <= documented_variables(), set(environment) - documented_variables()
    assert services["scheduler"]["deploy"]["replicas"] == 1
    # The app waits for the schema: the one-shot migrate must have succeeded.
    for name in ("web", "worker", "scheduler"):
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}
    assert "readyz" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["coturn"]["network_mode"] == "host"


def test_compose_file_reads_in_compose_v2_and_debian_12s_docker_compose() -> None:
    """Debian 12 ships docker-compose 1.29, which refuses a top-level ``name`` and inline
    ``configs`` (found running it: tools/compose_check.sh)."""
    loaded = compose()
    assert "name" not in loaded
    assert "configs" not in loaded
    assert "COMPOSE_PROJECT_NAME=openjobcenter" in (DEPLOY / "env.example").read_text(
        encoding="utf-8"
    )


def test_local_images_override_replaces_only_compose_services_and_builds_each() -> None:
    override: dict[str, Any] = yaml.safe_load(
        (DEPLOY / "compose.local-images.yaml").read_text(encoding="utf-8")
    )
    services = compose()["services"]
    assert set(override["services"]) == set(services) - set(APP_SERVICES)
    for name, service in override["services"].items():
        assert service["image"].startswith("local/ojc-"), name
        if "build" in service:
            assert (DEPLOY / service["build"]["context"] / "Dockerfile").is_file(), name
    # The script builds every image the override names.
    script = (ROOT / "tools" / "compose_check.sh").read_text(encoding="utf-8")
    for service in override["services"].values():
        assert service["image"] in script


def test_env_example_names_every_secret_compose_requires() -> None:
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    required = set(re.findall(r"\$\{([A-Z][A-Z0-9_]+):\?", text))
    example = set(
        re.findall(
            r"^([A-Z][A-Z0-9_]+)=",
            (DEPLOY / "env.example").read_text(encoding="utf-8"),
            flags=re.MULTILINE,
        )
    )
    assert required
    assert required <= example, required - example


# --- the Helm chart -------------------------------------------------------------------------

SECRET = {"secret": {"existingSecret": "ojc-secrets"}}


def render(values: dict[str, Any]) -> list[dict[str, Any]]:
    with helm.Chart.load(str(CHART)) as chart:
        manifests = chart.render(values, name="ojc", namespace="jobcenter")
    documents: list[dict[str, Any]] = []
    for name, text in manifests.items():
        if name.endswith(".yaml"):
            documents += [doc for doc in yaml.safe_load_all(text) if doc]
    return documents


def of_kind(documents: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in documents if d["kind"] == kind}


def pod_specs(documents: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        d["metadata"]["name"]: d["spec"]["template"]["spec"]
        for d in documents
        if d["kind"] in {"Deployment", "Job"}
    }


def test_chart_lints_clean() -> None:
    report = helm.lint(str(CHART), values=SECRET)
    # Severity 1 is information ("icon is recommended"); warnings and errors fail.
    assert report["errors"] == []
    assert [m for m in report["messages"] if m["severity"] > 1] == [], report


def test_chart_renders_web_worker_scheduler_and_a_migration_hook() -> None:
    documents = render(SECRET)
    deployments = of_kind(documents, "Deployment")
    assert set(deployments) == {
        "ojc-openjobcenter-web",
        "ojc-openjobcenter-worker",
        "ojc-openjobcenter-scheduler",
    }
    scheduler = deployments["ojc-openjobcenter-scheduler"]["spec"]
    assert scheduler["replicas"] == 1
    assert scheduler["strategy"] == {"type": "Recreate"}
    web = deployments["ojc-openjobcenter-web"]["spec"]
    assert web["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    container = web["template"]["spec"]["containers"][0]
    assert container["args"] == ["web"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    (job,) = of_kind(documents, "Job").values()
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"]
    # The settings it reads exist before it: the ConfigMap is an earlier hook.
    (config,) = of_kind(documents, "ConfigMap").values()
    assert config["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert int(config["metadata"]["annotations"]["helm.sh/hook-weight"]) < int(
        annotations["helm.sh/hook-weight"]
    )
    assert config["data"]["OJC_ENV"] == "production"
    assert REQUIRED_IN_PRODUCTION - {"SECRET_KEY", "DOCUMENTS_MASTER_KEY"} <= set(config["data"])
    assert set(config["data"]) <= documented_variables()
    for kind in ("Service", "Ingress", "PodDisruptionBudget"):
        assert len(of_kind(documents, kind)) == 1, kind
    assert not of_kind(documents, "HorizontalPodAutoscaler")
    rendered = yaml.safe_dump_all(documents)
    assert "demo_load" not in rendered


@pytest.mark.parametrize("openshift", [False, True])
def test_every_pod_runs_non_root_on_a_read_only_root(openshift: bool) -> None:
    specs = pod_specs(render({**SECRET, "openshift": openshift}))
    assert len(specs) == 4
    for name, spec in specs.items():
        security = spec["securityContext"]
        assert security["runAsNonRoot"] is True, name
        # OpenShift's restricted SCC assigns the UID: the chart must not pick one.
        assert ("runAsUser" in security) is not openshift, name
        assert ("fsGroup" in security) is not openshift, name
        assert spec["automountServiceAccountToken"] is False
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"] == {"drop": ["ALL"]}
            mounts = {m["mountPath"] for m in container["volumeMounts"]}
            assert mounts == {"/tmp", "/var/lib/openjobcenter"}
            sources = {
                next(iter(source)): next(iter(source.values()))["name"]
                for source in container["envFrom"]
            }
            assert sources == {
                "configMapRef": "ojc-openjobcenter-config",
                "secretRef": "ojc-secrets",
            }


def test_chart_secret_and_autoscaling() -> None:
    documents = render(
        {
            "secret": {
                "create": True,
                "values": {"SECRET_KEY": "s" * 50, "DOCUMENTS_MASTER_KEY": "k" * 44},
            },
            "web": {"autoscaling": {"enabled": True}},
        }
    )
    (secret,) = of_kind(documents, "Secret").values()
    assert set(secret["stringData"]) == {"SECRET_KEY", "DOCUMENTS_MASTER_KEY"}
    assert of_kind(documents, "HorizontalPodAutoscaler")
    assert "replicas" not in of_kind(documents, "Deployment")["ojc-openjobcenter-web"]["spec"]


@pytest.mark.parametrize(
    ("values", "named"),
    [
        # Without a Secret there is no SECRET_KEY: refused, naming what to set.
        ({}, "secret.existingSecret"),
        # Two web nodes cannot share a local media folder.
        ({**SECRET, "config": {"MEDIA_STORAGE": "filesystem"}}, "MEDIA_STORAGE=s3"),
        ({**SECRET, "config": {"ALLOWED_HOSTS": ""}}, "config.ALLOWED_HOSTS must be set"),
        ({**SECRET, "config": {"OJC_ENV": "development"}}, "config.OJC_ENV is set by the chart"),
    ],
)
def test_chart_refuses_settings_that_cannot_work(values: dict[str, Any], named: str) -> None:
    with pytest.raises(helm.HelmError, match=re.escape(named)):
        render(values)

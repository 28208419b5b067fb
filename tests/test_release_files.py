"""Issue 20, item 6: the files a public-sector open-source project carries, and the lock
files that make an install reproducible, agree with pyproject.toml."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements: list[str]) -> dict[str, str]:
    """``{"django": "5.2.19", ...}`` from ``Django==5.2.19``-style requirements."""
    found: dict[str, str] = {}
    for requirement in requirements:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^\]]+\])?==([^;\s]+)", requirement.strip())
        assert match, f"not pinned exactly: {requirement}"
        found[normalise(match[1])] = match[2]
    return found


def lock(name: str) -> dict[str, tuple[str, list[str]]]:
    """Each locked package: its version and hashes."""
    text = (ROOT / name).read_text(encoding="utf-8")
    entries: dict[str, tuple[str, list[str]]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        head = re.match(r"([A-Za-z0-9_.-]+)==([^\s;\\]+)", block)
        if head:
            entries[normalise(head[1])] = (
                head[2],
                re.findall(r"--hash=sha256:([0-9a-f]{64})", block),
            )
    return entries


def test_lock_files_pin_pyprojects_dependencies_with_hashes() -> None:
    project = pyproject()["project"]
    runtime = pins(project["dependencies"])
    dev = pins(project["optional-dependencies"]["dev"])
    runtime_lock = lock("requirements.lock")
    dev_lock = lock("requirements-dev.lock")
    # Every direct dependency at the version pyproject names (change one, run `make lock`).
    for name, version in runtime.items():
        assert runtime_lock.get(name, ("missing",))[0] == version, f"requirements.lock: {name}"
    for name, version in {**runtime, **dev}.items():
        assert dev_lock.get(name, ("missing",))[0] == version, f"requirements-dev.lock: {name}"
    # Every locked file is hash-checked (pip install --require-hashes).
    for entries in (runtime_lock, dev_lock):
        assert all(hashes for _, hashes in entries.values())
    # The image installs no test, lint or release tool (websockets is uvicorn's too), and
    # the tests run the versions production runs.
    tools = {
        "pytest",
        "ruff",
        "mypy",
        "playwright",
        "coverage",
        "uv",
        "helm-python-sdk",
        "cyclonedx-bom",
    }
    assert tools <= set(dev)
    assert not tools & set(runtime_lock)
    for name, (version, _) in runtime_lock.items():
        assert dev_lock[name][0] == version, f"{name} differs between the two locks"
    # Transitive dependencies are locked too (the point of a lock file).
    assert {"asgiref", "sqlparse", "cffi"} <= set(runtime_lock)


def test_licence_is_the_declared_eupl() -> None:
    assert pyproject()["project"]["license"] == "EUPL-1.2"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.lstrip().startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    # The whole text, up to the appendix's last sentence.
    for article in ("1. Definitions", "5. Obligations of the Licensee", "15. Applicable Law"):
        assert article in text
    assert text.rstrip().endswith("require the production of a new\nEUPL version.")


def test_publiccode_yml_describes_this_release() -> None:
    data = yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))
    assert data["publiccodeYmlVersion"] == "0.4"
    for key in ("name", "url", "softwareVersion", "releaseDate", "platforms", "categories"):
        assert data[key], key
    assert data["softwareVersion"] == pyproject()["project"]["version"]
    assert data["legal"]["license"] == "EUPL-1.2"
    assert data["developmentStatus"] in {"concept", "development", "beta", "stable", "obsolete"}
    assert data["softwareType"] == "standalone/web"
    assert data["maintenance"]["type"] in {"internal", "contract", "community", "none"}
    assert data["maintenance"]["contacts"]
    # German and English descriptions within the standard's limits; no country-specific
    # section of another country (the Italian "it:" extension).
    assert set(data["description"]) == {"de", "en"}
    for language, description in data["description"].items():
        assert len(description["shortDescription"]) <= 150, language
        assert 150 <= len(description["longDescription"]) <= 10000, language
        assert description["features"], language
    assert "it" not in data
    # The languages the platform really speaks (offered ones; Leichte Sprache is German
    # with a private-use subtag, which publiccode.yml's language list does not take).
    spoken = [code for code, _ in settings.LANGUAGES if "-x-" not in code]
    assert data["localisation"]["availableLanguages"] == spoken
    assert data["localisation"]["localisationReady"] is True
    assert data["intendedAudience"]["countries"] == ["de"]


def test_security_policy_and_changelog() -> None:
    security = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    assert re.search(r"\*\*[\w.+-]+@[\w.-]+\.\w+\*\*", security), "a reporting address"
    assert "## Supported versions" in security
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog
    version = pyproject()["project"]["version"]
    assert re.search(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", changelog, re.M)
    assert f"[{version}]: " in changelog


def test_the_sbom_check_names_what_is_missing_or_wrong(tmp_path: Path) -> None:
    """CI's SBOM check (tools/check_sbom.py) fails on an SBOM that lacks a runtime package."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("check_sbom", ROOT / "tools" / "check_sbom.py")
    assert spec
    assert spec.loader
    check_sbom = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check_sbom)
    lock_file = tmp_path / "requirements.lock"
    lock_file.write_text("django==5.2.19 \\\n    --hash=sha256:" + "a" * 64 + "\nsqlparse==0.5.3\n")

    def component(name: str, version: str) -> dict[str, Any]:
        return {
            "name": name,
            "version": version,
            "purl": f"pkg:pypi/{name}@{version}",
            "externalReferences": [{"hashes": [{"alg": "SHA-256", "content": "a" * 64}]}],
        }

    sbom = {
        "bomFormat": "CycloneDX",
        "metadata": {"component": {"name": "openjobcenter"}},
        "components": [component("django", "5.2.19"), component("pytest", "9.2.0")],
    }
    sbom_file = tmp_path / "sbom.json"
    sbom_file.write_text(json.dumps(sbom))
    assert check_sbom.problems(sbom_file, lock_file) == [
        "sqlparse is missing",
        "pytest is a development tool, not a runtime component",
    ]
    sbom["components"] = [component("django", "5.2.19"), component("sqlparse", "0.5.3")]
    sbom_file.write_text(json.dumps(sbom))
    assert check_sbom.problems(sbom_file, lock_file) == []

"""Check the CycloneDX SBOM that CI writes (``make sbom``): it must list every runtime
package of ``requirements.lock`` at its locked version, with a package URL and the lock's
hashes, and nothing of the development tools.

    python tools/check_sbom.py var/sbom.cdx.json requirements.lock
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(path: Path) -> dict[str, str]:
    found = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", path.read_text(encoding="utf-8"), re.M)
    return {normalise(name): version for name, version in found}


def problems(sbom_path: Path, lock_path: Path) -> list[str]:
    sbom = json.loads(sbom_path.read_text(encoding="utf-8"))
    errors: list[str] = []
    if sbom.get("bomFormat") != "CycloneDX":
        errors.append("not a CycloneDX document")
    if sbom.get("metadata", {}).get("component", {}).get("name") != "openjobcenter":
        errors.append("metadata.component is not openjobcenter")
    components = {normalise(c["name"]): c for c in sbom.get("components", [])}
    for name, version in locked(lock_path).items():
        component = components.get(name)
        if component is None:
            errors.append(f"{name} is missing")
            continue
        if component.get("version") != version:
            errors.append(f"{name}: {component.get('version')} instead of {version}")
        if component.get("purl") != f"pkg:pypi/{name}@{version}":
            errors.append(f"{name}: package URL {component.get('purl')!r}")
        hashes = [
            h for ref in component.get("externalReferences", []) for h in ref.get("hashes", [])
        ]
        if not hashes:
            errors.append(f"{name}: no hashes")
    for tool in ("pytest", "ruff", "mypy", "playwright"):
        if tool in components:
            errors.append(f"{tool} is a development tool, not a runtime component")
    return errors


def main() -> None:
    sbom_path, lock_path = Path(sys.argv[1]), Path(sys.argv[2])
    errors = problems(sbom_path, lock_path)
    if errors:
        sys.stderr.write("SBOM check failed:\n  " + "\n  ".join(errors) + "\n")
        raise SystemExit(1)
    count = len(locked(lock_path))
    sys.stdout.write(f"SBOM {sbom_path}: all {count} runtime packages listed with hashes\n")


if __name__ == "__main__":
    main()

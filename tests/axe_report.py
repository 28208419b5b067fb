"""What axe-core found, for the run's summary: the page states checked and every finding
(serious and critical ones also fail their test). Filled by ``tests.browser.conftest``;
with parallel workers (pytest-xdist) each worker sends its part to the controller, which
prints the summary (hooks in ``tests/conftest.py``)."""

from __future__ import annotations

from typing import Any

CHECKED: list[str] = []  # page state labels
FINDINGS: list[str] = []  # one line per finding


def worker_output() -> dict[str, list[str]]:
    return {"axe_checked": list(CHECKED), "axe_findings": list(FINDINGS)}


def add_worker_output(output: dict[str, Any]) -> None:
    CHECKED.extend(output.get("axe_checked", []))
    FINDINGS.extend(output.get("axe_findings", []))


def summary_lines() -> list[str]:
    if not CHECKED:
        return []
    return [
        (
            f"{len(CHECKED)} page states checked, {len(FINDINGS)} violations "
            "(serious and critical ones fail their test)"
        ),
        *FINDINGS,
    ]

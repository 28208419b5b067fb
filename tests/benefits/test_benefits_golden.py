"""Golden master: the complete output for fixed inputs must not change by a byte.

The files in ``golden/`` were recorded before the calculator was tuned for
speed, so that every optimisation is checked against the full output, not
only the few values the worked examples assert:

* ``bench.json``: the households of ``bench/benefits.py``;
* ``examples.json``: every input the worked examples in
  ``test_benefits_examples.py`` pass to ``calculate``;
* ``random.json``: households drawn with ``random.Random(20260101)`` in the
  spirit of the property tests (all dates, int/float/string amounts, amounts
  with three decimals, large assets, children leaving the unit);
* ``errors.json``: every invalid input of ``test_benefits_errors.py`` with
  the exact error (field and both messages), so the first error reported
  stays the same too.

A case may carry ``legal_basis``: why its expected output is what it is,
with the paragraphs of the law (for instance the § 72 SGB II cases, whose
outputs changed when the supplement was restricted to children with a claim
of their own or a granted § 28 benefit).

Outputs are compared as JSON text, so key order and types count as well.
Only when a change of the output is intended (and checked by hand), rewrite
the expected outputs for the stored inputs with
``PYTHONPATH=src python tests/benefits/test_benefits_golden.py --update``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from openjobcenter.benefits import CalculationError, calculate

GOLDEN = Path(__file__).resolve().parent / "golden"
RESULT_FILES = ("bench.json", "examples.json", "random.json")


def _load(name: str) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
    return cases


def _text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)


def _error(data: object) -> dict[str, str]:
    with pytest.raises(CalculationError) as info:
        calculate(data)
    return info.value.to_dict()


CASES = [(name, case) for name in RESULT_FILES for case in _load(name)]
RESULT_CASES = [pytest.param(case, id=f"{name}: {case['name']}") for name, case in CASES]
ERROR_CASES = [pytest.param(case, id=case["name"]) for case in _load("errors.json")]


def test_golden_files_are_not_empty() -> None:
    assert len(RESULT_CASES) >= 20
    assert len(ERROR_CASES) >= 20


@pytest.mark.parametrize("case", RESULT_CASES)
def test_output_is_unchanged(case: dict[str, Any]) -> None:
    assert _text(calculate(case["input"])) == _text(case["output"])


def test_repeated_calls_give_identical_output() -> None:
    # Formatted amounts are cached across calls: a cache must never leak one
    # household's text into another's, whatever the order of the calls.
    cases = [case for _, case in CASES]
    for case in (*cases, *reversed(cases)):
        assert _text(calculate(case["input"])) == _text(case["output"])


@pytest.mark.parametrize("case", ERROR_CASES)
def test_error_is_unchanged(case: dict[str, Any]) -> None:
    assert _error(case["input"]) == case["error"]


def _update() -> None:  # pragma: no cover - run by hand only
    for name in RESULT_FILES:
        cases = _load(name)
        for case in cases:
            case["output"] = calculate(case["input"])
        (GOLDEN / name).write_text(_text(cases) + "\n", encoding="utf-8")
    cases = _load("errors.json")
    for case in cases:
        try:
            calculate(case["input"])
        except CalculationError as exc:
            case["error"] = exc.to_dict()
        else:
            raise SystemExit(f"{case['name']} no longer fails")
    (GOLDEN / "errors.json").write_text(_text(cases) + "\n", encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:] != ["--update"]:
        raise SystemExit("usage: test_benefits_golden.py --update")
    _update()

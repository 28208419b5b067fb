"""The ``calc`` command line: exit codes and JSON on stdout/stderr."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from openjobcenter.benefits.cli import main

HOUSEHOLD = {
    "date": "2026-01-01",
    "rent_m": 450,
    "heating_m": 80,
    "in_grace_period": True,
    "members": [{"id": "A", "role": "adult", "age": 35}],
}


def test_calc_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "haushalt.json"
    source.write_text(json.dumps(HOUSEHOLD), encoding="utf-8")
    assert main(["calc", str(source)]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["claim_m"] == "1093.00"
    assert "Regelbedarf für Person A" in out  # ensure_ascii=False keeps umlauts readable
    assert out.startswith("{\n  ")  # indent 2


def test_calc_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(HOUSEHOLD)))
    assert main(["calc", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["claim_m"] == "1093.00"


def test_calculation_error_goes_to_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bad.json"
    source.write_text(json.dumps({**HOUSEHOLD, "date": "2030-01-01"}), encoding="utf-8")
    assert main(["calc", str(source)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    error = json.loads(captured.err)["error"]
    assert error["field"] == "date"
    assert "Neuester bekannter Rechtsstand: 2026-01-01" in error["message"]


def test_malformed_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"date": '))
    assert main(["calc", "-"]) == 2
    error = json.loads(capsys.readouterr().err)["error"]
    assert error["message"].startswith("Kein gültiges JSON")


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calc", str(tmp_path / "nope.json")]) == 2
    assert "kann nicht gelesen werden" in json.loads(capsys.readouterr().err)["error"]["message"]


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["calc"]) == 2
    assert main(["--help"]) == 0
    capsys.readouterr()

"""``openjobcenter scan``: the customer's pipeline offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from openjobcenter.cli import main
from tests.documents.conftest import photo


def test_scan_writes_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "seite.jpg"
    src.write_bytes(photo(1))
    out = tmp_path / "out.pdf"
    assert main(["scan", str(src), "-o", str(out), "--ocr"]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    printed = capsys.readouterr().out
    assert "1 page(s)" in printed
    assert "payslip" in printed


def test_scan_refuses_like_upload(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "programm.jpg"
    src.write_bytes(b"MZ\x90\x00" * 10)
    out = tmp_path / "out.pdf"
    assert main(["scan", str(src), "-o", str(out)]) == 2
    assert "Diese Datei können wir nicht annehmen" in capsys.readouterr().err
    assert not out.exists()


def test_scan_message_in_chosen_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "leer.jpg"
    src.write_bytes(b"")
    assert main(["scan", str(src), "-o", str(tmp_path / "o.pdf"), "--lang", "en"]) == 2
    assert "The file is empty." in capsys.readouterr().err
    main(["scan", str(src), "-o", str(tmp_path / "o.pdf")])  # back to German

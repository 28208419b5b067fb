"""Package-level guarantees: no Django, legal data complete and sourced, speed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path

from openjobcenter.benefits.rules import last_supported_day, legal_states, state_for

SRC = Path(__file__).resolve().parents[2] / "src"


def test_package_does_not_import_django() -> None:
    code = (
        "import sys\n"
        "from openjobcenter.benefits import calculate\n"
        "from openjobcenter.benefits import cli\n"
        "calculate({'date': '2026-01-01', 'members': [{'id': 'A', 'role': 'adult', "
        "'age': 30}]})\n"
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if 'django' in m)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    completed = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr


def test_every_legal_value_names_its_source() -> None:
    folder = resources.files("openjobcenter.benefits").joinpath("data")
    files = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".json"))
    assert files == [
        "2023-01-01.json",
        "2023-07-01.json",
        "2024-01-01.json",
        "2025-01-01.json",
        "2026-01-01.json",
    ]
    keys = None
    for name in files:
        doc = json.loads(folder.joinpath(name).read_text(encoding="utf-8"))
        assert doc["valid_from"] == name.removesuffix(".json")
        assert doc["title"]
        for key, entry in doc["values"].items():
            assert set(entry) == {"value", "source"}, key
            assert "§" in entry["source"] or "BGBl" in entry["source"], key
        # Every state carries the same set of values: a new law is a new file.
        assert keys is None or keys == set(doc["values"])
        keys = set(doc["values"])


def test_legal_states_by_date() -> None:
    states = legal_states()
    assert [s.valid_from for s in states] == [
        date(2023, 1, 1),
        date(2023, 7, 1),
        date(2024, 1, 1),
        date(2025, 1, 1),
        date(2026, 1, 1),
    ]
    assert last_supported_day() == date(2026, 12, 31)
    assert state_for(date(2023, 6, 30)).valid_from == date(2023, 1, 1)
    assert state_for(date(2023, 7, 1)).valid_from == date(2023, 7, 1)
    expected = {
        2023: ("502", "451", "402", "420", "348", "318"),
        2024: ("563", "506", "451", "471", "390", "357"),
        2025: ("563", "506", "451", "471", "390", "357"),
        2026: ("563", "506", "451", "471", "390", "357"),
    }
    for year, amounts in expected.items():
        state = state_for(date(year, 12, 1))
        assert tuple(state.standard_needs[level] for level in range(1, 7)) == tuple(
            Decimal(a) for a in amounts
        )
    assert [state_for(date(y, 6, 1)).child_benefit_amount for y in (2023, 2024, 2025, 2026)] == [
        Decimal(250),
        Decimal(250),
        Decimal(255),
        Decimal(259),
    ]
    assert [state_for(date(y, 6, 1)).supplement_amount for y in (2023, 2024, 2025, 2026)] == [
        Decimal(20),
        Decimal(20),
        Decimal(25),
        Decimal(25),
    ]
    assert [state_for(date(y, 8, 1)).youth_allowance for y in (2023, 2024, 2025, 2026)] == [
        Decimal(520),
        Decimal(538),
        Decimal(556),
        Decimal(603),
    ]
    assert state_for(date(2023, 6, 1)).youth_allowance is None

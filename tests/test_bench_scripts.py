"""Every benchmark runs in CI's smoke mode: each script in ``bench/smoke.py``'s list takes
``--smoke``, and every runnable benchmark is in that list (a benchmark that is not smoked rots
unseen; one that lost its flag fails only at the very end of a CI run)."""

from __future__ import annotations

from pathlib import Path

from bench import smoke

BENCH = Path(smoke.__file__).resolve().parent
# Runnable, but not benchmarks: the runner itself and the chat benchmark's set-up step
# (run by bench/chat.py).
NOT_BENCHMARKS = {"smoke", "chat_setup"}


def test_every_listed_benchmark_takes_the_smoke_flag() -> None:
    missing = [s.name for s in smoke.SCRIPTS if not smoke.has_smoke_flag(BENCH / f"{s.name}.py")]
    assert missing == []


def test_every_runnable_benchmark_is_smoked() -> None:
    runnable = {
        path.stem
        for path in BENCH.glob("*.py")
        if 'if __name__ == "__main__"' in path.read_text(encoding="utf-8")
    }
    listed = {s.name for s in smoke.SCRIPTS}
    assert runnable - NOT_BENCHMARKS - listed == set()
    assert listed - runnable == set()


def test_a_script_without_the_flag_is_reported(tmp_path: Path) -> None:
    plain = tmp_path / "plain.py"
    plain.write_text('parser.add_argument("--iterations")\n', encoding="utf-8")
    shared = tmp_path / "shared.py"
    shared.write_text('add_database_args(parser, db_name="x")\n', encoding="utf-8")
    parsed = tmp_path / "parsed.py"
    parsed.write_text('parse_database_args(argv, doc=__doc__, db_name="x")\n', encoding="utf-8")
    assert not smoke.has_smoke_flag(plain)
    assert smoke.has_smoke_flag(shared)
    assert smoke.has_smoke_flag(parsed)

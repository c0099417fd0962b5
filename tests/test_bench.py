"""The benchmark's own arithmetic: which speakers it changes, and the table it prints."""

from __future__ import annotations

import pytest

from bench.run import Row, best, guests, table
from tests.helpers import FIXTURES


def test_the_rates_changed_are_those_of_the_two_speakers_with_most_words() -> None:
    found = guests(FIXTURES / "magazine.txt", None)
    assert [name for name, _ in found] == ["DANA OKAFOR", "PRIYA LINDQVIST"]
    assert found[0][1] > found[1][1] > 0
    assert [name for name, _ in guests(FIXTURES / "magazine.txt", "PRIYA LINDQVIST")] == [
        "PRIYA LINDQVIST"
    ]
    with pytest.raises(SystemExit, match="no such speaker"):
        guests(FIXTURES / "magazine.txt", "NOBODY")


def test_table_prints_ratios_to_the_baselines() -> None:
    row = Row(1, 100, 60.0, 1.0, 5.0, 2.0, 0.2, rss=100.0, plain=1.5)
    row.changes = [("A", 0.5, 1.0), ("B", 0.3, 0.8)]
    lines = table([row]).splitlines()
    assert lines[0].count("|") == lines[1].count("|") == lines[2].count("|") == 18
    assert lines[2] == (
        "| 1x | 100 | 1.0 min | 1.00 | 5.00 | 2.00 | 2.00 | 0.40 | 1.50 | 0.30 | 0.20 | 0.10 "
        "| 1.00 | 0.50 | 0.80 | 0.40 | 100 |"
    )


def test_repeated_runs_keep_the_fastest_times_and_the_largest_memory() -> None:
    one = Row(1, 100, 60.0, 1.0, 5.0, 2.0, 0.2, rss=100.0, plain=1.5)
    one.changes = [("A", 0.5, 1.0)]
    two = Row(1, 100, 60.0, 0.9, 5.5, 2.2, 0.1, rss=120.0, plain=1.4)
    two.changes = [("A", 0.5, 0.8)]
    kept = best([one, two])
    assert (kept.floor, kept.naive, kept.cold, kept.unchanged) == (0.9, 5.0, 2.0, 0.1)
    assert (kept.plain, kept.rss, kept.changes) == (1.4, 120.0, [("A", 0.5, 0.8)])


def test_the_neural_engines_table_gives_ratios_to_the_floor_and_the_cold_render() -> None:
    from bench.episodes import table

    best = {"floor": 200.0, "cold": 180.0, "unchanged": 0.9, "changed": 90.0}
    lines = table("Kokoro", {**best, "rss": 950.4, "total": 1800.0}).splitlines()
    assert lines[2] == (
        "| Kokoro | 200.00 | 180.00 | 0.90 | 0.90 | 0.01 | 90.00 | 0.50 | 950 | 1800 |"
    )

"""Planning: turns into clip and segment jobs, bounded however long a turn or a
transcript is."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from podcast.engines import Engines
from podcast.plan import SEGMENT_WORDS, plan
from podcast.source import load_transcript
from tests.helpers import fake_render, numbered_dialogue, undisclosed


def test_one_megabyte_line_is_planned_in_bounded_segments(tmp_path: Path) -> None:
    path = tmp_path / "line.txt"
    path.write_text("HOST: " + "lorem ipsum dolor sit amet " * 40_000, encoding="utf-8")
    undisclosed(tmp_path)
    loaded = load_transcript(path)
    jobs = plan(loaded, Engines("fake").identify)
    sizes = [sum(len(c.text.split()) for c in job.clips) for job in jobs]
    assert sum(sizes) == 200_000 and max(sizes) <= SEGMENT_WORDS
    assert {job.turn for job in jobs} == {0}


def test_long_turn_in_several_segments_keeps_one_span(tmp_path: Path) -> None:
    words = " ".join(f"w{i}" for i in range(2 * SEGMENT_WORDS + 50))
    (tmp_path / "long.txt").write_text(f"HOST: Hi.\n\nGUEST: {words}.\n", encoding="utf-8")
    undisclosed(tmp_path)
    out = tmp_path / "long.wav"
    result = fake_render(tmp_path / "long.txt", out)
    assert [span.turn for span in result.timeline] == [0, 1]
    fake_rate = 170 / 60  # words per second
    guest = result.timeline[1]
    assert (guest.end - guest.start) / 44100 == pytest.approx(
        (2 * SEGMENT_WORDS + 50) / fake_rate + 2 * 0.25, abs=0.2
    )


def test_twenty_thousand_turns(tmp_path: Path) -> None:
    path = tmp_path / "many.txt"
    path.write_text(numbered_dialogue(20_000, words=3), encoding="utf-8")
    undisclosed(tmp_path)
    started = time.monotonic()
    loaded = load_transcript(path)
    jobs = plan(loaded, Engines("fake").identify)
    assert len(loaded.script.turns) == len(jobs) == 20_000
    assert time.monotonic() - started < 20

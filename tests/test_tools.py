"""Voice tooling: podcast init and podcast audition."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mutagen.mp3 import MP3

from podcast.config.load import load
from podcast.source import load_transcript
from podcast.transcript.model import NARRATOR
from tests.helpers import FIXTURES, MAGAZINE, run


def test_init_writes_a_valid_commented_book_with_distinct_voices() -> None:
    result = run("init", MAGAZINE, "--female", "okafor", "--female", "Priya Lindqvist")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Wrote voices.yaml: 3 speakers\n"
    text = Path("voices.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Voices for magazine.txt, written by `podcast init`.")
    book = load(Path("voices.yaml"))
    okafor = book.speaker("OKAFOR")
    assert okafor is not None and okafor.name == "DANA OKAFOR"
    assert okafor.aliases == ("OKAFOR",) and okafor.gender == "female"
    assert book.interviewer == "THE HARBOR REVIEW"
    loaded = load_transcript(MAGAZINE, Path("voices.yaml"))
    cast = loaded.cast
    assert len({v.voice for v in cast.values()}) == len(cast) == 4
    assert "+f" in cast["DANA OKAFOR"].voice and "+f" in cast["PRIYA LINDQVIST"].voice
    assert loaded.warnings == ()


def test_init_never_overwrites_without_force_and_keeps_a_backup() -> None:
    Path("voices.yaml").write_text("defaults: {rate: 150}\n", encoding="utf-8")
    refused = run("init", MAGAZINE)
    assert refused.exit_code == 5
    assert refused.stderr == (
        "Error: voices.yaml: already exists; add --force to replace it (kept as .bak)\n"
    )
    assert Path("voices.yaml").read_text() == "defaults: {rate: 150}\n"
    forced = run("init", MAGAZINE, "--force")
    assert (
        forced.stdout == "Wrote voices.yaml: 3 speakers; the old one is kept as voices.yaml.bak\n"
    )
    assert Path("voices.yaml.bak").read_text() == "defaults: {rate: 150}\n"
    assert load(Path("voices.yaml")).defaults.rate == 150  # the old settings carry over


def test_init_keeps_genders_on_force_and_refuses_unknown_names() -> None:
    run("init", MAGAZINE, "--female", "lindqvist")
    run("init", MAGAZINE, "--force")
    assert load(Path("voices.yaml")).speaker("LINDQVIST").gender == "female"  # type: ignore[union-attr]
    wrong = run("init", MAGAZINE, "--force", "--male", "nobody")
    assert wrong.exit_code == 2
    assert wrong.stderr == (
        "Error: no speaker 'nobody' in the transcript; the speakers are: "
        "THE HARBOR REVIEW, DANA OKAFOR, PRIYA LINDQVIST\n"
    )


def test_audition_renders_every_speakers_first_line() -> None:
    result = run("audition", MAGAZINE, "--engine", "fake")
    assert result.exit_code == 0, result.output
    paths = [line.split(":")[0] for line in result.stdout.splitlines()]
    assert paths == [
        "output/audition/narrator.mp3",
        "output/audition/the-harbor-review.mp3",
        "output/audition/dana-okafor.mp3",
        "output/audition/priya-lindqvist.mp3",
    ]
    for path in paths:
        info = MP3(path).info
        assert info.sample_rate == 44100 and 1 < info.length < 20


def test_audition_one_speaker_by_surname_and_without_transcript() -> None:
    one = run("audition", MAGAZINE, "--speaker", "okafor", "--engine", "fake")
    assert one.stdout.startswith("output/audition/dana-okafor.mp3: DANA OKAFOR, ")
    assert len(one.stdout.splitlines()) == 1
    Path("voices.yaml").write_text("speakers:\n  Mira: {voice: en-gb+f4}\n", encoding="utf-8")
    plain = run("audition", "--engine", "fake")
    assert [line.split(",")[0] for line in plain.stdout.splitlines()] == [
        "output/audition/mira.mp3: Mira",
        "output/audition/narrator.mp3: Narrator",
    ]
    missing = run("audition", MAGAZINE, "--speaker", "zed", "--engine", "fake")
    assert missing.exit_code == 2 and missing.stderr.startswith("Error: no speaker 'zed'; ")


@pytest.mark.parametrize(
    "name", ["chat.log", "screenplay.fountain", "festival.vtt", "session.srt", "show.md"]
)
def test_init_writes_exactly_the_speakers_turns_finds(name: str) -> None:
    """init reads through the same door as turns: style detection included (it once
    parsed everything as Q&A: no speakers for a chat log, FADE IN for a screenplay)."""
    path = str(FIXTURES / "styles" / name)
    turns = json.loads(run("turns", path, "--json").stdout)
    expected = [s for s in dict.fromkeys(row["speaker"] for row in turns) if s != NARRATOR]
    assert len(expected) >= 2
    result = run("init", path)
    assert result.stdout == f"Wrote voices.yaml: {len(expected)} speakers\n"
    assert [s.name for s in load(Path("voices.yaml")).speakers] == expected


def test_init_force_never_replaces_an_older_backup() -> None:
    """The user's own voices.yaml survives any number of `init --force`."""
    Path("voices.yaml").write_text("# mine, by hand\ndefaults: {rate: 150}\n", encoding="utf-8")
    first = run("init", MAGAZINE, "--force")
    second = run("init", MAGAZINE, "--force")
    assert first.stdout.splitlines()[0].endswith("the old one is kept as voices.yaml.bak")
    assert second.stdout.splitlines()[0].endswith("the old one is kept as voices.yaml.bak.2")
    assert Path("voices.yaml.bak").read_text(encoding="utf-8").startswith("# mine, by hand")

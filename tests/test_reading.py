"""Read as a person would: dates, years, ranges, times, phone numbers, Roman numerals,
units, money, abbreviations, initialisms, addresses and numbers, in the text every
engine gets (``podcast turns --json``), each rewrite explained and each kind able to be
left as written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podcast.config.model import DISCLOSURE
from podcast.speakable.rules import ReadingRule
from podcast.speakable.text import MARKER, Notes, Reading, speakable
from podcast.speakable.words import number_words, ordinal_words, year_words
from tests.helpers import ARTICLE, FIXTURES, fake_render, run

READING = FIXTURES / "reading.txt"


def sentences() -> list[tuple[str, str, str]]:
    """(kind, as written, as said) for every sentence of the fixture."""
    found = []
    kind = ""
    for line in READING.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            kind = line.strip("[]")
        elif " => " in line and not line.startswith("#"):
            written, said = line.split(" => ")
            found.append((kind, written, said))
    return found


def transcript(written: list[str]) -> str:
    """The sentences as a two-person transcript, one turn each."""
    labels = ("HOST", "GUEST")
    return "\n\n".join(f"{labels[i % 2]}: {text}" for i, text in enumerate(written)) + "\n"


def turns_json(tmp_path: Path, text: str, voices: str | None = None) -> list[str]:
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    args = ["turns", str(tmp_path / "t.txt"), "--json"]
    if voices is not None:
        (tmp_path / "v.yaml").write_text(voices, encoding="utf-8")
        args += ["--voices", str(tmp_path / "v.yaml")]
    result = run(*args)
    assert result.exit_code == 0, result.output
    return [row["text"] for row in json.loads(result.stdout) if row["text"] != DISCLOSURE]


def test_every_sentence_reads_as_a_person_would(tmp_path: Path) -> None:
    found = sentences()
    said = turns_json(tmp_path, transcript([written for _, written, _ in found]))
    assert len(said) == len(found)
    wrong = [(w, want, got) for (_, w, want), got in zip(found, said, strict=True) if want != got]
    assert wrong == []


def kinds_of(written: str, reading: Reading | None = None) -> tuple[str, set[str]]:
    """What is said for ``written``, and the kinds of the rules that rewrote it."""
    notes = Notes(1)
    said = speakable(written, "HOST", reading, notes=notes)
    return said, {r.why.partition(":")[0] for r in notes.rewritten}


def test_the_sentences_cover_every_kind_with_each_rewrite_named_by_its_kind() -> None:
    found = sentences()
    assert len(found) >= 60
    assert {kind for kind, _, _ in found} == set(ReadingRule)
    fired = set()
    for kind, written, said in found:
        kinds = kinds_of(written)[1]
        assert bool(kinds) == (written != said), written  # every rewrite is told
        if kind in kinds:
            fired.add(kind)
    assert fired == set(ReadingRule)  # each kind's own sentences use its rule


@pytest.mark.parametrize("kind", list(ReadingRule))
def test_each_kind_can_be_left_as_written(kind: ReadingRule) -> None:
    reading = Reading(as_written=frozenset({kind}))
    for _, written, said in sentences():
        spoken, kinds = kinds_of(written, reading)
        assert kind not in kinds
        if kind in kinds_of(written)[1]:
            assert spoken != said, written


def test_reading_in_voices_yaml_keeps_a_kind_as_written(tmp_path: Path) -> None:
    text = transcript(["Call (555) 123-4567 at 10:30 a.m. today.", "In 1999, yes."])
    said = turns_json(tmp_path, text, "reading: {phone_numbers: as_written}\n")
    assert said == ["Call (555) 123-4567 at ten thirty A M today.", "In nineteen ninety-nine, yes."]
    said = turns_json(tmp_path, text, "reading: {times: as_written, years: spoken}\n")
    assert said[0] == "Call five five five, one two three, four five six seven at 10:30 a.m. today."


def test_a_wrong_reading_entry_is_named_with_its_fix(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text(transcript(["Hi."]), encoding="utf-8")
    (tmp_path / "v.yaml").write_text(
        "reading: {phone_number: as_written, dates: never}\n", encoding="utf-8"
    )
    result = run("turns", str(tmp_path / "t.txt"), "--voices", str(tmp_path / "v.yaml"))
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"Error: {tmp_path / 'v.yaml'}: reading.phone_number: unknown key; "
        "did you mean 'phone_numbers'?",
        f"Error: {tmp_path / 'v.yaml'}: reading.dates: expected spoken or as_written, got 'never'",
    ]


def test_pronunciations_win_over_every_rule(tmp_path: Path) -> None:
    voices = 'pronunciations: {"St.": Sankt, "2019": "two oh one nine", FBI: the bureau}\n'
    text = transcript(["We met in St. Louis in 2019.", "The FBI called on May 4, 2019."])
    assert turns_json(tmp_path, text, voices) == [
        "We met in Sankt Louis in two oh one nine.",
        "The the bureau called on May fourth, two oh one nine.",
    ]


def test_turns_lists_each_rewrite_and_why(tmp_path: Path) -> None:
    text = transcript(["She lives at 42 Elm St. in Dayton.", "It was 42 then, 42 now."])
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    result = run("turns", str(tmp_path / "t.txt"))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1:3] == [
        "   1  HOST      label       She lives at 42 Elm St. in Dayton.",
        "   2  GUEST     label       It was 42 then, 42 now.",
    ]
    assert lines[lines.index("Read as:") :] == [
        "Read as:",
        "  line 1: 'St.' read as 'Street' [abbreviations: after a number and a name]",
        "  line 1: '42' read as 'forty-two' [numbers: a number] (3 times)",
    ]


def test_captions_and_chapters_show_the_text_as_written(tmp_path: Path) -> None:
    source = tmp_path / "show.md"
    source.write_text(
        "# Episode 12: Back in 1999\n\nHOST: We met on May 24, 2019 at 10 a.m.\n\n"
        "GUEST: Dr. Okafor said 3.5%.\n",
        encoding="utf-8",
    )
    result = fake_render(source, tmp_path / "show.mp3")
    assert [c.title for c in result.chapters] == ["Episode 12: Back in 1999"]
    vtt = (tmp_path / "show.vtt").read_text(encoding="utf-8")
    assert "We met on May 24, 2019 at 10 a.m." in vtt
    assert "Dr. Okafor said 3.5%." in vtt
    assert "twenty" not in vtt


def test_the_article_changes_only_where_a_rule_applies(tmp_path: Path) -> None:
    if not ARTICLE.exists():
        pytest.skip(f"{ARTICLE} is not here (it lives beside the project)")
    result = run("turns", str(ARTICLE))
    assert result.exit_code == 0, result.output
    block = result.stdout.split("Read as:\n")[1].split("Not spoken:")[0]
    rewrites = {
        tuple(re.findall(r"'(.+?)' read as '(.+)' \[", line)[0])
        for line in block.split("\n")
        if line
    }
    assert rewrites == {
        ("EW", "E W"),
        ("May 24", "May twenty-fourth"),
        ("20", "twenty"),
        ("HBO’s", "H B O's"),
    }


def test_number_words_come_from_num2words_in_american_form() -> None:
    assert number_words(105) == "one hundred five"
    assert number_words(1_234_567) == (
        "one million two hundred thirty-four thousand five hundred sixty-seven"
    )
    assert [year_words(y) for y in (1905, 2001, 1900, 2010, 1066)] == [
        "nineteen oh five",
        "two thousand one",
        "nineteen hundred",
        "twenty ten",
        "ten sixty-six",
    ]
    assert ordinal_words(101) == "one hundred first"


_WRITTEN = st.text(
    alphabet=st.sampled_from(list("0123456789 .,:;-–/$£€¢%°'’()#+@ABCDIMVXStkmgeDr")), max_size=60
)


@settings(max_examples=300, deadline=None)
@given(_WRITTEN)
def test_any_text_is_read_without_failing_and_left_alone_when_every_kind_is_kept(
    text: str,
) -> None:
    spoken = speakable(text, "HOST", notes=Notes(1))
    assert not re.search("[\ue000-\ue1ff]", spoken)
    kept = speakable(text, "HOST", Reading(as_written=frozenset(ReadingRule)))
    shown = speakable(text, "HOST", pronounce=False)
    assert re.findall(r"\d", MARKER.sub("", kept)) == re.findall(r"\d", MARKER.sub("", shown))

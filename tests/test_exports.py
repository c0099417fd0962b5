"""Transcripts in the shapes services and meeting tools export: name-and-timestamp
exports, meeting and rolling captions, JSON transcripts, labels of every shape, closing
matter. Speakers in order, no label, timestamp or cue spoken, nothing lost."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from podcast.cli import main
from podcast.errors import InputError
from podcast.source import load_transcript
from podcast.transcript.lines import words
from podcast.transcript.model import NARRATOR
from podcast.transcript.styles import detect, parse_transcript
from tests.helpers import ARTICLE, FIXTURES, fake_render, nothing_lost, transcribed

STYLES = FIXTURES / "styles"
_CLOCKS = re.compile(r"\d{1,2}:\d{2}")


def spoken(
    name: str, text: str | None = None, tmp_path: Path | None = None
) -> list[tuple[str, str]]:
    """(speaker, spoken text) of every turn, through the one door and speakable."""
    path = STYLES / name
    if text is not None and tmp_path is not None:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8", newline="")
    loaded = load_transcript(path)
    return [(t.speaker, t.text) for t in transcribed(loaded.script)]


def said(turns: list[tuple[str, str]]) -> str:
    return " ".join(text for _, text in turns)


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_otter_export_header_footer_and_stamps(ending: str, tmp_path: Path) -> None:
    text = (STYLES / "otter_export.txt").read_text(encoding="utf-8").replace("\n", ending)
    assert detect(text) == "export"
    turns = spoken("otter_export.txt", text, tmp_path)
    assert [s for s, _ in turns] == ["Speaker 1", "Priya Natarajan", "Tom O'Hara", "Speaker 1"]
    priya = turns[1][1].split("\n\n")
    assert priya[0].startswith("Yes, loud and clear.") and priya[0].endswith("be quick.")
    assert priya[1].startswith("First, the grant.") and priya[1].endswith("We got it.")
    everything = said(turns)
    for never in ("SUMMARY", "KEYWORDS", "Allotment", "otter", "Transcribed", "laughs",
                  "crosstalk", "Priya Natarajan,"):  # fmt: skip
        assert never not in everything
    assert not _CLOCKS.search(everything)
    script = parse_transcript(text)
    assert script.title == "Allotment Committee: Spring Planning"
    assert nothing_lost(text, script)


def test_rev_export_with_doctor_initials_and_cues() -> None:
    turns = spoken("rev_export.txt")
    assert [s for s, _ in turns] == [
        "Interviewer",
        "Dr. Mary-Kate O'Neil-Smith",
        "Interviewer",
        "Dr. Mary-Kate O'Neil-Smith",
        "J.R. Ramírez-Ortega",
    ]
    everything = said(turns)
    assert "laughs" not in everything and "inaudible" not in everything
    assert "Rev.com" not in everything and "Page 1" not in everything
    assert not _CLOCKS.search(everything)
    assert "every ship that passed, and the weather on the hour." in everything


def test_zoom_export_with_a_device_name() -> None:
    assert detect((STYLES / "zoom_export.txt").read_text(encoding="utf-8")) == "export"
    assert [s for s, _ in spoken("zoom_export.txt")] == [
        "Nadia Haddad", "Kofi Mensah", "Nadia Haddad", "iPhone (2)",
    ]  # fmt: skip
    assert not _CLOCKS.search(said(spoken("zoom_export.txt")))


def test_meeting_captions_with_names_in_cues() -> None:
    turns = spoken("meeting.vtt")
    assert turns == [
        ("Speaker 2", "Morning all, shall we begin?"),
        ("iPhone (2)", "Yes. I'm on the train, so I may drop out."),
        ("Speaker 2", "No problem. The first item is the budget, which we agreed last week."),
        ("Łukasz Nowak", "I have one question about the budget."),
    ]


def test_rolling_captions_are_spoken_once() -> None:
    text = (STYLES / "rolling.vtt").read_text(encoding="utf-8")
    script = parse_transcript(text)
    assert [t.text for t in script.turns] == [
        "hello and welcome to the garden today we plant the beans and water them well"
    ]
    assert sum(u.why == "caption repeat" for u in script.skipped) == 4
    assert nothing_lost(text, script)


def test_a_repeated_caption_that_is_not_rolling_is_kept() -> None:
    text = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana>No.\n\n"
        "00:00:02.000 --> 00:00:03.000\n<v Bo>No.\n\n"
        "00:00:03.000 --> 00:00:04.000\n<v Ana>Well then.\n"
    )
    assert [t.text for t in parse_transcript(text).turns] == ["No.", "No.", "Well then."]


def test_whisper_json_with_diarized_speakers() -> None:
    turns = spoken("whisper.json")
    assert turns == [
        ("Speaker 1", "So where do we begin?"),
        ("Speaker 2", "With the river. It floods every spring.\n\nAnd every spring we rebuild."),
        ("Speaker 1", "Thank you."),
    ]


def test_podcasting_json_transcript_renders_again() -> None:
    turns = spoken("episode.transcript.json")
    assert turns == [
        (NARRATOR, "The Night Ferry, part one."),
        ("Ana Lima", "The ferry left at midnight and nobody waved. We were the only passengers."),
        ("Bo Chen", "Were you afraid?"),
    ]


def test_an_episodes_own_transcript_json_gives_its_turns_back(tmp_path: Path) -> None:

    source = tmp_path / "talk.txt"
    source.write_text(
        "HOST: Welcome back to the show.\n\nGUEST: Thank you. It is good to be here.\n\n"
        "HOST: Tell us about the river.\n\nGUEST: It floods every spring.\n",
        encoding="utf-8",
    )
    result = fake_render(source, tmp_path / "talk.mp3")
    assert result.output == tmp_path / "talk.mp3"
    again = load_transcript(tmp_path / "talk.transcript.json").script
    first = load_transcript(source).script
    assert [(t.speaker, t.text) for t in again.turns] == [(t.speaker, t.text) for t in first.turns]


def test_a_json_file_that_is_no_transcript_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "talk.chapters.json"
    path.write_text('{"version": "1.2.0", "chapters": []}', encoding="utf-8")
    result = CliRunner().invoke(main, ["turns", str(path)])
    assert result.exit_code != 0
    assert "not a JSON transcript" in result.output and "Traceback" not in result.output
    with pytest.raises(InputError):
        parse_transcript("{oops", "json")


_SEGMENT = st.fixed_dictionaries(
    {"text": st.text(max_size=40)},
    optional={
        "speaker": st.one_of(st.none(), st.sampled_from(["SPEAKER_00", "Ana", " ", "SPEAKER_1"])),
        "start": st.one_of(st.floats(0, 100), st.booleans(), st.text(max_size=3)),
        "end": st.floats(0, 100),
    },
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_SEGMENT, st.integers(), st.text(max_size=5)), min_size=1, max_size=15))
def test_json_transcripts_never_fail_and_lose_no_word(segments: list[object]) -> None:
    text = json.dumps({"segments": segments})
    if not any(isinstance(s, dict) for s in segments):
        with pytest.raises(InputError):
            parse_transcript(text, "json")
        return
    script = parse_transcript(text, "json")
    expected = [w for s in segments if isinstance(s, dict) for w in words(s["text"])]
    assert [w for t in script.turns for w in words(t.text)] == expected


def test_labels_of_every_shape() -> None:
    turns = spoken("labels.txt")
    assert [s for s, _ in turns] == [
        NARRATOR,
        "Ángel Ruiz",
        "Łukasz Nowak",
        "Ángel Ruiz",
        "ÉMILE ZOLA",
        "Mia Park",
        "J.R. Ramírez-Ortega",
    ]
    assert "🎙" not in said(turns) and "Producer" not in said(turns)


def test_emoji_are_never_read(tmp_path: Path) -> None:
    path = tmp_path / "talk.txt"
    path.write_text("HOST: We did it 🎉🎉 at last.\n\nGUEST: Wonderful 👍🏽.\n", encoding="utf-8")
    loaded = load_transcript(path)
    assert [t.text for t in transcribed(loaded.script)] == ["We did it at last.", "Wonderful."]
    assert [u.text for u in loaded.script.skipped if u.why == "emoji"] == ["🎉🎉", "👍🏽"]


def test_credits_after_the_last_turn_are_the_narrators(tmp_path: Path) -> None:
    path = tmp_path / "show.txt"
    path.write_text(
        "HOST: Welcome to the show.\n\nGUEST: Thanks for having me.\n\n"
        "HOST: What next?\n\nGUEST: More gardens. Always more gardens.\n\n"
        "This episode was produced by Sam Lee and edited by Kim Wu.\n\n"
        "Support for this podcast comes from listeners like you.\n",
        encoding="utf-8",
    )
    script = load_transcript(path).script
    assert [(t.speaker, t.how) for t in transcribed(script)][-2:] == [
        ("GUEST", "label"),
        (NARRATOR, "closing"),
    ]
    assert transcribed(script)[-1].paragraphs == (
        "This episode was produced by Sam Lee and edited by Kim Wu.",
        "Support for this podcast comes from listeners like you.",
    )
    result = CliRunner().invoke(main, ["turns", str(path)])
    assert "turn 5: closing matter (credits, an editor's note), read by the narrator" in (
        result.output
    )


def test_turns_explains_the_style_and_the_labels() -> None:
    result = CliRunner().invoke(main, ["turns", str(STYLES / "otter_export.txt")])
    lines = result.output.splitlines()
    assert lines[0] == (
        "Style: transcription service export "
        "(detected: lines of a name and a timestamp, each with text below)"
    )
    assert (
        lines[5]
        == "   5  Narrator         disclosure  The voices in this episode are synthetic: every …"
    )
    assert lines[6] == "Label: 5 labels from a name-and-timestamp line, such as 'Speaker 1'"
    assert "line 2: Tue, Mar 3, 2026 4:12PM • 14:07 [export header]" in result.output
    assert "[export footer]" in result.output and "[non-speech cue]" in result.output
    labels = CliRunner().invoke(main, ["turns", str(STYLES / "labels.txt")]).output
    assert "Label: 'Łukasz Nowak:' is a label: a full name among other labels" in labels
    assert "Label: 'ÉMILE ZOLA:' is a label: written in capitals" in labels


def test_article_labels_are_explained(article: str) -> None:
    result = CliRunner().invoke(main, ["turns", str(ARTICLE)])
    assert "Label: 'WILLIAMS:' (ALLISON WILLIAMS) is a label: written in capitals" in (
        result.output
    )

"""Every transcript style: detection, speakers in order, nothing spoken that should not be,
nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podcast.errors import InputError
from podcast.transcript.model import NARRATOR
from podcast.transcript.read import read as read_transcript
from podcast.transcript.styles import STYLES, ParseSettings, detect, parse_transcript
from tests.helpers import FIXTURES, fixture_text, nothing_lost, skipped

STYLE_FIXTURES = FIXTURES / "styles"


def read(name: str) -> str:
    return (STYLE_FIXTURES / name).read_text(encoding="utf-8")


def rows(name: str, **settings: object) -> list[tuple[str, str]]:
    script = parse_transcript(read(name), None, ParseSettings(**settings))  # type: ignore[arg-type]
    return [(t.speaker, t.text) for t in script.turns]


@pytest.mark.parametrize(
    ("name", "style"),
    [
        ("broadcast.txt", "qa"),
        ("qa_letters.txt", "qa"),
        ("messy_qa.txt", "markdown"),  # one bold label makes it Markdown; parses the same
        ("show.md", "markdown"),
        ("screenplay.fountain", "screenplay"),
        ("festival.vtt", "captions"),
        ("session.srt", "captions"),
        ("chat.log", "chat"),
        ("tagged.txt", "tagged"),
        ("markers.txt", "tagged"),
        ("numbered.txt", "tagged"),
        ("otter_export.txt", "export"),
        ("rev_export.txt", "export"),
        ("zoom_export.txt", "export"),
        ("shownotes.txt", "chat"),
        ("meeting.vtt", "captions"),
        ("rolling.vtt", "captions"),
        ("whisper.json", "json"),
        ("episode.transcript.json", "json"),
        ("labels.txt", "qa"),
        ("deposition.txt", "court"),
        ("hearing.txt", "record"),
        ("play.txt", "play"),
        ("subtitles.srt", "captions"),
    ],
)
def test_detect(name: str, style: str) -> None:
    assert detect(read(name)) == style


@pytest.mark.parametrize(
    "name", sorted(p.name for p in STYLE_FIXTURES.iterdir() if p.suffix != ".json")
)  # JSON transcripts: their own property test in test_exports
def test_nothing_lost_in_every_style(name: str) -> None:
    text = read(name)
    assert nothing_lost(text, parse_transcript(text))


def test_article_is_a_q_and_a(article: str) -> None:
    assert detect(article) == "qa"


def test_broadcast_roles_surnames_cues_and_unidentified_speakers() -> None:
    script = parse_transcript(read("broadcast.txt"))
    assert [(t.speaker, t.how) for t in script.turns] == [
        (NARRATOR, "title"),
        ("STEVE MARSH", "label"),
        ("MAYA COLLINS", "label"),
        ("MAYA COLLINS", "alias"),
        ("TOM BECKER", "label"),
        ("TOM BECKER", "alias"),
        ("UNIDENTIFIED PERSON #1", "label"),
        ("UNIDENTIFIED PERSON #2", "label"),
        ("MAYA COLLINS", "alias"),
        ("STEVE MARSH", "alias"),
    ]
    assert "(SOUNDBITE OF GULLS)" in skipped(script) and "(CROSSTALK)" in skipped(script)
    assert not any("(" in t.text or "Copyright" in t.text for t in script.turns)


def test_q_and_a_letters_name_the_guest_from_the_intro() -> None:
    script = parse_transcript(read("qa_letters.txt"))
    assert script.style == "qa-letters" and script.interviewer == "Interviewer"
    assert [t.speaker for t in script.turns[2:]] == ["Interviewer", "Ingrid Solberg"] * 2
    anonymous = parse_transcript("Q: Who are you?\nA: Nobody in particular.\n")
    assert [t.speaker for t in anonymous.turns] == ["Interviewer", "Guest"]


def test_markdown_labels_sections_directions_and_emphasis() -> None:
    script = parse_transcript(read("show.md"))
    assert script.title == "Episode 12: The Night Shift"
    assert script.sections == ((0, "Episode 12: The Night Shift"), (3, "The first night"))
    assert [(t.speaker, t.text) for t in script.turns] == [
        (NARRATOR, "Episode 12: The Night Shift"),
        ("Host", "Welcome back to Late Hours, the show about people who work while you sleep."),
        ("Dr. Amara Osei", "Thanks for having me. I've worked nights for eleven years."),
        (NARRATOR, "The first night"),
        ("Host", "Do you remember your first shift?"),
        (
            "Dr. Amara Osei",
            "Vividly. A storm knocked out the power twice.\n\n"
            "It was chaos, but we managed. More at our site.",
        ),
        ("Host", "That's all for today."),
    ]
    assert "*[theme music rises, then fades]*" in skipped(script)
    assert "[laughs]" in skipped(script) and "*(music swells)*" in skipped(script)


def test_screenplay_cues_extensions_parentheticals_and_narration() -> None:
    assert rows("screenplay.fountain") == [
        (NARRATOR, "Low Tide"),
        (NARRATOR, "EXT. HARBOR - NIGHT"),
        (NARRATOR, "Rain hammers the empty pier. A lantern swings above the bait shop door."),
        ("MARA", "You came back."),
        ("JONAH", "I said I would."),
        (NARRATOR, "Jonah steps into the light, soaked to the bone."),
        ("MARA", "Three years, Jonah. Three."),
        ("JONAH", "I know."),
        (NARRATOR, "INT. BAIT SHOP - CONTINUOUS"),
        (NARRATOR, "Some promises take longer than others."),
    ]
    script = parse_transcript(read("screenplay.fountain"))
    assert {"(quietly)", "(beat)", "FADE IN:", "CUT TO:", "FADE OUT."} <= set(skipped(script))


def test_screenplay_without_narration_speaks_only_dialogue() -> None:
    speakers = [s for s, _ in rows("screenplay.fountain", narration=False)]
    # the title is still read, and so is the narrator's voice-over
    assert speakers == [NARRATOR, "MARA", "JONAH", "MARA", "JONAH", NARRATOR]


def test_webvtt_voices_merged_and_tags_dropped() -> None:
    assert rows("festival.vtt") == [
        ("Lena Ortiz", "Welcome to the festival stage, where the boats are the stars."),
        ("Sam Reyes", "Thanks, Lena. It's my first time & I'm nervous. Very nervous."),
    ]


def test_srt_with_prefixes_and_windows_line_ends() -> None:
    assert rows("session.srt") == [
        ("NINA", "Are we recording?"),
        ("PAUL", "We are now. Then let's begin."),
    ]


def test_chat_log_names_timestamps_and_system_lines() -> None:
    assert rows("chat.log") == [
        ("alice", "morning all"),
        ("bob", "hey alice"),
        ("alice", "did the build pass?\n\nit failed on the docs step"),
        ("carol", "I fixed the docs"),
        ("bob", "thanks carol"),
    ]


@pytest.mark.parametrize(
    ("name", "speakers"),
    [
        ("tagged.txt", ["Person1", "Person2", "Person1"]),
        ("markers.txt", ["S1", "S2", "S1"]),
        ("numbered.txt", ["Speaker 1", "Speaker 2", "Speaker 1"]),
    ],
)
def test_tagged_dialogue(name: str, speakers: list[str]) -> None:
    assert [s for s, _ in rows(name)] == speakers


def test_numbered_speaker_paragraphs() -> None:
    assert rows("numbered.txt")[1] == (
        "Speaker 2",
        "Since I was nine.\n\nI started with my grandmother's brushes.",
    )


def test_messy_q_and_a() -> None:
    script = parse_transcript(read("messy_qa.txt"))
    assert [(t.speaker, t.how) for t in script.turns] == [
        (NARRATOR, "title"),
        (NARRATOR, "narration"),
        ("THE DISPATCH", "label"),
        ("RORY FLINT", "label"),
        ("RORY FLINT", "alias"),
        ("THE DISPATCH", "question"),
        ("FLNT", "label"),  # a typo: its own speaker, which `podcast turns` warns about
        ("THE DISPATCH", "label"),
        ("RORY FLINT", "alias"),
    ]


def test_format_override_and_unknown_style() -> None:
    text = "alice: hi\nbob: hello\n"
    assert [t.speaker for t in parse_transcript(text, "chat").turns] == ["alice", "bob"]
    with pytest.raises(InputError, match="unknown transcript style 'opera'"):
        parse_transcript(text, "opera")


def test_skip_patterns_from_voices_yaml() -> None:
    import re

    script = parse_transcript(read("chat.log"), None, ParseSettings(skip=(re.compile(r"\bbob:"),)))
    assert [t.speaker for t in script.turns] == ["alice", "carol"]
    assert "bob: thanks carol" in skipped(script)


_FRAGMENTS = [
    "HOST: Hello.",
    "MARA",
    "(quietly)",
    "INT. HOUSE - DAY",
    "**Host:** Hi *there*.",
    "## Part two",
    "*[music]*",
    "WEBVTT",
    "00:00:01.000 --> 00:00:02.000",
    "<v Ana>Hi &amp; bye",
    "[10:02] alice: yo",
    "<Person1>Hello</Person1>",
    "[S1] one [S2] two",
    "Speaker 1: hi",
    "Priya Natarajan  0:11",
    "[Tom O'Hara] 10:02:15",
    "Speaker 2 (00:05):",
    "iPhone (2): hello",
    "🎙️ Mia Park: hi",
    "welcome<00:00:00.400><c> back</c>",
    "Transcribed by https://otter.ai",
    "",
    "---",
]
_line = st.one_of(
    st.sampled_from(_FRAGMENTS), st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_line, max_size=25), st.sampled_from([s for s in STYLES if s != "json"]))
def test_every_style_never_fails_and_loses_nothing(lines: list[str], style: str) -> None:
    text = "\n".join(lines)
    assert nothing_lost(text, parse_transcript(text, style))
    assert nothing_lost(text, parse_transcript(text))


@pytest.mark.parametrize("name", ["festival.vtt", "screenplay.fountain", "chat.log", "show.md"])
def test_old_mac_and_windows_line_endings(name: str) -> None:
    text = read(name)
    expected = parse_transcript(text).turns
    assert parse_transcript(text.replace("\n", "\r")).turns == expected
    assert parse_transcript(text.replace("\n", "\r\n")).turns == expected


def test_production_cues_leave_a_pause_before_the_next_turn() -> None:
    from podcast.transcript.qa import CUE_LINE_PAUSE

    script = parse_transcript(read("broadcast.txt"))
    paused = [(t.speaker, t.text.split()[0]) for t in script.turns if t.pause_before]
    assert paused == [("MAYA COLLINS", "Tom"), ("TOM BECKER", "I"), ("MAYA COLLINS", "For")]
    assert {t.pause_before for t in script.turns} == {0, CUE_LINE_PAUSE}


def test_label_typos_are_warned_about_and_one_off_voices_are_not() -> None:
    from podcast.transcript.notes import label_warnings

    text = (
        "FLINT: We went out at dawn.\n\nHOST: Why then?\n\nFLINT: The tide.\n\n"
        "FLNT: And the wind.\n\nSOLDIER: We held the bridge.\n\nANALYST: It mattered.\n\n"
        "HOST: Thank you.\n"
    )
    assert label_warnings(parse_transcript(text)) == [
        "label 'FLNT' looks like a typo of 'FLINT'; "
        "fix it, or list it under that speaker's aliases in voices.yaml"
    ]


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_timestamped_transcript_under_show_notes(ending: str) -> None:
    """`[00:01:23] Name Surname: text` lines below a show-notes header: speakers with
    several words and hyphens, timestamps never spoken, the notes not spoken at all."""
    text = fixture_text("styles/shownotes.txt").replace("\n", ending)
    assert detect(text) == "chat"
    script = parse_transcript(text)
    assert [(t.speaker, t.how) for t in script.turns] == [
        ("Marcus Bell", "chat"),
        ("Dana Ruiz-Okoye", "chat"),
        ("Marcus Bell", "chat"),
        ("Dana Ruiz-Okoye", "chat"),
        ("Marcus Bell", "chat"),
        ("Dana Ruiz-Okoye", "chat"),
    ]
    said = " ".join(t.text for t in script.turns)
    assert "00:0" not in said and "Tidewater" not in said and "TRANSCRIPT" not in said
    assert script.turns[3].paragraphs == (
        "Somewhere past eleven thousand.",
        "I stopped counting in the second winter.",
    )
    assert {u.why for u in script.skipped} == {"show notes", "timestamp"}
    assert nothing_lost(text, script)


def speakers(name: str, **settings: object) -> list[str]:
    return [speaker for speaker, _ in rows(name, **settings)]


def test_a_deposition_gives_questions_to_the_examiner_and_answers_to_the_witness() -> None:
    assert speakers("deposition.txt") == [
        "MS. ALVAREZ", "DANIEL PRUITT", "MS. ALVAREZ", "DANIEL PRUITT", "MS. ALVAREZ",
        "MR. HOLLOWAY", "MS. ALVAREZ", "DANIEL PRUITT", "MS. ALVAREZ", "DANIEL PRUITT",
        "MS. ALVAREZ",
    ]  # fmt: skip
    said = " ".join(text for _, text in rows("deposition.txt"))
    assert "I ran the number four crane on the night shift." in said  # over a line break
    for never in ("Page", "DISTRICT COURT", "CERTIFICATE", "Recess", "EXAMINATION", "sworn"):
        assert never not in said
    assert not any(character.isdigit() for character in said.replace("2023", ""))


def test_a_committee_record_names_its_members_and_drops_editorial_notes() -> None:
    found = rows("hearing.txt")
    assert [speaker for speaker, _ in found] == [
        NARRATOR, NARRATOR, "Chairman OKONKWO", "Mr. BELL", "Ms. FISCHER", "Mr. BELL",
        "Ms. FISCHER", "Chairman OKONKWO", "Ms. HALE",
    ]  # fmt: skip
    assert found[7] == ("Chairman OKONKWO", "The witness may answer.")  # The CHAIRMAN.
    said = " ".join(text for _, text in found)
    assert "Gavel" not in said and "Whereupon" not in said and "prepared statement" not in said


def test_a_play_speaks_its_dialogue_and_not_its_cast_list_or_directions() -> None:
    found = rows("play.txt")
    assert [speaker for speaker, _ in found] == [
        NARRATOR, "IMOGEN HALE", "TOM HALE", "IMOGEN HALE", "A RADIO VOICE", "TOM HALE",
        "IMOGEN HALE",
    ]  # fmt: skip
    assert found[0] == (NARRATOR, "THE LAMP ROOM")
    said = " ".join(text for _, text in found)
    for never in ("CHARACTERS", "lighthouse keeper in her sixties", "not turning", "crate"):
        assert never not in said
    read = rows("play.txt", directions=True)
    assert (NARRATOR, "He sets down a crate of oil tins.") in read
    assert [s for s, _ in read if s != NARRATOR] == [s for s, _ in found if s != NARRATOR]


def test_subtitles_change_speaker_at_a_dash_and_never_speak_sound_descriptions() -> None:
    assert rows("subtitles.srt") == [
        ("Speaker 1", "Are you coming?"),
        ("Speaker 2", "In a minute."),
        ("IMOGEN", "Bring the lamp oil from the shed, will you?"),
        ("TOM", "Already got it."),
        ("IMOGEN", "Then light it."),
        ("TOM", "Right away."),
    ]


@pytest.mark.parametrize("name", ["deposition.txt", "hearing.txt", "play.txt"])
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_new_shapes_read_the_same_with_crlf_and_windows_1252(
    tmp_path: Path, name: str, encoding: str
) -> None:
    copy = tmp_path / name
    copy.write_bytes(read(name).replace("\n", "\r\n").encode(encoding))
    script, _ = read_transcript(copy)
    assert [(t.speaker, t.text) for t in script.turns] == rows(name)

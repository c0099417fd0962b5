"""Speakable text: markers for pauses, bleeps and asides; written forms read as words."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mutagen.mp3 import MP3

from podcast.config.model import NARRATOR_VOICE
from podcast.engines import Engines
from podcast.plan import ASIDE_PAUSE, BLEEP_MS, Piece, pieces, plan
from podcast.source import load_transcript
from podcast.speakable.pronounce import Pronunciation
from podcast.speakable.text import MAX_WORD, Reading, read_written_forms, speakable
from podcast.speakable.words import number_words, ordinal_words
from tests.helpers import dialogue, fake, fake_render, podcast, undisclosed


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("It was [finished] by then.", "It was finished by then."),
        ("Well — I think so.", "Well [pause 250ms] I think so."),
        ("Wait... what? Or… not.", "Wait [pause 450ms] what? Or [pause 450ms] not."),
        (
            "Hold on [pause 800ms] there [Pause 1.5s].",
            "Hold on [pause 800ms] there [pause 1500ms].",
        ),
        ("It was s— awful, a f***ing mess.", "It was [bleep] awful, a [bleep] mess."),
        (
            "Yes. [They worked together on Salt.] Anyway.",
            "Yes. [narrator: They worked together on Salt.] Anyway.",
        ),
        (
            "Tickets: $5.2 million, or $3.50.",
            "Tickets: five point two million dollars, or three dollars and fifty cents.",
        ),
        ("Doors at 9:30 am, the 3rd show.", "Doors at nine thirty A M, the third show."),
        ("Up 12% & rising.", "Up twelve percent and rising."),
        (
            "See https://example.org/show or mail jo@radio.net.",
            "See example dot org slash show or mail jo at radio dot net.",
        ),
        ("— leading and trailing …", "leading and trailing"),
    ],
)
def test_speakable(text: str, spoken: str) -> None:
    assert speakable(text, "HOST") == spoken


def test_censor_and_aside_settings() -> None:
    assert speakable("It was s— awful.", "A", Reading(censor="skip")) == "It was awful."
    assert speakable("It was f***ing bad.", "A", Reading(censor="read")) == "It was f***ing bad."
    aside = speakable("[Both laugh.] Right.", "A", Reading(asides="read"))
    assert aside == "Both laugh. Right."


def test_configured_pause_lengths_and_pronunciations() -> None:
    reading = Reading(
        pronunciations=(Pronunciation("Ruiz", "Roo-eess", speakers=("HOST",)),), dash=100
    )
    assert speakable("Ruiz — yes.", "HOST", reading) == "Roo-eess [pause 100ms] yes."
    assert speakable("Ruiz — yes.", "GUEST", reading) == "Ruiz [pause 100ms] yes."


def test_numbers_in_words() -> None:
    assert number_words(0) == "zero"
    assert number_words(1_001_019) == "one million one thousand nineteen"
    assert [ordinal_words(n) for n in (1, 2, 3, 11, 20, 42, 100)] == [
        "first",
        "second",
        "third",
        "eleventh",
        "twentieth",
        "forty-second",
        "one hundredth",
    ]
    assert read_written_forms("£1 and €2.05") == "one pound and two euros and five cents"
    assert read_written_forms("at 18:00 and 12:00 pm") == "at eighteen hundred and twelve P M"


def test_pieces_split_at_markers() -> None:
    text = "Well [pause 300ms] it was [bleep] bad. [narrator: They laugh.] Yes."
    assert pieces((text, "Second."), 350) == [
        Piece("Well", 0),
        Piece("it was", 300),
        Piece("", 0, "bleep"),
        Piece("bad.", 0),
        Piece("They laugh.", ASIDE_PAUSE, "narrator"),
        Piece("Yes.", ASIDE_PAUSE),
        Piece("Second.", 350),
    ]


def test_plan_uses_narrator_voice_for_asides_and_a_tone_for_bleeps(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("HOST: It was s— awful. [They both laugh.] Really.\n", encoding="utf-8")
    undisclosed(tmp_path)
    (job,) = plan(load_transcript(path), Engines("fake").identify)
    kinds = [(c.text, c.voice == NARRATOR_VOICE, c.bleep) for c in job.clips]
    assert kinds == [
        ("It was", False, 0),
        ("", False, BLEEP_MS),
        ("awful.", False, 0),
        ("They both laugh.", True, 0),
        ("Really.", False, 0),
    ]
    result = fake_render(path, tmp_path / "t.wav")
    assert result.synthesized == 4  # the bleep is a tone, not speech


def test_espeak_phonemes_pass_through() -> None:
    reading = Reading(pronunciations=(Pronunciation("Ruiz", "[[ru:'i:s]]"),))
    spoken = speakable("Ask Ruiz [today].", "A", reading)
    assert spoken == "Ask [[ru:'i:s]] today."
    assert pieces((spoken,), 0) == [Piece(spoken, 0)]


def test_captions_show_the_written_words_not_the_respelling(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("HOST: Ask Ruiz about the bridge — twice.\n", encoding="utf-8")
    (tmp_path / "voices.yaml").write_text(
        "pronunciations: {Ruiz: Roo-eess}\nepisode: {disclosure: false}\n"
    )
    result = fake_render(path, tmp_path / "t.mp3")
    assert [c.text for c in result.cues] == ["Ask Ruiz about the bridge —", "twice."]
    turn = load_transcript(path).script.turns[0]
    assert turn.paragraphs == ("Ask Roo-eess about the bridge [pause 250ms] twice.",)
    assert "Ask Ruiz about the bridge" in (tmp_path / "t.vtt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("written", "said"),
    [
        (
            "It ran 2:03:45 in all.",
            "It ran two hours, three minutes and forty-five seconds in all.",
        ),
        ("The cut is 1:00:00 long.", "The cut is one hour long."),
        ("Skip to 00:12:05 there.", "Skip to twelve minutes and five seconds there."),
        ("A 16:9 frame, a 3:2 ratio.", "A sixteen to nine frame, a three to two ratio."),
        ("Doors at 7:30 tonight.", "Doors at seven thirty tonight."),
    ],
)
def test_durations_are_read_as_a_person_would(written: str, said: str) -> None:
    """H:MM:SS was read as a time followed by ':45' ("two oh three:45")."""
    assert speakable(written, "HOST") == said


def test_html_entities_are_decoded_before_anything_else() -> None:
    assert speakable("Salt &amp; Signal &lt;3, it&#8217;s &quot;fine&quot;.", "HOST") == (
        'Salt and Signal <3, it’s "fine".'
    )


def test_non_speech_cues_are_never_spoken_and_are_listed(tmp_path: Path) -> None:
    """[laughs], [crosstalk 00:01:12], (Speaking Ukrainian) and the like: a short pause,
    listed as not spoken; an editorial insertion such as [finished] is still read."""
    path = tmp_path / "talk.txt"
    path.write_text(
        "HOST: So what happened [laughs] next?\n\n"
        "GUEST: We tried [crosstalk 00:01:12] again, and [inaudible 00:02:05] it was "
        "[finished] by noon.\n\n"
        "HOST: And the soldier?\n\n"
        "GUEST: (Speaking Ukrainian) (Through interpreter) We stayed.\n",
        encoding="utf-8",
    )
    loaded = load_transcript(path)
    said = " ".join(turn.text for turn in loaded.script.turns)
    for cue in ("laughs", "crosstalk", "inaudible", "Speaking", "interpreter", "00:0"):
        assert cue not in said
    assert "it was finished by noon." in said and "[pause 300ms]" in said
    assert [u.text for u in loaded.script.skipped if u.why == "non-speech cue"] == [
        "[laughs]",
        "[crosstalk 00:01:12]",
        "[inaudible 00:02:05]",
        "(Speaking Ukrainian)",
        "(Through interpreter)",
    ]


def test_a_huge_pause_is_shortened_with_a_warning_and_costs_no_memory(folder: Path) -> None:
    (folder / "talk.txt").write_text(
        dialogue("ANNA BELL: Wait for it [pause 3600s] there.", "RUTH KING: Fine."),
        encoding="utf-8",
    )
    run = podcast("render", *fake("talk.txt", "-o", "ep.mp3"), cwd=folder)
    assert run.code == 0, run.stderr
    assert run.stderr == ("Warning: line 1: [pause 3600s] is longer than 60 s; shortened to 60 s\n")
    assert 60 < MP3(str(folder / "ep.mp3")).info.length < 70
    assert run.rss_mb < 250


def test_pauses_beyond_any_number_and_in_runs(folder: Path) -> None:
    (folder / "talk.txt").write_text(
        dialogue(
            "ANNA BELL: One [pause 99999999999999999999ms] two.",
            "RUTH KING: " + "[pause 60s] " * 200 + "three.",
        ),
        encoding="utf-8",
    )
    run = podcast("render", *fake("talk.txt", "-o", "ep.mp3"), cwd=folder)
    assert run.code == 0, run.stderr
    assert "shortened to 60 s" in run.stderr
    assert MP3(str(folder / "ep.mp3")).info.length < 130  # two pauses of at most 60 s
    assert run.rss_mb < 250


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(["HOST", "Guest"]))
def test_speakable_never_fails_and_drops_only_the_unspeakable(text: str, speaker: str) -> None:
    spoken = speakable(text, speaker)
    assert spoken == spoken.strip()
    assert not any(ord(c) < 32 and c not in "\n" for c in spoken)
    assert all(len(word) <= MAX_WORD for word in spoken.split())


def test_the_page_and_captions_show_the_writers_punctuation(tmp_path: Path) -> None:
    """Dashes, ellipses and a censored word are pauses and a bleep in the audio, but the
    captions and the page show them as written (they vanished, and "s—" with them)."""
    path = tmp_path / "t.txt"
    path.write_text("HOST: I was thinking… it was s— awful — really.\n", encoding="utf-8")
    undisclosed(tmp_path)
    result = fake_render(path, tmp_path / "t.mp3")
    shown = " ".join(cue.text for cue in result.cues)
    assert shown == "I was thinking… it was s— awful — really."
    said = load_transcript(path).script.turns[0].paragraphs[0]
    assert "—" not in said and "…" not in said and "[bleep]" in said
    page = (tmp_path / "t.html").read_text(encoding="utf-8")
    assert all(f">{word}<" in page for word in ("thinking…", "s—", "—", "awful"))
    assert "thinking…" in (tmp_path / "t.vtt").read_text(encoding="utf-8")

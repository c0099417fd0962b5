"""The cast chosen for speakers without a voice of their own: natural voices when an
engine of them is installed (women on women's voices as far as the transcript tells,
then the voices farthest apart, the narrator one of its own), eSpeak NG's otherwise,
and `podcast init` writing that cast with only the settings each engine has."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from podcast.config.load import load, loads
from podcast.config.sexes import sexes
from podcast.engines import Engines, palette
from podcast.engines import kokoro as kokoro_engine
from podcast.source import load_transcript
from podcast.transcript.model import NARRATOR
from podcast.transcript.styles import parse_transcript
from tests.helpers import MAGAZINE, fake_render, run

HAS_NAMES = importlib.util.find_spec("gender_guesser") is not None
HAS_KOKORO = importlib.util.find_spec("kokoro_onnx") is not None
FOUR = ("af_heart", "am_michael", "bf_emma", "bm_george", "af_bella", "bm_fable")
INTERVIEW = """\
Night shift: a conversation

Our reporter spent a week with Sam Reyes, who runs the ferry; she has done it for years. \
MR. HOLT, his deckhand, joined us.

THE DOCK WEEKLY: How long is the crossing?
SAM REYES: Forty minutes on a good day.

MR. HOLT: Longer in fog.

Do you ever get tired of it?
REYES: Never.
"""


@pytest.fixture
def natural(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Kokoro installed with six voice packs (their numbers not a real voice's: a cast
    only reads their names), and the natural palette allowed."""
    if not HAS_KOKORO:
        pytest.skip("kokoro-onnx is not installed (pip install -e '.[kokoro]')")
    folder = tmp_path / "kokoro-voices"
    folder.mkdir()
    packs = {name: np.zeros(kokoro_engine.PACK_SHAPE, np.float32) for name in FOUR}
    np.savez(folder / kokoro_engine.VOICES_FILE, **packs)
    monkeypatch.setenv(kokoro_engine.VOICES_ENV, str(folder))
    monkeypatch.delenv("PODCAST_PALETTE")
    return folder


def test_what_the_transcript_says_of_who_is_a_woman() -> None:
    script = parse_transcript(INTERVIEW)
    found = sexes(script, script.speakers)
    assert found["SAM REYES"] == "female"  # "she", right after her name in the intro
    assert found["MR. HOLT"] == "male"  # the title
    assert "THE DOCK WEEKLY" not in found  # a publication is nobody
    if HAS_NAMES:
        names = parse_transcript("ALLISON KEANE: Hello.\nTOM BRAY: Hi.\nALLISON KEANE: Bye.\n")
        assert sexes(names, names.speakers) == {"ALLISON KEANE": "female", "TOM BRAY": "male"}


def test_a_natural_cast_gives_everyone_a_voice_of_their_own(natural: Path) -> None:
    engines = Engines()
    loaded = load_transcript(MAGAZINE, None, None, lambda book: palette(book.defaults, engines))
    voices = {name: voice.voice for name, voice in loaded.cast.items()}
    assert all(v.startswith("kokoro:") for v in voices.values())
    assert len(set(voices.values())) == len(voices) == 4  # the narrator's own among them
    women = [voices["DANA OKAFOR"], voices["PRIYA LINDQVIST"]]
    assert all(v.startswith("kokoro:af_") or v.startswith("kokoro:bf_") for v in women)
    assert loaded.book.narrator.voice == voices[NARRATOR]
    assert loaded.warnings == ()


def test_a_default_voice_decides_the_engine_of_the_palette(natural: Path, tmp_path: Path) -> None:
    espeak = tmp_path / "espeak.yaml"
    espeak.write_text("defaults: {voice: en-us}\n", encoding="utf-8")
    engines = Engines()
    loaded = load_transcript(MAGAZINE, espeak, None, lambda b: palette(b.defaults, engines))
    assert not any(v.voice.startswith("kokoro:") for v in loaded.cast.values())
    chosen = tmp_path / "kokoro.yaml"
    chosen.write_text("defaults: {voice: 'kokoro:bm_fable'}\n", encoding="utf-8")
    loaded = load_transcript(MAGAZINE, chosen, None, lambda b: palette(b.defaults, engines))
    voices = [v.voice for v in loaded.cast.values()]
    assert "kokoro:bm_fable" in voices and len(set(voices)) == 4


def test_init_writes_a_kokoro_cast_with_only_the_settings_kokoro_has(natural: Path) -> None:
    result = run("init", str(MAGAZINE), "--engine", "kokoro", "--male", "priya lindqvist")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Wrote voices.yaml: 3 speakers",
        "Kokoro voices for 3 of them",
    ]
    text = Path("voices.yaml").read_text(encoding="utf-8")
    speakers = text.split("speakers:")[1].split("pauses:")[0]
    assert "pitch" not in speakers and speakers.count("voice: kokoro:") == 3
    assert "narrator:" in text and "  voice: kokoro:" in text.split("interviewer")[0]
    book = load(Path("voices.yaml"))
    assert book.speaker("LINDQVIST").voice.voice[7:9] in ("am", "bm")  # a man's, as told
    voices = {s.name: s.voice for s in book.speakers} | {NARRATOR: book.narrator}
    Engines().check(voices, book.where)  # every setting one Kokoro has
    assert len({v.voice for v in voices.values()}) == 4


def test_an_espeak_cast_keeps_its_settings_and_the_tip_says_how_to_get_natural_voices(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With no natural voices installed, a render on eSpeak NG alone says once, in one
    line, how to get them; with a voice for everyone, or PODCAST_PALETTE=espeak, not."""
    monkeypatch.delenv("PODCAST_PALETTE")
    monkeypatch.setattr("podcast.engines._choices", lambda names: ())
    result = run("render", str(MAGAZINE), "--engine", "espeak", "--jobs", "1", "-o", "x.wav")
    notes = [line for line in result.stderr.splitlines() if line.startswith("Note:")]
    assert result.exit_code == 0, result.output
    assert notes == [
        "Note: speakers without a voice of their own speak with eSpeak NG; natural voices: "
        "pip install 'podcast[kokoro]', then podcast voices add kokoro"
    ]
    assert fake_render().advice is None  # the fake engine is nobody's default
    book = loads("defaults: {voice: en-us, pitch: 40}\n")
    assert palette(book.defaults, Engines()) is None

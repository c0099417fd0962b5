"""Integration tests with the real engine: eSpeak NG through pyttsx3 (marked `engine`)."""

from __future__ import annotations

import itertools
import subprocess
import sys
import tempfile
import wave
from array import array
from pathlib import Path

import pytest

from podcast.audio.codec import Encoding
from podcast.config.model import Pauses, Voice
from podcast.engines import Clip, Engines, create, unknown_voices
from podcast.plan import ClipJob, SegmentJob
from podcast.production.pool import Producer, Setup
from podcast.render import Options, render
from podcast.source import load_transcript
from podcast.timing import timings
from tests.helpers import FIXTURES, ebur128

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def espeak():
    return create("espeak")


def speech_seconds(clip: Clip, threshold: int = 300) -> float:
    """Seconds from the first to the last sample louder than the threshold."""
    samples = array("h", clip.pcm)
    loud = [i for i in range(0, len(samples), 50) if abs(samples[i]) > threshold]
    return (loud[-1] - loud[0]) / clip.sample_rate if loud else 0.0


def words(count: int, offset: int = 0) -> str:
    vocabulary = ["river", "stone", "lantern", "harbor", "morning", "signal", "window", "garden"]
    return " ".join(vocabulary[(i + offset) % len(vocabulary)] for i in range(count)) + "."


def test_bundled_library_loads_and_speaks(espeak) -> None:
    clip = espeak.synthesize("The bridge is the color of rust.", Voice())
    assert clip.sample_rate == 22050
    assert 1.0 < speech_seconds(clip) < 4.0


def test_driver_prints_nothing_on_stdout(espeak, capfd: pytest.CaptureFixture[str]) -> None:
    espeak.synthesize("Quiet, please.", Voice())
    out, _ = capfd.readouterr()
    assert "Audio saved" not in out and out == ""


def test_each_clip_holds_its_own_text(espeak) -> None:
    """runAndWait returns early: without waiting, a clip gets the previous one's audio."""
    lengths = [speech_seconds(espeak.synthesize(words(n), Voice(rate=200))) for n in (40, 2, 40, 2)]
    assert lengths[0] > 8 * lengths[1] and lengths[2] > 8 * lengths[3]


def test_alternating_rates_never_get_the_previous_audio(espeak) -> None:
    """Back-to-back utterances at very different rates: each clip is its own.

    eSpeak's Synchronize() can return before the driver has written the clip; a
    file read too early, or the next save_to_file, then gets the previous audio.
    """
    text = words(12)
    lengths = [espeak.synthesize(text, Voice(rate=r)).seconds for r in (100, 450) * 40]
    slow, fast = lengths[0::2], lengths[1::2]
    assert min(slow) > 2 * max(fast)
    assert max(slow) - min(slow) < 0.05 and max(fast) - min(fast) < 0.05


def test_settings_do_not_carry_over(espeak) -> None:
    text = words(20)
    normal = speech_seconds(espeak.synthesize(text, Voice(rate=170)))
    espeak.synthesize(text, Voice(rate=400, pitch=99))
    assert abs(speech_seconds(espeak.synthesize(text, Voice(rate=170))) - normal) < 0.3


def test_rate_and_variant_change_the_sound(espeak) -> None:
    text = words(20)
    slow = speech_seconds(espeak.synthesize(text, Voice(rate=120)))
    fast = speech_seconds(espeak.synthesize(text, Voice(rate=300)))
    assert slow > 2 * fast
    plain = espeak.synthesize(text, Voice("en-us"))
    variant = espeak.synthesize(text, Voice("en-us+f3"))
    assert plain.pcm != variant.pcm


def test_voice_names_and_variants_are_validated(espeak) -> None:
    assert unknown_voices(espeak, ["en-us", "en-gb-x-rp", "en-us+f3", "en-029+m7"]) == []
    problems = unknown_voices(espeak, ["en-uss", "en-us+f33"])
    assert problems[0].startswith("unknown voice 'en-uss'; closest: en-us")
    assert problems[1].startswith("unknown voice variant '+f33' in 'en-us+f33'; closest: f3")


def test_long_turn_is_spoken_whole(espeak) -> None:
    text = " ".join(f"Line {i} of a very long answer." for i in range(80))  # 560 words
    clip = espeak.synthesize(text, Voice(rate=300))
    assert speech_seconds(clip) > 0.8 * 560 * 60 / 300


def test_parallel_turns_stay_in_order_under_load(tmp_path: Path) -> None:
    """Many turns through worker processes while the CPU is busy: segment N is turn N."""
    sizes = [30 if i % 2 else 1 for i in range(24)]
    jobs = [
        SegmentJob((ClipJob(f"k{i}", words(n, i), Voice(rate=250)),), (), 500, f"turn {i}")
        for i, n in enumerate(sizes)
    ]
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        setup = Setup("espeak", tmp_path, Encoding("wav"))
        producer = Producer(setup, Engines("espeak"), workers=3)
        lengths = [stored.speech / 44100 for stored in producer.made(jobs)]
    finally:
        burner.kill()
    short = [s for s, n in zip(lengths, sizes, strict=True) if n == 1]
    long = [s for s, n in zip(lengths, sizes, strict=True) if n == 30]
    assert max(short) < 1.5 and min(long) > 4.0
    assert (producer.synthesized, producer.cached) == (24, 0)


def test_real_render_to_wav_has_speech_and_pauses(tmp_path: Path) -> None:
    out = tmp_path / "ep.wav"
    result = render(FIXTURES / "no_interviewer_label.txt", out, Options(jobs=2))
    with wave.open(str(out)) as file:
        assert (file.getframerate(), file.getnchannels()) == (44100, 1)
        pcm = file.readframes(file.getnframes())
    samples = array("h", pcm)
    assert abs(len(samples) / 44100 - result.seconds) < 1e-6
    assert 20 < result.seconds < 60
    assert len(result.speakers) == 4
    spans = result.timeline
    assert [s.turn for s in spans] == list(range(result.turns))
    script = load_transcript(FIXTURES / "no_interviewer_label.txt").script
    chosen = timings(script, Pauses())  # the gaps by context, as podcast turns shows them
    for before, after in itertools.pairwise(spans):
        gap = samples[before.end : after.start]
        expected = (chosen[before.turn].gap + script.turns[after.turn].pause_before) / 1000
        assert abs(len(gap) / 44100 - expected) < 0.002
        assert max(map(abs, gap)) == 0
        assert max(map(abs, samples[before.start : before.end])) > 3000


def test_real_render_mp3_of_the_article(article: str, tmp_path: Path) -> None:
    from mutagen.mp3 import MP3

    source = tmp_path / "article.txt"
    source.write_text(article, encoding="utf-8")
    result = render(source, tmp_path / "article.mp3", Options())
    info = MP3(str(result.output)).info
    assert info.sample_rate == 44100
    assert 7 * 60 < info.length < 14 * 60  # about 1,850 words
    assert len(result.speakers) == 4 and result.turns == 42  # 41, and the disclosure
    assert len(result.chapters) == 12  # the introduction and one per interviewer turn
    measured, peak = ebur128(result.output)  # an independent meter: ffmpeg's ebur128
    assert measured == pytest.approx(-16.0, abs=1.0) and peak <= -1.0


def test_every_utterance_comes_out_the_first_time() -> None:
    """In eSpeak's asynchronous mode the first utterance of a process came out empty or
    held the previous audio; in synchronous mode every clip is right the first time.

    Runs in a fresh interpreter, where the race used to show.
    """
    code = (
        "from podcast.engines import create\n"
        "from podcast.config.model import Voice\n"
        "e = create('espeak')\n"
        "texts = [' '.join(['lantern harbor morning signal'] * n) for n in (50, 1, 50, 1)]\n"
        "seconds = [round(e.synthesize(t, Voice(rate=200)).seconds) for t in texts]\n"
        "print(e.retries, *seconds)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    retries, *seconds = map(int, run.stdout.split())
    assert retries == 0
    assert seconds[0] > 30 and seconds[1] < 3 and seconds[2] > 30 and seconds[3] < 3


def test_variants_carry_their_gender(espeak) -> None:
    variants = {v.name: v for v in espeak.variants()}
    assert variants["f3"].gender == "female" and variants["m3"].gender == "male"
    assert variants["f3"].description == "female3"


def test_phoneme_pronunciations_are_spoken_as_phonemes(espeak) -> None:
    """What is heard, not what is substituted: eSpeak phonemes in [[...]] last as long
    as the word they spell, while the same characters read as text take far longer."""
    voice = Voice(rate=170)
    word = speech_seconds(espeak.synthesize("Ruiz", voice))
    phonemes = speech_seconds(espeak.synthesize("[[ru:'i:s]]", voice))
    spelled = speech_seconds(espeak.synthesize("ru:'i:s", voice))  # the characters as text
    assert abs(phonemes - word) < 0.25
    assert spelled > phonemes + 0.4


def test_double_brackets_in_a_transcript_are_text_not_phonemes(tmp_path: Path) -> None:
    from podcast.speakable.text import speakable

    assert "[[" not in speakable("He said [[ru:'i:s]] twice.", "HOST")
    path = tmp_path / "t.txt"
    path.write_text("HOST: Ruiz is here.\n\nGUEST: Yes, Ruiz.\n\nHOST: Good.\n", encoding="utf-8")
    voices = tmp_path / "voices.yaml"
    voices.write_text('pronunciations:\n  Ruiz: "[[ru:\'i:s]]"\n', encoding="utf-8")
    from podcast.source import load_transcript

    loaded = load_transcript(path, voices)
    assert loaded.script.turns[0].paragraphs[0] == "[[ru:'i:s]] is here."


def test_the_engine_leaves_no_temporary_files(espeak) -> None:
    before = set(Path(tempfile.gettempdir()).iterdir())
    espeak.synthesize("Nothing is written to disk for this.", Voice())
    assert set(Path(tempfile.gettempdir()).iterdir()) == before


def test_mbrola_voices_are_listed_and_speak_at_their_true_rate(espeak) -> None:
    mbrola = [v for v in espeak.voices() if v.name.startswith("mb-")]
    if not mbrola:
        pytest.skip(
            "no MBROLA voice installed (Debian: apt install espeak-ng mbrola mbrola-us1, "
            "from contrib and non-free)"
        )
    assert all("non-commercial" in v.licence for v in mbrola)
    text = "The harbor lights came on one by one along the quiet water."
    diphones = espeak.synthesize(text, Voice(mbrola[0].name, rate=170))
    formants = espeak.synthesize(text, Voice("en-us", rate=170))
    # written at 22,050 Hz (pyttsx3's header) a 16 kHz clip lasts 0.6 of its true length
    assert 0.7 < diphones.seconds / formants.seconds < 1.4


def test_mbrola_first_utterance_of_a_fresh_process(espeak) -> None:
    if not any(v.name.startswith("mb-") for v in espeak.voices()):
        pytest.skip("no MBROLA voice installed")
    name = next(v.name for v in espeak.voices() if v.name.startswith("mb-"))
    code = (
        "from podcast.engines import create\n"
        "from podcast.config.model import Voice\n"
        f"c = create('espeak').synthesize('Good morning to you.', Voice('{name}'))\n"
        "print(c.sample_rate, round(c.seconds, 2))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    rate, seconds = run.stdout.split()
    assert int(rate) < 22050 and float(seconds) > 0.5


def test_word_timings_fall_on_the_words(espeak) -> None:
    """eSpeak's word events, as Clip.words: after each pause (a full stop, a comma) the
    next word starts where the audio turns from silence to speech, within 100 ms."""
    import numpy as np

    text = "Alpha. Bravo. Charlie, delta; echo. Stop. Go. Wait, then; rest."
    clip = espeak.synthesize(text, Voice("en-us"))
    assert len(clip.words) == len(text.split())
    assert list(clip.words) == sorted(clip.words)
    audio = np.frombuffer(clip.pcm, "<i2").astype(float)
    frame = clip.sample_rate // 100  # 10 ms
    level = [np.sqrt(np.mean(audio[i : i + frame] ** 2)) for i in range(0, len(audio), frame)]
    for start in clip.words[1:]:
        at = start // frame
        onset = next(i for i in range(at, len(level)) if level[i] > 300)
        assert max(level[at - 5 : at]) < 50  # silence just before the word
        assert (onset - at) * 10 <= 100  # and the word's sound begins soon after


def test_word_timings_survive_long_texts_and_the_cache(espeak, tmp_path: Path) -> None:
    from podcast.production.store import ClipCache

    text = words(120)  # cut into pieces for eSpeak and joined again
    clip = espeak.synthesize(text, Voice("en-us"))
    assert len(clip.words) == 120 and list(clip.words) == sorted(set(clip.words))
    assert clip.words[-1] < len(clip.pcm) // 2
    cache = ClipCache(tmp_path)
    cache.put("k" * 64, clip)
    assert cache.get("k" * 64) == clip
    cache.put("j" * 64, Clip(clip.pcm, clip.sample_rate))  # without words: as before
    assert cache.get("j" * 64) == Clip(clip.pcm, clip.sample_rate)

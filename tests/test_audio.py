import numpy as np
import pytest

from podcast.audio import SAMPLE_RATE as OUTPUT_RATE
from podcast.audio.clips import at_output_rate, joined, samples, speech
from podcast.audio.codec import MP3_DELAY, MP3_FRAME, Encoding
from podcast.config.model import Pauses, Voice
from podcast.engines import Clip
from podcast.engines.fake import RATE, TRAILING_SILENCE, FakeEngine, tone

PAUSES = Pauses(paragraph=300, turn=500, speaker_change=800)


def mp3_frames(data: bytes) -> int:
    """Count MPEG-1 Layer III frames by walking their headers (CBR, 44.1 kHz)."""
    rates = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
    count = position = 0
    while position < len(data):
        header = int.from_bytes(data[position : position + 4], "big")
        assert header >> 21 == 0x7FF, f"no frame sync at byte {position}"
        position += 144 * rates[(header >> 12) & 0xF] * 1000 // 44100 + ((header >> 9) & 1)
        count += 1
    assert position == len(data)
    return count


def test_speech_trims_engine_silence_resamples_and_joins_with_gaps() -> None:
    engine = FakeEngine()
    clips = [engine.synthesize("one two three", Voice(rate=180)), engine.synthesize("x", Voice())]
    pcm = speech(clips, [300])
    expected = (3 * 60 / 180) + 0.3 + (60 / 170) + 2 * 0.015  # speech, gap, kept tails
    assert abs(len(pcm) / 2 / OUTPUT_RATE - expected) < 0.01
    made = sum(len(clip.pcm) / 2 / RATE for clip in clips) + 0.3  # as the engine made them
    assert made - len(pcm) / 2 / OUTPUT_RATE > 2 * TRAILING_SILENCE - 0.05  # its silence went


def test_all_silent_clip_is_kept_whole() -> None:
    silent = Clip(bytes(2 * RATE), RATE)
    assert abs(len(speech([silent], [])) - 2 * OUTPUT_RATE) <= 4


@pytest.mark.parametrize("spoken", [0, 1, 1151, 1152, 50_000, 123_457])
@pytest.mark.parametrize("pause_ms", [0, 10, 350, 800])
def test_mp3_segments_end_on_the_frame_grid_and_keep_the_pause(spoken: int, pause_ms: int) -> None:
    encoding = Encoding("mp3", 96)
    pause = samples(pause_ms)
    trailing = encoding.trailing(spoken, pause)
    count = spoken + trailing
    assert count % MP3_FRAME == 0 and trailing >= 0
    heard = trailing + encoding.decoded(count) - count  # own padding + next segment's delay
    assert pause <= heard < max(pause, MP3_FRAME) + MP3_FRAME  # a segment always adds a frame


def test_lame_gives_exactly_one_extra_frame_per_segment() -> None:
    encoding = Encoding("mp3", 96)
    for count in (MP3_FRAME, 40 * MP3_FRAME, 333 * MP3_FRAME):
        data = encoding.encode(tone(count / OUTPUT_RATE, 300)[: 2 * count].ljust(2 * count, b"\0"))
        assert mp3_frames(data) * MP3_FRAME == encoding.decoded(count)
    assert encoding.lead == MP3_DELAY


def test_wav_segments_are_plain_pcm() -> None:
    encoding = Encoding("wav")
    assert encoding.trailing(1000, 500) == 500
    assert encoding.decoded(1500) == 1500 and encoding.lead == 0
    assert encoding.encode(b"\1\2") == b"\1\2"


def sine_pcm(seconds: float, rate: int) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    return (8000 * np.sin(2 * np.pi * 300 * t)).astype("<i2").tobytes()


def test_clips_at_other_rates_are_joined_at_the_output_rate() -> None:
    one = Clip(sine_pcm(1.0, 16000), 16000)
    two = Clip(sine_pcm(0.5, OUTPUT_RATE), OUTPUT_RATE)
    turn = joined([one, two], [200])
    assert turn.sample_rate == OUTPUT_RATE
    assert abs(len(turn.audio) / OUTPUT_RATE - (1.0 + 0.2 + 0.5)) < 0.01  # nothing to trim
    (_, end), (second, _) = turn.spans
    assert second - end == samples(200)


def test_espeak_rate_clips_are_joined_at_their_rate_then_doubled() -> None:
    clip = FakeEngine().synthesize("one two three", Voice())
    turn = joined([clip, clip], [300])
    assert turn.sample_rate == RATE == OUTPUT_RATE // 2
    audio, spans = at_output_rate(turn)
    assert len(audio) == 2 * len(turn.audio)
    assert spans == [(2 * a, 2 * b) for a, b in turn.spans]

from array import array

from pydub import AudioSegment

from podcast.assembly import OUTPUT_RATE, Assembler, Utterance, trim
from podcast.engines import Clip
from podcast.engines.fake import RATE, TRAILING_SILENCE, FakeEngine, tone
from podcast.voices import Pauses, Voice

PAUSES = Pauses(paragraph=300, turn=500, speaker_change=800, sentence=200)


def silent_ms(piece: AudioSegment) -> bool:
    return piece.max == 0


def test_trim_removes_engine_silence_but_keeps_speech() -> None:
    clip = Clip(tone(1.0, 400), RATE)
    trimmed = trim(AudioSegment(clip.pcm, sample_width=2, frame_rate=RATE, channels=1))
    assert abs(len(trimmed) - 1000) <= 20
    assert 1000 + TRAILING_SILENCE * 1000 - len(trimmed) > 200


def test_pauses_follow_paragraph_turn_and_speaker() -> None:
    a = Assembler(PAUSES)
    first = Utterance(0, 0, "A")
    assert a.pause_before(None, first) == 0
    assert a.pause_before(first, Utterance(0, 1, "A")) == 300
    assert a.pause_before(first, Utterance(1, 0, "A")) == 500
    assert a.pause_before(first, Utterance(1, 0, "B")) == 800


def test_stream_is_resampled_pieces_with_spans_in_samples() -> None:
    engine = FakeEngine()
    items = [
        (Utterance(0, 0, "A"), engine.synthesize("one two three", Voice(rate=180))),
        (Utterance(0, 1, "A"), engine.synthesize("four five", Voice(rate=180))),
        (Utterance(1, 0, "B"), engine.synthesize("six", Voice(rate=180))),
    ]
    a = Assembler(PAUSES)
    pieces = list(a.stream(items))
    assert [p.frame_rate for p in pieces] == [OUTPUT_RATE] * len(pieces)
    kinds = ["pause" if silent_ms(p) else "speech" for p in pieces]
    assert kinds == ["speech", "pause", "speech", "pause", "speech"]
    assert [len(p) for p in pieces if silent_ms(p)] == [300, 800]
    assert sum(int(p.frame_count()) for p in pieces) == a.frames
    assert [(s.turn, s.speaker) for s in a.spans] == [(0, "A"), (1, "B")]
    first, second = a.spans
    assert first.start == 0 and second.end == a.frames
    gap = (second.start - first.end) / OUTPUT_RATE
    assert abs(gap - 0.8) < 0.01
    speech = (first.end - first.start) / OUTPUT_RATE
    assert abs(speech - (5 * 60 / 180 + 0.3)) < 0.05


def test_fake_tone_length_follows_words_and_rate() -> None:
    clip = FakeEngine().synthesize("a b c d e f", Voice(rate=120))
    samples = array("h", clip.pcm)
    assert abs(clip.seconds - (3.0 + TRAILING_SILENCE)) < 0.01
    assert max(samples[:RATE]) > 10000 and max(samples[-RATE // 10 :]) == 0

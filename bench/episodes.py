"""What the benchmarks of neural engines share (bench.kokoro, bench.piper): the article
with a cast of one engine's voices against that engine's synthesis floor, in one run:
the floor, the cold render, the re-render with nothing changed and after the rate of the
speaker with the most words changed, each as a ratio; and the memory: the largest
process, and the most all the render's processes held at once (sampled from /proc
every 0.2 s)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.run import ARTICLE, PYTHON, ROOT, guests


@dataclass(frozen=True)
class Cast:
    """One engine's benchmark."""

    label: str
    """The table's name for it: ``Kokoro, four voices``."""
    voices: Callable[[Path, str | None], str]
    """voices.yaml for a transcript; the named speaker's rate changed."""
    floor: str
    """The module that speaks the floor (``bench.floor_kokoro``)."""


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        queue += [int(child) for child in children]
    return found


def _rss(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, the largest process's peak and the whole tree's peak (MB)."""
    peak = {"largest": 0.0, "total": 0.0}
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=errors, stderr=errors)

        def sample() -> None:
            while process.poll() is None:
                sizes = [_rss(pid) for pid in _tree(process.pid)]
                peak["largest"] = max(peak["largest"], *sizes, 0.0)
                peak["total"] = max(peak["total"], sum(sizes))
                time.sleep(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        sampler.join()
        if status:
            errors.seek(0)
            sys.exit(f"failed: {' '.join(command)}\n{errors.read().decode()[-2000:]}")
    return elapsed, max(peak["largest"], usage.ru_maxrss / 1024), peak["total"]


def run(cast: Cast, source: Path, work: Path, jobs: int | None) -> dict[str, float]:
    """The floor, then our render cold, unchanged and with one speaker's rate changed."""
    work.mkdir()
    transcript = work / "article.txt"
    transcript.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    env = {**os.environ, "PODCAST_CACHE_DIR": str(work / "cache")}
    voices = cast.voices
    (work / "voices.yaml").write_text(voices(transcript, None), encoding="utf-8")
    extra = ["--jobs", str(jobs)] if jobs else []
    ours = [PYTHON, "-m", "podcast.cli", "render", str(transcript), "-o", "ep.mp3", *extra]
    found: dict[str, float] = {}
    floor = [PYTHON, "-m", cast.floor, str(transcript)]
    found["floor"], found["floor_rss"], _ = measure(floor, ROOT, env)
    found["cold"], found["rss"], found["total"] = measure(ours, work, env)
    found["unchanged"], _, _ = measure(ours, work, env)
    name, _ = guests(transcript, None)[0]
    (work / "voices.yaml").write_text(voices(transcript, name), encoding="utf-8")
    found["changed"], _, _ = measure(ours, work, env)
    return found


def main(cast: Cast, description: str) -> None:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--source", type=Path, default=ARTICLE)
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if not args.source.is_file():
        sys.exit(f"{args.source}: not found; pass --source TRANSCRIPT")
    with tempfile.TemporaryDirectory() as folder:
        runs = [
            run(cast, args.source, Path(folder) / f"r{n}", args.jobs) for n in range(args.repeat)
        ]
    best = {key: min(r[key] for r in runs) for key in runs[0]}
    for key in ("rss", "total", "floor_rss"):
        best[key] = max(r[key] for r in runs)
    print(table(cast.label, best))


def table(label: str, best: dict[str, float]) -> str:
    """The measurements as a Markdown table, ratios beside the seconds."""
    return "\n".join(
        [
            "| 1x | floor s | cold s | cold/floor | unchanged s | /cold | rate #1 changed s | "
            "/cold | largest process MB | all processes MB |",
            "|---|---|---|---|---|---|---|---|---|---|",
            f"| {label} | {best['floor']:.2f} | {best['cold']:.2f} "
            f"| {best['cold'] / best['floor']:.2f} | {best['unchanged']:.2f} "
            f"| {best['unchanged'] / best['cold']:.2f} | {best['changed']:.2f} "
            f"| {best['changed'] / best['cold']:.2f} | {best['rss']:.0f} | {best['total']:.0f} |",
        ]
    )

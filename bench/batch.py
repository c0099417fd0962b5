"""Benchmark of `podcast batch` against rendering the same transcripts one by one with
`podcast render` (a shell loop: a fresh process per episode), in one run.

    pip install -e ".[bench]" && python -m bench.batch --count 7 --repeat 2

The transcripts are variants of the article, each sentence marked with its variant's
number so that no episode's clips come from another's. Every measurement starts from an
empty cache. Prints the one-by-one time, the batch's (and its ratio), the re-run with
nothing changed (and its ratio to the batch), the batch on a local Dask cluster of
as many single-threaded workers as cores (when distributed is installed), the peak RSS
of the largest process, and the throughput per core with an estimate for 10,000.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

from bench.run import ARTICLE, PYTHON, measure

ARCHIVE = 10_000


def variants(source: str, count: int, folder: Path) -> list[Path]:
    """``count`` article-length transcripts, different in every sentence."""
    folder.mkdir()
    paths = []
    for number in range(count):
        text = re.sub(r"([.?!])(\s*)$", rf"\1 Take {number + 1}.\2", source, flags=re.M)
        path = folder / f"article_{number + 1}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def one_by_one(paths: list[Path], work: Path) -> tuple[float, float]:
    env = {**os.environ, "PODCAST_CACHE_DIR": str(work / "cache-loop"), "PODCAST_PALETTE": "espeak"}
    total, peak = 0.0, 0.0
    for path in paths:
        out = work / "loop" / f"{path.stem}.mp3"
        seconds, rss = measure([PYTHON, "-m", "podcast", "render", str(path), "-o", str(out)],
                               work, env)  # fmt: skip
        total, peak = total + seconds, max(peak, rss)
    return total, peak


def batch(folder: Path, out: Path, work: Path, cache: str, *extra: str) -> tuple[float, float]:
    env = {**os.environ, "PODCAST_CACHE_DIR": str(work / cache), "PODCAST_PALETTE": "espeak"}
    return measure([PYTHON, "-m", "podcast", "batch", str(folder), "-o", str(out), *extra],
                   work, env)  # fmt: skip


def on_dask(folder: Path, work: Path) -> float | None:
    """The batch on a local cluster: a scheduler and a single-threaded worker per core."""
    try:
        from distributed import LocalCluster
    except ImportError:
        return None
    cores = os.cpu_count() or 1
    os.environ["PODCAST_CACHE_DIR"] = str(work / "cache-dask")  # the workers' own, empty
    os.environ["PODCAST_PALETTE"] = "espeak"  # eSpeak NG's benchmark, as above
    with LocalCluster(n_workers=cores, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None) as cluster:  # fmt: skip
        seconds, _ = batch(folder, work / "dask", work, "cache-dask-client", "--scheduler",
                           cluster.scheduler_address)  # fmt: skip
    return seconds


def audio_seconds(folder: Path) -> float:
    from mutagen.mp3 import MP3

    return sum(MP3(str(path)).info.length for path in folder.glob("*.mp3"))


def run(source: str, count: int, work: Path, dask: bool) -> dict[str, float]:
    work.mkdir()
    paths = variants(source, count, work / "in")
    row: dict[str, float] = {}
    row["loop"], row["loop_rss"] = one_by_one(paths, work)
    row["batch"], row["batch_rss"] = batch(work / "in", work / "out", work, "cache-batch")
    row["rerun"], _ = batch(work / "in", work / "out", work, "cache-batch")
    row["audio"] = audio_seconds(work / "out")
    seconds = on_dask(work / "in", work) if dask else None
    if seconds is not None:
        row["dask"] = seconds
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ARTICLE)
    parser.add_argument("--count", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask measurement")
    args = parser.parse_args()
    if not args.source.is_file():
        sys.exit(f"{args.source}: not found; pass --source TRANSCRIPT")
    source = args.source.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        runs = [run(source, args.count, Path(folder) / f"run{n}", not args.no_dask)
                for n in range(args.repeat)]  # fmt: skip
    best = {key: min(r[key] for r in runs) for key in runs[0] if not key.endswith("rss")}
    peak = max(max(r["loop_rss"], r["batch_rss"]) for r in runs)
    cores = os.cpu_count() or 1
    print(f"{args.count} transcripts, {best['audio'] / 60:.1f} min of audio, {cores} cores")
    print(f"  one by one (podcast render each): {best['loop']:7.2f} s")
    print(f"  podcast batch:                    {best['batch']:7.2f} s   "
          f"{best['batch'] / best['loop']:.2f} of one by one")  # fmt: skip
    print(f"  batch again, nothing changed:     {best['rerun']:7.2f} s   "
          f"{best['rerun'] / best['batch']:.2f} of the batch")  # fmt: skip
    if "dask" in best:
        print(f"  batch on a local Dask cluster:    {best['dask']:7.2f} s   "
              f"{best['dask'] / best['batch']:.2f} of the local batch")  # fmt: skip
    print(f"  peak RSS of the largest process:  {peak:7.0f} MB")
    per_core_hour = args.count * 3600 / best["batch"] / cores
    audio_hours = best["audio"] / best["batch"] / cores
    print(f"Throughput: {per_core_hour:.0f} episodes and {audio_hours:.1f} audio hours per hour "
          f"per core; {ARCHIVE:,} such transcripts: {ARCHIVE / per_core_hour:.0f} core-hours "
          f"({ARCHIVE / per_core_hour / cores:.1f} hours on this machine)")  # fmt: skip


if __name__ == "__main__":
    main()

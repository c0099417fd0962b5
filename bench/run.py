"""Benchmark: our render against the synthesis floor and the naive pipeline, in one run.

    pip install -e ".[bench]" && python -m bench.run            # 1x, 4x, 20x the article
    python -m bench.run --repeat 3                               # best of three, steadier
    python -m bench.run --sizes 1 --source my_transcript.txt     # quicker, other input

For each size it times, each in a fresh process: the synthesis floor (bench/floor.py),
the naive pipeline (bench/naive.py; skipped above --naive-max, it is quadratic), our
cold render (empty cache), the re-render with nothing changed, and the re-renders after
changing one speaker's rate (the speaker with the most words, then the next); and the
peak RSS of the largest process of our cold render. Then, in this process, each stage's
share of the work for the first size.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.texts import scaled
from podcast.audio import loudness
from podcast.audio.clips import Joined, at_output_rate, bleep, joined, pcm16
from podcast.audio.codec import Encoding
from podcast.audio.turn import CODEC_MARGIN, level_turn
from podcast.engines import Clip, Engine, Engines
from podcast.plan import ClipJob, plan
from podcast.production.pool import keep_freed_memory
from podcast.source import load_transcript
from podcast.transcript.model import NARRATOR

ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "article.txt"
PYTHON = sys.executable


@dataclass
class Row:
    size: int
    words: int
    audio: float = 0.0
    floor: float = 0.0
    naive: float | None = None
    cold: float = 0.0
    unchanged: float = 0.0
    rss: float = 0.0
    plain: float = 0.0
    """Cold render with loudness off (the naive pipeline does no loudness either)."""
    changes: list[tuple[str, float, float]] = field(default_factory=list)
    """(speaker, share of the words, seconds) of each re-render after changing the
    rate of one speaker: the one with the most words (the worst case), then the next."""


def measure(
    command: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,)
) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB, largest process) of one command, which must exit
    with one of ``ok``."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=errors, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) not in ok:
            errors.seek(0)
            sys.exit(f"failed: {' '.join(command)}\n{errors.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def guests(transcript: Path, wanted: str | None) -> list[tuple[str, float]]:
    """The speakers whose rate the benchmark changes, one after the other (``wanted``,
    else the two with the most words, the worst case first), and their share of the words."""
    turns = load_transcript(transcript).script.turns
    counts: dict[str, int] = {}
    for turn in turns:
        counts[turn.speaker] = counts.get(turn.speaker, 0) + len(turn.text.split())
    if wanted and wanted not in counts:
        sys.exit(f"--change {wanted}: no such speaker; use one of {', '.join(counts)}")
    ranked = sorted((n for n in counts if n != NARRATOR), key=lambda n: -counts[n])
    names = [wanted] if wanted else ranked[:2]
    return [(name, counts[name] / sum(counts.values())) for name in names]


def run_size(
    source: str, size: int, work: Path, naive_max: int, jobs: int | None, change: str | None
) -> Row:
    work.mkdir()
    transcript = work / f"article_x{size}.txt"
    transcript.write_text(scaled(source, size), encoding="utf-8")
    # eSpeak NG's benchmark: its voices even where a natural engine is installed
    env = {**os.environ, "PODCAST_CACHE_DIR": str(work / "cache"), "PODCAST_PALETTE": "espeak"}
    out = work / "ours.mp3"
    extra = ["--jobs", str(jobs)] if jobs else []
    ours = [PYTHON, "-m", "podcast.cli", "render", str(transcript), "-o", str(out), *extra]
    row = Row(size, len(source.split()) * size)
    row.floor, _ = measure([PYTHON, "-m", "bench.floor", str(transcript)], ROOT, env)
    if size <= naive_max:
        naive = [PYTHON, "-m", "bench.naive", str(transcript), str(work / "naive.mp3")]
        row.naive, _ = measure(naive, ROOT, env)
    plain_work = work / "plain"
    plain_work.mkdir()
    (plain_work / "voices.yaml").write_text("output: {loudness: null, side_files: false}\n")
    plain_env = {**env, "PODCAST_CACHE_DIR": str(work / "plain-cache")}
    plain = [*ours[:5], "-o", str(plain_work / "plain.mp3"), *extra]
    row.plain, _ = measure(plain, plain_work, plain_env)
    row.cold, row.rss = measure(ours, work, env)
    row.unchanged, _ = measure(ours, work, env)
    changed = ""
    for name, share in guests(transcript, change):
        changed += f"  {name}: {{rate: 185}}\n"  # the ones before stay changed (and cached)
        (work / "voices.yaml").write_text(f"speakers:\n{changed}")
        row.changes.append((name, share, measure(ours, work, env)[0]))
    from mutagen.mp3 import MP3

    row.audio = MP3(str(out)).info.length
    return row


def best(runs: list[Row]) -> Row:
    """The fastest time of each measurement over repeated runs (a shared machine's
    noise only ever adds time), and the largest peak memory."""
    row = runs[0]
    for other in runs[1:]:
        for name in ("floor", "cold", "unchanged", "plain"):
            setattr(row, name, min(getattr(row, name), getattr(other, name)))
        row.naive = min(row.naive, other.naive) if row.naive and other.naive else row.naive
        row.rss = max(row.rss, other.rss)
        row.changes = [
            (name, share, min(mine, theirs))
            for (name, share, mine), (_, _, theirs) in zip(row.changes, other.changes, strict=True)
        ]
    return row


def stages(source: str) -> dict[str, float]:
    """Seconds each stage costs on its own, in one process, one after another (with
    memory kept for reuse, as in a render's workers)."""
    keep_freed_memory()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "article.txt"
        path.write_text(source, encoding="utf-8")
        start = time.perf_counter()
        loaded = load_transcript(path)
        parse = time.perf_counter() - start
        engines = Engines("espeak")
        engine = engines.get("espeak")
        jobs = plan(loaded, engines.identify)
        start = time.perf_counter()
        clips = [[_clip(engine, c) for c in job.clips] for job in jobs]
        synthesis = time.perf_counter() - start
        start = time.perf_counter()
        turns = [joined(turn, job.gaps) for turn, job in zip(clips, jobs, strict=True)]
        assembly = time.perf_counter() - start
        encoding = Encoding()
        start = time.perf_counter()
        levelled = [_levelled(turn, encoding) for turn in turns]
        level = time.perf_counter() - start
        start = time.perf_counter()
        doubled = [pcm16(at_output_rate(turn)[0]) for turn in levelled]
        assembly += time.perf_counter() - start
        start = time.perf_counter()
        encoded = [encoding.encode(pcm) for pcm in doubled]
        encode = time.perf_counter() - start
        start = time.perf_counter()
        for data in encoded:  # measured again as heard, as a render does
            heard = encoding.decode(data)
            assert heard is not None
            loudness.sub_blocks(heard), loudness.true_peak(heard)
        measure = time.perf_counter() - start
    return {
        "parse": parse,
        "synthesis": synthesis,
        "assembly": assembly,
        "levelling": level,
        "measuring": measure,
        "encoding": encode,
    }


def _clip(engine: Engine, job: ClipJob) -> Clip:
    return bleep(job.bleep) if job.bleep else engine.synthesize(job.text, job.voice)


def _levelled(turn: Joined, encoding: Encoding) -> Joined:
    """Levelled as a render levels it."""
    target = (encoding.loudness or -16.0) - encoding.codec_gain
    return level_turn(turn, target, encoding.true_peak - CODEC_MARGIN - encoding.codec_gain)


def table(rows: list[Row]) -> str:
    changes = len(rows[0].changes)
    head = (
        "| size | words | audio | floor s | naive s | ours cold s | cold/floor | cold/naive "
        "| cold, no loudness s | /naive | unchanged s | /cold "
        + "".join(f"| rate #{n + 1} changed s | /cold " for n in range(changes))
        + "| peak RSS MB |\n|"
        + "---|" * (13 + 2 * changes)
        + "\n"
    )
    lines = []
    for r in rows:
        naive = f"{r.naive:.2f}" if r.naive else "skipped"
        versus = f"{r.cold / r.naive:.2f}" if r.naive else "—"
        plain = f"{r.plain / r.naive:.2f}" if r.naive else "—"
        changed = "".join(f"| {s:.2f} | {s / r.cold:.2f} " for _, _, s in r.changes)
        lines.append(
            f"| {r.size}x | {r.words} | {r.audio / 60:.1f} min | {r.floor:.2f} | {naive} "
            f"| {r.cold:.2f} | {r.cold / r.floor:.2f} | {versus} | {r.plain:.2f} | {plain} "
            f"| {r.unchanged:.2f} | {r.unchanged / r.cold:.2f} {changed}| {r.rss:.0f} |"
        )
    return head + "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ARTICLE)
    parser.add_argument("--sizes", default="1,4,20")
    parser.add_argument("--naive-max", type=int, default=4)
    parser.add_argument("--jobs", type=int)
    parser.add_argument(
        "--repeat", type=int, default=1, help="run every measurement this often; keep the fastest"
    )
    parser.add_argument(
        "--change", help="speaker whose rate to change (default: the two with the most words)"
    )
    args = parser.parse_args()
    if not args.source.is_file():
        sys.exit(f"{args.source}: not found; pass --source TRANSCRIPT")
    source = args.source.read_text(encoding="utf-8")
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        rows = []
        for size in sizes:
            runs = []
            for n in range(args.repeat):
                work = Path(folder) / f"x{size}-{n}"
                runs.append(run_size(source, size, work, args.naive_max, args.jobs, args.change))
            rows.append(best(runs))
            print(f"  {size}x done", file=sys.stderr)
    print(table(rows))
    print()
    for number, (name, share, _) in enumerate(rows[0].changes, 1):
        print(f"Rate #{number} changed: {name}, {100 * share:.0f}% of the words.")
    if len(rows) > 1:
        print(f"\n{rows[-1].size}x cold / 1x cold: {rows[-1].cold / rows[0].cold:.1f}")
    shares = stages(source)
    total = sum(shares.values())
    print(f"\nStages for 1x, one after another in one process ({total:.2f} s in all):")
    for name, seconds in shares.items():
        print(f"  {name:<10} {seconds:6.2f} s  {100 * seconds / total:5.1f} %")
    print("(levelling and measuring are the loudness work: measuring decodes each encoded")
    print(" segment again, so the summary reports the loudness and true peak of the file)")


ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    main()

"""Benchmark of Piper episodes: the article with every speaker on Piper's joe voice,
against the Piper synthesis floor (bench/floor_piper.py), in one run.

    pip install -e ".[bench]" && python -m bench.piper --repeat 2

Prints the floor, the cold render, the re-render with nothing changed and after one
speaker's rate changed, each as a ratio, and the peak RSS of the largest process.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from bench.run import ARTICLE, PYTHON, ROOT, guests, measure
from podcast.source import load_transcript

JOE = "piper:en_US-joe-medium"


def voices(transcript: Path, changed: str | None = None) -> str:
    """voices.yaml with every speaker (and the narrator) on joe; ``changed`` faster."""
    speakers = load_transcript(transcript).script.speakers
    lines = [f"narrator: {{voice: '{JOE}'}}", "speakers:"]
    for name in speakers:
        rate = 200 if name == changed else 170
        lines.append(f"  {json.dumps(name)}: {{voice: '{JOE}', rate: {rate}}}")
    return "\n".join(lines) + "\n"


def run(source: Path, work: Path, jobs: int | None) -> dict[str, float]:
    work.mkdir()
    transcript = work / "article.txt"
    transcript.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    env = {**os.environ, "PODCAST_CACHE_DIR": str(work / "cache")}
    (work / "voices.yaml").write_text(voices(transcript), encoding="utf-8")
    extra = ["--jobs", str(jobs)] if jobs else []
    ours = [PYTHON, "-m", "podcast.cli", "render", str(transcript), "-o", "ep.mp3", *extra]
    found: dict[str, float] = {}
    found["floor"], _ = measure([PYTHON, "-m", "bench.floor_piper", str(transcript)], ROOT, env)
    found["cold"], found["rss"] = measure(ours, work, env)
    found["unchanged"], _ = measure(ours, work, env)
    name, _ = guests(transcript, None)[0]
    (work / "voices.yaml").write_text(voices(transcript, name), encoding="utf-8")
    found["changed"], _ = measure(ours, work, env)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ARTICLE)
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if not args.source.is_file():
        sys.exit(f"{args.source}: not found; pass --source TRANSCRIPT")
    with tempfile.TemporaryDirectory() as folder:
        runs = [run(args.source, Path(folder) / f"r{n}", args.jobs) for n in range(args.repeat)]
    best = {key: min(r[key] for r in runs) for key in runs[0]}
    best["rss"] = max(r["rss"] for r in runs)
    print("| Piper, 1x | floor s | cold s | cold/floor | unchanged s | /cold "
          "| rate #1 changed s | /cold | peak RSS MB |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| joe, every speaker | {best['floor']:.2f} | {best['cold']:.2f} "
        f"| {best['cold'] / best['floor']:.2f} | {best['unchanged']:.2f} "
        f"| {best['unchanged'] / best['cold']:.2f} | {best['changed']:.2f} "
        f"| {best['changed'] / best['cold']:.2f} | {best['rss']:.0f} |"
    )


if __name__ == "__main__":
    main()

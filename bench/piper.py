"""Benchmark of Piper episodes: the article with every speaker on Piper's joe voice,
against the Piper synthesis floor (bench/floor_piper.py), in one run.

    pip install -e ".[bench]" && python -m bench.piper --repeat 2

What is measured: see bench/episodes.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.episodes import Cast, main
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


if __name__ == "__main__":
    main(Cast("Piper, joe for everyone", voices, "bench.floor_piper"), __doc__.splitlines()[0])

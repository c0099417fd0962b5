"""The naive pipeline the design suggests: pyttsx3 per turn, pydub ``+=`` per clip, pydub export.

Usage: python -m bench.naive TRANSCRIPT OUT.mp3   (needs the bench extra: imageio-ffmpeg)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import imageio_ffmpeg
from pydub import AudioSegment

from bench.texts import turn_texts
from podcast.engines.espeak import load_library


def main(transcript: Path, out: Path) -> None:
    load_library()
    import pyttsx3
    from pyttsx3.drivers import _espeak

    AudioSegment.converter = imageio_ffmpeg.get_ffmpeg_exe()
    engine = pyttsx3.init()
    episode = AudioSegment.empty()
    with tempfile.TemporaryDirectory() as folder:
        for number, (voice, text) in enumerate(turn_texts(transcript)):
            path = f"{folder}/{number}.wav"
            engine.setProperty("voice", voice)
            engine.save_to_file(text, path)
            engine.runAndWait()
            _espeak.Synchronize()
            episode += AudioSegment.from_wav(path)
            episode += AudioSegment.silent(800)
    episode.set_frame_rate(44100).export(str(out), format="mp3", bitrate="96k")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))

"""How audio is encoded: the format, and MP3 segments encoded (LAME) and decoded again
(libsndfile) one turn at a time, so that they can be made in parallel, cached and
concatenated with exact timing."""

from __future__ import annotations

import io
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import lameenc
import numpy as np
import soundfile

from podcast.audio import SAMPLE_RATE
from podcast.errors import OutputError

FORMATS = ("mp3", "wav", "flac", "ogg", "opus", "m4a")
MP3_FRAME = 1152  # samples per MPEG-1 Layer III frame
MP3_DELAY = 1105  # encoder + decoder delay: where the first input sample is heard
# LAME's algorithm quality, 2 (best) to 7 (fastest). eSpeak's speech has nothing above
# 11 kHz and 96 kbit/s is generous for mono speech; 7 encodes twice as fast as 5
# (1.4 s against 2.7 s for 9 minutes here) and sounds the same.
MP3_QUALITY = 7
LAME_GAIN = 20 * math.log10(0.95)  # LAME's output is its input x 0.95 (-0.45 dB), always


@dataclass(frozen=True)
class Encoding:
    """How segments are encoded. Each turn is encoded on its own, so turns can be encoded
    in parallel and cached; segments are then concatenated.

    LAME turns n samples (n a multiple of 1152) into exactly n / 1152 + 1 frames, the
    input starting MP3_DELAY samples in. So every segment adds exactly one frame,
    which the pause after it gives back: timestamps stay exact to the sample.
    """

    fmt: str = "mp3"
    """One of FORMATS."""
    bitrate: int = 96
    """MP3 bitrate in kbit/s (CBR)."""
    sample_rate: int = SAMPLE_RATE
    """Samples per second."""
    channels: int = 1
    """1 (mono) or 2 (stereo, speakers panned)."""
    loudness: float | None = -16.0
    """Integrated loudness target in LUFS; None leaves levels as the engine made them."""
    true_peak: float = -1.0
    """Highest true peak allowed, in dBTP."""

    @property
    def fingerprint(self) -> str:
        """Everything about the encoding that shapes a segment, for cache keys."""
        return json.dumps(asdict(self), sort_keys=True)

    @property
    def codec_gain(self) -> float:
        """dB the encoder changes the level by: LAME scales its input by 0.95."""
        return LAME_GAIN if self.fmt == "mp3" else 0.0

    def decode(self, data: bytes) -> np.ndarray | None:
        """An MP3 segment decoded (libsndfile), as a listener's player hears it; mono,
        both channels summed in power. None when this libsndfile cannot read MP3."""
        try:
            audio, _ = soundfile.read(io.BytesIO(data), dtype="float32", always_2d=True)
        except (RuntimeError, TypeError, soundfile.LibsndfileError):
            return None
        return np.sqrt((audio**2).sum(axis=1)) if audio.shape[1] > 1 else audio[:, 0]

    @property
    def lead(self) -> int:
        """Samples a player hears before a segment's first input sample."""
        return MP3_DELAY if self.fmt == "mp3" else 0

    def trailing(self, speech: int, pause: int) -> int:
        """Samples of silence after ``speech`` samples, so the heard pause is ``pause``
        samples (for MP3, up to one frame more: segments end on the frame grid)."""
        if self.fmt != "mp3":
            return pause
        frames = max(-(-(speech + pause - MP3_FRAME) // MP3_FRAME), -(-speech // MP3_FRAME))
        return frames * MP3_FRAME - speech

    def decoded(self, count: int) -> int:
        """Samples a player decodes from a segment of ``count`` input samples."""
        return count + MP3_FRAME if self.fmt == "mp3" else count

    def encode(self, pcm: bytes) -> bytes:
        """One segment, ready to be concatenated with the others."""
        if self.fmt != "mp3":
            return pcm
        lame = lameenc.Encoder()
        lame.set_in_sample_rate(self.sample_rate)
        lame.set_channels(self.channels)
        lame.set_bit_rate(self.bitrate)
        lame.set_quality(MP3_QUALITY)
        lame.silence()
        return bytes(lame.encode(pcm) + lame.flush())


def format_of(path: Path, explicit: str | None = None) -> str:
    """The output format: ``explicit``, else the file's extension."""
    fmt = (explicit or path.suffix.lstrip(".") or "mp3").lower()
    if fmt not in FORMATS:
        raise OutputError(f"{path}: unsupported format '{fmt}'; use one of {', '.join(FORMATS)}")
    return fmt

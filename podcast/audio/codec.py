"""How audio is encoded: the format, and MP3 segments encoded (LAME) and decoded again
(libsndfile) one turn at a time, so that they can be made in parallel, cached and
concatenated with exact timing."""

from __future__ import annotations

import io
import json
import math
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

import lameenc
import numpy as np
import soundfile

from podcast.audio import SAMPLE_RATE
from podcast.errors import OutputError

MP3_FRAME = 1152  # samples per MPEG-1 Layer III frame
MP3_DELAY = 1105  # encoder + decoder delay: where the first input sample is heard
# LAME's algorithm quality, 2 (best) to 7 (fastest). eSpeak's speech has nothing above
# 11 kHz and 96 kbit/s is generous for mono speech; 7 encodes twice as fast as 5
# (1.4 s against 2.7 s for 9 minutes here) and sounds the same.
MP3_QUALITY = 7
LAME_GAIN = 20 * math.log10(0.95)  # LAME's output is its input x 0.95 (-0.45 dB), always


class TagStyle(StrEnum):
    """How an episode file carries its tags."""

    ID3 = "id3"
    """ID3v2.3 frames, with CHAP chapters (MP3)."""
    VORBIS = "vorbis"
    """Vorbis comments, with CHAPTERnnn chapters (FLAC, Ogg)."""
    MP4 = "mp4"
    """MP4 atoms, no chapters (M4A)."""
    BOOK = "book"
    """MP4 atoms, the cover, and chapters both ways players read them: a QuickTime
    chapter track and Nero's ``chpl`` (M4B, an audiobook)."""
    NONE = "none"
    """No tags at all (WAV)."""


class Writer(StrEnum):
    """How an episode file is written from its segments."""

    SEGMENTS = "segments"
    """Encoded segments concatenated as they are (MP3)."""
    WAVE = "wave"
    """PCM into Python's wave module."""
    SOUNDFILE = "soundfile"
    """PCM through libsndfile."""
    FFMPEG = "ffmpeg"
    """PCM piped through ffmpeg."""


class Format(StrEnum):
    """An episode's audio format, and all it implies: one home for each fact."""

    MP3 = "mp3"
    WAV = "wav"
    FLAC = "flac"
    OGG = "ogg"
    OPUS = "opus"
    M4A = "m4a"
    M4B = "m4b"

    @property
    def encoded_per_turn(self) -> bool:
        """Each turn is encoded on its own (LAME), so segments are small, cached, and
        decoded again to measure what a listener hears; other formats carry PCM."""
        return self is Format.MP3

    @property
    def lead(self) -> int:
        """Samples a player hears before a segment's first input sample."""
        return MP3_DELAY if self is Format.MP3 else 0

    @property
    def tag_style(self) -> TagStyle:
        """How its tags are written."""
        return _TAG_STYLES[self]

    @property
    def writer(self) -> Writer:
        """How the file is written."""
        return _WRITERS[self]


_TAG_STYLES = {
    Format.MP3: TagStyle.ID3,
    Format.WAV: TagStyle.NONE,
    Format.FLAC: TagStyle.VORBIS,
    Format.OGG: TagStyle.VORBIS,
    Format.OPUS: TagStyle.VORBIS,
    Format.M4A: TagStyle.MP4,
    Format.M4B: TagStyle.BOOK,
}
_WRITERS = {
    Format.MP3: Writer.SEGMENTS,
    Format.WAV: Writer.WAVE,
    Format.FLAC: Writer.SOUNDFILE,
    Format.OGG: Writer.SOUNDFILE,
    Format.OPUS: Writer.FFMPEG,
    Format.M4A: Writer.FFMPEG,
    Format.M4B: Writer.FFMPEG,
}
FORMATS = tuple(f.value for f in Format)


@dataclass(frozen=True)
class Encoding:
    """How segments are encoded. Each turn is encoded on its own, so turns can be encoded
    in parallel and cached; segments are then concatenated.

    LAME turns n samples (n a multiple of 1152) into exactly n / 1152 + 1 frames, the
    input starting MP3_DELAY samples in. So every segment adds exactly one frame,
    which the pause after it gives back: timestamps stay exact to the sample.
    """

    fmt: Format = Format.MP3
    """The audio format."""
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

    def __post_init__(self) -> None:
        object.__setattr__(self, "fmt", Format(self.fmt))  # "mp3" given as text

    @property
    def fingerprint(self) -> str:
        """Everything about the encoding that shapes a segment, for cache keys."""
        return json.dumps(asdict(self), sort_keys=True)

    @property
    def codec_gain(self) -> float:
        """dB the encoder changes the level by: LAME scales its input by 0.95."""
        return LAME_GAIN if self.fmt.encoded_per_turn else 0.0

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
        return self.fmt.lead

    def trailing(self, speech: int, pause: int) -> int:
        """Samples of silence after ``speech`` samples, so the heard pause is ``pause``
        samples (for MP3, up to one frame more: segments end on the frame grid)."""
        if not self.fmt.encoded_per_turn:
            return pause
        frames = max(-(-(speech + pause - MP3_FRAME) // MP3_FRAME), -(-speech // MP3_FRAME))
        return frames * MP3_FRAME - speech

    def decoded(self, count: int) -> int:
        """Samples a player decodes from a segment of ``count`` input samples."""
        return count + MP3_FRAME if self.fmt.encoded_per_turn else count

    def encode(self, pcm: bytes) -> bytes:
        """One segment, ready to be concatenated with the others."""
        if not self.fmt.encoded_per_turn:
            return pcm
        lame = lameenc.Encoder()
        lame.set_in_sample_rate(self.sample_rate)
        lame.set_channels(self.channels)
        lame.set_bit_rate(self.bitrate)
        lame.set_quality(MP3_QUALITY)
        lame.silence()
        return bytes(lame.encode(pcm) + lame.flush())


def format_of(path: Path, explicit: str | None = None) -> Format:
    """The output format: ``explicit``, else the file's extension; a name that says one
    format and a ``--format`` that says another are refused (WAV data in a file named
    .mp3 would play nowhere)."""
    named = path.suffix.lstrip(".").lower()
    fmt = (explicit or named or Format.MP3).lower()
    if fmt not in FORMATS:
        raise OutputError(f"{path}: unsupported format '{fmt}'; use one of {', '.join(FORMATS)}")
    if explicit and named in FORMATS and named != fmt:
        raise OutputError(
            f"{path}: the name says {named} but --format says {fmt}; name it "
            f"{path.with_suffix('.' + fmt).name} or leave out --format"
        )
    return Format(fmt)

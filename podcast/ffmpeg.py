"""Finding an ffmpeg, for the formats and music files that need one."""

from __future__ import annotations

import shutil

INSTALL = (
    "install ffmpeg (apt install ffmpeg, brew install ffmpeg) or pip install 'podcast[ffmpeg]'"
)
"""What to tell a user who needs ffmpeg: said once, here."""


def find_ffmpeg() -> str | None:
    """A system ffmpeg, else the one the optional ``imageio-ffmpeg`` package bundles."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError:
        return None

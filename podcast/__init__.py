"""podcast: render interview transcripts into multi-voice podcast episodes, offline."""

import warnings

from podcast.errors import PodcastError

# pydub warns at import that it has no ffmpeg; we never ask it to decode or encode files.
warnings.filterwarnings("ignore", message="Couldn't find ffmpeg", category=RuntimeWarning)
warnings.filterwarnings("ignore", message="'audioop' is deprecated", category=DeprecationWarning)

__version__ = "0.1.0"
__all__ = ["PodcastError", "__version__"]

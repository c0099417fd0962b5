"""podcast: render interview transcripts into multi-voice podcast episodes, offline."""

from podcast.errors import PodcastError

__version__ = "0.1.0"
__all__ = ["PodcastError", "__version__"]

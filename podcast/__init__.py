"""podcast: render interview transcripts into multi-voice podcast episodes, offline.

The library's entry point is ``podcast.render.render(transcript, output,
Options(...)) -> RenderResult`` (the module and the function share the name, so the
function is not re-exported here); the rest of the public surface is here, and the
command line (cli.py) uses it like any caller: ``load_transcript`` (the one door every
command reads a transcript through), ``run_batch``, ``write_feed``, ``init_voices``,
``audition``, the engines' ``catalogue``, and one exception tree under
``PodcastError``. Names are imported when first used, so ``import podcast`` stays light.
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any

from podcast.errors import (
    BatchFailed,
    ConfigError,
    EngineError,
    FeedProblems,
    InputError,
    OutputError,
    PodcastError,
)
from podcast.version import __version__

# pydub warns at import that it has no ffmpeg; we never ask it to decode or encode files.
warnings.filterwarnings("ignore", message="Couldn't find ffmpeg", category=RuntimeWarning)
warnings.filterwarnings("ignore", message="'audioop' is deprecated", category=DeprecationWarning)


_PUBLIC = {
    "Options": "podcast.render",
    "RenderResult": "podcast.render",
    "summary": "podcast.render",
    "load_transcript": "podcast.source",
    "Loaded": "podcast.source",
    "run_batch": "podcast.batch.run",
    "BatchResult": "podcast.batch.run",
    "Report": "podcast.batch.task",
    "write_feed": "podcast.publish.feed",
    "init_voices": "podcast.tools.init",
    "audition": "podcast.tools.audition",
    "catalogue": "podcast.engines",
    "VoiceInfo": "podcast.engines",
}

__all__ = [
    "BatchFailed",
    "BatchResult",
    "ConfigError",
    "EngineError",
    "FeedProblems",
    "InputError",
    "Loaded",
    "Options",
    "OutputError",
    "PodcastError",
    "RenderResult",
    "Report",
    "VoiceInfo",
    "__version__",
    "audition",
    "catalogue",
    "init_voices",
    "load_transcript",
    "run_batch",
    "summary",
    "write_feed",
]

if TYPE_CHECKING:
    from podcast.batch.run import BatchResult, run_batch
    from podcast.batch.task import Report
    from podcast.engines import VoiceInfo, catalogue
    from podcast.publish.feed import write_feed
    from podcast.render import Options, RenderResult, summary
    from podcast.source import Loaded, load_transcript
    from podcast.tools.audition import audition
    from podcast.tools.init import init_voices


def __getattr__(name: str) -> Any:
    """The public names, imported from their modules on first use."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'podcast' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value

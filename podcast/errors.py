"""One exception tree. Every error a user can cause is a PodcastError with a one-line message."""


class PodcastError(Exception):
    """Base of every error the CLI reports as a one-line message."""

    exit_code = 1


class InputError(PodcastError):
    """The transcript cannot be read or holds nothing to speak."""

    exit_code = 2


class ConfigError(PodcastError):
    """voices.yaml is malformed or names something that does not exist."""

    exit_code = 3


class EngineError(PodcastError):
    """The speech engine could not be loaded or failed on a turn."""

    exit_code = 4


class OutputError(PodcastError):
    """The episode cannot be written where it was asked to go."""

    exit_code = 5


class FeedProblems(PodcastError):
    """The feed breaks rules that podcast directories apply (``feed --check``)."""

    exit_code = 6


class BatchFailed(PodcastError):
    """Some episodes of a batch failed (the others were made)."""

    exit_code = 7


class CheckFailed(PodcastError):
    """The episode breaks a rule of the preset it was checked against."""

    exit_code = 8

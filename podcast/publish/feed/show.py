"""The show's own settings and what the feed once said of each episode, remembered in
``DIR/show.yaml``, a file a person can edit: a guid never changes once given."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from podcast.errors import ConfigError
from podcast.files import Unreadable, UserFile, read_user_file, write_text

SHOW = "show.yaml"
SHOW_BYTES = 1024 * 1024
SETTINGS = UserFile(SHOW_BYTES, "it holds the show's settings: fix it")


def url_of(base: str, name: str) -> str:
    """Where a file of the folder is published: the base URL and its name, each with what
    a URL cannot hold (spaces) percent-encoded."""
    return quote(base.strip().rstrip("/"), safe=":/?#@!$&'()*+,;=%~") + "/" + quote(name)


@dataclass(frozen=True)
class Show:
    """The show's settings that no episode tag carries, remembered in show.yaml."""

    base_url: str | None = None
    """Where DIR is published: every file's URL is this plus its name."""
    title: str | None = None
    """The show's title (else the episodes' show tag, else the folder's name)."""
    description: str | None = None
    """What the show is about (Apple: at most 4000 bytes)."""
    language: str = "en"
    """The show's language, as a code (en, en-GB, de)."""
    category: str | None = None
    """An Apple Podcasts category, ``Arts`` or ``Arts/Books``."""
    explicit: bool = False
    """Whether the show has explicit content."""
    email: str | None = None
    """The owner's email address (Apple writes to it to confirm ownership)."""
    link: str | None = None
    """The show's web site."""
    author: str | None = None
    """The show's author (else the episodes' author tag)."""
    cover: str | None = None
    """A cover picture (else the newest episode's embedded cover)."""


@dataclass
class Remembered:
    """What a feed once said about an episode, so that it never changes."""

    guid: str
    """The episode's guid."""
    published: str
    """When it first appeared, ISO 8601."""


@dataclass
class State:
    """What show.yaml holds."""

    show: Show
    """The show's settings."""
    episodes: dict[str, Remembered] = field(default_factory=dict)
    """What the feed said about each episode, by file name."""


def load_state(path: Path) -> State:
    if not path.exists():
        return State(Show())
    try:
        data = yaml.safe_load(read_user_file(path, SETTINGS)) or {}
    except Unreadable as problem:
        raise ConfigError(f"{path}: {problem}") from problem
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML ({error}); fix it or delete it") from error
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected settings such as 'base_url: https://...'")
    names = {f.name for f in fields(Show)}
    unknown = sorted(set(data) - names - {"episodes"})
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting '{unknown[0]}'; the settings are {', '.join(sorted(names))}"
        )
    show = Show(**{k: _setting(path, k, v) for k, v in data.items() if k in names})
    return State(show, _episodes(path, data.get("episodes") or {}))


def _setting(path: Path, key: str, value: Any) -> Any:
    wanted = bool if key == "explicit" else str
    if value is not None and not isinstance(value, wanted):
        kind = "true or false" if wanted is bool else "text"
        raise ConfigError(f"{path}: {key} must be {kind}, not {value!r}")
    return value


def _episodes(path: Path, value: Any) -> dict[str, Remembered]:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: episodes must map file names to their guid and date")
    found = {}
    for name, entry in value.items():
        if not (isinstance(entry, dict) and {"guid", "published"} <= set(entry)):
            raise ConfigError(f"{path}: episodes.{name} needs a guid and a published date")
        published = entry["published"]  # YAML reads 2020-01-01 as a date: kept as written
        found[str(name)] = Remembered(str(entry["guid"]), str(published))
    return found


def save_state(path: Path, state: State) -> None:
    settings = {f.name: getattr(state.show, f.name) for f in fields(Show)}
    data = {k: v for k, v in settings.items() if v is not None}
    data["episodes"] = {k: vars(v) for k, v in sorted(state.episodes.items())}
    text = (
        "# The show's settings for `podcast feed`, remembered from its options; edit freely.\n"
        "# An episode's guid must never change once published: podcast apps know it by it.\n"
        + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    )
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        write_text(path, text)

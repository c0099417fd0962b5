"""The podcast feed: ``DIR/feed.xml``, RSS 2.0 with the itunes and Podcasting 2.0
namespaces, one item per episode MP3 in DIR, every value read off the files themselves
(tags, sizes, durations, the side files beside each episode).

In parts: ``show`` (show.yaml: the show's settings, guids and first dates), ``items``
(the episodes, read off the files), ``rss`` (the XML, written with xml.etree: it says
why no feed library) and ``rules`` (what directories refuse).

The show's settings that no tag carries (base URL, description, category, ...) and each
episode's guid and first publication date are remembered in ``DIR/show.yaml``, a file a
person can edit: a guid never changes once given, whatever is rendered or added later.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from podcast.errors import FeedProblems, InputError
from podcast.files import write_text
from podcast.publish.feed.items import Item, episode_files, read_item, show_cover
from podcast.publish.feed.rss import channel_guid, feed_xml
from podcast.publish.feed.rules import rules
from podcast.publish.feed.show import SHOW, load_state, save_state, url_of

FEED = "feed.xml"
__all__ = ["FEED", "SHOW", "FeedResult", "channel_guid", "write_feed"]


@dataclass(frozen=True)
class FeedResult:
    """What ``write_feed`` wrote and found."""

    path: Path
    """The feed file."""
    url: str
    """Where it will be published."""
    items: tuple[Item, ...]
    """Its episodes, newest first."""
    problems: tuple[str, ...] = ()
    """Rules it breaks (one line each, with the fix)."""
    cover: Path | None = None
    """The cover written beside it."""
    checked: bool = False
    """Only checked (``--check``): nothing was written."""


def write_feed(folder: Path, given: dict[str, Any], check: bool = False) -> FeedResult:
    """Write ``folder/feed.xml`` from the episodes in it. ``given``: Show settings from
    the command line (None for not given), remembered with what show.yaml holds.
    ``check``: write nothing, only check: FeedProblems when the feed would break a rule."""
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder; give the folder the episodes are in")
    state = load_state(folder / SHOW)
    show = replace(state.show, **{k: v for k, v in given.items() if v is not None})
    if not show.base_url:
        raise InputError(
            f"{folder}: no base URL given or remembered; give --base-url https://... "
            "(where this folder will be published)"
        )
    paths, left_out = episode_files(folder)
    if not paths:
        raise InputError(
            f"{folder}: no .mp3 episodes; render some there first "
            f"(podcast render TRANSCRIPT -o {folder}/NAME.mp3)"
        )
    state.show = show
    items = [read_item(path, show.base_url, state.episodes) for path in paths]
    items.sort(key=lambda item: (item.published, item.number or 0, item.path.name), reverse=True)
    cover = show_cover(folder, show, items)
    url = url_of(show.base_url, FEED)
    problems = (*left_out, *rules(show, items, cover and cover.picture))
    if check:
        if problems:
            raise FeedProblems("\n".join(problems))
        return FeedResult(folder / FEED, url, tuple(items), (), cover and cover.path, True)
    xml = feed_xml(show, items, url, cover and url_of(show.base_url, cover.path.name))
    if cover:
        cover.write()
    write_text(folder / FEED, xml)
    save_state(folder / SHOW, state)
    return FeedResult(folder / FEED, url, tuple(items), problems, cover and cover.path)

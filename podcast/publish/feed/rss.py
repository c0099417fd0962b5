"""The feed's XML: RSS 2.0 with the itunes and Podcasting 2.0 namespaces.

Written with xml.etree rather than a feed library: feedgen 1.0.0 refuses itunes:explicit
``true``/``false`` (what Apple asks for now), silently drops a cover it does not like and
accepts an enclosure length of 0; podgen is dormant; neither writes the podcast
namespace. The tests read the feed back with feedparser and podcastparser.
"""

from __future__ import annotations

import email.utils
import re
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from podcast.publish.chapters import timestamps
from podcast.publish.feed.items import Item
from podcast.publish.feed.show import Show, url_of
from podcast.publish.sidefiles import SideFile

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
PSC = "http://podlove.org/simple-chapters"
MIN_TIMESTAMPS = 3  # chapters Spotify and YouTube need to show chapters from a description
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
PODCAST_GUIDS = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""Podcasting 2.0's namespace for a channel's podcast:guid (a UUIDv5 of the feed URL)."""


def feed_xml(
    show: Show,
    items: Sequence[Item],
    url: str,
    cover_url: str | None,
) -> str:
    """The RSS document."""
    for prefix, namespace in (
        ("itunes", ITUNES),
        ("podcast", PODCAST),
        ("atom", ATOM),
        ("psc", PSC),
    ):
        ET.register_namespace(prefix, namespace)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    title = _show_title(show, items)
    author = show.author or _most_common(item.author for item in items)
    _text(channel, "title", title)
    web = show.link if urlsplit(show.link or "").scheme in ("http", "https") else None
    web = web or url_of(show.base_url or "", "")  # never javascript: or the like
    _text(channel, "link", web)
    _text(channel, "description", show.description or "")
    _text(channel, "language", show.language)
    itself = {"href": url, "rel": "self", "type": "application/rss+xml"}
    ET.SubElement(channel, f"{{{ATOM}}}link", itself)
    _text(channel, f"{{{PODCAST}}}guid", channel_guid(url))
    _text(channel, f"{{{ITUNES}}}author", author)
    _text(channel, f"{{{ITUNES}}}explicit", "true" if show.explicit else "false")
    _text(channel, f"{{{ITUNES}}}type", "episodic")
    if show.email:
        owner = ET.SubElement(channel, f"{{{ITUNES}}}owner")
        _text(owner, f"{{{ITUNES}}}name", author or title)
        _text(owner, f"{{{ITUNES}}}email", show.email)
    _category(channel, show.category)
    if cover_url:
        ET.SubElement(channel, f"{{{ITUNES}}}image", {"href": cover_url})
        image = ET.SubElement(channel, "image")
        for tag, value in (("url", cover_url), ("title", title), ("link", web)):
            _text(image, tag, value)
    disclosure = next((item.disclosure for item in items if item.disclosure), None)
    if disclosure:  # Apple: synthetic voices disclosed in the metadata
        _text(channel, f"{{{PODCAST}}}txt", disclosure)
        channel[-1].set("purpose", "ai-disclosure")
    if items:
        _text(channel, "lastBuildDate", email.utils.format_datetime(items[0].published))
    _text(channel, "generator", "podcast (https://podcastindex.org/namespace/1.0)")
    for item in items:
        _item_xml(channel, item, show)
    ET.indent(rss)
    return ET.tostring(rss, encoding="unicode", xml_declaration=True) + "\n"


def channel_guid(feed_url: str) -> str:
    """Podcasting 2.0's podcast:guid: a UUIDv5 of the feed URL without its scheme and
    trailing slashes."""
    parts = urlsplit(feed_url)
    bare = feed_url[len(parts.scheme) + 3 :] if parts.scheme else feed_url
    return str(uuid.uuid5(PODCAST_GUIDS, bare.rstrip("/")))


def _show_title(show: Show, items: Sequence[Item]) -> str:
    found = show.title or _most_common(item.show for item in items)
    return found or (items[0].path.parent.resolve().name if items else "Podcast")


def _most_common(values: Any) -> str | None:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else None


def _text(parent: ET.Element, tag: str, value: str | None) -> None:
    value = clean(value)
    if value:
        ET.SubElement(parent, tag).text = value


def clean(value: str | None) -> str | None:
    """Text XML 1.0 can hold: control characters (``\\x01``, ``\\x1b``, which a tag or
    a setting may carry) would make the whole feed malformed, so they are left out."""
    return None if value is None else _NOT_XML.sub("", value)


def _category(channel: ET.Element, category: str | None) -> None:
    if not category:
        return
    top, _, sub = category.partition("/")
    element = ET.SubElement(channel, f"{{{ITUNES}}}category", {"text": top.strip()})
    if sub.strip():
        ET.SubElement(element, f"{{{ITUNES}}}category", {"text": sub.strip()})


def _item_xml(channel: ET.Element, item: Item, show: Show) -> None:
    base = show.base_url or ""
    element = ET.SubElement(channel, "item")
    _text(element, "title", item.title or item.path.stem)
    _text(element, "description", description(item))
    page = item.path.with_name(item.path.stem + SideFile.PAGE)
    if page in item.side_files:
        _text(element, "link", url_of(base, page.name))
    enclosure = {"url": url_of(base, item.path.name), "length": str(item.length)}
    ET.SubElement(element, "enclosure", {**enclosure, "type": "audio/mpeg"})
    ET.SubElement(element, "guid", {"isPermaLink": "false"}).text = item.guid
    _text(element, "pubDate", email.utils.format_datetime(item.published))
    if item.seconds is not None:
        _text(element, f"{{{ITUNES}}}duration", _duration_text(item.seconds))
    if item.number is not None:
        _text(element, f"{{{ITUNES}}}episode", str(item.number))
    _text(element, f"{{{ITUNES}}}explicit", "true" if show.explicit else "false")
    for side in (s for s in SideFile if s.transcript):
        path = item.path.with_name(item.path.stem + side)
        if path in item.side_files:
            attributes = {"url": url_of(base, path.name), "type": side.mime}
            if show.language:
                attributes["language"] = show.language
            if side.captions:
                attributes["rel"] = "captions"
            ET.SubElement(element, f"{{{PODCAST}}}transcript", attributes)
    chapters = item.path.with_name(item.path.stem + SideFile.CHAPTERS)
    if chapters in item.side_files:
        where = {"url": url_of(base, chapters.name), "type": SideFile.CHAPTERS.mime}
        ET.SubElement(element, f"{{{PODCAST}}}chapters", where)
    for person in item.persons:
        attributes = {"role": person["role"], "group": "cast"}
        attributes |= {k: person[k] for k in ("img", "href") if k in person}
        _text(element, f"{{{PODCAST}}}person", person["name"])
        element[-1].attrib.update(attributes)
    if item.chapters:  # Podlove Simple Chapters, which many apps read from the feed
        simple = ET.SubElement(element, f"{{{PSC}}}chapters", {"version": "1.2"})
        for start, title in item.chapters:
            moment = {"start": _clock(start), "title": clean(title) or ""}
            ET.SubElement(simple, f"{{{PSC}}}chapter", moment)


def description(item: Item) -> str | None:
    """The episode's description, then the words that say synthetic voices made it, then
    its chapters as timestamps (``0:00 Title``, a line each, the first at 0:00, in time
    order): Spotify and YouTube show chapters only from these, and only from three or
    more."""
    lines = timestamps(item.chapters)
    stamps = "\n".join(lines) if len(lines) >= MIN_TIMESTAMPS else None
    parts = [part for part in (item.description, item.disclosure, stamps) if part]
    return "\n\n".join(parts) or None


def _clock(seconds: float) -> str:
    whole, milliseconds = divmod(round(seconds * 1000), 1000)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}.{milliseconds:03d}"


def _duration_text(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600:d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"

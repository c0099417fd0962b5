"""The podcast feed: ``DIR/feed.xml``, RSS 2.0 with the itunes and Podcasting 2.0
namespaces, one item per episode MP3 in DIR, every value read off the files themselves
(tags, sizes, durations, the side files beside each episode).

Written with xml.etree rather than a feed library: feedgen 1.0.0 refuses itunes:explicit
``true``/``false`` (what Apple asks for now), silently drops a cover it does not like and
accepts an enclosure length of 0; podgen is dormant; neither writes the podcast
namespace. The tests read the feed back with feedparser and podcastparser.

The show's settings that no tag carries (base URL, description, category, ...) and each
episode's guid and first publication date are remembered in ``DIR/show.yaml``, a file a
person can edit: a guid never changes once given, whatever is rendered or added later.
"""

from __future__ import annotations

import email.utils
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import yaml
from mutagen import MutagenError
from mutagen.id3 import ID3, ID3NoHeaderError
from mutagen.mp3 import MP3, HeaderNotFoundError

from podcast.errors import ConfigError, FeedProblems, InputError
from podcast.files import read_limited, unreadable, write_atomically, write_text
from podcast.publish.cover import LARGEST as COVER_LARGEST
from podcast.publish.cover import SMALLEST as COVER_SMALLEST
from podcast.publish.cover import CoverProblem, Picture, picture, read_cover
from podcast.publish.sidefiles import PAGE, side_paths

FEED = "feed.xml"
SHOW = "show.yaml"
SHOW_BYTES = 1024 * 1024
COVER = "feed-cover"  # + .jpg or .png: never a name the user's own files are likely to have
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
PODCAST_GUIDS = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""Podcasting 2.0's namespace for a channel's podcast:guid (a UUIDv5 of the feed URL)."""
DESCRIPTION_BYTES = 4000
SIDE_FILES = (  # suffix, podcast:transcript type, rel
    (".vtt", "text/vtt", "captions"),
    (".srt", "application/x-subrip", None),
    (".transcript.json", "application/json", None),
)
CATEGORIES: dict[str, tuple[str, ...]] = {  # Apple Podcasts' categories and subcategories
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": ("Careers", "Entrepreneurship", "Investing", "Management", "Marketing",
                 "Non-Profit"),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": ("Alternative Health", "Fitness", "Medicine", "Mental Health",
                         "Nutrition", "Sexuality"),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": ("Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies",
                "Home & Garden", "Video Games"),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": ("Business News", "Daily News", "Entertainment News", "News Commentary",
             "Politics", "Sports News", "Tech News"),
    "Religion & Spirituality": ("Buddhism", "Christianity", "Hinduism", "Islam", "Judaism",
                                "Religion", "Spirituality"),
    "Science": ("Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics",
                "Natural Sciences", "Nature", "Physics", "Social Sciences"),
    "Society & Culture": ("Documentary", "Personal Journals", "Philosophy", "Places & Travel",
                          "Relationships"),
    "Sports": ("Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf",
               "Hockey", "Rugby", "Running", "Soccer", "Swimming", "Tennis", "Volleyball",
               "Wilderness", "Wrestling"),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews",
                  "TV Reviews"),
}  # fmt: skip


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


@dataclass(frozen=True)
class Item:
    """One episode as the feed lists it."""

    path: Path
    """The episode file."""
    title: str | None
    """Its title tag."""
    length: int
    """Its size in bytes."""
    seconds: float | None
    """Its duration (None when no audio frame could be read)."""
    published: datetime
    """Its date tag, else when it first appeared."""
    guid: str
    """Its guid."""
    description: str | None = None
    """Its description (comment) tag."""
    author: str | None = None
    """Its artist tag."""
    show: str | None = None
    """Its album tag."""
    number: int | None = None
    """Its episode number (track tag)."""
    cover: bytes | None = None
    """Its embedded cover."""
    side_files: tuple[Path, ...] = ()
    """Its transcripts, chapters and page, those that exist."""


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


@dataclass
class _State:
    """What show.yaml holds."""

    show: Show
    """The show's settings."""
    episodes: dict[str, Remembered] = field(default_factory=dict)
    """What the feed said about each episode, by file name."""


def write_feed(folder: Path, given: dict[str, Any], check: bool = False) -> FeedResult:
    """Write ``folder/feed.xml`` from the episodes in it. ``given``: Show settings from
    the command line (None for not given), remembered with what show.yaml holds.
    ``check``: FeedProblems when the feed breaks a rule (the feed is written anyway)."""
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder; give the folder the episodes are in")
    state = _load_state(folder / SHOW)
    show = replace(state.show, **{k: v for k, v in given.items() if v is not None})
    if not show.base_url:
        raise InputError(
            f"{folder}: no base URL given or remembered; give --base-url https://... "
            "(where this folder will be published)"
        )
    paths = sorted(folder.glob("*.mp3"))
    if not paths:
        raise InputError(
            f"{folder}: no .mp3 episodes; render some there first "
            f"(podcast render TRANSCRIPT -o {folder}/NAME.mp3)"
        )
    state.show = show
    items = [_item(path, show.base_url, state.episodes) for path in paths]
    items.sort(key=lambda item: (item.published, item.number or 0, item.path.name), reverse=True)
    cover, picture_found = _cover(folder, show, items)
    url = _url(show.base_url, FEED)
    xml = feed_xml(show, items, url, cover and _url(show.base_url, cover.name))
    write_text(folder / FEED, xml)
    _save_state(folder / SHOW, state)
    problems = tuple(rules(show, items, picture_found))
    if check and problems:
        raise FeedProblems("\n".join(problems))
    return FeedResult(folder / FEED, url, tuple(items), problems, cover)


# ---------------------------------------------------------------- remembered settings


def _load_state(path: Path) -> _State:
    if not path.exists():
        return _State(Show())
    try:
        data = yaml.safe_load(read_limited(path, SHOW_BYTES)) or {}
    except OSError as error:
        reason = unreadable(error, SHOW_BYTES)
        raise ConfigError(f"{path}: {reason}; it holds the show's settings: fix it") from error
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
    return _State(show, _episodes(path, data.get("episodes") or {}))


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
        found[str(name)] = Remembered(str(entry["guid"]), str(entry["published"]))
    return found


def _save_state(path: Path, state: _State) -> None:
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


# ---------------------------------------------------------------- reading the episodes


def _item(path: Path, base_url: str, remembered: dict[str, Remembered]) -> Item:
    id3, seconds = _opened(path)
    tags = _tags(id3)
    if path.name not in remembered:
        first = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)
        guid = str(uuid.uuid5(uuid.NAMESPACE_URL, _url(base_url, path.name)))
        remembered[path.name] = Remembered(guid, first.isoformat())
    known = remembered[path.name]
    published = _date(tags.get("TDRC")) or datetime.fromisoformat(known.published)
    side = side_paths(path)
    number = tags.get("TRCK", "").split("/")[0]
    return Item(
        path,
        tags.get("TIT2"),
        path.stat().st_size,
        seconds,
        published,
        known.guid,
        tags.get("COMM"),
        tags.get("TPE1"),
        tags.get("TALB"),
        int(number) if number.isdigit() else None,
        tags.get("APIC"),
        tuple(p for p in side if p.is_file()),
    )


def _opened(path: Path) -> tuple[ID3 | None, float | None]:
    """The episode's tags and duration, the file read once (its tags alone when it holds
    no audio frame a player could find)."""
    try:
        audio = MP3(str(path))
        return audio.tags, float(audio.info.length)
    except HeaderNotFoundError:
        try:
            return ID3(str(path)), None
        except (ID3NoHeaderError, MutagenError, OSError, ValueError):
            return None, None
    except (MutagenError, OSError, ValueError):
        return None, None


def _tags(id3: ID3 | None) -> dict[str, Any]:
    if id3 is None:
        return {}
    found: dict[str, Any] = {}
    for key in ("TIT2", "TPE1", "TALB", "TRCK", "TDRC"):
        frame = id3.get(key)
        if frame is not None and frame.text:
            found[key] = str(frame.text[0]).strip()
    comments = id3.getall("COMM")
    if comments and comments[0].text:
        found["COMM"] = str(comments[0].text[0])
    pictures = id3.getall("APIC")
    if pictures:
        found["APIC"] = pictures[0].data
    return found


def _date(value: str | None) -> datetime | None:
    """A date tag (2026, 2026-03, 2026-03-01 or a full time) as a moment: noon UTC on a
    bare day, so that no time zone moves it to another date."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if len(value) <= 10:
        moment = moment.replace(hour=12)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _cover(folder: Path, show: Show, items: Sequence[Item]) -> tuple[Path | None, Picture | None]:
    """The show's cover, written beside the feed (or the given file itself when it is
    in the folder): the configured one, else the newest episode's."""
    data = None
    if show.cover:
        given = (folder / show.cover).resolve()  # relative to the folder, or absolute
        try:
            found = read_cover(given)
        except CoverProblem as problem:
            raise InputError(f"{show.cover}: {problem}") from problem
        if given.parent == folder.resolve():
            return given, found
        data = found.data
    else:
        data = next((item.cover for item in items if item.cover), None)
    if data is None:
        return None, None
    try:
        found = picture(data)
    except CoverProblem:
        return None, None
    path = folder / f"{COVER}.{'png' if found.mime == 'image/png' else 'jpg'}"
    if not path.is_file() or path.read_bytes() != data:
        for old in folder.glob(f"{COVER}.*"):
            old.unlink()
        write_atomically(path, lambda out: out.write(data))
    return path, found


# ---------------------------------------------------------------- the XML


def _url(base: str, name: str) -> str:
    return base.rstrip("/") + "/" + quote(name)


def feed_xml(
    show: Show,
    items: Sequence[Item],
    url: str,
    cover_url: str | None,
) -> str:
    """The RSS document."""
    for prefix, namespace in (("itunes", ITUNES), ("podcast", PODCAST), ("atom", ATOM)):
        ET.register_namespace(prefix, namespace)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    title = _show_title(show, items)
    author = show.author or _most_common(item.author for item in items)
    _text(channel, "title", title)
    _text(channel, "link", show.link or show.base_url)
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
        link = show.link or show.base_url
        for tag, value in (("url", cover_url), ("title", title), ("link", link)):
            _text(image, tag, value)
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
    if value:
        ET.SubElement(parent, tag).text = value


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
    _text(element, "description", item.description)
    page = item.path.with_name(item.path.stem + PAGE)
    if page in item.side_files:
        _text(element, "link", _url(base, page.name))
    enclosure = {"url": _url(base, item.path.name), "length": str(item.length)}
    ET.SubElement(element, "enclosure", {**enclosure, "type": "audio/mpeg"})
    ET.SubElement(element, "guid", {"isPermaLink": "false"}).text = item.guid
    _text(element, "pubDate", email.utils.format_datetime(item.published))
    if item.seconds is not None:
        _text(element, f"{{{ITUNES}}}duration", _duration_text(item.seconds))
    if item.number is not None:
        _text(element, f"{{{ITUNES}}}episode", str(item.number))
    _text(element, f"{{{ITUNES}}}explicit", "true" if show.explicit else "false")
    for suffix, kind, rel in SIDE_FILES:
        path = item.path.with_name(item.path.stem + suffix)
        if path in item.side_files:
            attributes = {"url": _url(base, path.name), "type": kind}
            if show.language:
                attributes["language"] = show.language
            if rel:
                attributes["rel"] = rel
            ET.SubElement(element, f"{{{PODCAST}}}transcript", attributes)
    chapters = item.path.with_name(item.path.stem + ".chapters.json")
    if chapters in item.side_files:
        where = {"url": _url(base, chapters.name), "type": "application/json+chapters"}
        ET.SubElement(element, f"{{{PODCAST}}}chapters", where)


def _duration_text(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600:d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


# ---------------------------------------------------------------- the rules


def rules(show: Show, items: Sequence[Item], cover: Picture | None) -> list[str]:
    """Every rule of Apple Podcasts, Spotify and Podcasting 2.0 the feed breaks, one line
    each, naming the rule and the fix."""
    found = []
    if urlsplit(show.base_url or "").scheme != "https":
        found.append(
            f"base URL {show.base_url} is not https: Apple and Podcasting 2.0 need https; "
            "give --base-url https://..."
        )
    if not show.description:
        found.append("no show description: Apple requires one; give --description '...'")
    elif len(show.description.encode("utf-8")) > DESCRIPTION_BYTES:
        found.append(
            f"the description is {len(show.description.encode())} bytes: Apple allows "
            f"{DESCRIPTION_BYTES}; shorten it with --description"
        )
    found += _category_rules(show.category)
    found += _cover_rules(cover)
    for item in items:
        found += _item_rules(item)
    return found


def _category_rules(category: str | None) -> list[str]:
    if not category:
        return ["no category: Apple requires one; give --category (e.g. Arts, or Arts/Books)"]
    top, _, sub = (part.strip() for part in category.partition("/"))
    if top not in CATEGORIES:
        return [
            f"category '{top}' is not one of Apple's; give --category with one of: "
            + ", ".join(CATEGORIES)
        ]
    if sub and sub not in CATEGORIES[top]:
        known = ", ".join(CATEGORIES[top]) or "none"
        return [f"'{sub}' is not one of Apple's subcategories of {top}; its are: {known}"]
    return []


def _cover_rules(cover: Picture | None) -> list[str]:
    if cover is None:
        return [
            f"no cover: Apple requires a square JPEG or PNG of {COVER_SMALLEST} to "
            f"{COVER_LARGEST} px; give --cover FILE, or set episode.cover in voices.yaml "
            "and render again"
        ]
    found = []
    if cover.width != cover.height or not COVER_SMALLEST <= cover.width <= COVER_LARGEST:
        found.append(
            f"the cover is {cover.width}x{cover.height} px: Apple needs {COVER_SMALLEST} to "
            f"{COVER_LARGEST} px, square; give a larger square picture with --cover FILE"
        )
    if cover.colour != "rgb":
        found.append(
            f"the cover is {cover.colour}: Apple needs RGB; save it as RGB and give --cover FILE"
        )
    return found


def _item_rules(item: Item) -> list[str]:
    name = item.path.name
    found = []
    if not item.title:
        found.append(
            f"{name}: no title tag: render it with podcast render (which tags it from "
            "voices.yaml's episode:), or give it a title tag"
        )
    if item.seconds is None or item.length == 0:
        found.append(f"{name}: no MP3 audio in it that apps can play; render it again")
    return found

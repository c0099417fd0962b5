"""The rules podcast directories apply to a feed: one line per broken rule, with its fix."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from podcast.publish.cover import LARGEST as COVER_LARGEST
from podcast.publish.cover import SMALLEST as COVER_SMALLEST
from podcast.publish.cover import Picture
from podcast.publish.feed.items import Item
from podcast.publish.feed.show import Show

DESCRIPTION_BYTES = 4000
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
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
    found += _address_rules(show)
    found += _cover_rules(cover)
    found += _control_rules(show, items)
    for item in items:
        found += _item_rules(item)
    return found + _shared_guids(items) + _shared_titles(items)


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_LANGUAGE = re.compile(r"[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*")


def _address_rules(show: Show) -> list[str]:
    """The base URL, the site, the e-mail address and the language, as apps read them."""
    found = []
    base = show.base_url or ""
    if base != base.strip() or any(c.isspace() for c in base):
        found.append(f"base URL {base!r} has spaces: every file's address would break; "
                     "give --base-url without spaces (write %20 for one)")  # fmt: skip
    if show.link and urlsplit(show.link).scheme not in ("http", "https"):
        found.append(f"link {show.link!r} is not a web address: apps open it; give --link "
                     "https://...")  # fmt: skip
    if show.email and not _EMAIL.fullmatch(show.email):
        found.append(f"email {show.email!r} is not an e-mail address: Apple writes to it; "
                     "give --email you@example.com")  # fmt: skip
    if show.language and not _LANGUAGE.fullmatch(show.language):
        found.append(f"language {show.language!r} is not a language code; give --language en "
                     "(or en-GB, de, ...)")  # fmt: skip
    return found


def _control_rules(show: Show, items: Sequence[Item]) -> list[str]:
    """Control characters, which the feed leaves out (XML cannot hold them)."""
    found = []
    for key in ("title", "description", "author", "email", "link"):
        if _CONTROL.search(getattr(show, key) or ""):
            found.append(f"the show's {key} holds control characters (left out of the feed); "
                         "fix it in show.yaml")  # fmt: skip
    for item in items:
        for what, value in (("title", item.title), ("description", item.description),
                            ("artist", item.author), ("album", item.show)):  # fmt: skip
            if _CONTROL.search(value or ""):
                found.append(
                    f"{item.path.name}: its {what} tag holds control characters (left out of "
                    "the feed); fix voices.yaml's episode: and render it again"
                )
    return found


def _shared_titles(items: Sequence[Item]) -> list[str]:
    """Two episodes with one title: a listener cannot tell them apart."""
    first: dict[str, str] = {}
    found = []
    for item in sorted(items, key=lambda i: i.path.name):
        if not item.title:
            continue
        if item.title in first:
            found.append(
                f"{first[item.title]} and {item.path.name} have the same title "
                f"{item.title!r}; give one another in voices.yaml's episode: title"
            )
        first.setdefault(item.title, item.path.name)
    return found


def _shared_guids(items: Sequence[Item]) -> list[str]:
    """Two episodes with one guid: apps would take them for one."""
    first: dict[str, str] = {}
    found = []
    for item in sorted(items, key=lambda i: i.path.name):
        if item.guid in first:
            found.append(f"{first[item.guid]} and {item.path.name} have the same guid "
                         f"{item.guid}; give one of them another in show.yaml")  # fmt: skip
        first.setdefault(item.guid, item.path.name)
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
    if not item.disclosure:
        found.append(
            f"{name}: no AI disclosure: Apple requires episodes made with synthetic voices "
            "to say so; render it again without episode.disclosure: false"
        )
    if not item.persons:
        found.append(f"{name}: no persons (podcast:person); render it again to tag its speakers")
    return found

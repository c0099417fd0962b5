"""Tags written into the episode: title, show, author, number, date, description and
cover from voices.yaml's ``episode:``, the chapters, and the render key and measured
loudness that tell a later render whether the file is up to date."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mutagen import File as MutagenFile
from mutagen import MutagenError
from mutagen.id3 import (
    APIC,
    COMM,
    ID3,
    TALB,
    TDRC,
    TIT2,
    TPE1,
    TRCK,
    TSSE,
    TXXX,
    ID3NoHeaderError,
)

from podcast.config.model import Episode
from podcast.publish.chapters import Chapter, add_to_tag, order_chapters
from podcast.publish.cover import read_cover
from podcast.publish.timeline import clock

LOUDNESS_TAG = "podcast-loudness"
KEY_TAG = "podcast-render-key"


@dataclass(frozen=True)
class Tags:
    """Everything tagged into the episode."""

    title: str
    """The episode's title: ``episode.title``, else the transcript's title or file name."""
    episode: Episode = field(default_factory=Episode)
    """The rest of voices.yaml's ``episode:`` section, as written."""
    cover: Path | None = None
    """The cover picture, found (relative to voices.yaml) and checked."""
    render_key: str | None = None
    """Fingerprint of everything that shaped the audio; an equal one means up to date."""
    loudness: str | None = None
    """The measured loudness and true peak, as the summary line says them."""
    chapters: tuple[Chapter, ...] = ()
    """The chapters, in time order."""

    @property
    def author(self) -> str | None:
        """The host or author (ID3 artist)."""
        return self.episode.author or self.episode.artist

    @property
    def show(self) -> str | None:
        """The show's name (ID3 album)."""
        return self.episode.show or self.episode.album


def tag_file(path: Path, fmt: str, tags: Tags) -> None:
    """Write ``tags`` into the finished (not yet renamed) file at ``path``."""
    if fmt == "mp3":
        _id3(tags).save(str(path), v2_version=3)
        order_chapters(path)
    elif fmt != "wav":
        _plain_tags(path, tags, chapters=fmt != "m4a")


def _id3(tags: Tags) -> ID3:
    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    episode = tags.episode
    texts = {TPE1: tags.author, TALB: tags.show, TRCK: episode.number, TDRC: episode.date}
    for frame, value in texts.items():
        if value:
            id3.add(frame(encoding=3, text=value))
    if episode.description:
        id3.add(COMM(encoding=3, lang="eng", desc="", text=episode.description))
    if tags.cover:
        id3.add(_cover(tags.cover))
    id3.add(TSSE(encoding=3, text="podcast (eSpeak NG, LAME)"))
    for desc, value in ((KEY_TAG, tags.render_key), (LOUDNESS_TAG, tags.loudness)):
        if value:
            id3.add(TXXX(encoding=3, desc=desc, text=value))
    add_to_tag(id3, tags.chapters)
    return id3


def _cover(path: Path) -> APIC:
    picture = read_cover(path)  # checked again: the file may have changed since
    return APIC(encoding=3, mime=picture.mime, type=3, desc="Cover", data=picture.data)


def _plain_tags(path: Path, tags: Tags, chapters: bool) -> None:
    """Title, author, show and chapters (Vorbis comments or MP4 atoms) for other formats."""
    audio = MutagenFile(str(path), easy=True)
    if audio is None:
        return
    values = {"title": tags.title, "artist": tags.author, "album": tags.show}
    values |= {"tracknumber": tags.episode.number, "date": tags.episode.date}
    for key, value in values.items():
        if value:
            audio[key] = value
    if chapters and tags.chapters:  # Vorbis comments: CHAPTER001=00:01:02.500
        for index, chapter in enumerate(tags.chapters, start=1):
            audio.tags[f"CHAPTER{index:03d}"] = clock(chapter.start)
            audio.tags[f"CHAPTER{index:03d}NAME"] = chapter.title
    audio.save()


def stored_render_key(path: Path) -> str | None:
    """The render key tagged in an existing episode, if any."""
    return _stored(path, KEY_TAG)


def stored_loudness(path: Path) -> str | None:
    """The loudness line tagged in an existing episode, if any."""
    return _stored(path, LOUDNESS_TAG)


def _stored(path: Path, desc: str) -> str | None:
    try:
        frames = ID3(str(path)).getall(f"TXXX:{desc}")
    except (ID3NoHeaderError, MutagenError, OSError, ValueError):
        return None
    return str(frames[0].text[0]) if frames else None

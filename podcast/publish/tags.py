"""Tags written into the episode: title, show, author, number, date, description and
cover from voices.yaml's ``episode:``, the chapters, and the render key and measured
loudness that tell a later render whether the file is up to date."""

from __future__ import annotations

import json
import os
import re
import subprocess
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

from podcast.audio.codec import Format, TagStyle
from podcast.config.model import Episode
from podcast.ffmpeg import INSTALL, find_ffmpeg
from podcast.publish.chapters import Chapter, add_to_tag, order_chapters
from podcast.publish.cover import read_cover
from podcast.publish.timeline import clock

LOUDNESS_TAG = "podcast-loudness-lufs"
PEAK_TAG = "podcast-true-peak-dbtp"
KEY_TAG = "podcast-render-key"
PERSONS_TAG = "podcast-persons"  # JSON: [{"name", "role", "img", "href"}], for the feed
DISCLOSURE_TAG = "podcast-ai-disclosure"  # the words that say synthetic voices made it


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
    loudness: float | None = None
    """The measured integrated loudness, LUFS."""
    true_peak: float | None = None
    """The measured true peak, dBTP."""
    made_with: tuple[str, ...] = ()
    """The engines that spoke it, by their names for people (``eSpeak NG``, ``Piper``)."""
    chapters: tuple[Chapter, ...] = ()
    """The chapters, in time order."""
    persons: tuple[dict[str, str], ...] = ()
    """The speakers as the feed lists them: name, role, and img and href when given."""
    disclosure: str = ""
    """The words that say synthetic voices made the episode (empty: none)."""

    @property
    def author(self) -> str | None:
        """The host or author (ID3 artist)."""
        return self.episode.author or self.episode.artist

    @property
    def show(self) -> str | None:
        """The show's name (ID3 album)."""
        return self.episode.show or self.episode.album


def tag_file(path: Path, fmt: Format, tags: Tags) -> None:
    """Write ``tags`` into the finished (not yet renamed) file at ``path``."""
    style = fmt.tag_style
    if style is TagStyle.ID3:
        _id3(tags).save(str(path), v2_version=3)
        order_chapters(path)
    elif style is not TagStyle.NONE:
        _plain_tags(path, tags, chapters=style is TagStyle.VORBIS)
    if style is TagStyle.BOOK:
        _book(path, tags)


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
    id3.add(TSSE(encoding=3, text=f"podcast ({', '.join((*tags.made_with, 'LAME'))})"))
    levels = {LOUDNESS_TAG: tags.loudness, PEAK_TAG: tags.true_peak}
    texts = {KEY_TAG: tags.render_key} | {k: _number(v) for k, v in levels.items()}
    texts[DISCLOSURE_TAG] = tags.disclosure
    texts[PERSONS_TAG] = json.dumps(list(tags.persons), ensure_ascii=False) if tags.persons else ""
    for desc, value in texts.items():
        if value:
            id3.add(TXXX(encoding=3, desc=desc, text=value))
    add_to_tag(id3, tags.chapters)
    return id3


def _number(value: float | None) -> str | None:
    return None if value is None else f"{value:.2f}"


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


def _book(path: Path, tags: Tags) -> None:
    """An audiobook's chapters and cover, which mutagen cannot write: ffmpeg copies the
    audio and its tags into a new file with them (a QuickTime chapter track and a Nero
    ``chpl`` atom, so that every player finds them), which then replaces ``path``."""
    ffmpeg = find_ffmpeg()
    if ffmpeg is None:
        raise OSError(f"writing chapters into .m4b needs ffmpeg: {INSTALL}")
    meta = path.with_name(path.name + ".chapters.txt")
    made = path.with_name(path.name + ".book.m4b")
    meta.write_text(_ffmetadata(tags), encoding="utf-8")
    command = [ffmpeg, "-loglevel", "error", "-y", "-i", str(path), "-i", str(meta)]
    if tags.cover:
        command += ["-i", str(tags.cover), "-map", "2:v", "-c:v", "copy"]
        command += ["-disposition:v:0", "attached_pic"]
    command += ["-map", "0:a", "-map_metadata", "0", "-map_chapters", "1", "-c:a", "copy"]
    try:
        run = subprocess.run([*command, "-f", "ipod", str(made)], capture_output=True)
        if run.returncode:
            raise OSError(f"ffmpeg could not add the chapters: {run.stderr.decode()[:200]}")
        os.replace(made, path)
    finally:
        meta.unlink(missing_ok=True)
        made.unlink(missing_ok=True)


def _ffmetadata(tags: Tags) -> str:
    """ffmpeg's metadata file: the chapters, in milliseconds, titles escaped."""
    lines = [";FFMETADATA1"]
    for chapter in tags.chapters:
        title = re.sub(r"([=;#\\\n])", r"\\\1", chapter.title)
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={chapter.start}", f"END={chapter.end}"]
        lines.append(f"title={title}")
    return "\n".join(lines) + "\n"


def stored_render_key(path: Path) -> str | None:
    """The render key tagged in an existing episode, if any."""
    return _stored(path, KEY_TAG)


def stored_levels(path: Path) -> tuple[float, float] | None:
    """The loudness (LUFS) and true peak (dBTP) tagged in an existing episode, if any."""
    try:
        return float(_stored(path, LOUDNESS_TAG) or ""), float(_stored(path, PEAK_TAG) or "")
    except ValueError:
        return None


def _stored(path: Path, desc: str) -> str | None:
    try:
        frames = ID3(str(path)).getall(f"TXXX:{desc}")
    except (ID3NoHeaderError, MutagenError, OSError, ValueError):
        return None
    return str(frames[0].text[0]) if frames else None

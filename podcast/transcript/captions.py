"""Captions as transcripts: WebVTT and SRT, speakers from ``<v Name>`` or a ``Name:``
prefix inside the cue (``Speaker 2:``, ``iPhone (2):``), YouTube's rolling captions spoken
once. Pure."""

from __future__ import annotations

import html
import itertools
import re

from podcast.transcript.builder import UNKNOWN_SPEAKER, Builder, text_blocks
from podcast.transcript.model import TurnKind
from podcast.transcript.qa import split_label

_TIMESTAMP = r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
TIMING = re.compile(rf"^\s*{_TIMESTAMP}\s*-->\s*{_TIMESTAMP}.*$")
_VOICE = re.compile(r"^<v(?:\.[\w.-]+)?\s+([^>]+)>")
_TAG = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&#?\w+;")
_SOUND = re.compile(r"\[[^\[\]]{1,80}\]|^\([^()]{1,80}\)$")  # SDH: [thunder], (door creaks)
_ROLLING_SHARE = 0.25
"""Share of cues that repeat the line before them when the captions roll (YouTube's)."""


def captions(text: str, out: Builder, narration: bool) -> None:
    """Parse WebVTT or SRT: every cue's text in order, a speaker from a voice tag or a
    name at the start of a cue; rolling captions' repeated lines dropped."""
    cues = _cues(text, out)
    rolling = _is_rolling(cues)
    speaker = None
    shown: list[str] = []
    heard: list[str] = []  # speakers, the most recent first
    for cue in cues:
        lines = [(n, line) for n, line in cue if not out.skips(line, n)]
        if rolling:
            lines = _new_lines(lines, shown, out)
            shown = [_plain(line) for _, line in cue]
        for number, line in lines:
            speaker = _caption_line(out, number, line, speaker, heard)
            if speaker:
                heard[:] = [speaker, *(s for s in heard if s != speaker)]


def _cues(text: str, out: Builder) -> list[list[tuple[int, str]]]:
    """The text lines of every cue (headers and timings dropped); lines after a blank
    line inside a cue stay in it."""
    cues: list[list[tuple[int, str]]] = []
    for block in text_blocks(text):
        first = block[0][1].strip()
        if first.startswith(("WEBVTT", "NOTE", "STYLE", "REGION")):
            for number, line in block:
                out.drop(line, "caption header", number)
            continue
        timing = next((i for i, (_, line) in enumerate(block) if TIMING.match(line)), None)
        if timing is None:  # not a cue: text without timing continues the speaker
            if not cues:
                cues.append([])
            cues[-1].extend(block)
            continue
        for number, line in block[: timing + 1]:
            out.drop(line, "caption timing", number)
        cues.append(block[timing + 1 :])
    return cues


def _plain(line: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", line)).split())


def _is_rolling(cues: list[list[tuple[int, str]]]) -> bool:
    """True when cues begin with the last line of the cue before (roll-up captions)."""
    repeats = sum(
        bool(before and now and _plain(now[0][1]) == _plain(before[-1][1]))
        for before, now in itertools.pairwise(cues)
    )
    return repeats >= 2 and repeats >= _ROLLING_SHARE * len(cues)


def _new_lines(
    lines: list[tuple[int, str]], shown: list[str], out: Builder
) -> list[tuple[int, str]]:
    """The lines of a rolling cue that were not on screen already."""
    fresh = []
    for number, line in lines:
        if _plain(line) in shown:
            out.drop(line, "caption repeat", number)
        else:
            fresh.append((number, line))
    return fresh


def _caption_line(
    out: Builder, number: int, line: str, speaker: str | None, heard: list[str]
) -> str | None:
    """One line of a cue; who is speaking after it. A line that starts with a dash is
    a change of speaker inside the cue (``- Are you coming?`` / ``- In a minute.``): the
    one heard before the current speaker, else another unnamed one. A sound
    description (``[thunder]``, ``(door creaks)``) is never spoken."""
    voice = _VOICE.match(line)
    if voice:
        speaker = voice[1].strip()
        out.label(voice[0], "a voice tag")
        line = line[voice.end() :]
    for markup in _TAG.findall(line) + _ENTITY.findall(line):
        out.drop(markup, "caption markup", number)
    line = html.unescape(_TAG.sub("", line)).strip()
    if line.startswith(">>"):  # a new speaker, not named
        out.drop(">>", "caption markup", number)
        line = line[2:].strip()
    for sound in _SOUND.findall(line):
        out.drop(sound, "sound description", number)
    line = " ".join(_SOUND.sub(" ", line).split())
    if line.startswith(("- ", "– ", "-", "–")) and len(line) > 1:
        out.drop(line[0], "caption markup", number)
        line = line[1:].strip()
        speaker = _other(speaker, heard)
    prefix = split_label(line)
    if prefix and not voice and prefix[2]:
        speaker = prefix[1]
        out.label(prefix[0], "a name inside a cue")
        line = prefix[2]
    if line:
        out.extend(speaker or UNKNOWN_SPEAKER, line, TurnKind.CAPTION, number)
    return speaker


def _other(speaker: str | None, heard: list[str]) -> str:
    """Who takes over at a dash: the speaker heard before the current one, else an
    unnamed speaker other than the current."""
    others = [name for name in heard if name != speaker]
    if others:
        return others[0]
    return f"{UNKNOWN_SPEAKER} 2" if speaker == f"{UNKNOWN_SPEAKER} 1" else f"{UNKNOWN_SPEAKER} 1"

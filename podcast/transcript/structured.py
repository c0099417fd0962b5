"""JSON transcripts: the Podcasting 2.0 JSON transcript (``{"segments": [{"speaker",
"startTime", "endTime", "body"}]}``, which is what ``podcast render`` writes as
``.transcript.json``, so an episode renders again from it) and the Whisper-style output
of transcription and diarization tools (``{"segments": [{"start", "end", "text",
"speaker"}]}``, speakers such as ``SPEAKER_00``). Pure."""

from __future__ import annotations

import json
import re
from typing import Any

from podcast.errors import InputError
from podcast.transcript.builder import UNKNOWN_SPEAKER, Builder
from podcast.transcript.model import TurnKind

PARAGRAPH_GAP = 2.0
"""Seconds of silence between two segments of one speaker that start a new paragraph."""

_DIARIZED = re.compile(r"^SPEAKER[_ ]?(\d{1,3})$", re.IGNORECASE)


def segments_of(text: str) -> list[Any] | None:
    """The segments of a JSON transcript, or None when ``text`` is not one."""
    if not text.lstrip().startswith(("{", "[")):
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    found = data.get("segments") if isinstance(data, dict) else data
    if not isinstance(found, list) or not any(_words_of(s) is not None for s in found):
        return None
    return found


def json_transcript(text: str, out: Builder, narration: bool) -> None:
    """Parse a JSON transcript: one turn per run of one speaker's segments."""
    found = segments_of(text)
    if found is None:
        raise InputError(
            'not a JSON transcript: expected {"segments": [...]} with a "body" or '
            '"text" in each segment; check the file or choose another --format'
        )
    speaker, end = None, 0.0
    for index, segment in enumerate(found):
        words = _words_of(segment)
        if words is None:
            out.drop(json.dumps(segment, ensure_ascii=False)[:200], "not a segment", 0)
            continue
        name = _speaker(segment, speaker, out)
        start = _seconds(segment, "startTime", "start")
        if name != speaker or start is None or start - end < PARAGRAPH_GAP:
            out.extend(name, words, TurnKind.SEGMENT, index + 1)
        else:
            out.say(name, words, TurnKind.SEGMENT, index + 1)
        speaker, end = name, _seconds(segment, "endTime", "end") or start or end


def _words_of(segment: object) -> str | None:
    if not isinstance(segment, dict):
        return None
    words = segment.get("body", segment.get("text"))
    return words if isinstance(words, str) else None


def _speaker(segment: dict[str, Any], previous: str | None, out: Builder) -> str:
    """The segment's speaker: named, or ``SPEAKER_00`` as ``Speaker 1``; a segment with
    no speaker goes on with the one before."""
    given = segment.get("speaker")
    if not isinstance(given, str) or not given.strip():
        return previous or UNKNOWN_SPEAKER
    given = " ".join(given.split())
    diarized = _DIARIZED.match(given)
    name = f"Speaker {int(diarized[1]) + 1}" if diarized else given
    if name != previous:
        out.label(given, "a segment's speaker")
    return name


def _seconds(segment: dict[str, Any], *keys: str) -> float | None:
    for key in keys:
        value = segment.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return None

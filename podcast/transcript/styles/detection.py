"""Which style a transcript is written in, and what gave it away. Pure."""

from __future__ import annotations

from podcast.transcript.captions import TIMING
from podcast.transcript.exports import looks_like_export
from podcast.transcript.lines import normalize_newlines
from podcast.transcript.structured import segments_of
from podcast.transcript.styles.chat import STAMPED, chat_line
from podcast.transcript.styles.court import looks_like_court
from podcast.transcript.styles.markdown import BOLD_LABEL, DIRECTION, HEADING
from podcast.transcript.styles.play import looks_like_play
from podcast.transcript.styles.record import looks_like_record
from podcast.transcript.styles.screenplay import looks_like_screenplay
from podcast.transcript.styles.tagged import MARKER, NUMBERED, TAG_PAIR


def detect(text: str) -> str:
    """The style a transcript is written in."""
    return detect_why(text)[0]


def detect_why(text: str) -> tuple[str, str]:
    """The style a transcript is written in, and what gave it away."""
    text = normalize_newlines(text)
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return "qa", "empty"
    if segments_of(text) is not None:
        return "json", "JSON with a list of segments"
    if lines[0].startswith("WEBVTT"):
        return "captions", "the first line is WEBVTT"
    timings = sum(bool(TIMING.match(x)) for x in lines)
    if timings >= 2:
        return "captions", f"{timings} caption timings (00:00:01,000 --> ...)"
    if looks_like_court(text.split("\n")):
        return "court", "numbered lines with Q. and A., and an examining lawyer (BY MS. ...:)"
    if looks_like_record(lines):
        return "record", "speakers named as a record names them (Mr. SMITH., The CHAIRMAN.)"
    if looks_like_export(lines):
        return "export", "lines of a name and a timestamp, each with text below"
    if len(TAG_PAIR.findall(text)) >= 2 or len(MARKER.findall(text)) >= 2:
        return "tagged", "speaker tags (<Person1>, [S1])"
    if sum(bool(NUMBERED.match(x)) for x in lines) >= 2:
        return "tagged", "numbered speakers (Speaker 1:)"
    chat_lines = sum(bool(chat_line(x)) for x in lines)
    if chat_lines >= max(2, 0.6 * len(lines)):
        return "chat", f"{chat_lines} of {len(lines)} lines are chat messages"
    stamped = sum(bool(STAMPED.match(x)) for x in lines)
    if stamped >= 3 and stamped >= 0.4 * len(lines):  # a transcript under its show notes
        return "chat", f"{stamped} lines begin with a timestamp and a name"
    if looks_like_play(lines):
        return "play", "a cast list (CHARACTERS) and names in capitals above speech"
    if looks_like_screenplay(text):
        return "screenplay", "scene headings or character cues in capitals above dialogue"
    if any(HEADING.match(x) or BOLD_LABEL.match(x) or DIRECTION.match(x) for x in lines):
        return "markdown", "Markdown headings, **bold** labels or [directions]"
    return "qa", "labels (NAME:) and paragraphs, no other style's marks"

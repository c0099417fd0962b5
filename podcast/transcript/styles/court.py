"""Depositions and court transcripts: numbered lines (1 to 25 a page) under page
headers, a caption naming the witness, ``BY MS. ALVAREZ:`` before an examination, then
``Q.`` (the examining lawyer) and ``A.`` (the witness), with colloquy as ``MR. HOLLOWAY:``
lines and proceedings notes such as ``(Recess taken.)``. Line numbers, page headers, the
caption and the reporter's certificate are never spoken."""

from __future__ import annotations

import re

from podcast.transcript.builder import Builder
from podcast.transcript.model import ParseSettings, Script, TurnKind, Unspoken

_NUMBERED = re.compile(r"^\s{0,8}(\d{1,2})(?:\s+(.*))?$")
_PAGE = re.compile(r"^\s*(?:page\s+\d+|\d+)\s*$", re.IGNORECASE)
_QA = re.compile(r"^(Q|A)[.:]?\s+(.+)$")
_BY = re.compile(r"^BY\s+((?:MR|MS|MRS|DR)\.?\s+[A-Z][A-Z'’ -]+?):?\s*$")
_COLLOQUY = re.compile(
    r"^((?:MR|MS|MRS|DR)\.\s+[A-Z][A-Z'’-]+(?:\s[A-Z][A-Z'’-]+)?|THE (?:WITNESS|COURT|REPORTER)"
    r"|THE VIDEOGRAPHER|COURT REPORTER):\s*(.*)$"
)
_WITNESS = (
    re.compile(r"^(?:VIDEOTAPED\s+)?DEPOSITION OF\s+([A-Z][A-Z.'’ -]+?)\s*$"),
    re.compile(r"^([A-Z][A-Z.'’ -]+?),\s*$"),  # the witness's name before "having been sworn"
)
_NOTE = re.compile(r"^\((?:[^()]|\([^()]*\))*\)$")  # (Recess taken.) (Exhibit 4 marked.)
_HEADING = re.compile(r"^(?:(?:RE)?(?:DIRECT |CROSS-?|REDIRECT )?EXAMINATION|EXAMINATION)\b")
_CERTIFICATE = re.compile(r"^(?:REPORTER'?S?\s+)?CERTIFICATE\b|^CERTIFICATE OF", re.IGNORECASE)


def looks_like_court(lines: list[str]) -> bool:
    """Numbered lines with ``Q.`` and ``A.`` after their numbers, and an examiner."""
    texts = [_unnumbered(line) for line in lines]
    asked = sum(bool(_QA.match(text)) for text in texts)
    numbered = sum(bool(_NUMBERED.match(line)) for line in lines)
    return asked >= 4 and numbered * 2 >= len(lines) and any(_BY.match(t) for t in texts)


def _unnumbered(line: str) -> str:
    """The line without its line number, its spaces made single."""
    found = _NUMBERED.match(line)
    return " ".join(((found[2] or "") if found else line).split())


def build(text: str, out: Builder) -> None:
    """Turns of the examining lawyer, the witness and the counsel who speak."""
    lines = text.split("\n")
    witness = _witness_of([_unnumbered(line) for line in lines]) or "WITNESS"
    examiner = "EXAMINER"
    started = False
    speaker = None
    for number, raw in enumerate(lines, start=1):
        line = _unnumbered(raw)
        if _PAGE.match(raw):
            out.drop(raw, "page header" if line else "line number", number)
            continue
        numbered = _NUMBERED.match(raw)
        if numbered:
            out.drop(numbered[1], "line number", number)
        if not line or out.skips(line, number):
            continue
        if _CERTIFICATE.match(line):
            rest = " ".join(_unnumbered(later) for later in lines[number - 1 :])
            out.drop(rest, "certificate", number)
            later = (_NUMBERED.match(raw) for raw in lines[number:])
            out.skipped += [Unspoken(n[1], "line number", number) for n in later if n]
            return
        by = _BY.match(line)
        if by:
            examiner, started, speaker = by[1], True, None
            out.label(line, "an examining lawyer (BY ...:)")
            continue
        if not started:
            out.drop(line, "caption", number)
            continue
        speaker = _line(out, line, number, examiner, witness, speaker)


def _line(
    out: Builder, line: str, number: int, examiner: str, witness: str, speaker: str | None
) -> str | None:
    """One line of testimony; who is speaking after it."""
    asked = _QA.match(line)
    said = _COLLOQUY.match(line)
    if asked:
        speaker = examiner if asked[1] == "Q" else witness
        out.label(f"{asked[1]}.", "a question or an answer (Q. / A.)")
        out.say(speaker, asked[2], TurnKind.LABEL, number, merge=False)
    elif said:
        speaker = witness if said[1] == "THE WITNESS" else said[1]
        out.label(said[1], "counsel speaking (colloquy)")
        out.say(speaker, said[2], TurnKind.LABEL, number, merge=False)
    elif _NOTE.match(line):
        out.drop(line, "proceedings note", number)
    elif _HEADING.match(line):
        out.drop(line, "examination heading", number)
    elif speaker is not None:
        out.extend(speaker, line, TurnKind.LABEL, number)
    else:
        out.drop(line, "caption", number)
    return speaker


def _witness_of(lines: list[str]) -> str | None:
    """The witness: named in ``DEPOSITION OF ...``, or on the line before "having been
    first duly sworn"."""
    for index, line in enumerate(lines):
        found = _WITNESS[0].match(line)
        if found:
            return found[1].strip()
        sworn = index + 1 < len(lines) and "sworn" in lines[index + 1].casefold()
        named = _WITNESS[1].match(line)
        if sworn and named:
            return named[1].strip()
    return None


def parse(text: str, settings: ParseSettings) -> Script:
    """The script of ``text`` in this style."""
    out = Builder("court", settings.skip)
    build(text, out)
    return out.script()

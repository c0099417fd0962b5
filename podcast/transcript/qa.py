"""The Q&A parser: transcript text -> Script of turns. Pure: knows nothing of voices or audio.

The parser reads magazine-style Q&A transcripts:

* labels ``NAME:`` in capitals or Title Case at the start of a line, the text on
  the same line or on the lines below;
* a surname label (``WILLIAMS:``) is the speaker introduced by full name earlier;
* an unlabeled line directly followed by a labeled line is the interviewer's
  question;
* an unlabeled paragraph after an answer continues that answer;
* text before the first label, and after a section break (two blank lines or a
  ``---`` rule), is narration.

Nothing is lost: every word of the input is in a turn, a label or ``skipped``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from podcast.transcript.lines import Block, blocks, normalize_newlines, strip_symbols
from podcast.transcript.model import (
    INTERVIEWER,
    NARRATOR,
    ParseSettings,
    Pattern,
    Script,
    Turn,
    TurnKind,
    Unspoken,
    is_part_of,
)

_ASKER = "\x00asker"  # placeholder speaker of a question until the interviewer is known

_LABEL = re.compile(r"^\s*(?P<name>[^\d\s_:][^:\n]{0,60}?)\s*:(?!//)\s*(?P<rest>.*)$")
_CAPS_NAME = re.compile(r"^[^\W\d_][\w .'’&#\-]*$")
_TITLE_WORD = re.compile(r"^[^\W\d_][\w'’.\-]*$")  # and its first letter a capital, any script
_DEVICE = re.compile(r"^[a-z]{1,3}[A-Z][\w\-]*$")  # iPhone, iPad, eMac: a meeting's device name
_NUMBER = re.compile(r"^\(?\d{1,3}\)?$")  # Speaker 2, iPhone (2)
_PARTICLES = {"de", "da", "di", "del", "der", "van", "von", "la", "le", "du", "dos", "bin", "al"}
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|(?:\*\s*){3,}|#{1,6})\s*$")
_TERMINAL = tuple('.!?;:,"”’)]…')
_CUE = re.compile(r"^\((?=[^()]*[A-Z]{2})[^a-z()]+\)$")  # (SOUNDBITE OF MUSIC), (LAUGHTER)
CUE_LINE_PAUSE = 600  # ms of silence before a turn where a production cue line was
_SKIP_LINES = (
    re.compile(r"^related (?:content|stories|articles|reading|links|posts|videos)\b", re.I),
    re.compile(r"^(?:photos?|photograph|image|illustration|credit)s?(?:\s+by\b|\s*:)", re.I),
    re.compile(r"^(?:getty images|courtesy of)\b", re.I),
    re.compile(r"^(?:copyright\b|©)", re.I),
    re.compile(r"^transcribed by\b", re.I),
)
_COPYRIGHT = re.compile(r"^(?:copyright\b|©|transcribed by\b)", re.I)
_CLOSING = re.compile(  # closing matter: an editor's note, the credits, the sponsors
    r"^(?:(?:this|the) (?:interview|conversation|transcript) (?:has been|was|is) "
    r"(?:edited|condensed|lightly edited)"
    r"|(?:this|today's|our) (?:episode|show|program(?:me)?|podcast) (?:was|is) "
    r"(?:produced|edited|mixed|made|hosted|recorded)\b"
    r"|(?:produced|edited|mixed|engineered|hosted|executive produced) by\b"
    r"|(?:our |the )?(?:theme )?music (?:is |was )?(?:by|from|courtesy of)\b"
    r"|support for (?:this|the|our) (?:podcast|program|show|episode) comes from\b"
    r"|you(?:'|’)ve been listening to\b|thanks? (?:you )?for listening\b)",
    re.I,
)
_INTERVIEWER_NAMES = {"interviewer", "host", "q", "question", "moderator"}


@dataclass
class _Open:
    """A turn still being read (see Turn for what each field means)."""

    speaker: str
    """The speaker, or a placeholder until the interviewer is known."""
    how: TurnKind
    """How the speaker was decided."""
    line: int
    """Where the turn starts."""
    paragraphs: list[str] = field(default_factory=list)
    """The paragraphs so far."""
    continued: int = 0
    """Unlabeled paragraphs read as the answer going on."""
    pause_before: int = 0
    """Silence for a production cue just before the turn, in ms."""
    cue_before: str = ""
    """That cue, as written."""

    def add_paragraph(self, text: str) -> None:
        self.paragraphs.append(text)

    def add_line(self, text: str) -> None:
        if self.paragraphs:
            self.paragraphs[-1] = f"{self.paragraphs[-1]} {text}"
        else:
            self.paragraphs.append(text)


def parse_qa(
    text: str,
    settings: ParseSettings | None = None,
    *,
    headings: Mapping[int, str] | None = None,
    style: str = "qa",
    directions: Sequence[Pattern] = (),
) -> Script:
    """Parse a Q&A transcript.

    ``settings.interviewer`` names the speaker who asks the questions (detected
    otherwise); ``settings.aliases`` maps extra label spellings to canonical names (from
    voices.yaml); lines matching a ``settings.skip`` pattern are never spoken;
    ``headings`` maps line numbers to section headings (from a Markdown script), which
    the narrator reads.
    """
    settings = settings or ParseSettings()
    interviewer, aliases, skip = settings.interviewer, settings.aliases, settings.skip
    lines = [line.rstrip() for line in normalize_newlines(text).split("\n")]
    labels = _accepted_labels(lines, aliases or {})
    names = _canonical_names(list(labels), aliases or {})
    walk = _Walk(names, tuple(skip), headings or {}, tuple(directions))
    found = list(blocks(lines))
    for index, block in enumerate(found):
        following = found[index + 1].lines if index + 1 < len(found) else []
        walk.next_labeled = bool(following and walk.label_of(following[0][1]))
        walk.block(block)
    turns = [t for t in walk.turns if t.paragraphs]
    guest = _letter_guest(turns, names)
    who = _find_interviewer(turns, interviewer, names)
    who = INTERVIEWER if guest and who == "Q" else who
    frozen = tuple(_freeze(t, who, guest) for t in turns)
    return Script(
        turns=frozen,
        title=walk.title,
        interviewer=who if any(t.speaker in (_ASKER, "Q") for t in turns) or interviewer else None,
        labels=tuple(walk.labels),
        skipped=tuple(walk.skipped),
        style=style if style != "qa" or not guest else "qa-letters",
        decisions=_label_decisions(labels, walk.labels, names),
    )


def _label_decisions(
    accepted: Mapping[str, str], used: list[str], names: Mapping[str, str]
) -> tuple[str, ...]:
    """Why each label that was used is one, and whose it is when it is a short form."""
    seen = {hit[1].casefold() for hit in map(split_label, (f"{u}:" for u in used)) if hit}
    found = []
    for name, why in accepted.items():
        if name.casefold() in seen:
            owner = names.get(name.casefold(), name)
            whose = f" ({owner})" if owner != name else ""
            found.append(f"'{name}:'{whose} is a label: {why}")
    return tuple(found)


def _freeze(turn: _Open, interviewer: str, guest: str | None) -> Turn:
    speaker = turn.speaker
    if speaker == _ASKER or (guest and speaker == "Q"):
        speaker = interviewer
    elif guest and speaker == "A":
        speaker = guest
    return Turn(
        speaker,
        tuple(turn.paragraphs),
        turn.how,
        turn.line,
        turn.continued,
        turn.pause_before,
        cue_before=turn.cue_before,
    )


_FULL_NAME = re.compile(r"\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+)+)\b")


def _letter_guest(turns: list[_Open], names: Mapping[str, str]) -> str | None:
    """In a ``Q:``/``A:`` interview, who ``A`` is: the full name the intro mentions
    most, else ``Guest``. None when the transcript is not one."""
    if "q" not in names or "a" not in names:
        return None
    opening = (TurnKind.TITLE, TurnKind.NARRATION)
    intro = " ".join(p for t in turns if t.how in opening for p in t.paragraphs)
    found = Counter(_FULL_NAME.findall(intro.split(" Q:")[0]))
    return found.most_common(1)[0][0] if found else "Guest"


def split_label(line: str) -> tuple[str, str, str] | None:
    """``(label, name, rest)`` when the line starts with something shaped like a label.

    ``label`` is the label as written (with any ``, ROLE``), ``name`` the speaker part.
    """
    match = _LABEL.match(line)
    if not match:
        return None
    label = match["name"].strip()
    plain = " ".join(strip_symbols(label).split())  # 🎙️ Mia Park: the emoji is no name
    name = plain.split(",", 1)[0].strip()
    if not name or _shape(plain) is None:
        return None
    return label, name, match["rest"].strip()


def _shape(label: str) -> str | None:
    parts = [part.strip() for part in label.split(",")]
    if len(parts) > 2 or not all(parts):
        return None
    shapes = {_name_shape(part) for part in parts}
    if None in shapes:
        return None
    return "caps" if shapes == {"caps"} else "title"


def _name_shape(name: str) -> str | None:
    tokens = name.split()
    if not tokens or len(tokens) > 5:
        return None
    if _CAPS_NAME.match(name) and name == name.upper() and any(c.isalpha() for c in name):
        return "caps"
    if len(tokens) <= 4 and all(_title_word(t, i) for i, t in enumerate(tokens)):
        return "title"
    return None


def _title_word(token: str, index: int) -> bool:
    """A word of a Title Case name: capitalised (any script), a device name first
    (``iPhone``), a number after the first word (``Speaker 2``), or a particle inside
    (``Jean de La Tour``)."""
    if index == 0:
        return bool((_TITLE_WORD.match(token) and token[0].isupper()) or _DEVICE.match(token))
    if _NUMBER.match(token) or token in _PARTICLES:
        return True
    return bool(_TITLE_WORD.match(token) and token[0].isupper())


def _accepted_labels(lines: list[str], aliases: Mapping[str, str]) -> dict[str, str]:
    """Names of labels to trust, in order of first appearance, and why each is one.

    Capitals are always labels; a Title Case label must occur twice, be a known
    speaker, or be the Title Case spelling of a capitals label. Once the transcript has a
    label so trusted, a full name of two or more words labels a
    one-off voice too (``Łukasz Nowak:``, ``J.R. Ramírez-Ortega, Producer:``).
    """
    found = [hit for hit in map(split_label, lines) if hit]
    counts = Counter(name.casefold() for _, name, _ in found)
    caps = {name.casefold() for label, name, _ in found if _shape(label) == "caps"}
    known = {key.casefold() for key in aliases} | {value.casefold() for value in aliases.values()}
    accepted: dict[str, tuple[str, str]] = {}
    for _, name, _ in found:
        key = name.casefold()
        if key in caps:
            accepted.setdefault(key, (name, "written in capitals"))
        elif key in known:
            accepted.setdefault(key, (name, "a speaker named in voices.yaml"))
        elif counts[key] >= 2:
            accepted.setdefault(key, (name, f"Title Case, used {counts[key]} times"))
    if accepted:
        for _, name, _ in found:
            if len(name.split()) >= 2:
                accepted.setdefault(name.casefold(), (name, "a full name among other labels"))
    return dict(accepted.values())


def _canonical_names(labels: list[str], aliases: Mapping[str, str]) -> dict[str, str]:
    """Map every accepted label (casefolded) to its speaker's canonical name.

    A one-word label is the full name it is the first or last word of; a configured
    alias is whoever its configured name resolves to.
    """
    full = [name for name in labels if len(name.split()) > 1]

    def owner(name: str) -> str:
        owners = [f for f in full if len(name.split()) == 1 and is_part_of(name, f)]
        return owners[0] if owners else name

    names = {name.casefold(): owner(name) for name in labels}
    for alias, configured in aliases.items():
        if alias.casefold() in names:
            names[alias.casefold()] = names.get(configured.casefold()) or owner(configured)
    return names


class _Walk:
    """Walks the blocks of a transcript, opening and extending turns."""

    def __init__(
        self,
        names: dict[str, str],
        skip: tuple[Pattern, ...] = (),
        headings: Mapping[int, str] | None = None,
        directions: tuple[Pattern, ...] = (),
    ) -> None:
        self.names = names
        self.skip = skip
        self.directions = directions
        self.headings = headings or {}
        self.turns: list[_Open] = []
        self.labels: list[str] = []
        self.skipped: list[Unspoken] = []
        self.title: str | None = None
        self.dialogue = False  # a label has been seen
        self.cue = ""  # a production cue skipped since the last turn began, as written
        self.section_break = False
        self.next_labeled = False  # the block after this one starts with a label

    def _open(self, turn: _Open) -> None:
        """Start a turn; a production cue just before it leaves a pause."""
        if self.cue:
            turn.pause_before = CUE_LINE_PAUSE
            turn.cue_before = self.cue
            self.cue = ""
        self.turns.append(turn)

    def label_of(self, line: str) -> tuple[str, str, str] | None:
        hit = split_label(line)
        if hit and hit[1].casefold() in self.names:
            return hit
        return None

    def block(self, block: Block) -> None:
        lines = self._drop_skipped(block.lines)
        if not lines:
            return
        count = len(self.turns)
        self._text_block(block, lines)
        if len(self.turns) == count:
            self.cue = ""  # a cue inside a turn: the paragraph break is its pause

    def _text_block(self, block: Block, lines: list[tuple[int, str]]) -> None:
        at = next((i for i, (number, _) in enumerate(lines) if number in self.headings), None)
        if at is not None:  # a heading splits its block: text before, heading, text after
            if at:
                self.block(Block(lines[:at], block.gap))
            number = lines[at][0]
            self._open(_Open(NARRATOR, TurnKind.HEADING, number, [self.headings[number]]))
            self.section_break = True
            if at + 1 < len(lines):
                self.block(Block(lines[at + 1 :], 2))
            return
        if self._is_credit(lines):
            self.skipped.extend(Unspoken(text, "photo credit", n) for n, text in lines)
            return
        brk = block.gap >= 2 or self.section_break
        self.section_break = False
        hits = [self.label_of(text) for _, text in lines]
        first = next((i for i, hit in enumerate(hits) if hit), len(lines))
        if first:
            self._lead(lines[:first], labeled_next=first < len(lines), brk=brk)
        self._labeled(lines[first:], hits[first:])

    def _drop_skipped(self, lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
        kept = []
        for number, text in lines:
            why = self._unspoken(text)
            if why:
                self.skipped.append(Unspoken(text, why, number))
            else:
                kept.append((number, text))
        return kept

    def _unspoken(self, text: str) -> str | None:
        """Why a line is never spoken, if it is not."""
        if _RULE.match(text):
            self.section_break = True
            return "section break"
        if _CUE.match(text):
            self.cue = text
            return "production cue"
        if any(p.search(text) for p in self.directions):
            return "stage direction"
        if any(p.match(text) for p in _SKIP_LINES):
            if _COPYRIGHT.match(text):  # what follows is closing matter, not the last answer
                self.section_break = True
            return "credit or link"
        if any(p.search(text) for p in self.skip):
            return "skip rule"
        return None

    def _is_credit(self, lines: list[tuple[int, str]]) -> bool:
        """A photo credit: a block of short capitalised lines with no sentence punctuation."""
        if not self.turns or self._awaiting_text():
            return False
        return all(_looks_like_credit(text) for _, text in lines)

    def _awaiting_text(self) -> bool:
        return bool(self.turns) and not self.turns[-1].paragraphs

    def _lead(self, lines: list[tuple[int, str]], *, labeled_next: bool, brk: bool) -> None:
        number, text = lines[0][0], " ".join(t for _, t in lines)
        if self._awaiting_text():
            self.turns[-1].add_paragraph(text)
        elif (labeled_next and (self.dialogue or _is_question(text))) or (
            self.next_labeled and _is_question(text)  # a question, a label the block after
        ):
            self._open(_Open(_ASKER, TurnKind.QUESTION, number, [text]))
        elif not self.turns and len(lines) == 1 and _looks_like_title(text):
            self.title = text
            self._open(_Open(NARRATOR, TurnKind.TITLE, number, [text]))
        elif self.dialogue and _CLOSING.match(text) and not self._in_narration():
            self._open(_Open(NARRATOR, TurnKind.CLOSING, number, [text]))
        elif not self.dialogue or brk or self._in_narration():
            self._narrate(number, text)
        else:
            self._continue(number, text)

    def _in_narration(self) -> bool:
        return bool(self.turns) and self.turns[-1].how in (TurnKind.NARRATION, TurnKind.CLOSING)

    def _narrate(self, number: int, text: str) -> None:
        if self._in_narration():
            self.turns[-1].add_paragraph(text)
        else:
            self._open(_Open(NARRATOR, TurnKind.NARRATION, number, [text]))

    def _continue(self, number: int, text: str) -> None:
        last = self.turns[-1]
        if last.how in (TurnKind.QUESTION, TurnKind.TITLE, TurnKind.HEADING):
            self._narrate(number, text)
            return
        last.add_paragraph(text)
        last.continued += 1

    def _labeled(self, lines: list[tuple[int, str]], hits: list) -> None:
        for i, ((number, text), hit) in enumerate(zip(lines, hits, strict=True)):
            if hit:
                self._open_labeled(number, hit)
            elif self._awaiting_text():
                self.turns[-1].add_line(text)
            elif (
                any(hits[i + 1 :])
                and _is_question(text)
                and self.turns[-1].how != TurnKind.QUESTION
            ):
                self._open(_Open(_ASKER, TurnKind.QUESTION, number, [text]))
            else:
                self.turns[-1].add_line(text)

    def _open_labeled(self, number: int, hit: tuple[str, str, str]) -> None:
        label, name, rest = hit
        self.dialogue = True
        self.labels.append(label)
        speaker = self.names[name.casefold()]
        how = TurnKind.LABEL if speaker.casefold() == name.casefold() else TurnKind.ALIAS
        if self._awaiting_text():
            self.turns.pop()  # a label with no text at all: nothing to say
        self._open(_Open(speaker, how, number, [rest] if rest else []))


def _looks_like_credit(text: str) -> bool:
    tokens = text.split()
    return (
        len(tokens) <= 4
        and not text.endswith(_TERMINAL)
        and all(token[0].isupper() or not token[0].isalpha() for token in tokens)
    )


def _looks_like_title(text: str) -> bool:
    return len(text.split()) <= 20 and not text.endswith((".", "?", "!", ":", ";", ","))


def _is_question(text: str) -> bool:
    return text.rstrip("\"”’') ").endswith("?")


def _find_interviewer(turns: list[_Open], given: str | None, names: Mapping[str, str]) -> str:
    """The labeled speaker who asks questions; ``Interviewer`` when none is labeled."""
    if given:
        return names.get(given.casefold(), given)
    labeled = [t for t in turns if t.how in (TurnKind.LABEL, TurnKind.ALIAS)]
    for turn in labeled:
        if turn.speaker.casefold() in _INTERVIEWER_NAMES:
            return turn.speaker
    asks: Counter[str] = Counter()
    said: Counter[str] = Counter()
    for index, turn in enumerate(labeled):
        said[turn.speaker] += 1
        after = labeled[index + 1] if index + 1 < len(labeled) else None
        answered = after is not None and after.speaker != turn.speaker
        asks[turn.speaker] += answered and _is_question(turn.paragraphs[-1])
    candidates = [s for s in said if asks[s] and asks[s] / said[s] >= 0.5]
    if not candidates:
        return INTERVIEWER
    return max(candidates, key=lambda s: (asks[s] / said[s], asks[s]))

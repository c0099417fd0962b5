"""Transcript text -> Script of turns. Pure: knows nothing of voices or audio.

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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

NARRATOR = "Narrator"
INTERVIEWER = "Interviewer"

_ASKER = "\x00asker"  # placeholder speaker of a question until the interviewer is known

_LABEL = re.compile(r"^\s*(?P<name>[^\W\d_][^:\n]{0,60}?)\s*:(?!//)\s*(?P<rest>.*)$")
_CAPS_NAME = re.compile(r"^[^\W\d_][\w .'’&#\-]*$")
_TITLE_WORD = re.compile(r"^[A-Z][\w'’.\-]*$")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|(?:\*\s*){3,}|#{1,6})\s*$")
_TERMINAL = tuple('.!?;:,"”’)]…')
_CUE = re.compile(r"^\((?=[^()]*[A-Z]{2})[^a-z()]+\)$")  # (SOUNDBITE OF MUSIC), (LAUGHTER)
CUE_PAUSE = 600  # ms of silence where a production cue was
_SKIP_LINES = (
    re.compile(r"^related (?:content|stories|articles|reading|links|posts|videos)\b", re.I),
    re.compile(r"^(?:photos?|photograph|image|illustration|credit)s?(?:\s+by\b|\s*:)", re.I),
    re.compile(r"^(?:getty images|courtesy of)\b", re.I),
    re.compile(r"^(?:copyright\b|©)", re.I),
)
_CLOSING = re.compile(
    r"^(?:this|the) (?:interview|conversation|transcript) (?:has been|was|is) "
    r"(?:edited|condensed|lightly edited)",
    re.I,
)
_INTERVIEWER_NAMES = {"interviewer", "host", "q", "question", "moderator"}
_WORD = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+")


@dataclass(frozen=True)
class Turn:
    """One stretch of speech by one speaker."""

    speaker: str
    """Canonical speaker name: the full label as first written, ``Narrator`` or the interviewer."""
    paragraphs: tuple[str, ...]
    """The turn's text as written, one entry per paragraph; labels removed."""
    how: str
    """How the speaker was decided: label, alias, question, narration, title or heading
    (and for other styles: cue, tag, caption, chat)."""
    line: int
    """1-based line of the transcript where the turn starts."""
    continued: int = 0
    """How many of the paragraphs were unlabeled paragraphs that continue the answer."""
    pause_before: int = 0
    """Extra silence before the turn, in ms: a production cue such as (LAUGHTER) stood here."""
    captions: tuple[str, ...] = ()
    """The paragraphs as captions show them (speakable, without pronunciation respellings);
    empty when they are the paragraphs themselves."""

    @property
    def text(self) -> str:
        """The paragraphs joined by blank lines."""
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Script:
    """A parsed transcript."""

    turns: tuple[Turn, ...]
    """Every turn, in order."""
    title: str | None = None
    """The transcript's title line, when it has one."""
    interviewer: str | None = None
    """The speaker who asks the questions, if any question was found."""
    labels: tuple[str, ...] = ()
    """Every label removed from the text (kept so nothing is silently lost)."""
    skipped: tuple[str, ...] = ()
    """Lines that are never spoken: photo credits, rules, 'Related content'."""
    style: str = "qa"
    """The transcript style that was parsed."""

    @property
    def sections(self) -> tuple[tuple[int, str], ...]:
        """Where sections start: (index of the heading's turn, the heading)."""
        return tuple((i, t.paragraphs[0]) for i, t in enumerate(self.turns) if t.how == "heading")

    @property
    def speakers(self) -> tuple[str, ...]:
        """Speakers in order of first appearance."""
        return tuple(dict.fromkeys(turn.speaker for turn in self.turns))


@dataclass
class _Block:
    lines: list[tuple[int, str]]
    gap: int  # blank lines before the block


@dataclass
class _Open:
    speaker: str
    how: str
    line: int
    paragraphs: list[str] = field(default_factory=list)
    continued: int = 0
    pause_before: int = 0

    def add_paragraph(self, text: str) -> None:
        self.paragraphs.append(text)

    def add_line(self, text: str) -> None:
        if self.paragraphs:
            self.paragraphs[-1] = f"{self.paragraphs[-1]} {text}"
        else:
            self.paragraphs.append(text)


def split_long(text: str, max_words: int) -> list[str]:
    """Split text at sentence ends into pieces of at most about ``max_words`` words;
    a sentence longer than that is cut between words."""
    pieces: list[str] = []
    current: list[str] = []
    count = 0
    for sentence in _sentences(text, max_words):
        size = len(sentence.split())
        if current and count + size > max_words:
            pieces.append(" ".join(current))
            current, count = [], 0
        current.append(sentence)
        count += size
    if current:
        pieces.append(" ".join(current))
    return [piece for piece in pieces if piece.strip()]


def _sentences(text: str, max_words: int) -> Iterator[str]:
    for sentence in _SENTENCE_END.split(text.strip()):
        tokens = sentence.split()
        for start in range(0, max(len(tokens), 1), max_words):
            yield " ".join(tokens[start : start + max_words])


def words(text: str) -> list[str]:
    """The word tokens of a text, for checking that nothing was lost."""
    return _WORD.findall(text)


def normalize_newlines(text: str) -> str:
    """Windows and old-Mac line endings to ``\\n``; drop a byte-order mark."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse(
    text: str,
    *,
    interviewer: str | None = None,
    aliases: Mapping[str, str] | None = None,
    skip: Sequence[re.Pattern[str]] = (),
    headings: Mapping[int, str] | None = None,
    style: str = "qa",
) -> Script:
    """Parse a Q&A transcript.

    ``interviewer`` names the speaker who asks the questions (detected otherwise);
    ``aliases`` maps extra label spellings to canonical names (from voices.yaml);
    lines matching a ``skip`` pattern are never spoken; ``headings`` maps line numbers
    to section headings (from a Markdown script), which the narrator reads.
    """
    lines = [line.rstrip() for line in normalize_newlines(text).split("\n")]
    labels = _accepted_labels(lines, aliases or {})
    names = _canonical_names(labels, aliases or {})
    walk = _Walk(names, tuple(skip), headings or {})
    for block in _blocks(lines):
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
    )


def _freeze(turn: _Open, interviewer: str, guest: str | None) -> Turn:
    speaker = turn.speaker
    if speaker == _ASKER or (guest and speaker == "Q"):
        speaker = interviewer
    elif guest and speaker == "A":
        speaker = guest
    return Turn(
        speaker, tuple(turn.paragraphs), turn.how, turn.line, turn.continued, turn.pause_before
    )


_FULL_NAME = re.compile(r"\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+)+)\b")


def label_warnings(script: Script) -> list[str]:
    """Labels that look like typos of another speaker's, and speakers heard only once."""
    counts = Counter(turn.speaker for turn in script.turns)
    names = list(counts)
    found = []
    for name in names:
        others = [n for n in names if n != name and n != NARRATOR]
        near = _near_name(name, others)
        if near and counts[name] < counts[near]:
            found.append(
                f"label '{name}' looks like a typo of '{near}'; "
                "fix it, or list it under that speaker's aliases in voices.yaml"
            )
        elif counts[name] == 1 and name != NARRATOR and len(names) > 2:
            turn = next(i for i, t in enumerate(script.turns, 1) if t.speaker == name)
            found.append(f"{name} speaks only once (turn {turn}); check the label")
    return found


def _near_name(name: str, others: list[str]) -> str | None:
    """Another speaker whose name, or a word of it, is one slip away from ``name``."""
    import difflib

    key = name.casefold()
    for other in others:
        candidates = [other.casefold(), *other.casefold().split()]
        if key in candidates or re.sub(r"\d+", "", key) == re.sub(r"\d+", "", other.casefold()):
            continue  # SPEAKER 1 and SPEAKER 2 are different people, not typos
        if any(difflib.SequenceMatcher(None, key, c).ratio() >= 0.8 for c in candidates):
            return other
    return None


def guesses(script: Script) -> list[str]:
    """Attributions the parser inferred rather than read off a label."""
    questions = [i for i, t in enumerate(script.turns, 1) if t.how == "question"]
    continued = [i for i, t in enumerate(script.turns, 1) if t.continued]
    found = []
    if questions:
        what = "a question" if len(questions) == 1 else "questions"
        found.append(f"{_numbers(questions)}: no label; read as {what} from {script.interviewer}")
    if continued:
        found.append(f"{_numbers(continued)}: unlabeled paragraphs read as the answer going on")
    return found


def _numbers(turns: list[int]) -> str:
    return ("turn " if len(turns) == 1 else "turns ") + ", ".join(map(str, turns))


def _letter_guest(turns: list[_Open], names: Mapping[str, str]) -> str | None:
    """In a ``Q:``/``A:`` interview, who ``A`` is: the full name the intro mentions
    most, else ``Guest``. None when the transcript is not one."""
    if "q" not in names or "a" not in names:
        return None
    intro = " ".join(p for t in turns if t.how in ("title", "narration") for p in t.paragraphs)
    found = Counter(_FULL_NAME.findall(intro.split(" Q:")[0]))
    return found.most_common(1)[0][0] if found else "Guest"


def _blocks(lines: list[str]) -> Iterator[_Block]:
    current: list[tuple[int, str]] = []
    gap = 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            current.append((number, line.strip()))
            continue
        if current:
            yield _Block(current, gap)
            current, gap = [], 0
        gap += 1
    if current:
        yield _Block(current, gap)


def split_label(line: str) -> tuple[str, str, str] | None:
    """``(label, name, rest)`` when the line starts with something shaped like a label.

    ``label`` is the label as written (with any ``, ROLE``), ``name`` the speaker part.
    """
    match = _LABEL.match(line)
    if not match:
        return None
    label = match["name"].strip()
    name = label.split(",", 1)[0].strip()
    if not name or _shape(label) is None:
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
    if len(tokens) <= 4 and all(_TITLE_WORD.match(token) for token in tokens):
        return "title"
    return None


def _accepted_labels(lines: list[str], aliases: Mapping[str, str]) -> list[str]:
    """Names of labels to trust, in order of first appearance.

    Capitals are always labels; a Title Case label must occur twice, be a known
    speaker, or be the Title Case spelling of a capitals label.
    """
    found = [hit for hit in map(split_label, lines) if hit]
    counts = Counter(name.casefold() for _, name, _ in found)
    caps = {name.casefold() for label, name, _ in found if _shape(label) == "caps"}
    known = {key.casefold() for key in aliases} | {value.casefold() for value in aliases.values()}
    accepted: dict[str, str] = {}
    for _, name, _ in found:
        key = name.casefold()
        if key in caps or counts[key] >= 2 or key in known:
            accepted.setdefault(key, name)
    return list(accepted.values())


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


def is_part_of(short: str, full: str) -> bool:
    """True when ``short`` is the first or last word of ``full`` (case-insensitive)."""
    tokens = full.casefold().split()
    return short.casefold() in (tokens[0], tokens[-1])


class _Walk:
    """Walks the blocks of a transcript, opening and extending turns."""

    def __init__(
        self,
        names: dict[str, str],
        skip: tuple[re.Pattern[str], ...] = (),
        headings: Mapping[int, str] | None = None,
    ) -> None:
        self.names = names
        self.skip = skip
        self.headings = headings or {}
        self.turns: list[_Open] = []
        self.labels: list[str] = []
        self.skipped: list[str] = []
        self.title: str | None = None
        self.dialogue = False  # a label has been seen
        self.cue = False  # a production cue was skipped since the last turn began
        self.section_break = False

    def _open(self, turn: _Open) -> None:
        """Start a turn; a production cue just before it leaves a pause."""
        if self.cue:
            turn.pause_before = CUE_PAUSE
            self.cue = False
        self.turns.append(turn)

    def label_of(self, line: str) -> tuple[str, str, str] | None:
        hit = split_label(line)
        if hit and hit[1].casefold() in self.names:
            return hit
        return None

    def block(self, block: _Block) -> None:
        lines = self._drop_skipped(block.lines)
        if not lines:
            return
        count = len(self.turns)
        self._text_block(block, lines)
        if len(self.turns) == count:
            self.cue = False  # a cue inside a turn: the paragraph break is its pause

    def _text_block(self, block: _Block, lines: list[tuple[int, str]]) -> None:
        at = next((i for i, (number, _) in enumerate(lines) if number in self.headings), None)
        if at is not None:  # a heading splits its block: text before, heading, text after
            if at:
                self.block(_Block(lines[:at], block.gap))
            number = lines[at][0]
            self._open(_Open(NARRATOR, "heading", number, [self.headings[number]]))
            self.section_break = True
            if at + 1 < len(lines):
                self.block(_Block(lines[at + 1 :], 2))
            return
        if self._is_credit(lines):
            self.skipped.extend(text for _, text in lines)
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
            if _RULE.match(text):
                self.section_break = True
                self.skipped.append(text)
            elif _CUE.match(text):
                self.skipped.append(text)
                self.cue = True
            elif any(p.match(text) for p in _SKIP_LINES) or any(p.search(text) for p in self.skip):
                self.skipped.append(text)
            else:
                kept.append((number, text))
        return kept

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
        elif labeled_next and (self.dialogue or _is_question(text)):
            self._open(_Open(_ASKER, "question", number, [text]))
        elif not self.turns and len(lines) == 1 and _looks_like_title(text):
            self.title = text
            self._open(_Open(NARRATOR, "title", number, [text]))
        elif not self.dialogue or brk or _CLOSING.match(text) or self._in_narration():
            self._narrate(number, text)
        else:
            self._continue(number, text)

    def _in_narration(self) -> bool:
        return bool(self.turns) and self.turns[-1].how == "narration"

    def _narrate(self, number: int, text: str) -> None:
        if self._in_narration():
            self.turns[-1].add_paragraph(text)
        else:
            self._open(_Open(NARRATOR, "narration", number, [text]))

    def _continue(self, number: int, text: str) -> None:
        last = self.turns[-1]
        if last.how in ("question", "title", "heading"):
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
            elif any(hits[i + 1 :]) and _is_question(text) and self.turns[-1].how != "question":
                self._open(_Open(_ASKER, "question", number, [text]))
            else:
                self.turns[-1].add_line(text)

    def _open_labeled(self, number: int, hit: tuple[str, str, str]) -> None:
        label, name, rest = hit
        self.dialogue = True
        self.labels.append(label)
        speaker = self.names[name.casefold()]
        how = "label" if speaker.casefold() == name.casefold() else "alias"
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
    labeled = [t for t in turns if t.how in ("label", "alias")]
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

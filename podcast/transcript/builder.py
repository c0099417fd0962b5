"""What every parser but Q&A builds its script with: turns, labels, text never spoken,
and the decisions worth explaining. Pure."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from podcast.transcript.lines import blocks
from podcast.transcript.model import NARRATOR, Pattern, Script, Turn, TurnKind, Unspoken

UNKNOWN_SPEAKER = "Speaker"


@dataclass
class Builder:
    """Collects turns, labels and skipped text for the non-Q&A parsers."""

    style: str
    """The style being parsed."""
    skip: Sequence[Pattern] = ()
    """voices.yaml's ``skip:`` patterns."""
    turns: list[Turn] = field(default_factory=list)
    """The turns so far."""
    labels: list[str] = field(default_factory=list)
    """Labels removed from the text."""
    skipped: list[Unspoken] = field(default_factory=list)
    """Text that is never spoken, and why."""
    title: str | None = None
    """The transcript's title when it stands apart from the turns (an export's header)."""
    kinds: dict[str, list[str]] = field(default_factory=dict)
    """Labels by what made them labels ("a character cue"), in order of first use."""

    def label(self, text: str, why: str) -> None:
        """Record a label removed from the text, and what made it one."""
        self.labels.append(text)
        self.kinds.setdefault(why, []).append(text)

    def drop(self, text: str, why: str, line: int = 0) -> None:
        """Record text that is not spoken."""
        text = text.strip()
        if text:
            self.skipped.append(Unspoken(text, why, line))

    def skips(self, line: str, number: int = 0) -> bool:
        """True (and the line recorded) when voices.yaml says never to speak it."""
        if any(p.search(line) for p in self.skip):
            self.drop(line, "skip rule", number)
            return True
        return False

    def say(self, speaker: str, text: str, how: TurnKind, line: int, merge: bool = True) -> None:
        """Add text to the speaker's turn: the last one when it is theirs (and ``merge``)."""
        text = " ".join(text.split())
        if not text:
            return
        last = self.turns[-1] if self.turns else None
        if merge and last and last.speaker == speaker and last.how == how:
            self.turns[-1] = Turn(speaker, (*last.paragraphs, text), how, last.line)
        else:
            self.turns.append(Turn(speaker, (text,), how, line))

    def extend(self, speaker: str, text: str, how: TurnKind, line: int) -> None:
        """Add text to the speaker's running paragraph (a new turn when another spoke)."""
        text = " ".join(text.split())
        last = self.turns[-1] if self.turns else None
        if not text or not (last and last.speaker == speaker and last.how == how):
            self.say(speaker, text, how, line)
            return
        joined = f"{last.paragraphs[-1]} {text}"
        self.turns[-1] = Turn(speaker, (*last.paragraphs[:-1], joined), how, last.line)

    def script(self) -> Script:
        title = self.turns[0].text if self.turns and self.turns[0].how == TurnKind.TITLE else None
        decisions = tuple(
            f"{_count(len(found), 'label')} from {why}, such as '{found[0]}'"
            for why, found in self.kinds.items()
        )
        return Script(
            tuple(self.turns),
            self.title or title,
            None,
            tuple(self.labels),
            tuple(self.skipped),
            self.style,
            decisions,
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def text_blocks(text: str) -> Iterator[list[tuple[int, str]]]:
    """The lines of every blank-line separated block."""
    return (block.lines for block in blocks(text.split("\n")))


def narrate(out: Builder, text: str, how: TurnKind, number: int, narration: bool) -> None:
    if narration:
        out.say(NARRATOR, text, how, number, merge=how == TurnKind.NARRATION)
    else:
        out.drop(text, "narration: false", number)

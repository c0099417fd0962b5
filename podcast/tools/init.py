"""`podcast init`: a commented voices.yaml for a transcript; never loses the old one."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from podcast.config.cast import cast
from podcast.config.load import load
from podcast.config.model import Speaker, Voice, VoiceBook
from podcast.engines import DEFAULT, create, kind_of
from podcast.errors import ConfigError, InputError, OutputError
from podcast.files import write_text
from podcast.transcript.model import NARRATOR, Script, find_speaker, is_part_of
from podcast.transcript.read import read


@dataclass(frozen=True)
class Initialized:
    """What `podcast init` wrote."""

    path: Path
    """The voices file."""
    speakers: tuple[str, ...]
    """The speakers it configures (the narrator not counted)."""
    backup: Path | None
    """Where the file it replaced was kept, if it replaced one."""
    natural: tuple[str, ...] = ()
    """With ``--engine piper``: the speakers given a Piper voice (the most heard first);
    the others keep eSpeak NG voices when there are fewer Piper voices than speakers."""


def init_voices(
    transcript: Path,
    path: Path,
    genders: dict[str, str] | None = None,
    force: bool = False,
    engine: str = DEFAULT,
) -> Initialized:
    """Write a starter voices file at ``path`` for ``transcript``.

    ``genders`` maps speaker names (or surnames) to female or male; a natural
    ``engine`` (piper) gives the speakers heard most its voices installed, one each.
    """
    if path.exists() and not force:
        raise OutputError(f"{path}: already exists; add --force to replace it (kept as .bak)")
    old = _old_book(path)
    script, _ = read(transcript, settings=old.parse_settings())
    resolved = {_speaker_named(script, name): gender for name, gender in (genders or {}).items()}
    natural = _natural_voices(script, installed_voices(engine) if kind_of(engine).natural else [])
    text = starter(script, transcript.name, resolved, old, natural)
    backup = write_voices_file(path, text, force)
    speakers = tuple(s for s in script.speakers if s != NARRATOR)
    return Initialized(path, speakers, backup, tuple(natural))


def installed_voices(engine: str) -> list[str]:
    """Every voice of ``engine`` installed, as voices.yaml names them (each speaker of a
    multi-speaker model its own voice)."""
    found = []
    for info in create(engine).voices():
        count = info.speakers
        found += [info.name] if count == 1 else [f"{info.name}#{n}" for n in range(count)]
    return found


def _natural_voices(script: Script, names: list[str]) -> dict[str, str]:
    """The given voices for the speakers with the most turns, one each."""
    counts = Counter(turn.speaker for turn in script.turns if turn.speaker != NARRATOR)
    ranked = sorted(counts, key=lambda speaker: -counts[speaker])
    return dict(zip(ranked, names, strict=False))


def _old_book(path: Path) -> VoiceBook:
    """The voices file being replaced, to keep its settings; the defaults if it is broken."""
    try:
        return load(path) if path.is_file() else VoiceBook()
    except ConfigError:
        return VoiceBook()


def _speaker_named(script: Script, name: str) -> str:
    found = find_speaker(name, script.speakers)
    if found:
        return found
    known = ", ".join(s for s in script.speakers if s != NARRATOR)
    raise InputError(f"no speaker '{name}' in the transcript; the speakers are: {known}")


def aliases(script: Script) -> dict[str, list[str]]:
    """Every speaker's other labels (``OKAFOR`` for ``DANA OKAFOR``), in order of use."""
    found: dict[str, list[str]] = {name: [] for name in script.speakers}
    for label in dict.fromkeys(script.labels):
        if label in found:
            continue
        owner = next((s for s in script.speakers if is_part_of(label, s)), None)
        if owner and owner != label:
            found[owner].append(label)
    return found


def starter(
    script: Script,
    name: str,
    genders: dict[str, str],
    old: VoiceBook,
    natural: dict[str, str] | None = None,
) -> str:
    """voices.yaml text for ``script``: every speaker with a distinct voice, commented.

    ``genders`` maps speaker names to female or male; genders and voices already set in
    ``old`` are kept; ``natural`` gives speakers voices of another engine (Piper).
    """
    natural = natural or {}
    genders = {**{s.name: s.gender for s in old.speakers if s.gender}, **genders}
    book = _with_genders(old, script.speakers, genders)
    voices = cast(book, script.speakers)
    counts = {speaker: 0 for speaker in script.speakers}
    for turn in script.turns:
        counts[turn.speaker] += 1
    lines = [*_HEADER.format(name=name).splitlines(), ""]
    lines += _voice_block("defaults", "every speaker starts from these", old.defaults, True)
    lines += _voice_block("narrator", "reads the title, intro and closing lines", old.narrator)
    if script.interviewer:
        lines += [f"interviewer: {_quote(script.interviewer)}   # asks the unlabeled questions", ""]
    lines += ["speakers:   # names match the transcript's labels, in any case"]
    others = aliases(script)
    for speaker in script.speakers:
        if speaker == NARRATOR:
            continue
        voice = voices[speaker]
        lines.append(f"  {_quote(speaker)}:   # {counts[speaker]} turns")
        if speaker in natural:
            lines.append(f"    voice: {natural[speaker]}   # Piper: rate and volume, no pitch")
            lines.append(f"    rate: {voice.rate}")
        else:
            lines.append(f"    voice: {voice.voice}")
            lines.append(f"    rate: {voice.rate}")
            lines.append(f"    pitch: {voice.pitch}")
        if others.get(speaker):
            lines.append(f"    aliases: [{', '.join(_quote(a) for a in others[speaker])}]")
        if genders.get(speaker):
            lines.append(f"    gender: {genders[speaker]}   # for a voice chosen for you")
    pauses = old.pauses
    lines += [
        "",
        "pauses:   # milliseconds of silence",
        f"  paragraph: {pauses.paragraph}   # between paragraphs of one turn",
        f"  turn: {pauses.turn}   # between two turns of the same speaker",
        f"  speaker_change: {pauses.speaker_change}   # when another speaker takes over",
    ]
    return "\n".join(lines) + "\n"


_HEADER = """\
# Voices for {name}, written by `podcast init`.
# Edit and render again: only the turns whose voice changed are synthesized again.
# `podcast voices` lists the voices and variants (voice+variant: en-us+f3);
# `podcast audition {name}` renders a short sample of every speaker.
# rate: words per minute (80-450); pitch: 0-99; volume: 0-1."""


def _voice_block(key: str, comment: str, voice: Voice, volume: bool = False) -> list[str]:
    lines = [f"{key}:   # {comment}", f"  voice: {voice.voice}", f"  rate: {voice.rate}"]
    lines.append(f"  pitch: {voice.pitch}")
    if volume:
        lines.append(f"  volume: {voice.volume:g}")
    return [*lines, ""]


def _with_genders(old: VoiceBook, names: Iterable[str], genders: dict[str, str]) -> VoiceBook:
    """The old book with every speaker's gender set (new entries for unconfigured ones)."""
    speakers = [replace(s, gender=genders.get(s.name, s.gender)) for s in old.speakers]
    for name in names:
        if name in genders and old.speaker(name) is None:
            speakers.append(Speaker(name, old.defaults, (), genders[name]))
    return replace(old, speakers=tuple(speakers))


def _quote(name: str) -> str:
    """A YAML-safe scalar: JSON strings are valid YAML."""
    return json.dumps(name, ensure_ascii=False)


def write_voices_file(path: Path, text: str, force: bool) -> Path | None:
    """Write ``text`` to ``path`` atomically. An existing file is only replaced with
    ``force``, and is then kept as ``<name>.bak``; returns that backup's path."""
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name such as {path / 'voices.yaml'}")
    if path.exists() and not force:
        raise OutputError(f"{path}: already exists; add --force to replace it (kept as .bak)")
    backup = path.with_name(path.name + ".bak") if path.exists() else None
    write_text(path, text, (lambda _: shutil.copy2(path, backup)) if backup else None)
    return backup

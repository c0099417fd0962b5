"""`podcast init`: a commented voices.yaml for a transcript; never loses the old one."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from podcast.config.cast import Palette
from podcast.config.load import load
from podcast.config.model import Speaker, Voice, VoiceBook
from podcast.engines import EngineKind, Engines, kind_of, palette, palette_of
from podcast.errors import ConfigError, InputError, OutputError
from podcast.files import write_text
from podcast.source import cast_script, prepare
from podcast.transcript.model import NARRATOR, Script, find_speaker, is_part_of


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
    """The speakers given natural voices (others keep eSpeak NG's when there are fewer
    natural voices than speakers)."""


def init_voices(
    transcript: Path,
    path: Path,
    genders: dict[str, str] | None = None,
    force: bool = False,
    engine: str | None = None,
) -> Initialized:
    """Write a starter voices file at ``path`` for ``transcript``: every speaker and the
    narrator a voice of their own, each with the settings its engine has.

    ``genders`` maps speaker names (or surnames) to female or male (else the transcript
    tells, as far as it can); ``engine``: the engine whose voices to cast (a natural
    one: every voice of it installed; ``espeak``: eSpeak NG's); None: natural voices
    when an engine of them is installed, else eSpeak NG's.
    """
    if path.exists() and not force:
        raise OutputError(f"{path}: already exists; add --force to replace it (kept as .bak)")
    old = _old_book(path)
    script = prepare(transcript, old).script
    resolved = {_speaker_named(script, name): gender for name, gender in (genders or {}).items()}
    genders = {**{s.name: s.gender for s in old.speakers if s.gender}, **resolved}
    book = _with_genders(old, script.speakers, genders)
    book, voices = cast_script(book, script, _palette(engine, book))
    text = starter(script, transcript.name, genders, book, voices)
    backup = write_voices_file(path, text, force)
    speakers = tuple(s for s in script.speakers if s != NARRATOR)
    natural = tuple(s for s in speakers if kind_of(Engines().kind(voices[s])).natural)
    return Initialized(path, speakers, backup, natural)


def _palette(engine: str | None, book: VoiceBook) -> Palette | None:
    """The voices to cast from: those of ``engine``, else natural ones where installed
    (as a render would give them, whatever default voice the old file named)."""
    if engine is None:
        return palette(replace(book.defaults, given=frozenset()), Engines())
    return palette_of(engine) if kind_of(engine).natural else None


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
    script: Script, name: str, genders: dict[str, str], book: VoiceBook, voices: dict[str, Voice]
) -> str:
    """voices.yaml text for ``script``: every speaker with their voice in ``voices``,
    each with only the settings its engine has, commented."""
    counts = {speaker: 0 for speaker in script.speakers}
    for turn in script.turns:
        counts[turn.speaker] += 1
    natural = any(_kind(voice).natural for voice in voices.values())
    lines = [*_HEADER.format(name=name).splitlines(), ""]
    lines += _defaults_block(book.defaults, natural)
    lines += _voice_block("narrator", "reads the title, intro and closing lines", book.narrator)
    lines.insert(-1, "  # name: Ada Quill   # named, the feed lists the narrator as a person")
    if script.interviewer:
        lines += [f"interviewer: {_quote(script.interviewer)}   # asks the unlabeled questions", ""]
    lines += ["speakers:   # names match the transcript's labels, in any case"]
    others = aliases(script)
    for speaker in script.speakers:
        if speaker == NARRATOR:
            continue
        lines.append(f"  {_quote(speaker)}:   # {counts[speaker]} turns")
        lines += _settings(voices[speaker], "    ")
        if others.get(speaker):
            lines.append(f"    aliases: [{', '.join(_quote(a) for a in others[speaker])}]")
        if genders.get(speaker):
            lines.append(f"    gender: {genders[speaker]}   # for a voice chosen for you")
    pauses = book.pauses
    lines += [
        "",
        "pauses:   # milliseconds of silence",
        f"  paragraph: {pauses.paragraph}   # between paragraphs of one turn",
        f"  turn: {pauses.turn}   # between two turns of the same speaker",
        f"  speaker_change: {pauses.speaker_change}   # when another speaker takes over "
        "(the centre: sooner after a question, later after a long answer)",
        f"  spread: {pauses.spread}   # how far gaps stray from their centres (0: never)",
        f"  overlap: {pauses.overlap}   # how long a speaker talks over a turn that breaks off",
        "",
        "# The listener's short reactions (mm-hm, right) under a long answer, quiet and sparse:",
        "# reactions: all   # or a list of the speakers who react",
        "# A cue's own sound, played where [laughs] or (APPLAUSE) stands (else a short pause):",
        "# sounds: {laughs: laugh.wav, applause: applause.wav}",
    ]
    return "\n".join(lines) + "\n"


def _kind(voice: Voice) -> EngineKind:
    return kind_of(Engines().kind(voice))


def _settings(voice: Voice, indent: str) -> list[str]:
    """The voice and the settings its engine has (no pitch for a neural voice)."""
    kind = _kind(voice)
    lines = [f"{indent}voice: {voice.voice}" + (f"   # {kind.label}" if kind.natural else "")]
    lines.append(f"{indent}rate: {voice.rate}")
    if "pitch" in kind.settings:
        lines.append(f"{indent}pitch: {voice.pitch}")
    return lines


_HEADER = """\
# Voices for {name}, written by `podcast init`.
# Edit and render again: only the turns whose voice changed are synthesized again.
# `podcast voices` lists the voices and variants (voice+variant: en-us+f3);
# `podcast audition {name}` renders a short sample of every speaker.
# rate: words per minute (80-450); pitch: 0-99; volume: 0-1."""


def _voice_block(key: str, comment: str, voice: Voice) -> list[str]:
    return [f"{key}:   # {comment}", *_settings(voice, "  "), ""]


def _defaults_block(defaults: Voice, natural: bool) -> list[str]:
    """Settings every speaker starts from; with a natural cast, no voice (a default voice
    would give speakers added later its engine's voices instead of natural ones)."""
    lines = ["defaults:   # every speaker starts from these"]
    if not natural:
        lines.append(f"  voice: {defaults.voice}")
    lines += [f"  rate: {defaults.rate}", f"  pitch: {defaults.pitch}"]
    return [*lines, f"  volume: {defaults.volume:g}", ""]


def _with_genders(old: VoiceBook, names: Iterable[str], genders: dict[str, str]) -> VoiceBook:
    """The old book with every speaker's gender set (new entries for unconfigured ones)."""
    speakers = [replace(s, gender=genders.get(s.name, s.gender)) for s in old.speakers]
    for name in names:
        if name in genders and old.speaker(name) is None:
            speakers.append(Speaker(name, old.defaults, (), genders[name]))
    return replace(old, speakers=tuple(speakers))


def _free_backup(path: Path) -> Path:
    """``<name>.bak``, or the first of ``<name>.bak.2``, ``.bak.3``, ... not taken."""
    backup = path.with_name(path.name + ".bak")
    number = 2
    while backup.exists() or backup.is_symlink():
        backup = path.with_name(f"{path.name}.bak.{number}")
        number += 1
    return backup


def _quote(name: str) -> str:
    """A YAML-safe scalar: JSON strings are valid YAML."""
    return json.dumps(name, ensure_ascii=False)


def write_voices_file(path: Path, text: str, force: bool) -> Path | None:
    """Write ``text`` to ``path`` atomically. An existing file is only replaced with
    ``force``, and is then kept as ``<name>.bak`` (``.bak.2``, ``.bak.3``, ... when that
    is taken: no backup ever replaces another); returns that backup's path."""
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name such as {path / 'voices.yaml'}")
    if path.exists() and not force:
        raise OutputError(f"{path}: already exists; add --force to replace it (kept as .bak)")
    backup = _free_backup(path) if path.exists() else None
    write_text(path, text, (lambda _: shutil.copy2(path, backup)) if backup else None)
    return backup

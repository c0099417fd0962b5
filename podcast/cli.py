"""The `podcast` command: click commands, each a few lines over the library."""

from __future__ import annotations

import functools
import json
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from podcast import (
    BatchFailed,
    BatchResult,
    Options,
    PodcastError,
    Report,
    VoiceInfo,
    __version__,
    audition,
    catalogue,
    init_voices,
    load_transcript,
    run_batch,
    summary,
    write_feed,
)
from podcast.audio.codec import FORMATS
from podcast.config.load import find_voices_file, load
from podcast.config.model import Preset
from podcast.engines import DEFAULT, kind_of, kinds, listed
from podcast.errors import CheckFailed
from podcast.plan import reactions_heard
from podcast.production.store import Cache, default_dir
from podcast.render import BITRATES, DEFAULT_BITRATE, output_of, render, split_formats
from podcast.text import counted, first_words
from podcast.timing import explained
from podcast.tools.audition import FOLDER
from podcast.tools.check import Checked, check_episode, report_lines
from podcast.transcript.notes import guesses, not_spoken, read_as
from podcast.transcript.styles import NAMES, STYLES

FILE = click.Path(path_type=Path, dir_okay=True)
VOICES = click.option(
    "--voices", type=click.Path(path_type=Path), help="voices.yaml to use (default: ./voices.yaml)."
)
STYLE = click.option(
    "--format",
    "style",
    type=click.Choice(STYLES),
    help="Transcript style (default: detected).",
)
ENGINE = click.option("--engine", type=click.Choice(tuple(kinds())), default=DEFAULT, hidden=True)


class Terminated(Exception):
    """SIGTERM arrived: stop like Ctrl-C, with exit code 143."""


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated


INTERRUPTED = (
    "Interrupted: nothing was written; finished clips are cached, so a new render resumes."
)
BATCH_STOPPED = (
    "Interrupted: the episodes finished so far are kept, no half-written file is left; "
    "run the batch again to make the rest."
)
STOPPED = "Interrupted: nothing was written."


def _interrupted() -> str:
    """What an interruption left: a render has clips to resume from, a batch the
    episodes it finished."""
    name = click.get_current_context().info_name
    return {"render": INTERRUPTED, "batch": BATCH_STOPPED}.get(name or "", STOPPED)


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Report errors as one line per problem and an exit code; never a traceback
    (unless --debug, for errors that are bugs rather than bad input)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        signal.signal(signal.SIGTERM, _terminate)
        try:
            return command(*args, **kwargs)
        except PodcastError as error:
            for line in str(error).splitlines():
                click.echo(f"Error: {line}", err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo(_interrupted(), err=True)
            sys.exit(130)
        except Terminated:
            click.echo(_interrupted(), err=True)
            sys.exit(143)
        except BrokenPipeError:  # `podcast turns ... | head`: the reader has gone
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except Exception as error:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            click.echo(f"Error: unexpected {type(error).__name__}: {error}", err=True)
            click.echo("This is a bug: run with 'podcast --debug ...' and report it.", err=True)
            sys.exit(70)

    return wrapper


@click.group()
@click.version_option(__version__, prog_name="podcast")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
def main(debug: bool) -> None:
    """Render interview transcripts into multi-voice podcast episodes, offline."""


@main.command(name="render")
@click.argument("transcript", type=FILE)
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="Episode file to write (a folder with / at the end: <name>.mp3 in it).",
)
@VOICES
@click.option(
    "--bitrate", type=click.Choice([str(b) for b in BITRATES]), default=str(DEFAULT_BITRATE)
)
@click.option("-j", "--jobs", type=click.IntRange(1, 64), help="Engine processes (default: cores).")
@click.option("--no-cache", is_flag=True, help="Make every clip and segment again.")
@click.option(
    "--cache-max",
    type=click.IntRange(0),
    metavar="MB",
    help="The most the cache may hold (default: $PODCAST_CACHE_MAX_MB, else 2048).",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(STYLES + FORMATS),
    help="Transcript style (qa, markdown, ...; default: detected) or audio format "
    "(mp3, wav, flac, ogg, opus, m4a, m4b; default: the -o extension). May be given twice.",
)
@click.option(
    "--check", "then_check", is_flag=True, help="Then check the episode (see podcast check)."
)
@click.option(
    "--split",
    type=click.Choice(["chapters"]),
    help="Also write one MP3 file per chapter beside the episode (NAME-01.mp3, ...).",
)
@ENGINE
@friendly
def render_command(
    transcript: Path,
    output: str | None,
    voices: Path | None,
    bitrate: str,
    jobs: int | None,
    no_cache: bool,
    cache_max: int | None,
    formats: tuple[str, ...],
    then_check: bool,
    split: str | None,
    engine: str,
) -> None:
    """Render TRANSCRIPT to output/<name>.mp3."""
    style, fmt = split_formats(formats)
    with tqdm(total=0, unit="turn", desc="Rendering", leave=False, disable=None) as bar:
        options = Options(
            voices=voices,
            engine=engine,
            bitrate=int(bitrate),
            jobs=jobs,
            style=style,
            fmt=fmt,
            use_cache=not no_cache,
            cache_bound=None if cache_max is None else cache_max * 2**20,
            split=split is not None,
        )
        episode = output_of(output, transcript, fmt)
        result = render(transcript, episode, options, progress=functools.partial(_advance, bar))
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if result.advice:
        click.echo(f"Note: {result.advice}", err=True)
    click.echo(summary(result))
    if then_check:
        _report(check_episode(result.output, result.preset, result.as_written, jobs), False)


def _advance(bar: tqdm, done: int, total: int) -> None:
    bar.total = total
    bar.n = done
    bar.refresh()


@main.command()
@click.argument("transcript", type=FILE)
@VOICES
@STYLE
@click.option("--json", "as_json", is_flag=True, help="Print the turns as a JSON array.")
@friendly
def turns(transcript: Path, voices: Path | None, style: str | None, as_json: bool) -> None:
    """Show who says what in TRANSCRIPT, as it will be spoken, and how it was decided."""
    loaded = load_transcript(transcript, voices, style)
    for warning in loaded.warnings:
        click.echo(f"Warning: {warning}", err=True)
    script = loaded.script
    if as_json:
        rows = [{"speaker": t.speaker, "text": t.text} for t in script.turns]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    why = script.decisions[0].removeprefix("style: ") if script.decisions else ""
    chosen = "--format" if style else f"detected: {why}"
    click.echo(f"Style: {NAMES[script.style]} ({chosen})")
    width = max(len(s) for s in script.speakers)
    for number, turn in enumerate(script.turns, start=1):
        how = f"{turn.how}+cont" if turn.continued else turn.how
        click.echo(f"{number:>4}  {turn.speaker:<{width}}  {how:<10}  {first_words(turn.shown)}")
    for decision in script.decisions[1:]:
        click.echo(f"Label: {decision}")
    for guess in guesses(script):
        click.echo(f"Guessed: {guess}")
    click.echo("Timing (before each turn):")
    for line in explained(script, loaded.book.pauses, loaded.book.sounds):
        click.echo(line)
    heard = reactions_heard(loaded)
    if heard:
        click.echo("Reactions:")
        for line in heard:
            click.echo(line)
    rewritten = read_as(script)
    if rewritten:
        click.echo("Read as:")
        for line in rewritten:
            click.echo(f"  {line}")
    unspoken = not_spoken(script)
    if unspoken:
        click.echo("Not spoken:")
        for line in unspoken:
            click.echo(f"  {line}")


@main.group(invoke_without_command=True)
@click.option("--lang", help="Only voices of this language (a prefix: en matches en-us).")
@click.option("--gender", type=click.Choice(["female", "male"]), help="Only this gender.")
@click.option("--json", "as_json", is_flag=True, help="Print voices and variants as JSON.")
@click.option(
    "--engine", type=click.Choice(tuple(kinds())), help="Only this engine (default: every one)."
)
@click.pass_context
@friendly
def voices(
    context: click.Context, lang: str | None, gender: str | None, as_json: bool, engine: str | None
) -> None:
    """List the voices to paste into voices.yaml: eSpeak NG's (with variants after +:
    en-us+f3, and MBROLA's where installed), Piper's (piper:NAME) and Kokoro's
    (kokoro:NAME). `podcast voices add kokoro` installs Kokoro's."""
    if context.invoked_subcommand is not None:
        return
    found = catalogue([engine] if engine else listed(), lang, gender)
    if as_json:
        rows = {
            "voices": [asdict(v) for v in found.voices],
            "variants": [asdict(v) for v in found.variants],
            "missing": found.missing,
            "unusable": found.unusable,
        }
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for voice in found.voices:
        click.echo(voice_line(voice))
    if found.variants:
        click.echo(f"variants (add as voice+variant): {' '.join(v.name for v in found.variants)}")
    for kind, reason in found.missing.items():
        click.echo(f"({kind}: {reason})")
    for name, reason in found.unusable.items():
        click.echo(f"({name} cannot be used: {reason})")


@voices.command(name="add")
@click.argument("engine", type=click.Choice(tuple(k for k in kinds() if kinds()[k].add_voices)))
@click.argument("source", type=click.Path(path_type=Path, exists=True), required=False)
@friendly
def voices_add(engine: str, source: Path | None) -> None:
    """Install ENGINE's voices: fetched (kokoro: with npm), or from SOURCE (a tarball,
    a folder of voice packs, or the engine's own voices file)."""
    add = kind_of(engine).add_voices
    assert add is not None, "only engines that add voices are offered"
    click.echo(add(source))


def voice_line(voice: VoiceInfo) -> str:
    """One voice as `podcast voices` lists it."""
    if not kind_of(voice.engine).models:
        licence = f" (licence: {voice.licence})" if voice.licence else ""
        return f"{voice.name:<20} {voice.gender:<8} {voice.description}{licence}"
    speakers = (
        "1 speaker"
        if voice.speakers == 1
        else f"{voice.speakers} speakers (#0-#{voice.speakers - 1})"
    )
    licence = f", licence {voice.licence}" if voice.licence else ""
    return (
        f"{voice.name:<28} {voice.quality:<7} {voice.language:<6} {voice.description}, "
        f"{speakers}, {voice.sample_rate} Hz{licence}"
    )


@main.command()
@click.argument("transcript", type=FILE)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("voices.yaml"),
    show_default=True,
    help="Voices file to write.",
)
@click.option("--female", multiple=True, metavar="NAME", help="Give NAME a female voice.")
@click.option("--male", multiple=True, metavar="NAME", help="Give NAME a male voice.")
@click.option("--force", is_flag=True, help="Replace an existing file (kept as .bak).")
@click.option(
    "--engine",
    type=click.Choice(listed()),
    help="Cast this engine's voices (default: natural voices where installed, else eSpeak NG).",
)
@friendly
def init(
    transcript: Path,
    output: Path,
    female: tuple[str, ...],
    male: tuple[str, ...],
    force: bool,
    engine: str | None,
) -> None:
    """Write a commented voices.yaml for TRANSCRIPT: every speaker, a distinct voice each."""
    genders = {**dict.fromkeys(male, "male"), **dict.fromkeys(female, "female")}
    done = init_voices(transcript, output, genders, force, engine)
    kept = f"; the old one is kept as {done.backup}" if done.backup else ""
    click.echo(f"Wrote {done.path}: {counted(len(done.speakers), 'speaker')}{kept}")
    if done.natural:
        label = kind_of(engine).label if engine else "natural"
        rest = len(done.speakers) - len(done.natural)
        fewer = f"; {rest} keep eSpeak NG voices (fewer {label} voices than speakers)"
        click.echo(f"{label[0].upper()}{label[1:]} voices for {len(done.natural)} of them"
                   + (fewer if rest else ""))  # fmt: skip


@main.command()
@click.argument("episode", type=FILE)
@click.option(
    "--preset", type=click.Choice([p.value for p in Preset]), help="Hold it to these rules too."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--no-listen", is_flag=True, help="Only the numbers: do not hear the turns.")
@VOICES
@click.option("-j", "--jobs", type=click.IntRange(1, 64), help="Recognizer processes.")
@friendly
def check(
    episode: Path,
    preset: str | None,
    as_json: bool,
    no_listen: bool,
    voices: Path | None,
    jobs: int | None,
) -> None:
    """Measure EPISODE as a publisher does and hear it as a listener would: per turn,
    the words a recognizer could not make out (names first, with a pronunciation to
    try), loudness and gaps; voices too alike; with --preset, the publisher's rules.
    Exits 8 when a rule fails."""
    book = load(find_voices_file(voices, None))
    chosen = Preset(preset) if preset else book.output.preset
    report = check_episode(episode, chosen, book.as_written, jobs, listening=not no_listen)
    _report(report, as_json)


def _report(report: Checked, as_json: bool) -> None:
    """Print a check's report; CheckFailed when a rule fails."""
    if as_json:
        shown = {**asdict(report), "failed": [asdict(v) for v in report.failed]}
        click.echo(json.dumps(shown, indent=2, default=str))
    else:
        click.echo("\n".join(report_lines(report)))
    if report.failed:
        names = ", ".join(verdict.rule for verdict in report.failed)
        verb = "fails" if len(report.failed) == 1 else "fail"
        raise CheckFailed(
            f"{report.episode}: {counted(len(report.failed), 'rule')} {verb}: {names}"
        )


@main.command(name="audition")
@click.argument("transcript", type=FILE, required=False)
@click.option("--speaker", metavar="NAME", help="Only this speaker.")
@VOICES
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=FOLDER,
    show_default=True,
    help="Folder for the samples.",
)
@ENGINE
@friendly
def audition_command(
    transcript: Path | None, speaker: str | None, voices: Path | None, output: Path, engine: str
) -> None:
    """Render a short sample of every speaker (their first line in TRANSCRIPT)."""
    for sample in audition(
        transcript, speaker=speaker, voices=voices, folder=output, engine=engine
    ):
        click.echo(f"{sample.path}: {sample.speaker}, {sample.seconds:.1f} s")


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", "out_dir", type=click.Path(path_type=Path), default=Path("output"),
    help="Folder for the episodes (default: output).",
)  # fmt: skip
@VOICES
@click.option(
    "-j", "--jobs", type=click.IntRange(1, 256), help="Worker processes (default: cores)."
)
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="Render on this Dask cluster.")
@click.option(
    "--bitrate", type=click.Choice([str(b) for b in BITRATES]), default=str(DEFAULT_BITRATE)
)
@click.option("--no-cache", is_flag=True, help="Make every clip and segment again.")
@click.option("--format", "style", type=click.Choice(STYLES), help="The transcripts' style.")
@ENGINE
@friendly
def batch(
    source: Path,
    out_dir: Path,
    voices: Path | None,
    jobs: int | None,
    scheduler: str | None,
    bitrate: str,
    no_cache: bool,
    style: str | None,
    engine: str,
) -> None:
    """Render every transcript in SOURCE (a folder, or a manifest: .yaml or .csv) into
    the output folder. Exit status 7 when any episode failed (the others are made)."""
    options = Options(
        voices=voices, engine=engine, bitrate=int(bitrate), style=style, use_cache=not no_cache
    )
    with tqdm(total=0, unit="episode", desc="Batch", leave=False, disable=None) as bar:
        result = run_batch(
            source,
            out_dir,
            options,
            jobs=jobs,
            scheduler=scheduler,
            started=functools.partial(setattr, bar, "total"),
            progress=functools.partial(_batch_progress, bar, [0, 0.0]),
        )
    for report in result.reports:
        for warning in report.warnings:
            click.echo(f"Warning: {report.name}: {warning}", err=True)
    click.echo(batch_table(result))
    if result.failed:
        raise BatchFailed(
            f"{len(result.failed)} of {counted(len(result.reports), 'episode')} failed (listed "
            "above); fix them and run the batch again: the others are kept"
        )


def _batch_progress(bar: tqdm, totals: list[Any], report: Report) -> None:
    totals[0] += report.synthesized
    totals[1] += report.seconds
    bar.set_postfix_str(f"{totals[0]} clips, {totals[1] / 60:.1f} min of audio", refresh=False)
    bar.update(1)


def batch_table(result: BatchResult) -> str:
    """The end of a batch: a line per episode, then the totals."""
    width = max(len(r.name) for r in result.reports)
    lines = [f"{'episode':<{width}}  duration  loudness   took  status"]
    for report in result.reports:
        if report.error:
            lines.append(f"{report.name:<{width}}  {'':>8}  {'':>8}  {report.took:5.1f}s  "
                         f"failed: {report.error}")  # fmt: skip
            continue
        minutes, seconds = divmod(round(report.seconds), 60)
        level = f"{report.loudness:.1f} LUFS" if report.loudness is not None else ""
        status = "up to date" if report.up_to_date else "made"
        lines.append(f"{report.name:<{width}}  {minutes:5d}:{seconds:02d}  {level:>9}  "
                     f"{report.took:5.1f}s  {status}")  # fmt: skip
    made = sum(not r.error and not r.up_to_date for r in result.reports)
    audio = sum(r.seconds for r in result.reports if not r.error) / 60
    lines.append(
        f"{counted(len(result.reports), 'episode')}: {made} made, "
        f"{sum(r.up_to_date for r in result.reports)} up to date, {len(result.failed)} failed; "
        f"{audio:.1f} min of audio in {result.seconds:.1f} s"
    )
    return "\n".join(lines)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--base-url", help="Where FOLDER will be published (https://...).")
@click.option("--title", help="The show's title (default: the episodes' show tag).")
@click.option("--description", help="What the show is about.")
@click.option("--language", help="The show's language code (default: en).")
@click.option("--category", help="An Apple Podcasts category: Arts, or Arts/Books.")
@click.option("--explicit/--clean", default=None, help="Explicit content (default: clean).")
@click.option("--email", help="The owner's email address.")
@click.option("--link", help="The show's web site.")
@click.option("--author", help="The show's author (default: the episodes' artist tag).")
@click.option("--cover", type=click.Path(path_type=Path), help="The show's cover picture.")
@click.option("--check", is_flag=True, help="Exit non-zero when a directory's rule is broken.")
@friendly
def feed(folder: Path, cover: Path | None, check: bool, **settings: Any) -> None:
    """Write FOLDER/feed.xml for the episodes in FOLDER. Settings are remembered in
    FOLDER/show.yaml, so later runs need no options."""
    if cover is not None:
        settings["cover"] = str(cover.resolve())
    result = write_feed(folder, settings, check=check)
    for problem in result.problems:
        click.echo(f"Warning: {problem}", err=True)
    count = len(result.items)
    if result.checked:
        click.echo(f"{result.path}: {count} episode{'s' * (count != 1)} pass every rule "
                   "(checked; nothing written)")  # fmt: skip
        return
    click.echo(f"{result.path}: {count} episode{'s' * (count != 1)}, to publish at {result.url}")


@main.group()
def cache() -> None:
    """Inspect or clear the clip cache."""


@cache.command()
@friendly
def info() -> None:
    """Where the cache is and what it holds."""
    found = Cache(default_dir()).info()
    click.echo(
        f"{found.path}: {found.clips} clips, {found.segments} segments, "
        f"{found.bytes / 2**20:.1f} MB of at most {found.bound / 2**20:.0f} MB"
    )


@cache.command()
@friendly
def clear() -> None:
    """Delete every cached clip and segment."""
    removed = Cache(default_dir()).clear()
    click.echo(f"Removed {removed} clips and segments from {default_dir()}")


if __name__ == "__main__":
    main()

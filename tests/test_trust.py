"""Fault injection: no input, fault or cache state may crash, hang, eat the machine, lose a
user's file or publish a broken episode. Each case ends fast, with the right exit code and
a one-line message, memory bounded (peak RSS of a real process), nothing of the user's
changed."""

from __future__ import annotations

import errno
import html
import os
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutagen.mp3 import MP3

from podcast import files
from podcast.cli import main
from podcast.config.load import find_voices_file, load, loads
from podcast.config.model import VoiceBook
from podcast.errors import ConfigError
from podcast.production.store import Cache
from podcast.source import load_transcript
from tests.helpers import FIXTURES, MAGAZINE, ROOT, SAMPLE, ebur128, picture

FAST = 20  # seconds: far more than any of these takes; a hang fails, it does not stall CI


@dataclass
class Run:
    """A finished `podcast` process."""

    code: int
    stdout: str
    stderr: str
    seconds: float
    rss_mb: float
    """Peak resident memory of the process (or its largest child), MB."""


MEASURED = """
import atexit, runpy, sys
path = sys.argv[1]
def peak():
    status = open("/proc/self/status").read()
    kb = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
    open(path, "w").write(kb)
atexit.register(peak)
sys.argv = ["podcast", *sys.argv[2:]]
runpy.run_module("podcast", run_name="__main__", alter_sys=True)
"""


def podcast(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run the real command in its own process, measuring time and peak memory (the
    process's own high-water mark: a forked child's rusage also counts its parent's)."""
    peak = cwd / ".peak"
    with (cwd / ".out").open("w+") as out, (cwd / ".err").open("w+") as err:
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-c", MEASURED, str(peak), *args],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
        )
        try:
            process.wait(timeout=FAST)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(f"podcast {' '.join(args)} still ran after {FAST} s")
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        rss = int(peak.read_text()) / 1024 if peak.is_file() else float("inf")
        return Run(process.returncode, out.read(), err.read(), seconds, rss)


def dialogue(*lines: str) -> str:
    return "\n\n".join(lines) + "\n"


TWO = dialogue("ANNA BELL: The first thing I noticed was the light.", "RUTH KING: Go on.")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    work = tmp_path / "user"
    work.mkdir()
    (work / "talk.txt").write_text(TWO, encoding="utf-8")
    return work


def fake(*args: str) -> list[str]:
    return [*args, "--engine", "fake", "-j", "1"]


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
@pytest.mark.parametrize("command", ["render", "turns"])
def test_devices_are_refused_at_once(folder: Path, device: str, command: str) -> None:
    run = podcast(command, device, cwd=folder)
    assert run.code == 2
    assert run.stderr == (
        f"Error: {device}: not a regular file (a device, pipe or socket); give a transcript file\n"
    )
    assert run.seconds < 10 and run.rss_mb < 200


def test_a_fifo_with_no_writer_is_refused_not_waited_on(folder: Path) -> None:
    os.mkfifo(folder / "pipe.txt")
    run = podcast("turns", "pipe.txt", cwd=folder)
    assert run.code == 2 and "pipe.txt: not a regular file" in run.stderr


def test_a_file_that_grows_past_the_limit_is_read_only_to_the_limit(folder: Path) -> None:
    big = folder / "big.txt"
    with big.open("wb") as file:  # sparse: 64 MB of NULs cost no disk
        file.truncate(64 * 2**20)
    run = podcast("turns", "big.txt", cwd=folder)
    assert run.code == 2 and "larger than 16 MB" in run.stderr and run.rss_mb < 200


def test_voices_file_that_is_a_device_or_too_large(folder: Path) -> None:
    run = podcast("turns", "talk.txt", "--voices", "/dev/zero", cwd=folder)
    assert run.code == 3
    assert run.stderr == "Error: /dev/zero: not a regular file; give a voices.yaml file\n"
    with (folder / "voices.yaml").open("wb") as file:
        file.truncate(5 * 2**20)
    run = podcast("turns", "talk.txt", cwd=folder)
    assert run.code == 3 and "voices.yaml: larger than 1024 KB" in run.stderr


# ---------------------------------------------------------------- the cache


def flip_bytes(path: Path) -> None:
    """Change bytes in the middle of a file in place: the size stays, the content not."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    for index in range(middle, min(middle + 64, len(data))):
        data[index] ^= 0x5A
    path.write_bytes(bytes(data))


def summary_state(stdout: str) -> str:
    return stdout.rsplit("(", 1)[1].rstrip(")\n")


@pytest.mark.parametrize("store", ["segments", "clips"])
def test_bytes_flipped_in_the_cache_are_made_again(folder: Path, store: str) -> None:
    env = {"PODCAST_CACHE_DIR": str(folder / "cache")}
    (folder / "mag.txt").write_bytes(MAGAZINE.read_bytes())
    first = podcast("render", *fake("mag.txt", "-o", "ep.mp3"), cwd=folder, env=env)
    assert first.code == 0, first.stderr
    if store == "clips":  # make the render read the clips: no segment to reuse
        Cache(folder / "cache").stores[1].root.rename(folder / "old-segments")
    damaged = sorted((folder / "cache" / store).glob("*/*"))[:12]
    for path in damaged:
        flip_bytes(path)
    (folder / "ep.mp3").unlink()
    again = podcast("render", *fake("mag.txt", "-o", "ep.mp3"), cwd=folder, env=env)
    assert again.code == 0, again.stderr
    state = summary_state(again.stdout)
    assert state.endswith(f", {len(damaged)} damaged cache entries made again")
    # what the summary says is what was written: an independent meter agrees
    said = again.stdout.split(", ")
    lufs, true_peak = float(said[3].split()[0]), float(said[4].split()[2])
    measured, measured_peak = ebur128(folder / "ep.mp3")
    assert measured == pytest.approx(lufs, abs=0.3)
    assert measured_peak == pytest.approx(true_peak, abs=0.5)
    assert first.stdout.split("(")[0] == again.stdout.split("(")[0]  # the same episode


def test_a_cache_that_cannot_be_created_renders_without_it(folder: Path) -> None:
    (folder / "not-a-folder").write_text("a file where the cache should be")
    env = {"PODCAST_CACHE_DIR": str(folder / "not-a-folder" / "cache")}
    run = podcast("render", *fake("talk.txt", "-o", "ep.mp3"), cwd=folder, env=env)
    assert run.code == 0
    assert run.stderr.count("\n") == 1 and run.stderr.startswith(
        f"Warning: the cache at {folder / 'not-a-folder' / 'cache'} cannot be written ("
    )
    assert "set PODCAST_CACHE_DIR to another folder" in run.stderr
    assert MP3(str(folder / "ep.mp3")).info.length > 1


def test_a_full_cache_disk_renders_without_it(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = folder / "cache"
    monkeypatch.setenv("PODCAST_CACHE_DIR", str(cache))
    real = files.temporary_file

    def full_under_cache(path: Path):  # the disk holding the cache is full
        if cache in path.parents:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path)

    monkeypatch.setattr(files, "temporary_file", full_under_cache)
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, fake("render", "talk.txt", "-o", "ep.mp3"))
    assert result.exit_code == 0, result.output
    warning = result.stderr.splitlines()
    assert len(warning) == 1 and "No space left on device" in warning[0]
    assert f"the cache at {cache} cannot be written" in warning[0]
    assert MP3(str(folder / "ep.mp3")).info.length > 1


def test_the_cache_is_bounded_least_recently_used_first(folder: Path) -> None:
    env = {"PODCAST_CACHE_DIR": str(folder / "cache")}
    (folder / "mag.txt").write_bytes(MAGAZINE.read_bytes())
    podcast("render", *fake("mag.txt", "-o", "a.mp3"), cwd=folder, env=env)
    cache = Cache(folder / "cache")
    full = cache.info().bytes
    entries = sorted(cache._files())
    oldest, newest = entries[0][2], entries[-1][2]
    os.utime(newest)  # used just now
    bound = full // 2
    Cache(folder / "cache", bound).trim()
    assert cache.info().bytes <= bound
    assert newest.exists() and not oldest.exists()
    info = podcast("cache", "info", cwd=folder, env={**env, "PODCAST_CACHE_MAX_MB": "3"})
    assert info.stdout.endswith(" MB of at most 3 MB\n")


def test_render_trims_the_cache_to_its_bound(folder: Path) -> None:
    env = {"PODCAST_CACHE_DIR": str(folder / "cache")}
    args = fake("talk.txt", "-o", "a.mp3", "--cache-max", "0")
    run = podcast("render", *args, cwd=folder, env=env)
    assert run.code == 0 and Cache(folder / "cache").info().bytes == 0


# ---------------------------------------------------------------- the user's files


@pytest.mark.parametrize("fixture", ["festival.vtt", "session.srt"])
def test_captions_rendered_beside_themselves_are_not_overwritten(
    folder: Path, fixture: str
) -> None:
    source = FIXTURES / "styles" / fixture
    transcript = folder / f"talk{source.suffix}"
    transcript.write_bytes(source.read_bytes())
    run = podcast("render", *fake(transcript.name, "-o", "talk.mp3"), cwd=folder)
    assert run.code == 0, run.stderr
    assert transcript.read_bytes() == source.read_bytes()
    moved = folder / f"talk.episode{source.suffix}"
    assert moved.is_file() and moved.read_text().strip()
    assert run.stderr == (
        f"Warning: talk{source.suffix}: is the transcript, kept as it is; "
        f"the episode's copy is talk.episode{source.suffix}\n"
    )


def test_an_episode_may_not_land_on_an_input(folder: Path) -> None:
    import numpy as np
    import soundfile

    soundfile.write(folder / "intro.wav", np.zeros(4410), 44100)
    before = (folder / "intro.wav").read_bytes()
    (folder / "voices.yaml").write_text("music: {intro: intro.wav}\n")
    run = podcast("render", *fake("talk.txt", "-o", "intro.wav"), cwd=folder)
    assert run.code == 5
    assert run.stderr == (
        "Error: intro.wav: is the music file intro.wav; choose another output file with -o\n"
    )
    assert (folder / "intro.wav").read_bytes() == before


def test_files_get_the_permissions_of_any_new_file(folder: Path) -> None:
    old = os.umask(0o022)
    try:
        runner = CliRunner()
        os.chdir(folder)
        assert runner.invoke(main, fake("render", "talk.txt", "-o", "ep.mp3")).exit_code == 0
        assert runner.invoke(main, ["init", "talk.txt", "-o", "v.yaml"]).exit_code == 0
    finally:
        os.umask(old)
    written = ["ep.mp3", "ep.vtt", "ep.srt", "ep.chapters.json", "ep.transcript.json", "v.yaml"]
    modes = {name: stat.S_IMODE((folder / name).stat().st_mode) for name in written}
    assert modes == dict.fromkeys(written, 0o644)


# ---------------------------------------------------------------- bounds


def test_a_huge_pause_is_shortened_with_a_warning_and_costs_no_memory(folder: Path) -> None:
    (folder / "talk.txt").write_text(
        dialogue("ANNA BELL: Wait for it [pause 3600s] there.", "RUTH KING: Fine."),
        encoding="utf-8",
    )
    run = podcast("render", *fake("talk.txt", "-o", "ep.mp3"), cwd=folder)
    assert run.code == 0, run.stderr
    assert run.stderr == ("Warning: line 1: [pause 3600s] is longer than 60 s; shortened to 60 s\n")
    assert 60 < MP3(str(folder / "ep.mp3")).info.length < 70
    assert run.rss_mb < 250


def test_pauses_beyond_any_number_and_in_runs(folder: Path) -> None:
    (folder / "talk.txt").write_text(
        dialogue(
            "ANNA BELL: One [pause 99999999999999999999ms] two.",
            "RUTH KING: " + "[pause 60s] " * 200 + "three.",
        ),
        encoding="utf-8",
    )
    run = podcast("render", *fake("talk.txt", "-o", "ep.mp3"), cwd=folder)
    assert run.code == 0, run.stderr
    assert "shortened to 60 s" in run.stderr
    assert MP3(str(folder / "ep.mp3")).info.length < 130  # two pauses of at most 60 s
    assert run.rss_mb < 250


def test_skip_entries_must_be_quoted_strings(folder: Path) -> None:
    (folder / "voices.yaml").write_text("skip:\n  - [AD BREAK]\n")
    run = podcast("turns", "talk.txt", cwd=folder)
    assert run.code == 3
    assert run.stderr == (
        "Error: voices.yaml: skip[0]: expected a regular expression in quotes, got a list "
        "(['AD BREAK']): YAML reads - [AD BREAK] as one; quote it: - '\\[AD BREAK\\]'\n"
    )


def test_a_runaway_regular_expression_runs_in_linear_time(folder: Path) -> None:
    (folder / "voices.yaml").write_text('skip: ["(a+)+$"]\n')
    (folder / "talk.txt").write_text(dialogue("ANNA BELL: " + "a" * 40 + "b", "RUTH KING: ok"))
    run = podcast("turns", "talk.txt", cwd=folder)
    assert run.code == 0 and run.seconds < 10


def test_lookaround_is_refused_since_it_cannot_be_bounded(folder: Path) -> None:
    (folder / "voices.yaml").write_text('skip: ["(?<=x)y"]\n')
    run = podcast("turns", "talk.txt", cwd=folder)
    assert run.code == 3 and run.stderr.startswith("Error: voices.yaml: skip[0]: uses lookaround")


ALIAS_BOMB = "\n".join(
    [
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
        *(
            f"{chr(98 + n)}: &{chr(98 + n)} [" + ", ".join([f"*{chr(97 + n)}"] * 9) + "]"
            for n in range(8)
        ),
        "skip: *i",
    ]
)


def test_an_alias_bomb_is_refused_at_once(folder: Path) -> None:
    (folder / "voices.yaml").write_text(ALIAS_BOMB + "\n")
    run = podcast("turns", "talk.txt", cwd=folder)
    assert run.code == 3
    assert run.stderr == (
        "Error: voices.yaml: expands to more than 100000 values through YAML aliases "
        "(&name, *name); write the values out plainly\n"
    )
    assert run.seconds < 10 and run.rss_mb < 200


# ---------------------------------------------------------------- covers


@pytest.mark.parametrize(
    ("cover", "message"),
    [
        ("/etc/passwd", "not a JPEG or PNG picture; give one"),
        ("/dev/zero", "not a regular file; give a JPEG or PNG file"),
        ("huge.png", "larger than 10 MB; give a smaller picture"),
        ("broken.png", "a damaged PNG (no image header); save it again"),
        ("broken.jpg", "a damaged JPEG (no frame header with its size); save it again"),
        ("gone.jpg", "no such file; give a JPEG or PNG"),
    ],
)
def test_bad_covers_are_refused_before_any_work(folder: Path, cover: str, message: str) -> None:
    with (folder / "huge.png").open("wb") as file:
        file.write(b"\x89PNG\r\n\x1a\n")
        file.truncate(300 * 2**20)
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(30))
    (folder / "voices.yaml").write_text(f"episode: {{cover: {cover}}}\n")
    run = podcast("render", *fake("talk.txt", "-o", "ep.mp3"), cwd=folder)
    assert run.code == 3
    assert run.stderr == f"Error: voices.yaml: episode.cover: {cover}: {message}\n"
    assert run.rss_mb < 200 and not (folder / "ep.mp3").exists()


@pytest.mark.parametrize(("size", "kind"), [((300, 300), "PNG"), ((1600, 1400), "JPEG")])
def test_a_cover_directories_refuse_is_a_warning(folder: Path, size, kind: str) -> None:
    name = f"cover.{kind.lower()}"
    picture(folder / name, *size, kind)
    (folder / "voices.yaml").write_text(f"episode: {{cover: {name}}}\n")
    os.chdir(folder)
    result = CliRunner().invoke(main, fake("render", "talk.txt", "-o", "ep.mp3"))
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"Warning: voices.yaml: episode.cover: {name}: "
        f"{size[0]}x{size[1]} px; podcast directories want a square picture of 1400 to 3000 px\n"
    )


# ---------------------------------------------------------------- nothing lost


def test_an_over_long_token_is_reported_and_listed(folder: Path) -> None:
    (folder / "talk.txt").write_text(
        dialogue("ANNA BELL: Look " + "x" * 300_000, "RUTH KING: Fine, fine."), encoding="utf-8"
    )
    run = podcast("turns", "talk.txt", cwd=folder)
    assert run.code == 0
    assert run.stderr == (
        f"Warning: line 1: a 300000-character token is not spoken ({'x' * 40}…)\n"
    )
    assert f"line 1: {'x' * 40}… [over-long token (300000 characters)]" in run.stdout


def test_turns_lists_what_is_not_spoken_and_why() -> None:
    result = CliRunner().invoke(main, ["turns", str(FIXTURES / "magazine.txt")])
    lines = result.stdout.splitlines()
    start = lines.index("Not spoken:")
    assert "  line 7: Marine Studios [photo credit]" in lines[start:]
    assert any(line.endswith("[credit or link]") for line in lines[start:])


# ---------------------------------------------------------------- what a newcomer hits


def test_the_readme_first_command_gives_no_warning() -> None:
    loaded = load_transcript(SAMPLE, find_voices_file(ROOT / "voices.yaml", SAMPLE))
    assert loaded.warnings == ()


def test_no_cache_renders_again_even_when_up_to_date(folder: Path) -> None:
    runner = CliRunner()
    os.chdir(folder)
    runner.invoke(main, fake("render", "talk.txt", "-o", "ep.mp3"))
    again = runner.invoke(main, fake("render", "talk.txt", "-o", "ep.mp3", "--no-cache"))
    assert summary_state(again.stdout) == "2 clips synthesized, 0 from cache"
    one = folder / "one.txt"
    one.write_text("ANNA BELL: Only me.\n")
    alone = runner.invoke(main, fake("render", "one.txt", "-o", "one.mp3"))
    assert summary_state(alone.stdout) == "1 clip synthesized, 0 from cache"


def test_names_that_differ_only_in_case_and_keys_given_twice(folder: Path) -> None:
    (folder / "voices.yaml").write_text("speakers:\n  HOST: {rate: 150}\n  host: {rate: 160}\n")
    with pytest.raises(ConfigError, match=r"speakers\.host: the same speaker as HOST"):
        load(folder / "voices.yaml")
    (folder / "voices.yaml").write_text("speakers:\n  HOST: {rate: 150}\n  HOST: {rate: 160}\n")
    run = podcast("turns", "talk.txt", cwd=folder)
    assert run.code == 3
    assert run.stderr == "Error: voices.yaml:3: 'HOST' is given twice (first on line 2); keep one\n"


def test_turns_interrupted_says_nothing_of_clips(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("podcast.cli.load_transcript", interrupted)
    result = CliRunner().invoke(main, ["turns", str(MAGAZINE)])
    assert result.exit_code == 130
    assert result.stderr == "Interrupted: nothing was written.\n"


# ---------------------------------------------------------------- captions


def test_captions_are_escaped_as_webvtt_requires(folder: Path) -> None:
    """Read back by an independent parser (webvtt-py): every cue's text and speaker."""
    webvtt = pytest.importorskip("webvtt", reason="webvtt-py is in the test extra")
    (folder / "talk.txt").write_text(
        dialogue(
            "SMITH & JONES: Prices went from 5 --> 7, <b>bold</b> or not.",
            "RUTH KING: A < B and C > D.",
        ),
        encoding="utf-8",
    )
    run = podcast("render", *fake("talk.txt", "-o", "ep.mp3"), cwd=folder)
    assert run.code == 0, run.stderr
    cues = webvtt.read(str(folder / "ep.vtt"))
    assert [html.unescape(cue.text) for cue in cues] == [
        "Prices went from 5 --> 7, <b>bold</b> or not.",
        "A < B and C > D.",
    ]
    assert [html.unescape(cue.voice) for cue in cues] == ["SMITH & JONES", "RUTH KING"]
    assert "-->" not in "".join(cue.raw_text for cue in cues)


# ---------------------------------------------------------------- voices.yaml, fuzzed

yaml = pytest.importorskip("yaml")
scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
keys = st.sampled_from(
    ["defaults", "speakers", "pauses", "skip", "episode", "output", "music", "voice", "rate",
     "pitch", "cover", "HOST", "aliases", "pronunciations", "censor", "loudness", "x"]
)  # fmt: skip
documents = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=30,
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(documents.map(yaml.safe_dump), st.text(max_size=200)))
def test_any_yaml_is_a_book_or_a_config_error_within_a_second(text: str) -> None:
    started = time.monotonic()
    try:
        book = loads(text)
    except ConfigError as error:
        assert str(error).strip() and "Traceback" not in str(error)
    else:
        assert isinstance(book, VoiceBook)
    assert time.monotonic() - started < 1.0

"""Failing well: interruption, concurrent renders, output and engine failures, odd inputs."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from mutagen.mp3 import MP3

from podcast import files
from podcast.cli import INTERRUPTED, main
from podcast.engines import Engines
from podcast.engines.fake import FakeEngine
from podcast.errors import EngineError, InputError, OutputError
from podcast.plan import SEGMENT_WORDS, SegmentJob, plan
from podcast.production.pool import _submit
from podcast.source import load_transcript
from podcast.speakable.text import MAX_WORD, speakable
from tests.helpers import fake_render


def dialogue(turns: int, words: int = 6) -> str:
    """A transcript of ``turns`` unique turns between two speakers."""
    lines = []
    for number in range(turns):
        speaker = "ANNA BELL" if number % 2 else "RUTH KING"
        body = " ".join(f"word{number}x{i}" for i in range(words - 1))
        lines.append(f"{speaker}: Turn {number} says {body}.")
    return "\n\n".join(lines) + "\n"


def start(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "podcast", *args],
        cwd=cwd,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's job is
    )


def cached_clips(cache: Path) -> int:
    return len(list((cache / "clips").glob("*/*.clip")))


def live_in_session(session: int) -> list[int]:
    """Processes of a session that are still running (zombies waiting to be reaped by
    the container's init do not count)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def wait_for_clips(cache: Path, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while cached_clips(cache) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no clips were cached"
        time.sleep(0.05)


@pytest.fixture
def slow_render(tmp_path: Path):
    """A render that takes a while: 40 turns at 0.3 s per clip on two workers."""
    (tmp_path / "talk.txt").write_text(dialogue(40), encoding="utf-8")
    (tmp_path / "talk.mp3").write_bytes(b"the previous episode")
    env = {"PODCAST_CACHE_DIR": str(tmp_path / "cache"), "PODCAST_FAKE_DELAY": "0.3"}
    args = ["render", "talk.txt", "-o", "talk.mp3", "--engine", "fake", "-j", "2"]
    return start(args, env, tmp_path), tmp_path


@pytest.mark.parametrize(("send", "code"), [("group", 130), ("parent", 143)])
def test_interrupt_stops_fast_keeps_the_old_episode_and_resumes(slow_render, send, code) -> None:
    process, folder = slow_render
    cache = folder / "cache"
    wait_for_clips(cache, 4, process)
    if send == "group":  # Ctrl-C in a terminal: SIGINT to every process of the job
        os.killpg(process.pid, signal.SIGINT)
    else:  # kill PID: SIGTERM to the parent only
        os.kill(process.pid, signal.SIGTERM)
    sent = time.monotonic()
    _, stderr = process.communicate(timeout=10)
    assert time.monotonic() - sent < 1.5
    assert process.returncode == code
    assert stderr.strip().splitlines()[-1] == INTERRUPTED
    assert "Traceback" not in stderr
    assert (folder / "talk.mp3").read_bytes() == b"the previous episode"
    assert not list(folder.glob(".talk.mp3.*"))
    time.sleep(0.3)
    assert live_in_session(process.pid) == []  # no worker left behind
    kept = cached_clips(cache)
    env = {"PODCAST_CACHE_DIR": str(cache)}
    again = start(["render", "talk.txt", "-o", "talk.mp3", "--engine", "fake"], env, folder)
    stdout, _ = again.communicate(timeout=60)
    assert again.returncode == 0
    assert f"{40 - kept} clips synthesized, {kept} from cache" in stdout


def test_two_renders_at_once_both_write_a_valid_file(tmp_path: Path) -> None:
    (tmp_path / "talk.txt").write_text(dialogue(12), encoding="utf-8")
    env = {"PODCAST_CACHE_DIR": str(tmp_path / "cache"), "PODCAST_FAKE_DELAY": "0.05"}
    args = ["render", "talk.txt", "-o", "out/talk.mp3", "--engine", "fake", "-j", "2"]
    first, second = start(args, env, tmp_path), start(args, env, tmp_path)
    for process in (first, second):
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
    fake_render(tmp_path / "talk.txt", tmp_path / "one.mp3")
    both = MP3(str(tmp_path / "out" / "talk.mp3")).info.length
    assert both == MP3(str(tmp_path / "one.mp3")).info.length > 40
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [
        "talk.chapters.json",
        "talk.html",
        "talk.mp3",
        "talk.srt",
        "talk.transcript.json",
        "talk.vtt",
    ]


def test_missing_output_folders_are_created(tmp_path: Path) -> None:
    (tmp_path / "talk.txt").write_text(dialogue(2), encoding="utf-8")
    out = tmp_path / "a" / "b" / "talk.mp3"
    fake_render(tmp_path / "talk.txt", out)
    assert MP3(str(out)).info.sample_rate == 44100


def test_folder_that_cannot_be_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "talk.txt").write_text(dialogue(2), encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(files, "temporary_file", refuse)
    with pytest.raises(OutputError, match=r"cannot write there \(Permission denied\)"):
        fake_render(tmp_path / "talk.txt", tmp_path / "talk.mp3")


def test_disk_full_leaves_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "talk.txt").write_text(dialogue(6), encoding="utf-8")
    out = tmp_path / "talk.mp3"
    out.write_bytes(b"the previous episode")
    real_temporary_file = files.temporary_file

    class Full:
        """A temporary file on a disk that fills up after 20,000 bytes."""

        def __init__(self, file) -> None:
            self.file = file
            self.written = 0

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.file.close()

        def writelines(self, chunks) -> None:
            for chunk in chunks:
                self.written += len(chunk)
                if self.written > 20_000:
                    raise OSError(errno.ENOSPC, "No space left on device")
                self.file.write(chunk)

    def filling(path: Path):
        file, temp = real_temporary_file(path)
        return Full(file), temp

    monkeypatch.setattr(files, "temporary_file", filling)
    with pytest.raises(OutputError) as caught:
        fake_render(tmp_path / "talk.txt", out, use_cache=False)
    assert str(caught.value) == f"{out}: cannot write the episode (No space left on device)"
    assert out.read_bytes() == b"the previous episode"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talk.mp3", "talk.txt", "work"]


def test_engine_process_crash_names_the_turn(tmp_path: Path) -> None:
    text = dialogue(8).replace("Turn 5 says", "Turn 5 boom says")
    (tmp_path / "talk.txt").write_text(text, encoding="utf-8")
    env = {"PODCAST_CACHE_DIR": str(tmp_path / "cache"), "PODCAST_FAKE_CRASH": "boom"}
    process = start(["render", "talk.txt", "--engine", "fake", "-j", "2"], env, tmp_path)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 4
    assert (
        stderr
        == 'Error: turn 6 ("Turn 5 boom says word5x0 word5x1 …"): the speech engine crashed\n'
    )


def test_engine_exception_names_the_turn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "talk.txt").write_text(dialogue(3), encoding="utf-8")
    real = FakeEngine.synthesize

    def fails_on_turn_two(self: FakeEngine, text: str, voice):  # type: ignore[no-untyped-def]
        if text.startswith("Turn 1 "):
            raise RuntimeError("segmentation trouble")
        return real(self, text, voice)

    monkeypatch.setattr(FakeEngine, "synthesize", fails_on_turn_two)
    with pytest.raises(EngineError) as caught:
        fake_render(tmp_path / "talk.txt", tmp_path / "t.mp3")
    assert str(caught.value) == (
        'turn 2 ("Turn 1 says word1x0 word1x1 word1x2 …"): '
        "the speech engine failed (RuntimeError: segmentation trouble)"
    )


def test_unexpected_errors_are_one_line_unless_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("podcast.cli.load_transcript", broken)
    Path("t.txt").write_text("A: hi\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["turns", "t.txt"])
    assert result.exit_code == 70
    assert result.stderr.splitlines() == [
        "Error: unexpected ZeroDivisionError: division by zero",
        "This is a bug: run with 'podcast --debug ...' and report it.",
    ]
    debug = CliRunner().invoke(main, ["--debug", "turns", "t.txt"])
    assert isinstance(debug.exception, ZeroDivisionError)


def test_huge_file_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as file:
        file.truncate(50 * 2**20)
    result = CliRunner().invoke(main, ["render", str(path), "--engine", "fake"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {path}: larger than 16 MB, which is days of audio; "
        "split the transcript into episodes\n"
    )


def test_nul_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "nul.txt"
    path.write_bytes(b"HOST: hello\x00 there\n")
    result = CliRunner().invoke(main, ["render", str(path), "--engine", "fake"])
    assert result.exit_code == 2
    assert "looks like a binary file" in result.stderr


def test_one_megabyte_line_is_planned_in_bounded_segments(tmp_path: Path) -> None:
    path = tmp_path / "line.txt"
    path.write_text("HOST: " + "lorem ipsum dolor sit amet " * 40_000, encoding="utf-8")
    loaded = load_transcript(path)
    jobs = plan(loaded, Engines("fake").identify)
    sizes = [sum(len(c.text.split()) for c in job.clips) for job in jobs]
    assert sum(sizes) == 200_000 and max(sizes) <= SEGMENT_WORDS
    assert {job.turn for job in jobs} == {0}


def test_long_turn_in_several_segments_keeps_one_span(tmp_path: Path) -> None:
    words = " ".join(f"w{i}" for i in range(2 * SEGMENT_WORDS + 50))
    (tmp_path / "long.txt").write_text(f"HOST: Hi.\n\nGUEST: {words}.\n", encoding="utf-8")
    out = tmp_path / "long.wav"
    result = fake_render(tmp_path / "long.txt", out)
    assert [span.turn for span in result.timeline] == [0, 1]
    fake_rate = 170 / 60  # words per second
    guest = result.timeline[1]
    assert (guest.end - guest.start) / 44100 == pytest.approx(
        (2 * SEGMENT_WORDS + 50) / fake_rate + 2 * 0.25, abs=0.2
    )


def test_odd_characters_render(tmp_path: Path) -> None:
    text = (
        "HOST: Emoji 😀 and a bell\x07 and zero\u200bwidth.\n\n"
        "GUEST: 你好世界, مرحبا بالعالم, שלום עולם.\n\n"
        f"HOST: A long word {'x' * 5000} ends here.\n"
    )
    (tmp_path / "odd.txt").write_text(text, encoding="utf-8")
    turns = CliRunner().invoke(main, ["turns", str(tmp_path / "odd.txt"), "--json"])
    spoken = [row["text"] for row in json.loads(turns.stdout)]
    assert spoken == [
        "Emoji and a bell and zerowidth.",  # emoji are never read
        "你好世界, مرحبا بالعالم, שלום עולם.",
        "A long word ends here.",
    ]
    out = tmp_path / "odd.mp3"
    assert fake_render(tmp_path / "odd.txt", out).turns == 3


def test_twenty_thousand_turns(tmp_path: Path) -> None:
    path = tmp_path / "many.txt"
    path.write_text(dialogue(20_000, words=3), encoding="utf-8")
    started = time.monotonic()
    loaded = load_transcript(path)
    jobs = plan(loaded, Engines("fake").identify)
    assert len(loaded.script.turns) == len(jobs) == 20_000
    assert time.monotonic() - started < 20


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(["HOST", "Guest"]))
def test_speakable_never_fails_and_drops_only_the_unspeakable(text: str, speaker: str) -> None:
    spoken = speakable(text, speaker)
    assert spoken == spoken.strip()
    assert not any(ord(c) < 32 and c not in "\n" for c in spoken)
    assert all(len(word) <= MAX_WORD for word in spoken.split())


def test_input_error_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_transcript(tmp_path / "absent.txt")
    result = CliRunner().invoke(main, ["turns", str(tmp_path / "absent.txt")])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"Error: {tmp_path / 'absent.txt'}: no such file; check the transcript path\n"
    )


def test_a_pool_broken_before_a_turn_is_handed_out_fails_that_turn_in_order() -> None:
    """pool.submit raises once a worker has died; the turn gets a failed future, so the
    crash is reported where it happened in turn order (it once escaped as a bug)."""
    from concurrent.futures.process import BrokenProcessPool

    class Broken:
        def submit(self, *args: object) -> None:
            raise BrokenProcessPool("a worker died")

    future = _submit(Broken(), SegmentJob((), (), 0, "turn 1"))  # type: ignore[arg-type]
    with pytest.raises(BrokenProcessPool, match="a worker died"):
        future.result()

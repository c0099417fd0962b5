"""The pool of engine processes: interrupted at once and resumed, a crashing engine
naming its turn, a broken pool failing the turn it broke on, in order."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from podcast.cli import INTERRUPTED
from podcast.engines.fake import FakeEngine
from podcast.errors import EngineError
from podcast.plan import SegmentJob
from podcast.production.pool import _submit
from tests.helpers import fake_render, live_in_session, numbered_dialogue, start, undisclosed


def cached_clips(cache: Path) -> int:
    return len(list((cache / "clips").glob("*/*.clip")))


@pytest.fixture
def slow_render(tmp_path: Path):
    """A render that takes a while: 40 turns at 0.3 s per clip on two workers."""
    (tmp_path / "talk.txt").write_text(numbered_dialogue(40), encoding="utf-8")
    undisclosed(tmp_path)
    (tmp_path / "talk.mp3").write_bytes(b"the previous episode")
    env = {"PODCAST_CACHE_DIR": str(tmp_path / "cache"), "PODCAST_FAKE_DELAY": "0.3"}
    args = ["render", "talk.txt", "-o", "talk.mp3", "--engine", "fake", "-j", "2"]
    return start(args, env, tmp_path), tmp_path


def wait_for_clips(cache: Path, count: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while cached_clips(cache) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no clips were cached"
        time.sleep(0.05)


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


def test_engine_process_crash_names_the_turn(tmp_path: Path) -> None:
    text = numbered_dialogue(8).replace("Turn 5 says", "Turn 5 boom says")
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
    (tmp_path / "talk.txt").write_text(numbered_dialogue(3), encoding="utf-8")
    real = FakeEngine.synthesize

    def fails_on_turn_two(self: FakeEngine, text: str, voice):  # type: ignore[no-untyped-def]
        if text.startswith("Turn one "):
            raise RuntimeError("segmentation trouble")
        return real(self, text, voice)

    monkeypatch.setattr(FakeEngine, "synthesize", fails_on_turn_two)
    with pytest.raises(EngineError) as caught:
        fake_render(tmp_path / "talk.txt", tmp_path / "t.mp3")
    assert str(caught.value) == (
        'turn 2 ("Turn 1 says word1x0 word1x1 word1x2 …"): '
        "the speech engine failed (RuntimeError: segmentation trouble)"
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

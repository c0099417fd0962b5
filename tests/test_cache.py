"""The cache of clips and segments: a convenience that never breaks a render or an
episode (damaged entries made again, a cache that cannot be written skipped), bounded
least recently used first."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from mutagen.mp3 import MP3

from podcast import files
from podcast.cli import main
from podcast.production.store import Cache
from tests.helpers import (
    MAGAZINE,
    ebur128,
    fake,
    podcast,
    undisclosed,
)


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


def test_no_cache_renders_again_even_when_up_to_date(folder: Path) -> None:
    runner = CliRunner()
    undisclosed(folder)
    os.chdir(folder)
    runner.invoke(main, fake("render", "talk.txt", "-o", "ep.mp3"))
    again = runner.invoke(main, fake("render", "talk.txt", "-o", "ep.mp3", "--no-cache"))
    assert summary_state(again.stdout) == "2 clips synthesized, 0 from cache"
    one = folder / "one.txt"
    one.write_text("ANNA BELL: Only me.\n")
    alone = runner.invoke(main, fake("render", "one.txt", "-o", "one.mp3"))
    assert summary_state(alone.stdout) == "1 clip synthesized, 0 from cache"

"""The one door every command reads a transcript through: what is refused at once
(devices, pipes, binary and huge files), what is read only to its limit, and what is
reported as never spoken."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from podcast.cli import main
from tests.helpers import dialogue, podcast


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

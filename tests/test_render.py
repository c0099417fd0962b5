"""Rendering an episode: the file and its tags, up-to-date renders, and nothing the user
owns lost (an episode never lands on an input; folders, full disks and two renders at
once end cleanly)."""

from __future__ import annotations

import errno
import json
import os
import stat
import wave
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from podcast import files
from podcast.cli import main
from podcast.errors import ConfigError, InputError, OutputError
from podcast.source import load_transcript
from podcast.transcript.read import read_text
from tests.helpers import (
    FIXTURES,
    MAGAZINE,
    fake,
    fake_render,
    numbered_dialogue,
    podcast,
    run,
    start,
    undisclosed,
)


def test_render_writes_44k_mono_mp3_with_tags() -> None:
    result = fake_render()
    assert result.output == Path("output/magazine.mp3")
    info = MP3(str(result.output))
    assert info.info.sample_rate == 44100 and info.info.channels == 1
    assert info.info.bitrate == 96000
    assert abs(info.info.length - result.seconds) < 0.1
    assert (
        str(info.tags["TIT2"])
        == "The Lighthouse Keepers talk storms, solitude and a very stubborn foghorn"
    )
    assert result.turns == 16 and len(result.speakers) == 4  # and the disclosure at the end
    assert (result.synthesized, result.cached) == (21, 0)  # 16 turns, 18 paragraphs, 3 dashes


def test_second_render_is_up_to_date_and_a_change_resynthesizes_only_that(tmp_path: Path) -> None:
    fake_render()
    again = fake_render()
    assert again.up_to_date and again.synthesized == 0
    Path("voices.yaml").write_text("speakers:\n  PRIYA LINDQVIST: {rate: 200}\n")
    changed = fake_render()
    assert not changed.up_to_date
    assert (changed.synthesized, changed.cached) == (3, 18)


def test_no_cache_synthesizes_everything() -> None:
    fake_render()
    Path("output/magazine.mp3").unlink()
    assert fake_render(use_cache=False).synthesized == 21


def test_wav_output_duration_matches_timeline(tmp_path: Path) -> None:
    out = tmp_path / "ep.wav"
    result = fake_render(output=out)
    with wave.open(str(out)) as file:
        assert file.getframerate() == 44100
        assert abs(file.getnframes() / 44100 - result.seconds) < 1e-6


def test_failed_render_keeps_the_previous_episode(tmp_path: Path) -> None:
    out = tmp_path / "episodes" / "ep.mp3"
    out.parent.mkdir()
    out.write_bytes(b"previous episode")
    Path("voices.yaml").write_text("speakers:\n  DANA OKAFOR: {voice: en-uss}\n")
    with pytest.raises(ConfigError, match="unknown voice 'en-uss'; closest: en-us"):
        fake_render(output=out)
    assert out.read_bytes() == b"previous episode"
    assert [p.name for p in out.parent.iterdir()] == ["ep.mp3"]


def test_unknown_voice_is_caught_before_any_synthesis() -> None:
    Path("voices.yaml").write_text("narrator: {voice: en-us+f99}\n")
    with pytest.raises(ConfigError) as caught:
        fake_render()
    assert str(caught.value) == (
        "voices.yaml: Narrator: unknown voice variant '+f99' in 'en-us+f99'; closest: f5, f4, f3"
    )
    assert not Path("output").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "has no text to speak"),
        (b"\x00\x01\x02binary", "looks like a binary file"),
        (b"  \n\n ...", "has no text to speak"),
    ],
)
def test_bad_transcripts_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_text(path)


def test_missing_transcript(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file; check the transcript path"):
        fake_render(tmp_path / "nope.txt")


def test_encodings(tmp_path: Path) -> None:
    text = "Café talk\n\nANA: Olé!\n"
    for encoding, expected in (("utf-16", []), ("utf-8-sig", []), ("cp1252", ["Windows-1252"])):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(text.encode(encoding))
        decoded, warnings = read_text(path)
        assert decoded.lstrip("\ufeff") == text
        assert [w for w in expected if any(w in x for x in warnings)] == expected


def test_output_path_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a folder"):
        fake_render(output=tmp_path)


def test_spoken_text_drops_brackets_and_applies_pronunciations() -> None:
    Path("voices.yaml").write_text("pronunciations:\n  foghorn: fog horn\n")
    turns = load_transcript(MAGAZINE).script.turns
    assert turns[3].text == (
        "Honestly, the quiet. You think you want quiet until you have it every single night, "
        "and then you start hearing your own thoughts very loudly."
    )
    assert "The fog horn day." in turns[10].text


def test_missing_or_corrupt_cached_segments_are_made_again(tmp_path: Path) -> None:
    first = fake_render(jobs=2)
    segments = sorted((tmp_path / "cache" / "segments").glob("*/*.seg"))
    assert len(segments) == first.turns
    for path in segments[::3]:
        path.unlink()
    segments[1].write_bytes(b"not a segment")
    Path("output/magazine.mp3").unlink()
    again = fake_render(jobs=2)
    assert again.synthesized == 0 and again.cached == 21  # clips come from the clip cache
    assert again.seconds == first.seconds
    assert [s.start for s in again.timeline] == [s.start for s in first.timeline]


def test_a_missing_side_file_means_not_up_to_date() -> None:
    fake_render()
    assert fake_render().up_to_date
    Path("output/magazine.vtt").unlink()
    again = fake_render()
    assert not again.up_to_date and Path("output/magazine.vtt").is_file()
    assert again.synthesized == 0  # everything else came from the caches


def test_loudness_is_tagged_as_numbers_and_read_back_as_numbers() -> None:
    """The measured loudness and true peak are tags of their own, numbers both ways: an
    up-to-date render reports what the first one measured, and the encoder tag names the
    engines that spoke (the fake here), not eSpeak NG whatever spoke."""
    first = fake_render()
    id3 = ID3(str(first.output))
    lufs = float(id3.getall("TXXX:podcast-loudness-lufs")[0].text[0])
    peak = float(id3.getall("TXXX:podcast-true-peak-dbtp")[0].text[0])
    assert abs(lufs - first.loudness) < 0.01 and abs(peak - first.true_peak) < 0.01
    assert str(id3.getall("TSSE")[0].text[0]) == "podcast (fake, LAME)"
    again = fake_render()
    assert again.up_to_date
    assert (again.loudness, again.true_peak) == (round(lufs, 2), round(peak, 2))


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


def test_two_renders_at_once_both_write_a_valid_file(tmp_path: Path) -> None:
    (tmp_path / "talk.txt").write_text(numbered_dialogue(12), encoding="utf-8")
    env = {"PODCAST_CACHE_DIR": str(tmp_path / "cache"), "PODCAST_FAKE_DELAY": "0.05"}
    args = ["render", "talk.txt", "-o", "out/talk.mp3", "--engine", "fake", "-j", "2"]
    first, second = start(args, env, tmp_path), start(args, env, tmp_path)
    for process in (first, second):
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
    fake_render(tmp_path / "talk.txt", tmp_path / "one.mp3")
    both = MP3(str(tmp_path / "out" / "talk.mp3")).info.length
    assert both == MP3(str(tmp_path / "one.mp3")).info.length > 30
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [
        "talk.chapters.json",
        "talk.html",
        "talk.mp3",
        "talk.shownotes.md",
        "talk.srt",
        "talk.transcript.json",
        "talk.vtt",
    ]


def test_missing_output_folders_are_created(tmp_path: Path) -> None:
    (tmp_path / "talk.txt").write_text(numbered_dialogue(2), encoding="utf-8")
    out = tmp_path / "a" / "b" / "talk.mp3"
    fake_render(tmp_path / "talk.txt", out)
    assert MP3(str(out)).info.sample_rate == 44100


def test_folder_that_cannot_be_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "talk.txt").write_text(numbered_dialogue(2), encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(files, "temporary_file", refuse)
    with pytest.raises(OutputError, match=r"cannot write there \(Permission denied\)"):
        fake_render(tmp_path / "talk.txt", tmp_path / "talk.mp3")


def test_disk_full_leaves_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "talk.txt").write_text(numbered_dialogue(6), encoding="utf-8")
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


def test_odd_characters_render(tmp_path: Path) -> None:
    text = (
        "HOST: Emoji 😀 and a bell\x07 and zero\u200bwidth.\n\n"
        "GUEST: 你好世界, مرحبا بالعالم, שלום עולם.\n\n"
        f"HOST: A long word {'x' * 5000} ends here.\n"
    )
    (tmp_path / "odd.txt").write_text(text, encoding="utf-8")
    undisclosed(tmp_path)
    turns = CliRunner().invoke(main, ["turns", str(tmp_path / "odd.txt"), "--json"])
    spoken = [row["text"] for row in json.loads(turns.stdout)]
    assert spoken == [
        "Emoji and a bell and zerowidth.",  # emoji are never read
        "你好世界, مرحبا بالعالم, שלום עולם.",
        "A long word ends here.",
    ]
    out = tmp_path / "odd.mp3"
    assert fake_render(tmp_path / "odd.txt", out).turns == 3


@pytest.mark.parametrize(("volume", "under"), [(0.5, 6.0), (0.1, 20.0), (0, 60.0)])
def test_volume_sets_a_speaker_under_the_episodes_level(
    tmp_path: Path, volume: float, under: float
) -> None:
    """``volume:`` is kept through levelling: 0.5 sets the speaker 6 dB under the others,
    0.1 20 dB; 0 all but silences them (it once aborted the render)."""
    import soundfile

    from podcast.audio import loudness

    voices = tmp_path / "voices.yaml"
    voices.write_text(f"speakers:\n  DANA OKAFOR: {{volume: {volume}}}\n", encoding="utf-8")
    result = fake_render(MAGAZINE, tmp_path / "ep.wav", voices=voices)
    audio, _ = soundfile.read(tmp_path / "ep.wav", dtype="float32")

    def level(speaker: str) -> float:
        parts = [audio[c.start : c.end] for c in result.cues if c.speaker == speaker]
        return loudness.integrated(loudness.sub_blocks(np.concatenate(parts)))

    quieter = level("PRIYA LINDQVIST") - level("DANA OKAFOR")
    assert quieter == pytest.approx(under, abs=1.0 if volume else 10.0)


def test_a_turn_that_opens_with_a_pause_keeps_it(tmp_path: Path) -> None:
    """[pause 5s] at the start of a turn is five seconds of silence before its words (it
    was dropped, though the warning for a longer one said it was shortened)."""
    plain = tmp_path / "plain.txt"
    plain.write_text("ANNA BELL: Hello there.\n\nRUTH KING: Go on then.\n", encoding="utf-8")
    paused = tmp_path / "paused.txt"
    paused.write_text("ANNA BELL: Hello there.\n\nRUTH KING: [pause 5s] Go on then.\n")
    undisclosed(tmp_path)
    one = fake_render(plain, tmp_path / "a.wav")
    two = fake_render(paused, tmp_path / "b.wav")
    assert two.seconds - one.seconds == pytest.approx(5.0, abs=0.05)
    starts = [cue.start for cue in two.cues if cue.speaker == "RUTH KING"]
    ends = [cue.end for cue in two.cues if cue.speaker == "ANNA BELL"]
    assert (starts[0] - ends[-1]) / 44100 > 5.0


@pytest.mark.engine
def test_the_same_samples_whatever_the_jobs_render_or_batch(tmp_path: Path) -> None:
    """The same transcript and voices give the same episode, sample for sample, with one
    engine process or two, from `podcast render` or `podcast batch`, each with a cache of
    its own (eSpeak NG's output once depended on what its process had spoken before)."""
    import soundfile

    from podcast.render import Options, render

    made = []
    for jobs in (1, 2):
        options = Options(jobs=jobs, cache_dir=tmp_path / f"cache{jobs}")
        made.append(render(MAGAZINE, tmp_path / f"jobs{jobs}.mp3", options).output)
    source = tmp_path / "archive"
    source.mkdir()
    (source / "magazine.txt").write_bytes(MAGAZINE.read_bytes())
    batch = run("batch", source, "-o", tmp_path / "batch", "-j", "2", "--no-cache")
    assert batch.exit_code == 0, batch.output
    made.append(tmp_path / "batch" / "magazine.mp3")
    decoded = [soundfile.read(path, dtype="int16")[0] for path in made]
    assert len(decoded[0]) > 44100 * 60
    assert all(np.array_equal(decoded[0], other) for other in decoded[1:])

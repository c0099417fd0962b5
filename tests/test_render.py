import wave
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from podcast.errors import ConfigError, InputError, OutputError
from podcast.source import load_transcript
from podcast.transcript.read import read_text
from tests.helpers import MAGAZINE, fake_render


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
    assert result.turns == 15 and len(result.speakers) == 4
    assert (result.synthesized, result.cached) == (20, 0)  # 15 turns, 17 paragraphs, 3 dashes


def test_second_render_is_up_to_date_and_a_change_resynthesizes_only_that(tmp_path: Path) -> None:
    fake_render()
    again = fake_render()
    assert again.up_to_date and again.synthesized == 0
    Path("voices.yaml").write_text("speakers:\n  PRIYA LINDQVIST: {rate: 200}\n")
    changed = fake_render()
    assert not changed.up_to_date
    assert (changed.synthesized, changed.cached) == (3, 17)


def test_no_cache_synthesizes_everything() -> None:
    fake_render()
    Path("output/magazine.mp3").unlink()
    assert fake_render(use_cache=False).synthesized == 20


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
    assert again.synthesized == 0 and again.cached == 20  # clips come from the clip cache
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

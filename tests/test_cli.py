import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from podcast.cli import main
from podcast.config.load import find_voices_file
from podcast.config.model import DISCLOSURE
from podcast.errors import InputError
from podcast.source import load_transcript
from tests.helpers import FIXTURES, MAGAZINE, ROOT, SAMPLE, run


def test_turns_table() -> None:
    result = run("turns", str(FIXTURES / "no_interviewer_label.txt"))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Style: Q&A transcript (detected: labels (NAME:) and paragraphs, no other style's marks)",
        "   1  Narrator        title       Notes from the Night Market",
        "   2  Narrator        narration   Our reporter spent an evening with two vendors …",
        "   3  Interviewer     question    How did you two meet?",
        "   4  RAFAEL MENDOZA  label       We were fighting over the same corner. She …",
        "   5  GRACE TANAKA    label       I did win. And then I felt bad …",
        "   6  Interviewer     question    What keeps you coming back every night?",
        "   7  GRACE TANAKA    alias       The regulars. Some of them have eaten here …",
        "   8  RAFAEL MENDOZA  alias       And the noise. I cannot sleep without the …",
        "   9  Narrator        disclosure  The voices in this episode are synthetic: every …",
        "Label: 'RAFAEL MENDOZA:' is a label: written in capitals",
        "Label: 'GRACE TANAKA:' is a label: written in capitals",
        "Label: 'TANAKA:' (GRACE TANAKA) is a label: written in capitals",
        "Label: 'MENDOZA:' (RAFAEL MENDOZA) is a label: written in capitals",
        "Guessed: turns 3, 6: no label; read as questions from Interviewer",
        "Timing (before each turn):",
        "   2    567 ms  same speaker",
        "   3    379 ms  after a statement",
        "   4    206 ms  after a question",
        "   5    408 ms  after a statement",
        "   6    759 ms  after a statement",
        "   7    275 ms  after a question",
        "   8    579 ms  after a statement",
        "   9    516 ms  after a statement",
        "Not spoken:",
        "  line 15: This interview has been edited and condensed. [promotion]",
    ]


def test_turns_json_is_exactly_the_spoken_text() -> None:
    result = run("turns", MAGAZINE, "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert all(set(row) == {"speaker", "text"} for row in rows)
    assert rows[3] == {
        "speaker": "DANA OKAFOR",
        "text": "Honestly, the quiet. You think you want quiet until you have it every single "
        "night, and then you start hearing your own thoughts very loudly.",
    }
    assert rows[8]["text"].endswith(
        "sandwich.\n\nThere was a storm scene we shot twice "
        "because the real storm was better than the fake one."
    )
    assert rows[-2] == {
        "speaker": "Narrator",
        "text": "Salt and Signal opens nationwide March third.",
    }
    assert rows[-1] == {"speaker": "Narrator", "text": DISCLOSURE}  # said at the end


SUMMARY = re.compile(
    r"output/magazine\.mp3: 1:49, 16 turns, 4 speakers, (-[\d.]+) LUFS, "
    r"true peak (-[\d.]+) dBTP \((.*)\)\n"
)


def summary_of(stdout: str) -> tuple[float, float, str]:
    """Loudness, true peak and state of a summary line; the rest must match exactly."""
    match = SUMMARY.fullmatch(stdout)
    assert match, stdout
    return float(match[1]), float(match[2]), match[3]


def test_render_prints_one_summary_line() -> None:
    result = run("render", MAGAZINE, "--engine", "fake", "-j", "1")
    assert result.exit_code == 0, result.output
    level, peak, state = summary_of(result.stdout)
    # the fake's pure tones: levelled to the target, peaks far under the limit
    assert level == pytest.approx(-16.0, abs=0.5) and peak < -5
    assert state == "21 clips synthesized, 0 from cache"
    again = run("render", MAGAZINE, "--engine", "fake", "-o", "output/magazine.mp3")
    assert summary_of(again.stdout) == (level, peak, "up to date, nothing to do")
    assert Path("output/magazine.mp3").stat().st_size > 10_000


def test_missing_file_is_one_line_and_exit_2() -> None:
    result = run("render", "nope.txt", "--engine", "fake")
    assert result.exit_code == 2
    assert result.stderr == "Error: nope.txt: no such file; check the transcript path\n"
    assert "Traceback" not in result.output


def test_config_problems_one_line_each_exit_3() -> None:
    Path("voices.yaml").write_text("defaults: {rate: 9000}\nspeakers:\n  ANA: {voise: en-us}\n")
    result = run("render", MAGAZINE, "--engine", "fake")
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "Error: voices.yaml: defaults.rate: 9000 is out of range; use 80 to 450",
        "Error: voices.yaml: speakers.ANA.voise: unknown key; did you mean 'voice'?",
    ]


def test_unknown_voice_exit_3_before_synthesis() -> None:
    Path("voices.yaml").write_text("speakers:\n  OKAFOR: {voice: en-uss}\n")
    result = run("render", MAGAZINE, "--engine", "fake")
    assert result.exit_code == 3
    assert result.stderr == (
        "Error: voices.yaml: DANA OKAFOR: unknown voice 'en-uss'; "
        "closest: en-us, en-us-nyc, en-gb\n"
    )
    assert not Path("output").exists()


def test_bad_output_extension() -> None:
    result = run("render", MAGAZINE, "--engine", "fake", "-o", "ep.aiff")
    assert result.exit_code == 5
    assert result.stderr == (
        "Error: ep.aiff: unsupported format 'aiff'; use one of mp3, wav, flac, ogg, opus, m4a, "
        "m4b\n"
    )


def test_voices_lists_fake_voices_and_variants() -> None:
    result = run("voices", "--engine", "fake")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "en-029               unknown  Fake en-029"
    assert result.stdout.splitlines()[-1].startswith("variants (add as voice+variant): m1 m2")


def test_cache_info_and_clear() -> None:
    run("render", MAGAZINE, "--engine", "fake", "-j", "1")
    info = run("cache", "info")
    assert info.exit_code == 0 and ": 21 clips, 16 segments, " in info.stdout
    assert info.stdout.endswith(" MB of at most 2048 MB\n")
    cleared = run("cache", "clear")
    assert cleared.stdout.startswith("Removed 37 clips and segments from ")
    assert ": 0 clips, 0 segments, 0.0 MB" in run("cache", "info").stdout


def test_voices_filtered_by_language_and_gender() -> None:
    result = run("voices", "--engine", "fake", "--lang", "en-gb", "--gender", "female")
    assert result.exit_code == 0
    assert result.stdout == "variants (add as voice+variant): f1 f2 f3 f4 f5\n"
    result = run("voices", "--engine", "fake", "--lang", "en-gb")
    names = [line.split()[0] for line in result.stdout.splitlines()[:-1]]
    assert names == ["en-gb", "en-gb-scotland", "en-gb-x-rp"]


def test_voices_json() -> None:
    result = run("voices", "--engine", "fake", "--json", "--lang", "en-029")
    data = json.loads(result.stdout)
    common = {"engine": "fake", "quality": "", "speakers": 1, "sample_rate": 22050, "licence": ""}
    assert data["voices"] == [
        {"name": "en-029", "language": "en-029", "description": "Fake en-029", "gender": "unknown"}
        | common
    ]
    assert (
        data["variants"][0]
        == {
            "name": "m1",
            "language": "",
            "description": "Fake m1",
            "gender": "male",
        }
        | common
    )
    assert data["missing"] == {}


def test_format_names_the_transcript_style_and_the_audio_format() -> None:
    chat = str(FIXTURES / "styles" / "chat.log")
    result = run("render", chat, "--format", "chat", "--format", "flac", "--engine", "fake")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("output/chat.flac: 0:")
    assert Path("output/chat.flac").is_file() and Path("output/chat.vtt").is_file()
    assert run("turns", chat, "--format", "chat").stdout.startswith("Style: chat log (--format)\n")


def test_turns_lists_what_is_not_spoken_and_why() -> None:
    result = CliRunner().invoke(main, ["turns", str(FIXTURES / "magazine.txt")])
    lines = result.stdout.splitlines()
    start = lines.index("Not spoken:")
    assert "  line 7: Marine Studios [photo credit]" in lines[start:]
    assert any(line.endswith("[credit or link]") for line in lines[start:])


def test_the_readme_first_command_gives_no_warning() -> None:
    loaded = load_transcript(SAMPLE, find_voices_file(ROOT / "voices.yaml", SAMPLE))
    assert loaded.warnings == ()


def test_turns_interrupted_says_nothing_of_clips(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("podcast.cli.load_transcript", interrupted)
    result = run("turns", MAGAZINE)
    assert result.exit_code == 130
    assert result.stderr == "Interrupted: nothing was written.\n"


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


def test_input_error_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_transcript(tmp_path / "absent.txt")
    result = CliRunner().invoke(main, ["turns", str(tmp_path / "absent.txt")])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"Error: {tmp_path / 'absent.txt'}: no such file; check the transcript path\n"
    )


def test_output_names_that_cannot_be_what_was_asked() -> None:
    """-o with a slash at the end is a folder; a name longer than file systems take, or
    one that says another format than --format, is one line, before any work."""
    folder = run("render", MAGAZINE, "--engine", "fake", "-j", "1", "-o", "episodes/")
    assert folder.exit_code == 0, folder.output
    assert Path("episodes/magazine.mp3").is_file() and not Path("episodes").is_file()
    long = run("render", MAGAZINE, "--engine", "fake", "-o", "x" * 300 + ".mp3")
    assert long.exit_code == 5
    assert long.stderr.endswith("give one of at most 200 with -o\n")
    assert len(long.stderr.splitlines()) == 1
    wrong = run("render", MAGAZINE, "--engine", "fake", "-o", "x.mp3", "--format", "wav")
    assert wrong.exit_code == 5
    assert wrong.stderr == (
        "Error: x.mp3: the name says mp3 but --format says wav; name it x.wav or leave out "
        "--format\n"
    )
    assert not Path("x.mp3").exists()


def test_one_is_not_plural() -> None:
    Path("one.txt").write_text("ANNA BELL: Hello there, it is me.\n", encoding="utf-8")
    Path("voices.yaml").write_text("episode: {disclosure: false}\n", encoding="utf-8")
    result = run("render", "one.txt", "--engine", "fake", "-j", "1")
    assert result.stdout.startswith("output/one.mp3: 0:0")
    assert ", 1 turn, 1 speaker," in result.stdout

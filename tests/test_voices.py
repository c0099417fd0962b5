import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podcast.config.cast import PALETTE, cast, warnings
from podcast.config.load import find_voices_file, load, loads
from podcast.config.model import NARRATOR_VOICE, Pauses, Voice, VoiceBook
from podcast.errors import ConfigError
from tests.helpers import dialogue, podcast

REPO_VOICES = Path(__file__).resolve().parents[1] / "voices.yaml"


def error_of(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        loads(text, Path("v.yaml"))
    return str(caught.value)


def test_repository_voices_yaml_is_valid() -> None:
    book = load(REPO_VOICES)
    ruiz = book.speaker("ruiz")
    assert ruiz is not None and ruiz.voice == Voice("en-us+f3", rate=160, pitch=50, volume=1.0)
    assert book.pauses == Pauses(paragraph=350, turn=500, speaker_change=500)


def test_schema_example_from_the_issue() -> None:
    book = loads(
        """
defaults: {voice: en-us, rate: 170, pitch: 50, volume: 1.0}
narrator: {voice: en-gb-x-rp}
interviewer: ENTERTAINMENT WEEKLY
speakers:
  ALLISON WILLIAMS: {voice: en-us+f3, rate: 165, aliases: [WILLIAMS]}
pauses: {paragraph: 350, turn: 500, speaker_change: 800}
"""
    )
    assert book.interviewer == "ENTERTAINMENT WEEKLY"
    assert book.narrator == Voice("en-gb-x-rp", rate=165, pitch=45)
    assert book.aliases() == {
        "ALLISON WILLIAMS": "ALLISON WILLIAMS",
        "WILLIAMS": "ALLISON WILLIAMS",
    }
    assert book.speaker("allison williams").voice == Voice("en-us+f3", 165, 50, 1.0)


def test_speaker_settings_start_from_defaults() -> None:
    book = loads("defaults: {rate: 200, pitch: 30}\nspeakers:\n  AMY: {voice: en-gb}\n")
    assert book.speaker("AMY").voice == Voice("en-gb", rate=200, pitch=30, volume=1.0)


def test_empty_file_is_the_defaults() -> None:
    assert loads("") == VoiceBook()


def test_all_problems_at_once_each_naming_file_key_and_fix() -> None:
    message = error_of(
        "defaults: {voise: en-us, rate: 20, pitch: high}\n"
        "speakers:\n  BOB: {volume: 2, aliases: 7}\n"
        "pauses: {turn: -5}\n"
        "colour: red\n"
        "censor: beep\nskip: ['(unclosed']\n"
    )
    assert message.splitlines() == [
        "v.yaml: colour: unknown key; use one of defaults, narrator, interviewer, speakers, "
        "pauses, episode, pronunciations, skip, narration, censor, asides, reading, output, music, "
        "sounds, reactions",
        "v.yaml: defaults.voise: unknown key; did you mean 'voice'?",
        "v.yaml: defaults.rate: 20 is out of range; use 80 to 450",
        "v.yaml: defaults.pitch: expected a number, got 'high'",
        "v.yaml: speakers.BOB.aliases: expected a list of names, e.g. [WILLIAMS]",
        "v.yaml: speakers.BOB.volume: 2 is out of range; use 0 to 1",
        "v.yaml: pauses.turn: expected milliseconds from 0 to 60000, got -5",
        "v.yaml: skip[0]: not a regular expression (missing ), unterminated subpattern "
        "at position 0); fix it",
        "v.yaml: censor: expected one of bleep, skip, read, got 'beep'",
    ]


def test_yaml_syntax_error_names_line_and_column() -> None:
    assert error_of("speakers:\n  BOB: {voice: en-us\n") == (
        "v.yaml:3:1: expected ',' or '}', but got '<stream end>'; fix the YAML syntax there"
    )


def test_yaml_never_runs_code() -> None:
    assert "v.yaml" in error_of("defaults: !!python/object/apply:os.system ['true']\n")


def test_cast_gives_unknown_speakers_distinct_stable_voices() -> None:
    book = VoiceBook()
    names = ["Narrator", "ANA", "BEN", "CLEO", "DEV"]
    voices = cast(book, names)
    assert voices["Narrator"] == NARRATOR_VOICE
    names_voices = [voices[n].voice for n in names]
    assert len(set(names_voices)) == len(names_voices)
    assert all(voices[n].voice in {p.voice for p in PALETTE} for n in names[1:])
    assert cast(book, list(reversed(names)))["ANA"].voice in {p.voice for p in PALETTE}
    assert cast(VoiceBook(), names) == voices


def test_lookup_order(tmp_path: Path) -> None:
    transcript_dir = tmp_path / "t"
    transcript_dir.mkdir()
    transcript = transcript_dir / "a.txt"
    assert find_voices_file(None, transcript) is None
    beside = transcript_dir / "voices.yaml"
    beside.write_text("")
    assert find_voices_file(None, transcript) == beside
    here = Path.cwd() / "voices.yaml"
    here.write_text("")
    assert find_voices_file(None, transcript) == Path("voices.yaml")
    with pytest.raises(ConfigError, match="no such voices file"):
        find_voices_file(tmp_path / "missing.yaml", transcript)


def test_pronunciations_short_and_long_form() -> None:
    book = loads(
        "pronunciations:\n  Ruiz: Roo-eess\n"
        "  Shepard: {say: Sheppard, match_case: true, speakers: [BOB]}\n"
    )
    assert [(p.word, p.say, p.match_case, p.speakers) for p in book.pronunciations] == [
        ("Ruiz", "Roo-eess", False, ()),
        ("Shepard", "Sheppard", True, ("BOB",)),
    ]


def test_gender_picks_a_palette_voice_of_that_gender() -> None:
    book = loads("speakers:\n  ANA: {gender: female}\n  BO: {gender: male, rate: 200}\n")
    voices = cast(book, ["ANA", "BO", "CY"])
    assert "+f" in voices["ANA"].voice and "+m" in voices["BO"].voice
    assert voices["BO"].rate == 200
    assert len({v.voice for v in voices.values()}) == 3


def test_bad_gender_is_a_problem() -> None:
    assert error_of("speakers:\n  ANA: {gender: woman}\n") == (
        "v.yaml: speakers.ANA.gender: expected female or male, got 'woman'"
    )


def test_warnings_for_absent_speakers_and_shared_voices() -> None:
    book = loads(
        "speakers:\n  ANA: {voice: en-us}\n  BO: {voice: en-us}\n  ZED: {voice: en-gb}\n",
        Path("v.yaml"),
    )
    voices = cast(book, ["ANA", "BO"])
    assert warnings(book, ["ANA", "BO"], voices) == [
        "v.yaml: not in this transcript: ZED; check the names",
        "ANA and BO have the same voice; give one of them another",
    ]


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


scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)


yaml = pytest.importorskip("yaml")


keys = st.sampled_from(
    ["defaults", "speakers", "pauses", "skip", "episode", "output", "music", "voice", "rate",
     "pitch", "cover", "HOST", "aliases", "pronunciations", "censor", "loudness", "x"]
)  # fmt: skip


documents = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=30,
)  # fmt: skip


def test_voices_file_that_is_a_device_or_too_large(folder: Path) -> None:
    run = podcast("turns", "talk.txt", "--voices", "/dev/zero", cwd=folder)
    assert run.code == 3
    assert run.stderr == "Error: /dev/zero: not a regular file; give a voices.yaml file\n"
    with (folder / "voices.yaml").open("wb") as file:
        file.truncate(5 * 2**20)
    run = podcast("turns", "talk.txt", cwd=folder)
    assert run.code == 3 and "voices.yaml: larger than 1024 KB" in run.stderr


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


def test_an_alias_bomb_is_refused_at_once(folder: Path) -> None:
    (folder / "voices.yaml").write_text(ALIAS_BOMB + "\n")
    run = podcast("turns", "talk.txt", cwd=folder)
    assert run.code == 3
    assert run.stderr == (
        "Error: voices.yaml: expands to more than 100000 values through YAML aliases "
        "(&name, *name); write the values out plainly\n"
    )
    assert run.seconds < 10 and run.rss_mb < 200


def test_names_that_differ_only_in_case_and_keys_given_twice(folder: Path) -> None:
    (folder / "voices.yaml").write_text("speakers:\n  HOST: {rate: 150}\n  host: {rate: 160}\n")
    with pytest.raises(ConfigError, match=r"speakers\.host: the same speaker as HOST"):
        load(folder / "voices.yaml")
    (folder / "voices.yaml").write_text("speakers:\n  HOST: {rate: 150}\n  HOST: {rate: 160}\n")
    run = podcast("turns", "talk.txt", cwd=folder)
    assert run.code == 3
    assert run.stderr == "Error: voices.yaml:3: 'HOST' is given twice (first on line 2); keep one\n"


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


def test_a_number_yaml_reads_as_text_is_still_a_number() -> None:
    """YAML 1.1 reads 1e308 (no dot) as text: it is still judged as the number it is."""
    with pytest.raises(ConfigError) as caught:
        loads("defaults: {rate: 1e308, volume: 1e-1}\npauses: {turn: 1e9}\n")
    assert str(caught.value).splitlines() == [
        "voices.yaml: defaults.rate: 1e+308 is out of range; use 80 to 450",
        "voices.yaml: pauses.turn: expected milliseconds from 0 to 60000, got 1000000000.0",
    ]


def test_an_interviewer_left_over_from_another_show_is_not_given_the_questions(
    tmp_path: Path,
) -> None:
    """A voices.yaml naming an interviewer this transcript never labels: where the
    transcript labels its own asker, that one asks (with a warning); where nobody is
    labelled, the name from voices.yaml is who asks, as before."""
    leftover = tmp_path / "voices.yaml"
    leftover.write_text("interviewer: PHIL GRANT\n", encoding="utf-8")
    from podcast.source import load_transcript
    from tests.helpers import FIXTURES, MAGAZINE

    labelled = load_transcript(MAGAZINE, leftover)
    assert "PHIL GRANT" not in labelled.script.speakers
    assert labelled.script.interviewer == "THE HARBOR REVIEW"
    assert any("interviewer: PHIL GRANT is not in this transcript" in w for w in labelled.warnings)
    unlabelled = load_transcript(FIXTURES / "no_interviewer_label.txt", leftover)
    assert unlabelled.script.interviewer == "PHIL GRANT"

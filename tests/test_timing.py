"""Timing like a conversation: gaps by what the turn was, spread as people's are,
cut-ins that talk over a turn that breaks off, and nothing read that a host would not
say; every choice seeded, so the same inputs give the same episode."""

from __future__ import annotations

import itertools
import json
import os
import statistics
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile

from podcast.config.model import Pauses
from podcast.render import Options, render
from podcast.source import load_transcript
from podcast.speakable.text import spoken_script
from podcast.timing import FACTORS, Gap, timings
from podcast.transcript.model import Script, Turn, TurnKind
from podcast.transcript.styles import parse_transcript
from tests.helpers import ARTICLE, MAGAZINE, ebur128, fake_render, podcast, run

CUT = """ANNA BELL: I was walking by the river when I saw the light over the water, and I thought—

RUTH KING: The boat? Was it the boat?

ANNA BELL: Yes. It was the old ferry, lit up like nobody had ever switched it off.

RUTH KING: Right.

ANNA BELL: And then the strangest thing happened, which I never told my brother [crosstalk]

RUTH KING: Wait, your brother was there?
"""
PANNED = (
    "speakers:\n  ANNA BELL: {pan: -1}\n  RUTH KING: {pan: 1}\noutput: {channels: 2}\n"
    "episode: {disclosure: false}\n"  # the narrator's closing line would be in both places
)


def turn(speaker: str, text: str, how: TurnKind = TurnKind.LABEL) -> Turn:
    return Turn(speaker, (text,), how, 1)


def test_the_gap_after_a_turn_follows_what_the_turn_was() -> None:
    statement = "That winter we fixed the boat ourselves, plank by plank, in the yard."
    script = Script(
        (
            turn("A", "Where did you grow up?"),
            turn("B", statement),
            turn("A", "Right."),
            turn("B", " ".join(["word"] * 130) + "."),
            turn("A", "Part two", TurnKind.HEADING),
            turn("A", "And then I stopped—"),
            turn("B", "Stopped?"),
            turn("B", "Why?"),
        )
    )
    fixed = Pauses(spread=0)
    found = [(t.why, t.gap, t.overlap) for t in timings(script, fixed)]
    change = fixed.speaker_change
    assert found == [
        (Gap.QUESTION, round(change * FACTORS[Gap.QUESTION]), 0),
        (Gap.REPLY, change, 0),
        (Gap.SHORT, round(change * FACTORS[Gap.SHORT]), 0),
        (Gap.TOPIC, round(change * FACTORS[Gap.TOPIC]), 0),
        (Gap.SAME, fixed.turn, 0),
        (Gap.CUT_IN, 0, fixed.overlap),
        (Gap.SAME, fixed.turn, 0),
        (Gap.END, 0, 0),
    ]
    flat = [t.gap for t in timings(script, replace(fixed, by_context=False, overlap=0))]
    assert flat == [change, change, change, change, fixed.turn, change, fixed.turn, 0]


def test_gaps_are_spread_and_seeded_by_the_turns_themselves() -> None:
    script = Script(
        tuple(
            turn("AB"[i % 2], f"Line {i} of the talk, said plainly and at an even pace.")
            for i in range(40)
        )
    )
    spread = [t.gap for t in timings(script, Pauses())]
    assert spread == [t.gap for t in timings(script, Pauses())]  # the same every time
    assert len(set(spread[:-1])) > 30
    assert statistics.median(spread[:-1]) == pytest.approx(Pauses().speaker_change, rel=0.15)
    low, high = Pauses().speaker_change * np.exp([-0.6, 0.6])  # two deviations of 0.3
    assert all(low - 1 <= gap <= high + 1 for gap in spread[:-1])


def changes(side_file: Path) -> list[tuple[float, str]]:
    """Every change of speaker in an episode's transcript.json: the gap (ms) and the
    words before it."""
    segments = json.loads(side_file.read_text(encoding="utf-8"))["segments"]
    return [
        (1000 * (b["startTime"] - a["endTime"]), a["body"])
        for a, b in itertools.pairwise(segments)
        if a["speaker"] != b["speaker"]
    ]


def quartiles(values: list[float]) -> float:
    low, _, high = statistics.quantiles(values, n=4)
    return high - low


@pytest.mark.parametrize("source", [ARTICLE, MAGAZINE], ids=["article", "magazine"])
def test_answers_come_quickly_and_gaps_vary(tmp_path: Path, source: Path) -> None:
    if not source.exists():
        pytest.skip(f"{source} is not here (it lives beside the project)")
    fake_render(source, tmp_path / "episode.wav")
    found = changes(tmp_path / "episode.transcript.json")
    after_questions = [gap for gap, words in found if words.rstrip().endswith("?")]
    assert 150 <= statistics.median(after_questions) <= 450
    assert quartiles([gap for gap, _ in found]) >= 80


def loud(channel: np.ndarray, rate: int) -> np.ndarray:
    """For every 10 ms of ``channel``: whether anything is heard in it."""
    step = rate // 100
    frames = channel[: len(channel) // step * step].reshape(-1, step)
    return np.sqrt((frames**2).mean(axis=1)) > 0.01


def test_a_turn_that_breaks_off_is_talked_over_and_ducked(folder: Path) -> None:
    (folder / "cut.txt").write_text(CUT, encoding="utf-8")
    (folder / "voices.yaml").write_text(PANNED, encoding="utf-8")
    fake_render(folder / "cut.txt", folder / "cut.wav")
    audio, rate = soundfile.read(folder / "cut.wav")
    left, right = loud(audio[:, 0], rate), loud(audio[:, 1], rate)
    ruth = int(np.argmax(right))  # Ruth cuts in (10 ms frames)
    anna_ends = ruth + int(np.argmin(left[ruth:]))
    overlap = 10 * (anna_ends - ruth)
    assert 100 <= overlap <= 600
    step = rate // 100
    before = np.sqrt((audio[(ruth - 30) * step : (ruth - 5) * step, 0] ** 2).mean())
    under = np.sqrt((audio[(ruth + 10) * step : (anna_ends - 1) * step, 0] ** 2).mean())
    assert 20 * np.log10(before / under) >= 6  # the first voice ducked under the second
    assert np.abs(audio).max() <= 10 ** (-1 / 20)  # the mix is still under the peak limit


def test_an_overlap_of_zero_leaves_every_turn_whole(folder: Path) -> None:
    (folder / "cut.txt").write_text(CUT, encoding="utf-8")
    fake_render(folder / "cut.txt", folder / "cut.wav")
    (folder / "voices.yaml").write_text("pauses: {overlap: 0}\n", encoding="utf-8")
    fake_render(folder / "cut.txt", folder / "whole.wav")
    cut, whole = soundfile.info(folder / "cut.wav"), soundfile.info(folder / "whole.wav")
    overlaps = [t.overlap for t in timings(parsed(folder / "cut.txt"), Pauses())]
    assert whole.frames - cut.frames == pytest.approx(sum(overlaps) * cut.samplerate / 1000, abs=20)


def parsed(path: Path) -> Script:
    return load_transcript(path).script


def test_two_renders_and_any_jobs_give_the_same_samples(folder: Path) -> None:
    (folder / "cut.txt").write_text(CUT * 2 + LAUGH + LONG_ANSWER, encoding="utf-8")
    burst(folder / "laugh.wav", 0.6)
    sounds = "reactions: all\nsounds: {laughs: laugh.wav}\n"
    (folder / "voices.yaml").write_text(PANNED + sounds, encoding="utf-8")
    made = {}
    for name, jobs in (("one", "1"), ("two", "2"), ("again", "2")):
        cache = {"PODCAST_CACHE_DIR": str(folder / f"cache-{name}")}
        result = podcast(
            "render",
            "cut.txt",
            "--engine",
            "fake",
            "-j",
            jobs,
            "-o",
            f"{name}.wav",
            cwd=folder,
            env=cache,
        )
        assert result.code == 0, result.stderr
        made[name] = soundfile.read(folder / f"{name}.wav", dtype="int16")[0]
    assert np.array_equal(made["one"], made["two"]) and np.array_equal(made["two"], made["again"])


def test_turns_shows_the_timing_it_chose(folder: Path) -> None:
    (folder / "cut.txt").write_text(CUT, encoding="utf-8")
    (folder / "voices.yaml").write_text("pauses: {spread: 0}\n", encoding="utf-8")
    result = run("turns", folder / "cut.txt")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    start = lines.index("Timing (before each turn):")
    assert lines[start + 1 : start + 6] == [
        "   2  - 300 ms  cut in: talks over turn 1",
        "   3    300 ms  after a question",
        "   4    500 ms  after a statement",
        "   5    350 ms  after a short reply",
        "   6  - 300 ms  cut in: talks over turn 5",
    ]


SALES = """A week on the rock: a Q&A with a lighthouse keeper

Our writer spent a week on the rock. You can buy it on stands now, or here. Subscribe for more
interviews like this one. Read on for the full conversation.

THE HARBOR REVIEW: Do you ever get lonely out there?

JUNE ABARA: Never. I told my nephew to subscribe to the paper so he would know where I am.

This interview has been edited for length and clarity. Sign up for our newsletter.
"""


def test_sales_copy_in_the_narrators_text_is_not_spoken_but_a_guest_is_heard(folder: Path) -> None:
    (folder / "keeper.txt").write_text(SALES, encoding="utf-8")
    said = [row["text"] for row in json.loads(run("turns", folder / "keeper.txt", "--json").stdout)]
    spoken = " ".join(said)
    assert "Our writer spent a week on the rock." in spoken
    assert "I told my nephew to subscribe to the paper so he would know where I am." in spoken
    for sentence in ("buy it", "Subscribe for more", "Read on", "edited for length", "newsletter"):
        assert sentence not in spoken
    listed = run("turns", folder / "keeper.txt").stdout
    assert "You can buy it on stands now, or here. [promotion]" in listed
    (folder / "voices.yaml").write_text("narration: {promotion: read}\n", encoding="utf-8")
    kept = " ".join(
        row["text"] for row in json.loads(run("turns", folder / "keeper.txt", "--json").stdout)
    )
    assert "You can buy it on stands now, or here." in kept and "Read on" in kept


def test_the_articles_sales_sentences_are_not_spoken_and_every_other_one_is() -> None:
    if not ARTICLE.exists():
        pytest.skip(f"{ARTICLE} is not here (it lives beside the project)")
    result = run("turns", ARTICLE)
    dropped = [line for line in result.stdout.splitlines() if line.endswith("[promotion]")]
    assert dropped == [
        "  line 3: You can buy it on stands now, or here. [promotion]",
        "  line 3: Don’t forget to subscribe for more exclusive interviews and… [promotion]",
        "  line 3: Read on for the full (spoiler-free) conversation. [promotion]",
    ]


LAUGH = (
    "ANNA BELL: So the ferry was lit the whole night. [laughs] Nobody believed us the next "
    "morning, of course.\n\n(APPLAUSE)\n\n"
    "RUTH KING: That is a wonderful story, and a strange one.\n"
)


def burst(path: Path, seconds: float, level: float = 0.5) -> Path:
    """A burst of noise, dying away: nothing like the fake engine's steady tones."""
    rate = 48000
    times = np.arange(int(seconds * rate)) / rate
    noise = np.random.default_rng(7).normal(0, level, len(times)) * np.exp(-2 * times)
    soundfile.write(path, noise.clip(-1, 1), rate)
    return path


def noisy(audio: np.ndarray, rate: int) -> np.ndarray:
    """For every 10 ms: whether it is loud noise (many zero crossings), not a tone."""
    step = rate // 100
    frames = audio[: len(audio) // step * step].reshape(-1, step)
    crossings = (np.diff(np.sign(frames), axis=1) != 0).sum(axis=1) * 100  # per second
    return (np.sqrt((frames**2).mean(axis=1)) > 0.01) & (crossings > 4000)


def test_a_cue_with_a_sound_plays_it_where_the_cue_stands(folder: Path) -> None:
    (folder / "laugh.txt").write_text(LAUGH, encoding="utf-8")
    burst(folder / "laugh.wav", 0.6)
    burst(folder / "clap.flac", 1.2, 0.9)
    (folder / "voices.yaml").write_text(
        "sounds: {laughter: laugh.wav, applause: clap.flac}\n", encoding="utf-8"
    )
    fake_render(folder / "laugh.txt", folder / "laugh.wav.out.wav")
    audio, rate = soundfile.read(folder / "laugh.wav.out.wav")
    words = json.loads((folder / "laugh.wav.out.transcript.json").read_text())["segments"]
    end_of = {w["body"]: (w["startTime"], w["endTime"]) for w in words}
    heard = np.flatnonzero(noisy(audio, rate)) / 100  # seconds
    laugh = heard[heard < end_of["Nobody"][0]]
    clap = heard[heard > end_of["course."][1]]
    assert end_of["night."][1] <= laugh.min() and laugh.max() <= end_of["Nobody"][0]
    assert 0.3 <= laugh.max() - laugh.min() <= 0.7
    assert end_of["course."][1] <= clap.min() and clap.max() <= end_of["That"][0]
    assert len(laugh) + len(clap) == len(heard)  # nowhere else
    _, true_peak = ebur128(folder / "laugh.wav.out.wav")
    assert true_peak <= -1.0
    result = run("turns", folder / "laugh.txt")
    assert [line for line in result.stdout.splitlines() if "sound:" in line] == [
        "   1  sound: laughs (laugh.wav) in the turn",
        "   2  sound: applause (clap.flac) before the turn",
    ]


def test_a_cue_without_a_sound_stays_a_short_pause(folder: Path) -> None:
    (folder / "laugh.txt").write_text(LAUGH, encoding="utf-8")
    said = json.loads(run("turns", folder / "laugh.txt", "--json").stdout)[0]["text"]
    assert said == (
        "So the ferry was lit the whole night. [pause 300ms] Nobody believed us the next "
        "morning, of course."
    )


@pytest.mark.parametrize(
    ("sounds", "message"),
    [
        (
            "{laughs: gone.wav}",
            "sounds.laughs: {folder}/gone.wav: no such file; give a WAV, FLAC, OGG or MP3 file",
        ),
        (
            "{laughs: long.wav}",
            "sounds.laughs: {folder}/long.wav: 31 s long; a cue's sound may "
            "be at most 30 s: trim it",
        ),
        ("{laughs: [a, b]}", "sounds.laughs: expected an audio file, e.g. laughs: laughs.wav"),
    ],
)
def test_a_wrong_sound_is_one_line_naming_it(folder: Path, sounds: str, message: str) -> None:
    (folder / "laugh.txt").write_text(LAUGH, encoding="utf-8")
    burst(folder / "long.wav", 31, 0.1)
    (folder / "voices.yaml").write_text(f"sounds: {sounds}\n", encoding="utf-8")
    result = run("render", folder / "laugh.txt", "--engine", "fake", "-o", folder / "x.wav")
    assert result.exit_code != 0
    assert result.stderr == f"Error: {folder / 'voices.yaml'}: {message.format(folder=folder)}\n"
    assert not (folder / "x.wav").exists()


LONG_ANSWER = (
    "RUTH KING: What was the winter like out there?\n\n"
    "ANNA BELL: It was long. The wind never stopped, not for a single day. We kept the lamp "
    "going with oil we carried up by hand. My brother counted the steps every night. There "
    "were a hundred and twelve of them. Some nights the fog was so thick we could not see "
    "the rail. The ships still came, slowly, and we heard their horns before we saw their "
    "lights. I remember one ship that sounded its horn for an hour. We thought it had run "
    "aground. In the morning it was gone, as if it had never been there. Nobody in town "
    "believed us. My mother said we had dreamed it together. Maybe we had.\n\n"
    "RUTH KING: Did you ever find out?\n"
)


def heard_in(channel: np.ndarray, rate: int) -> list[tuple[float, float, float]]:
    """Every stretch of sound in ``channel``: start and end (seconds), level (dB)."""
    on = loud(channel, rate)
    step = rate // 100
    found = []
    edges = np.flatnonzero(np.diff(np.concatenate(([0], on.astype(int), [0]))))
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        level = np.sqrt((channel[start * step : end * step] ** 2).mean())
        found.append((start / 100, end / 100, 20 * np.log10(level)))
    return found


def test_the_listener_reacts_quietly_at_sentence_ends_under_a_long_answer(folder: Path) -> None:
    (folder / "winter.txt").write_text(LONG_ANSWER, encoding="utf-8")
    (folder / "voices.yaml").write_text(f"{PANNED}reactions: all\n", encoding="utf-8")
    fake_render(folder / "winter.txt", folder / "winter.wav")
    audio, rate = soundfile.read(folder / "winter.wav")
    ruth = heard_in(audio[:, 1], rate)  # Ruth's place: her question, reactions, her question
    (_, _, asking), *reactions, _ = ruth
    anna = heard_in(audio[:, 0], rate)
    assert 1 <= len(reactions) <= 4  # sparse: a 40-second answer of 15 sentences
    answer_start, answer_end = anna[0][0], anna[-1][1]
    words = json.loads((folder / "winter.transcript.json").read_text())["segments"]
    ends = [w["endTime"] for w in words if w["body"].endswith(".") and w["speaker"] == "ANNA BELL"]
    for start, end, level in reactions:
        assert answer_start < start and end < answer_end  # under the answer
        assert asking - level >= 9  # quiet: 12 dB under her own voice
        assert min(abs(start - e) for e in ends) <= 0.5  # at a sentence's end
    result = run("turns", folder / "winter.txt")
    listed = result.stdout.split("Reactions:\n")[1].splitlines()
    assert len(listed) == len(reactions) and all(
        line.startswith("   2  RUTH KING: '") for line in listed
    )


def test_reactions_are_off_unless_asked_for_and_only_for_those_named(folder: Path) -> None:
    (folder / "winter.txt").write_text(LONG_ANSWER, encoding="utf-8")
    (folder / "voices.yaml").write_text(PANNED, encoding="utf-8")
    fake_render(folder / "winter.txt", folder / "off.wav")
    audio, rate = soundfile.read(folder / "off.wav")
    assert len(heard_in(audio[:, 1], rate)) == 2  # Ruth's two questions, nothing between
    (folder / "voices.yaml").write_text(f"{PANNED}reactions: [BELL]\n", encoding="utf-8")
    assert "Reactions:" not in run("turns", folder / "winter.txt").stdout  # Ruth does not react


def test_a_wrong_reactions_entry_is_named_with_its_fix(folder: Path) -> None:
    (folder / "winter.txt").write_text(LONG_ANSWER, encoding="utf-8")
    (folder / "voices.yaml").write_text(
        "reactions: {speakers: 3, words: [], level: 5, colour: red}\n", encoding="utf-8"
    )
    result = run("turns", folder / "winter.txt")
    where = folder / "voices.yaml"
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"Error: {where}: reactions.colour: unknown key; use one of speakers, words, level",
        f"Error: {where}: reactions: expected all, none, or a list of speakers, e.g. [RUIZ]",
        f"Error: {where}: reactions.words: expected a list of words, e.g. [mm-hm, right]",
        f"Error: {where}: reactions.level: expected dB from -40 to 0, got 5",
    ]


@pytest.mark.engine
def test_real_voices_talk_over_a_turn_that_breaks_off(folder: Path) -> None:
    """eSpeak NG's own voices: the second speaker starts while the first is still
    heard, each in their own place in stereo."""
    (folder / "cut.txt").write_text(CUT.split("\n\nANNA BELL: Yes.")[0] + "\n", encoding="utf-8")
    (folder / "voices.yaml").write_text(PANNED, encoding="utf-8")
    render(folder / "cut.txt", folder / "cut.wav", Options(jobs=1))
    audio, rate = soundfile.read(folder / "cut.wav")
    left, right = loud(audio[:, 0], rate), loud(audio[:, 1], rate)
    ruth = int(np.argmax(right))
    heard = np.flatnonzero(left[ruth : ruth + 80])  # Anna, within 800 ms of Ruth's start
    assert len(heard) and 100 <= 10 * (heard[-1] + 1) <= 600
    assert not left[ruth + 80 : ruth + 200].any()  # and then only Ruth


def test_crosstalk_opening_the_next_turn_is_a_cut_in() -> None:
    text = (
        "ANNA BELL: So we rowed out past the point and then\n\nRUTH KING: [crosstalk] The point?\n"
    )
    script = spoken_script(parse_transcript(text))[0]
    assert script.turns[0].broken_off
    assert timings(script, Pauses(spread=0))[0].why == Gap.CUT_IN


def test_a_sound_that_is_a_pipe_is_never_opened(folder: Path) -> None:
    (folder / "laugh.txt").write_text(LAUGH, encoding="utf-8")
    os.mkfifo(folder / "pipe.wav")
    (folder / "voices.yaml").write_text("sounds: {laughs: pipe.wav}\n", encoding="utf-8")
    result = podcast("render", "laugh.txt", "--engine", "fake", "-o", "x.mp3", cwd=folder)
    assert result.code == 3
    assert result.stderr == (
        "Error: voices.yaml: sounds.laughs: pipe.wav: not a regular file; "
        "give a WAV, FLAC, OGG or MP3 file\n"
    )

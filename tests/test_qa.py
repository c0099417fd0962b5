import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podcast.transcript.model import INTERVIEWER, NARRATOR, ParseSettings, Script
from podcast.transcript.qa import parse_qa, split_label
from podcast.transcript.styles import parse_transcript
from tests.helpers import fixture_text, nothing_lost


def table(script: Script) -> list[tuple[str, str]]:
    return [(t.speaker, t.how) for t in script.turns]


def test_magazine_fixture_speakers_and_how() -> None:
    script = parse_qa(fixture_text("magazine.txt"))
    review, dana, priya = "THE HARBOR REVIEW", "DANA OKAFOR", "PRIYA LINDQVIST"
    assert table(script) == [
        (NARRATOR, "title"),
        (NARRATOR, "narration"),
        (review, "label"),
        (dana, "label"),
        (priya, "label"),
        (review, "question"),
        (dana, "alias"),
        (priya, "alias"),
        (dana, "alias"),
        (review, "question"),
        (priya, "alias"),
        (dana, "alias"),
        (review, "question"),
        (dana, "alias"),
        (NARRATOR, "narration"),
    ]
    assert script.interviewer == review
    assert script.title.startswith("The Lighthouse Keepers")


def test_intro_paragraphs_form_one_narration_turn() -> None:
    intro = parse_qa(fixture_text("magazine.txt")).turns[1]
    assert len(intro.paragraphs) == 2
    assert intro.paragraphs[1].startswith("Is it a ghost story?")


def test_photo_credits_and_related_content_are_skipped() -> None:
    script = parse_qa(fixture_text("magazine.txt"))
    assert [(u.text, u.why) for u in script.skipped] == [
        ("Marine Studios", "photo credit"),
        ("Marine Studios", "photo credit"),
        ("Related content:", "credit or link"),
    ]


def test_unlabeled_paragraph_after_an_answer_continues_it() -> None:
    turn = parse_qa(fixture_text("magazine.txt")).turns[8]
    assert turn.paragraphs == (
        "She is not exaggerating. I cried real tears over a sandwich.",
        "There was a storm scene we shot twice because the real storm was better than "
        "the fake one.",
    )
    assert turn.continued == 1


def test_label_alone_on_its_line_takes_the_lines_below() -> None:
    script = parse_qa(fixture_text("magazine.txt"))
    assert script.turns[7].text == (
        "It made the fights easier too. By week three we knew exactly which buttons to press."
    )
    assert script.turns[13].text.startswith("Cold, a little haunted")


def test_closing_line_after_two_blank_lines_is_narration() -> None:
    last = parse_qa(fixture_text("magazine.txt")).turns[-1]
    assert (last.speaker, last.text) == (NARRATOR, "Salt and Signal opens nationwide March 3.")


def test_labels_are_never_in_the_text() -> None:
    script = parse_qa(fixture_text("magazine.txt"))
    for turn in script.turns:
        assert "OKAFOR:" not in turn.text and "LINDQVIST:" not in turn.text
    assert script.labels.count("OKAFOR") == 4


def test_no_labeled_interviewer_means_interviewer() -> None:
    script = parse_qa(fixture_text("no_interviewer_label.txt"))
    assert script.interviewer == INTERVIEWER
    assert [t.speaker for t in script.turns if t.how == "question"] == [INTERVIEWER] * 2
    assert script.turns[-1].speaker == NARRATOR  # "This interview has been edited..."


def test_title_case_labels_need_two_uses() -> None:
    script = parse_qa(fixture_text("title_case.txt"))
    assert [t.speaker for t in script.turns] == [NARRATOR, "Host", "Ben Ortiz", "Host", "Ben Ortiz"]
    assert "Note" not in script.labels


def test_given_interviewer_and_aliases_win() -> None:
    text = "Q1?\nBOB: yes.\n\nQ2?\nROBERT: no.\n"
    script = parse_qa(text, ParseSettings(interviewer="Jan", aliases={"ROBERT": "BOB"}))
    assert table(script) == [
        ("Jan", "question"),
        ("BOB", "label"),
        ("Jan", "question"),
        ("BOB", "alias"),
    ]


def test_windows_line_endings_and_bom() -> None:
    text = "\ufeffTitle line\r\n\r\nAMY LEE: Hi.\r\nLEE: Again.\r"
    script = parse_qa(text)
    assert [(t.speaker, t.text) for t in script.turns] == [
        (NARRATOR, "Title line"),
        ("AMY LEE", "Hi."),
        ("AMY LEE", "Again."),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ALLISON WILLIAMS: Hi", ("ALLISON WILLIAMS", "ALLISON WILLIAMS", "Hi")),
        ("JOHN SMITH, HOST: Hello", ("JOHN SMITH, HOST", "JOHN SMITH", "Hello")),
        ("BROWNING:", ("BROWNING", "BROWNING", "")),
        ("Ben Ortiz: ok", ("Ben Ortiz", "Ben Ortiz", "ok")),
        ("On a tamer note: Did you?", None),
        ("See https://example.com for more", None),
        ("10:30 we started", None),
    ],
)
def test_split_label(line: str, expected: tuple[str, str, str] | None) -> None:
    assert split_label(line) == expected


@pytest.mark.parametrize("name", ["magazine.txt", "no_interviewer_label.txt", "title_case.txt"])
def test_nothing_lost_in_fixtures(name: str) -> None:
    text = fixture_text(name)
    assert nothing_lost(text, parse_qa(text))


_line = st.one_of(
    st.sampled_from(
        ["ALICE SMITH: Hello there.", "SMITH:", "BOB: Yes.", "What now?", "Netflix", "", "---"]
    ),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_line, max_size=30))
def test_nothing_lost_property(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert nothing_lost(text, parse_qa(text))


def test_article_attribution(article: str) -> None:
    script = parse_qa(article)
    assert script.interviewer == "ENTERTAINMENT WEEKLY"
    assert script.speakers == (
        NARRATOR,
        "ENTERTAINMENT WEEKLY",
        "ALLISON WILLIAMS",
        "LOGAN BROWNING",
    )
    assert [t.how for t in script.turns[:2]] == ["title", "narration"]
    questions = [t for t in script.turns if t.how == "question"]
    assert len(questions) == 10
    assert all(t.speaker == "ENTERTAINMENT WEEKLY" for t in questions)
    assert all(not t.text.startswith(("WILLIAMS", "BROWNING")) for t in script.turns)
    continued = [t for t in script.turns if t.continued]
    assert len(continued) == 1 and continued[0].speaker == "ALLISON WILLIAMS"
    last = script.turns[-1]
    assert last.speaker == NARRATOR and last.how == "narration" and len(last.paragraphs) == 1
    assert nothing_lost(article, script)


def test_configured_surname_alias_joins_the_full_name() -> None:
    text = "DANA OKAFOR: One.\nOKAFOR: Two.\nDANNY: Three.\n"
    script = parse_qa(text, ParseSettings(aliases={"OKAFOR": "OKAFOR", "DANNY": "OKAFOR"}))
    assert [t.speaker for t in script.turns] == ["DANA OKAFOR"] * 3


def test_title_case_labels_in_any_script() -> None:
    """A Title Case label may begin with a capital outside ASCII, as ALL CAPS ones could."""
    script = parse_qa(
        "Ángel Ruiz: The first light was the best.\n\n"
        "Łukasz Nowak: Why?\n\n"
        "Ángel Ruiz: Because the water was still.\n\n"
        "Łukasz Nowak: And then?\n\n"
        "ÉMILE ZOLA: I was there too.\n"
    )
    assert [(t.speaker, t.how) for t in script.turns] == [
        ("Ángel Ruiz", "label"),
        ("Łukasz Nowak", "label"),
        ("Ángel Ruiz", "label"),
        ("Łukasz Nowak", "label"),
        ("ÉMILE ZOLA", "label"),
    ]
    assert parse_qa("ángel ruiz: lower case is no label.\n").turns[0].speaker == NARRATOR


def test_closing_matter_after_the_copyright_line_is_not_the_last_answer() -> None:
    """A network's disclaimer after its copyright line was read in the guest's voice."""
    script = parse_qa(
        "HOST: What comes next for the ferry?\n\n"
        "CAPTAIN: A museum, they tell me.\n\n"
        "Copyright 2026 Harbor Radio. All rights reserved.\n\n"
        "Harbor Radio transcripts are made on a deadline and may be revised; the audio is "
        "the record.\n\n"
        "Transcribed by a service.\n"
    )
    assert [(t.speaker, t.how) for t in script.turns] == [
        ("HOST", "label"),
        ("CAPTAIN", "label"),
        (NARRATOR, "narration"),
    ]
    assert script.turns[1].text == "A museum, they tell me."
    assert [u.why for u in script.skipped] == ["credit or link", "credit or link"]


def test_thousands_of_speakers_are_compared_only_with_louder_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The typo check compares a label only with labels heard more often (the only ones
    it could be a typo of): 2,500 one-off voices and one regular make 2,500 comparisons,
    not six million (it took 18 s in `podcast turns` before)."""
    from podcast.transcript import notes

    calls = []
    real = notes._alike
    monkeypatch.setattr(notes, "_alike", lambda a, b: calls.append(1) or real(a, b))
    lines = [f"Voice {number:04d} Person: Hello number {number}." for number in range(2500)]
    lines += ["Voice 0001 Persn: A typo of one who is heard twice."] * 2
    script = parse_transcript("\n\n".join(lines) + "\n", "chat")
    found = notes.label_warnings(script)
    assert len(calls) < 10_000
    assert found == [] or all("looks like a typo" in line for line in found)

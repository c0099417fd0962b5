"""Plain-text helpers every stage shares."""

from podcast.text import first_words, split_long


def test_long_turns_are_split_at_sentences() -> None:
    text = " ".join(f"Sentence number {i} has exactly seven words." for i in range(100))
    pieces = split_long(text, max_words=300)
    assert len(pieces) == 3
    assert all(len(p.split()) <= 300 and p.endswith(".") for p in pieces)
    assert " ".join(pieces) == text


def test_a_sentence_longer_than_the_limit_is_cut_between_words() -> None:
    pieces = split_long(" ".join(["word"] * 25) + ".", max_words=10)
    assert [len(p.split()) for p in pieces] == [10, 10, 5]


def test_first_words_marks_what_it_left_out() -> None:
    assert first_words("one two three", 2) == "one two …"
    assert first_words("one two", 2) == "one two"

"""Cleaning typed questions: control characters, invisible marks, whitespace, long pastes."""

from bot.questions import clean_question


def test_plain_question_is_unchanged() -> None:
    clean = clean_question("Wie viel bot Musk für OpenAI?", max_chars=500)
    assert clean.text == "Wie viel bot Musk für OpenAI?"
    assert not clean.shortened


def test_control_and_invisible_characters_are_removed() -> None:
    raw = "Wer\x00 ist\x1b[31m Mustafa\u200b Suleyman\u202e?\x07"
    assert clean_question(raw, max_chars=500).text == "Wer ist[31m Mustafa Suleyman?"


def test_whitespace_and_line_breaks_collapse_to_single_spaces() -> None:
    assert clean_question("  Was\n\tkostet\r\n  Windsurf?  ", max_chars=500).text == (
        "Was kostet Windsurf?"
    )


def test_only_control_characters_leaves_nothing() -> None:
    assert clean_question("\x00\x01\u200b\n\t ", max_chars=500).text == ""


def test_decomposed_umlauts_are_composed() -> None:
    assert clean_question("Pra\u0308sident", max_chars=500).text == "Präsident"


def test_a_long_paste_is_cut_at_a_word_boundary_and_says_so() -> None:
    raw = "Microsoft investiert Milliarden in OpenAI " * 500  # ~21,000 characters
    clean = clean_question(raw, max_chars=500)
    assert clean.shortened
    assert clean.original_length == len(raw.strip())
    assert len(clean.text) <= 500
    assert raw.startswith(clean.text)
    assert clean.text.split()[-1] in {"Microsoft", "investiert", "Milliarden", "in", "OpenAI"}


def test_a_long_word_without_spaces_is_cut_hard() -> None:
    clean = clean_question("x" * 20_000, max_chars=500)
    assert clean.text == "x" * 500
    assert clean.shortened

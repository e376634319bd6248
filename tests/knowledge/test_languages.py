"""Question language: function words decide, word frequencies break ties, filler is filler."""

from __future__ import annotations

import pytest

from knowledge.languages import detect_language, language_shares, question_stopwords


def _words(text: str) -> list[str]:
    return text.casefold().replace("?", "").replace(",", "").split()


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Who leads Microsoft's AI team?", "en"),
        ("How much did Musk offer for OpenAI?", "en"),
        ("Wer leitet das KI-Team von Microsoft?", "de"),
        ("Wie viel bot Musk für OpenAI?", "de"),
        ("hey, kann mir wer sagen was MAI-1 ist", "de"),
        ("quick q - what is the rebel alliance", "en"),
    ],
)
def test_function_words_tell_the_language(question: str, language: str) -> None:
    assert detect_language(_words(question)) == language


def test_a_keyword_query_is_judged_by_word_frequencies() -> None:
    assert detect_language(["openai", "loss", "forecast"]) == "en"
    assert detect_language(["openai", "verlust", "prognose"]) == "de"


def test_names_alone_get_the_default() -> None:
    assert detect_language(["mozilla", "openai"], default="de") == "de"
    assert detect_language(["mozilla", "openai"], default="en") == "en"


def test_chat_filler_is_filler_in_both_languages() -> None:
    german, english = question_stopwords("de"), question_stopwords("en")
    assert {"hey", "jemand", "weiß", "bitte"} <= german
    assert {"hey", "anyone", "know", "thanks"} <= english
    assert "microsoft" not in german | english


def test_language_shares_sample_the_texts() -> None:
    texts = ["Der Konzern hat die Zahlen heute vorgelegt."] * 3 + [
        "The company has published the figures today."
    ]
    shares = language_shares(texts)
    assert shares == {"de": 0.75, "en": 0.25}
    assert language_shares([]) == {}

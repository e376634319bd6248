"""The German analyzer keeps what people search for and folds what they type differently."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.analysis import Analyzer, GermanAnalyzer
from knowledge.stopwords import GERMAN_STOPWORDS, SNOWBALL_GERMAN_STOPWORDS

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def analyzer() -> GermanAnalyzer:
    return GermanAnalyzer()


def test_is_an_analyzer(analyzer: GermanAnalyzer) -> None:
    assert isinstance(analyzer, Analyzer)
    assert analyzer.name == "german"


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("OpenAI für 97,4 Milliarden USD kaufen", "97,4"),
        ("sein Frontier-Modell MAI-1 vorgestellt", "mai-1"),
        ("15.000 Nvidia H100 im Cluster", "h100"),
        ("Mozilla setzt $1.4 Billion ein", "$1.4"),
        ("um mit GPT-5 zu konkurrieren", "gpt-5"),
        ("während COVID-19 geschlossen", "covid-19"),
        ("ein Cluster von 15.000 GPUs", "15.000"),
    ],
)
def test_keeps_searchable_tokens_whole(analyzer: GermanAnalyzer, text: str, token: str) -> None:
    assert token in analyzer.terms(text)
    assert token in [word.surface for word in analyzer.words(text)]


def test_model_name_glued_to_its_number_inside_a_hyphen_compound(analyzer: GermanAnalyzer) -> None:
    assert analyzer.terms("das MAI-1-Modell und H100-GPUs") == ["mai-1", "modell", "h100", "gpus"]


def test_word_word_hyphen_compound_splits_into_words(analyzer: GermanAnalyzer) -> None:
    assert analyzer.terms("eine Open-Source-Plattform") == ["open", "sourc", "plattform"]
    assert analyzer.terms("E-Mail") == ["e-mail"]


def test_hyphen_compound_can_stay_whole() -> None:
    assert GermanAnalyzer(split_hyphens=False).terms("Open-Source-Plattform") == [
        "open-source-plattform"
    ]


def test_stopwords_are_words_without_terms(analyzer: GermanAnalyzer) -> None:
    words = analyzer.words("Wann hat der Konzern und die Firma über das Angebot entschieden?")
    stopped = [word.surface for word in words if word.term is None]
    assert stopped == ["wann", "hat", "der", "und", "die", "über", "das"]
    assert analyzer.terms("und der die das") == []


def test_snowball_list_is_complete_and_extended_by_question_words() -> None:
    assert len(SNOWBALL_GERMAN_STOPWORDS) == 231
    assert {"aber", "daß", "über", "zwischen"} <= SNOWBALL_GERMAN_STOPWORDS
    assert {"wann", "warum", "wer"} <= GERMAN_STOPWORDS - SNOWBALL_GERMAN_STOPWORDS


def test_dass_is_stopped_in_both_spellings(analyzer: GermanAnalyzer) -> None:
    assert analyzer.terms("daß dass") == []


@pytest.mark.parametrize(
    "forms",
    [
        ("Unternehmen", "Unternehmens"),
        ("Modell", "Modelle", "Modells"),
        ("Milliarde", "Milliarden"),
        ("Lieferkette", "Lieferketten"),
    ],
)
def test_inflections_share_a_stem(analyzer: GermanAnalyzer, forms: tuple[str, ...]) -> None:
    assert len({tuple(analyzer.terms(form)) for form in forms}) == 1


@pytest.mark.parametrize(
    "spellings",
    [
        ("Ökosysteme", "Oekosysteme", "Okosysteme", "ÖKOSYSTEME"),
        ("Straße", "Strasse", "STRASSE"),
        ("Präsident", "Praesident", "Prasident"),
        ("Café", "Cafe"),
    ],
)
def test_umlauts_sharp_s_and_accents_fold(analyzer: GermanAnalyzer, spellings: tuple[str]) -> None:
    assert len({tuple(analyzer.terms(spelling)) for spelling in spellings}) == 1


def test_english_possessive_keeps_the_word(analyzer: GermanAnalyzer) -> None:
    assert analyzer.terms("Big Tech's Grip") == analyzer.terms("Big Techs Grip")


def test_spans_point_at_the_original_text(analyzer: GermanAnalyzer) -> None:
    text = (SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[0]).read_text(encoding="utf-8")
    words = analyzer.words(text)
    assert len(words) > 500
    for word in words:
        original = text[word.start : word.end]
        assert original.casefold().replace("\u2011", "-").replace("\u2010", "-") == word.surface
    assert [w.start for w in words] == sorted(w.start for w in words)


def test_spans_survive_case_folding_that_changes_length(analyzer: GermanAnalyzer) -> None:
    text = "GROẞE Straße, dann Köln"
    words = analyzer.words(text)
    assert [text[w.start : w.end] for w in words] == ["GROẞE", "Straße", "dann", "Köln"]
    assert [w.surface for w in words] == ["grosse", "strasse", "dann", "köln"]


def test_empty_and_punctuation_only_text(analyzer: GermanAnalyzer) -> None:
    assert analyzer.words("") == []
    assert analyzer.terms(" – ... ?! ") == []


def test_fingerprint_is_stable_and_names_the_parameters() -> None:
    assert GermanAnalyzer().fingerprint() == GermanAnalyzer().fingerprint()
    assert GermanAnalyzer().fingerprint().startswith("german/")
    assert GermanAnalyzer(stem=False).fingerprint() != GermanAnalyzer().fingerprint()
    other = GermanAnalyzer(stopwords=SNOWBALL_GERMAN_STOPWORDS)
    assert other.fingerprint() != GermanAnalyzer().fingerprint()


def test_term_of_a_single_word(analyzer: GermanAnalyzer) -> None:
    assert analyzer.term("anzeigen") == "anzeig"
    assert analyzer.term("über") is None
    assert analyzer.term("gpt-5") == "gpt-5"

"""German spellings of English cognates, and their use as a question word's alternative."""

from __future__ import annotations

import pytest

from knowledge import GermanAnalyzer, QueryReader, SearchIndex
from knowledge.cognates import german_spellings
from knowledge.glossary import Glossary


@pytest.mark.parametrize(
    ("english", "german"),
    [
        ("initiated", "initiiert"),
        ("annualized", "annualisiert"),
        ("annualised", "annualisiert"),  # British -ise reads as -ize
        ("commercialization", "kommerzialisierung"),
        ("officially", "offiziell"),
        ("financial", "finanziell"),
        ("capacity", "kapazität"),
        ("strategy", "strategie"),
        ("strategic", "strategisch"),
        ("exclusive", "exklusiv"),
        ("consortium", "konsortium"),
    ],
)
def test_regular_endings_and_the_german_c_give_the_german_spelling(
    english: str, german: str
) -> None:
    assert german in german_spellings(english)


def test_short_words_numbers_and_the_word_itself_are_not_candidates() -> None:
    assert german_spellings("rate") == ()  # too short: plain English words
    assert german_spellings("2026er") == ()
    assert "initiated" not in german_spellings("initiated")
    assert german_spellings("technology") == ("technologie",)  # "ch" stays


DOCS = [
    "Das von US-Präsident Donald Trump initiierte Projekt kostet 500 Milliarden Dollar.",
    "OpenAI meldet einen annualisierten Umsatz von 13 Milliarden Dollar.",
    "Mozilla finanziert ein Bündnis aus Startups.",
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(DOCS, GermanAnalyzer())


def _cognates(reader: QueryReader, text: str) -> dict[str, list[str]]:
    query = reader.read(text)
    return {
        s.word.word.surface: [a.surface for a in s.alternatives if a.kind == "cognate"]
        for s in query.slots
    }


def test_an_unknown_english_word_matches_its_german_cognate_in_the_archive(
    index: SearchIndex,
) -> None:
    reader = QueryReader(index, languages={"de": 1.0}, glossary=Glossary([]))
    assert _cognates(reader, "Who initiated the project?")["initiated"] == ["initiiert"]
    query = reader.read("OpenAI annualised revenue")
    assert _cognates(reader, "OpenAI annualised revenue")["annualised"] == ["annualisiert"]
    assert index.search(query.groups, k=1)[0].doc == 1
    (slot,) = [s for s in query.slots if s.word.word.surface == "annualised"]
    assert slot.known  # the cognate makes it a word the archive has, not a missing topic


def test_cognates_are_only_sought_for_english_questions_over_another_language(
    index: SearchIndex,
) -> None:
    german_archive = QueryReader(index, languages={"de": 1.0}, glossary=Glossary([]))
    english_archive = QueryReader(index, languages={"en": 1.0}, glossary=Glossary([]))
    # no German word the archive has: no alternative, however the rules spell it
    assert _cognates(german_archive, "Who initiated the strategy?")["strategy"] == []
    assert _cognates(english_archive, "Who initiated the project?")["initiated"] == []
    assert _cognates(german_archive, "Wer hat das Projekt initiated?")["initiated"] == []

"""Compound words are split against the corpus's own words, and queries reach them."""

from __future__ import annotations

import pytest

from knowledge.analysis import GermanAnalyzer
from knowledge.compounds import CompoundParams, Decompounder
from knowledge.index import SearchIndex

VOCABULARY = [
    "anzeigen",
    "zeigen",
    "eigen",
    "lieferkette",
    "kette",
    "berater",
    "unternehmen",
    "nehmen",
    "plattform",
    "risiko",
    "werbung",
]


@pytest.fixture(scope="module")
def decompounder() -> Decompounder:
    analyzer = GermanAnalyzer()
    return Decompounder(VOCABULARY, stopword=lambda piece: analyzer.term(piece) is None)


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("werbeanzeigen", ("werbe", "anzeigen")),
        ("lieferkettenrisiko", ("lieferkette", "liefer", "kette", "risiko")),
        ("unternehmensberater", ("unternehmen", "berater")),
        ("risikoplattform", ("risiko", "plattform")),
        ("gpt-5", ("gpt", "5")),
        ("open-source-plattform", ("open", "source", "plattform")),
        ("$1.4", ("1.4",)),
    ],
)
def test_splits_compounds(decompounder: Decompounder, word: str, parts: tuple[str, ...]) -> None:
    assert decompounder.split(word) == parts


@pytest.mark.parametrize(
    "word",
    [
        "anzeigen",  # "an" is too short a modifier, "anz" too short to be unknown
        "unternehmen",  # "unter" is a stopword, not a modifier
        "kette",  # too short to hold two pieces
        "werbung",  # no known piece
        "zahlungsverkehr",  # no known piece
        "h100",
    ],
)
def test_leaves_non_compounds_alone(decompounder: Decompounder, word: str) -> None:
    assert decompounder.split(word) == ()


def test_linking_elements_are_stripped_from_known_modifiers() -> None:
    decompounder = Decompounder(["arbeit", "markt", "kind", "garten"])
    assert decompounder.split("arbeitsmarkt") == ("arbeit", "markt")
    assert decompounder.split("kindergarten") == ("kind", "garten")
    no_links = Decompounder(["arbeit", "markt"], CompoundParams(links=(), min_unknown=99))
    assert no_links.split("arbeitsmarkt") == ()


def test_inner_parts_can_be_left_out() -> None:
    decompounder = Decompounder(["lieferkette", "kette"], CompoundParams(keep_inner=False))
    assert decompounder.split("lieferkettenrisiko") == ("liefer", "kette", "risiko")


def test_a_split_needs_a_known_piece() -> None:
    assert Decompounder([]).split("werbeanzeigen") == ()


CORPUS = [
    "Meta verdient fast alles mit Werbeanzeigen auf Instagram und Facebook.",
    "Zeitungen drucken weniger Anzeigen als früher.",
    "Die Lieferkette für Chips läuft über Taiwan.",
    "Die Bundesbank sieht ein geringes Risiko für die Inflation.",
    "OpenAI stellt das Modell GPT-5 vor.",
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(CORPUS, GermanAnalyzer())


def test_query_word_finds_the_compound_it_is_part_of(index: SearchIndex) -> None:
    hits = index.search("Anzeigen")
    assert [hit.doc for hit in hits] == [1, 0]  # the plain word first, then the compound


def test_compound_query_finds_its_part(index: SearchIndex) -> None:
    hits = index.search("Lieferkettenrisiko")
    assert {hit.doc for hit in hits} >= {2}
    assert hits[0].doc == 2


def test_model_family_finds_the_model(index: SearchIndex) -> None:
    assert [hit.doc for hit in index.search("GPT")] == [4]


def test_query_terms_tell_what_the_index_knows(index: SearchIndex) -> None:
    terms = index.analyze_query("Welches Lieferkettenrisiko hat Quantencomputing?")
    assert terms.main == ("lieferkettenrisiko", "quantencomputing")
    risk, unknown = terms.terms
    assert risk.main_idf is None  # no passage has the whole compound
    assert risk.parts == ("lieferkett", "risiko")
    assert risk.known
    assert risk.compound_idf[0] is None
    assert risk.compound_idf[1] is not None
    assert risk.compound_idf[1] > 0
    assert terms.unknown == ("quantencomputing",)
    assert not unknown.known


def test_field_scores_separate_exact_and_compound_matches(index: SearchIndex) -> None:
    fields = index.field_scores("Anzeigen")
    assert fields.main[0] == 0
    assert fields.compound[0] > 0
    assert fields.main[1] > 0
    assert fields.compound[1] > 0
    assert fields.total.tolist() == pytest.approx(
        (fields.main + index.compound_weight * fields.compound).tolist()
    )
    assert index.scores("Anzeigen").tolist() == fields.total.tolist()


def test_index_exposes_splitting_and_main_idf(index: SearchIndex) -> None:
    assert index.split_compound("werbeanzeigen") == ("werbe", "anzeigen")
    assert index.split_compound("zeitungen") == ()
    assert index.idf("anzeig") == index.main.idf("anzeig")
    assert index.idf("anzeig") is not None
    assert index.idf("quantencomputing") is None
    assert index.max_idf() == max(index.idf(t) or 0.0 for t in index.main.terms)


def test_pre_analysed_documents_give_the_same_index() -> None:
    analyzer = GermanAnalyzer()
    calls: list[tuple[int, int]] = []
    built = SearchIndex.build(
        CORPUS, analyzer, progress=lambda done, total: calls.append((done, total))
    )
    again = SearchIndex.build_from_words([analyzer.words(text) for text in CORPUS], analyzer)
    assert calls[-1] == (len(CORPUS), len(CORPUS))
    for query in ("Anzeigen", "Lieferkettenrisiko", "GPT-5 Modell"):
        assert built.scores(query).tolist() == again.scores(query).tolist()

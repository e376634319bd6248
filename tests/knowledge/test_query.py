"""Reading questions: language, filler, possessives, slots with corrections and translations."""

from __future__ import annotations

import numpy as np
import pytest

from bot import Newsdesk
from knowledge import (
    GermanAnalyzer,
    KnowledgeBase,
    QueryReader,
    SearchIndex,
    find_matches,
    relevance,
)
from knowledge.glossary import Glossary
from knowledge.specificity import specificity

DOCS = [
    "Microsoft hat Mustafa Suleyman eingestellt, um die KI-Abteilung zu leiten.",
    "Anthropic streitet mit dem Pentagon über Nutzungsbeschränkungen.",
    "Mozilla finanziert ein Bündnis aus Startups und Entwicklern.",
    "Das Wetter in Berlin war heute sonnig und warm.",
]
GLOSSARY = Glossary([(["lead", "leads", "leading"], ["führen", "leiten"]), (["ai"], ["KI"])])


@pytest.fixture(scope="module")
def reader() -> QueryReader:
    index = SearchIndex.build(DOCS, GermanAnalyzer())
    return QueryReader(index, languages={"de": 1.0, "en": 0.0}, glossary=GLOSSARY)


def _slots(reader: QueryReader, text: str) -> dict[str, list[str]]:
    query = reader.read(text)
    return {s.word.word.surface: [a.surface for a in s.alternatives] for s in query.slots}


def test_english_function_words_and_chat_filler_are_not_content(reader: QueryReader) -> None:
    query = reader.read("hey, does anyone know who leads Microsoft's AI team?")
    assert query.language == "en"
    assert [s.word.word.surface for s in query.slots] == ["leads", "microsoft", "ai", "team"]
    assert {"hey", "does", "anyone", "know", "who"} <= set(query.stopwords)
    apology = reader.read("sorry if dumb q, but who leads Microsoft's AI team?")
    assert [s.word.word.surface for s in apology.slots] == ["leads", "microsoft", "ai", "team"]


def test_german_chat_phrasing_is_filler(reader: QueryReader) -> None:
    query = reader.read("hey, kann mir wer sagen, wen Microsoft eingestellt hat?")
    assert query.language == "de"
    assert [s.word.word.surface for s in query.slots] == ["microsoft", "eingestellt"]


def test_a_possessive_matches_the_name(reader: QueryReader) -> None:
    (slot,) = reader.read("Anthropic's").slots
    assert slot.word.word.surface == "anthropic"
    assert slot.word.known


def test_a_misspelt_name_gets_its_correction_as_an_alternative(reader: QueryReader) -> None:
    query = reader.read("Was macht Antrhopic?")
    assert _slots(reader, "Was macht Antrhopic?")["antrhopic"] == ["antrhopic", "anthropic"]
    assert [(c.typed, c.meant) for c in query.corrections] == [("Antrhopic", "Anthropic")]
    assert query.slots[-1].known


def test_translations_are_added_only_when_the_archive_has_the_other_language(
    reader: QueryReader,
) -> None:
    english = _slots(reader, "Who leads the AI team?")
    assert english["leads"] == ["leads", "leiten"]  # "führen" is unknown to the index
    assert english["ai"] == ["ai", "ki"]
    german = QueryReader(reader.index, languages={"de": 1.0}, glossary=GLOSSARY)
    assert german.read("Wer leitet das Team?").slots[0].alternatives[1:] == ()


def test_a_translation_reaches_inflected_forms_in_the_vocabulary() -> None:
    index = SearchIndex.build(
        ["Er führte das Team.", "Sie kaufen Aktien.", "Nichts."], GermanAnalyzer()
    )
    reader = QueryReader(index, languages={"en": 0.0, "de": 1.0}, glossary=GLOSSARY)
    (slot,) = [s for s in reader.read("who leads").slots if s.word.word.surface == "leads"]
    translation = slot.alternatives[1]
    assert translation.surface == "führen"
    assert translation.terms == {index.analyzer.term("führte")}


def test_an_unknown_word_without_alternatives_weighs_more_for_relevance(
    reader: QueryReader,
) -> None:
    english_archive = QueryReader(reader.index, languages={"en": 1.0})

    def weights(text: str, reader: QueryReader = reader) -> dict[str, float]:
        query = reader.read(text)
        surfaces = [s.word.word.surface for s in query.slots]
        return dict(zip(surfaces, query.relevance_weights, strict=True))

    # "Zalando": unseen and capitalised inside an English question (a name): four times its
    # specificity; in a German question, where every noun is capitalised, twice
    english = weights("How much does Zalando earn with Mozilla?", english_archive)
    assert english["zalando"] == pytest.approx(4 * specificity("zalando", "en"))
    german = weights("Wie viel verdient Zalando mit Mozilla?")
    assert german["zalando"] == pytest.approx(2 * specificity("zalando", "de"))
    assert german["mozilla"] == pytest.approx(specificity("mozilla", "de"))


def test_a_german_participle_the_index_lacks_matches_its_other_forms() -> None:
    index = SearchIndex.build(
        [*DOCS, "Die Übernahme kostet drei Milliarden Dollar."], GermanAnalyzer()
    )
    reader = QueryReader(index, languages={"de": 1.0})
    assert _slots(reader, "Was hat die Übernahme gekostet?")["gekostet"] == ["gekostet", "kostet"]
    query = reader.read("Was hat die Übernahme gekostet?")
    assert index.search(query.groups, k=1)[0].doc == len(DOCS)
    # an English question's words are not German participles
    assert _slots(reader, "What has the takeover gekostet?")["gekostet"] == ["gekostet"]


def test_a_separable_verb_the_index_lacks_matches_its_zu_and_ge_forms() -> None:
    docs = [*DOCS, "Das Pentagon droht, Anthropic als Risiko einzustufen.", "Er hat aufgebaut."]
    reader = QueryReader(SearchIndex.build(docs, GermanAnalyzer()), languages={"de": 1.0})
    assert _slots(reader, "Wie will das Pentagon Anthropic einstufen?")["einstufen"] == [
        "einstufen",
        "einzustufen",
    ]
    assert _slots(reader, "Was will er aufbauen?")["aufbauen"] == ["aufbauen", "aufgebaut"]
    # forms the archive does not hold add nothing
    assert _slots(reader, "Wann wollen sie umdrehen?")["umdrehen"] == ["umdrehen"]


def test_each_slot_scores_its_best_alternative_once(reader: QueryReader) -> None:
    query = reader.read("Who leads the AI department?")
    groups = query.groups
    assert all(len(set(group)) == len(group) for group in groups.main)
    scores = reader.index.scores(groups)
    assert int(np.argmax(scores)) == 0


def test_german_questions_search_exactly_as_before(core: Newsdesk) -> None:
    """Without corrections or translations the slots reproduce the plain term query."""
    kb: KnowledgeBase = core.knowledge
    question = "Wie viel hat Microsoft seit 2019 in OpenAI investiert?"
    query = kb.parse_query(question)
    assert all(len(slot.alternatives) == 1 for slot in query.slots)
    plain = kb.index.scores(kb.index.analyze_query(question))
    assert np.array_equal(kb.index.scores(query.groups), plain)


def test_an_unseen_word_the_glossary_cannot_translate_is_not_weighed_as_missing() -> None:
    index = SearchIndex.build(DOCS, GermanAnalyzer())
    glossary = Glossary([(["standoff"], ["Pattsituation"])])  # a translation the index lacks
    reader = QueryReader(index, languages={"de": 1.0, "en": 0.0}, glossary=glossary)
    query = reader.read("Did Mozilla fund a standoff or a zorblat?")
    pairs = zip(query.slots, query.relevance_weights, strict=True)
    weights = {slot.word.word.surface: weight for slot, weight in pairs}
    # "standoff" has a translation the archive lacks: absent, doubly weighed; "zorblat" has
    # none, so the archive may say it in its own words: it weighs as a seen word would
    assert weights["standoff"] == pytest.approx(2 * specificity("standoff", "en"))
    assert weights["zorblat"] == pytest.approx(specificity("zorblat", "en"))


def test_relevance_is_the_covered_weight_over_the_total_plus_a_prior_of_0_6() -> None:
    index = SearchIndex.build(DOCS, GermanAnalyzer())
    reader = QueryReader(index, languages={"de": 1.0, "en": 0.0}, glossary=GLOSSARY)
    query = reader.read("Mozilla Wetter")
    weights = dict(
        zip((s.word.word.surface for s in query.slots), query.relevance_weights, strict=True)
    )
    matches = find_matches("Mozilla finanziert ein Bündnis.", query, index)
    # only "Mozilla" is covered; the prior keeps a question of few, generic words low
    expected = weights["mozilla"] / (weights["mozilla"] + weights["wetter"] + 0.6)
    assert relevance(query, matches) == pytest.approx(expected)


def test_a_compound_covers_every_question_word_among_its_parts() -> None:
    docs = [
        *DOCS,
        "Der Umsatz wuchs stark.",
        "Die Beteiligung liegt bei 27 Prozent.",
        "OpenAI will die Umsatzbeteiligung stutzen.",
    ]
    index = SearchIndex.build(docs, GermanAnalyzer())
    reader = QueryReader(index, languages={"de": 1.0})
    query = reader.read("Beteiligung am Umsatz")
    matches = find_matches("Die Umsatzbeteiligung", query, index)
    slots = [s.word.word.surface for s in query.slots]
    covered = {slots[m.word]: m.credit for m in matches}
    # "Beteiligung am Umsatz" is said in one word: both question words are matched in part
    assert covered == {"beteiligung": 0.5, "umsatz": 0.5}

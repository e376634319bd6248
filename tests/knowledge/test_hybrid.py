"""Words and meaning ranked together: the arithmetic, the per-language weight, and both callers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge import (
    EvalQuestion,
    EvalSet,
    FusionParams,
    GermanAnalyzer,
    KnowledgeBase,
    PassageMeaning,
    SentenceVectors,
    evaluate,
    meaning_of_contexts,
)
from knowledge.hybrid import hybrid_scores
from tests.knowledge.encoders import TableEncoder

WIND = "Der Windpark liefert Strom für 400.000 Haushalte."
TRAIN = "Die Bahn baut eine neue Strecke nach Norden."
COFFEE = "Kaffee kommt aus Äthiopien."
QUESTION = "Xylofon Quokka?"  # no word in common with any sentence, nor a translation


def test_words_are_scaled_to_the_best_passage_and_meaning_is_added_with_its_weight() -> None:
    fused = hybrid_scores(
        np.array([2.0, 1.0, 0.0]), np.array([0.1, 0.2, 0.9]), np.array([2.0, 2.0, 4.0])
    )
    assert fused.tolist() == pytest.approx([1.2, 0.9, 3.6])


def test_without_matching_words_meaning_alone_ranks_and_opposite_meaning_counts_nothing() -> None:
    fused = hybrid_scores(np.zeros(2), np.array([-0.5, 0.25]), np.array([2.0, 2.0]))
    assert fused.tolist() == pytest.approx([0.0, 0.5])


def test_a_passage_is_as_close_as_the_mean_of_itself_and_its_best_sentence(
    tmp_path: Path,
) -> None:
    passage = "Satz eins. Satz zwei."
    encoder = TableEncoder(
        {
            "Satz eins.": [1, 0, 0, 0],
            "Satz zwei.": [0, 1, 0, 0],
            passage: [0, 0, 1, 0],
            "question": [0.6, 0.8, 0, 0],
        }
    )
    vectors = SentenceVectors.open(encoder, ["Satz eins.", "Satz zwei.", passage], tmp_path)
    meaning = PassageMeaning(vectors, [(passage, ("Satz eins.", "Satz zwei."))])
    compared = meaning.read("question")
    assert compared.passage_scores().tolist() == pytest.approx([0.5 * 0.8 + 0.5 * 0.0])
    assert compared.best == pytest.approx(0.8)
    assert compared.similarity("Satz eins.") == pytest.approx(0.6)
    assert compared.similarity("not in the archive") == 0.0


def test_meaning_weighs_more_for_a_passage_in_another_language(tmp_path: Path) -> None:
    english = "The wind farm delivers power to many homes."
    vectors = SentenceVectors.open(TableEncoder({}), [WIND, english], tmp_path)
    meaning = PassageMeaning(vectors, [(WIND, (WIND,)), (english, (english,))])
    params = FusionParams(same_language=2.0, other_language=4.0)
    assert meaning.weights("de", params).tolist() == [2.0, 4.0]
    assert meaning.weights("en", params).tolist() == [4.0, 2.0]


def _archive(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a_wind.md").write_text(f"# Windpark\n\n{WIND}\n", "utf-8")
    (folder / "b_bahn.md").write_text(f"# Bahn\n\n{TRAIN}\n", "utf-8")
    (folder / "c_kaffee.md").write_text(f"# Kaffee\n\n{COFFEE}\n", "utf-8")
    return folder


def test_the_knowledge_base_finds_a_passage_by_meaning_when_no_word_matches(
    tmp_path: Path,
) -> None:
    directions = {WIND: [1, 0, 0, 0], TRAIN: [0, 1, 0, 0], COFFEE: [0, 0, 1, 0]}
    encoder = TableEncoder({**directions, QUESTION: [0, 1, 0, 0]})
    base = KnowledgeBase.open(_archive(tmp_path), tmp_path / "index", encoder=encoder)
    query = base.parse_query(QUESTION)
    assert base.search(query) == []  # words alone find nothing
    assert base.meaning is not None
    hits = base.search(query, meaning=base.meaning.read(QUESTION))
    assert hits[0].article.title == "Bahn"


def test_words_still_decide_between_passages_equally_close_in_meaning(tmp_path: Path) -> None:
    question = "Wie viel Strom liefert der Windpark?"
    encoder = TableEncoder(
        {
            WIND: [1, 0, 0, 0],
            TRAIN: [1, 0, 0, 0],
            COFFEE: [0, 0, 1, 0],
            question: [1, 0, 0, 0],
        }
    )
    base = KnowledgeBase.open(_archive(tmp_path), tmp_path / "index", encoder=encoder)
    assert base.meaning is not None
    hits = base.search(base.parse_query(question), meaning=base.meaning.read(question))
    assert [hit.article.title for hit in hits] == ["Windpark", "Bahn"]  # Kaffee: neither
    assert hits[0].score > hits[1].score > 0


def test_eval_ranks_and_gates_by_meaning_as_ask_does(tmp_path: Path) -> None:
    eval_set = EvalSet((WIND, TRAIN), (EvalQuestion(QUESTION, relevant=1),))
    encoder = TableEncoder({WIND: [1, 0, 0, 0], TRAIN: [0, 1, 0, 0], QUESTION: [0, 1, 0, 0]})
    words_only = evaluate(eval_set, GermanAnalyzer(), gate=0.35)
    assert words_only.mrr_at_10 == 0.0
    assert words_only.passes_gate == 0.0
    meaning = meaning_of_contexts(eval_set, encoder, tmp_path / "vectors")
    both = evaluate(eval_set, GermanAnalyzer(), gate=0.35, meaning=meaning, min_similarity=0.45)
    assert both.mrr_at_10 == 1.0
    assert both.passes_gate == 1.0

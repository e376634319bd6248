"""The archive benchmark's generator: seeded, real sentences, metadata, one marker per article."""

from __future__ import annotations

from pathlib import Path

from benchmarks.archive import memory_of, text_report
from benchmarks.archive_corpus import (
    ArchiveSpec,
    article_text,
    marker,
    sentence_pool,
    write_archive,
)
from knowledge import load_articles, split_passages


def test_the_same_seed_writes_the_same_archive_of_real_sentences(tmp_path: Path) -> None:
    spec = ArchiveSpec(20, seed=3, paragraphs=12)
    assert write_archive(tmp_path / "a", spec)
    assert not write_archive(tmp_path / "a", spec)  # already there: nothing written
    write_archive(tmp_path / "b", spec)
    names = sorted(p.name for p in (tmp_path / "a").glob("*.md"))
    assert names == sorted(p.name for p in (tmp_path / "b").glob("*.md"))
    assert all(
        (tmp_path / "a" / n).read_bytes() == (tmp_path / "b" / n).read_bytes() for n in names
    )
    pool = set(sentence_pool())
    loaded = load_articles(tmp_path / "a")
    assert len(loaded.articles) == 20
    assert not loaded.skipped
    for i, article in enumerate(loaded.articles):
        assert article.id.startswith(f"{i:06d}_")
        assert article.source
        assert article.published is not None
        assert article.url == f"https://news.example.org/{article.id}"
        assert marker(i) in article.text
        passages = split_passages(article.id, article.text)
        assert 5 <= len(passages) <= 16
        sentences = [s for p in passages for s in p.sentences if marker(i) not in s]
        # the splitter sees the sentences of a paragraph together, so a few cut differently
        assert sum(s in pool for s in sentences) >= 0.8 * len(sentences)


def test_markers_are_distinct_words_and_other_seeds_give_other_articles() -> None:
    assert len({marker(i) for i in range(5000)}) == 5000
    assert all(marker(i).isalpha() for i in range(100))
    pool = sentence_pool()
    assert article_text(1, pool, ArchiveSpec(5, seed=1)) != article_text(1, pool, ArchiveSpec(5))


def test_the_report_has_a_row_per_figure_and_memory_is_read_from_proc() -> None:
    report = text_report({"1000": {"index_wall_s": 1.5, "ask_found": True}})
    assert "| index_wall_s | 1.5 |" in report
    assert "| ask_found | True |" in report
    assert "| tantivy_p50_ms | - |" in report
    mine = memory_of(__import__("os").getpid())
    assert mine == {} or mine["rss"] > 0

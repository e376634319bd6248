"""Articles from more than one folder: the seeds and, beside them, the feeds folder."""

from __future__ import annotations

from pathlib import Path

from knowledge import KnowledgeBase, load_articles


def write(folder: Path, name: str, text: str) -> None:
    """Write one article file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_articles_of_every_folder_are_loaded_and_a_missing_one_is_empty(tmp_path: Path) -> None:
    write(tmp_path / "seeds", "a.txt", "Erster Artikel über Chips.")
    write(tmp_path / "feeds", "feed-1.md", "---\ntitle: Aus dem Feed\n---\n\nText über Qubits.")
    loaded = load_articles(tmp_path / "seeds", also=(tmp_path / "feeds", tmp_path / "missing"))
    assert [a.id for a in loaded.articles] == ["a", "feed-1"]
    assert loaded.articles[1].title == "Aus dem Feed"


def test_an_id_in_two_folders_keeps_the_first(tmp_path: Path) -> None:
    write(tmp_path / "seeds", "same.txt", "Aus den Seeds.")
    write(tmp_path / "feeds", "same.md", "Aus dem Feed.")
    loaded = load_articles(tmp_path / "seeds", also=(tmp_path / "feeds",))
    (article,) = loaded.articles
    assert article.text == "Aus den Seeds."
    assert [s.reason for s in loaded.skipped] == ["duplicate article id"]


def test_the_knowledge_base_searches_the_feeds_folder_too(tmp_path: Path) -> None:
    seeds = ("Nvidia stellt Chips vor.", "Microsoft baut.", "OpenAI sammelt Geld.", "Mistral.")
    for n, text in enumerate(seeds):
        write(tmp_path / "seeds", f"{n}.txt", text)
    write(tmp_path / "feeds", "feed-1.md", "Forschende nehmen einen Quantenprozessor in Betrieb.")
    kb = KnowledgeBase.open(tmp_path / "seeds", tmp_path / "index", also=(tmp_path / "feeds",))
    hits = kb.search(kb.parse_query("Quantenprozessor"))
    assert [h.article.id for h in hits] == ["feed-1"]

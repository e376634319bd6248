"""Loading articles from a folder: seeds, front matter, and files that must be skipped."""

import datetime
import hashlib
import logging
import re
from pathlib import Path

import pytest

from knowledge.articles import (
    Article,
    ArticleError,
    SkippedFile,
    load_articles,
    read_article,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
BODY = (
    "Die Firma hat heute ein neues Modell vorgestellt, das nach Angaben des Unternehmens "
    "schneller, günstiger und sparsamer arbeitet als alle bisherigen Modelle der Branche.\n"
)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_the_seeds_load_with_their_metadata() -> None:
    load = load_articles(SEEDS)
    assert load.skipped == ()
    assert [article.id for article in load.articles] == [
        "000_26a8121a7ae71e0a",
        "001_37de1b6d01b33ede",
        "002_702a485bbd3150d5",
        "003_838a0c41cee76ec5",
        "004_bf87456fd506aad6",
    ]
    mozilla = load.articles[0]
    assert mozilla.title.startswith("Mozilla Bets $1.4 Billion")
    assert (mozilla.source, mozilla.url, mozilla.published) == (
        "Creati.ai",
        None,
        datetime.date(2026, 1, 27),
    )
    raw = (SEEDS / "000_26a8121a7ae71e0a.txt").read_bytes()
    assert mozilla.digest == hashlib.sha256(raw).hexdigest()
    assert mozilla.text == raw.decode("utf-8")
    assert mozilla.path == SEEDS / "000_26a8121a7ae71e0a.txt"
    assert load.articles[4].source == "All-AI.de"


def test_a_mixed_folder_loads_the_good_files_and_reports_the_rest(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(tmp_path / "good.txt", "Eine gute Überschrift für den Test\n\n" + BODY)
    write(tmp_path / "plain.md", "# Markdown ohne Vorspann\n\n" + BODY)
    write(tmp_path / "sub" / "deeper" / "nested.txt", BODY)
    empty = write(tmp_path / "empty.txt", b"")
    blank = write(tmp_path / "blank.md", " \n\t\n  ")
    latin = write(tmp_path / "latin.txt", b"\xff\xfe\x00bad")
    gone = tmp_path / "gone.txt"
    gone.symlink_to(tmp_path / "missing-target.txt")
    write(tmp_path / ".hidden.txt", BODY)
    write(tmp_path / ".git" / "inside.txt", BODY)
    write(tmp_path / "notes.json", '{"text": "nicht laden"}')
    write(tmp_path / "README", BODY)

    with caplog.at_level(logging.WARNING, logger="knowledge.articles"):
        load = load_articles(tmp_path)

    assert [article.id for article in load.articles] == ["good", "nested", "plain"]
    assert load.articles[2].title == "Markdown ohne Vorspann"
    assert load.skipped == (
        SkippedFile(blank, "empty file (only whitespace)"),
        SkippedFile(empty, "empty file"),
        SkippedFile(gone, "unreadable: No such file or directory"),
        SkippedFile(latin, "not valid UTF-8 (byte 0xff at offset 0)"),
    )
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 4
    for skipped in load.skipped:
        assert any(str(skipped.path) in m and skipped.reason in m for m in messages)


def test_an_unreadable_file_is_skipped_even_when_running_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    write(tmp_path / "ok.txt", BODY)
    locked = write(tmp_path / "locked.txt", BODY)
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with caplog.at_level(logging.WARNING, logger="knowledge.articles"):
        load = load_articles(tmp_path)
    assert [article.id for article in load.articles] == ["ok"]
    assert load.skipped == (SkippedFile(locked, "unreadable: Permission denied"),)
    assert f"Skipping article file {locked}: unreadable: Permission denied" in caplog.text


def test_duplicate_ids_keep_the_first_file_in_sorted_path_order(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first = write(tmp_path / "a.md", "Erste Fassung des Artikels hier\n\n" + BODY)
    second = write(tmp_path / "a.txt", "Zweite Fassung des Artikels hier\n\n" + BODY)
    third = write(tmp_path / "z" / "a.txt", "Dritte Fassung des Artikels hier\n\n" + BODY)
    with caplog.at_level(logging.WARNING, logger="knowledge.articles"):
        load = load_articles(tmp_path)
    assert [(article.id, article.path) for article in load.articles] == [("a", first)]
    assert load.articles[0].title == "Erste Fassung des Artikels hier"
    assert load.skipped == (
        SkippedFile(second, "duplicate article id"),
        SkippedFile(third, "duplicate article id"),
    )
    assert f"kept {first}" in caplog.text


def test_front_matter_values_win_and_are_removed_from_the_text(tmp_path: Path) -> None:
    path = write(
        tmp_path / "front.md",
        "---\n"
        'title: "Mozillas Rebellen"\n'
        "source: 'Creati.ai'\n"
        "url: https://creati.ai/de/ai-news/mozilla\n"
        "published: 27. Januar 2026\n"
        "tags: ignored\n"
        "---\n\n"
        "# Eine andere Überschrift im Text\n\n" + BODY,
    )
    article = read_article(path)
    assert article == Article(
        id="front",
        title="Mozillas Rebellen",
        source="Creati.ai",
        url="https://creati.ai/de/ai-news/mozilla",
        published=datetime.date(2026, 1, 27),
        text="# Eine andere Überschrift im Text\n\n" + BODY,
        path=path,
        digest=hashlib.sha256(path.read_bytes()).hexdigest(),
    )


def test_missing_front_matter_values_are_derived_from_the_text(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(
        tmp_path / "partial.md",
        "---\npublished: 2026-02-30\n---\n"
        "# Mozilla startet die Rebellion\nVon Creati.ai Redaktionsteam\n2026-01-27\n\n" + BODY,
    )
    with caplog.at_level(logging.WARNING, logger="knowledge.articles"):
        article = read_article(path)
    assert article.title == "Mozilla startet die Rebellion"
    assert article.source == "Creati.ai"
    assert article.url is None
    assert article.published == datetime.date(2026, 1, 27)
    assert "front matter date '2026-02-30' is not a date" in caplog.text


def test_a_bom_and_windows_newlines_are_normalised(tmp_path: Path) -> None:
    path = write(tmp_path / "win.txt", "\ufeffZeile eins.\r\nZeile zwei.\rZeile drei.".encode())
    assert read_article(path).text == "Zeile eins.\nZeile zwei.\nZeile drei."


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"\n \n", "empty file (only whitespace)"),
        (b"\xef\xbb\xbf  ", "empty file (only whitespace)"),
        (b"Gut\xe4rtig", "not valid UTF-8 (byte 0xe4 at offset 3)"),
        (b"Text\x00mit Nullbyte", "binary data (contains NUL bytes)"),
        (b"---\ntitle: Nur Vorspann\n---\n\n", "no text after the front matter"),
    ],
)
def test_read_article_refuses_unusable_files(tmp_path: Path, content: bytes, reason: str) -> None:
    path = write(tmp_path / "bad.md", content)
    with pytest.raises(ArticleError) as caught:
        read_article(path)
    assert caught.value.reason == reason
    assert caught.value.path == path
    assert str(caught.value) == f"Cannot use article file {path}: {reason}."


def test_a_missing_folder_is_an_error_naming_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(ArticleError, match=re.escape(f"Article folder {missing} does not exist.")):
        load_articles(missing)
    not_a_folder = write(tmp_path / "file.txt", BODY)
    with pytest.raises(
        ArticleError, match=re.escape(f"Article folder {not_a_folder} is not a folder.")
    ):
        load_articles(not_a_folder)

"""The articles folder reads only its own regular files: links out, loops, FIFOs and devices not."""

import logging
import os
import stat
from pathlib import Path

import pytest

from bot.archive import folder_fingerprint
from knowledge.articles import load_articles, scan_folder

BODY = (
    "Die Firma hat heute ein neues Modell vorgestellt, das nach Angaben des Unternehmens "
    "schneller, günstiger und sparsamer arbeitet als alle bisherigen Modelle der Branche.\n"
)
SECRET = "GEHEIMNIS root daemon nologin bin bash\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "good.txt").write_text(BODY, encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    return articles


def _unsafe_cases(folder: Path) -> dict[str, str]:
    """Make each unsafe entry in ``folder``; return its name and the expected reason."""
    outside = folder.parent / "outside"
    (folder / "link_out.txt").symlink_to(outside / "secret.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "ring_a.md").symlink_to(folder / "ring_b.md")
    (folder / "ring_b.md").symlink_to(folder / "ring_a.md")
    (folder / "linked_folder").symlink_to(outside, target_is_directory=True)
    os.mkfifo(folder / "pipe.txt")
    (folder / "device.txt").symlink_to("/dev/null")
    return {
        "link_out.txt": "symbolic link to a file outside the articles folder",
        "loop.txt": "symbolic link loop",
        "ring_a.md": "symbolic link loop",
        "ring_b.md": "symbolic link loop",
        "linked_folder": "symbolic link to a folder outside the articles folder",
        "pipe.txt": "not a regular file (a FIFO)",
        "device.txt": "symbolic link to a file outside the articles folder",
    }


def test_only_regular_files_inside_the_folder_are_read(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    expected = _unsafe_cases(folder)
    with caplog.at_level(logging.WARNING, logger="knowledge.articles"):
        load = load_articles(folder)
    assert [article.id for article in load.articles] == ["good"]
    assert all(SECRET.split(maxsplit=1)[0] not in article.text for article in load.articles)
    reasons = {skip.path.name: skip.reason for skip in load.skipped}
    assert {name: reasons[name].split(" or ")[0] for name in reasons} == expected
    for name in expected:
        assert sum(name in record.getMessage() for record in caplog.records) == 1, name


def test_a_device_file_inside_the_folder_is_not_read(tmp_path: Path) -> None:
    """A real device node needs root to create (mknod); elsewhere the /dev/null link covers it."""
    if os.geteuid() != 0:
        pytest.skip("creating a device node (mknod) needs root; the /dev/null link case runs")
    os.mknod(tmp_path / "null.txt", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    paths, skipped = scan_folder(tmp_path)
    assert paths == ()
    assert [(s.path.name, s.reason) for s in skipped] == [
        ("null.txt", "not a regular file (a device)")
    ]


def test_each_unsafe_entry_is_warned_once_not_on_every_rescan(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _unsafe_cases(folder)
    with caplog.at_level(logging.WARNING, logger="knowledge.articles"):
        for _ in range(3):
            load_articles(folder)
            folder_fingerprint(folder)
    warned = [record.getMessage() for record in caplog.records]
    assert len(warned) == 7, warned
    assert len(set(warned)) == 7


def test_the_watcher_does_not_look_at_files_outside_the_folder(folder: Path) -> None:
    before = folder_fingerprint(folder)
    _unsafe_cases(folder)
    assert folder_fingerprint(folder) == before  # links out, loops and the FIFO are invisible
    (folder.parent / "outside" / "secret.txt").write_text(SECRET * 2, encoding="utf-8")
    assert folder_fingerprint(folder) == before
    assert [entry[0] for entry in before] == ["good.txt"]


def test_a_link_to_a_file_inside_the_folder_is_read(folder: Path) -> None:
    (folder / "sub").mkdir()
    (folder / "sub" / "alias.txt").symlink_to(folder / "good.txt")
    load = load_articles(folder)
    assert sorted(article.id for article in load.articles) == ["alias", "good"]
    assert load.skipped == ()

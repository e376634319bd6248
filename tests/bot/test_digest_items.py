"""A digest item says its title once: a headline-less article's summary continues after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import build_newsdesk
from bot.digest import continue_after_title
from bot.store import MemoryStore
from knowledge.metadata import shorten
from tests.conftest import make_settings

SENTENCE = (
    "In einem Schritt, der die Landschaft der künstlichen Intelligenz grundlegend neu gestaltet, "
    "hat Microsoft seine Abkehr von OpenAI bestätigt."
)
SECOND = "Suleyman nahm kein Blatt vor den Mund."


def test_a_shortened_opening_sentence_as_title_is_continued_not_repeated() -> None:
    title = shorten(SENTENCE, 90)
    assert (
        title == "In einem Schritt, der die Landschaft der künstlichen Intelligenz grundlegend neu…"
    )
    assert continue_after_title(title, (SENTENCE, SECOND)) == (
        "…gestaltet, hat Microsoft seine Abkehr von OpenAI bestätigt.",
        SECOND,
    )


def test_punctuation_the_title_dropped_is_not_shown_after_the_ellipsis() -> None:
    sentence = "Vor sechs Jahren schien es die perfekte Ehe zu sein: Microsoft und OpenAI."
    title = shorten(sentence, 53)
    assert title == "Vor sechs Jahren schien es die perfekte Ehe zu sein…"
    assert continue_after_title(title, (sentence,)) == ("…Microsoft und OpenAI.",)


def test_whitespace_differences_do_not_hide_the_repetition() -> None:
    title = shorten(SENTENCE, 90)
    spaced = SENTENCE.replace("der künstlichen", "der\n  künstlichen")
    assert continue_after_title(title, (spaced,))[0].startswith("…gestaltet, hat Microsoft")


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        ("Kurzer Satz als Titel.", ("Kurzer Satz als Titel.", SECOND), (SECOND,)),
        ("Kurzer Satz als Titel.", ("Kurzer Satz als Titel.",), ("Kurzer Satz als Titel.",)),
        ("Microsoft verliert Kontrolle über OpenAI?", (SENTENCE, SECOND), (SENTENCE, SECOND)),
        ("Ganz anders…", (SENTENCE,), (SENTENCE,)),
        ("In einem Schritt…", (), ()),
    ],
    ids=["whole-sentence-title", "only-sentence-kept", "headline", "other-text", "no-summary"],
)
def test_other_titles_leave_the_summary_as_it_is_or_drop_an_exact_repeat(
    title: str, summary: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    assert continue_after_title(title, summary) == expected


def test_no_seed_digest_item_repeats_its_title(tmp_path: Path) -> None:
    core = build_newsdesk(make_settings(tmp_path), store=MemoryStore)
    digest = core.digest_now().digest
    assert digest is not None
    assert len(digest.items) == 5
    continued = 0
    for item in digest.items:
        stem = item.title.removesuffix("…")
        assert not item.summary[0].startswith(stem), item.title
        continued += item.summary[0].startswith("…")
    assert continued == 2  # the two headline-less articles whose summary opens with the title

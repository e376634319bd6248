"""Titles, publishers and publication dates derived from article text."""

import datetime
from pathlib import Path

import pytest

from knowledge.metadata import (
    derive_published,
    derive_source,
    derive_title,
    parse_german_date,
    shorten,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
BODY = (
    "Die Firma hat heute ein neues Modell vorgestellt, das nach Angaben des Unternehmens "
    "schneller, günstiger und sparsamer arbeitet als alle bisherigen Modelle der Branche."
)

SEED_METADATA = [
    (
        "000_26a8121a7ae71e0a",
        "Mozilla Bets $1.4 Billion on an AI 'Rebel Alliance' to Break Big Tech's Grip",
        "Creati.ai",
        datetime.date(2026, 1, 27),
    ),
    (
        "001_37de1b6d01b33ede",
        "Das Rennen im Bereich der künstlichen Intelligenz (KI) im Silicon Valley ist ebenso heiß…",
        None,
        None,
    ),
    (
        "002_702a485bbd3150d5",
        "Vor sechs Jahren schien es die perfekte Ehe zu sein: Microsoft mit seinen Milliarden und…",
        None,
        None,
    ),
    (
        "003_838a0c41cee76ec5",
        "In einem Schritt, der die Landschaft der künstlichen Intelligenz grundlegend neu…",
        None,
        None,
    ),
    ("004_bf87456fd506aad6", "Microsoft verliert Kontrolle über OpenAI?", "All-AI.de", None),
]


@pytest.mark.parametrize(("stem", "title", "source", "published"), SEED_METADATA)
def test_seed_metadata(
    stem: str, title: str, source: str | None, published: datetime.date | None
) -> None:
    text = (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")
    assert derive_title(text) == title
    assert derive_source(text) == source
    assert derive_published(text) == published


# --- title -----------------------------------------------------------------------------------


def test_a_question_or_exclamation_headline_is_a_title() -> None:
    assert derive_title(f"Steht Microsoft vor dem Aus?\n\n{BODY}") == "Steht Microsoft vor dem Aus?"
    assert derive_title(f"Mozilla greift die Giganten an!\n\n{BODY}") == (
        "Mozilla greift die Giganten an!"
    )


def test_short_labels_bylines_and_dates_are_not_headlines() -> None:
    text = f"AI News\nVon Max Mustermann\n27. Januar 2026\n\n{BODY}"
    assert derive_title(text) == shorten(BODY, 90)


def test_a_line_ending_in_a_colon_is_not_a_headline() -> None:
    assert derive_title(f"Das sind die wichtigsten Punkte:\n{BODY}") == (
        "Das sind die wichtigsten Punkte:"
    )


def test_a_markdown_heading_is_the_title() -> None:
    assert derive_title(f"# Kurz\n\n{BODY}") == "Kurz"


def test_the_opening_sentence_is_not_cut_at_brackets_or_abbreviations() -> None:
    text = "Die Firma (KI) baut z. B. Chips. " + BODY
    assert derive_title(text) == "Die Firma (KI) baut z. B. Chips."


def test_a_long_opening_sentence_is_shortened_at_a_word_boundary() -> None:
    title = derive_title(BODY, max_chars=40)
    assert title == "Die Firma hat heute ein neues Modell…"
    assert len(title) <= 40


def test_a_text_without_words_has_an_empty_title() -> None:
    assert derive_title("\n  \n") == ""


# --- source ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "source"),
    [
        ("Von Creati.ai Redaktionsteam", "Creati.ai"),
        ("gpt-image-1 | All-AI.de", "All-AI.de"),
        ("Quelle: www.heise.de", "heise.de"),
        ("Von der SPIEGEL-Redaktion", "SPIEGEL"),
        ("Von Max Mustermann", None),
        ("Foto: dpa/picture-alliance.de", None),
    ],
)
def test_source_comes_from_the_byline_or_credit_line(header: str, source: str | None) -> None:
    text = f"KI-Firmen ringen um die Vorherrschaft\n{header}\n\n{BODY}"
    assert derive_source(text) == source


def test_outlets_cited_in_the_body_are_not_the_publisher() -> None:
    text = f"{BODY}\nLaut heise.de und der Financial Times ist das neu.\nFoto: NBC News"
    assert derive_source(text) is None


# --- published -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("27. Januar 2026", datetime.date(2026, 1, 27)),
        ("27. Jan. 2026", datetime.date(2026, 1, 27)),
        ("1. Sept. 2025", datetime.date(2025, 9, 1)),
        ("3. März 2025", datetime.date(2025, 3, 3)),
        ("3. Maerz 2025", datetime.date(2025, 3, 3)),
        ("03. dezember 2024", datetime.date(2024, 12, 3)),
        ("Dienstag, 27. Januar 2026", datetime.date(2026, 1, 27)),
        ("2026-01-27", datetime.date(2026, 1, 27)),
        ("27.01.2026", datetime.date(2026, 1, 27)),
        ("31. Februar 2026", None),
        ("2026-13-01", None),
        ("10. Februar", None),
        ("Januar 2026", None),
        ("gestern", None),
        ("Am 27. Januar 2026 begann es.", None),
    ],
)
def test_parse_german_date(text: str, date: datetime.date | None) -> None:
    assert parse_german_date(text) == date


def test_a_date_in_the_byline_is_the_publication_date() -> None:
    text = f"KI-Firmen ringen um die Vorherrschaft\nVon Max Mustermann, 3. März 2025\n\n{BODY}"
    assert derive_published(text) == datetime.date(2025, 3, 3)


def test_a_date_line_of_its_own_anywhere_is_the_publication_date() -> None:
    text = f"{BODY}\n\nVeröffentlicht am 2. Februar 2026, 10:30 Uhr"
    assert derive_published(text) == datetime.date(2026, 2, 2)


def test_dates_inside_body_sentences_are_events() -> None:
    text = f"{BODY} Am 11. Februar 2026 begann der Test.\nDas Angebot kam am Montag (10. Februar)."
    assert derive_published(text) is None


def test_an_impossible_header_date_is_ignored() -> None:
    assert derive_published(f"Von Max Mustermann\n31. Februar 2026\n\n{BODY}") is None


# --- shorten ---------------------------------------------------------------------------------


def test_shorten_leaves_short_text_alone_but_tidies_whitespace() -> None:
    assert shorten("  Kurzer   Text ", 20) == "Kurzer Text"


def test_shorten_cuts_at_a_word_boundary_without_trailing_punctuation() -> None:
    assert shorten("Hallo, Welt wie geht es", 8) == "Hallo…"
    assert shorten("Hallo Welt wie geht es", 12) == "Hallo Welt…"


def test_shorten_cuts_a_single_long_word_hard() -> None:
    assert shorten("Donaudampfschifffahrt", 6) == "Donau…"


def test_shorten_refuses_a_limit_without_room_for_text() -> None:
    with pytest.raises(ValueError, match="max_chars must be at least 2, got 1"):
        shorten("Text", 1)

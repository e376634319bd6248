"""The bot's own sentences, German by default and English by setting.

One typed phrasebook per language: a missing or misspelt phrase is a type error, not a runtime
surprise. Example questions stay German in both books, because the archive is German.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.replies import Source
from bot.settings import Language

__all__ = ["ENGLISH", "GERMAN", "Phrasebook", "phrasebook"]

EXAMPLE_QUESTION = "Wie viel bot Musk für OpenAI?"


@dataclass(frozen=True, slots=True)
class Phrasebook:
    """Every sentence the core says, as ``str.format`` templates."""

    empty: str
    no_words: str
    only_stopwords: str
    shortened: str
    no_answer: str
    empty_archive: str
    sources_heading: str
    no_publisher: str
    no_date: str
    date_format: str
    help_intro: str
    help_lines: tuple[str, ...]
    sources_intro: str
    greeting: str

    def date(self, value: dt.date | None) -> str:
        """Format a publication date, or say that there is none."""
        return value.strftime(self.date_format) if value else self.no_date

    def source_details(self, source: Source) -> str:
        """Publisher, date and article id of a source: ``Creati.ai · 27.01.2026 · 000_…``."""
        publisher = source.publisher or self.no_publisher
        return f"{publisher} · {self.date(source.published)} · {source.article_id}"


GERMAN = Phrasebook(
    empty=(
        "Deine Nachricht war leer. Stell eine Frage zu den Artikeln, zum Beispiel: "
        f"{EXAMPLE_QUESTION}"
    ),
    no_words=(
        "Ich habe in deiner Nachricht keine Wörter gefunden, nur Zeichen oder Emoji. "
        f"Frag mit Worten, zum Beispiel: {EXAMPLE_QUESTION}"
    ),
    only_stopwords=(
        "Deine Frage besteht nur aus Füllwörtern ({words}), nach denen ich nicht suchen kann. "
        "Nenne ein Stichwort, etwa eine Firma, eine Person oder ein Thema, zum Beispiel: "
        f"{EXAMPLE_QUESTION}"
    ),
    shortened=(
        "Deine Nachricht war {length} Zeichen lang; ich habe nur die ersten {limit} gelesen."
    ),
    no_answer=(
        "Dazu habe ich in den {count} Artikeln des Archivs nichts Passendes gefunden. "
        "Versuch es mit anderen Stichwörtern, etwa Firmen, Personen oder Produkten, "
        "oder schau mit `sources` nach, welche Artikel ich kenne."
    ),
    empty_archive=(
        "Im Archiv ist noch kein Artikel. Lege .txt- oder .md-Dateien in {directory} ab "
        "und frag dann noch einmal."
    ),
    sources_heading="Quellen",
    no_publisher="ohne Herausgeber",
    no_date="ohne Datum",
    date_format="%d.%m.%Y",
    help_intro="Ich beantworte Fragen aus dem Nachrichtenarchiv ({count} Artikel).",
    help_lines=(
        f"Stell einfach eine Frage, zum Beispiel: {EXAMPLE_QUESTION}",
        "ask <Frage>: dasselbe, ausdrücklich",
        "sources: die Artikel, die ich kenne",
        "help: diese Hilfe",
    ),
    sources_intro="Ich kenne {count} Artikel:",
    greeting="Newsdesk mit {count} Artikeln. Stell eine Frage oder tippe help; quit beendet.",
)

ENGLISH = Phrasebook(
    empty=(
        "Your message was empty. Ask a question about the articles (they are German), "
        f"for example: {EXAMPLE_QUESTION}"
    ),
    no_words=(
        "I found no words in your message, only symbols or emoji. Ask with words, "
        f"for example: {EXAMPLE_QUESTION}"
    ),
    only_stopwords=(
        "Your question has only filler words ({words}) that I cannot search for. "
        "Name a keyword such as a company, a person or a topic, for example: "
        f"{EXAMPLE_QUESTION}"
    ),
    shortened="Your message was {length} characters long; I read only the first {limit}.",
    no_answer=(
        "I found nothing relevant to that in the archive's {count} articles. "
        "Try other keywords such as companies, people or products, "
        "or use `sources` to see which articles I know."
    ),
    empty_archive=(
        "The archive has no articles yet. Put .txt or .md files in {directory} and ask again."
    ),
    sources_heading="Sources",
    no_publisher="no publisher",
    no_date="no date",
    date_format="%Y-%m-%d",
    help_intro="I answer questions from the news archive ({count} articles).",
    help_lines=(
        f"Just ask a question, for example: {EXAMPLE_QUESTION}",
        "ask <question>: the same, explicitly",
        "sources: the articles I know",
        "help: this help",
    ),
    sources_intro="I know {count} articles:",
    greeting="Newsdesk with {count} articles. Ask a question or type help; quit leaves.",
)


def phrasebook(language: Language) -> Phrasebook:
    """Return the phrasebook for a language setting."""
    return GERMAN if language == "de" else ENGLISH

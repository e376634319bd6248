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
    corrected: str
    no_answer: str
    empty_archive: str
    sources_heading: str
    read_article: str
    date_format: str
    help_intro: str
    help_lines: tuple[str, ...]
    help_lines_slack: tuple[str, ...]
    help_lines_discord: tuple[str, ...]
    sources_intro: str
    sources_page: str
    sources_no_page: str
    greeting: str
    digest_heading: str
    digest_heading_topic: str
    digest_more: str
    digest_older: str
    digest_nothing_new: str
    digest_nothing_on_topic: str
    digest_help: tuple[str, ...]
    digest_unknown: str
    subscribed: str
    subscribed_topic: str
    next_runs: str
    unsubscribed: str
    unsubscribed_one: str
    unsubscribe_which: str
    no_such_subscription: str
    subscription_exists: str
    no_subscriptions: str
    subscriptions_heading: str
    subscription_line: str
    topic_suffix: str
    never: str
    healthy: str
    not_allowed: str
    digests_unavailable: str
    schedule_errors: dict[str, str]
    schedule_example: str
    weekdays: tuple[str, ...]
    shortened_reply: str
    internal_error: str
    store_unavailable: str
    feedback_thanks: str
    feedback_thanks_down: str
    post_to_channel: str
    posted_by: str
    moment_format: str

    def date(self, value: dt.date) -> str:
        """Format a publication date."""
        return value.strftime(self.date_format)

    def moment(self, when: dt.datetime) -> str:
        """Format a point in time as the reader's clock shows it: ``Mo 23.11.2026 09:30``."""
        return when.strftime(self.moment_format.format(weekday=self.weekdays[when.weekday()]))

    def details(self, publisher: str | None, published: dt.date | None) -> str:
        """Publisher and date, whichever are known: ``Creati.ai · 27.01.2026`` (or ``""``)."""
        parts = (publisher, self.date(published) if published else None)
        return " · ".join(part for part in parts if part)

    def source_details(self, source: Source) -> str:
        """A source's publisher and date, whichever are known (never its article id)."""
        return self.details(source.publisher, source.published)


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
    corrected="Meintest du {words}? Ich habe danach gesucht.",
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
    read_article="Zum Artikel",
    date_format="%d.%m.%Y",
    help_intro="Ich beantworte Fragen aus dem Nachrichtenarchiv ({count} Artikel).",
    help_lines=(
        f"Stell einfach eine Frage, zum Beispiel: {EXAMPLE_QUESTION}",
        "ask <Frage>: dasselbe, ausdrücklich",
        "sources [Seite]: die Artikel, die ich kenne, die neuesten zuerst",
        "digest help: Digests neuer Artikel, auch regelmäßig",
        "help: diese Hilfe",
    ),
    help_lines_slack=(
        f"/ask <Frage>: eine Antwort nur für dich, zum Beispiel /ask {EXAMPLE_QUESTION}",
        "@newsdesk <Frage>: eine Antwort für alle, im Thread; dort antworte ich auch ohne "
        "Erwähnung",
        "/ask sources [Seite]: die Artikel, die ich kenne, die neuesten zuerst",
        "/digest help: Digests neuer Artikel, auch regelmäßig",
        "/ask help: diese Hilfe",
    ),
    help_lines_discord=(
        f"/ask question: <Frage>: eine Antwort aus dem Archiv, zum Beispiel {EXAMPLE_QUESTION} "
        "(private: True: nur für dich)",
        "@newsdesk <Frage>: eine Antwort als Antwort auf deine Nachricht",
        "/sources [page]: die Artikel, die ich kenne, die neuesten zuerst",
        "/digest now, /digest subscribe, /digest list, /digest unsubscribe: Digests neuer "
        "Artikel, auch regelmäßig",
        "/help: diese Hilfe",
    ),
    sources_intro="Ich kenne {count} Artikel:",
    sources_page=(
        "Ich kenne {count} Artikel, die neuesten zuerst. Seite {page} von {pages}; "
        "`sources {next}` zeigt die nächsten."
    ),
    sources_no_page="Seite {page} gibt es nicht; die letzte ist Seite {pages} ({count} Artikel).",
    greeting="Newsdesk mit {count} Artikeln. Stell eine Frage oder tippe help; quit beendet.",
    digest_heading="Neu im Archiv",
    digest_heading_topic="Neu im Archiv zum Thema „{topic}“",
    digest_more="Außerdem neu: {titles}",
    digest_older="{count} ältere Artikel stehen im Archiv; frag mich danach.",
    digest_nothing_new="Nichts Neues im Archiv seit dem letzten Digest.",
    digest_nothing_on_topic="Zum Thema „{topic}“ habe ich im Archiv nichts gefunden.",
    digest_help=(
        "Digests fassen neue Artikel für diesen Kanal zusammen:",
        "digest now [Thema]: die neuesten Artikel (oder die zum Thema), gleich hier",
        "digest subscribe <Zeitplan> [in <Zeitzone>] [about <Thema>]: regelmäßig, z. B. "
        "digest subscribe werktags 09:30 in Europe/Berlin about OpenAI",
        "Zeitpläne: täglich 08:00, werktags 09:30, montags 08:00, alle 6h oder Cron (30 9 * * 1-5)",
        "digest list: die Abos dieses Kanals, nummeriert; digest unsubscribe 1 (oder all): beenden",
    ),
    digest_unknown="„digest {word}“ kenne ich nicht.",
    subscribed="Abonniert: {schedule}.",
    subscribed_topic="Abonniert: {schedule}, zum Thema „{topic}“.",
    next_runs="Die nächsten Digests: {runs}.",
    unsubscribed="Alle {count} Digest-Abos in diesem Kanal sind beendet.",
    unsubscribed_one="Beendet: {subscription}.",
    unsubscribe_which=(
        "Dieser Kanal hat {count} Digest-Abos. Welches soll enden? Schreib `digest unsubscribe 1`"
        " (die Nummer aus der Liste) oder `digest unsubscribe all`."
    ),
    no_such_subscription=(
        "Ein Abo Nummer {number} gibt es hier nicht. `digest list` zeigt die Abos dieses Kanals"
        " mit ihren Nummern."
    ),
    subscription_exists="Dieses Abo gibt es in diesem Kanal schon: {subscription}.",
    no_subscriptions=(
        "Dieser Kanal hat kein Digest-Abo. Eins anlegen: digest subscribe werktags 09:30"
    ),
    subscriptions_heading="Digest-Abos in diesem Kanal:",
    subscription_line="{schedule}{topic}: nächster {next}, letzter {last}, {status}",
    topic_suffix=" zum Thema „{topic}“",
    never="noch keiner",
    healthy="läuft",
    not_allowed=(
        "Die Digest-Abos dieses Kanals darfst du nicht ändern. Frag jemanden, der den Kanal "
        "verwaltet; digest list und digest now gehen für alle."
    ),
    digests_unavailable="Digests sind hier nicht eingerichtet.",
    schedule_errors={
        "empty": "Sag mir, wann der Digest kommen soll.",
        "schedule": "Den Zeitplan „{value}“ verstehe ich nicht.",
        "time": "Die Uhrzeit „{value}“ gibt es nicht; schreib sie als HH:MM, etwa 08:00.",
        "timezone": (
            "Die Zeitzone „{value}“ kenne ich nicht; nimm einen IANA-Namen wie "
            "Europe/Berlin oder America/New_York."
        ),
        "interval": (
            "Das Intervall „{value}“ teilt den Tag nicht gleichmäßig; nimm 1, 2, 3, 4, 6, 8 "
            "oder 12 Stunden oder 5, 10, 15, 20 oder 30 Minuten."
        ),
    },
    schedule_example="So geht es zum Beispiel: digest subscribe werktags 09:30 in Europe/Berlin",
    weekdays=("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"),
    shortened_reply="(Gekürzt: die ganze Stelle steht in der Quelle.)",
    internal_error=(
        "Da ist bei mir etwas schiefgegangen; versuch es bitte gleich noch einmal. "
        "Wenn es so bleibt, sag der Person Bescheid, die mich betreut."
    ),
    store_unavailable=(
        "Digests und Bewertungen sind gerade nicht verfügbar: mein Speicher ist gestört. "
        "Fragen beantworte ich weiter. Sag bitte der Person Bescheid, die mich betreut "
        "(die Ursache steht in meinem Log)."
    ),
    feedback_thanks="Danke für dein Feedback!",
    feedback_thanks_down="Danke! Gespeichert: diese Antwort hat nicht geholfen.",
    post_to_channel="Im Kanal zeigen",
    posted_by="{user} fragte: {question}",
    moment_format="{weekday} %d.%m.%Y %H:%M",
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
    corrected="Showing results for {words}.",
    no_answer=(
        "I found nothing relevant to that in the archive's {count} articles. "
        "Try other keywords such as companies, people or products, "
        "or use `sources` to see which articles I know."
    ),
    empty_archive=(
        "The archive has no articles yet. Put .txt or .md files in {directory} and ask again."
    ),
    sources_heading="Sources",
    read_article="Read the article",
    date_format="%Y-%m-%d",
    help_intro="I answer questions from the news archive ({count} articles).",
    help_lines=(
        f"Just ask a question, for example: {EXAMPLE_QUESTION}",
        "ask <question>: the same, explicitly",
        "sources [page]: the articles I know, newest first",
        "digest help: digests of new articles, also on a schedule",
        "help: this help",
    ),
    help_lines_slack=(
        f"/ask <question>: an answer only you see, for example /ask {EXAMPLE_QUESTION}",
        "@newsdesk <question>: an answer for everyone, in a thread; there I answer without a "
        "mention too",
        "/ask sources [page]: the articles I know, newest first",
        "/digest help: digests of new articles, also on a schedule",
        "/ask help: this help",
    ),
    help_lines_discord=(
        f"/ask question: <question>: an answer from the archive, for example {EXAMPLE_QUESTION} "
        "(private: True: only you see it)",
        "@newsdesk <question>: an answer as a reply to your message",
        "/sources [page]: the articles I know, newest first",
        "/digest now, /digest subscribe, /digest list, /digest unsubscribe: digests of new "
        "articles, also on a schedule",
        "/help: this help",
    ),
    sources_intro="I know {count} articles:",
    sources_page=(
        "I know {count} articles, newest first. Page {page} of {pages}; "
        "`sources {next}` shows the next ones."
    ),
    sources_no_page="There is no page {page}; the last is page {pages} ({count} articles).",
    greeting="Newsdesk with {count} articles. Ask a question or type help; quit leaves.",
    digest_heading="New in the archive",
    digest_heading_topic="New in the archive on “{topic}”",
    digest_more="Also new: {titles}",
    digest_older="{count} older articles are in the archive; ask me about them.",
    digest_nothing_new="Nothing new in the archive since the last digest.",
    digest_nothing_on_topic="I found nothing in the archive on “{topic}”.",
    digest_help=(
        "Digests summarise new articles for this channel:",
        "digest now [topic]: the latest articles (or those on a topic), right here",
        "digest subscribe <schedule> [in <timezone>] [about <topic>]: regularly, e.g. "
        "digest subscribe weekdays 09:30 in Europe/Berlin about OpenAI",
        "Schedules: daily 08:00, weekdays 09:30, mondays 08:00, every 6h or cron (30 9 * * 1-5)",
        "digest list: this channel's subscriptions, numbered; digest unsubscribe 1 (or all): end",
    ),
    digest_unknown="I don't know “digest {word}”.",
    subscribed="Subscribed: {schedule}.",
    subscribed_topic="Subscribed: {schedule}, on “{topic}”.",
    next_runs="Next digests: {runs}.",
    unsubscribed="Ended all {count} digest subscriptions in this channel.",
    unsubscribed_one="Ended: {subscription}.",
    unsubscribe_which=(
        "This channel has {count} digest subscriptions. Which one should end? Type"
        " `digest unsubscribe 1` (the number from the list) or `digest unsubscribe all`."
    ),
    no_such_subscription=(
        "There is no subscription number {number} here. `digest list` shows this channel's"
        " subscriptions with their numbers."
    ),
    subscription_exists="This channel already has this subscription: {subscription}.",
    no_subscriptions=(
        "This channel has no digest subscription. Create one: digest subscribe weekdays 09:30"
    ),
    subscriptions_heading="Digest subscriptions in this channel:",
    subscription_line="{schedule}{topic}: next {next}, last {last}, {status}",
    topic_suffix=" on “{topic}”",
    never="none yet",
    healthy="working",
    not_allowed=(
        "You may not change this channel's digest subscriptions. Ask someone who manages the "
        "channel; digest list and digest now work for everyone."
    ),
    digests_unavailable="Digests are not set up here.",
    schedule_errors={
        "empty": "Tell me when the digest should come.",
        "schedule": "I don't understand the schedule “{value}”.",
        "time": "There is no time “{value}”; write it as HH:MM, e.g. 08:00.",
        "timezone": (
            "I don't know the time zone “{value}”; use an IANA name such as Europe/Berlin or "
            "America/New_York."
        ),
        "interval": (
            "The interval “{value}” does not divide the day evenly; use 1, 2, 3, 4, 6, 8 or 12 "
            "hours or 5, 10, 15, 20 or 30 minutes."
        ),
    },
    schedule_example="For example: digest subscribe weekdays 09:30 in Europe/Berlin",
    weekdays=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    shortened_reply="(Shortened: the full passage is in the source.)",
    internal_error=(
        "Something went wrong on my side; please try again in a moment. "
        "If it keeps happening, tell whoever looks after me."
    ),
    store_unavailable=(
        "Digests and votes are unavailable right now: my store has failed. "
        "Questions are still answered. Please tell whoever looks after me "
        "(the cause is in my log)."
    ),
    feedback_thanks="Thanks for your feedback!",
    feedback_thanks_down="Thanks! Your rating is saved: this answer did not help.",
    post_to_channel="Post to channel",
    posted_by="{user} asked: {question}",
    moment_format="{weekday} %Y-%m-%d %H:%M",
)


def phrasebook(language: Language) -> Phrasebook:
    """Return the phrasebook for a language setting."""
    return GERMAN if language == "de" else ENGLISH

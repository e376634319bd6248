"""The bot's own sentences, German by default and English by setting.

One typed phrasebook per language: a missing or misspelt phrase is a type error, not a runtime
surprise. Example questions stay German in both books, because the archive is German.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from bot.replies import Paragraph, Source
from bot.settings import Language
from bot.syntax import CommandExample, Option, compose

__all__ = ["ENGLISH", "GERMAN", "FeedPhrases", "Phrasebook", "phrasebook"]

EXAMPLE_QUESTION = "Wie viel bot Musk für OpenAI?"


@dataclass(frozen=True, slots=True)
class FeedPhrases:
    """The sentences of the feed commands (``feed add|list|remove|help``)."""

    help: tuple[str, ...]
    unknown: str
    added: str
    exists: str
    bad_url: str
    bad_interval: str
    removed: str
    remove_which: str
    not_a_number: str
    none: str
    no_such: str
    heading: str
    line: str
    not_fetched: str
    healthy: str
    not_allowed: str
    problems: dict[str, str]
    units: dict[str, tuple[str, str]]  # "m", "h", "d": (singular, plural)

    def duration(self, minutes: int) -> str:
        """A feed interval as words: ``30 Minuten``, ``2 hours``, ``1 Tag``."""
        for unit, size in (("d", 1440), ("h", 60), ("m", 1)):
            if minutes % size == 0:
                count = minutes // size
                return f"{count} {self.units[unit][0 if count == 1 else 1]}"
        raise AssertionError("unreachable: every minute count divides by 1")  # pragma: no cover

    def problem(self, code: str) -> str:
        """The sentence of a stored feed problem (``"not_found:404"``)."""
        kind, _, detail = code.partition(":")
        template = self.problems.get(kind, self.problems["internal"])
        return template.format(detail=detail or "?")


@dataclass(frozen=True, slots=True)
class Phrasebook:
    """Every sentence the core says, as ``str.format`` templates.

    A template that shows a command names it by a key of ``commands`` (``{subscribe}``):
    :meth:`say` fills it in the asker's platform's syntax.
    """

    empty: str
    no_words: str
    only_stopwords: str
    shortened: str
    corrected: str
    quoted_in_other_language: str
    thanks_reply: str
    greeting_reply: str
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
    commands: Mapping[str, CommandExample]

    def say(self, template: str, platform: str | None, **values: object) -> Paragraph:
        """A paragraph of ``template``, its commands shown as typed on ``platform``."""
        return compose(template, platform, self.commands, **values)

    feed: FeedPhrases

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


FEED_EXAMPLE = "https://www.heise.de/rss/heise-atom.xml"


def _commands(
    schedule: str, *, when: str, zone: str, topic: str, number: str, url: str
) -> dict[str, CommandExample]:
    """The commands the sentences show, with example values in one language."""
    subscribe, about = "digest subscribe", Option("about", "OpenAI", "about")
    unsubscribe = "digest unsubscribe"
    every = Option("every", "30m", "every")
    return {
        "subscribe": CommandExample(
            subscribe, (Option("schedule", f"{schedule} in Europe/Berlin"),)
        ),
        "subscribe_short": CommandExample(subscribe, (Option("schedule", schedule),)),
        "subscribe_topic": CommandExample(
            subscribe, (Option("schedule", f"{schedule} in Europe/Berlin"), about)
        ),
        "subscribe_help": CommandExample(
            subscribe,
            (
                Option("schedule", f"<{when}> [in <{zone}>]"),
                Option("about", f"<{topic}>", "about", optional=True),
            ),
        ),
        "now": CommandExample("digest now"),
        "now_help": CommandExample("digest now", (Option("topic", topic, optional=True),)),
        "list": CommandExample("digest list"),
        "unsubscribe_one": CommandExample(unsubscribe, (Option("which", "1"),)),
        "unsubscribe_all": CommandExample(unsubscribe, (Option("which", "all"),)),
        "sources": CommandExample("sources"),
        "feed_add_help": CommandExample(
            "feed add", (Option("url", f"<{url}>"), Option("every", "30m", "every", optional=True))
        ),
        "feed_add_example": CommandExample("feed add", (Option("url", FEED_EXAMPLE), every)),
        "feed_add_url": CommandExample("feed add", (Option("url", FEED_EXAMPLE),)),
        "feed_list": CommandExample("feed list"),
        "feed_remove_help": CommandExample("feed remove", (Option("number", f"<{number}>"),)),
        "feed_remove_one": CommandExample("feed remove", (Option("number", "1"),)),
    }


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
    quoted_in_other_language="Die Quelle ist englisch; ich zitiere sie im Original.",
    thanks_reply="Gern geschehen! Frag mich jederzeit wieder etwas zu den Artikeln.",
    greeting_reply=(
        "Hallo! Ich beantworte Fragen zu den {count} Artikeln des Archivs, zum Beispiel: "
        f"{EXAMPLE_QUESTION}"
    ),
    no_answer=(
        "Dazu habe ich in den {count} Artikeln des Archivs nichts Passendes gefunden. "
        "Versuch es mit anderen Stichwörtern, etwa Firmen, Personen oder Produkten, "
        "oder schau mit {sources} nach, welche Artikel ich kenne."
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
        "feed add <URL> [every 30m], feed list, feed remove <Nummer>: Feeds, die das Archiv füllen",
        "help: diese Hilfe",
    ),
    help_lines_slack=(
        f"/ask <Frage>: eine Antwort nur für dich, zum Beispiel /ask {EXAMPLE_QUESTION}",
        "@newsdesk <Frage>: eine Antwort für alle, im Thread; dort antworte ich auch ohne "
        "Erwähnung",
        "/ask sources [Seite]: die Artikel, die ich kenne, die neuesten zuerst",
        "/digest help: Digests neuer Artikel, auch regelmäßig",
        "/feed add <URL> [every 30m], /feed list, /feed remove <Nummer>: Feeds, die das Archiv "
        "füllen",
        "/ask help: diese Hilfe",
    ),
    help_lines_discord=(
        f"/ask question: <Frage>: eine Antwort aus dem Archiv, zum Beispiel {EXAMPLE_QUESTION} "
        "(private: True: nur für dich)",
        "@newsdesk <Frage>: eine Antwort als Antwort auf deine Nachricht",
        "/sources [page]: die Artikel, die ich kenne, die neuesten zuerst",
        "/digest now, /digest subscribe, /digest list, /digest unsubscribe: Digests neuer "
        "Artikel, auch regelmäßig",
        "/feed add url: <URL> [every: 30m], /feed list, /feed remove number: <Nummer>: Feeds, "
        "die das Archiv füllen",
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
        "{now_help}: die neuesten Artikel (oder die zum Thema), gleich hier",
        "{subscribe_help}: regelmäßig, z. B. {subscribe_topic}",
        "Zeitpläne: täglich 08:00, werktags 09:30, jeden Montag um 8 Uhr, alle 6h oder Cron "
        "(30 9 * * 1-5); Zeitzone als Name oder Stadt: in Europe/Berlin, in Berlin",
        "{list}: die Abos dieses Kanals, nummeriert; {unsubscribe_one} (oder {unsubscribe_all}):"
        " beenden",
    ),
    digest_unknown="„digest {word}“ kenne ich nicht.",
    subscribed="Abonniert: {schedule}.",
    subscribed_topic="Abonniert: {schedule}, zum Thema „{topic}“.",
    next_runs="Die nächsten Digests: {runs}.",
    unsubscribed="Alle {count} Digest-Abos in diesem Kanal sind beendet.",
    unsubscribed_one="Beendet: {subscription}.",
    unsubscribe_which=(
        "Dieser Kanal hat {count} Digest-Abos. Welches soll enden? Schreib {unsubscribe_one}"
        " (die Nummer aus der Liste) oder {unsubscribe_all}."
    ),
    no_such_subscription=(
        "Ein Abo Nummer {number} gibt es hier nicht. {list} zeigt die Abos dieses Kanals"
        " mit ihren Nummern."
    ),
    subscription_exists="Dieses Abo gibt es in diesem Kanal schon: {subscription}.",
    no_subscriptions=("Dieser Kanal hat kein Digest-Abo. Eins anlegen: {subscribe_short}"),
    subscriptions_heading="Digest-Abos in diesem Kanal:",
    subscription_line="{schedule}{topic}: nächster {next}, letzter {last}, {status}",
    topic_suffix=" zum Thema „{topic}“",
    never="noch keiner",
    healthy="läuft",
    not_allowed=(
        "Die Digest-Abos dieses Kanals darfst du nicht ändern. Frag jemanden, der den Kanal "
        "verwaltet; {list} und {now} gehen für alle."
    ),
    digests_unavailable="Digests sind hier nicht eingerichtet.",
    schedule_errors={
        "empty": "Sag mir, wann der Digest kommen soll.",
        "schedule": "Den Zeitplan „{value}“ verstehe ich nicht.",
        "time": "Die Uhrzeit „{value}“ gibt es nicht; schreib sie als HH:MM, etwa 08:00.",
        "no_time": "Zu „{value}“ fehlt die Uhrzeit, etwa „{value} um 08:00“.",
        "timezone": (
            "Die Zeitzone „{value}“ kenne ich nicht; nimm einen IANA-Namen wie "
            "Europe/Berlin oder America/New_York oder eine Stadt wie Berlin."
        ),
        "ambiguous_timezone": (
            "„{value}“ passt zu mehreren Zeitzonen: {choices}. Schreib den vollen Namen."
        ),
        "interval": (
            "Das Intervall „{value}“ teilt den Tag nicht gleichmäßig; nimm 1, 2, 3, 4, 6, 8 "
            "oder 12 Stunden oder 5, 10, 15, 20 oder 30 Minuten."
        ),
    },
    schedule_example="So geht es zum Beispiel: {subscribe}",
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
    commands=_commands(
        "werktags 09:30",
        when="Zeitplan",
        zone="Zeitzone",
        topic="Thema",
        number="Nummer",
        url="URL",
    ),
    feed=FeedPhrases(
        help=(
            "Feeds füllen das Archiv: neue Artikel aus RSS- und Atom-Feeds, mit dem ganzen Text:",
            "{feed_add_help}: einen Feed abonnieren, z. B. {feed_add_example} "
            "(Standard: {default})",
            "{feed_list}: die Feeds, nummeriert, mit letztem Abruf, Fehler und Artikelzahl",
            "{feed_remove_help}: einen Feed beenden (seine Artikel bleiben im Archiv)",
        ),
        unknown="„feed {word}“ kenne ich nicht.",
        added=(
            "Feed {number} hinzugefügt: {url}, abgerufen alle {interval}. Der erste Abruf folgt "
            "gleich; {feed_list} zeigt, wie er lief."
        ),
        exists="Diesen Feed gibt es schon: Nummer {number} in {feed_list}.",
        bad_url=(
            "„{url}“ ist keine Feed-Adresse, die ich abrufen kann: sie muss mit http:// oder "
            "https:// beginnen und einen Rechner nennen, zum Beispiel {feed_add_url}"
        ),
        bad_interval=(
            "Das Intervall „{value}“ verstehe ich nicht: schreib every und eine Dauer zwischen "
            "5 Minuten und 7 Tagen, etwa every 30m, every 2h oder every 1d."
        ),
        removed="Feed beendet: {url} (seine {count} Artikel bleiben im Archiv).",
        remove_which=(
            "Es gibt {count} Feeds. Welcher soll enden? Schreib {feed_remove_one} (die Nummer "
            "aus {feed_list})."
        ),
        not_a_number=(
            "„{value}“ ist keine Nummer. Schreib {feed_remove_help} mit der Nummer aus "
            "{feed_list}, etwa {feed_remove_one}."
        ),
        none="Noch kein Feed. Einen hinzufügen: {feed_add_url}",
        no_such=(
            "Einen Feed Nummer {number} gibt es nicht. {feed_list} zeigt die Feeds mit Nummern."
        ),
        heading="Feeds:",
        line=(
            "{number}. {name}: alle {interval}; zuletzt abgerufen {last}; {count} Artikel; {status}"
        ),
        not_fetched="noch nicht",
        healthy="in Ordnung",
        not_allowed=(
            "Feeds darfst du nicht ändern; frag jemanden, der den Kanal verwaltet. {feed_list} "
            "geht für alle."
        ),
        problems={
            "bad_url": "Fehler: die Adresse ist keine http(s)-Adresse",
            "blocked": (
                "Fehler: die Adresse führt ins lokale oder private Netz ({detail}), das rufe ich "
                "nicht ab (NEWSDESK_FEEDS_ALLOW_PRIVATE erlaubt es)"
            ),
            "not_found": "Fehler: die Seite gibt es nicht (HTTP {detail}); prüf die Adresse",
            "http_error": "Fehler: der Server antwortet mit HTTP {detail}; ich versuche es wieder",
            "rate_limited": (
                "Fehler: der Server bittet um Pause (Retry-After {detail} s); ich warte so lange"
            ),
            "timeout": "Fehler: der Server antwortet nicht rechtzeitig; ich versuche es wieder",
            "tls": "Fehler: die TLS-Verbindung ist gescheitert (Zertifikat ungültig?)",
            "connection": "Fehler: keine Verbindung zum Server (Name unbekannt oder abgelehnt)",
            "too_large": "Fehler: die Antwort ist größer als {detail} Bytes",
            "too_many_redirects": "Fehler: mehr als {detail} Weiterleitungen",
            "not_utf8": "Fehler: der Feed ist nicht gültiges UTF-8",
            "not_a_feed": "Fehler: unter der Adresse steht kein RSS- oder Atom-Feed",
            "internal": "Fehler: beim Abruf ist bei mir etwas schiefgegangen (siehe Log)",
        },
        units={"m": ("Minute", "Minuten"), "h": ("Stunde", "Stunden"), "d": ("Tag", "Tage")},
    ),
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
    quoted_in_other_language="The source is in German; quoted as written.",
    thanks_reply="You're welcome! Ask me about the articles any time.",
    greeting_reply=(
        "Hi! I answer questions about the archive's {count} articles, for example: "
        f"{EXAMPLE_QUESTION}"
    ),
    no_answer=(
        "I found nothing relevant to that in the archive's {count} articles. "
        "Try other keywords such as companies, people or products, "
        "or use {sources} to see which articles I know."
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
        "feed add <url> [every 30m], feed list, feed remove <number>: feeds that fill the archive",
        "help: this help",
    ),
    help_lines_slack=(
        f"/ask <question>: an answer only you see, for example /ask {EXAMPLE_QUESTION}",
        "@newsdesk <question>: an answer for everyone, in a thread; there I answer without a "
        "mention too",
        "/ask sources [page]: the articles I know, newest first",
        "/digest help: digests of new articles, also on a schedule",
        "/feed add <url> [every 30m], /feed list, /feed remove <number>: feeds that fill the "
        "archive",
        "/ask help: this help",
    ),
    help_lines_discord=(
        f"/ask question: <question>: an answer from the archive, for example {EXAMPLE_QUESTION} "
        "(private: True: only you see it)",
        "@newsdesk <question>: an answer as a reply to your message",
        "/sources [page]: the articles I know, newest first",
        "/digest now, /digest subscribe, /digest list, /digest unsubscribe: digests of new "
        "articles, also on a schedule",
        "/feed add url: <url> [every: 30m], /feed list, /feed remove number: <number>: feeds "
        "that fill the archive",
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
        "{now_help}: the latest articles (or those on a topic), right here",
        "{subscribe_help}: regularly, e.g. {subscribe_topic}",
        "Schedules: daily 08:00, every weekday at 9am, mondays 08:00, every 6h or cron "
        "(30 9 * * 1-5); time zone by name or city: in Europe/Berlin, in Berlin",
        "{list}: this channel's subscriptions, numbered; {unsubscribe_one} (or {unsubscribe_all}):"
        " end",
    ),
    digest_unknown="I don't know “digest {word}”.",
    subscribed="Subscribed: {schedule}.",
    subscribed_topic="Subscribed: {schedule}, on “{topic}”.",
    next_runs="Next digests: {runs}.",
    unsubscribed="Ended all {count} digest subscriptions in this channel.",
    unsubscribed_one="Ended: {subscription}.",
    unsubscribe_which=(
        "This channel has {count} digest subscriptions. Which one should end? Type"
        " {unsubscribe_one} (the number from the list) or {unsubscribe_all}."
    ),
    no_such_subscription=(
        "There is no subscription number {number} here. {list} shows this channel's"
        " subscriptions with their numbers."
    ),
    subscription_exists="This channel already has this subscription: {subscription}.",
    no_subscriptions=("This channel has no digest subscription. Create one: {subscribe_short}"),
    subscriptions_heading="Digest subscriptions in this channel:",
    subscription_line="{schedule}{topic}: next {next}, last {last}, {status}",
    topic_suffix=" on “{topic}”",
    never="none yet",
    healthy="working",
    not_allowed=(
        "You may not change this channel's digest subscriptions. Ask someone who manages the "
        "channel; {list} and {now} work for everyone."
    ),
    digests_unavailable="Digests are not set up here.",
    schedule_errors={
        "empty": "Tell me when the digest should come.",
        "schedule": "I don't understand the schedule “{value}”.",
        "time": "There is no time “{value}”; write it as HH:MM, e.g. 08:00.",
        "no_time": "“{value}” needs a time of day, e.g. “{value} at 08:00”.",
        "timezone": (
            "I don't know the time zone “{value}”; use an IANA name such as Europe/Berlin or "
            "America/New_York, or a city such as Berlin."
        ),
        "ambiguous_timezone": (
            "“{value}” matches several time zones: {choices}. Type the full name."
        ),
        "interval": (
            "The interval “{value}” does not divide the day evenly; use 1, 2, 3, 4, 6, 8 or 12 "
            "hours or 5, 10, 15, 20 or 30 minutes."
        ),
    },
    schedule_example="For example: {subscribe}",
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
    commands=_commands(
        "weekdays 09:30",
        when="schedule",
        zone="timezone",
        topic="topic",
        number="number",
        url="url",
    ),
    feed=FeedPhrases(
        help=(
            "Feeds fill the archive: new articles from RSS and Atom feeds, with their full text:",
            "{feed_add_help}: follow a feed, e.g. {feed_add_example} (default: {default})",
            "{feed_list}: the feeds, numbered, with last fetch, error and article count",
            "{feed_remove_help}: stop a feed (its articles stay in the archive)",
        ),
        unknown="I don't know “feed {word}”.",
        added=(
            "Feed {number} added: {url}, fetched every {interval}. The first fetch follows "
            "shortly; {feed_list} shows how it went."
        ),
        exists="That feed is there already: number {number} in {feed_list}.",
        bad_url=(
            "“{url}” is not a feed address I can fetch: it must start with http:// or https:// "
            "and name a host, for example {feed_add_url}"
        ),
        bad_interval=(
            "I don't understand the interval “{value}”: write every and a duration between "
            "5 minutes and 7 days, such as every 30m, every 2h or every 1d."
        ),
        removed="Feed stopped: {url} (its {count} articles stay in the archive).",
        remove_which=(
            "There are {count} feeds. Which one should stop? Write {feed_remove_one} (the number "
            "from {feed_list})."
        ),
        not_a_number=(
            "“{value}” is not a number. Write {feed_remove_help} with the number from "
            "{feed_list}, e.g. {feed_remove_one}."
        ),
        none="No feeds yet. Add one: {feed_add_url}",
        no_such="There is no feed number {number}. {feed_list} shows the feeds with their numbers.",
        heading="Feeds:",
        line="{number}. {name}: every {interval}; last fetched {last}; {count} articles; {status}",
        not_fetched="not yet",
        healthy="healthy",
        not_allowed=(
            "You may not change the feeds; ask someone who manages the channel. {feed_list} "
            "works for everyone."
        ),
        problems={
            "bad_url": "error: the address is not an http(s) address",
            "blocked": (
                "error: the address leads to a local or private network ({detail}), which I do "
                "not fetch (NEWSDESK_FEEDS_ALLOW_PRIVATE allows it)"
            ),
            "not_found": "error: the page does not exist (HTTP {detail}); check the address",
            "http_error": "error: the server answers HTTP {detail}; I will try again",
            "rate_limited": (
                "error: the server asks for a pause (Retry-After {detail} s); I wait that long"
            ),
            "timeout": "error: the server did not answer in time; I will try again",
            "tls": "error: the TLS connection failed (an invalid certificate?)",
            "connection": "error: no connection to the server (unknown name or refused)",
            "too_large": "error: the response is larger than {detail} bytes",
            "too_many_redirects": "error: more than {detail} redirects",
            "not_utf8": "error: the feed is not valid UTF-8",
            "not_a_feed": "error: there is no RSS or Atom feed at that address",
            "internal": "error: something went wrong on my side while fetching (see the log)",
        },
        units={"m": ("minute", "minutes"), "h": ("hour", "hours"), "d": ("day", "days")},
    ),
)


def phrasebook(language: Language) -> Phrasebook:
    """Return the phrasebook for a language setting."""
    return GERMAN if language == "de" else ENGLISH

"""Digests: which articles a channel gets next, as pure functions over values.

A digest holds the articles new to a channel, that is, not yet recorded as sent to it:

- **Order.** With a topic, articles are ranked by relevance to it (the question-relevance
  measure of :mod:`knowledge.matching`, with the same floor, so unrelated articles stay out);
  without one, newest first (publication date, then article id).
- **Size.** Up to ``max_items`` articles in full (title, publisher, date, a 2-3 sentence
  summary); more new articles are listed by title in one "and N more" line, as many as fit
  ``more_chars`` (:func:`fit_more`) whole on every platform, so every article in the digest has
  really been shown to the channel; the rest stay unsent for the next digest.
- **First digest.** A channel's first digest shows the latest ``first_run_items`` articles, not
  the whole archive; the older ones are named as a count ("N older articles are in the archive")
  and recorded as delivered, so they do not trickle in later.
- **Nothing new.** No digest at all (the loop posts nothing unless told to say "nothing new").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.phrases import Phrasebook
from bot.replies import Digest, DigestItem, Paragraph, Reply, ReplyKind, Span, paragraph
from knowledge import Article, KnowledgeBase, relevance

__all__ = [
    "ArchiveDigests",
    "Digest",
    "DigestItem",
    "DigestPolicy",
    "digest_reply",
    "fit_more",
    "rendered_bound",
    "select_articles",
    "topic_scores",
]


@dataclass(frozen=True, slots=True)
class DigestPolicy:
    """How big a digest is."""

    max_items: int = 5
    first_run_items: int = 3
    more_chars: int = 1200  # the "more" line's titles, as measured by :func:`rendered_bound`


def rendered_bound(text: str) -> int:
    """An upper bound of ``text``'s length once any adapter has escaped it.

    Slack turns ``&`` into ``&amp;`` (5 characters), Discord puts a backslash before markdown
    characters (2): counting every character that is neither a letter, a digit nor a space as 5
    bounds both.
    """
    return sum(1 if c.isalnum() or c == " " else 5 for c in text)


def fit_more(more: Sequence[tuple[str, str]], budget: int) -> tuple[tuple[str, str], ...]:
    """The leading ``(article_id, title)`` pairs whose "; "-joined titles fit ``budget``.

    The core fits the "more" line before it records a delivery, so every title recorded as sent
    is shown whole on every platform; what does not fit stays unsent for the next digest.
    """
    kept: list[tuple[str, str]] = []
    used = 0
    for article_id, title in more:
        size = rendered_bound(title) + (2 if kept else 0)
        if used + size > budget:
            break
        kept.append((article_id, title))
        used += size
    return tuple(kept)


def _newest_first(article: Article) -> tuple[dt.date, str]:
    return (article.published or dt.date.min, article.id)


def select_articles(
    articles: Sequence[Article],
    sent: frozenset[str],
    *,
    topic_scores: Mapping[str, float] | None = None,
    first_run: bool = False,
    since: dt.date | None = None,
    policy: DigestPolicy | None = None,
) -> tuple[list[Article], list[Article], list[Article]]:
    """Choose a digest's articles: (shown in full, listed in the "more" line, older).

    Args:
        articles: The archive's articles.
        sent: Ids already delivered to this channel.
        topic_scores: With a topic, the relevant articles' scores (others are left out).
        first_run: The channel has never had a digest.
        since: Only articles published on or after this date (undated ones are left out).
        policy: Sizes.
    """
    policy = policy or DigestPolicy()
    new = sorted((a for a in articles if a.id not in sent), key=_newest_first, reverse=True)
    if since is not None:
        new = [a for a in new if a.published is not None and a.published >= since]
    if topic_scores is not None:  # by relevance, newest first among equals (a stable sort)
        new = sorted((a for a in new if a.id in topic_scores), key=lambda a: -topic_scores[a.id])
    if first_run:
        return new[: policy.first_run_items], [], new[policy.first_run_items :]
    return new[: policy.max_items], new[policy.max_items :], []


def topic_scores(knowledge: KnowledgeBase, topic: str, *, floor: float) -> dict[str, float]:
    """Articles about a topic, scored by the summed BM25 of their passages that cover it.

    A passage counts when its relevance to the topic reaches ``floor``: the measure and threshold
    that decide whether a question is answered (``docs/RELEVANCE.md``). Summing favours articles
    that are about the topic throughout over those that mention it once.
    """
    query = knowledge.parse_query(topic)
    scores: dict[str, float] = {}
    for hit in knowledge.search(query, k=200):
        if relevance(query, knowledge.matches(hit.passage.text, query)) >= floor:
            scores[hit.article.id] = scores.get(hit.article.id, 0.0) + hit.score
    return scores


_TRIMMED = " ,;:–—-"  # what knowledge.metadata.shorten strips before its "…"


def continue_after_title(title: str, summary: tuple[str, ...]) -> tuple[str, ...]:
    """The summary without repeating its title.

    A headline-less article's title is its opening sentence, shortened with "…"
    (:func:`knowledge.metadata.derive_title`). When the summary opens with that sentence, it
    continues after the title ("…gestaltet, hat Microsoft …") instead of saying it twice; a
    title that is the whole first sentence drops that sentence, unless nothing else is left.
    """
    if not summary:
        return summary
    first = " ".join(summary[0].split())
    if title.endswith("…") and (stem := title[:-1]) and first.startswith(stem):
        if rest := first[len(stem) :].lstrip(_TRIMMED):
            return (f"…{rest}", *summary[1:])
    elif first == title and len(summary) > 1:
        return summary[1:]
    return summary


class ArchiveDigests:
    """Composes digests from the current archive (it may change while the bot runs)."""

    def __init__(
        self,
        knowledge: Callable[[], KnowledgeBase],
        *,
        floor: float,
        policy: DigestPolicy | None = None,
    ) -> None:
        """Compose from ``knowledge()`` (called anew each time) with a topic relevance floor."""
        self._knowledge = knowledge
        self._floor = floor
        self.policy = policy or DigestPolicy()

    def _item(self, knowledge: KnowledgeBase, article: Article) -> DigestItem:
        summary = continue_after_title(article.title, knowledge.summary(article.id))
        return DigestItem(
            article.id, article.title, article.source, article.published, summary, article.url
        )

    def latest(self, topic: str | None = None, *, since: dt.date | None = None) -> Digest:
        """The newest articles (or the most relevant to ``topic``), for ``digest now``."""
        return self.compose_for(topic, frozenset(), first_run=False, with_more=False, since=since)

    def compose_for(
        self,
        topic: str | None,
        sent: frozenset[str],
        *,
        first_run: bool,
        with_more: bool = True,
        since: dt.date | None = None,
    ) -> Digest:
        """The digest of what has not been sent yet (see the module docstring)."""
        knowledge = self._knowledge()
        scores = topic_scores(knowledge, topic, floor=self._floor) if topic else None
        shown, more, older = select_articles(
            knowledge.articles,
            sent,
            topic_scores=scores,
            first_run=first_run,
            since=since,
            policy=self.policy,
        )
        return Digest(
            items=tuple(self._item(knowledge, a) for a in shown),
            more=fit_more([(a.id, a.title) for a in more], self.policy.more_chars)
            if with_more
            else (),
            older=tuple(a.id for a in older),
            topic=topic,
        )

    def resend(self, article_ids: Sequence[str]) -> Digest | None:
        """The digest of exactly these articles (a delivery to repeat after a restart)."""
        knowledge = self._knowledge()
        known = [knowledge.article(i) for i in article_ids if knowledge.has_article(i)]
        if not known:
            return None
        shown, more = known[: self.policy.max_items], known[self.policy.max_items :]
        return Digest(
            items=tuple(self._item(knowledge, a) for a in shown),
            more=fit_more([(a.id, a.title) for a in more], self.policy.more_chars),
        )


def digest_reply(digest: Digest, phrases: Phrasebook) -> Reply:
    """Render a digest as neutral paragraphs (adapters may use ``Reply.digest`` for more)."""
    heading = (
        phrases.digest_heading_topic.format(topic=digest.topic)
        if digest.topic
        else phrases.digest_heading
    )
    paragraphs: list[Paragraph] = [paragraph(Span(heading, "emphasis"))]
    for item in digest.items:
        details = phrases.details(item.publisher, item.published)
        paragraphs.append(
            paragraph(
                Span(item.title, "emphasis"),
                f" ({details})\n" if details else "\n",
                " ".join(item.summary),
            )
        )
    if digest.more:
        titles = "; ".join(title for _, title in digest.more)
        paragraphs.append(paragraph(phrases.digest_more.format(titles=titles)))
    if digest.older:
        paragraphs.append(paragraph(phrases.digest_older.format(count=len(digest.older))))
    if digest.empty:
        paragraphs = [paragraph(phrases.digest_nothing_new)]
    return Reply(tuple(paragraphs), kind=ReplyKind.DIGEST, digest=digest)

"""The platform-neutral core: one ``handle(text) -> Reply`` for every adapter.

The core returns values and never sends. It cleans what a person typed, answers a clear sentence
to every bad input (empty, emoji only, filler words only, an over-long paste), and otherwise asks
the knowledge base and composes the answer.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Sequence
from typing import assert_never

from bot.answers import AnswerPolicy, compose_answer
from bot.archive import Archive
from bot.commands import (
    Ask,
    DigestHelp,
    DigestList,
    DigestNow,
    DigestSubscribe,
    DigestUnsubscribe,
    FeedAdd,
    FeedHelp,
    FeedList,
    FeedRemove,
    Help,
    ListSources,
    parse_command,
)
from bot.conversation import TURNS, conversation_key, follow_up_text, is_follow_up, turn_of
from bot.courtesy import Courtesy, courtesy_of
from bot.feedback import feedback_report
from bot.feeds import FeedDesk
from bot.phrases import Phrasebook, phrasebook
from bot.questions import clean_question
from bot.replies import Reply, ReplyKind, paragraph
from bot.store import AnsweredQuestion, Destination, StoreError, Turn, require_vote
from bot.subscriptions import DigestDesk, RequestContext
from knowledge import Article, KnowledgeBase
from knowledge.languages import detect_language, text_language

__all__ = ["CONSOLE", "SOURCES_PAGE", "Newsdesk", "newest_first"]

SOURCES_PAGE = 20
"""Articles on one page of ``sources``."""

logger = logging.getLogger(__name__)

#: The console's channel: where the shell's digests go.
CONSOLE = RequestContext(Destination("console", "console"), user="console")


class Newsdesk:
    """Answers questions and commands from a knowledge base, in one language."""

    def __init__(
        self,
        knowledge: KnowledgeBase | Archive,
        phrases: Phrasebook,
        *,
        articles_dir: str = "",
        max_question_chars: int = 500,
        conversation_minutes: int = 120,
        policy: AnswerPolicy | None = None,
        desk: DigestDesk | None = None,
        feeds: FeedDesk | None = None,
    ) -> None:
        """Wire the core; ``bot.wiring.build_newsdesk`` does this from settings."""
        self.conversation_minutes = conversation_minutes
        self.archive = knowledge if isinstance(knowledge, Archive) else Archive(knowledge)
        self.phrases = phrases
        self.desk = desk
        self.feeds = feeds
        self.articles_dir = articles_dir
        self.max_question_chars = max_question_chars
        self.policy = policy or AnswerPolicy()

    @property
    def knowledge(self) -> KnowledgeBase:
        """The current knowledge base (it changes when articles are added)."""
        return self.archive.current

    def handle(self, text: str, context: RequestContext | None = None) -> Reply:
        """Answer one message in the command grammar (help, sources, digest ..., a question).

        Never raises: an unexpected failure is logged for operators and answered with a
        sentence, so no chat user is left without a reply.

        Args:
            text: What the person typed (a mention of the bot already removed).
            context: The channel and author; the console's when omitted.
        """
        try:
            return self._dispatch(text, context)
        except Exception:
            logger.exception("could not answer a message of %d characters", len(text))
            return _problem(self.phrases.internal_error)

    def _dispatch(self, text: str, context: RequestContext | None) -> Reply:  # noqa: PLR0911
        match parse_command(text):
            case Help():
                return self.help(context.destination.platform if context else None)
            case ListSources(page):
                return self.list_sources(page)
            case Ask(question):
                earlier = self.earlier_turns(context)
                platform = context.destination.platform if context else None
                reply = self._ask(question, earlier, platform)
                self.record_turn(context, reply, earlier)
                return reply
            case (
                DigestNow() | DigestSubscribe() | DigestUnsubscribe() | DigestList() | DigestHelp()
            ) as command:
                if self.desk is None:
                    return _problem(self.phrases.digests_unavailable)
                try:
                    return self.desk.handle(command, context or CONSOLE)
                except StoreError as error:
                    return self._store_failed(error)
            case FeedAdd() | FeedList() | FeedRemove() | FeedHelp() as command:
                if self.feeds is None:
                    return _problem(self.phrases.digests_unavailable)
                where = context or CONSOLE
                try:
                    return self.feeds.handle(
                        command, may_manage=where.may_manage, added_by=where.destination
                    )
                except StoreError as error:
                    return self._store_failed(error)
            case unknown:
                assert_never(unknown)

    def ask(
        self, question: str, earlier: Sequence[Turn] = (), platform: str | None = None
    ) -> Reply:
        """Answer a question from the archive, or say clearly why not (never raises).

        Args:
            question: What was asked.
            earlier: The thread's earlier turns (:meth:`earlier_turns`): a follow-up is read
                with them (:mod:`bot.conversation`).
            platform: The asker's platform, for the syntax of commands the reply suggests.
        """
        try:
            return self._ask(question, earlier, platform)
        except Exception:
            logger.exception("could not answer a question of %d characters", len(question))
            return _problem(self.phrases.internal_error)

    def earlier_turns(self, context: RequestContext | None) -> tuple[Turn, ...]:
        """The last few turns of the thread ``context`` is in, within the expiry (else none).

        A failing store is logged and the question is read on its own.
        """
        if context is None or context.thread is None or self.desk is None:
            return ()
        if self.conversation_minutes <= 0:
            return ()
        key = conversation_key(context.destination, context.follows or context.thread)
        since = self.desk.clock() - dt.timedelta(minutes=self.conversation_minutes)
        try:
            return tuple(self.desk.store.recent_turns(key, since=since, limit=TURNS))
        except StoreError as error:
            logger.warning("could not read the conversation, answering on its own: %s", error)
            return ()

    def record_turn(
        self, context: RequestContext | None, reply: Reply, earlier: Sequence[Turn] = ()
    ) -> None:
        """Keep an answered question as its thread's latest turn (and forget expired turns).

        When the message continues a conversation under a new name (``context.follows``), the
        ``earlier`` turns it was read with are kept under that name first.
        """
        if context is None or context.thread is None or self.desk is None:
            return
        if self.conversation_minutes <= 0 or reply.kind is ReplyKind.PROBLEM or not reply.question:
            return
        now = self.desk.clock()
        key = conversation_key(context.destination, context.thread)
        try:
            moved = earlier if context.follows not in (None, context.thread) else ()
            for turn in (*moved, turn_of(reply.question, reply)):
                self.desk.store.record_turn(key, turn, now)
            self.desk.store.forget_turns(now - dt.timedelta(minutes=self.conversation_minutes))
        except StoreError as error:
            logger.warning("could not keep the conversation: %s", error)

    def in_conversation(self, context: RequestContext) -> bool:
        """Whether ``context``'s thread is one the bot answered in, within the expiry."""
        return bool(self.earlier_turns(context))

    def _ask(
        self, question: str, earlier: Sequence[Turn] = (), platform: str | None = None
    ) -> Reply:
        phrases = self.phrases
        clean = clean_question(question, max_chars=self.max_question_chars)
        notices: tuple[str, ...] = (
            (phrases.shortened.format(length=clean.original_length, limit=self.max_question_chars),)
            if clean.shortened
            else ()
        )
        if not clean.text:
            return _problem(phrases.empty)
        knowledge = self.knowledge  # one snapshot per question, even if the archive is refreshed
        if not knowledge.articles:
            return _problem(phrases.empty_archive.format(directory=self.articles_dir))
        if (courtesy := courtesy_of(clean.text)) is not None:
            return _courtesy_reply(courtesy, clean.text, len(knowledge.articles), self.phrases)
        query = knowledge.parse_query(clean.text)
        searched = clean.text
        if earlier and is_follow_up(clean.text, len(query.words)):
            searched = follow_up_text(clean.text, earlier)
            query = knowledge.parse_query(searched)
        if not query.words:
            if not query.stopwords:
                return _problem(phrases.no_words)
            shown = ", ".join(dict.fromkeys(query.stopwords))
            return _problem(phrases.only_stopwords.format(words=shown))
        if query.corrections:
            words = ", ".join(dict.fromkeys(c.meant for c in query.corrections))
            notices += (phrasebook(query.language).corrected.format(words=words),)
        meaning = None if knowledge.meaning is None else knowledge.meaning.read(searched)
        reply = compose_answer(
            query,
            knowledge.search(query, k=10, meaning=meaning),
            knowledge.matches,
            phrases,
            archive_size=len(knowledge.articles),
            policy=self.policy,
            similarity=None if meaning is None else meaning.best,
            closeness=None if meaning is None else meaning.similarity,
            platform=platform,
        )
        if reply.sources and all(
            text_language(source.passage) != query.language for source in reply.sources
        ):
            notices += (phrasebook(query.language).quoted_in_other_language,)
        return Reply(reply.paragraphs, reply.kind, reply.sources, clean.text, notices)

    def warm_up(self) -> None:
        """Load what the first question would otherwise wait for (word frequencies, caches)."""
        self.ask("Wie viel bot Musk für OpenAI?")

    def digest_now(self, topic: str | None = None, *, since: dt.date | None = None) -> Reply:
        """The latest articles (or those about a topic, or published since a date), now."""
        if self.desk is None:
            return _problem(self.phrases.digests_unavailable)
        return self.desk.now(topic, since=since)

    def remember_answer(self, reply: Reply, platform: str) -> str | None:
        """Give an answer people may vote on its id, and keep what it was about in the store.

        Returns None for a reply that is not an answer (help, lists, problems, digests). A store
        that fails is logged; the id is still given (its votes then lack the question).
        """
        if reply.kind not in (ReplyKind.ANSWER, ReplyKind.NO_ANSWER) or reply.digest is not None:
            return None
        answer_id = secrets.token_hex(8)
        if self.desk is not None:
            answered = AnsweredQuestion(
                answer_id=answer_id,
                platform=platform,
                question=reply.question or "",
                article_ids=tuple(source.article_id for source in reply.sources),
                answered_at=self.desk.clock(),
            )
            try:
                self.desk.store.record_answer(answered)
            except StoreError as error:
                logger.warning("could not keep answer %s for its votes: %s", answer_id, error)
        return answer_id

    def feedback_report(self) -> list[str]:
        """``newsdesk feedback``: votes per question and the worst-rated answers.

        Raises:
            StoreError: the store cannot be read.
        """
        if self.desk is None:
            return [self.phrases.digests_unavailable]
        knowledge = self.knowledge

        def title(article_id: str) -> str | None:
            if not knowledge.has_article(article_id):
                return None
            return knowledge.article(article_id).title

        return feedback_report(self.desk.store.feedback(), title)

    def record_feedback(self, answer_id: str, user: str, vote: str) -> Reply:
        """Record a 👍 (``"up"``) or 👎 (``"down"``) on an answer and thank the voter.

        A second vote by the same user on the same answer replaces the first.
        """
        if self.desk is None:
            return _problem(self.phrases.digests_unavailable)
        checked = require_vote(vote)
        try:
            self.desk.store.record_vote(answer_id, user, checked, self.desk.clock())
        except StoreError as error:
            return self._store_failed(error)
        thanks = (
            self.phrases.feedback_thanks if checked == "up" else self.phrases.feedback_thanks_down
        )
        return Reply.info(thanks)

    def _store_failed(self, error: StoreError) -> Reply:
        """The store failed: operators get the cause, the user a sentence; answers carry on."""
        logger.warning("the store failed, digests and votes are unavailable: %s", error)
        return _problem(self.phrases.store_unavailable)

    def help(self, platform: str | None = None) -> Reply:
        """What the bot understands, with an example, in the syntax of the asker's platform.

        Args:
            platform: ``"slack"`` or ``"discord"`` for their slash commands; anything else
                (the console) gets the plain command grammar.
        """
        intro = self.phrases.help_intro.format(count=len(self.knowledge.articles))
        lines = {
            "slack": self.phrases.help_lines_slack,
            "discord": self.phrases.help_lines_discord,
        }.get(platform or "", self.phrases.help_lines)
        return Reply.info(intro, *(f"• {line}" for line in lines))

    def list_sources(self, page: int = 1) -> Reply:
        """One page of the indexed articles, newest first: title, then publisher and date.

        Pages hold :data:`SOURCES_PAGE` articles; undated articles come last, ties by id. A
        page past the end gets a sentence saying how many pages there are.
        """
        articles = self.knowledge.articles
        count, pages = len(articles), max(1, -(-len(articles) // SOURCES_PAGE))
        if not 1 <= page <= pages:
            return _problem(
                self.phrases.sources_no_page.format(page=page, count=count, pages=pages)
            )
        if pages == 1:
            lines = [self.phrases.sources_intro.format(count=count)]
        else:
            following = page + 1 if page < pages else 1
            intro = self.phrases.sources_page
            lines = [intro.format(count=count, page=page, pages=pages, next=following)]
        for article in newest_first(articles, page, SOURCES_PAGE):
            details = self.phrases.details(article.source, article.published)
            lines.append(f"• {article.title} ({details})" if details else f"• {article.title}")
        return Reply.info(*lines)

    def greeting(self) -> str:
        """The console's first line."""
        return self.phrases.greeting.format(count=len(self.knowledge.articles))

    def index_summary(self) -> str:
        """One line on the index: articles, passages, skipped files, cache use."""
        kb = self.knowledge
        how = "reused from cache" if kb.loaded_from_cache else f"built in {kb.build_seconds:.2f} s"
        return (
            f"{len(kb.articles)} articles, {len(kb.passages)} passages, "
            f"{len(kb.skipped)} files skipped; index {how}."
        )


def _courtesy_reply(courtesy: Courtesy, text: str, count: int, phrases: Phrasebook) -> Reply:
    """Answer thanks or a greeting in the language it came in (else the bot's own)."""
    words = [w.casefold() for w in text.split()]
    language = detect_language(words, "en" if phrases is phrasebook("en") else "de")
    own = phrasebook(language)
    sentence = own.thanks_reply if courtesy == "thanks" else own.greeting_reply
    return Reply((paragraph(sentence.format(count=count)),), kind=ReplyKind.INFO, question=text)


def newest_first(articles: Sequence[Article], page: int, size: int) -> list[Article]:
    """Page ``page`` (from 1) of ``size`` articles, newest first, undated last, ties by id."""
    dated = sorted((a for a in articles if a.published), key=lambda a: a.id)
    dated.sort(key=lambda a: a.published or dt.date.min, reverse=True)
    undated = [a for a in articles if not a.published]
    ordered = dated + sorted(undated, key=lambda a: a.id)
    return ordered[(page - 1) * size : page * size]


def _problem(sentence: str) -> Reply:
    return Reply((paragraph(sentence),), kind=ReplyKind.PROBLEM)

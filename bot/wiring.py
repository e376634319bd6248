"""The one place that builds the concrete parts from settings."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.answer_eval import AnswerReport, AnswerSetError, evaluate_answers, load_answer_set
from bot.answers import AnswerPolicy
from bot.archive import Archive
from bot.core import Newsdesk
from bot.delivery import SystemClock
from bot.digest import ArchiveDigests, DigestPolicy
from bot.errors import ArchiveError, EvalFileError
from bot.feed_port import FeedSource
from bot.feeds import FeedDesk
from bot.ingestion import ArticleWriter, FeedLoop, feed_policy
from bot.phrases import phrasebook
from bot.postgres_store import PostgresStore, redact
from bot.settings import Settings
from bot.sqlite_store import SqliteStore
from bot.store import Store, StoreError
from bot.subscriptions import DigestDesk
from knowledge import (
    ArticleError,
    Bm25Params,
    EvalResult,
    GermanAnalyzer,
    KnowledgeBase,
    SearchIndex,
    SquadFormatError,
    bundled_encoder,
    evaluate,
    load_articles,
    load_questions,
    load_squad,
    meaning_of_contexts,
    with_questions,
)
from knowledge.base import cache_key

__all__ = [
    "FeedTools",
    "LazyStore",
    "backup_store",
    "build_feeds",
    "build_newsdesk",
    "evaluate_retrieval",
    "open_store",
    "store_name",
]

Progress = Callable[[str], None]


def _params(settings: Settings) -> Bm25Params:
    return Bm25Params(k1=settings.bm25_k1, b=settings.bm25_b)


def open_store(settings: Settings) -> Store:
    """Open the configured store: PostgreSQL with ``NEWSDESK_DATABASE_URL``, else SQLite.

    Raises:
        StoreError: the store cannot be opened (the message never holds a password).
    """
    if settings.database_url is not None:
        return PostgresStore(settings.database_url.get_secret_value())
    return SqliteStore(settings.store_path)


def store_name(settings: Settings) -> str:
    """The configured store as an operator reads it: the redacted URL or the SQLite file."""
    if settings.database_url is not None:
        return redact(settings.database_url.get_secret_value())
    return str(settings.store_path)


class LazyStore:
    """Opens the store on first use, so commands that need none never create it."""

    def __init__(self, opener: Path | Callable[[], Store]) -> None:
        """Remember how to open the store: a SQLite file's path, or a function opening one."""
        self.opener = opener
        self._store: Store | None = None

    def __call__(self) -> Store:
        """The open store."""
        if self._store is None:
            opener = self.opener
            self._store = SqliteStore(opener) if isinstance(opener, Path) else opener()
        return self._store

    def close(self) -> None:
        """Close the store if it was opened."""
        if self._store is not None:
            self._store.close()
            self._store = None


def build_newsdesk(
    settings: Settings,
    *,
    progress: Progress | None = None,
    rebuild: bool = False,
    merge: bool = False,
    store: Callable[[], Store] | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> Newsdesk:
    """Open the knowledge base (reusing the saved index) and build the core.

    Args:
        settings: The settings.
        progress: Called with progress lines while the archive is loaded.
        rebuild: Ignore the saved index.
        merge: Build the whole index when it is stale (``newsdesk index``) instead of searching
            the changed articles in a delta segment beside it.
        store: The store to use (default: the SQLite file in the data folder, opened lazily).
        clock: The current time, aware (default: the system clock in UTC).

    Raises:
        ArchiveError: the articles folder is missing or unreadable.
    """

    def reopen(
        rebuild: bool = False, say: Progress | None = None, merge: bool = False
    ) -> KnowledgeBase:
        try:
            return KnowledgeBase.open(
                settings.articles_dir,
                settings.index_dir,
                params=_params(settings),
                rebuild=rebuild,
                progress=say,
                encoder=bundled_encoder() if settings.multilingual else None,
                also=(settings.feeds_dir,),
                delta=not merge,
            )
        except ArticleError as error:
            message = f"{error} Set NEWSDESK_ARTICLES_DIR to a folder of articles."
            raise ArchiveError(message) from None

    archive = Archive(
        reopen(rebuild, progress, merge),
        folder=settings.articles_dir,
        reopen=reopen,
        also=(settings.feeds_dir,),
    )
    phrases = phrasebook(settings.language)
    digests = ArchiveDigests(
        lambda: archive.current,
        floor=settings.min_relevance,
        policy=DigestPolicy(settings.digest_max_items, settings.digest_first_run_items),
    )
    opened = store or LazyStore(lambda: open_store(settings))
    now = clock or (lambda: dt.datetime.now(dt.UTC))
    feeds = FeedDesk(
        opened,
        phrases,
        default_interval=settings.feeds_interval_minutes,
        timezone=settings.timezone,
        clock=now,
    )
    desk = DigestDesk(
        opened,
        digests,
        phrases,
        language=settings.language,
        default_timezone=settings.timezone,
        clock=now,
    )
    return Newsdesk(
        archive,
        phrases,
        articles_dir=str(settings.articles_dir),
        max_question_chars=settings.max_question_chars,
        conversation_minutes=settings.conversation_minutes,
        policy=AnswerPolicy(
            min_relevance=settings.min_relevance, min_similarity=settings.min_similarity
        ),
        desk=desk,
        feeds=feeds,
    )


@dataclass(frozen=True, slots=True)
class FeedTools:
    """What ``newsdesk feeds`` needs, without an archive: the store, the commands, the loop."""

    store: LazyStore
    desk: FeedDesk
    loop: FeedLoop | None

    def close(self) -> None:
        """Close the store."""
        self.store.close()


def build_feeds(settings: Settings, source: FeedSource | None = None) -> FeedTools:
    """The feed commands over the store, and with ``source`` the loop that fetches."""
    store = LazyStore(settings.store_path)
    desk = FeedDesk(
        store,
        phrasebook(settings.language),
        default_interval=settings.feeds_interval_minutes,
        timezone=settings.timezone,
        clock=lambda: dt.datetime.now(dt.UTC),
    )
    loop = (
        None
        if source is None
        else FeedLoop(
            store(), source, ArticleWriter(settings.feeds_dir), SystemClock(), feed_policy(settings)
        )
    )
    return FeedTools(store, desk, loop)


def backup_store(settings: Settings, target: Path) -> None:
    """Copy the store to ``target`` (SQLite's online backup API; safe while the bot runs).

    Raises:
        StoreError: ``target`` exists, the store is damaged (checked on open), or the copy fails.
    """
    if settings.database_url is not None:
        raise StoreError(
            f"The store is the PostgreSQL database {store_name(settings)}: back it up with the"
            ' server\'s tools, e.g. pg_dump --format=custom --file FILE "$NEWSDESK_DATABASE_URL".'
        )
    if target.exists():
        raise StoreError(f"{target} exists already; name a new file for the backup.")
    store = SqliteStore(settings.store_path)
    try:
        store.backup(target)
    finally:
        store.close()


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One line of ``newsdesk check``: what was checked, whether it is sound, and the detail."""

    part: str
    ok: bool
    detail: str


def check_installation(settings: Settings) -> list[CheckResult]:
    """Check the article folder, the saved index, the store and the encoder.

    Nothing is built or created; an existing store is opened as the bot opens it (so a missing
    schema migration is applied, as at any start).

    A missing or stale index is sound (it is rebuilt at the next start); a damaged store, or an
    articles folder that is missing or empty, is not.
    """
    results = [CheckResult("settings", True, f"data folder {settings.data_dir}")]
    try:
        loaded = load_articles(settings.articles_dir, also=(settings.feeds_dir,))
    except ArticleError as error:
        return [*results, CheckResult("articles", False, str(error))]
    skipped = f"; {len(loaded.skipped)} files skipped" if loaded.skipped else ""
    results.append(
        CheckResult(
            "articles",
            bool(loaded.articles),
            f"{len(loaded.articles)} articles in {settings.articles_dir}{skipped}",
        )
    )
    key = cache_key(loaded.articles)
    fresh = SearchIndex.load(settings.index_dir, key, GermanAnalyzer(), _params(settings))
    results.append(
        CheckResult(
            "index",
            True,
            f"saved index in {settings.index_dir} is current"
            if fresh is not None
            else f"no current index in {settings.index_dir}: it is rebuilt at the next start",
        )
    )
    if settings.database_url is not None:
        results.append(_check_postgres(settings))
    elif not settings.store_path.exists():
        results.append(CheckResult("store", True, f"{settings.store_path} not created yet"))
    else:
        try:
            SqliteStore(settings.store_path).close()  # opening runs PRAGMA quick_check
            results.append(CheckResult("store", True, f"{settings.store_path} passes quick_check"))
        except StoreError as error:
            results.append(CheckResult("store", False, str(error)))
    installed = bundled_encoder() is not None
    results.append(
        CheckResult(
            "encoder",
            True,
            (
                "multilingual encoder installed"
                if installed
                else "BM25 only (no newsdesk[multilingual])"
            )
            + ("" if settings.multilingual else "; off (NEWSDESK_MULTILINGUAL=false)"),
        )
    )
    return results


def _check_postgres(settings: Settings) -> CheckResult:
    """Connect to the PostgreSQL store (migrating it, as at start-up) and report its schema."""
    try:
        store = open_store(settings)
    except StoreError as error:
        return CheckResult("store", False, str(error))
    try:
        version = store.schema_version() if isinstance(store, PostgresStore) else 0
        detail = f"PostgreSQL {store_name(settings)} answers, schema {version}"
        return CheckResult("store", True, detail)
    except StoreError as error:
        return CheckResult("store", False, str(error))
    finally:
        store.close()


def evaluate_answer_file(path: Path, core: Newsdesk) -> AnswerReport:
    """Ask every question of an answer set (``tests/data/answers_*.json``) and tally the answers.

    Raises:
        EvalFileError: the file is missing, unreadable or not an answer set.
    """
    try:
        answer_set = load_answer_set(path)
    except OSError as error:
        raise EvalFileError(f"Cannot read {path}: {error.strerror or error}.") from None
    except AnswerSetError as error:
        raise EvalFileError(f"{path} is not an answer set: {error}") from None
    return evaluate_answers((*answer_set.answerable, *answer_set.offtopic), core.ask)


def evaluate_retrieval(
    path: Path,
    settings: Settings,
    *,
    questions: Path | None = None,
    measure_gate: bool = True,
    progress: Progress | None = None,
) -> EvalResult:
    """Measure passage retrieval on a SQuAD-format file with the configured analyzer and BM25.

    Args:
        path: The SQuAD file (its contexts are the passages).
        settings: BM25 parameters and the relevance gate.
        questions: A question file asking the file's questions in other words (by id), e.g.
            ``tests/data/germanquad_en.json``; only those questions are asked.
        measure_gate: Also measure how many questions pass ``NEWSDESK_MIN_RELEVANCE``.
        progress: Told what is being done.

    Raises:
        EvalFileError: a file is missing, unreadable or not shaped as it should be.
    """
    say = progress or (lambda _message: None)
    try:
        eval_set = load_squad(path)
    except OSError as error:
        raise EvalFileError(f"Cannot read {path}: {error.strerror or error}.") from None
    except SquadFormatError as error:
        raise EvalFileError(f"{path} is not a SQuAD-format file: {error}") from None
    if questions is not None:
        try:
            eval_set = with_questions(eval_set, load_questions(questions))
        except OSError as error:
            raise EvalFileError(f"Cannot read {questions}: {error.strerror or error}.") from None
        except SquadFormatError as error:
            raise EvalFileError(f"{questions} does not fit {path.name}: {error}") from None
    say(
        f"Indexing {len(eval_set.contexts)} passages, "
        f"then asking {len(eval_set.questions)} questions ..."
    )
    started = time.perf_counter()
    encoder = bundled_encoder() if settings.multilingual else None
    meaning = (
        None
        if encoder is None
        else meaning_of_contexts(eval_set, encoder, settings.data_dir / "eval-vectors", say)
    )
    gate = settings.min_relevance if measure_gate else None
    result = evaluate(
        eval_set,
        GermanAnalyzer(),
        _params(settings),
        gate=gate,
        meaning=meaning,
        min_similarity=settings.min_similarity,
    )
    say(f"Done in {time.perf_counter() - started:.1f} s")
    return result

"""The one place that builds the concrete parts from settings."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from bot.answers import AnswerPolicy
from bot.core import Newsdesk
from bot.errors import ArchiveError, EvalFileError
from bot.phrases import phrasebook
from bot.settings import Settings
from knowledge import (
    ArticleError,
    Bm25Params,
    EvalResult,
    GermanAnalyzer,
    KnowledgeBase,
    SquadFormatError,
    evaluate,
    load_squad,
)

__all__ = ["build_newsdesk", "evaluate_retrieval"]

Progress = Callable[[str], None]


def _params(settings: Settings) -> Bm25Params:
    return Bm25Params(k1=settings.bm25_k1, b=settings.bm25_b)


def build_newsdesk(
    settings: Settings, *, progress: Progress | None = None, rebuild: bool = False
) -> Newsdesk:
    """Open the knowledge base (reusing the saved index) and build the core.

    Raises:
        ArchiveError: the articles folder is missing or unreadable.
    """
    try:
        knowledge = KnowledgeBase.open(
            settings.articles_dir,
            settings.index_dir,
            params=_params(settings),
            rebuild=rebuild,
            progress=progress,
        )
    except ArticleError as error:
        raise ArchiveError(f"{error} Set NEWSDESK_ARTICLES_DIR to a folder of articles.") from None
    return Newsdesk(
        knowledge,
        phrasebook(settings.language),
        articles_dir=str(settings.articles_dir),
        max_question_chars=settings.max_question_chars,
        policy=AnswerPolicy(min_relevance=settings.min_relevance),
    )


def evaluate_retrieval(
    path: Path, settings: Settings, *, progress: Progress | None = None
) -> EvalResult:
    """Measure passage retrieval on a SQuAD-format file with the configured analyzer and BM25.

    Raises:
        EvalFileError: the file is missing, unreadable or not SQuAD-shaped.
    """
    say = progress or (lambda _message: None)
    try:
        eval_set = load_squad(path)
    except OSError as error:
        raise EvalFileError(f"Cannot read {path}: {error.strerror or error}.") from None
    except SquadFormatError as error:
        raise EvalFileError(f"{path} is not a SQuAD-format file: {error}") from None
    say(
        f"Indexing {len(eval_set.contexts)} passages, "
        f"then asking {len(eval_set.questions)} questions ..."
    )
    started = time.perf_counter()
    result = evaluate(eval_set, GermanAnalyzer(), _params(settings))
    say(f"Done in {time.perf_counter() - started:.1f} s")
    return result

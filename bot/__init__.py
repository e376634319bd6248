"""The platform-neutral core: commands, answers, replies, settings and wiring.

Adapters import from here only (``from bot import ...``); this is the core's public surface.
"""

from bot.answer_eval import AnswerReport, AnswerSetError, evaluate_answers, load_answer_set
from bot.answers import AnswerPolicy
from bot.core import CONSOLE, Newsdesk
from bot.delivery import Clock, Poster, PostError, SystemClock
from bot.digest import digest_reply
from bot.errors import ArchiveError, EvalFileError, NewsdeskError, SettingsError
from bot.feed_port import ArticlePage, FeedEntry, FeedFetch, FeedProblem, FeedSource
from bot.feeds import FeedDesk
from bot.fitting import cut_at_sentence, fit_spans
from bot.ingestion import ArticleWriter, FeedLoop, FetchOutcome, feed_policy
from bot.logs import JsonFormatter
from bot.metrics import Metrics, Readiness, readiness
from bot.phrases import ENGLISH, GERMAN, Phrasebook, phrasebook
from bot.reconcile import LookupUnavailable, PostFinder
from bot.replies import (
    Digest,
    DigestItem,
    Paragraph,
    Reply,
    ReplyKind,
    Source,
    Span,
    defuse_mass_mentions,
    link_target,
)
from bot.runtime import PlatformService, Runtime, serve
from bot.settings import Settings, load_settings
from bot.store import Destination, Store, StoreError
from bot.subscriptions import RequestContext
from bot.wiring import (
    CheckResult,
    FeedTools,
    backup_store,
    build_feeds,
    build_newsdesk,
    check_installation,
    evaluate_answer_file,
    evaluate_retrieval,
    store_name,
)
from bot.workers import CoreWorkers

__all__ = [
    "CONSOLE",
    "ENGLISH",
    "GERMAN",
    "AnswerPolicy",
    "AnswerReport",
    "AnswerSetError",
    "ArchiveError",
    "ArticlePage",
    "ArticleWriter",
    "CheckResult",
    "Clock",
    "CoreWorkers",
    "Destination",
    "Digest",
    "DigestItem",
    "EvalFileError",
    "FeedDesk",
    "FeedEntry",
    "FeedFetch",
    "FeedLoop",
    "FeedProblem",
    "FeedSource",
    "FeedTools",
    "FetchOutcome",
    "JsonFormatter",
    "LookupUnavailable",
    "Metrics",
    "Newsdesk",
    "NewsdeskError",
    "Paragraph",
    "Phrasebook",
    "PlatformService",
    "PostError",
    "PostFinder",
    "Poster",
    "Readiness",
    "Reply",
    "ReplyKind",
    "RequestContext",
    "Runtime",
    "Settings",
    "SettingsError",
    "Source",
    "Span",
    "Store",
    "StoreError",
    "SystemClock",
    "backup_store",
    "build_feeds",
    "build_newsdesk",
    "check_installation",
    "cut_at_sentence",
    "defuse_mass_mentions",
    "digest_reply",
    "evaluate_answer_file",
    "evaluate_answers",
    "evaluate_retrieval",
    "feed_policy",
    "fit_spans",
    "link_target",
    "load_answer_set",
    "load_settings",
    "phrasebook",
    "readiness",
    "serve",
    "store_name",
]

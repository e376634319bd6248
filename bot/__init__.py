"""The platform-neutral core: commands, answers, replies, settings and wiring.

Adapters import from here only (``from bot import ...``); this is the core's public surface.
"""

from bot.answers import AnswerPolicy
from bot.core import Newsdesk
from bot.errors import ArchiveError, EvalFileError, NewsdeskError, SettingsError
from bot.phrases import ENGLISH, GERMAN, Phrasebook, phrasebook
from bot.replies import Paragraph, Reply, ReplyKind, Source, Span, defuse_mass_mentions
from bot.settings import Settings, load_settings
from bot.wiring import build_newsdesk, evaluate_retrieval

__all__ = [
    "ENGLISH",
    "GERMAN",
    "AnswerPolicy",
    "ArchiveError",
    "EvalFileError",
    "Newsdesk",
    "NewsdeskError",
    "Paragraph",
    "Phrasebook",
    "Reply",
    "ReplyKind",
    "Settings",
    "SettingsError",
    "Source",
    "Span",
    "build_newsdesk",
    "defuse_mass_mentions",
    "evaluate_retrieval",
    "load_settings",
    "phrasebook",
]

"""The knowledge library: articles, German analysis, passages and the BM25 index.

A pure library: it reads files from paths it is given, does no network I/O, and knows nothing of
the bot or chat platforms.
"""

from knowledge.analysis import Analyzer, GermanAnalyzer, Word
from knowledge.articles import (
    Article,
    ArticleError,
    ArticleLoad,
    SkippedFile,
    load_articles,
    scan_folder,
    walk_folder,
)
from knowledge.base import KnowledgeBase, PassageHit
from knowledge.bm25 import Bm25Params, ImpactMatrix
from knowledge.compounds import CompoundParams, Decompounder
from knowledge.dense import Encoder, SentenceVectors, bundled_encoder
from knowledge.evaluation import (
    EvalQuestion,
    EvalResult,
    EvalSet,
    SquadFormatError,
    evaluate,
    load_questions,
    load_squad,
    meaning_of_contexts,
    with_questions,
)
from knowledge.hybrid import FusionParams, PassageMeaning, QuestionMeaning, hybrid_search
from knowledge.index import Hit, QueryTerm, QueryTerms, SearchIndex
from knowledge.languages import Language, detect_language
from knowledge.matching import (
    RELEVANCE_PASSAGES,
    TermMatch,
    coverage,
    find_matches,
    relevance,
)
from knowledge.query import Correction, Query, QueryReader
from knowledge.summaries import is_boilerplate, is_caption, is_table_row, summarize
from knowledge.text import Passage, split_passages, split_sentences

__all__ = [
    "RELEVANCE_PASSAGES",
    "Analyzer",
    "Article",
    "ArticleError",
    "ArticleLoad",
    "Bm25Params",
    "CompoundParams",
    "Correction",
    "Decompounder",
    "Encoder",
    "EvalQuestion",
    "EvalResult",
    "EvalSet",
    "FusionParams",
    "GermanAnalyzer",
    "Hit",
    "ImpactMatrix",
    "KnowledgeBase",
    "Language",
    "Passage",
    "PassageHit",
    "PassageMeaning",
    "Query",
    "QueryReader",
    "QueryTerm",
    "QueryTerms",
    "QuestionMeaning",
    "SearchIndex",
    "SentenceVectors",
    "SkippedFile",
    "SquadFormatError",
    "TermMatch",
    "Word",
    "bundled_encoder",
    "coverage",
    "detect_language",
    "evaluate",
    "find_matches",
    "hybrid_search",
    "is_boilerplate",
    "is_caption",
    "is_table_row",
    "load_articles",
    "load_questions",
    "load_squad",
    "meaning_of_contexts",
    "relevance",
    "scan_folder",
    "split_passages",
    "split_sentences",
    "summarize",
    "walk_folder",
    "with_questions",
]

"""A question as the index reads it: its language, its content words, and their alternatives.

:class:`QueryReader` turns a question into a :class:`Query`:

1. **Language.** The question's language is detected (:mod:`knowledge.languages`); that
   language's stopwords and chat filler are dropped (``hey``, ``weiß jemand``, ``quick q``), and
   so is a possessive ``'s`` (``OpenAI's`` is ``OpenAI``). Documents keep their one analyzer.
2. **Slots.** Each distinct content word is one *slot*. Any of its *alternatives* satisfies it:
   the word itself; for a word the index has never seen, its spelling correction against the
   archive's vocabulary (:mod:`knowledge.spelling`); and, when the archive holds the other
   language, the word's translations (:mod:`knowledge.glossary`) that the index knows, with
   their inflected forms found in the vocabulary (``führen`` -> ``führt``, ``führte``); for
   an English word the index lacks, also its German cognate (:mod:`knowledge.cognates`:
   ``initiated`` -> ``initiiert``) when the vocabulary holds it.
3. **Weights.** *Ranking* weight: the best main-field idf among the alternatives (a word
   nobody knows weighs the rarest term's idf) times the word's specificity in the question's
   language. *Relevance* weight: the specificity alone, doubled when no alternative is known to
   the index (the question names something the archive lacks) and doubled again when that word
   is capitalised inside the question (a name, or a German noun).

BM25 scores each slot once: a passage gets the best of the slot's alternatives, so a word with
four translations does not count four times (:meth:`Query.groups`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from knowledge.analysis import Word, fold
from knowledge.cognates import german_spellings
from knowledge.glossary import Glossary, bundled_glossary
from knowledge.index import QueryTerm, QueryTerms, SearchIndex, TermGroups
from knowledge.inflection import inflection_related
from knowledge.languages import Language, detect_language, other_language, question_stopwords
from knowledge.specificity import specificity
from knowledge.spelling import Speller, SpellingParams

__all__ = ["Alternative", "Correction", "Query", "QueryReader", "Slot"]

AlternativeKind = Literal["word", "correction", "inflection", "translation", "cognate"]

#: Floor of a word's weight: rank-bm25's epsilon floor can make an idf tiny or negative.
_MIN_WEIGHT = 0.05
#: Translations tried per word, best first.
_MAX_TRANSLATIONS = 4
#: Share of the archive in a language from which questions are translated into it.
_MIN_SHARE = 0.1
_POSSESSIVE = ("'s", "\u2019s")


@dataclass(frozen=True, slots=True)
class Alternative:
    """One way a question word may appear in a text.

    Attributes:
        surface: Case-folded form a text word must be an inflection of.
        terms: The index terms that may satisfy it.
        kind: The word as typed, its spelling correction, or a translation.
    """

    surface: str
    terms: frozenset[str]
    kind: AlternativeKind


@dataclass(frozen=True, slots=True)
class Slot:
    """One content word of the question and every way to satisfy it (the word first)."""

    word: QueryTerm
    alternatives: tuple[Alternative, ...]
    untranslated: bool = False  # the question needed a translation and the glossary has none

    @property
    def known(self) -> bool:
        """Tell whether the index knows the word or one of its alternatives."""
        return self.word.known or len(self.alternatives) > 1

    @property
    def terms(self) -> tuple[str, ...]:
        """Every index term of every alternative, sorted."""
        return tuple(sorted({t for alternative in self.alternatives for t in alternative.terms}))


@dataclass(frozen=True, slots=True)
class Correction:
    """A word the question misspelt: as typed, and the archive word searched instead."""

    typed: str
    meant: str


@dataclass(frozen=True, slots=True)
class Query:
    """An analysed question (see module doc).

    Attributes:
        text: The question as searched.
        language: The question's language.
        terms: The index's analysis of the words as typed (repeats kept).
        slots: One entry per distinct content word, in question order.
        weights: The ranking weight of each slot.
        relevance_weights: The weight of each slot for deciding relevance.
        part_shares: For each slot, the share of its weight each compound part carries.
        stopwords: The filler words the question had.
        corrections: The misspelt words and what was searched instead.
    """

    text: str
    language: Language
    terms: QueryTerms
    slots: tuple[Slot, ...]
    weights: tuple[float, ...]
    relevance_weights: tuple[float, ...]
    part_shares: tuple[dict[str, float], ...]
    stopwords: tuple[str, ...]
    corrections: tuple[Correction, ...] = ()

    @property
    def words(self) -> tuple[QueryTerm, ...]:
        """The content words as typed, one per slot."""
        return tuple(slot.word for slot in self.slots)

    @property
    def groups(self) -> TermGroups:
        """BM25 term groups: each occurrence of a slot scores the best of its alternatives."""
        by_term = {slot.word.term: slot.terms for slot in self.slots}
        main = tuple(by_term[t.term] for t in self.terms.terms)
        compound = tuple(
            group
            for t in self.terms.terms
            for group in (by_term[t.term], *((part,) for part in t.parts))
        )
        return TermGroups(main, compound)


class QueryReader:
    """Reads questions against one index (its analyzer, vocabulary and idf).

    Args:
        index: The search index.
        languages: Share of the archive's passages in each language (decides translation).
        glossary: English-German translations (the bundled one by default).
        spelling: The spelling guards; None turns correction off.
        default_language: The language of a question nothing else tells.
    """

    def __init__(
        self,
        index: SearchIndex,
        *,
        languages: Mapping[Language, float],
        glossary: Glossary | None = None,
        spelling: SpellingParams | None = SpellingParams(),  # noqa: B008 (frozen)
        default_language: Language = "de",
    ) -> None:
        self.index = index
        self.languages: dict[Language, float] = dict(languages)
        self.glossary = glossary if glossary is not None else bundled_glossary()
        self.default_language: Language = default_language
        self._spelling = spelling
        self._speller: Speller | None = None
        self._vocabulary: list[str] | None = None
        self._expansions: dict[str, frozenset[str]] = {}
        self.unseen_weight = index.max_idf()

    def read(self, text: str) -> Query:
        """Analyse one cleaned question (see module doc)."""
        analyzer = self.index.analyzer
        raw = analyzer.words(text)
        language = detect_language((w.surface for w in raw), self.default_language)
        stop = question_stopwords(language)
        words = [_own_word(w, stop, analyzer.term) for w in raw]
        terms = self.index.analyze_words(words)
        first: dict[str, QueryTerm] = {}
        for term in terms.terms:
            first.setdefault(term.term, term)
        translate = self.languages.get(other_language(language), 0.0) >= _MIN_SHARE
        opening = raw[0].start if raw else 0
        slots, corrections = [], []
        for term in first.values():
            slot, correction = self._slot(term, text, language, translate=translate)
            slots.append(slot)
            if correction is not None:
                corrections.append(correction)
        capitalised = [_capitalised_inside(text, slot.word, opening) for slot in slots]
        return Query(
            text=text,
            language=language,
            terms=terms,
            slots=tuple(slots),
            weights=tuple(self._weight(slot, language) for slot in slots),
            relevance_weights=tuple(
                _relevance_weight(slot, language, cap)
                for slot, cap in zip(slots, capitalised, strict=True)
            ),
            part_shares=tuple(self._part_shares(slot.word) for slot in slots),
            stopwords=tuple(w.surface for w in words if w.term is None),
            corrections=tuple(corrections),
        )

    def _slot(
        self, term: QueryTerm, text: str, language: Language, *, translate: bool
    ) -> tuple[Slot, Correction | None]:
        surface = term.word.surface
        alternatives = [Alternative(surface, frozenset({term.term}), "word")]
        correction = None
        if not term.known and self._spelling is not None:
            meant = self._speller_for().correct(surface)
            meant_term = None if meant is None else self.index.analyzer.term(meant)
            if meant is not None and meant_term is not None and meant_term in self.index.main:
                alternatives.append(Alternative(meant, frozenset({meant_term}), "correction"))
                typed = text[term.word.start : term.word.end]
                correction = Correction(typed, _shaped_like(meant, typed))
        if not term.known and language == "de":
            for base in (*_participle_bases(surface), *_separable_forms(surface)):
                if terms := self._expand(base):
                    alternatives.append(Alternative(base, terms, "inflection"))
                    break
        lemmas = self.glossary.translate(surface, language) if translate else ()
        for lemma in lemmas[:_MAX_TRANSLATIONS]:
            folded = fold(lemma)
            terms = self._expand(folded)
            if terms and folded != surface:
                alternatives.append(Alternative(folded, terms, "translation"))
        if translate and language == "en" and not term.known:
            for spelling in german_spellings(surface):
                if terms := self._expand(spelling):
                    alternatives.append(Alternative(spelling, terms, "cognate"))
                    break
        untranslated = translate and not lemmas
        return Slot(term, tuple(alternatives), untranslated), correction

    def _expand(self, lemma: str) -> frozenset[str]:
        """The index terms of a translation and of its inflections in the vocabulary."""
        if lemma in self._expansions:
            return self._expansions[lemma]
        analyzer, main = self.index.analyzer, self.index.main
        terms = set()
        if lemma.isalpha():
            own = analyzer.term(lemma)
            if own is not None and own in main:
                terms.add(own)
            vocabulary = self._vocabulary_list()
            prefix = lemma[:-2] if len(lemma) >= 5 else lemma
            at = bisect.bisect_left(vocabulary, prefix)
            while at < len(vocabulary) and vocabulary[at].startswith(prefix):
                candidate = vocabulary[at]
                if inflection_related(candidate, lemma):
                    term = analyzer.term(candidate)
                    if term is not None and term in main:
                        terms.add(term)
                at += 1
        found = frozenset(terms)
        self._expansions[lemma] = found
        return found

    def _vocabulary_list(self) -> list[str]:
        if self._vocabulary is None:
            self._vocabulary = sorted(self.index.decompounder.vocabulary)
        return self._vocabulary

    def _speller_for(self) -> Speller:
        if self._speller is None:
            analyzer, main = self.index.analyzer, self.index.main

            def frequency(surface: str) -> int:
                term = analyzer.term(surface)
                return 0 if term is None else main.document_frequency(term)

            self._speller = Speller(self.index.decompounder.vocabulary, frequency, self._spelling)
        return self._speller

    def _weight(self, slot: Slot, language: Language) -> float:
        word = slot.word
        idfs = [i for t in slot.terms if (i := self.index.idf(t)) is not None]
        if idfs:
            base = max(idfs)
        else:
            known_parts = [idf for idf in word.compound_idf[1:] if idf is not None]
            base = max(known_parts) if known_parts else self.unseen_weight
        return max(base * specificity(word.word.surface, language), _MIN_WEIGHT)

    def _part_shares(self, term: QueryTerm) -> dict[str, float]:
        unseen = self.unseen_weight
        idfs = [unseen if idf is None else max(idf, _MIN_WEIGHT) for idf in term.compound_idf]
        total = sum(idfs[1:])
        return {part: idf / total for part, idf in zip(term.parts, idfs[1:], strict=True)}


def _participle_bases(surface: str) -> list[str]:
    """A German past participle without its ``ge`` (``gekostet`` -> ``kostet``, ``angekündigt``
    -> ``ankündigt``), whose inflections the vocabulary may hold."""
    if len(surface) < 6 or not surface.endswith(("t", "en")):
        return []
    return [
        surface[:at] + surface[at + 2 :]
        for at in range(len(surface) - 5)
        if surface.startswith("ge", at)
    ]


#: Prefixes of German separable verbs, which take ``zu`` and ``ge`` inside (``einzustufen``).
_SEPARABLE = (
    "zusammen", "zurück", "weiter", "fest", "fort", "nach", "über", "durch", "ab", "an", "auf",
    "aus", "bei", "ein", "her", "hin", "los", "mit", "vor", "weg", "um", "zu",
)  # fmt: skip


def _separable_forms(surface: str) -> list[str]:
    """A separable verb's other forms: ``einstufen`` -> ``einzustufen``, ``eingestuft``;
    ``einzustufen`` -> ``einstufen``."""
    if len(surface) < 7 or not surface.endswith("en"):
        return []
    forms = []
    for prefix in _SEPARABLE:
        if not surface.startswith(prefix) or len(surface) - len(prefix) < 4:
            continue
        rest = surface[len(prefix) :]
        if rest.startswith("zu") and len(rest) > 5:
            forms.append(prefix + rest[2:])
        else:
            forms += [prefix + "zu" + rest, prefix + "ge" + rest[:-2] + "t"]
    return forms


def _own_word(word: Word, stop: frozenset[str], term_of: Callable[[str], str | None]) -> Word:
    """The question's reading of one token: possessive dropped, its language's stopwords."""
    surface = word.surface
    for ending in _POSSESSIVE:
        if surface.endswith(ending) and len(surface) > len(ending) + 1:
            surface = surface[: -len(ending)]
    if word.term is None or surface in stop or word.surface in stop:
        return Word(surface, word.start, word.end, None)
    if surface == word.surface:
        return word
    return Word(surface, word.start, word.end, term_of(surface))


def _relevance_weight(slot: Slot, language: Language, capitalised: bool) -> float:
    """Specificity; an unseen word weighs more (the question names what the archive lacks).

    An unseen word of a question in the archive's other language that the glossary cannot
    translate is not evidence of absence (the archive may well say it in its own words), so it
    keeps the weight of a seen word.
    """
    weight = specificity(slot.word.word.surface, language)
    if not slot.known and not slot.untranslated:
        weight *= 4.0 if capitalised and language == "en" else 2.0
    return weight


def _capitalised_inside(text: str, term: QueryTerm, opening: int) -> bool:
    return term.word.start > opening and text[term.word.start : term.word.start + 1].isupper()


def _shaped_like(meant: str, typed: str) -> str:
    """The corrected word with the typed word's capitalisation (``Mircosoft`` -> ``Microsoft``)."""
    if typed.isupper() and len(typed) > 1:
        return meant.upper()
    if typed[:1].isupper():
        return meant[:1].upper() + meant[1:]
    return meant

"""Spelling correction against the archive's vocabulary, guarded against real words."""

from __future__ import annotations

from knowledge.spelling import Speller

VOCABULARY = ["anthropic", "microsoft", "suleyman", "schien", "windsurf", "investiert", "musk"]
COUNTS = {"microsoft": 40, "musk": 12}


def _speller() -> Speller:
    return Speller(VOCABULARY, lambda surface: COUNTS.get(surface, 1))


def test_misspelt_names_are_corrected() -> None:
    speller = _speller()
    assert speller.correct("antrhopic") == "anthropic"  # a swap is one edit
    assert speller.correct("mircosoft") == "microsoft"
    assert speller.correct("suleymann") == "suleyman"
    assert speller.correct("investirt") == "investiert"


def test_real_words_are_never_corrected_into_archive_words() -> None:
    speller = _speller()
    assert speller.correct("schneien") is None  # a German word, not a typo of "schien"


def test_numbers_and_short_words_are_not_typos() -> None:
    speller = _speller()
    assert speller.correct("mus") is None
    assert speller.correct("h100") is None


def test_two_edits_only_for_long_words() -> None:
    speller = Speller(["abcdef", "abcdefghij"], lambda _s: 1)
    assert speller.correct("abxdyf") is None  # 6 letters: at most one edit
    assert speller.correct("abcxefghyj") == "abcdefghij"


def test_a_tie_goes_to_the_more_frequent_word() -> None:
    speller = Speller(["karte", "kante"], {"karte": 2, "kante": 9}.__getitem__)
    assert speller.correct("kaxte") == "kante"

"""The English-German glossary: its file format, both directions, and the bundled data."""

from __future__ import annotations

from importlib import resources

import pytest

from knowledge import glossary as glossary_module
from knowledge.glossary import Glossary, bundled_glossary

TSV = """# a comment line, not an entry
lead,leads,leading\tführen, leiten, Führung
stake,stakes\tBeteiligung, Anteil
daly\t-
"""


def test_the_tsv_form_gives_each_word_of_a_group_its_german_words_best_first() -> None:
    glossary = Glossary.parse(TSV)
    assert glossary.translate("leads", "en") == ("führen", "leiten", "Führung")
    assert glossary.translate("stake", "en") == ("Beteiligung", "Anteil")
    assert glossary.translate("daly", "en") == ()  # "-": no translation
    assert glossary.translate("#", "en") == ()
    assert len(glossary) == 5


def test_an_english_word_not_in_the_list_is_found_by_its_stem() -> None:
    assert Glossary.parse(TSV).translate("staked", "en") == ("Beteiligung", "Anteil")
    assert Glossary.parse(TSV).translate("leader", "en") == ()  # another stem, another word


def test_german_words_translate_back_by_their_stem() -> None:
    glossary = Glossary.parse(TSV)
    assert glossary.translate("Beteiligungen", "de") == ("stake",)
    assert glossary.translate("Führung", "de") == ("lead",)


def test_the_bundled_glossary_covers_common_news_words() -> None:
    glossary = bundled_glossary()
    assert len(glossary) > 500
    for word in ("trillion", "exodus", "vibrant"):  # one of each kind: noun, noun, adjective
        assert glossary.translate(word, "en"), word


def test_a_missing_glossary_file_is_a_loud_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(glossary_module, "_DATA", "no_such_glossary.tsv")
    bundled_glossary.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="reinstall Newsdesk"):
            bundled_glossary()
    finally:
        monkeypatch.undo()
        bundled_glossary.cache_clear()
    assert resources.files("knowledge").joinpath("data", "glossary_en_de.tsv").is_file()

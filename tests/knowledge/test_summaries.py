"""Article summaries: the author's own summary wins, else central lead sentences without noise."""

from collections.abc import Sequence
from pathlib import Path

import pytest

from knowledge.analysis import GermanAnalyzer
from knowledge.articles import load_articles
from knowledge.base import KnowledgeBase
from knowledge.summaries import is_summary_heading, summarize
from knowledge.text import Passage

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_IDS = sorted(path.stem for path in SEEDS.glob("*.txt"))
ANALYZER = GermanAnalyzer()
BOILERPLATE_HEADINGS = {
    "UNSER ZIEL",
    "Teile diesen Beitrag – Folge uns auf Social Media",
    "Unterstütze uns direkt",
}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.build(load_articles(SEEDS).articles)


def passages_of(kb: KnowledgeBase, article_id: str) -> list[Passage]:
    return [p for p in kb.passages if p.article_id == article_id]


def summary_of(kb: KnowledgeBase, article_id: str, **limits: int) -> tuple[str, ...]:
    return summarize(passages_of(kb, article_id), ANALYZER, kb.index.idf, **limits)


def article(*sections: tuple[str | None, Sequence[str]]) -> list[Passage]:
    return [
        Passage("a", ordinal, heading, tuple(sentences))
        for ordinal, (heading, sentences) in enumerate(sections)
    ]


def flat_idf(term: str) -> float:
    return 1.0


# --- the five seeds --------------------------------------------------------------------------


@pytest.mark.parametrize("article_id", SEED_IDS)
def test_a_seed_summary_is_two_or_three_of_its_own_sentences_in_order(
    kb: KnowledgeBase, article_id: str
) -> None:
    summary = summary_of(kb, article_id)
    sentences = [s for p in passages_of(kb, article_id) for s in p.sentences]
    assert 2 <= len(summary) <= 3
    assert len(" ".join(summary)) <= 420
    positions = [sentences.index(s) for s in summary]  # each one is verbatim from the article
    assert positions == sorted(positions)


@pytest.mark.parametrize("article_id", SEED_IDS)
def test_a_seed_summary_has_no_table_row_caption_question_or_boilerplate(
    kb: KnowledgeBase, article_id: str
) -> None:
    boilerplate = {
        s
        for p in passages_of(kb, article_id)
        if p.heading in BOILERPLATE_HEADINGS
        for s in p.sentences
    }
    for sentence in summary_of(kb, article_id):
        assert " | " not in sentence
        assert not sentence.startswith(("Foto:", "Bild:"))
        assert not sentence.rstrip('“”"').endswith(("?", "!"))
        assert sentence not in boilerplate


def test_mozilla_bets_its_reserves(kb: KnowledgeBase) -> None:
    summary = " ".join(summary_of(kb, "000_26a8121a7ae71e0a"))
    assert "Mozilla" in summary
    assert "$1.4 billion" in summary


def test_musk_offers_to_buy_openai(kb: KnowledgeBase) -> None:
    summary = " ".join(summary_of(kb, "001_37de1b6d01b33ede"))
    assert "Elon Musk" in summary
    assert "OpenAI" in summary
    assert "97,4 Milliarden" in summary


def test_the_openai_microsoft_alliance_strains_over_windsurf(kb: KnowledgeBase) -> None:
    summary = summary_of(kb, "002_702a485bbd3150d5")
    assert "Heute ächzt dieselbe OpenAI-Microsoft-Allianz" in summary[0]
    assert "Windsurf" in " ".join(summary)
    assert "drei Milliarden Dollar" in " ".join(summary)


def test_microsoft_turns_from_openai_to_mai_1(kb: KnowledgeBase) -> None:
    lead = summary_of(kb, "003_838a0c41cee76ec5")[0]
    assert "Microsoft" in lead
    assert "Abkehr von der exklusiven Abhängigkeit von OpenAI" in lead
    assert "MAI-1" in lead


def test_the_kurzfassung_of_seed_004_is_its_summary(kb: KnowledgeBase) -> None:
    assert summary_of(kb, "004_bf87456fd506aad6") == (
        "OpenAI und Microsoft verhandeln über eine Neustrukturierung ihrer milliardenschweren "
        "Partnerschaft.",
        "Ziel ist es, OpenAI mehr strategische Freiheit zu geben und einen Börsengang zu "
        "ermöglichen.",
        "Microsoft könnte im Gegenzug langfristigen Zugriff auf OpenAIs KI-Technologien sichern.",
    )


def test_without_its_kurzfassung_seed_004_is_summed_up_from_its_lead(kb: KnowledgeBase) -> None:
    passages = [p for p in passages_of(kb, "004_bf87456fd506aad6") if p.heading != "KURZFASSUNG"]
    summary = summarize(passages, ANALYZER, kb.index.idf)
    text = " ".join(summary)
    assert "13 Milliarden Dollar" in text
    assert "verhandeln beide Seiten" in text
    assert not any("uns" in s.split() or "Support" in s for s in summary)


def test_site_boilerplate_at_the_end_is_never_taken(kb: KnowledgeBase) -> None:
    tail = [p for p in passages_of(kb, "004_bf87456fd506aad6") if p.heading != "KURZFASSUNG"][-4:]
    assert [p.heading for p in tail[1:]] == [
        "UNSER ZIEL",
        "Teile diesen Beitrag – Folge uns auf Social Media",
        "Unterstütze uns direkt",
    ]
    summary = summarize(tail, ANALYZER, kb.index.idf)
    assert summary
    assert all(s in tail[0].sentences for s in summary)  # only the "AUSBLICK" section


def test_a_small_budget_keeps_the_best_sentence_even_when_it_is_longer(
    kb: KnowledgeBase,
) -> None:
    summary = summary_of(kb, "003_838a0c41cee76ec5", max_chars=100)
    assert len(summary) == 1
    assert "MAI-1" in summary[0]


@pytest.mark.parametrize("article_id", SEED_IDS)
def test_summaries_are_deterministic(kb: KnowledgeBase, article_id: str) -> None:
    assert summary_of(kb, article_id) == summary_of(kb, article_id)


# --- the author's own summary ----------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "KURZFASSUNG",
        "Zusammenfassung",
        "Zusammenfassung:",
        "TL;DR",
        "Das Wichtigste in Kürze",
        "Auf einen Blick",
        "NEWS – Auf einen Blick",
        "Summary",
        "Key Takeaways",
    ],
)
def test_summary_headings_are_recognised(heading: str) -> None:
    assert is_summary_heading(heading)


@pytest.mark.parametrize(
    "heading", [None, "", "Fazit", "Conclusion", "AUSBLICK", "Zusammenfassung der Studie"]
)
def test_other_headings_are_not_summaries(heading: str | None) -> None:
    assert not is_summary_heading(heading)


def test_a_summary_section_wins_over_the_body() -> None:
    passages = article(
        (None, ["Die Stadtwerke erhöhen zum ersten Januar die Preise für Strom und Gas deutlich."]),
        (None, ["Die Stadtwerke begründen die höheren Preise mit gestiegenen Einkaufskosten."]),
        (
            "Das Wichtigste in Kürze",
            [
                "Strom wird um zwölf Prozent teurer.",
                "Gas wird um acht Prozent teurer.",
                "Sozialtarife bleiben unverändert.",
                "Kunden können bis Ende Dezember kündigen.",
            ],
        ),
    )
    assert summarize(passages, ANALYZER, flat_idf) == (
        "Strom wird um zwölf Prozent teurer.",
        "Gas wird um acht Prozent teurer.",
        "Sozialtarife bleiben unverändert.",
    )
    assert summarize(passages, ANALYZER, flat_idf, max_sentences=2, max_chars=60) == (
        "Strom wird um zwölf Prozent teurer.",
    )


def test_a_fazit_is_no_summary_section() -> None:
    passages = article(
        (None, ["Die Stadtwerke erhöhen zum ersten Januar die Preise für Strom und Gas deutlich."]),
        (None, ["Die Stadtwerke begründen die höheren Preise für Strom mit Einkaufskosten."]),
        ("Fazit", ["Unterm Strich bleibt ein schaler Beigeschmack für alle Beteiligten."]),
    )
    summary = summarize(passages, ANALYZER, flat_idf)
    assert summary[0].startswith("Die Stadtwerke erhöhen")
    assert "Unterm Strich bleibt ein schaler Beigeschmack für alle Beteiligten." not in summary


# --- noise, duplicates and edge cases --------------------------------------------------------


LEAD = "Die Stadtwerke erhöhen zum ersten Januar die Preise für Strom und Gas."
REASON = "Die Stadtwerke begründen die höheren Preise für Strom und Gas mit Einkaufskosten."


@pytest.mark.parametrize(
    ("heading", "noise"),
    [
        (None, "Foto: Die Stadtwerke erhöhen die Preise für Strom und Gas deutlich."),
        (None, "Stadtwerke | Preise für Strom und Gas | steigen ab Januar deutlich."),
        (None, "Stadtwerke erhöhen ab Januar die Preise für Strom und Gas"),
        (None, "Strom und Gas teurer."),
        (None, "Erhöhen die Stadtwerke die Preise für Strom und Gas im Januar?"),
        (None, "Die Stadtwerke erhöhen die Preise für Strom und Gas, jetzt wechseln!"),
        (None, "Wir zeigen dir die neuen Preise der Stadtwerke für Strom und Gas."),
        (None, "Die Stadtwerke erhöhen, wie wir berichteten, die Preise für Strom und Gas."),
        (None, "Die Stadtwerke erhöhen die Preise für Strom und Gas, wie Ihnen bekannt ist."),
        ("Unterstütze uns", "Strom und Gas bei den Stadtwerken werden teurer, Journalismus auch."),
    ],
)
def test_noise_is_skipped_even_where_it_would_win(heading: str | None, noise: str) -> None:
    passages = article((heading, [noise]), (None, [LEAD, REASON]))
    summary = summarize(passages, ANALYZER, flat_idf)
    assert noise not in summary
    assert summary[0] == LEAD


def test_quoted_speech_in_the_first_person_stays_a_candidate() -> None:
    quote = "„Wir müssen die Preise für Strom und Gas erhöhen“, sagte der Chef der Stadtwerke."
    passages = article((None, [quote, "Die Preise für Strom und Gas steigen im Januar kräftig."]))
    assert quote in summarize(passages, ANALYZER, flat_idf)


def test_near_duplicates_are_not_both_taken() -> None:
    passages = article(
        (
            None,
            [
                "Die Stadtwerke erhöhen zum ersten Januar die Preise für Strom und Gas.",
                "Zum ersten Januar erhöhen die Stadtwerke die Preise für Strom und Gas.",
                "Die Stadtwerke begründen die höheren Preise mit gestiegenen Einkaufskosten.",
            ],
        ),
    )
    summary = summarize(passages, ANALYZER, flat_idf)
    assert summary[0] == "Die Stadtwerke erhöhen zum ersten Januar die Preise für Strom und Gas."
    assert "Zum ersten Januar erhöhen die Stadtwerke die Preise für Strom und Gas." not in summary


def test_terms_unknown_to_the_index_still_count() -> None:
    passages = article(
        (None, ["Am Montag regnete es in der ganzen Region ohne jede Unterbrechung."]),
        (None, ["Die Stadtwerke erhöhen zum ersten Januar die Preise für Strom und Gas."]),
        (None, ["Die Stadtwerke begründen die Preise für Strom und Gas mit Einkaufskosten."]),
    )
    summary = summarize(passages, ANALYZER, lambda term: None)
    assert summary[0] == "Die Stadtwerke erhöhen zum ersten Januar die Preise für Strom und Gas."


def test_a_one_sentence_article_is_its_own_summary() -> None:
    sentence = "Die Stadtwerke erhöhen zum ersten Januar die Preise für Strom und Gas."
    assert summarize(article((None, [sentence])), ANALYZER, flat_idf) == (sentence,)


def test_an_article_of_noise_only_still_gets_a_sentence() -> None:
    assert summarize(article((None, ["Kurz notiert."])), ANALYZER, flat_idf) == ("Kurz notiert.",)


def test_no_passages_give_no_summary() -> None:
    assert summarize([], ANALYZER, flat_idf) == ()
    assert summarize(article((None, [])), ANALYZER, flat_idf) == ()


@pytest.mark.parametrize(("max_sentences", "max_chars"), [(0, 420), (3, 0)])
def test_limits_below_one_are_refused(max_sentences: int, max_chars: int) -> None:
    with pytest.raises(ValueError, match="must be at least 1"):
        summarize([], ANALYZER, flat_idf, max_sentences=max_sentences, max_chars=max_chars)

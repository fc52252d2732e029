"""The channels' guard: a user message that got no reply at all gets the unavailable notice."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from rasa_bot.channels import UNAVAILABLE, never_silent, rest_body_problem


def run(handler) -> list[dict]:
    collector = CollectingOutputChannel()
    asyncio.run(never_silent(handler)(UserMessage("hi", collector, "s1")))
    return collector.messages


def test_a_normal_reply_passes_through_unchanged() -> None:
    async def answer(message: UserMessage) -> None:
        await message.output_channel.send_response(message.sender_id, {"text": "Hello!"})

    assert [m["text"] for m in run(answer)] == ["Hello!"]


def test_silence_becomes_the_unavailable_notice() -> None:
    async def swallow(message: UserMessage) -> None:
        return None  # what Rasa does when the action server is unreachable

    assert [m["text"] for m in run(swallow)] == [UNAVAILABLE]


def test_an_exception_still_gets_the_notice() -> None:
    async def explode(message: UserMessage) -> None:
        raise RuntimeError("boom")

    collector = CollectingOutputChannel()
    with pytest.raises(RuntimeError, match="boom"):  # the channel's caller still sees the failure
        asyncio.run(never_silent(explode)(UserMessage("hi", collector, "s1")))
    assert [m["text"] for m in collector.messages] == [UNAVAILABLE]


@pytest.mark.parametrize(("body", "problem"), [
    ([{"sender": "a", "message": "hi"}], "JSON object"),
    (None, "JSON object"),
    ({"message": "hi"}, "sender"),
    ({"sender": "", "message": "hi"}, "sender"),
    ({"sender": "s" * 300, "message": "hi"}, "sender"),
    ({"sender": "a"}, "message"),
    ({"sender": "a", "message": 5}, "message"),
    ({"sender": "a", "message": "hi", "metadata": "token"}, "metadata"),
])
def test_malformed_rest_bodies_are_named(body, problem) -> None:
    assert problem in rest_body_problem(body)


def test_a_well_formed_body_passes() -> None:
    assert rest_body_problem({"sender": "a", "message": "", "metadata": {"auth_token": "x"}}) is None


def test_the_unavailable_notice_follows_the_message_language() -> None:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    from rasa_bot.channels import unavailable_notice

    def notice(text: str, metadata: dict | None = None) -> str:
        return unavailable_notice(UserMessage(text, CollectingOutputChannel(), "s", metadata=metadata))

    assert notice("hello") == UNAVAILABLE
    assert notice("我想做风险测评").startswith("抱歉，部分服务暂时不可用")
    assert notice("ok", {"language": "zh-CN"}).startswith("抱歉")
    assert notice("你好", {"language": "en"}) == UNAVAILABLE

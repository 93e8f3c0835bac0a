"""A turn that produces no reply (action server down, an action crashed) is answered anyway."""
from __future__ import annotations

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.answering import NO_ANSWER_REPLY, answering


async def turn(text: str, bot) -> list[str]:
    collector = CollectingOutputChannel()
    await answering(bot)(UserMessage(text, collector, "zhangli", input_channel="rest"))
    return [m.get("text") for m in collector.messages]


async def test_a_silent_turn_gets_the_apology():
    async def silent(message):
        return None

    assert await turn("确认", silent) == [NO_ANSWER_REPLY]


async def test_a_failing_turn_gets_the_apology_instead_of_an_error():
    async def failing(message):
        raise ConnectionError("action server down")

    assert await turn("确认", failing) == [NO_ANSWER_REPLY]


async def test_a_turn_with_replies_is_left_alone():
    async def answers(message):
        await message.output_channel.send_response(message.sender_id, {"text": "已保存"})

    assert await turn("确认", answers) == ["已保存"]


async def test_commands_may_have_no_answer():
    async def silent(message):
        return None

    assert await turn("/restart", silent) == []

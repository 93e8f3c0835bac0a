"""Greetings, help, small talk and anything unclear: static replies from domain.yml, given only to
registered staff. A message that is exactly the name of a customer the staff member may see is a
lookup, whatever the NLU made of it: a name it never saw comes back as nlu_fallback, affirm
("李秀英" → "好的") or anything else, and none of these replies would answer it."""
from __future__ import annotations

from actions.customers import look_up_bare_name
from actions.runtime import Turn, current_staff

PLEASE_WRITE_CHINESE = "请用中文发消息,比如“查一下王建国”“我的待办”。发“帮助”看我能做什么。"


async def static_reply(turn: Turn, response: str) -> None:
    if await look_up_bare_name(turn):
        return
    if await current_staff(turn.tracker) is None:
        turn.dispatcher.utter_message(response="utter_stranger")
        return
    await turn.notifications()
    turn.dispatcher.utter_message(response=response)


async def not_chinese(turn: Turn) -> None:
    """English or other words without a customer named: ask for Chinese, never guess."""
    if await current_staff(turn.tracker) is None:
        turn.dispatcher.utter_message(response="utter_stranger")
        return
    await turn.notifications()
    turn.say(PLEASE_WRITE_CHINESE)


async def unclear_answer(turn: Turn) -> None:
    """An answer ("2", a name) when nothing was asked: a customer's bare name is looked up, anything
    else asks which customer is meant (never the customer in context)."""
    from bot import customer_replies

    if await look_up_bare_name(turn):
        return
    if await current_staff(turn.tracker) is None:
        turn.dispatcher.utter_message(response="utter_stranger")
        return
    await turn.notifications()
    turn.say("没明白您指的是哪位客户。" + customer_replies.ASK_WHICH_CUSTOMER)

"""Greetings, help, small talk and anything unclear: static replies from domain.yml. A message that is exactly the name of a customer the staff member may see is a
lookup, whatever the NLU made of it: a name it never saw comes back as nlu_fallback, affirm
("李秀英" → "好的") or anything else, and none of these replies would answer it."""
from __future__ import annotations

from actions.customers import look_up_bare_name
from actions.runtime import Turn
from bot.dialogue.replies import BRANCH_VIEW_NOT_BUILT, EDIT_NOT_HERE, PLEASE_WRITE_CHINESE, UNDO_NOT_BUILT, WHICH_CUSTOMER


async def _reply(turn: Turn, response: str | None = None, text: str | None = None, bare_name: bool = True) -> None:
    """The reply, once a bare customer's name (`bare_name`) is looked up instead; her waiting
    notifications first."""
    if bare_name and await look_up_bare_name(turn):
        return
    await turn.notifications()
    if response:
        turn.dispatcher.utter_message(response=response)
    else:
        turn.say(text)


async def static_reply(turn: Turn, response: str) -> None:
    await _reply(turn, response=response)


async def not_chinese(turn: Turn) -> None:
    """English or other words without a customer named: ask for Chinese, never guess."""
    await _reply(turn, text=PLEASE_WRITE_CHINESE, bare_name=False)


async def undo_saved(turn: Turn) -> None:
    """"刚才那条记错了,删掉": the chat does not delete or edit what was saved; the bot says so."""
    await _reply(turn, text=UNDO_NOT_BUILT, bare_name=False)


async def branch_view(turn: Turn) -> None:
    """"本周网点情况", "团队这周怎么样": the head's view is not built yet (issue #26, part 3); the bot says so."""
    await _reply(turn, text=BRANCH_VIEW_NOT_BUILT, bare_name=False)


async def edit_customer(turn: Turn) -> None:
    """"把王建国的风险等级改成C4": the chat reads the bank's customer data and never changes it."""
    await _reply(turn, text=EDIT_NOT_HERE, bare_name=False)


async def unclear_answer(turn: Turn) -> None:
    """An answer ("2", a name) when nothing was asked: a customer's bare name is looked up, anything
    else asks which customer is meant (never the customer in context)."""
    await _reply(turn, text=WHICH_CUSTOMER)

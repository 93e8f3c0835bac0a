"""Customer 360: look up, holdings, contact history, and the answer to "which one?"."""
from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import Turn, customer_service, in_thread
from bot.clock import clock
from bot.customers import replies as customer_replies
from bot.customers.facts import Fact, fact_asked
from bot.customers.service import CustomerAnswer, Outcome, View
from bot.dialogue.message import product_answer
from bot.dialogue.waiting import HOLDINGS, Choice
from bot.vocabulary.choice import pick_of


def say_answer(dispatcher: CollectingDispatcher, answer: CustomerAnswer) -> None:
    """The answer in Chinese; a "which one?" list also as buttons (customer_replies.choice_buttons)."""
    dispatcher.utter_message(text=customer_replies.render(answer, clock.today()),
                             buttons=customer_replies.choice_buttons(answer))


def after_answer(turn: Turn, answer: CustomerAnswer, request: dict[str, Any]) -> None:
    """Context for the next message: the customer now shown, or the list waiting for a pick."""
    if answer.outcome is Outcome.SHOWN:
        turn.set("current_customer_id", answer.customer_id)
        turn.waiting.choice = None
    elif answer.outcome is Outcome.CHOOSE:
        turn.waiting.choice = Choice([c.customer_id for c in answer.candidates], request)
        turn.set("current_customer_id", None)  # "他" is now one of the list, not whom she saw before
    elif answer.outcome is Outcome.BAD_CHOICE and turn.waiting.choice is not None:
        pass  # the list is shown again and still waits
    else:
        turn.waiting.choice = None
        if answer.outcome in (Outcome.NOT_FOUND, Outcome.PROBLEM):
            # She named somebody who is not there: the customer seen before is not "她" any more.
            turn.set("current_customer_id", None)


def numbers_open_the_customer(turn: Turn, customer_ids: list[str]) -> None:
    """A list of customers was shown: a number opens one, and "她" is one of the list now (asked
    about), not the customer talked about before it, as after a lookup's namesakes."""
    turn.waiting.choice = Choice(customer_ids, {"kind": "view", "view": View.PROFILE.value}) if customer_ids else None
    if customer_ids:
        turn.set("current_customer_id", None)


def _pick_text(turn: Turn, count: int) -> str:
    return pick_of(turn.text, turn.message.intent, count)


async def show(turn: Turn, view: View) -> None:
    """Show one view of the customer the message names, or of the one in context: the card, the
    holdings (by maturity when asked when), the contacts, or the one fact asked ("他手机号多少")."""
    product_word = product_answer(turn.message) if view is View.HOLDINGS else None
    fact = fact_asked(turn.text)
    answer = await in_thread(
        customer_service().ask, turn.staff, view, turn.entities, turn.text, turn.slot("current_customer_id"),
        turn.channel, product_word, fact,
    )
    await turn.notifications()
    say_answer(turn.dispatcher, answer)
    if answer.outcome is Outcome.SHOWN and answer.view in (View.HOLDINGS, View.MATURITIES):
        turn.waiting.topic = HOLDINGS  # "大额存单呢" next asks for that kind of hers
    after_answer(turn, answer, {"kind": "view", "view": answer.view.value,
                                "product_word": answer.product_word or product_word,
                                "fact": answer.fact.value if answer.fact else None})


async def pick_for_view(turn: Turn) -> None:
    """The answer to "which one?" asked by a lookup (or the daily list): that customer's view."""
    choice = turn.waiting.choice
    request = choice.request
    fact = Fact(request["fact"]) if request.get("fact") in {f.value for f in Fact} else None
    answer = await in_thread(
        customer_service().choose, turn.staff, choice.candidate_ids, _pick_text(turn, len(choice.candidate_ids)),
        View(request.get("view") or View.PROFILE.value), turn.channel, request.get("product_word"), fact,
    )
    await turn.notifications()
    say_answer(turn.dispatcher, answer)
    after_answer(turn, answer, request)


async def chosen_customer(turn: Turn) -> str | None:
    """The customer picked from the list waiting (for a tag, a suggestion); None, and the list
    shown again, when the answer picks none of them."""
    choice = turn.waiting.choice
    answer = await in_thread(
        customer_service().choose, turn.staff, choice.candidate_ids, _pick_text(turn, len(choice.candidate_ids)),
        View.PICK, turn.channel,
    )
    if answer.outcome is not Outcome.SHOWN:
        say_answer(turn.dispatcher, answer)
        return None
    turn.waiting.choice = None
    return answer.customer_id


async def customer_to_act_on(turn: Turn, text: str, request: dict[str, Any], missing: str | None = None,
                             entities: dict[str, list[str]] | None = None) -> str | None:
    """The customer an action does something to (tag, suggest): named in `text`, or the one in
    context when the message names nobody. She gets her notifications first; `missing`, if given, is said instead (the request lacks what it needs);
    namesakes are listed and `request` waits for the pick. Returns the customer id or None."""
    answer = await in_thread(
        customer_service().ask, turn.staff, View.PICK, turn.entities if entities is None else entities, text,
        turn.slot("current_customer_id"), turn.channel,
    )
    await turn.notifications()
    if missing:
        turn.say(missing)
        return None
    if answer.outcome is Outcome.SHOWN:
        return answer.customer_id
    say_answer(turn.dispatcher, answer)
    after_answer(turn, answer, request)
    return None


async def look_up_bare_name(turn: Turn) -> bool:
    """The lookup for a message that is only a customer's name, whatever intent the NLU gave it
    (a name it never saw: nlu_fallback, affirm, thanks…); False when the message is not one."""
    answer = await in_thread(customer_service().look_up_bare_name, turn.staff, turn.text, turn.channel)
    if answer is None:
        return False
    await turn.notifications()
    say_answer(turn.dispatcher, answer)
    after_answer(turn, answer, {"kind": "view", "view": View.PROFILE.value})
    return True

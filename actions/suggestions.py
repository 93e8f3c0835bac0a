"""Product suggestions: the best eligible products for the customer, more of them, and "能买X吗"."""
from __future__ import annotations

from actions.customers import chosen_customer, customer_to_act_on
from actions.runtime import Turn, in_thread, suggestion_service
from bot.dialogue.message import names_somebody
from bot.dialogue.waiting import SUGGESTIONS
from bot.suggestions.replies import UNKNOWN_PRODUCT, only_shown, render_answer
from bot.suggestions.request import SuggestionRequest


async def _reply(turn: Turn, customer_id: str, request: SuggestionRequest) -> None:
    answer = await in_thread(suggestion_service().answer, turn.staff, customer_id, request,
                             turn.slot("suggestions_shown"), turn.channel)
    turn.say(render_answer(answer.result))
    turn.waiting.topic = SUGGESTIONS  # "那X呢" next asks about X for this customer
    turn.set("current_customer_id", customer_id)
    if answer.shown is not None:
        turn.set("suggestions_shown", answer.shown)


async def suggest(turn: Turn) -> None:
    """"给他推荐点产品", "再推荐几个", "她能买大额存单吗", "给王建国推荐点理财", "第二个他能买吗"."""
    read = await in_thread(suggestion_service().read, turn.text, turn.entities, turn.slot("suggestions_shown"),
                           turn.slot("current_customer_id"), turn.previous_topic == SUGGESTIONS,
                           names_somebody(turn.message))
    customer_id = await customer_to_act_on(turn, read.customer_text, {"kind": "suggest", **read.request.__dict__},
                                           entities=read.customer_entities)
    if customer_id is None:
        return
    if read.shown_fewer is not None:
        turn.say(only_shown(read.shown_fewer))
        turn.waiting.topic = SUGGESTIONS
        return
    if read.unknown_product:
        turn.say(UNKNOWN_PRODUCT.format(words=read.unknown_product))
        turn.set("current_customer_id", customer_id)
        return
    await _reply(turn, customer_id, read.request)


async def suggest_after_choice(turn: Turn) -> None:
    """The answer to "which one?" when the question came from a suggestion request."""
    request = dict(turn.waiting.choice.request)
    request.pop("kind", None)
    customer_id = await chosen_customer(turn)
    if customer_id is None:
        return
    await _reply(turn, customer_id, SuggestionRequest(**request))

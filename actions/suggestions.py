"""Product suggestions: the best eligible products for the customer, more of them, and "能买X吗"."""
from __future__ import annotations

from actions.customers import chosen_customer, customer_to_act_on
from actions.runtime import Turn, in_thread, suggestion_service
from bot.dialogue import SUGGESTIONS
from bot.suggestion_dialogue import SuggestionRequest, read_request
from bot.suggestion_replies import render_purchase_answer, render_suggestions
from bot.suggestions import SuggestOutcome


def _answer(chat_id: str, customer_id: str, request: SuggestionRequest, shown: dict | None, channel: str):
    """(reply, the list now shown or None) for one customer."""
    service = suggestion_service()
    if request.yes_or_no:
        return render_purchase_answer(service.can_buy(chat_id, customer_id, request.product_words, channel=channel)), None
    offset = 0
    if request.more and shown and shown.get("customer_id") == customer_id:
        offset = len(shown.get("products") or [])
    result = service.suggest(chat_id, customer_id, offset=offset, channel=channel, product_words=request.product_words)
    if result.outcome is not SuggestOutcome.SHOWN:
        return render_suggestions(result), None
    earlier = list(shown.get("products") or []) if offset else []
    now_shown = earlier + [s.product_name for s in result.suggestions]
    return render_suggestions(result), {"customer_id": customer_id, "products": now_shown}


async def _reply(turn: Turn, customer_id: str, request: SuggestionRequest) -> None:
    shown = turn.slot("suggestions_shown")
    text, now_shown = await in_thread(_answer, turn.sender, customer_id, request, shown, turn.channel)
    turn.say(text)
    turn.waiting.topic = SUGGESTIONS  # "那X呢" next asks about X for this customer
    turn.set("current_customer_id", customer_id)
    if now_shown is not None:
        turn.set("suggestions_shown", now_shown)


async def suggest(turn: Turn) -> None:
    """"给他推荐点产品", "再推荐几个", "她能买大额存单吗", "给王建国推荐点理财"."""
    request = read_request(turn.text, turn.entities.get("product"))
    text = turn.text
    for value in [*(turn.entities.get("product") or []), request.product_words or ""]:
        if value:
            text = text.replace(value, " ")  # a product word is never a customer's name
    customer_id = await customer_to_act_on(turn, text, {"kind": "suggest", **request.__dict__})
    if customer_id is None:
        return
    await _reply(turn, customer_id, request)


async def suggest_after_choice(turn: Turn) -> None:
    """The answer to "which one?" when the question came from a suggestion request."""
    request = dict(turn.waiting.choice.request)
    request.pop("kind", None)
    customer_id = await chosen_customer(turn)
    if customer_id is None:
        return
    await _reply(turn, customer_id, SuggestionRequest(**request))

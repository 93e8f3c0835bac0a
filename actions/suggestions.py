"""Product suggestions: the best eligible products for the customer, more of them, and "能买X吗"."""
from __future__ import annotations

from actions.customers import chosen_customer, customer_to_act_on
from actions.runtime import Turn, in_thread, suggestion_service
from bot.access import StaffMember
from bot.dialogue.message import names_somebody
from bot.dialogue.waiting import SUGGESTIONS
from bot.suggestions.replies import UNKNOWN_PRODUCT, render_purchase_answer, render_suggestions
from bot.suggestions.request import (
    SuggestionRequest,
    asked_again_for,
    page_asked,
    read_request,
    shown_after,
    unknown_product_asked,
    where_the_customer_is_named,
)
from bot.suggestions.results import SuggestOutcome


def _answer(staff: StaffMember, customer_id: str, request: SuggestionRequest, shown: dict | None, channel: str):
    """(reply, the list now shown or None) for one customer. "再推荐几个" goes on with the list
    shown, of the same kind ("给他推荐点理财" then more 理财)."""
    service = suggestion_service()
    if request.yes_or_no:
        # Kept for "那黄婷莉呢" next: the same question for another customer (asked_again_for).
        answer = service.can_buy(staff, customer_id, request.product_words, channel=channel)
        return render_purchase_answer(answer), {**(shown or {}), "asked": request.product_words}
    offset, words = page_asked(request, shown, customer_id)
    result = service.suggest(staff, customer_id, offset=offset, channel=channel, product_words=words)
    if result.outcome is not SuggestOutcome.SHOWN:
        return render_suggestions(result), None
    return render_suggestions(result), shown_after(shown, offset, customer_id, words,
                                                   [s.product_name for s in result.suggestions])


async def _reply(turn: Turn, customer_id: str, request: SuggestionRequest) -> None:
    shown = turn.slot("suggestions_shown")
    text, now_shown = await in_thread(_answer, turn.staff, customer_id, request, shown, turn.channel)
    turn.say(text)
    turn.waiting.topic = SUGGESTIONS  # "那X呢" next asks about X for this customer
    turn.set("current_customer_id", customer_id)
    if now_shown is not None:
        turn.set("suggestions_shown", now_shown)


async def suggest(turn: Turn) -> None:
    """"给他推荐点产品", "再推荐几个", "她能买大额存单吗", "给王建国推荐点理财", "第二个他能买吗"."""
    shown = turn.slot("suggestions_shown") or {}
    shown_products = shown.get("products") or [] if shown.get("customer_id") == turn.slot("current_customer_id") else []
    catalogue = await in_thread(suggestion_service().product_names)
    request = read_request(turn.text, turn.entities.get("product"), shown_products, catalogue)
    if turn.previous_topic == SUGGESTIONS:  # right after the question
        request = asked_again_for(turn.text, request, shown.get("asked"), names_somebody(turn.message))
    unknown = None if request.yes_or_no or request.product_words else unknown_product_asked(turn.text, catalogue)
    text, entities = where_the_customer_is_named(turn.text, turn.entities, request, unknown)
    customer_id = await customer_to_act_on(turn, text, {"kind": "suggest", **request.__dict__}, entities=entities)
    if customer_id is None:
        return
    if unknown:
        turn.say(UNKNOWN_PRODUCT.format(words=unknown))
        turn.set("current_customer_id", customer_id)
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

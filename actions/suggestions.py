"""Product suggestions: the best eligible products for the customer, more of them, and "能买X吗"."""
from __future__ import annotations

from actions.customers import chosen_customer, customer_to_act_on
from actions.runtime import Turn, in_thread, suggestion_service
from bot.dialogue.message import names_somebody
from bot.dialogue.waiting import SUGGESTIONS
from bot.suggestions.replies import render_purchase_answer, render_suggestions
from bot.suggestions.request import SuggestionRequest, asked_again_for, read_request, unknown_product_asked
from bot.suggestions.service import SuggestOutcome

UNKNOWN_PRODUCT = "行里没有叫「{words}」的产品,没法判断能不能买。请发产品全名(如“大额存单3年”),或发“给她推荐点产品”看她能买的。"


def _answer(chat_id: str, customer_id: str, request: SuggestionRequest, shown: dict | None, channel: str):
    """(reply, the list now shown or None) for one customer. "再推荐几个" goes on with the list
    shown, of the same kind ("给他推荐点理财" then more 理财)."""
    service = suggestion_service()
    if request.yes_or_no:
        # Kept for "那黄婷莉呢" next: the same question for another customer (asked_again_for).
        answer = service.can_buy(chat_id, customer_id, request.product_words, channel=channel)
        return render_purchase_answer(answer), {**(shown or {}), "asked": request.product_words}
    offset, words = 0, request.product_words
    if request.more and shown and shown.get("customer_id") == customer_id:
        offset = len(shown.get("products") or [])
        words = words or shown.get("product_words")
    result = service.suggest(chat_id, customer_id, offset=offset, channel=channel, product_words=words)
    if result.outcome is not SuggestOutcome.SHOWN:
        return render_suggestions(result), None
    earlier = list(shown.get("products") or []) if offset else []
    now_shown = earlier + [s.product_name for s in result.suggestions]
    return render_suggestions(result), {"customer_id": customer_id, "products": now_shown, "product_words": words}


async def _reply(turn: Turn, customer_id: str, request: SuggestionRequest) -> None:
    shown = turn.slot("suggestions_shown")
    text, now_shown = await in_thread(_answer, turn.sender, customer_id, request, shown, turn.channel)
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
    if ((turn.slot("waiting") or {}).get("topic")) == SUGGESTIONS:  # right after the question
        request = asked_again_for(turn.text, request, shown.get("asked"), names_somebody(turn.message))
    text = turn.text
    for value in sorted({*(turn.entities.get("product") or []), request.product_words or ""}, key=len, reverse=True):
        if value:
            text = text.replace(value, " ")  # a product's words are never a customer's name
    entities = turn.entities
    if request.yes_or_no and request.product_words:
        entities = _without_pieces_of(entities, request.product_words)
    unknown = None if request.yes_or_no or request.product_words else unknown_product_asked(turn.text, catalogue)
    if unknown:
        text = text.replace(unknown, " ")  # the product's words are never a customer's name
    customer_id = await customer_to_act_on(turn, text, {"kind": "suggest", **request.__dict__}, entities=entities)
    if customer_id is None:
        return
    if unknown:
        turn.say(UNKNOWN_PRODUCT.format(words=unknown))
        turn.set("current_customer_id", customer_id)
        return
    await _reply(turn, customer_id, request)


def _without_pieces_of(entities: dict[str, list[str]], product_words: str) -> dict[str, list[str]]:
    """The entities without the "names" and "phones" the NLU cut out of the product asked about
    ("那惠农定期1年呢": 那惠农 is no customer, the 1 of 1年 no phone)."""
    kept = {}
    for name, values in entities.items():
        if name in ("customer_name", "phone", "customer_id", "id_number"):
            values = [v for v in values if v.lstrip("那这") not in product_words and not (
                name == "customer_name" and product_words.startswith(v.lstrip("那这")[:2]))]
        if values:
            kept[name] = values
    return kept


async def suggest_after_choice(turn: Turn) -> None:
    """The answer to "which one?" when the question came from a suggestion request."""
    request = dict(turn.waiting.choice.request)
    request.pop("kind", None)
    customer_id = await chosen_customer(turn)
    if customer_id is None:
        return
    await _reply(turn, customer_id, SuggestionRequest(**request))

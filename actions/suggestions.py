"""Product suggestions: the best eligible products for the customer, more of them, and "能买X吗"."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.customers import CHOICE_SETTLED, chosen_customer, customer_to_act_on
from actions.runtime import channel_of, in_thread, latest_entities, latest_text, suggestion_service
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


async def _reply(dispatcher, tracker, customer_id: str, request: SuggestionRequest) -> list[dict[str, Any]]:
    shown = tracker.get_slot("suggestions_shown")
    text, now_shown = await in_thread(_answer, tracker.sender_id, customer_id, request, shown, channel_of(tracker))
    dispatcher.utter_message(text=text)
    events = [SlotSet("current_customer_id", customer_id)]
    if now_shown is not None:
        events.append(SlotSet("suggestions_shown", now_shown))
    return events


class ActionSuggestProducts(Action):
    """"给他推荐点产品", "再推荐几个", "她能买大额存单吗", "给王建国推荐点理财"."""

    def name(self) -> str:
        return "action_suggest_products"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        entities, text = latest_entities(tracker), latest_text(tracker)
        request = read_request(text, entities.get("product"))
        for value in [*(entities.get("product") or []), request.product_words or ""]:
            if value:
                text = text.replace(value, " ")  # a product word is never a customer's name
        customer_id, events = await customer_to_act_on(dispatcher, tracker, text, "pending_suggestion", request.__dict__)
        if customer_id is None:
            return events
        return await _reply(dispatcher, tracker, customer_id, request)


async def suggest_after_choice(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """The answer to "which one?" when the question came from a suggestion request; None otherwise."""
    pending = tracker.get_slot("pending_suggestion")
    if not pending or not tracker.get_slot("candidate_ids"):
        return None
    customer_id = await chosen_customer(dispatcher, tracker)
    if customer_id is None:
        return []
    events = await _reply(dispatcher, tracker, customer_id, SuggestionRequest(**pending))
    return events + [SlotSet(slot, None) for slot in CHOICE_SETTLED]

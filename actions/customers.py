"""Customer 360 actions: look up, holdings, contact history, and the answer to "which one?"."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import (
    channel_of,
    customer_service,
    deliver_notifications,
    in_thread,
    latest_entities,
    latest_text,
)
from bot import customer_replies
from bot.clock import clock
from bot.customer_service import CustomerAnswer, Outcome, PendingChoice, View


def say_answer(dispatcher: CollectingDispatcher, answer: CustomerAnswer) -> None:
    """The answer in Chinese; a "which one?" list also as buttons whose payload is the number, as
    if typed (the web chat shows them; WeCom and Matrix keep the numbered text)."""
    buttons = None
    if answer.outcome is Outcome.CHOOSE:
        buttons = [{"title": f"{c.name} {c.masked_phone}", "payload": str(number)}
                   for number, c in enumerate(answer.candidates, start=1)]
    dispatcher.utter_message(text=customer_replies.render(answer, clock.today()), buttons=buttons)


def _pending(tracker: Tracker) -> PendingChoice | None:
    ids = tracker.get_slot("candidate_ids")
    if not ids:
        return None
    view = tracker.get_slot("pending_view") or View.PROFILE.value
    return PendingChoice(list(ids), View(view), tracker.get_slot("pending_product"))


# After the answer to "which one?": nothing waits for a choice any more.
CHOICE_SETTLED = ("candidate_ids", "pending_view", "pending_tag", "pending_suggestion")


async def chosen_customer(dispatcher: CollectingDispatcher, tracker: Tracker) -> str | None:
    """The customer picked from the list the bot showed; None (and the reason said) otherwise."""
    answer = await in_thread(
        customer_service().choose, tracker.sender_id, list(tracker.get_slot("candidate_ids") or []),
        latest_text(tracker), View.PICK, channel_of(tracker),
    )
    if answer.outcome is not Outcome.SHOWN:
        say_answer(dispatcher, answer)
        return None
    return answer.customer_id


async def customer_to_act_on(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    text: str,
    waiting_slot: str,
    waiting_request: Any,
    missing: str | None = None,
) -> tuple[str | None, list[dict[str, Any]]]:
    """The customer an action does something to (tag, suggest): named in `text`, or the one in
    context. Strangers are refused and a member of staff gets her notifications first; `missing`,
    if given, is said instead (the request lacks what it needs); namesakes are listed and the
    request waits in `waiting_slot` for the choice. Returns (the customer id or None, slot events)."""
    answer = await in_thread(
        customer_service().ask, tracker.sender_id, View.PICK, latest_entities(tracker), text,
        tracker.get_slot("current_customer_id"), channel_of(tracker),
    )
    if answer.outcome is Outcome.STRANGER:
        dispatcher.utter_message(text=customer_replies.STRANGER)
        return None, []
    await deliver_notifications(dispatcher, tracker)
    if missing:
        dispatcher.utter_message(text=missing)
        return None, []
    if answer.outcome is Outcome.SHOWN:
        return answer.customer_id, []
    say_answer(dispatcher, answer)
    if answer.outcome is not Outcome.CHOOSE:
        return None, []
    others = [slot for slot in CHOICE_SETTLED[2:] if slot != waiting_slot]
    return None, [
        SlotSet("candidate_ids", [c.customer_id for c in answer.candidates]),
        SlotSet("pending_view", View.PICK.value),
        SlotSet(waiting_slot, waiting_request),
        *(SlotSet(slot, None) for slot in others),
    ]


async def look_up_bare_name(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """The lookup for a message that is only a customer's name, whatever intent the NLU gave it
    (a name it never saw: nlu_fallback, affirm, thanks…); None when the message is not one.
    Called by every static reply (actions.basics.StaffOnlyReply) before its answer."""
    answer = await in_thread(
        customer_service().look_up_bare_name, tracker.sender_id, latest_text(tracker), channel_of(tracker)
    )
    if answer is None:
        return None
    await deliver_notifications(dispatcher, tracker)
    say_answer(dispatcher, answer)
    return _slot_events(answer, None)


def _slot_events(answer: CustomerAnswer, product_word: str | None) -> list[dict[str, Any]]:
    """Context for the next message: the customer now shown, or the list waiting for a choice."""
    if answer.outcome is Outcome.SHOWN:
        return [
            SlotSet("current_customer_id", answer.customer_id),
            SlotSet("candidate_ids", None),
            SlotSet("pending_view", None),
            SlotSet("pending_product", None),
            SlotSet("pending_tag", None),
            SlotSet("pending_suggestion", None),
        ]
    if answer.outcome is Outcome.CHOOSE:
        return [
            SlotSet("candidate_ids", [c.customer_id for c in answer.candidates]),
            SlotSet("pending_view", answer.view.value),
            SlotSet("pending_product", product_word),
            SlotSet("pending_tag", None),
            SlotSet("pending_suggestion", None),
        ]
    if answer.outcome in (Outcome.NOT_FOUND, Outcome.PROBLEM):
        return [
            SlotSet("candidate_ids", None),
            SlotSet("pending_view", None),
            SlotSet("pending_product", None),
            SlotSet("pending_tag", None),
            SlotSet("pending_suggestion", None),
        ]
    return []


class CustomerViewAction(Action):
    """Show one view of the customer the message names, the one picked from a list, or the one in context."""

    view: View | None = View.PROFILE
    action_name = "action_lookup_customer"

    def name(self) -> str:
        return self.action_name

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        if self.view is None:
            from actions.suggestions import suggest_after_choice
            from actions.visits import complete_from_list, tag_after_choice

            for follow_on in (tag_after_choice, suggest_after_choice, complete_from_list):
                handled = await follow_on(dispatcher, tracker)
                if handled is not None:
                    return handled
        entities = latest_entities(tracker)
        product_word = (entities.get("product") or [None])[0] if self.view is View.HOLDINGS else None
        answer = await in_thread(
            customer_service().handle,
            chat_id=tracker.sender_id,
            view=self.view,
            entities=entities,
            text=latest_text(tracker),
            customer_in_context=tracker.get_slot("current_customer_id"),
            pending=_pending(tracker),
            channel=channel_of(tracker),
            product_word=product_word,
        )
        if answer.outcome is not Outcome.STRANGER:
            await deliver_notifications(dispatcher, tracker)
        say_answer(dispatcher, answer)
        return _slot_events(answer, product_word)


class ActionShowHoldings(CustomerViewAction):
    view = View.HOLDINGS
    action_name = "action_show_holdings"


class ActionShowInteractions(CustomerViewAction):
    view = View.INTERACTIONS
    action_name = "action_show_interactions"


class ActionAnswerChoice(CustomerViewAction):
    """A bare answer: picks from the list the bot showed, or names a customer."""

    view = None
    action_name = "action_answer_choice"

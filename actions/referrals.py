"""Referral actions: make one (a short conversation), update, list, and the month's figures."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.drafts import DraftAction
from actions.runtime import (
    channel_of,
    current_staff,
    deliver_notifications,
    in_thread,
    latest_entities,
    latest_text,
    referral_conversation,
    referral_service,
    referral_updates,
)
from bot import customer_replies, referral_replies
from bot.clock import clock
from bot.referral_dialogue import ReferralDraftState, ReferralTurn, asks_own_figures, month_asked
from bot.suggestion_dialogue import product_number


class ActionRecordReferral(DraftAction):
    """"把王建国转介给客户经理,想了解基金定投", "新建转介": start a referral."""

    action_name, kind = "action_record_referral", "referral"
    state_class = ReferralDraftState

    def new_conversation(self):
        return referral_conversation()

    def extra_events(self, turn: ReferralTurn) -> list[dict[str, Any]]:
        return [SlotSet("current_referral_no", turn.referral_no)] if turn.referral_no else []

    def starting_point(self, tracker: Tracker) -> tuple[dict[str, list[str]], str | None]:
        """"转介第一个给理财经理" right after suggestions: that product, for that customer."""
        entities, customer_id = super().starting_point(tracker)
        shown = tracker.get_slot("suggestions_shown") or {}
        number = product_number(latest_text(tracker))
        products = shown.get("products") or []
        if number and not entities.get("product") and 1 <= number <= len(products):
            entities = {**entities, "product": [products[number - 1]]}
            customer_id = shown.get("customer_id") or customer_id
        return entities, customer_id


class ActionReferralStep(ActionRecordReferral):
    """Any message while a referral is being made: the answer to what the bot asked."""

    action_name, resumes = "action_referral_step", True


class ActionUpdateReferral(Action):
    """"王建国的转介已联系", "那个转介成交了,买了20万理财"."""

    def name(self) -> str:
        return "action_update_referral"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        turn = await in_thread(
            referral_updates().update,
            tracker.sender_id,
            latest_entities(tracker),
            latest_text(tracker),
            tracker.get_slot("current_referral_no"),
            channel_of(tracker),
        )
        if not turn.stranger:
            await deliver_notifications(dispatcher, tracker)
        dispatcher.utter_message(text=turn.reply)
        events = []
        if turn.referral_no:
            events.append(SlotSet("current_referral_no", turn.referral_no))
        if turn.customer_id:
            events.append(SlotSet("current_customer_id", turn.customer_id))
        return events


class ActionListReferrals(Action):
    """"我的转介": what I received and sent, open first, overdue marked."""

    def name(self) -> str:
        return "action_list_referrals"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        lists = await in_thread(referral_service().list_for, tracker.sender_id)
        if lists.outcome == "stranger":
            dispatcher.utter_message(text=customer_replies.STRANGER)
            return []
        await deliver_notifications(dispatcher, tracker)
        dispatcher.utter_message(text=referral_replies.lists_text(lists))
        return []


class ActionReferralStats(Action):
    """"本月转介排行", "我的转介业绩", "上个月转介成交率"."""

    def name(self) -> str:
        return "action_referral_stats"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        if await current_staff(tracker) is None:
            dispatcher.utter_message(text=customer_replies.STRANGER)
            return []
        text = latest_text(tracker)
        month = month_asked(text, clock.today())
        await deliver_notifications(dispatcher, tracker)
        if asks_own_figures(text):
            performance = await in_thread(referral_service().my_performance, tracker.sender_id, month)
            dispatcher.utter_message(text=referral_replies.performance_text(performance))
        else:
            ranking = await in_thread(referral_service().stats, tracker.sender_id, month)
            dispatcher.utter_message(text=referral_replies.ranking_text(ranking))
        return []

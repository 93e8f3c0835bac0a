"""Visit and follow-up actions: log a visit (a short conversation), tag a customer, the daily
list and "完成第2条", feedback."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.customers import CHOICE_SETTLED, chosen_customer, customer_to_act_on
from actions.drafts import DraftAction
from actions.runtime import (
    channel_of,
    deliver_notifications,
    in_thread,
    latest_entities,
    latest_text,
    visit_conversation,
    visit_service,
)
from bot import customer_replies, visit_replies
from bot.clock import clock
from bot.customer_service import View
from bot.daily_list_period import tasks_period_asked
from bot.visit_dialogue import (
    VisitDraftState,
    item_number,
    render_completed,
    render_tag_result,
    tag_request,
)


class ActionLogVisit(DraftAction):
    """"今天上门拜访了王建国,对基金定投有兴趣,约了下周三再谈": read it, show it, confirm."""

    action_name, kind = "action_log_visit", "visit"
    state_class = VisitDraftState

    def new_conversation(self):
        return visit_conversation()


class ActionVisitStep(ActionLogVisit):
    """Any answer while a visit is being logged: which customer, a correction, confirm or cancel."""

    action_name, resumes = "action_visit_step", True


def _tag(chat_id: str, customer_id: str, pending: dict, channel: str):
    return visit_service().tag_customer(chat_id, customer_id, pending["tag"], pending["remove"], channel)


class ActionTagCustomer(Action):
    """"给王建国加个标签:有房贷需求", "把他的沉睡客户标签去掉"."""

    def name(self) -> str:
        return "action_tag_customer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        entities, text = latest_entities(tracker), latest_text(tracker)
        tag, remove = tag_request(entities, text)
        for value in entities.get("tag") or []:
            text = text.replace(value, " ")  # a tag word is never a customer's name
        pending = {"tag": tag, "remove": remove}
        missing = None if tag else "要加什么标签?比如“给王建国加个标签:有房贷需求”。"
        customer_id, events = await customer_to_act_on(dispatcher, tracker, text, "pending_tag", pending, missing)
        if customer_id is None:
            return events
        result = await in_thread(_tag, tracker.sender_id, customer_id, pending, channel_of(tracker))
        dispatcher.utter_message(text=render_tag_result(result))
        return [SlotSet("current_customer_id", customer_id)]


async def tag_after_choice(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """The answer to "which one?" when the question came from tagging; None otherwise."""
    pending = tracker.get_slot("pending_tag")
    if not pending or not tracker.get_slot("candidate_ids"):
        return None
    customer_id = await chosen_customer(dispatcher, tracker)
    if customer_id is None:
        return []
    result = await in_thread(_tag, tracker.sender_id, customer_id, pending, channel_of(tracker))
    dispatcher.utter_message(text=render_tag_result(result))
    return [SlotSet("current_customer_id", customer_id)] + [SlotSet(slot, None) for slot in CHOICE_SETTLED]


COMPLETING = ("完成", "办完", "做完", "搞定")


async def complete_from_list(dispatcher: CollectingDispatcher, tracker: Tracker) -> list | None:
    """"完成第2条" right after the daily list (the NLU may call it an answer); None otherwise."""
    text = latest_text(tracker)
    refs = tracker.get_slot("task_refs")
    if not refs or not any(word in text for word in COMPLETING) or item_number(text) is None:
        return None
    result = await in_thread(visit_service().complete, tracker.sender_id, item_number=item_number(text), shown=list(refs))
    if result.outcome.value != "stranger":
        await deliver_notifications(dispatcher, tracker)
    dispatcher.utter_message(text=render_completed(result))
    return []


class ActionListTasks(Action):
    """"今天要跟进哪些客户", "我的待办"; "完成第2条" closes a follow-up of the list last shown."""

    def name(self) -> str:
        return "action_list_tasks"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        text = latest_text(tracker)
        if any(word in text for word in COMPLETING) and item_number(text) is not None:
            if tracker.get_slot("task_refs"):
                return await complete_from_list(dispatcher, tracker)
            dispatcher.utter_message(text=render_completed(
                await in_thread(visit_service().complete, tracker.sender_id, item_number=item_number(text), shown=[])
            ))
            return []
        period = tasks_period_asked(text, clock.today())  # "明天的待办", "下周的待办"; None: today's
        daily = await in_thread(visit_service().daily_list, tracker.sender_id, clock.today(), channel_of(tracker), period)
        if daily.outcome == "stranger":
            dispatcher.utter_message(text=customer_replies.STRANGER)
            return []
        await deliver_notifications(dispatcher, tracker)
        reply = visit_replies.render_daily_list(daily.items, daily.today, daily.period)
        if daily.items:
            reply += "\n回复序号看这位客户的360信息。"
        dispatcher.utter_message(text=reply)
        return [
            SlotSet("task_refs", daily.refs),
            # The numbers also open the customer: the "which one?" answer of the 360 view.
            SlotSet("candidate_ids", [item.customer_id for item in daily.items] or None),
            SlotSet("pending_view", View.PROFILE.value if daily.items else None),
            SlotSet("pending_tag", None),
            SlotSet("pending_suggestion", None),
        ]


class ActionGiveFeedback(Action):
    """"提个建议:转介能不能加个提醒": kept with the person, the time and the last intent."""

    def name(self) -> str:
        return "action_give_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        intents = [e.get("parse_data", {}).get("intent", {}).get("name") for e in tracker.events if e.get("event") == "user"]
        last_intent = next((i for i in reversed(intents[:-1]) if i), None)
        saved = await in_thread(
            visit_service().feedback, tracker.sender_id, latest_text(tracker), last_intent, channel_of(tracker)
        )
        if saved.outcome == "stranger":
            dispatcher.utter_message(text=customer_replies.STRANGER)
            return []
        await deliver_notifications(dispatcher, tracker)
        dispatcher.utter_message(text="收到,谢谢!您的意见已记下,维护团队会看到。")
        return []

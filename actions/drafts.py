"""What the two drafting conversations share (a referral being made, a visit note being
confirmed): start one from a message, feed it the next answers, keep its state in a slot, and
keep only one open at a time."""
from __future__ import annotations

import logging
from abc import ABCMeta, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import channel_of, deliver_notifications, in_thread, latest_entities, latest_text
from bot.db import DatabaseUnavailable

logger = logging.getLogger(__name__)

# The database failed during the turn: the unit of work rolled back, the draft (slot) is kept,
# and "确认" again once it is back saves it.
NOT_SAVED_REPLY = "系统暂时连不上数据库,这次没有保存任何内容。请稍后再回复一次(草稿还在)。"

# A draft waiting for its confirmation offers the two answers as buttons (numbered choices on WeCom
# and Matrix, where "1" then means 确认).
CONFIRM_BUTTONS = [{"title": "确认", "payload": "确认"}, {"title": "取消", "payload": "取消"}]

# Each draft's slots: its state and the flag the rules look at.
DRAFT_SLOTS = {"referral": ("referral_draft", "referral_in_progress"), "visit": ("visit_draft", "visit_in_progress")}


def draft_events(kind: str, turn: Any) -> list[dict[str, Any]]:
    """Slots after a turn: the draft's state (None once saved or abandoned), the customer now in
    context, and any other open draft set aside, so that one answer never feeds two drafts."""
    state_slot, flag_slot = DRAFT_SLOTS[kind]
    events = [SlotSet(state_slot, turn.state.to_dict() if turn.state else None), SlotSet(flag_slot, turn.state is not None)]
    if turn.state is not None:
        for other, (other_state, other_flag) in DRAFT_SLOTS.items():
            if other != kind:
                events += [SlotSet(other_state, None), SlotSet(other_flag, False)]
    if turn.customer_id:
        events += [SlotSet("current_customer_id", turn.customer_id), SlotSet("candidate_ids", None)]
    return events


class DraftAction(Action, metaclass=ABCMeta):
    """Start a draft from this message (`resumes` False) or answer the open one (True)."""

    action_name: str
    kind: str
    resumes: bool = False
    state_class: Any

    def name(self) -> str:
        return self.action_name

    @abstractmethod
    def new_conversation(self) -> Any:
        """The bot/ conversation this action drives (start and resume)."""

    def extra_events(self, turn: Any) -> list[dict[str, Any]]:
        return []

    def starting_point(self, tracker: Tracker) -> tuple[dict[str, list[str]], str | None]:
        """The entities a new draft starts from, and the customer in context."""
        return latest_entities(tracker), tracker.get_slot("current_customer_id")

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        try:
            return await self._turn(dispatcher, tracker)
        except DatabaseUnavailable as error:
            logger.error("%s: database unavailable (%s), nothing saved", self.action_name, error)
            dispatcher.messages.clear()  # nothing said before the failure stands
            dispatcher.utter_message(text=NOT_SAVED_REPLY)
            return []

    async def _turn(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list:
        conversation = self.new_conversation()
        state = self.state_class.from_dict(tracker.get_slot(DRAFT_SLOTS[self.kind][0])) if self.resumes else None
        if state is None:  # a new draft, or the slot was lost (a new session): start from this message
            entities, customer_in_context = self.starting_point(tracker)
            turn = await in_thread(
                conversation.start,
                chat_id=tracker.sender_id,
                entities=entities,
                text=latest_text(tracker),
                customer_in_context=customer_in_context,
                channel=channel_of(tracker),
            )
        else:
            turn = await in_thread(
                conversation.resume,
                tracker.sender_id,
                state,
                (tracker.latest_message.get("intent") or {}).get("name"),
                latest_entities(tracker),
                latest_text(tracker),
                channel_of(tracker),
            )
        if not turn.stranger:
            await deliver_notifications(dispatcher, tracker)
        dispatcher.utter_message(text=turn.reply, buttons=CONFIRM_BUTTONS if turn.awaiting_confirmation else None)
        return draft_events(self.kind, turn) + self.extra_events(turn)

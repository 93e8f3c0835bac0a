"""The one action Rasa runs for every message: bot.dialogue decides which capability answers,
with what the bot is waiting for in view; this module calls it and keeps `waiting` in its slot."""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any, Awaitable, Callable

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import basics, campaigns, customers, drafts, referrals, scheduler, segments, suggestions, visits
from actions.runtime import Turn, customer_service, in_thread, message_of
from bot.clock import clock
from bot.customers.service import View
from bot.db import DatabaseUnavailable
from bot.dialogue.decisions import Decision, Route, decide
from bot.dialogue.message import Message, names_somebody
from bot.dialogue.notices import dropped_notice, kept_notice
from bot.dialogue.replies import NOT_DONE_REPLY, NOT_SAVED_REPLY, NOT_STAFF, NOTIFICATIONS_LATER
from bot.dialogue.waiting import REFERRAL, VISIT, Waiting
from bot.privacy import mask_identifiers_in_text
from bot.referrals.people import colleague_asked_for, names_to_settle, settle_names

logger = logging.getLogger(__name__)


async def _pick(turn: Turn) -> None:
    kind = turn.waiting.choice.request.get("kind")
    if kind == "tag":
        await visits.tag_after_choice(turn)
    elif kind == "suggest":
        await suggestions.suggest_after_choice(turn)
    else:
        await customers.pick_for_view(turn)


HANDLERS: dict[Route, Callable[[Turn], Awaitable[None]]] = {
    Route.DRAFT_STEP: drafts.draft_step,
    Route.PICK: _pick,
    Route.LOOKUP: lambda turn: customers.show(turn, View.PROFILE),
    Route.HOLDINGS: lambda turn: customers.show(turn, View.HOLDINGS),
    Route.INTERACTIONS: lambda turn: customers.show(turn, View.INTERACTIONS),
    Route.SUGGEST: suggestions.suggest,
    Route.START_REFERRAL: lambda turn: drafts.start_draft(turn, REFERRAL),
    Route.UPDATE_REFERRAL: referrals.update,
    Route.LIST_REFERRALS: referrals.list_mine,
    Route.REFERRAL_STATS: referrals.figures,
    Route.START_VISIT: lambda turn: drafts.start_draft(turn, VISIT),
    Route.TAG: visits.tag,
    Route.LIST_TASKS: visits.list_tasks,
    Route.OWN_CONTACTS: visits.own_contacts,
    Route.FEEDBACK: visits.feedback,
    Route.FIND_CUSTOMERS: segments.find,
    Route.SEGMENT_MORE: segments.more,
    Route.SEGMENT_CORRECTION: segments.correct,
    Route.SAVE_SEGMENT: segments.save,
    Route.SAVED_SEGMENTS: segments.saved_lists,
    Route.START_CAMPAIGN: campaigns.start,
    Route.CAMPAIGN_OUTCOME: campaigns.outcome,
    Route.CAMPAIGN_PROGRESS: campaigns.progress,
    Route.REASSIGN_CAMPAIGN: campaigns.reassign,
    Route.NOT_CHINESE: basics.not_chinese,
    Route.UNCLEAR_ANSWER: basics.unclear_answer,
    Route.UNDO_SAVED: basics.undo_saved,
    Route.EDIT_CUSTOMER: basics.edit_customer,
    Route.BRANCH_VIEW: basics.branch_view,
}


class ActionRespond(Action):
    """Every message: read it with what waits in view, answer it, keep what waits."""

    def name(self) -> str:
        return "action_respond"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        scheduler.ensure_started()  # the periodic jobs start with the first message the server answers
        try:
            # Who is asking, once per message: every service is called with her.
            staff = await in_thread(customer_service().who_is, tracker.sender_id)
        except DatabaseUnavailable as error:
            logger.error("staff: database unavailable (%s), nothing saved", error)
            return _database_away(dispatcher, tracker)
        if staff is None:
            dispatcher.utter_message(text=NOT_STAFF)  # and nothing else: not even a greeting
            return []
        waiting = Waiting.from_dict(tracker.get_slot("waiting"))
        message = message_of(tracker)
        message = await _names_settled(message, waiting)
        decision = decide(message, waiting, clock.now())
        turn = Turn(dispatcher, tracker, staff, message, waiting)
        if decision.dropped is not None:
            turn.waiting.draft = None
        if decision.route is not Route.PICK:
            turn.waiting.choice = None  # anything but a pick answers the list no more
        turn.waiting.topic = None  # set again by an answer a short follow-up may refer to
        try:
            await self._answer(turn, decision)
        except Exception as error:
            if turn.saved_reply is None:
                if not isinstance(error, DatabaseUnavailable):
                    raise
                logger.error("%s: database unavailable (%s), nothing saved", decision.route.value, error)
                return _database_away(dispatcher, tracker)
            # The save was committed; what failed came after it. Say what was saved, and never
            # offer the saved draft again (a second "确认" would save it twice).
            logger.error("%s: failed after the save (%s); the reply says what was saved",
                         decision.route.value, type(error).__name__)
            turn.waiting.draft = None
            if not any(m.get("text") == turn.saved_reply for m in dispatcher.messages):
                turn.say(turn.saved_reply)
            turn.notifications_later = True
        self._notices(turn, decision)
        if turn.notifications_later and dispatcher.messages:
            turn.say(NOTIFICATIONS_LATER)
        _mask_replies(dispatcher.messages)
        if (names_somebody(message) and tracker.get_slot("current_customer_id") is not None
                and not any(e.get("name") == "current_customer_id" for e in turn.events)):
            # She named somebody who is not shown now (not found, or namesakes to pick from): the
            # customer talked about before is no longer "him" or "her" of the next message.
            turn.set("current_customer_id", None)
        after = turn.waiting.to_dict()
        changed = after != tracker.get_slot("waiting")
        return turn.events + ([SlotSet("waiting", after)] if changed else [])

    async def _answer(self, turn: Turn, decision: Decision) -> None:
        if decision.route is Route.STATIC:
            await basics.static_reply(turn, decision.response)
        else:
            await HANDLERS[decision.route](turn)

    def _notices(self, turn: Turn, decision: Decision) -> None:
        """A draft dropped this turn is said first; a draft still waiting beside the answer, last."""
        messages = turn.dispatcher.messages
        if decision.dropped is not None and messages:
            turn.say(dropped_notice(decision.dropped, decision.dropped_because))
            messages.insert(0, messages.pop())
        kept = turn.waiting.draft
        if decision.kept is not None and kept is not None and messages:
            last = messages[-1]
            if last.get("text"):
                last["text"] = last["text"] + "\n" + kept_notice(kept)
            else:
                turn.say(kept_notice(kept))


async def _names_settled(message: Message, waiting: Waiting) -> Message:
    """The message's names read with the staff list (bot.referrals.dialogue.settle_names): only
    when a colleague may be meant, so that most messages cost no query."""
    colleague_asked = colleague_asked_for(waiting)
    if not names_to_settle(message, colleague_asked):
        return message
    try:
        colleagues = await in_thread(customer_service().colleague_names)
    except DatabaseUnavailable:
        return message  # the turn's own step says the database is away
    return replace(message, entities=settle_names(message.entities, message.text, colleagues, colleague_asked))


def _database_away(dispatcher: CollectingDispatcher, tracker: Tracker) -> list:
    """The database failed before anything was saved: only that is said (nothing said before the
    failure stands), and what waited is kept as it was for the retry."""
    dispatcher.messages.clear()
    had_draft = Waiting.from_dict(tracker.get_slot("waiting")).draft is not None
    dispatcher.utter_message(text=NOT_SAVED_REPLY if had_draft else NOT_DONE_REPLY)
    return []


def _mask_replies(messages: list[dict]) -> None:
    """No phone or ID number in full in what the bot says, whatever put it there (a draft repeats
    the note as typed, a notification carries a referral's note): texts and button titles."""
    for message in messages:
        if message.get("text"):
            message["text"] = mask_identifiers_in_text(message["text"])
        for button in message.get("buttons") or ():
            if isinstance(button, dict) and button.get("title"):
                button["title"] = mask_identifiers_in_text(button["title"])

"""What the drafting conversations share (a referral being made, a visit note being confirmed, a
campaign being made): start one from a message, feed it the next answers, and keep it in `waiting` until
it is saved or abandoned (bot.dialogue.Draft)."""
from __future__ import annotations

from typing import Any

from actions.runtime import Turn, campaign_conversation, in_thread, referral_conversation, visit_conversation
from bot.clock import clock
from bot.dialogue.message import names_somebody
from bot.dialogue.replies import CONFIRM_BUTTONS
from bot.campaigns.dialogue import CampaignDraftState
from bot.dialogue.waiting import CAMPAIGN, REFERRAL, SUGGESTIONS, VISIT, Draft
from bot.referrals.dialogue import ReferralDraftState, starting_point
from bot.visits.dialogue import VisitDraftState

_CONVERSATIONS = {REFERRAL: referral_conversation, VISIT: visit_conversation, CAMPAIGN: campaign_conversation}
_STATES = {REFERRAL: ReferralDraftState, VISIT: VisitDraftState, CAMPAIGN: CampaignDraftState}


def _starting_point(turn: Turn, kind: str) -> tuple[dict[str, list[str]], str | None]:
    """The entities a new draft starts from, and the customer in context (a referral right after
    suggestions: bot.referrals.dialogue.starting_point)."""
    if kind != REFERRAL:
        return turn.entities, turn.slot("current_customer_id")
    return starting_point(turn.text, turn.entities, turn.slot("current_customer_id"), turn.slot("suggestions_shown"),
                          names_somebody(turn.message), turn.previous_topic == SUGGESTIONS)


async def start_draft(turn: Turn, kind: str) -> None:
    entities, customer_in_context = _starting_point(turn, kind)
    result = await in_thread(
        _CONVERSATIONS[kind]().start,
        staff=turn.staff,
        entities=entities,
        text=turn.text,
        customer_in_context=customer_in_context,
        channel=turn.channel,
    )
    await finish_draft(turn, kind, result)


async def draft_step(turn: Turn) -> None:
    """The answer to what the waiting draft asked."""
    draft = turn.waiting.draft
    state = _STATES[draft.kind].from_dict(draft.state)
    if state is None:  # a malformed state (an old slot): start again from this message
        turn.waiting.draft = None
        if draft.kind == CAMPAIGN:
            from actions import campaigns

            await campaigns.start(turn)
        else:
            await start_draft(turn, draft.kind)
        return
    result = await in_thread(
        _CONVERSATIONS[draft.kind]().resume,
        turn.staff,
        state,
        turn.message.intent,
        turn.entities,
        turn.text,
        turn.channel,
    )
    await finish_draft(turn, draft.kind, result)


async def finish_draft(turn: Turn, kind: str, result: Any) -> None:
    """Say the draft's reply and keep its state (or drop it once saved or cancelled)."""
    if result.saved:  # committed: whatever fails from here on, the reply says it was saved
        turn.saved(result.reply)
    await turn.notifications()
    turn.say(result.reply, buttons=CONFIRM_BUTTONS if result.awaiting_confirmation else None)
    state = result.state
    if state is None:
        turn.waiting.draft = None
    else:
        turn.waiting.draft = Draft(
            kind=kind,
            step=state.step,
            since=clock.now().isoformat(),
            customer_id=state.customer_id,
            customer_name=state.customer_name or None,
            customer_source=state.customer_source,
            state=state.to_dict(),
        )
        turn.waiting.choice = None  # the draft's own list (namesakes) is in its state
    if result.customer_id:
        turn.set("current_customer_id", result.customer_id)
    if getattr(result, "referral_no", None):
        turn.set("current_referral_no", result.referral_no)

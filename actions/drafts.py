"""What the two drafting conversations share (a referral being made, a visit note being
confirmed): start one from a message, feed it the next answers, and keep it in `waiting` until
it is saved or abandoned (bot.dialogue.Draft)."""
from __future__ import annotations

from typing import Any

from actions.runtime import Turn, in_thread, referral_conversation, visit_conversation
from bot.clock import clock
from bot.dialogue.message import names_somebody
from bot.dialogue.waiting import REFERRAL, SUGGESTIONS, VISIT, Draft
from bot.referrals.dialogue import ReferralDraftState
from bot.suggestions.request import product_number
from bot.visits.dialogue import VisitDraftState
from bot.vocabulary.products import product_word_in

# A draft waiting for its confirmation offers the two answers as buttons (numbered choices on WeCom
# and Matrix, where "1" then means 确认).
CONFIRM_BUTTONS = [{"title": "确认", "payload": "确认"}, {"title": "取消", "payload": "取消"}]

_CONVERSATIONS = {REFERRAL: referral_conversation, VISIT: visit_conversation}
_STATES = {REFERRAL: ReferralDraftState, VISIT: VisitDraftState}


def _starting_point(turn: Turn, kind: str) -> tuple[dict[str, list[str]], str | None]:
    """The entities a new draft starts from, and the customer in context. "转介第一个给理财经理"
    right after suggestions: that product, for that customer; "转给理财经理" right after "她能买
    基金吗": the product asked about."""
    entities, customer_id = turn.entities, turn.slot("current_customer_id")
    if kind == REFERRAL:
        shown = turn.slot("suggestions_shown") or {}
        number = product_number(turn.text)
        products = shown.get("products") or []
        if number and not entities.get("product") and 1 <= number <= len(products):
            entities = {**entities, "product": [products[number - 1]]}
            customer_id = shown.get("customer_id") or customer_id
        elif (shown.get("asked") and not entities.get("product") and product_word_in(turn.text) is None
              and not names_somebody(turn.message) and (turn.slot("waiting") or {}).get("topic") == SUGGESTIONS):
            # "那就转给理财经理吧" right after "她能买基金吗": the product just asked about (the
            # summary shows it before anything is saved).
            entities = {**entities, "product": [shown["asked"]]}
    return entities, customer_id


async def start_draft(turn: Turn, kind: str) -> None:
    entities, customer_in_context = _starting_point(turn, kind)
    result = await in_thread(
        _CONVERSATIONS[kind]().start,
        chat_id=turn.sender,
        entities=entities,
        text=turn.text,
        customer_in_context=customer_in_context,
        channel=turn.channel,
    )
    await _finish(turn, kind, result)


async def draft_step(turn: Turn) -> None:
    """The answer to what the waiting draft asked."""
    draft = turn.waiting.draft
    state = _STATES[draft.kind].from_dict(draft.state)
    if state is None:  # a malformed state (an old slot): start again from this message
        turn.waiting.draft = None
        await start_draft(turn, draft.kind)
        return
    result = await in_thread(
        _CONVERSATIONS[draft.kind]().resume,
        turn.sender,
        state,
        turn.message.intent,
        turn.entities,
        turn.text,
        turn.channel,
    )
    await _finish(turn, draft.kind, result)


async def _finish(turn: Turn, kind: str, result: Any) -> None:
    if result.saved:  # committed: whatever fails from here on, the reply says it was saved
        turn.saved(result.reply)
    if not result.stranger:
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

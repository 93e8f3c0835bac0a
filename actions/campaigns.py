"""Campaigns (营销活动): "做个活动,推大额存单,按客户经理分,月底前" after a segment, outcomes of its
customers, "活动进度", "把马骏没联系的转给王芳"."""
from __future__ import annotations

from actions.drafts import finish_draft
from actions.runtime import Turn, campaign_conversation, campaign_service, in_thread
from bot.campaigns.reading import outcome_said, reassignment_said
from bot.campaigns.replies import NOT_FOUND, render_outcome, render_progress, render_reassigned
from bot.campaigns.results import OutcomeRecorded, OutcomeResult
from bot.clock import clock
from bot.dialogue.waiting import CAMPAIGN
from bot.segments.conditions import Segment


async def start(turn: Turn) -> None:
    """A campaign draft from the segment last listed (none: the reply says to find one first)."""
    shown = turn.waiting.segment
    segment = Segment.from_dict(shown.conditions) if shown is not None and not shown.expired(clock.now()) else None
    result = await in_thread(campaign_conversation().start, turn.staff, turn.text, segment)
    await finish_draft(turn, CAMPAIGN, result)


async def outcome(turn: Turn) -> None:
    """"第3个已联系,有意向" (the daily list's item 3), "王建国活动成交10万" (the customer named)."""
    said = outcome_said(turn.text)
    refs = list(turn.slot("task_refs") or [])
    if said.item_number is not None:
        if not 1 <= said.item_number <= len(refs):
            result = OutcomeRecorded(OutcomeResult.NOT_FOUND)
        else:
            result = await in_thread(campaign_service().record_outcome, turn.staff, said.status, said.amount,
                                     item_ref=str(refs[said.item_number - 1]), said=turn.text)
    else:
        named = tuple(value for name in ("customer_name", "customer_id", "phone") for value in turn.entities.get(name, ()))
        result = await in_thread(campaign_service().record_outcome, turn.staff, said.status, said.amount,
                                 customer_id=turn.slot("current_customer_id"), said=turn.text, named=named)
    reply = render_outcome(result)
    if result.result is OutcomeResult.RECORDED:
        turn.saved(reply)
        turn.set("current_customer_id", result.customer_id)
    await turn.notifications()
    turn.say(reply)


async def progress(turn: Turn) -> None:
    result = await in_thread(campaign_service().progress, turn.staff, turn.text)
    await turn.notifications()
    turn.say(render_progress(result, clock.today()))


async def reassign(turn: Turn) -> None:
    who = reassignment_said(turn.text)
    if who is None:
        turn.say(NOT_FOUND)
        return
    result = await in_thread(campaign_service().reassign, turn.staff, who[0], who[1], turn.text)
    reply = render_reassigned(result)
    if result.moved:
        turn.saved(reply)
    await turn.notifications()
    turn.say(reply)

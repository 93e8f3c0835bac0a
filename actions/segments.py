"""Segments (客群): "下个月有定期到期的客户", "更多", "改成10万以上", "保存为名单:…", "我的名单"."""
from __future__ import annotations

from actions.customers import numbers_open_the_customer
from actions.runtime import Turn, in_thread, segment_service
from bot.clock import clock
from bot.dialogue.waiting import MAX_SEGMENT_IDS, SEGMENT, ShownSegment
from bot.segments.conditions import Segment
from bot.segments.replies import render_page, render_saved, render_saved_lists
from bot.segments.results import SaveOutcome, SegmentOutcome, SegmentPage


def _shown(turn: Turn) -> ShownSegment | None:
    shown = turn.waiting.segment
    return shown if shown is not None and not shown.expired(clock.now()) else None


def _shown_segment(turn: Turn) -> Segment | None:
    shown = _shown(turn)
    return Segment.from_dict(shown.conditions) if shown is not None else None


async def find(turn: Turn) -> None:
    """A new segment from the message."""
    segment = segment_service().read(turn.text, turn.entities.get("product") or [])
    page = await in_thread(segment_service().find, turn.staff, segment, turn.channel)
    await _say_page(turn, page, earlier_ids=[])


async def correct(turn: Turn) -> None:
    """"改成10万以上", "只要代理网点的": the segment just shown, changed."""
    shown = _shown_segment(turn)
    segment = segment_service().read(turn.text, turn.entities.get("product") or [], shown=shown)
    page = await in_thread(segment_service().find, turn.staff, segment, turn.channel)
    await _say_page(turn, page, earlier_ids=[])


async def more(turn: Turn) -> None:
    """"更多": the next page of the segment just shown."""
    shown = _shown(turn)
    segment = Segment.from_dict(shown.conditions) if shown is not None else None
    earlier = list(shown.shown_ids) if shown is not None else []
    page = await in_thread(segment_service().find, turn.staff, segment, turn.channel, len(earlier),
                           shown.saved_name if shown is not None else None)
    await _say_page(turn, page, earlier_ids=earlier)


async def save(turn: Turn) -> None:
    """"保存为名单:下月到期": the segment last shown kept under that name."""
    result = await in_thread(segment_service().save_asked, turn.staff, turn.text, _shown_segment(turn))
    reply = render_saved(result)
    if result.outcome in (SaveOutcome.SAVED, SaveOutcome.REPLACED):
        turn.saved(reply)  # committed: whatever fails next, the reply says so
    await turn.notifications()
    turn.say(reply)


async def saved_lists(turn: Turn) -> None:
    """"我的名单", "打开名单1", "删除名单:下月到期"."""
    answer = await in_thread(segment_service().saved_lists, turn.staff, turn.text, turn.channel)
    if answer.page is not None:
        await _say_page(turn, answer.page, earlier_ids=[])
        return
    await turn.notifications()
    turn.say(render_saved_lists(answer))


async def _say_page(turn: Turn, page: SegmentPage, earlier_ids: list[str]) -> None:
    await turn.notifications()
    turn.say(render_page(page))
    if page.segment is None or page.outcome in (SegmentOutcome.NO_CONDITION, SegmentOutcome.NOT_BUILT):
        return
    ids = (earlier_ids + [line.customer_id for line in page.lines])[:MAX_SEGMENT_IDS]
    turn.waiting.segment = ShownSegment(page.segment.as_dict(), ids, clock.now().isoformat(), page.saved_name)
    turn.waiting.topic = SEGMENT  # "更多" pages on, "改成10万以上" corrects it
    numbers_open_the_customer(turn, ids)

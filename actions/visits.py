"""Tags, the daily list and "完成第2条", feedback. (Logging a visit is a draft: actions/drafts.py.)"""
from __future__ import annotations

from actions.customers import chosen_customer, customer_to_act_on
from actions.runtime import Turn, customer_service, in_thread, visit_service
from bot.access import StaffMember
from bot.clock import clock
from bot.customers.service import View
from bot.dialogue.waiting import TASKS, Choice
from bot.visits import replies as visit_replies
from bot.visits.dialogue import (
    colleague_asked_about,
    completion_asked,
    tag_request,
    without_tag_words,
)
from bot.visits.period import tasks_period_asked
from bot.visits.replies import (
    ASK_TAG,
    FEEDBACK_SAVED,
    OWN_LIST_ONLY,
    render_completed,
    render_tag_result,
)
from bot.visits.results import CompleteOutcome


def _tag(staff: StaffMember, customer_id: str, request: dict, channel: str):
    return visit_service().tag_customer(staff, customer_id, request["tag"], request["remove"], channel)


async def tag(turn: Turn) -> None:
    """"给王建国加个标签:有房贷需求", "把他的沉睡客户标签去掉"."""
    tag_word, remove = tag_request(turn.entities, turn.text)
    text = without_tag_words(turn.text, turn.entities, tag_word)
    request = {"kind": "tag", "tag": tag_word, "remove": remove}
    customer_id = await customer_to_act_on(turn, text, request, None if tag_word else ASK_TAG)
    if customer_id is None:
        return
    result = await in_thread(_tag, turn.staff, customer_id, request, turn.channel)
    turn.say(render_tag_result(result))
    turn.set("current_customer_id", customer_id)


async def tag_after_choice(turn: Turn) -> None:
    """The answer to "which one?" when the question came from tagging."""
    request = turn.waiting.choice.request
    customer_id = await chosen_customer(turn)
    if customer_id is None:
        return
    result = await in_thread(_tag, turn.staff, customer_id, request, turn.channel)
    turn.say(render_tag_result(result))
    turn.set("current_customer_id", customer_id)


def _colleague_asked_about(staff: StaffMember, text: str, staff_names: list[str]) -> str | None:
    return colleague_asked_about(text, staff_names, customer_service().colleague_names(), staff.name)


async def list_tasks(turn: Turn) -> None:
    """"今天要跟进哪些客户", "我的待办"; "完成第2条" closes a follow-up of the list last shown."""
    text = turn.text
    number = completion_asked(text)
    if number is not None:
        result = await in_thread(visit_service().complete, turn.staff, item_number=number,
                                 shown=list(turn.slot("task_refs") or []))
        reply = render_completed(result)
        if result.outcome is CompleteOutcome.DONE:
            turn.saved(reply)  # committed: whatever fails next, the reply says so
        await turn.notifications()
        turn.say(reply)
        return
    other = await in_thread(_colleague_asked_about, turn.staff, text, turn.entities.get("staff_name") or [])
    if other:
        turn.say(OWN_LIST_ONLY.format(name=other))
        return
    period = tasks_period_asked(text, clock.today())  # "明天的待办", "下周的待办"; None: today's
    daily = await in_thread(visit_service().daily_list, turn.staff, clock.today(), turn.channel, period)
    await turn.notifications()
    reply = visit_replies.render_daily_list(daily.items, daily.today, daily.period)
    if daily.items:
        reply += "\n回复序号看这位客户的360信息。"
    turn.say(reply)
    turn.set("task_refs", daily.refs)
    turn.waiting.topic = TASKS  # "明天呢" next asks for tomorrow's list
    # The numbers also open the customer: the "which one?" answer of the 360 view.
    turn.waiting.choice = (Choice([item.customer_id for item in daily.items], {"kind": "view", "view": View.PROFILE.value})
                           if daily.items else None)


async def feedback(turn: Turn) -> None:
    """"提个建议:转介能不能加个提醒": kept with the person, the time and the last intent."""
    intents = [e.get("parse_data", {}).get("intent", {}).get("name")
               for e in turn.tracker.events if e.get("event") == "user"]
    last_intent = next((i for i in reversed(intents[:-1]) if i), None)
    await in_thread(visit_service().feedback, turn.staff, turn.text, last_intent, turn.channel)
    turn.saved(FEEDBACK_SAVED)  # committed: whatever fails next, the reply says so
    await turn.notifications()
    turn.say(FEEDBACK_SAVED)

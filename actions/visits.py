"""Tags, the daily list and "完成第2条", feedback. (Logging a visit is a draft: actions/drafts.py.)"""
from __future__ import annotations

from actions.customers import chosen_customer, customer_to_act_on, numbers_open_the_customer
from actions.runtime import Turn, in_thread, visit_service
from bot.access import StaffMember
from bot.clock import clock
from bot.dialogue.waiting import CONTACTS, TASKS
from bot.visits.dialogue import completion_asked, tag_request, without_tag_words
from bot.visits.replies import (
    ASK_TAG,
    FEEDBACK_SAVED,
    render_completed,
    render_own_contacts,
    render_tag_result,
    render_tasks,
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


async def list_tasks(turn: Turn) -> None:
    """"今天要跟进哪些客户", "我的待办"; "完成第2条" closes a follow-up of the list last shown."""
    number = completion_asked(turn.text)
    if number is not None:
        result = await in_thread(visit_service().complete, turn.staff, item_number=number,
                                 shown=list(turn.slot("task_refs") or []))
        reply = render_completed(result)
        if result.outcome is CompleteOutcome.DONE:
            turn.saved(reply)  # committed: whatever fails next, the reply says so
        await turn.notifications()
        turn.say(reply)
        return
    daily = await in_thread(visit_service().tasks_asked, turn.staff, turn.text,
                            turn.entities.get("staff_name") or [], clock.today(), turn.channel)
    if daily.colleague:
        turn.say(render_tasks(daily))
        return
    await turn.notifications()
    turn.say(render_tasks(daily))
    turn.set("task_refs", daily.refs)
    turn.waiting.topic = TASKS  # "明天呢" next asks for tomorrow's list
    # The numbers also open the customer: the "which one?" answer of the 360 view.
    numbers_open_the_customer(turn, [item.customer_id for item in daily.items])


async def own_contacts(turn: Turn) -> None:
    """"我最近联系过谁", "这周拜访了哪些客户": her own contacts; the numbers open the customer."""
    contacts = await in_thread(visit_service().own_contacts, turn.staff, turn.text, clock.today(), turn.channel)
    await turn.notifications()
    turn.say(render_own_contacts(contacts))
    turn.waiting.topic = CONTACTS  # "上个月呢" next asks for last month's
    numbers_open_the_customer(turn, [line.customer_id for line in contacts.lines])


async def feedback(turn: Turn) -> None:
    """"提个建议:转介能不能加个提醒": kept with the person, the time and the last intent."""
    intents = [e.get("parse_data", {}).get("intent", {}).get("name")
               for e in turn.tracker.events if e.get("event") == "user"]
    last_intent = next((i for i in reversed(intents[:-1]) if i), None)
    await in_thread(visit_service().feedback, turn.staff, turn.text, last_intent, turn.channel)
    turn.saved(FEEDBACK_SAVED)  # committed: whatever fails next, the reply says so
    await turn.notifications()
    turn.say(FEEDBACK_SAVED)

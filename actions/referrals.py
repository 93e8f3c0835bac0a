"""Referrals: update one, list them, the month's figures. (Making one is a draft: actions/drafts.py.)"""
from __future__ import annotations

from actions.runtime import Turn, in_thread, referral_service, referral_updates
from bot.clock import clock
from bot.dialogue.waiting import FIGURES, REFERRAL_UPDATED
from bot.referrals import replies as referral_replies
from bot.referrals.figures import asks_own_figures, colleague_asked_about, month_asked


async def update(turn: Turn) -> None:
    """"王建国的转介已联系", "那个转介成交了,买了20万理财"."""
    result = await in_thread(
        referral_updates().update, turn.staff, turn.entities, turn.text, turn.slot("current_referral_no"), turn.channel
    )
    if result.referral_no:
        turn.set("current_referral_no", result.referral_no)
        if result.saved:
            turn.waiting.topic = REFERRAL_UPDATED  # "已经联系过了" next is this referral's next step
    if result.customer_id:
        turn.set("current_customer_id", result.customer_id)
    if result.saved:
        turn.saved(result.reply)  # committed: whatever fails next, the reply says so
    await turn.notifications()
    turn.say(result.reply)


async def list_mine(turn: Turn) -> None:
    """"我的转介": what I received and sent, open first, overdue marked."""
    lists = await in_thread(referral_service().list_for, turn.staff)
    await turn.notifications()
    turn.say(referral_replies.lists_text(lists))


async def figures(turn: Turn) -> None:
    """"本月转介排行", "我的转介业绩", "上个月转介成交率"."""
    month = month_asked(turn.text, clock.today())
    await turn.notifications()
    turn.waiting.topic = FIGURES  # "这个月呢" next asks for that month
    if asks_own_figures(turn.text):
        performance = await in_thread(referral_service().my_performance, turn.staff, month)
        turn.say(referral_replies.performance_text(performance))
    else:
        ranking = await in_thread(referral_service().stats, turn.staff, month)
        turn.say(referral_replies.ranking_text(ranking, colleague_asked_about(turn.text, turn.entities)))

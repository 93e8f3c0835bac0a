"""Drafts do not swallow the conversation (issue #23, 3): a question while a draft waits is
answered and the draft kept, mentioned in one line; a draft left alone for 30 minutes, or replaced
by a new visit or referral message, is dropped with a one-line notice; nothing is saved except by
an explicit confirmation of a summary that shows the customer."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from bot.clock import clock

WANG, WANG_YOUNGER, CHEN = "C00000001", "C00000002", "C00000005"


async def test_the_daily_list_while_a_referral_waits_then_confirm(chat, db):
    await chat("wangfang", "把陈美玲转给理财经理,想了解理财")
    reply = await chat("wangfang", "我的待办")
    assert "待办" in reply and "没保存" in reply and "给陈美玲的转介" in reply
    assert db.referrals() == 0
    assert "已保存" in await chat("wangfang", "确认")
    assert db.referrals(CHEN) == 1


async def test_a_lookup_while_a_visit_waits_does_not_move_the_visit(chat, db):
    await chat("wangfang", "今天上门拜访了陈美玲,她想买大额存单")
    reply = await chat("wangfang", "查一下王建国")
    assert "找到2位叫王建国的客户" in reply and "陈美玲的拜访记录" in reply
    reply = await chat("wangfang", "1")
    assert "【王建国】" in reply
    reply = await chat("wangfang", "确认")
    assert "已记录:陈美玲" in reply
    assert db.visits(CHEN) == 1 and db.visits(WANG) == 0


async def test_holdings_while_a_visit_waits(chat, db):
    await chat("wangfang", "今天电话联系了陈美玲,聊了基金")
    reply = await chat("wangfang", "她名下有哪些产品")
    assert "陈美玲名下" in reply and "没保存" in reply
    await chat("wangfang", "确认")
    assert db.visits(CHEN) == 1


async def test_help_while_the_bot_waits_for_a_product(chat, db):
    await chat("zhangli", "新建转介")
    await chat("zhangli", "陈美玲")
    reply = await chat("zhangli", "帮助")
    assert "还等您说客户想要什么产品" in reply
    reply = await chat("zhangli", "理财")
    assert "请确认这条转介" in reply


async def test_a_draft_left_alone_for_half_an_hour_is_dropped(chat, db):
    await chat("wangfang", "今天上门拜访了陈美玲,她想买大额存单")
    with clock.frozen(datetime(2026, 11, 30, 10, 31)):
        reply = await chat("wangfang", "确认")
    assert "超过30分钟" in reply and "没有保存" in reply
    assert db.visits() == 0


async def test_a_new_visit_note_replaces_the_waiting_referral(chat, db):
    await chat("wangfang", "把陈美玲转给理财经理,想了解理财")
    reply = await chat("wangfang", "今天上门拜访了王建国,尾号5678那位,聊了国债")
    assert "已放弃" in reply and "给陈美玲的转介" in reply
    await chat("wangfang", "1")
    await chat("wangfang", "确认")
    assert db.referrals() == 0 and db.visits(CHEN) == 0


async def test_a_new_referral_replaces_the_waiting_visit(chat, db):
    await chat("wangfang", "今天上门拜访了陈美玲,她想买大额存单")
    reply = await chat("wangfang", "新建转介")
    assert "已放弃" in reply and "陈美玲的拜访记录" in reply
    assert "按上下文,客户是陈美玲" in reply
    await chat("wangfang", "大额存单")
    await chat("wangfang", "确认")
    assert db.visits() == 0 and db.referrals(CHEN) == 1


async def test_a_bare_name_at_the_confirmation_is_looked_up_not_swapped_in(chat, db):
    await chat("majun", "把C00000005转给理财经理,想了解基金")
    reply = await chat("majun", "李秀英")
    assert "【李秀英】" in reply and "没保存" in reply
    await chat("majun", "确认")
    assert db.referrals(CHEN) == 1 and db.referrals("C00000004") == 0


async def test_nothing_is_saved_without_an_explicit_confirmation(chat, db):
    await chat("wangfang", "今天上门拜访了陈美玲,她想买大额存单")
    for text in ("她名下有哪些产品", "我的转介", "😀", "???", "本月转介排行"):
        await chat("wangfang", text)
        assert db.visits() == 0, text
    assert "已记录:陈美玲" in await chat("wangfang", "确认")
    assert db.visits(CHEN) == 1


async def test_more_about_the_same_visit_at_the_confirmation_goes_into_the_note(chat, db):
    await chat("wangfang", "今天上门拜访了陈美玲")
    reply = await chat("wangfang", "她想买点国债,下周一下午再去")
    assert "我理解的拜访记录" in reply and "国债" in reply and "下次跟进:12月7日 14:00" in reply
    assert "推荐" not in reply
    await chat("wangfang", "确认")
    assert db.visits(CHEN) == 1 and db.follow_ups(CHEN) == 1


async def test_tomorrow_right_after_the_daily_list_is_tomorrows_list(chat):
    await chat("chenjing", "我的待办")
    reply = await chat("chenjing", "明天呢")
    assert "明天(12月1日" in reply and "再见" not in reply
    reply = await chat("chenjing", "下周呢")
    assert "下周(12月7日至12月13日)" in reply


async def test_changing_her_mind_at_the_confirmation_is_no_cancel(chat, db):
    await chat("zhangli", "把陈美玲转给理财经理,她想了解理财")
    reply = await chat("zhangli", "算了,还是转给王芳吧")
    assert "接收人:王芳" in reply and "取消" not in reply.split("\n")[0]
    await chat("zhangli", "好")
    assert db.latest_referral().receiver_id == "S0003"


async def test_a_word_the_nlu_takes_for_yes_saves_nothing_unless_it_is_a_yes(chat, db):
    await chat("zhangli", "把陈美玲转给理财经理,她想了解理财")
    for text in ("补充", "新建", "👀"):
        await chat("zhangli", text)
        assert db.referrals() == 0, text
    await chat("zhangli", "嗯嗯没问题 发吧")
    assert db.referrals(CHEN) == 1


async def test_a_follow_up_planned_without_a_contact_records_no_contact(chat, db):
    await chat("wangfang", "查一下陈美玲")
    reply = await chat("wangfang", "帮她约个回访,下周二上午")
    assert "只建跟进任务,不记联系记录" in reply and "客户:陈美玲" in reply and "12月8日 09:00" in reply
    assert db.follow_ups() == 0
    reply = await chat("wangfang", "确认")
    assert "已建跟进任务:陈美玲" in reply
    assert db.follow_ups(CHEN, open_only=True) == 1 and db.visits() == 0  # no contact happened


async def test_turning_a_visit_into_a_referral_at_its_confirmation(chat, db):
    """A teller looks a customer up, notes her wish, then says whom to pass it to: the visit is
    dropped (said so) and a referral on the same customer takes its place; one confirmation saves
    the referral only."""
    await chat("zhangli", "C00000005")
    reply = await chat("zhangli", "她想买国债")
    assert "陈美玲" in reply
    reply = await chat("zhangli", "转给陈静")
    assert "没有保存" in reply and "陈美玲" in reply
    assert "转介" in reply and "拜访" in reply
    while "请确认这条转介" not in reply:  # what the referral still needs (the product), answered
        assert "产品" in reply, reply
        reply = await chat("zhangli", "国债")
    assert "陈静" in reply and "陈美玲(C00000005)" in reply
    assert "已保存" in await chat("zhangli", "确认")
    assert db.referrals(CHEN) == 1 and db.visits(CHEN) == 0


async def test_a_bare_referral_word_makes_one_on_the_customer_in_context(chat, db):
    await chat("zhangli", "C00000005")
    reply = await chat("zhangli", "转介")
    assert "按上下文,客户是陈美玲" in reply and "还没有转介记录" not in reply
    reply = await chat("zhangli", "取消")
    assert db.referrals() == 0
    reply = await chat("zhaoqiang", "做个转介")
    assert "哪位客户" in reply  # nobody in context: it asks
    reply = await chat("zhaoqiang", "我的转介")  # the list, with the draft still asking whom
    assert "还没有转介记录" in reply and "还等您说是哪位客户" in reply


async def test_closing_a_task_while_the_visit_waits_for_whom_closes_the_task(chat, db):
    # The visit asks which 王建国; she looks at her list and closes its first item: "第1个" there
    # is the list's item, never the first 王建国 of a question two turns back.
    await chat("wangfang", "今天下午去了王建国家,他想转理财,下周三再联系")
    await chat("wangfang", "我的待办")
    open_before = db.follow_ups(open_only=True)
    reply = await chat("wangfang", "第1个办完了")
    assert "王建国" not in reply.split("\n")[0] and "我理解的拜访记录" not in reply
    assert "还等您说是哪位客户" in reply
    assert db.visits() == 0 and db.follow_ups(open_only=True) <= open_before


async def test_a_reminder_before_her_maturity_is_set_from_what_she_holds(chat, db):
    """The note says "到期前提醒我" without the date: her 邮享定期1年 matures on 12-09, so the
    follow-up is on 12-06, shown before anything is saved and saved on 确认."""
    reply = await chat("wangfang", "今天电话联系了C00000001,他说定期快到期了,到期前提醒我")
    assert "下次跟进:12月6日" in reply, reply
    assert db.follow_ups("C00000001", open_only=True) == 0
    assert "已记录" in await chat("wangfang", "确认")
    follow_up = db.latest_follow_up()
    assert follow_up.customer_id == "C00000001" and follow_up.due_at.date() == date(2026, 12, 6)


async def test_corrections_at_a_visits_summary_replace_what_they_correct(chat, db):
    """An amount corrected replaces the one read (never both on the record); what the customer
    said about a later visit is no correction of how this contact was made; a follow-up said at
    the summary is one, whatever the NLU made of "再" (goodbye)."""
    reply = await chat("zhaoqiang", "今天到店的客户C00000005想买大额存单,30万")
    assert "金额:30万" in reply
    reply = await chat("zhaoqiang", "金额是50万")
    assert "金额:50万" in reply and "30万" not in reply
    reply = await chat("zhaoqiang", "她说明天再来网点")
    assert "方式:到店" in reply and "下次跟进:明天" in reply
    assert "已记录" in await chat("zhaoqiang", "确认")
    visit = db.latest_visit()
    assert [Decimal(a) for a in visit.details["amounts"]] == [Decimal(500000)]
    reply = await chat("wangfang", "今天电话联系陈美玲")
    assert "方式:电话" in reply and "下次跟进:无" in reply
    reply = await chat("wangfang", "她说下周三来网点")
    assert "方式:电话" in reply and "下次跟进:12月9日" in reply  # Monday 11-30: next week's Wednesday
    reply = await chat("wangfang", "明天再打个电话")
    assert "下次跟进:明天" in reply and "再见" not in reply
    assert "已记录:陈美玲 电话" in await chat("wangfang", "确认")
    assert db.latest_follow_up().due_at.date() == date(2026, 12, 1)


async def test_a_reminder_before_her_maturity_asked_alone_is_a_follow_up_not_the_daily_list(chat, db):
    reply = await chat("wangfang", "陈美玲的理财快到期了,提醒我到期前联系她")
    assert "待办(" not in reply and "陈美玲" in reply
    assert "已" in await chat("wangfang", "确认")
    assert db.visits("C00000005") == 0  # a plan: no contact recorded
    assert db.follow_ups("C00000005", open_only=True) == 1


async def test_a_confirmation_while_the_product_is_missing_is_no_product(chat, db):
    await chat("wangfang", "把陈美玲转给马骏")
    reply = await chat("wangfang", "确认")
    assert "还没有意向产品" in reply and "没认出" not in reply
    assert db.referrals() == 0
    reply = await chat("wangfang", "基金定投")
    assert "请确认这条转介" in reply and "马骏" in reply

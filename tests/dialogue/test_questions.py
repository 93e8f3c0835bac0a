"""Questions mean what they say (issue #23, 4): "明天/后天/周五/下周的待办" list that day or range,
with its date; "月底" is the month's last day; holdings are found by their everyday names (定期,
存款, 大额存单…) and their maturities; one fact ("他总资产多少", "他手机号多少", "她风险等级",
"谁是他的客户经理", age, birthday, branch) gets one line that starts with the customer's name and
is audited like the card; English or mixed messages are lookups or a polite "请用中文", never a
visit draft.

The demo bank's to-do lists of 王芳 (wangfang) on Monday 2026-11-30: maturities on 12-04 (Fri),
12-05 (Sat), 12-07 (Mon), 12-09 (Wed, 王建国's 50万 定期) and a birthday on 12-11 (Fri).
"""
from __future__ import annotations

import re
from datetime import datetime

from bot.clock import clock

WANG, WANG_YOUNGER, LI, CHEN = "C00000001", "C00000002", "C00000004", "C00000005"
FULL_NUMBER = re.compile(r"\d{11,}")


def one_line(reply: str, name: str) -> bool:
    return "\n" not in reply.strip() and reply.startswith(name)


async def test_the_day_after_tomorrow_lists_the_follow_up_set_for_it_and_tomorrow_does_not(chat, db):
    await chat("wangfang", "刚给陈美玲打了电话,她说后天来网点办大额存单")
    assert "已建跟进任务" in await chat("wangfang", "确认")
    assert db.latest_follow_up().due_at.date().isoformat() == "2026-12-02"
    reply = await chat("wangfang", "明天的待办")
    assert reply.startswith("明天(12月1日") and "陈美玲" not in reply
    reply = await chat("wangfang", "后天呢")
    assert reply.startswith("后天(12月2日") and "陈美玲" in reply
    assert db.follow_ups(CHEN, open_only=True) == 1 and db.visits() == 1


async def test_friday_is_this_fridays_list_and_not_saturdays(chat, db):
    reply = await chat("wangfang", "周五有啥要跟进的")
    assert reply.startswith("周五(12月4日")
    assert "12月4日(周五)到期" in reply and "12月5日" not in reply and "12月9日" not in reply
    assert db.writes() == (0, 0, 0)


async def test_next_week_is_monday_to_sunday_with_its_dates(chat, db):
    reply = await chat("wangfang", "下周都有哪些待办")
    assert reply.startswith("下周(12月7日至12月13日)")
    assert "王建国:邮享定期1年 50万 12月9日" in reply
    assert "12月4日" not in reply and "12月5日" not in reply  # this week's are not next week's
    assert db.writes() == (0, 0, 0)


async def test_what_is_left_this_week_runs_from_today_to_sunday(chat, db):
    reply = await chat("wangfang", "这周还有哪些客户要跟进")
    assert reply.startswith("这周(11月30日至12月6日)")
    assert "12月4日(周五)" in reply and "12月9日" not in reply


async def test_monday_to_wednesday_of_next_week_stays_in_next_week(chat, db):
    reply = await chat("wangfang", "下周一到周三的待办")
    assert "(12月7日至12月9日)" in reply
    assert "12月7日(周一)" in reply and "12月9日(周三)" in reply
    assert "12月4日" not in reply and "12月11日" not in reply


async def test_what_is_left_this_month_in_the_middle_of_december(chat, db):
    with clock.frozen(datetime(2026, 12, 15, 10, 0)):
        await chat("wangfang", "今天上门拜访了陈美玲,聊了大额存单,12月28号再去一趟")
        assert "已建跟进任务" in await chat("wangfang", "确认")
        reply = await chat("wangfang", "这个月还有哪些要跟进")
    assert "12月15日至12月31日" in reply and "陈美玲" in reply
    assert db.follow_ups(CHEN, open_only=True) == 1


async def test_month_end_in_a_visit_is_the_last_day_of_the_month(chat, db):
    with clock.frozen(datetime(2026, 12, 3, 10, 0)):
        reply = await chat("wangfang", "电话回访了陈美玲,她还在考虑大额存单,月底再联系她")
        assert "下次跟进:12月31日 09:00" in reply  # a Thursday; not Sunday the 27th
        assert "已建跟进任务" in await chat("wangfang", "确认")
    follow_up = db.latest_follow_up()
    assert follow_up.customer_id == CHEN
    assert (follow_up.due_at.month, follow_up.due_at.day, follow_up.due_at.hour) == (12, 31, 9)


async def test_month_end_said_on_the_last_day_of_the_month_is_later_today(chat, db):
    reply = await chat("wangfang", "电话回访了陈美玲,她说月底再来看看大额存单")
    assert "下次跟进:今天 11:00" in reply  # 11-30 is the month's last day: not dropped, not next month
    await chat("wangfang", "确认")
    assert db.latest_follow_up().due_at.isoformat().startswith("2026-11-30T11:00")


async def test_next_month_end_said_on_the_last_day_of_this_one(chat, db):
    reply = await chat("wangfang", "陈美玲到店聊了理财,下个月底再跟进")
    assert "下次跟进:12月31日 09:00" in reply
    await chat("wangfang", "确认")
    assert db.latest_follow_up().due_at.date().isoformat() == "2026-12-31"


async def test_her_term_deposits_by_their_everyday_name_with_maturities(chat, db):
    customer = db.customer_holding("B001", "大额存单3年")
    held = db.holdings(customer.customer_id)
    deposits = [name for name, category, maturity in held if category == "存款" and maturity]
    others = [name for name, category, _ in held if category != "存款"]
    assert len(deposits) >= 2 and others  # a 定期 and a 大额存单, and something that is neither
    await chat("wangfang", f"查一下{customer.name}")
    reply = await chat("wangfang", "她的定期什么时候到期")
    assert reply.startswith(f"{customer.name}名下") and "到期" in reply
    assert all(name in reply for name in deposits) and not any(name in reply for name in others)
    reply = await chat("wangfang", "她的大额存单哪天到期")
    assert "大额存单3年" in reply and not any(name in reply for name in deposits if "大额存单" not in name)
    assert db.writes() == (0, 0, 0)


async def test_deposits_she_does_not_hold_are_said_to_be_none(chat, db):
    await chat("zhangli", "查下陈美玲")  # 理财, 基金 and a loan: no deposit at all
    reply = await chat("zhangli", "她有存款吗")
    assert reply == "陈美玲名下没有存款。"
    reply = await chat("zhangli", "她的定期啥时候到期")
    assert "陈美玲名下没有定期" in reply and "鑫享理财" not in reply


async def test_what_about_her_large_deposit_right_after_her_term_deposits(chat, db):
    customer = db.customer_holding("B001", "大额存单3年")
    await chat("wangfang", f"{customer.name}的理财什么时候到期")
    reply = await chat("wangfang", "大额存单呢")
    assert reply.startswith(f"{customer.name}名下") and "大额存单3年" in reply


async def test_total_assets_of_the_picked_namesake_is_one_line_and_audited(chat, db):
    reply = await chat("zhangli", "王建国总资产多少")
    assert "找到2位叫王建国的客户" in reply
    audited = db.audited(WANG_YOUNGER)
    reply = await chat("zhangli", "尾号4321")
    assert one_line(reply, "王建国") and "总资产3万" in reply
    assert db.audited(WANG_YOUNGER) > audited


async def test_his_phone_is_one_masked_line_and_audited(chat, db):
    await chat("zhangli", "查下C00000001")
    audited = db.audited(WANG)
    reply = await chat("zhangli", "他手机号多少")
    assert reply == "王建国的手机:139****5678"
    assert db.audited(WANG) > audited


async def test_risk_level_and_manager_of_the_customer_in_context(chat, db):
    await chat("wangfang", "陈美玲")
    audited = db.audited(CHEN)
    reply = await chat("wangfang", "她风险等级")
    assert one_line(reply, "陈美玲") and "C4" in reply and "过期" in reply
    reply = await chat("wangfang", "谁是她的客户经理")
    assert reply == "陈美玲的客户经理是王芳。"
    assert db.audited(CHEN) >= audited + 2
    assert db.writes() == (0, 0, 0)


async def test_age_birthday_and_branch_of_an_agency_customer(chat, db):
    await chat("majun", "查一下李秀英")
    audited = db.audited(LI)
    for question, answer in (("她多大了", "李秀英今年67岁"), ("她生日是哪天", "李秀英的生日是11月2日"),
                             ("她是哪个网点的", "李秀英是李家庄代理网点的客户")):
        reply = await chat("majun", question)
        assert one_line(reply, "李秀英") and answer in reply, question
    assert db.audited(LI) >= audited + 3


async def test_a_fact_about_a_customer_of_another_branch_is_not_found(chat, db):
    await chat("zhangli", "查下C00000005")
    reply = await chat("zhangli", "李秀英手机号多少")
    assert "没有找到" in reply and "陈美玲" not in reply and not FULL_NUMBER.search(reply)
    assert db.audited(LI) == 0


async def test_look_up_in_english_is_a_lookup(chat, db):
    reply = await chat("zhangli", "look up 王建国")
    assert "找到2位叫王建国的客户" in reply and "拜访记录" not in reply
    reply = await chat("zhangli", "1")
    assert reply.startswith("【王建国】") and "139****5678" in reply
    await chat("zhangli", "确认")
    assert db.writes() == (0, 0, 0)


async def test_english_that_names_nobody_asks_for_chinese_and_drafts_nothing(chat, db):
    reply = await chat("wangfang", "visited a customer today, she wants a CD")
    assert "请用中文" in reply and "拜访记录" not in reply
    reply = await chat("wangfang", "ok")
    assert "已记录" not in reply
    assert db.writes() == (0, 0, 0)


async def test_a_phone_asked_in_english_is_looked_up_and_masked(chat, db):
    reply = await chat("wangfang", "pls check 13700005555")
    assert reply.startswith("【陈美玲】") and "137****5555" in reply and not FULL_NUMBER.search(reply)


async def test_a_mixed_english_visit_note_is_a_lookup_never_the_daily_list(chat, db):
    reply = await chat("wangfang", "visited 陈美玲 today, she wants 大额存单")
    assert reply.startswith("【陈美玲】") or "请用中文" in reply
    await chat("wangfang", "确认")
    assert db.writes() == (0, 0, 0)


async def test_the_list_of_a_date_written_as_a_date(chat, db):
    reply = await chat("wangfang", "12月7号要跟进哪些客户")
    assert "12月7日" in reply and "待办" in reply and "12月9日" not in reply


async def test_the_weekend_list(chat, db):
    reply = await chat("wangfang", "周末有待办吗")
    assert "12月5日至12月6日" in reply and "12月5日(周六)到期" in reply


async def test_tomorrows_after_todays_list(chat, db):
    await chat("wangfang", "今天的待办")
    reply = await chat("wangfang", "明天的呢")
    assert reply.startswith("明天(12月1日)")


async def test_what_of_hers_matures_next_week(chat, db):
    customer = db.customer_holding("B001", "大额存单3年")
    next_week = [name for name, _, maturity in db.holdings(customer.customer_id)
                 if maturity and "2026-12-07" <= maturity.isoformat() <= "2026-12-13"]
    later = [name for name, _, maturity in db.holdings(customer.customer_id)
             if maturity and maturity.isoformat() > "2026-12-13"]
    assert next_week and later
    reply = await chat("wangfang", f"{customer.name}下周有什么到期的")
    assert all(name in reply for name in next_week) and not any(name in reply for name in later)


async def test_a_look_at_her_funds_is_her_funds_not_the_card(chat, db):
    reply = await chat("zhangli", "看一下陈美玲的基金")
    assert reply.startswith("陈美玲名下的基金") and "沪深300指数基金" in reply and "平衡混合基金" in reply
    assert "鑫享理财" not in reply


async def test_the_head_asking_one_colleagues_referrals_gets_her_line(chat):
    reply = await chat("liuwei", "王芳这个月转介怎么样")
    assert reply.startswith("王芳(") and "排名第" in reply and "张丽" not in reply


async def test_whom_she_contacted_lately_is_her_own_list_and_a_number_opens_the_customer(chat, db):
    assert "已记录:陈美玲" in await chat("wangfang", "今天电话联系了陈美玲,她想买国债") + await chat("wangfang", "确认")
    for text in ("我最近联系过谁", "这周我拜访了哪些客户", "今天联系了几个客户"):
        reply = await chat("wangfang", text)
        assert "您联系了" in reply and "陈美玲 · 电话" in reply and "哪位客户" not in reply, (text, reply)
    audited = db.audited("C00000005")
    reply = await chat("wangfang", "1")
    assert "【陈美玲】" in reply and db.audited("C00000005") == audited + 1
    reply = await chat("zhangli", "我今天联系了哪些客户")  # not 王芳's
    assert "陈美玲" not in reply and "没有联系客户的记录" in reply


async def test_after_a_list_of_customers_she_is_asked_about_and_her_funds_are_hers(chat, db):
    await chat("wangfang", "查一下陈美玲")
    reply = await chat("wangfang", "她的基金呢")  # what she holds, not suggestions of funds
    assert "陈美玲名下" in reply and "推荐" not in reply
    await chat("wangfang", "今天电话联系了王建国,聊了理财")
    assert "已记录" in await chat("wangfang", "2")  + await chat("wangfang", "确认")
    assert "您联系了" in await chat("wangfang", "我最近联系过谁")
    reply = await chat("wangfang", "她的定期呢")  # one of the list, or 陈美玲? asked, never guessed
    assert "哪位客户" in reply and "陈美玲名下" not in reply

"""Visits and follow-ups through the real actions: a customer manager logs a visit in one
message and a confirmation; it shows in the 360 view and the history, and the follow-up is on
the next morning's list."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select

from bot.clock import clock, to_local
from bot.models import FollowUp, Interaction
from tests.actions.conftest import draft_of, listed  # noqa: F401

LOG = "action_log_visit"
STEP = "action_visit_step"
NOTE = "今天上门拜访了C00000001,他下个月有50万定期到期,对基金定投有兴趣,约了下周三再谈"


def count(bank, model) -> int:
    with bank.unit_of_work() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


async def test_log_a_visit_then_see_it_and_the_follow_up(talk, bank):
    before = count(bank, Interaction)
    replies, slots = await talk("wangfang", NOTE, "log_visit", [("customer_id", "C00000001")])
    shown = replies[-1]
    assert shown.startswith("我理解的拜访记录") and "客户:王建国" in shown and "方式:上门" in shown
    assert "基金定投" in shown and "50万" in shown and "下次跟进:12月9日 09:00" in shown
    assert draft_of(slots) is not None and count(bank, Interaction) == before  # nothing yet

    replies, slots = await talk("wangfang", "确认", "affirm", **slots)
    assert replies[-1].startswith("已记录:王建国 上门") and "已建跟进任务" in replies[-1]
    assert "意向:基金定投" in replies[-1]
    assert draft_of(slots) is None
    assert count(bank, Interaction) == before + 1 and count(bank, FollowUp) == 1

    replies, _ = await talk("wangfang", "他最近的联系记录", "ask_interactions",
                            current_customer_id="C00000001")
    assert "王芳 上门" in replies[-1] and "基金定投" in replies[-1]
    replies, _ = await talk("wangfang", "查C00000001", "lookup_customer",
                            [("customer_id", "C00000001")])
    assert "最近联系:" in replies[-1] and "上门" in replies[-1].split("最近联系:")[1]

    # On the morning of the follow-up it is on her list, and "完成第1条" closes it.
    with clock.frozen(datetime(2026, 12, 9, 8, 0)):
        replies, slots = await talk("wangfang", "今天要跟进哪些客户", "list_tasks")
        number = re.search(r"(\d+)\. 王建国:跟进\(今天到期\)", replies[-1]).group(1)
        # The NLU may read "完成第N条" as an answer to a list (inform): it completes all the same.
        replies, _ = await talk("wangfang", f"完成第{number}条", "inform", **slots)
        assert replies[-1] == "好的,这条跟进已完成。"
        replies, _ = await talk("wangfang", "我的待办", "list_tasks")
        assert "王建国:跟进" not in replies[-1]


async def test_corrections_before_confirming(talk, bank):
    _, slots = await talk("wangfang", "刚给C00000005打了电话,她对大额存单有兴趣,后天再联系", "log_visit",
                          [("customer_id", "C00000005")])
    replies, slots = await talk("wangfang", "不是电话,是上门", "inform", **slots)
    assert "方式:上门" in replies[-1]
    replies, slots = await talk("wangfang", "跟进时间改成下周五", "inform", **slots)
    assert "下次跟进:12月11日 09:00" in replies[-1]
    replies, slots = await talk("wangfang", "不用跟进了", "deny", **slots)
    assert "下次跟进:无" in replies[-1]
    replies, _ = await talk("wangfang", "确认", "affirm", **slots)
    assert replies[-1].startswith("已记录:陈美玲 上门") and "跟进任务" not in replies[-1]
    assert count(bank, FollowUp) == 0


async def test_a_follow_up_keeps_its_time_of_day_and_moves_with_a_correction(talk, bank):
    # Issue #23: "下周三下午" is 14:00, not 09:00; "不是下周三,是下周四" moves it to next Thursday
    # and keeps the afternoon; the saved task is due then.
    _, slots = await talk("wangfang", "今天上门拜访了C00000001,对基金定投有兴趣,约了下周三下午再谈", "log_visit",
                          [("customer_id", "C00000001")])
    replies, slots = await talk("wangfang", "不是下周三,是下周四", "inform", **slots)
    assert "下次跟进:12月10日 14:00" in replies[-1]
    replies, slots = await talk("wangfang", "推到下个月初", "inform", **slots)
    assert "下次跟进:明天 14:00" in replies[-1]  # 12-01, the first day of 月初, still in the afternoon
    replies, slots = await talk("wangfang", "改到周五上午", "inform", **slots)
    assert "下次跟进:12月4日 09:00" in replies[-1]
    replies, _ = await talk("wangfang", "确认", "affirm", **slots)
    assert "已建跟进任务:12月4日 09:00" in replies[-1]
    with bank.unit_of_work() as session:
        [task] = session.execute(select(FollowUp)).scalars().all()
        assert to_local(task.due_at) == datetime(2026, 12, 4, 9, 0, tzinfo=clock.tz)


async def test_a_past_day_corrects_no_follow_up(talk, bank):
    replies, slots = await talk("wangfang", "今天上门拜访了C00000001,约了下周三下午再谈", "log_visit",
                                [("customer_id", "C00000001")])
    assert "下次跟进:12月9日 14:00" in replies[-1]
    replies, slots = await talk("wangfang", "不是昨天,是前天", "inform", **slots)
    # A past day is when the contact was, never the follow-up: that stays where it was.
    assert "时间:11月28日 10:00" in replies[-1] and "下次跟进:12月9日 14:00" in replies[-1]


async def test_cancel_writes_nothing(talk, bank):
    before = count(bank, Interaction)
    _, slots = await talk("wangfang", NOTE, "log_visit", [("customer_id", "C00000001")])
    replies, slots = await talk("wangfang", "算了不记了", "deny", **slots)
    assert "没有记录" in replies[-1] and draft_of(slots) is None
    assert count(bank, Interaction) == before


async def test_an_emoji_the_nlu_guessed_was_yes_saves_nothing_and_asks_again(talk, bank):
    before = count(bank, Interaction)
    _, slots = await talk("wangfang", NOTE, "log_visit", [("customer_id", "C00000001")])
    for text in ("😀😀", "???", "<b>ok</b>"):  # read as affirm at 0.36 by one training
        replies, slots = await talk("wangfang", text, "affirm", **slots)
        assert replies[-1].startswith("这条拜访还没保存") and draft_of(slots) is not None, text
    assert count(bank, Interaction) == before
    replies, slots = await talk("wangfang", "👍", "affirm", **slots)  # a thumbs-up is a yes in chat
    assert replies[-1].startswith("已记录:王建国 上门") and count(bank, Interaction) == before + 1


async def test_a_customers_bare_name_read_as_yes_saves_nothing(talk, bank):
    before = count(bank, Interaction)
    _, slots = await talk("wangfang", NOTE, "log_visit", [("customer_id", "C00000001")])
    replies, slots = await talk("wangfang", "陈美玲", "affirm", **slots)  # read as affirm by one training
    # A name is another customer asked about: she is shown, the visit still waits, unsaved.
    assert replies[-1].startswith("【陈美玲】") and "王建国的拜访记录没保存" in replies[-1]
    assert count(bank, Interaction) == before
    replies, slots = await talk("wangfang", "嗯嗯没问题", "affirm", **slots)
    assert replies[-1].startswith("已记录:王建国 上门") and count(bank, Interaction) == before + 1


async def test_namesakes_are_asked_and_customer_elsewhere_is_refused(talk, bank):
    replies, slots = await talk("wangfang", "今天电话联系了王建国,他想了解理财", "log_visit", [("customer_name", "王建国")])
    assert "找到2位叫王建国的客户" in replies[-1]
    replies, slots = await talk("wangfang", "2", "inform", **slots)
    assert "客户:王建国" in replies[-1] and slots["current_customer_id"] == "C00000002"
    replies, _ = await talk("suntao", "今天上门拜访了C00000001", "log_visit", [("customer_id", "C00000001")])
    assert "没有找到这位客户" in replies[-1]


async def test_tag_and_untag_show_in_the_360(talk, bank):
    replies, _ = await talk("zhangli", "给C00000005加个标签:有房贷需求", "tag_customer",
                            [("customer_id", "C00000005"), ("tag", "有房贷需求")])
    assert replies[-1].startswith("已给陈美玲加上标签「有房贷需求」")
    replies, _ = await talk("zhangli", "查C00000005", "lookup_customer", [("customer_id", "C00000005")])
    assert "有房贷需求" in replies[-1]
    replies, _ = await talk("zhangli", "把她的有房贷需求标签去掉", "tag_customer",
                            [("tag", "有房贷需求")], current_customer_id="C00000005")
    assert replies[-1].startswith("已去掉陈美玲的标签「有房贷需求」")


async def test_tag_a_namesake_after_choosing(talk, bank):
    replies, slots = await talk("zhangli", "给王建国加个标签:爱打太极", "tag_customer",
                                [("customer_name", "王建国"), ("tag", "爱打太极")])
    assert "找到2位叫王建国的客户" in replies[-1]
    replies, slots = await talk("zhangli", "1", "inform", **slots)
    assert replies[-1].startswith("已给王建国加上标签「爱打太极」")
    assert slots["current_customer_id"] == "C00000001" and listed(slots) is None


async def test_feedback_is_kept(talk, bank):
    replies, _ = await talk("zhangli", "提个建议:转介能不能加个提醒", "give_feedback")
    assert replies[-1].startswith("收到")
    from bot.visits.service import VisitService

    lines = VisitService(bank).list_feedback()
    assert [line.text for line in lines] == ["提个建议:转介能不能加个提醒"]


async def test_morning_digest_arrives_at_the_top_of_the_next_reply(talk, bank):
    from actions.runtime import visit_service

    _, slots = await talk("wangfang", "今天电话联系了C00000005,她说明天再来网点谈理财", "log_visit",
                          [("customer_id", "C00000005")])
    await talk("wangfang", "确认", "affirm", **slots)
    with clock.frozen(datetime(2026, 12, 1, 8, 0)):  # Tuesday, before DIGEST_TIME (08:30)
        assert not visit_service().morning_digest().sent
    with clock.frozen(datetime(2026, 12, 1, 8, 40)):
        assert visit_service().morning_digest().sent
        assert not visit_service().morning_digest().sent  # once per person per day
        replies, _ = await talk("wangfang", "帮助", "help")
    assert replies[0].startswith("王芳,早上好!") and "陈美玲:跟进" in replies[0]
    assert replies[-1] == "utter_help"


async def test_the_list_of_a_day_or_a_week_says_its_dates(talk, bank):
    # Issue #23: "明天的待办" lists tomorrow with its date, "下周的待办" next week's range.
    _, slots = await talk("wangfang", "今天电话联系了C00000005,她说明天再来网点谈理财", "log_visit",
                          [("customer_id", "C00000005")])
    await talk("wangfang", "确认", "affirm", **slots)

    replies, slots = await talk("wangfang", "明天的待办", "list_tasks")
    assert replies[-1].startswith("明天(12月1日 周二)的待办:\n1. 陈美玲:跟进(明天到期)")
    assert slots["task_refs"][0].startswith("follow_up:") and listed(slots)[0] == "C00000005"

    replies, slots = await talk("wangfang", "下周的待办", "list_tasks")
    assert replies[-1].startswith("下周(12月7日至12月13日)的待办:") and "陈美玲:跟进" not in replies[-1]
    number = re.search(r"(\d+)\. 王建国:邮享定期1年 50万 12月9日", replies[-1]).group(1)
    # The numbers open the customer, as on today's list.
    replies, _ = await talk("wangfang", number, "inform", **slots)
    assert replies[0].startswith("【王建国】")

    replies, _ = await talk("wangfang", "后天要跟进谁", "list_tasks")
    assert replies[-1] == "后天(12月2日)没有待办。"
    # Today's list is as before.
    replies, _ = await talk("wangfang", "我的待办", "list_tasks")
    assert replies[-1].startswith("11月30日待办(")


async def test_a_failure_after_the_visit_was_saved_says_it_was_saved(talk, bank, monkeypatch):
    """Issue #24: whatever fails after the visit was committed (here the step that fetches her
    notifications, failing as a lost database connection), the reply says what was saved, never
    "没有保存任何内容", and the draft is gone: the database holds the visit once."""
    from actions.runtime import Turn
    from bot.db import DatabaseUnavailable

    before = count(bank, Interaction)
    _, slots = await talk("wangfang", NOTE, "log_visit", [("customer_id", "C00000001")])

    async def unavailable(self):
        raise DatabaseUnavailable("OperationalError")

    monkeypatch.setattr(Turn, "notifications", unavailable)
    replies, slots = await talk("wangfang", "确认", "affirm", **slots)
    said = "\n".join(replies)
    assert "已记录:王建国 上门" in said and "已建跟进任务" in said and "稍后送达" in said
    assert "没有保存" not in said
    assert draft_of(slots) is None
    assert count(bank, Interaction) == before + 1 and count(bank, FollowUp) == 1
    await talk("wangfang", "确认", "affirm", **slots)
    assert count(bank, Interaction) == before + 1


async def test_a_colleagues_list_is_not_answered_with_ones_own(talk, bank):
    # A branch head asked for 王芳's list and was shown his own ("12月5日没有待办") as if it were hers.
    replies, slots = await talk("liuwei", "王芳的待办有多少", "list_tasks")
    assert replies[-1] == "目前只能看您自己的待办,看不了王芳的。发“我的待办”看您的。" and "task_refs" not in slots
    replies, _ = await talk("liuwei", "看下陈静明天要跟进谁", "list_tasks", [("staff_name", "陈静")])
    assert "看不了陈静的" in replies[-1]
    replies, _ = await talk("wangfang", "王芳的待办", "list_tasks")  # her own name: her own list
    assert replies[-1].startswith("11月30日待办(")


async def test_when_the_contact_was_is_corrected_at_the_confirmation(talk, bank):
    # A newcomer wrote "时间写错了,是上午" and was asked "要改哪一项?": the summary shows 时间, so
    # staff correct it. The demo clock is 11-30 10:00.
    _, slots = await talk("wangfang", "上门看了C00000005,她想买大额存单", "log_visit", [("customer_id", "C00000005")])
    replies, slots = await talk("wangfang", "不是今天,是昨天下午", "inform", **slots)
    assert "时间:昨天 14:00" in replies[-1]
    replies, slots = await talk("wangfang", "时间写错了,是上午", "inform", **slots)
    assert "时间:昨天 09:00" in replies[-1]  # the day shown is kept
    replies, slots = await talk("wangfang", "拜访时间改成明天", "inform", **slots)  # a contact to come is none
    assert replies[-1].startswith("要改哪一项") and draft_of(slots) is not None
    replies, _ = await talk("wangfang", "确认", "affirm", **slots)
    assert replies[-1].startswith("已记录:陈美玲 上门 昨天 09:00")
    with bank.unit_of_work() as session:
        happened = session.execute(select(Interaction.happened_at).where(Interaction.customer_id == "C00000005")
                                   .order_by(Interaction.id.desc())).scalars().first()
    assert to_local(happened).strftime("%m-%d %H:%M") == "11-29 09:00"


async def test_a_customer_the_nlu_took_for_a_colleague_is_looked_up_beside_the_visit(talk, bank):
    # "杨辉勇最近怎么样" at a visit's confirmation came back out_of_scope with staff_name 杨辉勇,
    # and was answered "这条拜访还没保存": the question was swallowed.
    _, slots = await talk("wangfang", NOTE, "log_visit", [("customer_id", "C00000001")])
    replies, slots = await talk("wangfang", "陈美玲最近怎么样", "out_of_scope", [("staff_name", "陈美玲")], **slots)
    assert replies[-1].startswith("【陈美玲】") and "王建国的拜访记录没保存" in replies[-1]
    # A colleague's name stays a colleague's: "转给陈静" is no customer.
    replies, _ = await talk("wangfang", "陈静最近怎么样", "out_of_scope", [("staff_name", "陈静")])
    assert not replies[-1].startswith("【")


async def test_the_summary_shows_the_follow_up_and_tags_saving_would_also_change(talk, bank):
    # Saving closed a follow-up and removed a tag the summary never mentioned.
    _, slots = await talk("wangfang", NOTE, "log_visit", [("customer_id", "C00000001")])  # follow-up 12-09
    await talk("wangfang", "确认", "affirm", **slots)
    with clock.frozen(datetime(2026, 12, 9, 15, 0)):
        replies, slots = await talk("wangfang", "C00000001到店了,对基金不感兴趣了", "log_visit", [("customer_id", "C00000001")])
        summary = replies[-1]
        assert "同时完成跟进:今天 09:00 今天上门拜访了C00000001" in summary, summary
        assert "同时去掉标签:意向:基金" in summary
        replies, _ = await talk("wangfang", "确认", "affirm", **slots)
    assert count(bank, FollowUp) == 1
    with bank.unit_of_work() as session:
        assert session.execute(select(FollowUp.done_reason)).scalar_one() == "visit"


async def test_a_note_naming_two_customers_says_whose_it_is_and_that_the_other_needs_a_note(talk, bank):
    # "今天上门拜访了黄婷莉和陈柳静" was drafted on the first alone, the second silently dropped.
    replies, slots = await talk("wangfang", "今天上门拜访了陈美玲和王建国,都对大额存单有兴趣", "log_visit",
                                [("customer_name", "陈美玲"), ("customer_name", "王建国")])
    said = replies[-1]
    assert "一条拜访记一位客户:这条记陈美玲;王建国的请另发一条。" in said and "客户:陈美玲" in said, said


async def test_deleting_a_saved_visit_is_said_not_built_and_deletes_nothing(talk, bank):
    _, slots = await talk("wangfang", NOTE, "log_visit", [("customer_id", "C00000001")])
    await talk("wangfang", "确认", "affirm", **slots)
    before = count(bank, Interaction)
    replies, _ = await talk("wangfang", "刚才那条记错了,删掉", "nlu_fallback")
    assert "还不能删除或修改(这个功能还没有做)" in replies[-1]
    assert count(bank, Interaction) == before


async def test_changing_a_referral_into_a_visit_in_one_message_drops_it_and_drafts_the_visit(talk, bank):
    # "算了不转了,记一下拜访吧,…" cancelled the referral and dropped the visit it described.
    _, slots = await talk("wangfang", "把C00000005转给陈静,她想买基金", "record_referral",
                          [("customer_id", "C00000005"), ("staff_name", "陈静"), ("product", "基金")])
    replies, slots = await talk("wangfang", "算了不转了,记一下拜访吧,今天电话联系了她,她想买基金", "record_referral",
                                [("product", "基金")], **slots)
    said = "\n".join(replies)
    assert "转介" in said and "已放弃" in said and "客户:陈美玲" in said and "方式:电话" in said, said
    await talk("wangfang", "确认", "affirm", **slots)
    with bank.unit_of_work() as session:
        from bot.models import Referral
        assert session.execute(select(func.count()).select_from(Referral)).scalar_one() == 0
    assert count(bank, Interaction) >= 1

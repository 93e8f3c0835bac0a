"""Referrals through the real actions: a teller refers a customer in one message plus a
confirmation, the receiver hears of it, moves it forward, and the teller hears back."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from bot.models import Referral
from tests.actions.conftest import draft_of, listed  # noqa: F401

REFER = "action_record_referral"
STEP = "action_referral_step"


def referral_count(bank) -> int:
    with bank.unit_of_work() as session:
        return session.execute(select(func.count()).select_from(Referral)).scalar_one()


async def test_refer_in_one_message_confirm_and_receiver_is_told(talk, bank):
    replies, slots = await talk("zhangli", "把C00000001转介给王芳,想了解基金定投", "record_referral",
        [("customer_id", "C00000001"), ("staff_name", "王芳"), ("product", "基金定投")],
    )
    summary = replies[-1]
    assert summary.startswith("请确认这条转介")
    assert "王建国(C00000001)" in summary and "基金定投(基金)" in summary and "王芳" in summary
    assert draft_of(slots) is not None
    assert referral_count(bank) == 0  # nothing is written before the confirmation
    assert [b["payload"] for b in talk.responses[-1]["buttons"]] == ["确认", "取消"]

    replies, slots = await talk("zhangli", "确认", "affirm", **slots)
    saved = replies[-1]
    number = re.search(r"转介编号 (ZJ\d{8}-\d{4})", saved).group(1)
    assert "王芳" in saved and "当前待办" in saved
    assert draft_of(slots) is None
    assert slots["current_referral_no"] == number
    assert referral_count(bank) == 1

    # The receiver's next message, whatever it is, starts with the new referral.
    replies, _ = await talk("wangfang", "帮助", "help")
    assert replies[0].startswith("【新转介】张丽转介给您:王建国") and number in replies[0]
    assert replies[-1] == "utter_help"
    replies, _ = await talk("wangfang", "帮助", "help")
    assert replies == ["utter_help"]  # shown once, never twice

    # She accepts and reports the sale; the teller hears of both, with the credit earned.
    replies, _ = await talk("wangfang", "王建国的转介接了", "update_referral",
                            [("customer_name", "王建国"), ("referral_status", "accepted")])
    assert "新转介 → 已接受" in replies[-1] or "→ 已接受" in replies[-1]
    replies, _ = await talk("wangfang", "那个转介成交了,买了20万基金", "update_referral",
                            [("referral_status", "converted"), ("amount", "20万"), ("product", "基金")],
                            current_referral_no=number)
    assert "→ 已成交" in replies[-1] and "积分" in replies[-1]
    replies, _ = await talk("zhangli", "帮助", "help")
    assert any(text.startswith("【转介进展】") for text in replies)
    assert any(text.startswith("【转介成交】") and "积分" in text for text in replies)


async def test_namesakes_are_listed_and_picked_by_number(talk, bank):
    replies, slots = await talk("zhangli", "把王建国转介给客户经理,想了解基金定投", "record_referral",
        [("customer_name", "王建国"), ("staff_role", "客户经理"), ("product", "基金定投")],
    )
    assert "找到2位叫王建国的客户" in replies[-1]
    replies, slots = await talk("zhangli", "2", "inform", **slots)
    assert "王建国(C00000002)" in replies[-1] and replies[-1].startswith("请确认")
    assert "客户经理" in replies[-1]


async def test_bare_request_asks_for_what_is_missing(talk, bank):
    replies, slots = await talk("zhangli", "新建转介", "record_referral")
    assert replies[-1].startswith("要转介哪位客户")
    replies, slots = await talk("zhangli", "陈美玲", "lookup_customer", [("customer_name", "陈美玲")], **slots)
    assert "对什么产品感兴趣" in replies[-1]
    assert slots["current_customer_id"] == "C00000005"
    replies, slots = await talk("zhangli", "大额存单", "inform", [("product", "大额存单")], **slots)
    assert replies[-1].startswith("请确认") and "大额存单(存款)" in replies[-1]


async def test_customer_in_context_is_used(talk, bank):
    replies, slots = await talk("zhangli", "帮他转个理财经理,想买理财", "record_referral",
                                [("staff_role", "理财经理"), ("product", "理财")], current_customer_id="C00000005")
    assert "陈美玲(C00000005)" in replies[-1] and "陈静" in replies[-1]


async def test_cancel_midway_writes_nothing(talk, bank):
    replies, slots = await talk("zhangli", "把C00000001转介给王芳", "record_referral",
                                [("customer_id", "C00000001"), ("staff_name", "王芳")])
    assert "对什么产品感兴趣" in replies[-1]
    replies, slots = await talk("zhangli", "算了不转了", "deny", **slots)
    assert "已取消" in replies[-1]
    assert draft_of(slots) is None
    assert referral_count(bank) == 0


async def test_receiver_from_another_branch_gets_alternatives(talk, bank):
    replies, slots = await talk("zhangli", "把C00000001转介给孙涛,想了解理财", "record_referral",
                                [("customer_id", "C00000001"), ("staff_name", "孙涛"), ("product", "理财")])
    assert "孙涛" in replies[-1] and "可以转给" in replies[-1]
    assert draft_of(slots) is not None
    offered = re.findall(r"^(\d)\. (\S+?),", replies[-1], re.MULTILINE)
    assert offered
    number, name = offered[0]
    replies, slots = await talk("zhangli", number, "inform", **slots)
    assert replies[-1].startswith("请确认") and name in replies[-1]


async def test_duplicate_offers_note_or_new(talk, bank):
    first, slots = await talk("zhangli", "把C00000001转介给王芳,想了解基金", "record_referral",
                              [("customer_id", "C00000001"), ("staff_name", "王芳"), ("product", "基金")])
    await talk("zhangli", "确认", "affirm", **slots)
    replies, slots = await talk("zhaoqiang", "C00000001想买基金定投,转给客户经理", "record_referral",
                                [("customer_id", "C00000001"), ("product", "基金定投"), ("staff_role", "客户经理")])
    assert "已有一条未完成的基金转介" in replies[-1]
    replies, _ = await talk("zhaoqiang", "补充到那条", "inform", **slots)
    assert "已把情况补充到转介" in replies[-1]
    assert referral_count(bank) == 1


async def test_confirmation_delivered_twice_creates_one_referral(talk, bank):
    _, slots = await talk("zhangli", "把C00000005转介给王芳,办房贷", "record_referral",
                          [("customer_id", "C00000005"), ("staff_name", "王芳"), ("product", "房贷")])
    first, _ = await talk("zhangli", "确认", "affirm", **slots)
    again, _ = await talk("zhangli", "确认", "affirm", **slots)  # the platform retried the same message
    assert referral_count(bank) == 1
    assert re.search(r"ZJ\d{8}-\d{4}", first[-1]).group(0) == re.search(r"ZJ\d{8}-\d{4}", again[-1]).group(0)


async def test_only_the_receiver_or_branch_head_may_update(talk, bank):
    _, slots = await talk("zhangli", "把C00000005转介给王芳,办房贷", "record_referral",
                          [("customer_id", "C00000005"), ("staff_name", "王芳"), ("product", "房贷")])
    saved, _ = await talk("zhangli", "确认", "affirm", **slots)
    number = re.search(r"ZJ\d{8}-\d{4}", saved[-1]).group(0)
    replies, _ = await talk("zhaoqiang", f"{number} 已联系", "update_referral",
                            [("referral_status", "contacted")])
    assert "没有找到" in replies[-1] or "只有接收人" in replies[-1]
    replies, _ = await talk("liuwei", f"{number} 已联系", "update_referral",
                            [("referral_status", "contacted")])
    assert "→ 已联系" in replies[-1]


async def test_list_and_ranking(talk, bank):
    _, slots = await talk("zhangli", "把C00000005转介给王芳,办房贷", "record_referral",
                          [("customer_id", "C00000005"), ("staff_name", "王芳"), ("product", "房贷")])
    await talk("zhangli", "确认", "affirm", **slots)
    replies, _ = await talk("zhangli", "我的转介", "list_referrals")
    assert "我发出的转介(1条)" in replies[-1] and "陈美玲" in replies[-1]
    replies, _ = await talk("zhangli", "本月转介排行", "referral_stats")
    assert "2026-11" in replies[-1] and "发出1条" in replies[-1]
    replies, _ = await talk("zhangli", "我的转介业绩", "referral_stats")
    assert "您发出转介1条" in replies[-1]


async def test_stranger_cannot_refer(talk, bank):
    replies, slots = await talk("nobody", "把王建国转介给客户经理", "record_referral", [("customer_name", "王建国")])
    assert replies[-1].startswith("抱歉,没有查到您的员工登记信息")
    assert draft_of(slots) is None


async def test_database_failing_at_the_confirmation_saves_nothing_and_the_retry_works(talk, bank, monkeypatch):
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    from bot.dialogue.replies import NOT_SAVED_REPLY

    _, slots = await talk("zhangli", "把C00000001转介给王芳,想了解基金定投", "record_referral",
        [("customer_id", "C00000001"), ("staff_name", "王芳"), ("product", "基金定投")],
    )
    real_commit = Session.commit

    def connection_lost(session):
        raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(Session, "commit", connection_lost)
    replies, changes = await talk("zhangli", "确认", "affirm", **slots)
    assert replies == [NOT_SAVED_REPLY]  # told, and nothing else said
    assert changes == slots  # no slot changed: the draft is kept as it was
    monkeypatch.setattr(Session, "commit", real_commit)
    assert referral_count(bank) == 0  # nothing half-written

    replies, after = await talk("zhangli", "确认", "affirm", **slots)
    assert re.search(r"转介编号 ZJ\d{8}-\d{4}", replies[-1])
    assert draft_of(after) is None and referral_count(bank) == 1


async def test_a_reply_that_never_reached_the_receiver_shows_the_notification_again(talk, bank):
    """Issue #24: a notification is delivered when the channel has the reply, not when the action
    ran. Her reply is lost on its way (the channel never took it): the next one shows it."""
    _, slots = await talk("zhangli", "把C00000005转介给王芳,办房贷", "record_referral",
                          [("customer_id", "C00000005"), ("staff_name", "王芳"), ("product", "房贷")])
    await talk("zhangli", "确认", "affirm", **slots)
    talk.reply_lost = True
    lost, _ = await talk("wangfang", "帮助", "help")
    assert lost[0].startswith("【新转介】张丽转介给您:陈美玲")
    talk.reply_lost = False
    replies, _ = await talk("wangfang", "帮助", "help")
    assert replies[0] == lost[0] and replies[-1] == "utter_help"
    replies, _ = await talk("wangfang", "帮助", "help")
    assert replies == ["utter_help"]  # and once it reached her, never again


async def test_a_failure_after_the_referral_was_saved_says_it_was_saved(talk, bank, monkeypatch):
    """Issue #24: the database fails while fetching her notifications, after the referral was
    committed. The reply says it was saved (with its number), never "没有保存任何内容"; the draft is
    gone, so a second "确认" cannot save it again."""
    from bot.db import DatabaseUnavailable
    from bot.referrals.service import ReferralService

    _, slots = await talk("zhangli", "把C00000005转介给王芳,办房贷", "record_referral",
                          [("customer_id", "C00000005"), ("staff_name", "王芳"), ("product", "房贷")])

    def unavailable(self, *args, **kwargs):
        raise DatabaseUnavailable("OperationalError")

    monkeypatch.setattr(ReferralService, "notifications", unavailable)
    replies, slots = await talk("zhangli", "确认", "affirm", **slots)
    said = "\n".join(replies)
    assert re.search(r"已保存,转介编号 ZJ\d{8}-\d{4}", said) and "稍后送达" in said
    assert "没有保存" not in said
    assert draft_of(slots) is None
    assert referral_count(bank) == 1
    replies, _ = await talk("zhangli", "确认", "affirm", **slots)
    assert referral_count(bank) == 1


async def test_a_famous_name_that_finds_nobody_is_not_found_not_the_customer_in_context(talk, bank):
    # A newcomer: "张无忌想买基金,帮我转给理财经理" right after looking up another customer was
    # drafted on that customer ("按上下文"): jieba knows 张无忌 too well to call it a rare name.
    replies, slots = await talk("zhaoqiang", "张无忌想买基金,帮我转给理财经理", "record_referral",
                            [("product", "基金"), ("staff_role", "理财经理")], current_customer_id="C00000005")
    said = "\n".join(replies)
    assert "没有找到「张无忌」" in said and "陈美玲" not in said and "按上下文" not in said
    await talk("zhaoqiang", "确认", "affirm", **slots)  # the draft asks whom: a yes saves nothing
    assert referral_count(bank) == 0


async def test_namesakes_are_picked_by_the_last_four_digits_the_nlu_tagged_a_phone(talk, bank):
    # "回复序号或手机尾号4位即可": a newcomer typed "4321" and was told a phone has 11 digits.
    _, slots = await talk("zhangli", "王建国", "lookup_customer", [("customer_name", "王建国")])
    replies, slots = await talk("zhangli", "4321", "lookup_customer", [("phone", "4321")], **slots)
    assert replies[-1].startswith("【王建国】") and slots["current_customer_id"] == "C00000002"
    _, slots = await talk("zhangli", "王建国想办信用卡,转给王芳", "record_referral",
                          [("customer_name", "王建国"), ("product", "信用卡"), ("staff_name", "王芳")])
    replies, slots = await talk("zhangli", "4321", "lookup_customer", [("phone", "4321")], **slots)
    assert "转介客户:王建国(C00000002)" in replies[-1]


async def test_the_next_step_said_alone_after_an_update_updates_that_referral(talk, bank):
    # "已经联系过了" right after "陈美玲那条我接了" was answered with 陈美玲's contact history.
    _, slots = await talk("zhangli", "把C00000005转介给陈静,想了解理财", "record_referral",
                          [("customer_id", "C00000005"), ("staff_name", "陈静"), ("product", "理财")])
    replies, _ = await talk("zhangli", "确认", "affirm", **slots)
    number = re.search(r"转介编号 (ZJ\d{8}-\d{4})", replies[-1]).group(1)
    replies, slots = await talk("chenjing", "陈美玲那条我接了", "update_referral",
                                [("customer_name", "陈美玲"), ("referral_status", "accepted")])
    assert "→ 已接受" in replies[-1]
    replies, _ = await talk("chenjing", "已经联系过了", "ask_interactions", **slots)
    assert f"已更新 {number}" in replies[-1] and "已接受 → 已联系" in replies[-1]


async def test_a_colleagues_name_alone_at_the_confirmation_is_the_receiver(talk, bank):
    # "王芳" alone under a summary routed to 陈静 was looked up as a customer ("没有找到「王芳」"),
    # and the next "确认" saved the referral to 陈静, whom the teller had just turned down.
    replies, slots = await talk("zhaoqiang", "转介C00000005,想买理财", "record_referral",
                                [("customer_id", "C00000005"), ("product", "理财")])
    assert "接收人:" in replies[-1] and "接收人:王芳" not in replies[-1]
    replies, slots = await talk("zhaoqiang", "王芳", "inform", **slots)
    assert "接收人:王芳" in replies[-1] and "没有找到" not in replies[-1]
    replies, _ = await talk("zhaoqiang", "确认", "affirm", **slots)
    with bank.unit_of_work() as session:
        assert session.execute(select(Referral.receiver_id)).scalar_one() == "S0003"


async def test_this_month_right_after_last_months_ranking_is_this_months_ranking(talk, bank):
    # "这个月呢" after "上个月的转介排名" came back affirm and was answered "好的。还有要查的客户…".
    _, slots = await talk("liuwei", "上个月的转介排名", "referral_stats")
    replies, _ = await talk("liuwei", "这个月呢", "affirm", **slots)
    assert "2026-11 转介" in replies[-1] and "您排第" in replies[-1]

"""Issue #24, point 8: a failure after a successful save never says "没有保存任何内容".

Each write that is not a draft (a referral's new status, "完成第N条", feedback) is committed, then
the step that fetches the employee's notifications fails as a lost database connection would:
the reply says what was saved, and the database holds it once. A failure before anything was
saved says so, and mentions a draft only when one waits.
"""
from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from actions.runtime import Turn
from bot.clock import clock
from bot.db import DatabaseUnavailable
from bot.dialogue.replies import NOT_DONE_REPLY, NOT_SAVED_REPLY
from bot.models import Feedback, FollowUp, Referral
from tests.actions.conftest import draft_of


async def _unavailable(self):
    raise DatabaseUnavailable("OperationalError")


def rows(bank, query):
    with bank.unit_of_work() as session:
        return session.execute(query).scalars().all()


@pytest.fixture
async def referral_no(talk):
    _, slots = await talk("zhangli", "把C00000005转介给王芳,办房贷", "record_referral",
                          [("customer_id", "C00000005"), ("staff_name", "王芳"), ("product", "房贷")])
    replies, _ = await talk("zhangli", "确认", "affirm", **slots)
    return re.search(r"转介编号 (ZJ\d{8}-\d{4})", replies[-1]).group(1)


async def test_a_status_saved_before_the_failure_is_said_saved(talk, bank, monkeypatch, referral_no):
    monkeypatch.setattr(Turn, "notifications", _unavailable)
    replies, slots = await talk("wangfang", f"{referral_no} 已联系", "update_referral",
                                [("referral_status", "contacted")])
    said = "\n".join(replies)
    assert f"已更新 {referral_no}" in said or "→ 已联系" in said, said
    assert "没有保存" not in said and "稍后送达" in said
    assert slots.get("current_referral_no") == referral_no
    status = rows(bank, select(Referral.status).where(Referral.referral_no == referral_no))
    assert [str(getattr(s, "value", s)) for s in status] == ["contacted"]


async def test_a_follow_up_completed_before_the_failure_is_said_completed(talk, bank, monkeypatch):
    _, slots = await talk("wangfang", "今天上门拜访了C00000001,聊了定期,明天再联系", "log_visit",
                          [("customer_id", "C00000001")])
    await talk("wangfang", "确认", "affirm", **slots)
    with clock.frozen(datetime(2026, 12, 1, 8, 0)):
        replies, slots = await talk("wangfang", "我的待办", "list_tasks")
        number = re.search(r"(\d+)\. 王建国:跟进", replies[-1]).group(1)
        monkeypatch.setattr(Turn, "notifications", _unavailable)
        replies, _ = await talk("wangfang", f"完成第{number}条", "list_tasks", **slots)
    said = "\n".join(replies)
    assert "这条跟进已完成" in said and "没有保存" not in said and "稍后送达" in said
    done = rows(bank, select(FollowUp.done_at))
    assert len(done) == 1 and done[0] is not None


async def test_feedback_kept_before_the_failure_is_said_kept(talk, bank, monkeypatch):
    monkeypatch.setattr(Turn, "notifications", _unavailable)
    replies, _ = await talk("zhangli", "提个建议:转介能不能加个提醒", "give_feedback")
    said = "\n".join(replies)
    assert "意见已记下" in said and "没有保存" not in said
    assert rows(bank, select(func.count()).select_from(Feedback))[0] == 1


async def test_a_failure_before_any_save_says_nothing_was_saved_and_mentions_no_draft_that_is_not_there(
        talk, bank, monkeypatch, referral_no):
    from bot.referrals.service import ReferralService

    def unavailable(self, *args, **kwargs):
        raise DatabaseUnavailable("OperationalError")

    monkeypatch.setattr(ReferralService, "transition", unavailable)
    replies, _ = await talk("wangfang", f"{referral_no} 已联系", "update_referral", [("referral_status", "contacted")])
    assert replies == [NOT_DONE_REPLY] and "草稿" not in replies[0]
    status = rows(bank, select(Referral.status).where(Referral.referral_no == referral_no))
    assert [str(getattr(s, "value", s)) for s in status] == ["new"]

    # With a draft waiting, the reply says the draft is still there.
    _, slots = await talk("zhangli", "把C00000001转介给王芳,想了解基金定投", "record_referral",
                          [("customer_id", "C00000001"), ("staff_name", "王芳"), ("product", "基金定投")])
    monkeypatch.setattr(ReferralService, "find_for_update", unavailable)
    replies, changes = await talk("zhangli", "王建国的转介已联系", "update_referral",
                                  [("customer_name", "王建国"), ("referral_status", "contacted")], **slots)
    assert replies == [NOT_SAVED_REPLY] and draft_of(changes) is not None

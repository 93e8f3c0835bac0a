"""Segments (客群) through the real action: a branch head asks for customers by conditions,
pages on, corrects the conditions, opens a customer by number, saves the list and finds it again;
the database holds what was saved and an audit row per customer shown."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from bot.models import AuditEntry, SavedSegment
from tests.actions.conftest import listed


def audited(bank, staff_id="S0005") -> int:
    with bank.unit_of_work() as session:
        return session.execute(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.shown == "segment")).scalar_one()


def numbered(reply: str) -> list[str]:
    return re.findall(r"^(\d+)\. ", reply, flags=re.M)


async def test_a_segment_pages_on_is_corrected_opened_and_saved(talk, bank):
    replies, slots = await talk("liuwei", "到期承接", "find_customers")
    first = replies[-1]
    assert first.startswith("共") and "条件:到期承接·有期限产品·到期11月30日至12月29日" in first
    assert numbered(first) == [str(n) for n in range(1, 11)] and "更多" in first
    assert re.search(r"\d{11}", first) is None  # phones masked
    ids = listed(slots)
    assert len(ids) == 10 and slots["current_customer_id"] is None
    total = int(re.match(r"共(\d+)位", first).group(1))
    assert audited(bank) == 10

    replies, slots = await talk("liuwei", "更多", "inform", **slots)
    assert numbered(replies[-1])[0] == "11" and f"共{total}位" in replies[-1]
    assert len(listed(slots)) == min(total, 20)

    replies, slots = await talk("liuwei", "改成5万以上", "inform", **slots)
    corrected = replies[-1]
    assert "条件:到期承接·有期限产品·到期11月30日至12月29日·≥5万" in corrected
    assert int(re.match(r"共(\d+)位", corrected).group(1)) < total
    first_name = re.search(r"^1\. (\S+) ", corrected, flags=re.M).group(1)

    replies, slots = await talk("liuwei", "1", "inform", **slots)
    assert replies[-1].startswith(f"【{first_name}】") and slots["current_customer_id"] == listed(
        {"waiting": {"choice": {"candidate_ids": [slots["current_customer_id"]]}}})[0]

    replies, slots = await talk("liuwei", "保存为名单:下月到期大客户", "inform", **slots)
    assert replies[-1].startswith("已保存名单“下月到期大客户”") and "≥5万" in replies[-1]
    with bank.unit_of_work() as session:
        assert session.execute(select(func.count()).select_from(SavedSegment)).scalar_one() == 1

    replies, slots = await talk("liuwei", "我的名单", "list_tasks", **slots)
    assert "1. 下月到期大客户:" in replies[-1]
    replies, slots = await talk("liuwei", "打开名单1", "inform", **slots)
    assert replies[-1].startswith("名单“下月到期大客户”:共") and listed(slots)


async def test_an_empty_segment_says_so_and_a_description_without_conditions_asks(talk, bank):
    replies, slots = await talk("zhangli", "代理网点60岁以上的客户", "find_customers")
    assert replies[-1].startswith("没有符合条件的客户") and "放宽" in replies[-1]
    assert listed(slots) is None
    replies, _ = await talk("zhangli", "帮我筛一下客户", "find_customers")
    assert replies[-1].startswith("请说一下要找什么样的客户")
    replies, _ = await talk("zhangli", "基金潜力客户", "find_customers")
    assert "还没做好" in replies[-1]
    replies, _ = await talk("zhangli", "保存为名单:测试", "inform")
    assert replies[-1].startswith("还没有找过客群")
    with bank.unit_of_work() as session:
        assert session.execute(select(func.count()).select_from(SavedSegment)).scalar_one() == 0


async def test_a_to_do_question_is_still_the_to_do_list(talk, bank):
    replies, _ = await talk("wangfang", "今天要跟进哪些客户", "list_tasks")
    assert "条件:" not in replies[-1]

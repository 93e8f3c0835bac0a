"""Campaigns (营销活动) through the real action: a branch head turns next month's maturities into a
campaign offering 大额存单, split by customer manager; the managers find the customers at the top
of their daily list, record outcomes by number, and the progress moves. The database is checked
after each step: nothing before "确认", one target per customer after it."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from bot.models import Campaign, CampaignEvent, CampaignTarget, Notification
from tests.actions.conftest import draft_of


def count(bank, model, *where) -> int:
    with bank.unit_of_work() as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


async def test_a_branch_head_makes_a_campaign_and_the_managers_work_it(talk, bank):
    replies, slots = await talk("liuwei", "下个月到期的客户", "list_tasks")
    assert "条件:有期限产品·到期12月1日至12月31日" in replies[-1]

    replies, slots = await talk("liuwei", "做个活动,推大额存单,按客户经理分,月底前", "create_campaign",
                                [("product", "大额存单")], **slots)
    summary = replies[-1]
    assert summary.startswith("营销活动草稿") and "推:大额存单" in summary and "截止11月30日(今天)" in summary
    assert "分配:" in summary and "回复“确认”创建" in summary
    assert draft_of(slots)["kind"] == "campaign" and count(bank, Campaign) == 0  # nothing before 确认

    replies, slots = await talk("liuwei", "截止改成12月31日", "inform", **slots)
    assert "截止12月31日" in replies[-1] and count(bank, Campaign) == 0
    planned = int(re.search(r"活动客户:(\d+)位", replies[-1]).group(1))
    people = dict((name, int(n)) for name, n in re.findall(r"([\u4e00-\u9fa5]{2,3})(\d+)位", replies[-1].split("分配:")[1]))

    replies, slots = await talk("liuwei", "确认", "affirm", **slots)
    assert replies[-1].startswith("已创建营销活动 HD20261130-01") and draft_of(slots) is None
    assert count(bank, Campaign) == 1 and count(bank, CampaignTarget) == planned == count(bank, CampaignEvent)
    assert count(bank, Notification, Notification.kind == "campaign") == len([p for p in people if p != "刘伟"])

    replies, slots = await talk("liuwei", "确认", "affirm", **slots)  # a second 确认 makes nothing
    assert count(bank, Campaign) == 1

    # A manager's daily list: her campaign customers first.
    assert "王芳" in people
    replies, mine = await talk("wangfang", "我的待办", "list_tasks")
    lines = [line for line in replies[-1].splitlines() if re.match(r"\d+\. ", line)]
    campaign_lines = [line for line in lines if "活动「" in line]
    assert len(campaign_lines) == people["王芳"] and lines[:len(campaign_lines)] == campaign_lines
    first, second = campaign_lines[0], campaign_lines[1] if len(campaign_lines) > 1 else None

    replies, mine = await talk("wangfang", "第1个已联系,有意向", "inform", **mine)
    assert replies[-1].startswith("已记录:") and "未联系→有意向" in replies[-1]
    assert first.split(".", 1)[1].split(":")[0].strip() in replies[-1]
    if second is not None:
        replies, mine = await talk("wangfang", "第2个成交10万", "inform", **mine)
        assert "→已成交" in replies[-1] and "金额10万" in replies[-1]
        replies, _ = await talk("wangfang", "第2个不需要", "inform", **mine)
        assert "已经是“已成交”" in replies[-1]  # a closed target stays closed

    replies, _ = await talk("liuwei", "活动进度", "campaign_progress")
    progress = replies[-1]
    assert "HD20261130-01" in progress and "王芳:" in progress and "合计:" in progress
    assert re.search(r"王芳:\d+位,已联系%d,有意向%d,成交%d" % ((2, 2, 1) if second else (1, 1, 0)), progress)

    # The head moves a manager's not-yet-contacted customers to a colleague.
    others = [p for p in people if p not in ("王芳", "刘伟")]
    if others:
        replies, _ = await talk("liuwei", f"把{others[0]}没联系的转给王芳", "inform")
        assert replies[-1].startswith("已把活动") or "没有未联系的客户" in replies[-1]


async def test_no_campaign_without_a_segment_nor_from_a_teller(talk, bank):
    replies, _ = await talk("liuwei", "做个活动,推大额存单", "create_campaign", [("product", "大额存单")])
    assert replies[-1].startswith("先说要找哪些客户")
    replies, slots = await talk("zhangli", "下个月到期的客户", "list_tasks")
    replies, slots = await talk("zhangli", "做个活动推理财", "create_campaign", [("product", "理财")], **slots)
    assert replies[-1].startswith("营销活动由行长")
    replies, slots = await talk("liuwei", "下个月到期的客户", "list_tasks")
    replies, slots = await talk("liuwei", "做个活动推理财 平均分给王芳和张三丰", "create_campaign", **slots)
    assert "没有叫“张三丰”的同事" in replies[-1]
    replies, slots = await talk("liuwei", "取消", "deny", **slots)
    assert count(bank, Campaign) == 0 and count(bank, CampaignTarget) == 0

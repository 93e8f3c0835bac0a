"""Issue #26's campaign conversation, read by the trained model: a branch head lists next month's
maturities, makes a campaign of them offering 大额存单 split by customer manager, confirms; a
manager finds the customers at the top of her daily list and records two outcomes; the head's
"活动进度" has moved. The database after each step: nothing before 确认, the targets after it."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from bot.models import Campaign, CampaignTarget


def counted(db, model, *where) -> int:
    with db.bank.unit_of_work() as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


async def test_a_branch_head_s_campaign_from_list_to_progress(chat, db):
    writes = db.writes()
    reply = await chat("liuwei", "下个月到期的客户")
    assert "条件:有期限产品·到期12月1日至12月31日" in reply
    reply = await chat("liuwei", "做个活动,推大额存单,按客户经理分,月底前")
    assert reply.startswith("营销活动草稿") and "推:大额存单" in reply and "分配:" in reply
    assert counted(db, Campaign) == 0
    reply = await chat("liuwei", "截止改成12月31日")
    assert "截止12月31日" in reply
    people = dict((n, int(c)) for n, c in re.findall(r"([\u4e00-\u9fa5]{2,3})(\d+)位", reply.split("分配:")[1]))
    reply = await chat("liuwei", "确认")
    assert reply.startswith("已创建营销活动") and counted(db, Campaign) == 1
    assert counted(db, CampaignTarget) == sum(people.values())
    assert db.writes() == writes  # no visit, referral or follow-up

    assert "王芳" in people
    reply = await chat("wangfang", "我的待办")
    lines = [line for line in reply.splitlines() if re.match(r"\d+\. ", line)]
    assert lines[0].startswith("1. ") and "活动「" in lines[0]
    reply = await chat("wangfang", "第1个已联系,有意向")
    assert reply.startswith("已记录") and "有意向" in reply
    if people["王芳"] > 1:
        reply = await chat("wangfang", "第2个成交10万")
        assert "已成交" in reply and "10万" in reply
    reply = await chat("liuwei", "活动进度")
    assert re.search(r"王芳:\d+位,已联系[12],有意向[12]", reply) and "合计" in reply or "王芳:" in reply


async def test_a_campaign_cancelled_and_one_without_a_segment(chat, db):
    reply = await chat("liuwei", "做个活动推理财")
    assert "先说要找哪些客户" in reply
    await chat("liuwei", "沉睡唤醒")
    reply = await chat("liuwei", "用这批客户做个理财活动,都给我")
    assert reply.startswith("营销活动草稿") and "都给您" in reply
    reply = await chat("liuwei", "算了")
    assert "没有创建" in reply and counted(db, Campaign) == 0

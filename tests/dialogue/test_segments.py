"""Segments (客群) as staff ask for them, read by the trained model: a branch head's maturities of
next month, a manager's dormant customers corrected twice, a list saved and opened again, a pick
by number, a segment asked beside a visit draft (the draft kept, nothing written), and the to-do
list still the to-do list. The database is checked after each: audit rows for every customer
shown, nothing written but the saved list."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from bot.models import AuditEntry, SavedSegment

FULL_NUMBER = re.compile(r"\d{11,}")


def segment_rows(db, staff_id: str | None = None) -> int:
    where = [AuditEntry.shown == "segment"] + ([AuditEntry.staff_id == staff_id] if staff_id else [])
    with db.bank.unit_of_work() as session:
        return session.execute(select(func.count()).select_from(AuditEntry).where(*where)).scalar_one()


def saved_lists(db) -> list[str]:
    with db.bank.unit_of_work() as session:
        return list(session.execute(select(SavedSegment.name)).scalars())


def total_of(reply: str) -> int:
    return int(re.search(r"共(\d+)位", reply).group(1))


async def test_next_month_s_maturities_for_a_branch_head_then_a_customer_then_saved(chat, db):
    writes = db.writes()
    reply = await chat("liuwei", "下个月有定期到期的客户")
    assert "条件:定期·到期12月1日至12月31日" in reply and reply.startswith("共")
    assert not FULL_NUMBER.search(reply)
    shown = len(re.findall(r"^\d+\. ", reply, flags=re.M))
    assert shown == min(10, total_of(reply)) and segment_rows(db, "S0005") >= shown

    reply = await chat("liuwei", "改成5万以上")
    assert "≥5万" in reply and "定期·到期12月1日至12月31日" in reply
    name = re.search(r"^1\. (\S+) ", reply, flags=re.M).group(1)
    reply = await chat("liuwei", "1")
    assert reply.startswith(f"【{name}】")

    reply = await chat("liuwei", "保存为名单:下月定期")
    assert reply.startswith("已保存名单“下月定期”") and saved_lists(db) == ["下月定期"]
    reply = await chat("liuwei", "我的名单")
    assert "1. 下月定期:" in reply
    assert db.writes() == writes  # no visit, referral or follow-up written


async def test_dormant_customers_corrected_and_paged(chat, db):
    reply = await chat("majun", "三个月没联系过、资产10万以上的")
    assert "条件:资产≥10万·90天未联系" in reply
    total = total_of(reply)
    reply = await chat("majun", "只要代理网点的")
    assert "条件:代理网点·资产≥10万·90天未联系" in reply and total_of(reply) <= total
    reply = await chat("majun", "不限金额")
    assert "资产≥" not in reply.split("\n")[0] and "代理网点" in reply.split("\n")[0]
    if total_of(reply) > 10:
        assert re.search(r"^11\. ", await chat("majun", "更多"), flags=re.M)


async def test_a_segment_asked_beside_a_visit_draft_keeps_the_draft_and_writes_nothing(chat, db):
    visits = db.visits()
    draft = await chat("wangfang", "今天电话联系了陈美玲,她想了解大额存单")
    assert "确认" in draft
    reply = await chat("wangfang", "风险测评过期的客户有哪些")
    assert "条件:风险测评已过期" in reply and "拜访记录" in reply  # the draft is mentioned, kept
    assert db.visits() == visits
    assert "已记录" in await chat("wangfang", "确认")
    assert db.visits() == visits + 1


async def test_the_to_do_list_and_one_customer_s_maturity_are_not_segments(chat, db):
    reply = await chat("wangfang", "今天要跟进哪些客户")
    assert "条件:" not in reply
    await chat("wangfang", "王建国")
    reply = await chat("wangfang", "1")
    reply = await chat("wangfang", "他的定期什么时候到期")
    assert "条件:" not in reply and "王建国" in reply


async def test_scenes_by_name_and_what_is_not_built(chat, db):
    for scene, words in (("沉睡唤醒", "90天未联系"), ("生日关怀", "生日11月30日至12月6日"),
                         ("测评到期", "风险测评已过期或30天内到期"), ("到期承接", "到期11月30日至12月29日")):
        reply = await chat("liuwei", scene)
        assert f"条件:{scene}" in reply and words in reply, (scene, reply)
    reply = await chat("liuwei", "基金潜力客户")
    assert "还没做好" in reply

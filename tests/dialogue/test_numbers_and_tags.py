"""Numbers and tags are read only where they are (issue #23, 5): "3天后", ages, counts and
percentages are not money; a relative's age, pension or purchase is not the customer's amount,
nor a relative's plans a follow-up; "不太想买基金" never becomes 意向:基金 and 不感兴趣 comes only
from an explicit refusal; a tag is a phrase a manager would write, never a stray noun ("爱人");
a follow-up keeps the time of day said ("下周三下午" is 14:00).

Each note is confirmed and the stored visit checked: its amounts (interactions.details), its
tags, its follow-up task.
"""
from __future__ import annotations

from decimal import Decimal

CHEN, JINGRONG = "C00000005", "C00000098"  # 王静荣: a customer of 王芳's, 67, holds 定期 and 理财


def amounts_stored(db) -> list[Decimal]:
    return [Decimal(a) for a in db.latest_visit().details["amounts"]]


def new_tags(db, customer_id: str, before: list[str]) -> list[str]:
    return [tag for tag in db.tags(customer_id) if tag not in before]


async def test_in_three_days_is_a_follow_up_not_an_amount(chat, db):
    reply = await chat("wangfang", "今天电话联系了陈美玲,她说3天后来网点办大额存单")
    assert "金额:—" in reply and "下次跟进:12月3日 09:00" in reply
    assert "已记录:陈美玲" in await chat("wangfang", "确认")
    assert amounts_stored(db) == []
    assert db.latest_follow_up().due_at.isoformat().startswith("2026-12-03T09:00")


async def test_the_customers_age_is_not_money(chat, db):
    tags = db.tags(JINGRONG)
    reply = await chat("wangfang", "王静荣上门,她67岁了,不想买基金,还是只存定期")
    assert "客户:王静荣" in reply and "金额:—" in reply and "67" not in reply.split("金额")[1]
    await chat("wangfang", "确认")
    assert amounts_stored(db) == []
    assert "意向:基金" not in db.tags(JINGRONG) and new_tags(db, JINGRONG, tags) == ["不感兴趣:基金"]


async def test_a_husbands_pension_is_not_her_amount(chat, db):
    tags = db.tags(CHEN)
    reply = await chat("wangfang", "陈美玲到店,她老伴每月退休金5000,她自己想买点理财")
    assert "金额:—" in reply and "5000" not in reply.split("金额")[1]
    await chat("wangfang", "确认")
    assert amounts_stored(db) == []
    assert new_tags(db, CHEN, tags) == ["意向:理财"]


async def test_a_sons_age_and_down_payment_are_not_her_amounts(chat, db):
    reply = await chat("wangfang", "陈美玲到店,她儿子30岁,要买房首付80万")
    assert "金额:—" in reply and "80万" not in reply and "30" not in reply.split("金额")[1]
    await chat("wangfang", "确认")
    assert amounts_stored(db) == []
    assert all(event["amount"] is None for event in db.latest_visit().details["events"])


async def test_a_fathers_age_and_pension_with_her_wish_for_insurance(chat, db):
    tags = db.tags(CHEN)
    reply = await chat("wangfang", "陈美玲到店,她父亲80岁了,每月养老金3000,她想给父亲买份保险")
    assert "金额:—" in reply and "3000" not in reply.split("金额")[1]
    await chat("wangfang", "确认")
    assert amounts_stored(db) == []
    assert new_tags(db, CHEN, tags) == ["意向:保险"]


async def test_a_percentage_is_no_amount_and_the_morning_is_kept(chat, db):
    reply = await chat("wangfang", "电话回访陈美玲,她说理财收益3.5%太低了,想买国债,下周四上午再谈")
    assert "金额:—" in reply and "下次跟进:12月10日 09:00" in reply
    await chat("wangfang", "确认")
    assert amounts_stored(db) == []
    assert db.latest_follow_up().due_at.isoformat().startswith("2026-12-10T09:00")


async def test_minutes_houses_and_children_are_counts_only_the_deposit_is_money(chat, db):
    reply = await chat("wangfang", "陈美玲到店,聊了20分钟,她有两套房三个孩子,想存10万定期")
    assert "金额:10万" in reply
    await chat("wangfang", "确认")
    assert amounts_stored(db) == [Decimal("100000")]


async def test_not_really_wanting_funds_is_no_interest_in_funds(chat, db):
    tags = db.tags(CHEN)
    reply = await chat("wangfang", "陈美玲到店,介绍了基金,她说不太想买基金,还是存定期稳当")
    assert "意向:基金" not in reply
    await chat("wangfang", "确认")
    assert "意向:基金" not in db.tags(CHEN) and "不感兴趣:基金" not in new_tags(db, CHEN, tags)


async def test_thinking_it_over_is_neither_interest_nor_refusal(chat, db):
    tags = db.tags(CHEN)
    reply = await chat("wangfang", "今天给陈美玲打了电话,推荐了基金定投,她说再考虑考虑")
    assert "不感兴趣" not in reply
    await chat("wangfang", "确认")
    assert db.visits(CHEN) == 1 and new_tags(db, CHEN, tags) == []


async def test_an_explicit_refusal_tags_not_interested(chat, db):
    tags = db.tags(CHEN)
    reply = await chat("wangfang", "刚给陈美玲打电话,推荐了保险,她明确说不要保险,家里已经买过了")
    assert "不感兴趣:保险" in reply
    await chat("wangfang", "确认")
    assert new_tags(db, CHEN, tags) == ["不感兴趣:保险"]


async def test_her_husband_is_no_tag_and_wednesday_afternoon_is_two_oclock(chat, db):
    tags = db.tags(CHEN)
    reply = await chat("wangfang", "陈美玲来网点了,她爱人也陪着来了,聊了理财,下周三下午再联系")
    assert "下次跟进:12月9日 14:00" in reply and "爱人" not in reply.split("标签")[-1]
    assert "已建跟进任务" in await chat("wangfang", "确认")
    assert db.latest_follow_up().due_at.isoformat().startswith("2026-12-09T14:00")
    assert not any("爱人" in tag for tag in db.tags(CHEN)) and set(new_tags(db, CHEN, tags)) <= {"意向:理财"}


async def test_a_child_going_abroad_is_no_tag_of_a_stray_word(chat, db):
    tags = db.tags(CHEN)
    await chat("wangfang", "陈美玲到店,孩子要出国留学,想换点外汇")
    await chat("wangfang", "确认")
    assert not {"孩子", "出国", "外汇", "留学"} & set(new_tags(db, CHEN, tags))


async def test_a_husbands_purchase_is_not_her_amount(chat, db):
    tags = db.tags(CHEN)
    reply = await chat("wangfang", "陈美玲到店,她说她爱人上个月买了20万理财,她自己想看看大额存单")
    assert "金额:—" in reply and "20万" not in reply
    await chat("wangfang", "确认")
    assert amounts_stored(db) == [] and new_tags(db, CHEN, tags) == ["意向:大额存单"]


async def test_a_daughters_age_and_next_year_are_no_visit_time_and_no_follow_up(chat, db):
    reply = await chat("wangfang", "陈美玲来电,她女儿今年18岁,明年上大学,想存点教育金")
    assert "时间:今天 10:00" in reply and "下次跟进:无" in reply
    await chat("wangfang", "确认")
    assert db.visits(CHEN) == 1 and db.follow_ups(CHEN) == 0 and amounts_stored(db) == []


async def test_a_daughter_coming_home_for_new_year_is_no_follow_up(chat, db):
    reply = await chat("wangfang", "王静荣到店,她女儿在深圳,过年回来,聊了理财")
    assert "客户:王静荣" in reply and "下次跟进:无" in reply
    await chat("wangfang", "确认")
    assert db.visits(JINGRONG) == 1 and db.follow_ups(JINGRONG) == 0


async def test_a_birth_year_is_not_when_the_visit_happened(chat, db):
    reply = await chat("wangfang", "陈美玲上门,她1979年出生,想规划养老")
    assert "时间:今天 10:00" in reply and "金额:—" in reply
    await chat("wangfang", "确认")
    visit = db.latest_visit()
    assert visit.customer_id == CHEN and visit.happened_at.year == 2026 and amounts_stored(db) == []


async def test_a_maturity_date_is_not_the_follow_up_and_her_own_amount_is_kept(chat, db):
    reply = await chat("wangfang", "陈美玲到店,她说等35万理财明年3月30号到期再说")
    assert "金额:35万" in reply and "3月30日到期" in reply and "下次跟进:无" in reply
    await chat("wangfang", "确认")
    assert amounts_stored(db) == [Decimal("350000")] and db.follow_ups(CHEN) == 0
    assert db.latest_visit().details["events"][0]["at"] == "2027-03-30"


async def test_friday_at_three_in_the_afternoon_is_kept_to_the_minute(chat, db):
    reply = await chat("wangfang", "陈美玲到店,约了周五下午3点再来签合同")
    assert "下次跟进:12月4日 15:00" in reply and "金额:—" in reply
    await chat("wangfang", "确认")
    assert db.latest_follow_up().due_at.isoformat().startswith("2026-12-04T15:00")
    assert amounts_stored(db) == []


async def test_half_past_ten_tomorrow_moved_to_the_day_after_keeps_its_time(chat, db):
    reply = await chat("wangfang", "电话回访陈美玲,明天上午十点半再打电话")
    assert "下次跟进:明天 10:30" in reply
    reply = await chat("wangfang", "不是明天,是后天")
    assert "下次跟进:后天 10:30" in reply
    await chat("wangfang", "确认")
    assert db.latest_follow_up().due_at.isoformat().startswith("2026-12-02T10:30")


async def test_in_three_days_in_chinese_numerals_is_a_follow_up(chat, db):
    reply = await chat("wangfang", "陈美玲到店,三天后再联系")
    assert "下次跟进:12月3日 09:00" in reply and "金额:—" in reply
    await chat("wangfang", "确认")
    assert db.follow_ups(CHEN) == 1

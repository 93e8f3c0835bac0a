"""Suitability refuses by rule, never by money the bank cannot see (issue #23, 7): a customer with
nothing at the bank still gets suggestions, minimums said as information ("起购20万"), never
"可用资金"; a C5 customer may buy an R5 fund; "她能买X吗" and "那X呢" get yes or no with the
rule, even right after a list, and "再推荐几个" is still the next page; an expired assessment
allows R1 only and says so. Suggestions write no visit, referral or follow-up.
"""
from __future__ import annotations

import re
from datetime import date

from bot.models import Customer
from tools.demo_data import PRODUCTS

WANG, WANG_YOUNGER, LI, CHEN = "C00000001", "C00000002", "C00000004", "C00000005"
RISK_OF = {p.name: int(p.risk_rating[1]) for p in PRODUCTS}
NUMBERED = re.compile(r"^(\d+)\. (.+?) · ", re.M)


def suggested(reply: str) -> list[tuple[int, str]]:
    return [(int(n), name) for n, name in NUMBERED.findall(reply)]


def new_customer(db, customer_id: str, name: str, risk_level: str, assessed_on: date, *, gender: str = "F",
                 born: date = date(1988, 4, 16), occupation: str = "教师") -> None:
    """A customer of 城关支行 (王芳's) with nothing at all at the bank: no deposit, no holding."""
    with db.bank.unit_of_work() as session:
        session.add(Customer(customer_id=customer_id, name=name, gender=gender, birth_date=born, branch_id="B001",
                             manager_id="S0003", risk_level=risk_level, risk_assessed_on=assessed_on,
                             occupation=occupation))


async def test_a_customer_with_nothing_at_the_bank_still_gets_suggestions(chat, db):
    new_customer(db, "C00009981", "苏晓雯", "C3", date(2026, 9, 1))
    reply = await chat("wangfang", "给苏晓雯推荐点产品")
    listed = suggested(reply)
    assert reply.startswith("给苏晓雯(C00009981)的推荐:") and [n for n, _ in listed] == [1, 2, 3]
    assert all(RISK_OF[name] <= 3 for _, name in listed)
    assert "可用资金" not in reply and "0元" not in reply
    assert db.writes() == (0, 0, 0)


async def test_a_large_minimum_is_said_as_information_not_a_refusal(chat, db):
    new_customer(db, "C00009982", "钟立伟", "C2", date(2026, 10, 12), gender="M", born=date(1975, 2, 3))
    await chat("wangfang", "查一下钟立伟")
    reply = await chat("wangfang", "他能买大额存单吗")
    assert reply.startswith("可以。") and "起购20万" in reply and "可用资金" not in reply
    reply = await chat("wangfang", "那增额终身寿险呢")
    assert reply.startswith("可以。") and "起购5万" in reply and "可用资金" not in reply


async def test_a_c5_customer_may_buy_an_r5_fund(chat, db):
    new_customer(db, "C00009983", "欧阳晨", "C5", date(2026, 11, 2), gender="M", born=date(1992, 6, 30))
    reply = await chat("chenjing", "欧阳晨能买科技行业股票基金吗")
    assert reply.startswith("可以。") and "C5" in reply and "可用资金" not in reply
    reply = await chat("chenjing", "那积存金呢")
    assert reply.startswith("可以。") and "积存金" in reply


async def test_may_he_buy_right_after_the_list_is_yes_or_no_with_the_rule(chat, db):
    reply = await chat("zhangli", "给C00000001推荐点产品")
    first = suggested(reply)
    assert first
    reply = await chat("zhangli", "他能买科技行业股票基金吗")
    assert reply.startswith("不可以。") and "C3" in reply and "R5" in reply
    assert "推荐" not in reply.split("\n")[0]


async def test_what_about_a_fund_right_after_the_list(chat, db):
    await chat("zhangli", "王建国适合买什么")
    await chat("zhangli", "尾号5678")
    reply = await chat("zhangli", "那债券基金呢")
    assert reply.startswith("可以。") and "稳健债券基金" in reply and "C3" in reply
    reply = await chat("zhangli", "积存金呢")
    assert reply.startswith("不可以。") and "R4" in reply


async def test_more_suggestions_after_a_yes_or_no_is_still_the_next_page(chat, db):
    reply = await chat("zhangli", "给C00000002推荐点产品")
    first = [name for _, name in suggested(reply)]
    reply = await chat("zhangli", "他能买大额存单吗")
    assert reply.startswith("可以。") and "起购20万" in reply
    reply = await chat("zhangli", "再推荐几个")
    more = suggested(reply)
    assert more and more[0][0] == 4 and not {name for _, name in more} & set(first)
    assert all(RISK_OF[name] <= 2 for _, name in more)  # C2


async def test_an_expired_assessment_allows_r1_only_and_says_so(chat, db):
    reply = await chat("wangfang", "陈美玲适合买什么")
    assert "过期" in reply and "仅可购R1" in reply
    assert suggested(reply) and all(RISK_OF[name] == 1 for _, name in suggested(reply))
    reply = await chat("wangfang", "她能买平衡混合基金吗")
    assert reply.startswith("不可以。") and "过期" in reply and "R1" in reply
    reply = await chat("wangfang", "那货币基金呢")
    assert reply.startswith("可以。") and "过期" in reply


async def test_a_kind_for_an_expired_assessment_names_the_one_she_may_buy(chat, db):
    await chat("wangfang", "查下C00000005")
    reply = await chat("wangfang", "她能买理财吗")
    assert "现金管理类理财" in reply and "过期" in reply
    assert "鑫享理财1年" in reply.split("不能买")[-1]  # R3: listed among those she may not


async def test_a_customer_over_the_age_limit_is_refused_by_the_age_rule(chat, db):
    await chat("zhangli", "查下C00000001")
    reply = await chat("zhangli", "他能买重疾险吗")
    assert reply.startswith("不可以。") and "60岁" in reply and "55岁" in reply
    reply = await chat("zhangli", "那增额终身寿险呢")
    assert reply.startswith("可以。") and "起购5万" in reply and "可用资金" not in reply


async def test_an_agency_branch_customer_and_a_product_agencies_do_not_sell(chat, db):
    reply = await chat("majun", "李秀英能买大额存单吗")
    assert reply.startswith("不可以。") and "代理网点" in reply
    reply = await chat("majun", "给她推荐几个产品")
    assert reply.startswith("给李秀英(C00000004)的推荐:") and "大额存单" not in reply


async def test_a_customer_without_an_assessment_may_buy_r1_only(chat, db):
    new_customer(db, "C00009984", "邹海洋", None, None, gender="M", born=date(1970, 8, 8), occupation="个体工商户")
    reply = await chat("wangfang", "给邹海洋推荐点产品")
    assert "未做风险评估" in reply and all(RISK_OF[name] == 1 for _, name in suggested(reply))
    reply = await chat("wangfang", "他能买稳健债券基金吗")
    assert reply.startswith("不可以。") and "未做风险评估" in reply


async def test_a_catalogue_name_with_its_term_after_the_list(chat, db):
    await chat("wangfang", "给陈美玲推荐点产品")
    reply = await chat("wangfang", "那稳享理财90天呢")
    assert reply.startswith("不可以。") and "稳享理财90天" in reply and "过期" in reply
    assert "名下" not in reply  # a yes/no question, not what she holds


async def test_may_she_buy_it_by_name_from_another_branch_is_not_found(chat, db):
    reply = await chat("suntao", "陈美玲能买大额存单吗")
    assert "没有找到" in reply and not reply.startswith(("可以", "不可以"))
    assert db.audited(CHEN) == 0


async def test_may_he_buy_the_second_one_of_the_list(chat, db):
    reply = await chat("zhangli", "给C00000001推荐点产品")
    second = dict(suggested(reply))[2]
    reply = await chat("zhangli", "第二个他能买吗")
    assert reply.startswith("可以。") and second in reply and not suggested(reply)


async def test_anything_else_after_the_list_is_the_next_page(chat, db):
    await chat("zhangli", "给C00000002推荐点产品")
    reply = await chat("zhangli", "还有吗")
    assert suggested(reply) and suggested(reply)[0][0] == 4


async def test_what_about_a_product_whose_name_starts_like_a_name(chat, db):
    await chat("majun", "李秀英能买大额存单吗")
    reply = await chat("majun", "那惠农定期1年呢")
    assert reply.startswith("可以。") and "惠农定期1年" in reply


async def test_what_about_the_balanced_fund_right_after_the_list(chat, db):
    await chat("zhangli", "给C00000001推荐点产品")
    reply = await chat("zhangli", "那平衡混合基金呢")
    assert reply.startswith("可以。") and "平衡混合基金" in reply


async def test_more_after_a_list_of_one_kind_repeats_nothing(chat, db):
    await chat("zhangli", "查下C00000002")
    reply = await chat("zhangli", "给他推荐点理财")
    first = {name for _, name in suggested(reply)}
    assert first and all("理财" in name for name in first)
    reply = await chat("zhangli", "再推荐几个")
    assert not {name for _, name in suggested(reply)} & first

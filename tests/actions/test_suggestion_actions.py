"""Product suggestions through the real actions: the list with reasons, more of it, "能买X吗",
namesakes, a customer outside the branch, and a referral of a suggested product."""
from __future__ import annotations

import re
from datetime import date

from bot.models import Customer
from tests.actions.conftest import draft_of, listed  # noqa: F401
from tools.demo_data import PRODUCTS

SUGGEST = "action_suggest_products"
RISK_OF = {p.name: int(p.risk_rating[1]) for p in PRODUCTS}
NUMBERED = re.compile(r"^(\d+)\. (.+?) · ", re.M)


def suggested(reply: str) -> list[tuple[int, str]]:
    return [(int(n), name) for n, name in NUMBERED.findall(reply)]


async def test_suggestions_come_with_reasons_and_within_the_risk_level(talk):
    replies, slots = await talk("zhangli", "给C00000001推荐点产品", "suggest_products", [("customer_id", "C00000001")])
    reply = replies[-1]
    assert reply.startswith("给王建国(C00000001)的推荐:")
    listed = suggested(reply)
    assert [n for n, _ in listed] == [1, 2, 3]
    assert reply.count("理由:") == 3
    assert all(RISK_OF[name] <= 3 for _, name in listed)  # 王建国 is C3
    assert slots["current_customer_id"] == "C00000001"
    assert slots["suggestions_shown"] == {"customer_id": "C00000001", "products": [name for _, name in listed],
                                          "product_words": None}

    replies, more_slots = await talk("zhangli", "再推荐几个", "suggest_products", **slots)
    more = suggested(replies[-1])
    assert more and more[0][0] == 4
    assert not {name for _, name in more} & {name for _, name in listed}
    assert more_slots["suggestions_shown"]["products"][:3] == slots["suggestions_shown"]["products"]


async def test_expired_assessment_allows_only_r1_and_says_so(talk):
    replies, _ = await talk("zhangli", "陈美玲适合买什么", "suggest_products", [("customer_name", "陈美玲")])
    reply = replies[-1]
    assert "评估" in reply and "过期" in reply
    assert suggested(reply) and all(RISK_OF[name] == 1 for _, name in suggested(reply))


async def test_may_she_buy_answers_yes_or_no_with_the_rule(talk):
    replies, _ = await talk("zhangli", "他能买科技行业股票基金吗", "suggest_products",
                            [("product", "科技行业股票基金")], current_customer_id="C00000001")
    assert replies[-1].startswith("不可以") and "C3" in replies[-1]
    replies, _ = await talk("zhangli", "他能买平衡混合基金吗", "suggest_products",
                            [("product", "平衡混合基金")], current_customer_id="C00000001")
    assert replies[-1].startswith("可以")


async def test_namesakes_are_listed_then_the_chosen_one_gets_suggestions(talk):
    replies, slots = await talk("zhangli", "王建国适合买什么", "suggest_products", [("customer_name", "王建国")])
    assert "1." in replies[-1] and slots.get("current_customer_id") != "C00000001"
    assert slots["waiting"]["choice"]["request"]["more"] is False
    replies, chosen = await talk("zhangli", "第一个", "inform", **slots)
    assert replies[-1].startswith("给王建国(C00000001)的推荐:") or replies[-1].startswith("给王建国(C00000002)的推荐:")
    assert listed(chosen) is None


async def test_a_customer_of_another_branch_is_not_found(talk):
    replies, slots = await talk("suntao", "给C00000001推荐点产品", "suggest_products", [("customer_id", "C00000001")])
    assert "没有找到" in replies[-1] and "王建国" not in replies[-1]
    assert "suggestions_shown" not in slots


async def test_refer_the_first_suggestion_to_the_wealth_manager(talk):
    _, slots = await talk("zhangli", "给C00000001推荐点产品", "suggest_products", [("customer_id", "C00000001")])
    first = slots["suggestions_shown"]["products"][0]
    replies, draft = await talk("zhangli", "转介第一个给理财经理", "record_referral",
                                [("staff_role", "理财经理")], **slots)
    summary = replies[-1]
    # The customer is the suggestions' (the conversation's), and the summary says so.
    assert summary.startswith("按上下文,客户是王建国。") and "请确认这条转介" in summary
    assert "王建国(C00000001)" in summary and "陈静" in summary
    assert f"意向产品:{first}(" in summary
    assert draft_of(draft) is not None


async def test_may_she_buy_x_right_after_the_list_is_answered_yes_or_no(talk):
    _, slots = await talk("zhangli", "给C00000001推荐点产品", "suggest_products", [("customer_id", "C00000001")])
    asked = [
        # (message, the NLU's product entities, how the answer starts)
        ("那科技行业股票基金呢", [], "不可以。王建国不能买科技行业股票基金。\n· 风险等级C3,可购R3及以下,该产品R5"),
        ("科技基金可以吗", [], "不可以。王建国不能买科技行业股票基金。"),
        ("那R5的基金呢", [("product", "基金")], "不可以。王建国不能买科技行业股票基金(R5的基金只有这一款在售)。"),
        ("他能买大额存单吗", [("product", "大额存单")], "可以。王建国可以买大额存单3年。\n· 风险等级C3,可购R3及以下\n· 起购20万"),
        ("买平衡混合基金行吗", [], "可以。王建国可以买平衡混合基金。"),
        ("定期呢", [("product", "定期")], "可以。定期共4款,王建国可以买其中3款:"),
        ("能不能买R4的基金", [], "不可以。R4的基金共2款,王建国都不能买。"),
    ]
    for text, entities, answer in asked:
        replies, after = await talk("zhangli", text, "suggest_products", entities, **slots)
        assert replies[-1].startswith(answer), (text, replies[-1])
        listed = {k: v for k, v in (after.get("suggestions_shown") or {}).items() if k != "asked"}
        assert not suggested(replies[-1]) and listed == slots.get("suggestions_shown")  # no new list
        assert after["current_customer_id"] == "C00000001"
    # "再推荐几个" is still the next page of the list shown.
    replies, _ = await talk("zhangli", "再推荐几个", "suggest_products", **slots)
    assert suggested(replies[-1])[0][0] == 4


async def test_a_c5_customer_with_nothing_at_the_bank_may_buy_an_r5_fund(talk, bank):
    with bank.unit_of_work() as session:
        session.add(Customer(customer_id="C00009990", name="林新客", gender="F", birth_date=date(1990, 3, 8),
                             branch_id="B001", manager_id="S0003", risk_level="C5",
                             risk_assessed_on=date(2026, 10, 30), occupation="工程师"))
    replies, slots = await talk("zhangli", "林新客能买科技行业股票基金吗", "suggest_products",
                                [("customer_name", "林新客"), ("product", "科技行业股票基金")])
    assert replies[-1] == "可以。林新客可以买科技行业股票基金。\n· 风险等级C5,可购R5及以下\n· 起购10元"
    assert slots["current_customer_id"] == "C00009990"
    replies, _ = await talk("zhangli", "给她推荐点产品", "suggest_products", **slots)
    assert replies[-1].startswith("给林新客(C00009990)的推荐:") and len(suggested(replies[-1])) == 3
    assert "可用资金" not in replies[-1]
    replies, _ = await talk("zhangli", "那大额存单呢", "suggest_products", [("product", "大额存单")], **slots)
    assert replies[-1] == "可以。林新客可以买大额存单3年。\n· 风险等级C5,可购R5及以下\n· 起购20万"


async def test_what_about_another_customer_right_after_a_yes_or_no_asks_the_same_question(talk, bank):
    # "那黄婷莉呢" right after "杨辉勇能买R4的基金吗" listed suggestions for her instead.
    replies, slots = await talk("zhangli", "C00000005能买R4的基金吗", "suggest_products",
                                [("customer_id", "C00000005"), ("product", "基金")])
    first = replies[-1]
    assert first.startswith(("可以", "不可以"))
    replies, _ = await talk("zhangli", "那王建国呢", "suggest_products", [("customer_name", "王建国")], **slots)
    assert "推荐" not in replies[-1] and ("找到2位叫王建国" in replies[-1] or replies[-1].startswith(("可以", "不可以")))
    replies, _ = await talk("zhangli", "那C00000001呢", "suggest_products", [("customer_id", "C00000001")], **slots)
    assert replies[-1].startswith(("可以", "不可以")) and "王建国" in replies[-1] and "R4" in replies[-1], replies[-1]


async def test_a_referral_right_after_may_she_buy_takes_the_product_asked_about(talk, bank):
    # "那就转给理财经理吧" right after "她能买基金吗" asked the product again.
    _, slots = await talk("zhangli", "C00000005能买大额存单吗", "suggest_products",
                          [("customer_id", "C00000005"), ("product", "大额存单")])
    replies, _ = await talk("zhangli", "那就转给理财经理吧", "record_referral", [("staff_role", "理财经理")], **slots)
    assert "转介客户:陈美玲(C00000005)" in replies[-1] and "意向产品:大额存单" in replies[-1], replies[-1]


async def test_may_she_buy_a_product_the_bank_does_not_have_is_said_so_not_a_list(talk, bank):
    # "黄婷莉能买比特币吗" got a list of suggestions: an answer to another question.
    replies, slots = await talk("zhangli", "陈美玲能买比特币吗", "suggest_products", [("customer_name", "陈美玲")])
    assert replies[-1].startswith("行里没有叫「比特币」的产品") and not suggested(replies[-1])
    assert slots["current_customer_id"] == "C00000005"

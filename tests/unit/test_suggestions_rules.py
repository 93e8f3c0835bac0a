"""Eligibility rules, their reasons, product words and the ranking, on hand-built customers and
catalogues (no database)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bot.settings import Settings
from bot.suggestions.eligibility import (
    AGENCY,
    RULE_AGE,
    RULE_CHANNEL,
    RULE_CREDIT,
    RULE_MIN_AMOUNT,
    RULE_NOT_HELD,
    RULE_ON_SALE,
    RULE_RISK,
    SELF_OPERATED,
    CustomerFacts,
    HoldingFacts,
    ProductFacts,
    check_age,
    check_channel,
    check_for_suggestion,
    check_min_amount,
    check_not_held,
    check_on_sale,
    check_risk,
    check_suitability,
    situation,
)
from bot.suggestions.matching import match_products, resolve_products
from bot.suggestions.ranking import W_REACH, WEIGHTS, rank_products
from bot.suggestions.similar_customers import learn
from tools.demo_data import PRODUCTS

TODAY = date(2026, 11, 30)
BOTH = frozenset({SELF_OPERATED, AGENCY})
TIERS = Settings().tiers


def product(code="P1", category="理财", risk="R2", min_amount=0, term=None, channels=BOTH, min_age=None,
            max_age=None, on_sale=True, name=None) -> ProductFacts:
    return ProductFacts(code, name or code, category, risk, Decimal(min_amount), term, frozenset(channels),
                        min_age, max_age, on_sale)


DEMAND = product("D-HQ", "存款", "R1", name="活期储蓄")
TERM_1Y = product("D-1Y", "存款", "R1", 50, 365, name="定期1年")
CASH_MGMT = product("W-XJ", "理财", "R1", 1, name="现金管理类理财")
MONEY_FUND = product("F-HB", "基金", "R1", 1, name="货币基金")
BOND_FUND = product("F-ZQ", "基金", "R2", 10, name="稳健债券基金")
LOAN = product("L-ZF", "贷款", "R1", 100000, 7300, name="个人住房贷款")


def born(age: int) -> date:
    """A birthday that makes the customer `age` today (well away from the birthday itself)."""
    return date(TODAY.year - age, 6, 1)


def customer(age: int | None = 40, risk: str | None = "C3", assessed_days: int | None = 30, kind=SELF_OPERATED,
             holdings=(), tags=(), occupation="", county="东城县") -> CustomerFacts:
    assessed = None if assessed_days is None else TODAY - timedelta(days=assessed_days)
    return CustomerFacts("C00000099", "测试客户", None if age is None else born(age), risk, assessed, kind,
                         occupation, county, tuple(tags), tuple(holdings))


def cash(amount) -> HoldingFacts:
    return HoldingFacts(DEMAND, Decimal(amount))


def matures(p: ProductFacts, amount, days: int) -> HoldingFacts:
    return HoldingFacts(p, Decimal(amount), TODAY + timedelta(days=days))


def sit(c: CustomerFacts, window: int = 30):
    return situation(c, TODAY, 365, window)


# ------------------------------------------------------------------ on sale


def test_a_product_no_longer_on_sale_is_never_allowed():
    check = check_on_sale(product(on_sale=False), sit(customer()))
    assert (check.rule, check.passed, check.reason) == (RULE_ON_SALE, False, "该产品已停售")
    assert check_on_sale(product(), sit(customer())).passed


# ------------------------------------------------------------------ risk


@pytest.mark.parametrize("rating,allowed", [("R1", True), ("R2", True), ("R3", True), ("R4", False), ("R5", False)])
def test_risk_level_cn_allows_rk_up_to_n(rating, allowed):
    check = check_risk(product(risk=rating), sit(customer(risk="C3")))
    assert check.passed is allowed and check.rule == RULE_RISK
    assert check.reason.startswith("风险等级C3,可购R3及以下")
    if not allowed:
        assert check.reason == f"风险等级C3,可购R3及以下,该产品{rating}"


def test_expired_assessment_allows_only_r1_and_says_to_renew_it():
    expired = sit(customer(risk="C5", assessed_days=366))
    assert check_risk(product(risk="R1"), expired).passed
    refused = check_risk(product(risk="R2"), expired)
    assert not refused.passed and refused.reason.startswith("风险评估已过期,仅可购R1,请先重新评估")
    assert "请先重新评估" in expired.assessment_note and expired.assessment == "expired"
    # 365 days is still a valid assessment.
    assert check_risk(product(risk="R5"), sit(customer(risk="C5", assessed_days=365))).passed


def test_missing_assessment_allows_only_r1():
    never = sit(customer(risk=None, assessed_days=None))
    assert check_risk(product(risk="R1"), never).passed
    refused = check_risk(product(risk="R2"), never)
    assert not refused.passed and "未做风险评估,仅可购R1" in refused.reason
    assert "完成评估" in never.assessment_note


def test_valid_assessment_has_no_note():
    assert sit(customer()).assessment_note is None


# ------------------------------------------------------------------ age


def test_age_limits():
    annuity = product(min_age=40, max_age=65)
    assert check_age(annuity, sit(customer(age=68))).reason == "年龄68岁,超过该产品上限65岁"
    assert check_age(annuity, sit(customer(age=30))).reason == "年龄30岁,低于该产品下限40岁"
    passed = check_age(annuity, sit(customer(age=65)))
    assert passed.passed and passed.reason == "年龄65岁,符合40至65岁的要求"
    assert check_age(product(), sit(customer(age=90))).passed


def test_age_counts_the_birthday():
    annuity = product(max_age=65)
    turns_66_today = CustomerFacts("C1", "x", date(TODAY.year - 66, TODAY.month, TODAY.day), "C3", TODAY, SELF_OPERATED)
    turns_66_tomorrow = CustomerFacts("C1", "x", date(TODAY.year - 66, 12, 1), "C3", TODAY, SELF_OPERATED)
    assert not check_age(annuity, sit(turns_66_today)).passed
    assert check_age(annuity, sit(turns_66_tomorrow)).passed


def test_an_age_limit_cannot_be_checked_without_a_birth_date():
    check = check_age(product(min_age=18), sit(customer(age=None)))
    assert not check.passed and check.rule == RULE_AGE and "未登记出生日期" in check.reason


# ------------------------------------------------------------------ channel


def test_agency_branches_sell_only_their_products():
    self_only = product(channels={SELF_OPERATED})
    check = check_channel(self_only, sit(customer(kind=AGENCY)))
    assert (check.rule, check.passed, check.reason) == (RULE_CHANNEL, False, "代理网点不销售该产品")
    assert check_channel(self_only, sit(customer(kind=SELF_OPERATED))).passed
    agency_only = product(channels={AGENCY})
    assert check_channel(agency_only, sit(customer(kind=SELF_OPERATED))).reason == "自营网点不销售该产品"


# ------------------------------------------------------------------ the minimum purchase, information


@pytest.mark.parametrize("holdings", [[], [cash("120345.67")], [cash(120000), matures(TERM_1Y, 100000, 20)]],
                         ids=["nothing at the bank", "less than the minimum", "more than the minimum"])
def test_the_minimum_is_said_never_a_refusal(holdings):
    cd = product("D-DE3Y", "存款", "R1", 200000, 1095, name="大额存单3年")
    check = check_min_amount(cd, sit(customer(holdings=holdings)))
    assert (check.rule, check.passed, check.reason, check.binding) == (RULE_MIN_AMOUNT, True, "起购20万", False)
    assert check.as_dict() == {"rule": RULE_MIN_AMOUNT, "passed": True, "reason": "起购20万", "binding": False}
    verdict = check_suitability(cd, sit(customer(holdings=holdings)))
    assert verdict.allowed and verdict.deciding.rule == RULE_RISK
    assert check_for_suggestion(cd, sit(customer(holdings=holdings))).allowed


def test_a_refusal_never_names_the_money_the_bank_sees():
    nothing = sit(customer(risk="C1", kind=AGENCY, age=None, holdings=[]))
    risky = product(risk="R5", channels={SELF_OPERATED}, min_amount=1000000, min_age=18, on_sale=False)
    verdict = check_suitability(risky, nothing)
    assert [f.rule for f in verdict.failed] == [RULE_ON_SALE, RULE_RISK, RULE_AGE, RULE_CHANNEL]
    assert all("资金" not in c.reason and "0元" not in c.reason for c in verdict.checks)


def test_what_counts_as_available():
    holdings = [
        cash(1000),  # 活期
        HoldingFacts(CASH_MGMT, Decimal(2000)),  # 现金管理类理财
        HoldingFacts(MONEY_FUND, Decimal(4000)),  # 货币基金
        HoldingFacts(BOND_FUND, Decimal(100000)),  # a bond fund: selling it is a decision, not cash
        matures(TERM_1Y, 8000, 30),  # maturing within the window
        matures(TERM_1Y, 16000, -5),  # already matured
        matures(product("W-90", "理财", "R2", 10000, 90), 500000, 31),  # just outside the window
        HoldingFacts(LOAN, Decimal(800000), TODAY + timedelta(days=10)),  # a loan is never money
    ]
    assert sit(customer(holdings=holdings)).available == Decimal(31000)
    assert sit(customer(holdings=holdings), window=31).available == Decimal(531000)


def test_maturity_window_is_a_setting():
    assert Settings().suggestion_maturity_days == 30
    assert Settings.from_env({"SUGGESTION_MATURITY_DAYS": "45"}).suggestion_maturity_days == 45


def test_no_minimum_is_said_so():
    check = check_min_amount(DEMAND, sit(customer()))
    assert check.passed and check.reason == "无起购金额" and not check.binding


# ------------------------------------------------------------------ already held


def test_a_held_product_is_not_suggested_again():
    c = customer(holdings=[HoldingFacts(BOND_FUND, Decimal(5000)), cash(1000)])
    check = check_not_held(BOND_FUND, sit(c))
    assert (check.rule, check.passed, check.reason) == (RULE_NOT_HELD, False, "已持有")
    assert not check_for_suggestion(BOND_FUND, sit(c)).allowed
    # Holding a product never stops buying more of it: "能买X吗" does not use this rule.
    assert check_suitability(BOND_FUND, sit(c)).allowed


def test_a_term_deposit_or_wealth_product_maturing_soon_may_be_renewed():
    deposit = customer(holdings=[matures(TERM_1Y, 500000, 3)])
    check = check_not_held(TERM_1Y, sit(deposit))
    assert check.passed and check.reason == "已持有,50万定期12月3日到期,可续存"
    wealth = product("W-180", "理财", "R2", 10000, 180, name="安心理财180天")
    renewing = check_not_held(wealth, sit(customer(holdings=[matures(wealth, 200000, 10)])))
    assert renewing.passed and renewing.reason.endswith("可续投")
    # Maturing later than the window: held, not suggested.
    assert not check_not_held(TERM_1Y, sit(customer(holdings=[matures(TERM_1Y, 500000, 90)]))).passed


def test_loans_and_cards_are_never_suggested():
    verdict = check_for_suggestion(LOAN, sit(customer(holdings=[cash(10**7)])))
    assert not verdict.allowed and verdict.deciding.rule == RULE_CREDIT
    assert "授信" in verdict.deciding.reason


def test_the_deciding_rule_is_the_first_that_failed_else_the_risk_rule():
    c = sit(customer(risk="C1", kind=AGENCY))
    verdict = check_suitability(product(risk="R3", channels={SELF_OPERATED}, min_amount=100), c)
    assert verdict.deciding.rule == RULE_RISK
    assert [f.rule for f in verdict.failed] == [RULE_RISK, RULE_CHANNEL]  # the minimum is no rule
    assert check_suitability(DEMAND, c).deciding.rule == RULE_RISK


# ------------------------------------------------------------------ product words

DEMO = [ProductFacts(p.code, p.name, p.category, p.risk_rating, Decimal(p.min_amount), p.term_days,
                     frozenset(p.channels.split(";")), p.min_age, p.max_age, p.on_sale) for p in PRODUCTS]


@pytest.mark.parametrize(
    "words,codes",
    [
        ("大额存单", {"D-DE3Y"}),
        ("大额存单吗", {"D-DE3Y"}),
        ("金条", {"G-JT"}),
        ("黄金", {"G-JT", "G-JCJ"}),
        ("基金", {"F-HB", "F-ZQ", "F-PH", "F-ZS", "F-KJ", "F-DT"}),
        ("定投", {"F-DT"}),
        ("定期", {"D-DQ3M", "D-DQ1Y", "D-DQ3Y", "D-HN1Y"}),
        ("保险", {"I-YL", "I-ZJ", "I-ZS", "I-YW"}),
        ("养老", {"I-YL"}),
        ("国债", {"D-GZ3Y"}),
        ("房贷", {"L-ZF"}),
        ("信用卡", {"C-BZ", "C-BJ"}),
        ("f-zq", {"F-ZQ"}),
        ("稳享理财90天", {"W-WX90"}),
        ("火箭", set()),
        ("", set()),
        # Part of a name, as staff shorten it: the distinctive part, with or without the kind.
        ("科技基金", {"F-KJ"}),
        ("科技股票", {"F-KJ"}),
        ("科技", {"F-KJ"}),
        ("平衡基金", {"F-PH"}),
        ("沪深指数基金", {"F-ZS"}),
        ("鑫享", {"W-XX1Y"}),
        ("稳享90天", {"W-WX90"}),
        ("那款大额存单", {"D-DE3Y"}),
        # A kind narrowed by a term, in digits or Chinese numerals.
        ("1年定期", {"D-DQ1Y", "D-HN1Y"}),
        ("三年定期", {"D-DQ3Y"}),
        ("3个月定期", {"D-DQ3M"}),
        # A risk rating, alone or on a kind, as R5 or by the rating's name.
        ("R5的基金", {"F-KJ"}),
        ("r4基金", {"F-ZS", "F-DT"}),
        ("R3及以下的理财", {"W-XJ", "W-WX90", "W-AX180", "W-XX1Y"}),
        ("R4以上的", {"F-ZS", "F-KJ", "F-DT", "W-JQ2Y", "G-JCJ"}),
        ("中高风险基金", {"F-ZS", "F-DT"}),
        ("高风险的基金", {"F-KJ"}),
        ("低风险理财", {"W-XJ"}),
        ("R5的理财", set()),  # none: never another rating instead
    ],
)
def test_product_words_match_the_catalogue(words, codes):
    assert {p.code for p in match_products(words, DEMO)} == codes


def test_words_say_whether_they_name_a_kind_and_what_matched_nothing():
    one = resolve_products("科技基金", DEMO)
    assert [p.code for p in one.products] == ["F-KJ"] and one.kind is None and one.unmatched == ""
    rated = resolve_products("R5的基金", DEMO)
    assert [p.code for p in rated.products] == ["F-KJ"] and rated.kind == "R5的基金"
    assert resolve_products("基金", DEMO).kind == "基金" and resolve_products("大额存单", DEMO).kind is None
    # 养老理财: the bank has no such product; the answer is about 理财, and must say so.
    broad = resolve_products("养老理财", DEMO)
    assert {p.category for p in broad.products} == {"理财"} and (broad.kind, broad.unmatched) == ("理财", "养老")


# ------------------------------------------------------------------ ranking

CATALOGUE = [
    DEMAND,
    TERM_1Y,
    product("D-DE", "存款", "R1", 200000, 1095, name="大额存单3年"),
    product("W-90", "理财", "R2", 10000, 90, name="稳享理财90天"),
    BOND_FUND,
    product("F-KJ", "基金", "R5", 10, name="科技行业股票基金"),
    product("I-YL", "保险", "R2", 10000, 3650, name="颐养年金保险(养老)", min_age=40, max_age=65),
    product("G-JT", "贵金属", "R3", 1000, name="投资金条"),
    LOAN,
]


def ranked(c: CustomerFacts, model=None, catalogue=CATALOGUE):
    return rank_products(sit(c), catalogue, model, TIERS)


def test_maturing_money_raises_products_of_the_same_kind_and_says_so():
    c = customer(age=50, holdings=[matures(TERM_1Y, 500000, 3), cash(20000)])
    result = ranked(c)
    assert result[0].product.category == "存款"
    # The deposit itself comes first (renewal) although held; others of its kind say the same money.
    assert result[0].product.code == "D-1Y" and result[0].reasons[0] == "50万定期12月3日到期,可续存"
    big = next(r for r in result if r.product.code == "D-DE")
    assert "50万定期12月3日到期" in big.reasons


def test_an_interest_tag_raises_the_products_it_names():
    plain = [r.product.code for r in ranked(customer(age=62, holdings=[cash(50000)]))]
    tagged = ranked(customer(age=62, holdings=[cash(50000)], tags=["养老规划"]))
    assert tagged[0].product.code == "I-YL" and plain[0] != "I-YL"
    assert "客户有养老规划意向" in tagged[0].reasons
    fund = ranked(customer(age=50, holdings=[cash(50000)], tags=["意向:基金"]))
    assert fund[0].product.category == "基金" and "客户有基金意向" in fund[0].reasons


def test_a_stated_interest_always_has_a_product_on_the_first_page():
    # What similar customers hold would fill the first page with gold; she asked about funds.
    alike = [customer(age=35, holdings=[cash(30000), HoldingFacts(CATALOGUE[7], Decimal(5000))]) for _ in range(40)]
    model = learn(alike, TODAY, TIERS)
    plain = ranked(customer(age=35, holdings=[cash(30000)]), model)
    wanted = ranked(customer(age=35, holdings=[cash(30000)], tags=["意向:基金"]), model)
    assert wanted[0].product.code == plain[0].product.code == "G-JT"  # the best stays first
    assert any(r.product.category == "基金" and "客户有基金意向" in r.reasons for r in wanted[:3])
    assert sorted(r.product.code for r in wanted) == sorted(r.product.code for r in plain)  # nothing lost


def test_a_declined_interest_lowers_the_product():
    base = [r.product.code for r in ranked(customer(age=30, holdings=[cash(50000)]))]
    declined = [r.product.code for r in ranked(customer(age=30, holdings=[cash(50000)], tags=["不感兴趣:基金"]))]
    assert declined.index("F-ZQ") > base.index("F-ZQ")


def test_what_similar_customers_hold_raises_a_product_with_its_share():
    alike = [customer(age=35, holdings=[cash(30000), HoldingFacts(CATALOGUE[7], Decimal(5000))] if i < 32 else [cash(30000)])
             for i in range(40)]
    others = [customer(age=70, county="西河县", holdings=[cash(30000), HoldingFacts(TERM_1Y, Decimal(9000), TODAY + timedelta(days=200))])
              for _ in range(60)]
    model = learn(alike + others, TODAY, TIERS)
    result = ranked(customer(age=35, holdings=[cash(30000)]), model)
    assert result[0].product.code == "G-JT"
    assert "同类客户中80%持有" in result[0].reasons


def test_an_ineligible_product_is_never_ranked_whatever_its_signals():
    c = customer(age=30, risk="C2", holdings=[cash(10**6), HoldingFacts(BOND_FUND, Decimal(1000))],
                 tags=["意向:科技行业股票基金", "意向:黄金"])
    codes = [r.product.code for r in ranked(c)]
    assert "F-KJ" not in codes and "G-JT" not in codes  # R5, R3 for a C2 customer
    assert "F-ZQ" not in codes  # held
    assert "L-ZF" not in codes  # a loan


def test_money_at_hand_orders_the_suggestions_and_never_filters_them():
    invested = [HoldingFacts(BOND_FUND, Decimal(80000))]  # nothing at hand: a fund is not cash
    nothing = {r.product.code: r for r in ranked(customer(age=50, holdings=invested))}
    plenty = {r.product.code: r for r in ranked(customer(age=50, holdings=[*invested, cash(500000)]))}
    # 大额存单 (20万) is suggested either way; with nothing at hand it comes after a deposit any
    # money opens (50元), by exactly the reach signal; with 50万 at hand, before it.
    assert "D-DE" in nothing and "D-DE" in plenty
    assert nothing["D-1Y"].score - nothing["D-DE"].score == pytest.approx(W_REACH)
    assert plenty["D-DE"].score > plenty["D-1Y"].score
    assert not any("资金" in reason for r in nothing.values() for reason in r.reasons)


def test_every_suggestion_has_one_or_two_reasons_and_ties_go_by_code():
    result = ranked(customer(age=40, holdings=[cash(300000)]))
    assert all(1 <= len(r.reasons) <= 2 for r in result)
    keys = [(-r.score, r.product.code) for r in result]
    assert keys == sorted(keys)


def test_without_any_signal_the_reason_is_the_risk_rule():
    lonely = [product("X-1", "贵金属", "R1", name="纪念币")]
    [only] = ranked(customer(age=None, risk="C3"), catalogue=lonely)
    assert only.reasons == ("风险等级C3,可购R3及以下",)


def test_the_weights_are_named_in_one_place():
    assert set(WEIGHTS) == {"maturity", "interest", "similar", "co_held", "life_stage", "fit", "reach"}
    assert all(weight > 0 for weight in WEIGHTS.values())

"""Property tests (hypothesis): over generated customers and catalogues, no suggestion ever breaks
an eligibility rule, whatever the signals and the model say.

The rules are re-stated here from the issue, apart from bot.suggestions.eligibility, so that a slip in one
is caught by the other.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.settings import Settings
from bot.suggestions.eligibility import (
    AGENCY,
    SELF_OPERATED,
    CustomerFacts,
    HoldingFacts,
    ProductFacts,
    check_suitability,
    situation,
)
from bot.suggestions.ranking import rank_products
from bot.suggestions.similar_customers import learn

TODAY = date(2026, 11, 30)
VALID_DAYS = 365
WINDOW = 30
TIERS = Settings().tiers
CATEGORIES = ("存款", "理财", "基金", "保险", "贷款", "信用卡", "贵金属")
KINDS = (SELF_OPERATED, AGENCY)
TAG_POOL = ("意向:基金", "意向:理财", "意向:大额存单", "意向:保险", "养老规划", "子女教育", "不感兴趣:基金",
            "有黄金需求", "退休", "意向:P3", "意向:P7")

# No example database: nothing written into the work tree, every run draws afresh.
FAST = settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def products(draw, index: int) -> ProductFacts:
    category = draw(st.sampled_from(CATEGORIES))
    min_age = draw(st.one_of(st.none(), st.integers(16, 60)))
    max_age = draw(st.one_of(st.none(), st.integers(min_age or 18, 90)))
    return ProductFacts(
        code=f"P{index}",
        name=draw(st.sampled_from(("定期", "大额存单", "理财", "基金定投", "养老年金", "金条", "现金管理", "产品"))) + str(index),
        category=category,
        risk_rating=f"R{draw(st.integers(1, 5))}",
        min_amount=Decimal(draw(st.sampled_from((0, 1, 50, 1000, 10000, 50000, 200000, 1000000)))),
        term_days=draw(st.one_of(st.none(), st.sampled_from((90, 180, 365, 1095)))),
        channels=frozenset(draw(st.sets(st.sampled_from(KINDS), min_size=1))),
        min_age=min_age,
        max_age=max_age,
        on_sale=draw(st.booleans()) or draw(st.booleans()),
    )


@st.composite
def catalogues(draw) -> list[ProductFacts]:
    size = draw(st.integers(1, 12))
    return [draw(products(i)) for i in range(size)]


@st.composite
def customers(draw, catalogue: list[ProductFacts], number: int = 1) -> CustomerFacts:
    age = draw(st.one_of(st.none(), st.integers(18, 95)))
    birth = None if age is None else TODAY - timedelta(days=age * 365 + draw(st.integers(0, 364)))
    assessed_days = draw(st.one_of(st.none(), st.integers(0, 900)))
    risk = None if assessed_days is None else draw(st.one_of(st.none(), st.sampled_from(("C1", "C2", "C3", "C4", "C5"))))
    held = draw(st.lists(st.sampled_from(catalogue), max_size=5))
    holdings = tuple(
        HoldingFacts(p, Decimal(draw(st.integers(0, 2_000_000))),
                     None if p.term_days is None else TODAY + timedelta(days=draw(st.integers(-60, 400))))
        for p in held
    )
    return CustomerFacts(
        customer_id=f"C{number:08d}",
        name="客户",
        birth_date=birth,
        risk_level=risk,
        risk_assessed_on=None if assessed_days is None else TODAY - timedelta(days=assessed_days),
        branch_kind=draw(st.sampled_from(KINDS)),
        occupation=draw(st.sampled_from(("", "退休", "学生", "务农", "小微企业主", "教师"))),
        county=draw(st.sampled_from(("东城县", "西河县"))),
        tags=tuple(draw(st.lists(st.sampled_from(TAG_POOL), max_size=3, unique=True))),
        holdings=holdings,
    )


# ------------------------------------------------------------------ the rules, re-stated


def _age(birth: date | None) -> int | None:
    if birth is None:
        return None
    return TODAY.year - birth.year - ((TODAY.month, TODAY.day) < (birth.month, birth.day))


def suitable(c: CustomerFacts, p: ProductFacts) -> bool:
    """May the customer buy it (the issue's rules, written apart from bot.suggestions.eligibility)?"""
    if not p.on_sale:
        return False
    fresh = c.risk_level is not None and c.risk_assessed_on is not None and (TODAY - c.risk_assessed_on).days <= VALID_DAYS
    if int(p.risk_rating[1]) > (int(c.risk_level[1]) if fresh else 1):
        return False
    if c.branch_kind not in p.channels:
        return False
    age = _age(c.birth_date)
    if (p.min_age is not None or p.max_age is not None) and age is None:
        return False
    if p.min_age is not None and age < p.min_age or p.max_age is not None and age > p.max_age:
        return False
    # The minimum purchase is no rule: the money may come from elsewhere (issue #23).
    return True


def may_be_suggested(c: CustomerFacts, p: ProductFacts) -> bool:
    if p.category in ("贷款", "信用卡") or not suitable(c, p):
        return False
    held = [h for h in c.holdings if h.product.code == p.code]
    if not held:
        return True
    renewable = p.term_days is not None and p.category in ("存款", "理财")
    return renewable and any(h.maturity_date is not None and h.maturity_date <= TODAY + timedelta(days=WINDOW) for h in held)


# ------------------------------------------------------------------ properties


@FAST
@given(st.data())
def test_no_suggestion_ever_breaks_a_rule(data):
    catalogue = data.draw(catalogues())
    customer = data.draw(customers(catalogue))
    sit = situation(customer, TODAY, VALID_DAYS, WINDOW)
    ranked = rank_products(sit, catalogue, None, TIERS)
    for r in ranked:
        assert may_be_suggested(customer, r.product), (customer, r.product)
        assert all(check.passed for check in r.verdict.checks)
        assert 1 <= len(r.reasons) <= 2
    # Nothing eligible is left out either: the ranking only orders.
    assert {r.product.code for r in ranked} == {p.code for p in catalogue if may_be_suggested(customer, p)}
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)


@FAST
@given(st.data())
def test_a_model_changes_the_order_never_the_eligible_set(data):
    catalogue = data.draw(catalogues())
    population = [data.draw(customers(catalogue, n)) for n in range(data.draw(st.integers(1, 8)))]
    model = learn(population, TODAY, TIERS)
    customer = data.draw(customers(catalogue, 99))
    sit = situation(customer, TODAY, VALID_DAYS, WINDOW)
    with_model = rank_products(sit, catalogue, model, TIERS)
    without = rank_products(sit, catalogue, None, TIERS)
    assert {r.product.code for r in with_model} == {r.product.code for r in without}
    assert all(may_be_suggested(customer, r.product) for r in with_model)


@FAST
@given(st.data())
def test_can_buy_agrees_with_the_rules(data):
    catalogue = data.draw(catalogues())
    customer = data.draw(customers(catalogue))
    sit = situation(customer, TODAY, VALID_DAYS, WINDOW)
    for product in catalogue:
        verdict = check_suitability(product, sit)
        assert verdict.allowed == suitable(customer, product), (customer, product, verdict)
        assert verdict.deciding.reason
        if not verdict.allowed:
            assert verdict.deciding in verdict.failed

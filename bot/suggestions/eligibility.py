"""Eligibility (适当性): the hard rules a product must pass before the bot suggests it or says
a customer may buy it. Pure functions over plain facts, no database, so that tests (and the
offline evaluation) can check them over any customer and catalogue.

The rules, each a function returning a `RuleCheck` (passed or not, and a short Chinese reason):

* on_sale — a product no longer on sale is never offered.
* risk — a customer assessed Cn may buy a product rated Rk only when k ≤ n. An assessment
  older than `risk_assessment_valid_days` (365) or missing allows R1 only, and the answer says the
  assessment must be renewed.
* age — the customer's age today within the product's min_age/max_age; a customer without a
  birth date fails a product that has an age limit (it cannot be checked).
* channel — the kind of the customer's branch (自营/代理) is among the product's channels.
* not_held (suggestions only) — a product the customer holds is not suggested again, except a
  term deposit or a term 理财 maturing within the window: renewing into the same kind is advice
  worth giving. "能买X吗" does not use it: holding a product never stops buying more.

And one check that is information, never a rule (`RuleCheck.binding` False, always passed):

* min_amount — the product's minimum purchase, said as "起购20万". The bank sees only what the
  customer holds with it; the money to buy may come from elsewhere (another bank, a salary, a
  house sold), so the minimum never refuses a product and "客户可用资金约0元" is never said. It is
  checked and logged all the same, so that the compliance trail shows the minimum the staff were
  told. The ranking (bot.suggestions.ranking) may still prefer products whose minimum fits the money
  the bank sees at hand (`Situation.available`): a soft signal, never a filter.

`Situation.available` is that money at hand: liquid balances (活期 deposits, 现金管理类 理财
without a term rated R1, 货币基金: funds rated R1 without a term; they can be redeemed the same or
the next day) plus term holdings that mature within `suggestion_maturity_days` (30) or have
matured. Other funds, insurance and term money further out are not counted: selling them is a
decision of its own, not money at hand. Loans and credit cards never count.

Loans and credit cards (`LIABILITY_CATEGORIES`) are not a matter of suitability: they go through
the credit process, are never suggested, and "能买房贷吗" is answered with that.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from bot.clock import age_on
from bot.customers.tiers import LIABILITY_CATEGORIES
from bot.vocabulary.money import format_amount

RULE_ON_SALE = "on_sale"
RULE_RISK = "risk"
RULE_AGE = "age"
RULE_CHANNEL = "channel"
RULE_MIN_AMOUNT = "min_amount"
RULE_NOT_HELD = "not_held"
RULE_CREDIT = "credit_process"

RULE_NAMES = {
    RULE_ON_SALE: "在售",
    RULE_RISK: "风险等级匹配",
    RULE_AGE: "年龄限制",
    RULE_CHANNEL: "网点渠道",
    RULE_MIN_AMOUNT: "起购金额(仅提示)",
    RULE_NOT_HELD: "未持有",
    RULE_CREDIT: "授信流程",
}

SELF_OPERATED = "self_operated"
AGENCY = "agency"
BRANCH_KIND_NAMES = {SELF_OPERATED: "自营网点", AGENCY: "代理网点"}

# Term products of these categories may be suggested again when they mature (renewal).
RENEWABLE_CATEGORIES = frozenset({"存款", "理财"})

CREDIT_PROCESS_REASON = "贷款、信用卡不做适当性推荐,需由客户经理按授信流程受理审批"


# ---------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class ProductFacts:
    code: str
    name: str
    category: str
    risk_rating: str  # 'R1'..'R5'
    min_amount: Decimal = Decimal(0)
    term_days: int | None = None
    channels: frozenset[str] = frozenset({SELF_OPERATED, AGENCY})
    min_age: int | None = None
    max_age: int | None = None
    on_sale: bool = True

    @property
    def risk(self) -> int:
        return int(self.risk_rating[1])

    @property
    def is_liability(self) -> bool:
        return self.category in LIABILITY_CATEGORIES

    @property
    def is_liquid(self) -> bool:
        """Money the customer can take out at once: 活期, 现金管理类理财, 货币基金."""
        if self.term_days is not None:
            return False
        return self.category == "存款" or (self.category in ("理财", "基金") and self.risk == 1)

    @property
    def is_renewable(self) -> bool:
        return self.term_days is not None and self.category in RENEWABLE_CATEGORIES


@dataclass(frozen=True)
class HoldingFacts:
    product: ProductFacts
    amount: Decimal
    maturity_date: date | None = None


@dataclass(frozen=True)
class CustomerFacts:
    customer_id: str
    name: str
    birth_date: date | None
    risk_level: str | None  # 'C1'..'C5' or None (never assessed)
    risk_assessed_on: date | None
    branch_kind: str
    occupation: str = ""
    county: str = ""
    tags: tuple[str, ...] = ()
    holdings: tuple[HoldingFacts, ...] = ()


@dataclass(frozen=True)
class Situation:
    """What the rules need to know about a customer today, worked out once per customer."""

    customer: CustomerFacts
    today: date
    age: int | None
    allowed_risk: int  # the highest product risk the customer may buy, 1..5
    assessment: str  # 'valid', 'expired' or 'missing'
    # Liquid balances plus money maturing within the window: what the bank sees at hand. The
    # ranking prefers products whose minimum fits it; no rule refuses by it.
    available: Decimal
    maturing: tuple[HoldingFacts, ...]  # non-liability term holdings maturing within the window (or matured)
    held_codes: frozenset[str]
    renewable_codes: frozenset[str]  # held products that may be suggested again
    window_days: int = 30

    @property
    def assessment_note(self) -> str | None:
        """The note that the assessment must be renewed, when it is missing or expired."""
        if self.assessment == "expired":
            return f"风险评估已过期(评估于{self.customer.risk_assessed_on:%Y-%m-%d}),仅可购R1产品,请先重新评估"
        if self.assessment == "missing":
            return "客户未做风险评估,仅可购R1产品,请先完成评估"
        return None


def situation(customer: CustomerFacts, today: date, valid_days: int = 365, window_days: int = 30) -> Situation:
    assessed = customer.risk_assessed_on
    if not customer.risk_level or assessed is None:
        assessment, allowed = "missing", 1
    elif (today - assessed).days > valid_days:
        assessment, allowed = "expired", 1
    else:
        assessment, allowed = "valid", int(customer.risk_level[1])
    horizon = today + timedelta(days=window_days)
    available = Decimal(0)
    maturing = []
    for holding in customer.holdings:
        product = holding.product
        if product.is_liability:
            continue
        if product.is_liquid:
            available += Decimal(holding.amount)
        elif holding.maturity_date is not None and holding.maturity_date <= horizon:
            available += Decimal(holding.amount)
            maturing.append(holding)
    held = frozenset(h.product.code for h in customer.holdings)
    renewable = frozenset(h.product.code for h in maturing if h.product.is_renewable)
    maturing.sort(key=lambda h: (h.maturity_date, -h.amount))
    return Situation(customer, today, age_on(customer.birth_date, today), allowed, assessment, available,
                     tuple(maturing), held, renewable, window_days)


# ---------------------------------------------------------------------------- the rules


@dataclass(frozen=True)
class RuleCheck:
    rule: str
    passed: bool
    reason: str
    # False for information checked and logged but never refusing (the minimum purchase).
    binding: bool = True

    def as_dict(self) -> dict:
        """The check as the compliance trail stores it; `binding` False marks information."""
        return {"rule": self.rule, "passed": self.passed, "reason": self.reason, "binding": self.binding}


def about(amount: Decimal) -> str:
    """An amount as staff say it roughly: 123,456 -> 12.3万; 8,520 -> 8,520元."""
    amount = Decimal(amount)
    if abs(amount) >= 10000:
        amount = (amount / 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 1000
    return format_amount(amount)


def check_on_sale(product: ProductFacts, _sit: Situation) -> RuleCheck:
    return RuleCheck(RULE_ON_SALE, product.on_sale, "在售" if product.on_sale else "该产品已停售")


def risk_limit_text(sit: Situation) -> str:
    if sit.assessment == "expired":
        return "风险评估已过期,仅可购R1,请先重新评估"
    if sit.assessment == "missing":
        return "未做风险评估,仅可购R1,请先完成评估"
    return f"风险等级{sit.customer.risk_level},可购R{sit.allowed_risk}及以下"


def check_risk(product: ProductFacts, sit: Situation) -> RuleCheck:
    passed = product.risk <= sit.allowed_risk
    reason = risk_limit_text(sit)
    if not passed:
        reason += f",该产品{product.risk_rating}"
    return RuleCheck(RULE_RISK, passed, reason)


def _age_range(product: ProductFacts) -> str:
    if product.min_age is not None and product.max_age is not None:
        return f"{product.min_age}至{product.max_age}岁"
    if product.min_age is not None:
        return f"{product.min_age}岁及以上"
    return f"{product.max_age}岁及以下"


def check_age(product: ProductFacts, sit: Situation) -> RuleCheck:
    if product.min_age is None and product.max_age is None:
        return RuleCheck(RULE_AGE, True, "无年龄限制")
    age = sit.age
    if age is None:
        return RuleCheck(RULE_AGE, False, f"未登记出生日期,无法核对年龄(该产品限{_age_range(product)})")
    if product.max_age is not None and age > product.max_age:
        return RuleCheck(RULE_AGE, False, f"年龄{age}岁,超过该产品上限{product.max_age}岁")
    if product.min_age is not None and age < product.min_age:
        return RuleCheck(RULE_AGE, False, f"年龄{age}岁,低于该产品下限{product.min_age}岁")
    return RuleCheck(RULE_AGE, True, f"年龄{age}岁,符合{_age_range(product)}的要求")


def check_channel(product: ProductFacts, sit: Situation) -> RuleCheck:
    kind = BRANCH_KIND_NAMES.get(sit.customer.branch_kind, sit.customer.branch_kind)
    if sit.customer.branch_kind in product.channels:
        return RuleCheck(RULE_CHANNEL, True, f"{kind}可售")
    return RuleCheck(RULE_CHANNEL, False, f"{kind}不销售该产品")


def minimum_text(product: ProductFacts) -> str | None:
    """'起购20万', or None for a product without a minimum purchase."""
    minimum = Decimal(product.min_amount or 0)
    return f"起购{format_amount(minimum)}" if minimum > 0 else None


def check_min_amount(product: ProductFacts, _sit: Situation) -> RuleCheck:
    """The minimum purchase, as information: the customer may bring money the bank cannot see, so
    this never refuses (and never says what the customer has at the bank)."""
    return RuleCheck(RULE_MIN_AMOUNT, True, minimum_text(product) or "无起购金额", binding=False)


def check_not_held(product: ProductFacts, sit: Situation) -> RuleCheck:
    if product.code not in sit.held_codes:
        return RuleCheck(RULE_NOT_HELD, True, "未持有")
    if product.code in sit.renewable_codes:
        holding = next(h for h in sit.maturing if h.product.code == product.code)
        return RuleCheck(RULE_NOT_HELD, True, f"已持有,{maturity_text(holding, sit.today)},可续{'存' if product.category == '存款' else '投'}")
    return RuleCheck(RULE_NOT_HELD, False, "已持有")


def check_not_credit(product: ProductFacts, _sit: Situation) -> RuleCheck:
    if product.is_liability:
        return RuleCheck(RULE_CREDIT, False, CREDIT_PROCESS_REASON)
    return RuleCheck(RULE_CREDIT, True, "非授信类产品")


def maturity_text(holding: HoldingFacts, today: date) -> str:
    """'50万邮享定期1年12月3日到期' / '…已到期'."""
    when = holding.maturity_date
    if when is None:
        return ""
    day = f"{when.month}月{when.day}日" if when.year == today.year or when > today else f"{when:%Y年%m月%d日}"
    tail = "已到期" if when < today else ("今天到期" if when == today else f"{day}到期")
    return f"{format_amount(Decimal(holding.amount))}{short_name(holding.product)}{tail}"


def short_name(product: ProductFacts) -> str:
    """What staff call a holding in a sentence: 定期 for a term deposit, else the product's name."""
    if product.category == "存款" and product.term_days and "定期" in product.name:
        return "定期"
    return product.name


# Suitability: whether the customer may buy the product at all ("能买X吗"); the minimum purchase
# is checked last, as information for the answer and the trail.
SUITABILITY_RULES = (check_on_sale, check_risk, check_age, check_channel, check_min_amount)
# A suggestion must also not be a credit product nor one already held (renewals aside).
SUGGESTION_RULES = (check_not_credit, *SUITABILITY_RULES, check_not_held)


@dataclass(frozen=True)
class Verdict:
    product: ProductFacts
    checks: tuple[RuleCheck, ...] = field(default_factory=tuple)

    @property
    def allowed(self) -> bool:
        return not self.failed

    @property
    def failed(self) -> tuple[RuleCheck, ...]:
        """The rules that refuse the product (information never does)."""
        return tuple(check for check in self.checks if check.binding and not check.passed)

    @property
    def deciding(self) -> RuleCheck:
        """The rule that decided: the first that failed, else the risk rule (suitability's core)."""
        if self.failed:
            return self.failed[0]
        return next((c for c in self.checks if c.rule == RULE_RISK), self.checks[0])

    def check(self, rule: str) -> RuleCheck | None:
        return next((c for c in self.checks if c.rule == rule), None)


def check_suitability(product: ProductFacts, sit: Situation) -> Verdict:
    return Verdict(product, tuple(rule(product, sit) for rule in SUITABILITY_RULES))


def check_for_suggestion(product: ProductFacts, sit: Situation) -> Verdict:
    return Verdict(product, tuple(rule(product, sit) for rule in SUGGESTION_RULES))


"""Ranking the products a customer may buy (千人千面), and the model of what similar customers hold.

Only products that pass every eligibility rule (bot.suggestions.eligibility.check_for_suggestion) are ranked;
the score orders them and never lets an ineligible one in. The score is a weighted sum of signals,
each worth 0 to 1 (an interest the customer declined is -1); the weights are the constants below,
in one place. A signal that raised a product gives its reason, in Chinese, and the one or two
largest contributions are the reasons shown.

Signals:

* maturity (W_MATURITY) — money maturing within the window (or matured) that the product could
  take: the same product (renewal) 1.0, the same kind 0.8, a neighbouring kind 0.5 (存款→理财/保险,
  理财→存款/基金, 基金→理财), only when the product's minimum fits that amount; a demand product
  (活期, 现金管理) gets a third of it: parking the money is not advice. "50万定期12月3日到期", and
  for the maturing product itself "50万定期12月3日到期,可续存".
* interest (W_INTEREST) — the customer's tags, from the bank, staff or visit notes: 意向:X or
  有X需求 names a product or a kind (X matched like "能买X吗"), 养老规划 and 子女教育 name the products
  that serve them; 不感兴趣:X is -1. "客户有养老规划意向".
* similar (W_SIMILAR) — how likely customers like this one hold the product: its share among
  all customers, times for each of the customer's features (county, kind of branch, age band,
  tier, risk level, occupation group, each tag) how much more or less often customers with that
  feature hold it (naive Bayes, each share smoothed towards the overall one by FEATURE_SMOOTHING
  customers). Its reason is the plain share among the most alike customers: the same county, age
  band and tier (backing off to age band and tier, then age band, under MIN_SEGMENT customers).
  "同类客户中38%持有".
* co_held (W_CO_HELD) — item co-occurrence: of the customers holding one of this customer's
  products, the largest share also holding this one (only products held by MIN_SUPPORT customers
  or more count). "持有稳健债券基金的客户中42%也持有".
* life_stage (W_LIFE_STAGE) — what suits the age band and occupation (LIFE_STAGE below: young →
  funds, 45-59 → 理财 and pension insurance, 60+ → deposits; 退休, 学生, 务农, business owners).
  Works without a model.
* fit (W_FIT) — the product's own fit: its risk close to the customer's level (a C4 customer is
  not best served by R1 only), and a minimum purchase that is a real part of the money the bank
  sees at hand (a 20万 大额存单 for 50万 at hand).
* reach (W_REACH) — the money the bank sees at hand (bot.suggestions.eligibility.Situation.available) covers
  the product's minimum, or the minimum is small (SMALL_PURCHASE). The minimum is no rule: the
  customer may bring money from elsewhere, so a product beyond that money is still ranked, only
  lower, and a customer with nothing at hand still gets suggestions. It gives no reason: the
  bot never says what it cannot see ("客户可用资金约0元").

The similar and co_held signals come from a `CooccurrenceModel`, counted from all holdings by
`python -m bot train-recs` and stored in the database (recommendation_models/_counts) with the
model's date, so every action server uses the same one. Without a model those signals are 0 and
the ranking still works from the others; the log says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from bot.suggestions.eligibility import (
    ProductFacts,
    Situation,
    Verdict,
    about,
    check_for_suggestion,
    maturity_text,
    risk_limit_text,
)
from bot.suggestions.matching import match_products
from bot.suggestions.similar_customers import CooccurrenceModel, age_band, customer_features, segment_keys
from bot.vocabulary.width import to_half_width

# Tuned with `python -m tools eval-recs` (see the README): what similar customers hold predicts
# best; maturing money and stated interests are what staff act on, so they are strong enough to
# lift a product a place or two without burying the rest.
W_MATURITY = 1.5
W_INTEREST = 1.0
W_SIMILAR = 4.0
W_CO_HELD = 0.3
W_LIFE_STAGE = 0.2
W_FIT = 0.2
# As strong as a stated interest, a quarter of what similar customers hold: a product the money
# at hand covers is the likelier sale (eval-recs: about the lift the hard minimum rule had).
W_REACH = 1.0

WEIGHTS = {
    "maturity": W_MATURITY,
    "interest": W_INTEREST,
    "similar": W_SIMILAR,
    "co_held": W_CO_HELD,
    "life_stage": W_LIFE_STAGE,
    "fit": W_FIT,
    "reach": W_REACH,
}

# A minimum up to this is within anyone's reach, whatever the bank sees (the reach signal).
SMALL_PURCHASE = Decimal(1000)

# The first page of suggestions: a stated interest always has a product on it.
TOP_N = 3
# A reason is shown only for a signal contributing at least this much to the score.
MIN_REASON_CONTRIBUTION = 0.15

NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "存款": ("理财", "保险"),
    "理财": ("存款", "基金"),
    "基金": ("理财",),
    "保险": ("存款",),
    "贵金属": (),
}

# How well a kind of product suits an age band, 0..1.
LIFE_STAGE: dict[str, dict[str, float]] = {
    "18-29": {"存款": 0.4, "理财": 0.6, "基金": 1.0, "保险": 0.3, "贵金属": 0.3},
    "30-44": {"存款": 0.5, "理财": 0.8, "基金": 0.8, "保险": 0.6, "贵金属": 0.3},
    "45-59": {"存款": 0.7, "理财": 0.8, "基金": 0.5, "保险": 0.9, "贵金属": 0.3},
    "60+": {"存款": 1.0, "理财": 0.6, "基金": 0.2, "保险": 0.4, "贵金属": 0.2},
}
LIFE_STAGE_WORDS = {"18-29": "年轻客户", "30-44": "中青年客户", "45-59": "临近退休客户", "60+": "老年客户"}

# Tags that name a need rather than a product: the product words that serve it.
NEED_TAGS: dict[str, tuple[str, ...]] = {
    "养老规划": ("养老", "年金"),
    "子女教育": ("定期", "重疾"),
    "小微企业主": ("现金管理",),
    "代发工资": ("现金管理", "定投"),
}
# Tags are compared after bot.vocabulary.text.to_half_width, so a full-width colon is the same.
INTEREST_PREFIXES = ("意向:",)
DECLINED_PREFIXES = ("不感兴趣:",)




@dataclass(frozen=True)
class Signal:
    name: str
    value: float
    reason: str | None = None

    @property
    def contribution(self) -> float:
        return WEIGHTS[self.name] * self.value


@dataclass(frozen=True)
class Ranked:
    product: ProductFacts
    score: float
    reasons: tuple[str, ...]
    verdict: Verdict
    signals: tuple[Signal, ...] = ()


def _maturity(product: ProductFacts, sit: Situation) -> Signal:
    best, why = 0.0, None
    for holding in sit.maturing:
        if Decimal(product.min_amount or 0) > Decimal(holding.amount):
            continue
        if product.code == holding.product.code:
            value = 1.0
        elif product.category == holding.product.category:
            value = 0.8
        elif product.category in NEIGHBOURS.get(holding.product.category, ()):
            value = 0.5
        else:
            continue
        if product.term_days is None and product.category != "保险":
            value /= 3
        if value > best:
            best, why = value, maturity_text(holding, sit.today)
            if product.code == holding.product.code:
                why += ",可续存" if product.category == "存款" else ",可续投"
    return Signal("maturity", best, why)


def _tag_words(tag: str) -> tuple[tuple[str, ...], float, str | None]:
    """(product words, +1 or -1, the reason) a tag stands for; no words for other tags."""
    tag = to_half_width(tag).strip()
    for prefix in DECLINED_PREFIXES:
        if tag.startswith(prefix):
            return (tag[len(prefix):],), -1.0, None
    for prefix in INTEREST_PREFIXES:
        if tag.startswith(prefix):
            word = tag[len(prefix):]
            return (word,), 1.0, f"客户有{word}意向"
    if tag.startswith("有") and tag.endswith("需求") and len(tag) > 3:
        word = tag[1:-2]
        return (word,), 1.0, f"客户有{word}需求"
    if tag in NEED_TAGS:
        return NEED_TAGS[tag], 1.0, f"客户有{tag}需要" if tag not in ("养老规划", "子女教育") else f"客户有{tag}意向"
    return (), 0.0, None


def _interest(product: ProductFacts, sit: Situation, catalogue: Sequence[ProductFacts]) -> Signal:
    best, why, declined = 0.0, None, False
    for tag in sit.customer.tags:
        words, sign, reason = _tag_words(tag)
        for word in words:
            matched = match_products(word, catalogue)
            if product not in matched:
                continue
            if sign < 0:
                declined = True
                continue
            # A word that names a few products is a stronger wish for each than a whole category.
            value = 1.0 if len(matched) <= 2 else 0.7
            if value > best:
                best, why = value, reason
    if declined and best == 0:
        return Signal("interest", -1.0, None)
    return Signal("interest", best, why)


def _life_stage(product: ProductFacts, sit: Situation) -> Signal:
    band = age_band(sit.age)
    value = LIFE_STAGE.get(band, {}).get(product.category, 0.3)
    occupation = sit.customer.occupation or ""
    who = LIFE_STAGE_WORDS.get(band, "客户")
    if occupation.startswith("退休"):
        who = "退休客户"
        value += 0.2 if product.category == "存款" or "养老" in product.name else -0.2 if product.risk >= 4 else 0
    elif occupation == "学生":
        who = "学生客户"
        value = 1.0 if product.is_liquid else value * 0.3
    elif occupation in ("小微企业主", "个体工商户"):
        who = "经营户"
        value += 0.3 if product.is_liquid or product.term_days and product.term_days <= 90 else 0
    elif occupation in ("务农", "外出务工"):
        who = "农户" if occupation == "务农" else "务工客户"
        value += 0.3 if "惠农" in product.name else 0
    value = max(0.0, min(1.0, value))
    reason = f"{sit.age}岁{who},{product.category}较合适" if sit.age is not None else None
    return Signal("life_stage", value, reason)


def _fit(product: ProductFacts, sit: Situation) -> Signal:
    risk_fit = 1.0 - (sit.allowed_risk - product.risk) / 4
    minimum = Decimal(product.min_amount or 0)
    amount_fit = 0.3
    reason = None
    if minimum >= 1000 and sit.available > 0:
        ratio = float(minimum / sit.available)
        if 0.1 <= ratio <= 1:
            amount_fit = 1.0
            if minimum >= 50000:
                # Said only when the money at hand covers it; what is not seen is never said.
                reason = f"起购{about(minimum)},在本行可用资金约{about(sit.available)}"
    return Signal("fit", 0.5 * risk_fit + 0.5 * amount_fit, reason)


def _reach(product: ProductFacts, sit: Situation) -> Signal:
    """1 when the money the bank sees at hand covers the minimum (or the minimum is small), else 0.
    The money may come from elsewhere, so this only orders; it never says why (no reason)."""
    minimum = Decimal(product.min_amount or 0)
    return Signal("reach", 1.0 if minimum <= max(sit.available, SMALL_PURCHASE) else 0.0)


def _similar(product: ProductFacts, keys: Sequence[str], features: Sequence[str], model: CooccurrenceModel | None) -> Signal:
    if model is None:
        return Signal("similar", 0.0)
    share = model.similar(keys, product.code)
    reason = f"同类客户中{round(share * 100)}%持有" if share >= 0.1 else None
    return Signal("similar", model.likelihood(features, product.code), reason)


def _co_held(product: ProductFacts, sit: Situation, model: CooccurrenceModel | None, names: dict[str, str]) -> Signal:
    if model is None:
        return Signal("co_held", 0.0)
    share, via = model.co_held(sit.held_codes, product.code)
    reason = f"持有{names.get(via, via)}的客户中{round(share * 100)}%也持有" if via and share >= 0.2 else None
    return Signal("co_held", share, reason)


def rank_products(
    sit: Situation,
    catalogue: Sequence[ProductFacts],
    model: CooccurrenceModel | None,
    tiers,
) -> list[Ranked]:
    """Every product the customer may be offered, best first (ties by product code)."""
    keys = segment_keys(sit.customer, sit.age, tiers)
    features = customer_features(sit.customer, sit.age, tiers)
    names = {p.code: p.name for p in catalogue}
    ranked = []
    for product in catalogue:
        verdict = check_for_suggestion(product, sit)
        if not verdict.allowed:
            continue
        signals = (
            _maturity(product, sit),
            _interest(product, sit, catalogue),
            _similar(product, keys, features, model),
            _co_held(product, sit, model, names),
            _life_stage(product, sit),
            _fit(product, sit),
            _reach(product, sit),
        )
        score = sum(s.contribution for s in signals)
        ranked.append(Ranked(product, round(score, 4), reasons_of(product, sit, signals), verdict, signals))
    ranked.sort(key=lambda r: (-r.score, r.product.code))
    return with_stated_interest(ranked)


def with_stated_interest(ranked: list[Ranked]) -> list[Ranked]:
    """What the customer said she wants (意向:基金) is on the first page (TOP_N): when no product
    of the first page answers a stated interest, the best one that does takes its last place.
    Staff act on what the customer asked for; what similar customers hold should not bury it."""
    def answers_interest(item: Ranked) -> bool:
        return any(s.name == "interest" and s.contribution > 0 for s in item.signals)

    first = ranked[:TOP_N]
    if len(first) < TOP_N or any(answers_interest(item) for item in first):
        return ranked
    wanted = next((item for item in ranked[TOP_N:] if answers_interest(item)), None)
    if wanted is None:
        return ranked
    rest = [item for item in ranked if item is not wanted]
    return rest[:TOP_N - 1] + [wanted] + rest[TOP_N - 1:]


def reasons_of(product: ProductFacts, sit: Situation, signals: Sequence[Signal]) -> tuple[str, ...]:
    """The one or two signals that raised the product most, in words; the risk rule otherwise."""
    worded = sorted(
        (s for s in signals if s.reason and s.contribution >= MIN_REASON_CONTRIBUTION),
        key=lambda s: -s.contribution,
    )
    reasons = [s.reason for s in worded[:2]]
    if not reasons:
        reasons = [risk_limit_text(sit)]
    return tuple(reasons)


def popularity_order(model: CooccurrenceModel, catalogue: Sequence[ProductFacts]) -> list[ProductFacts]:
    """The catalogue by how many customers hold each product, most first (the baseline)."""
    return sorted(catalogue, key=lambda p: (-model.product_counts.get(p.code, 0), p.code))

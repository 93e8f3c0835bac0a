"""Ranking the products a customer may buy (千人千面), and the model of what similar customers hold.

Only products that pass every eligibility rule (bot.eligibility.check_for_suggestion) are ranked;
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
* reach (W_REACH) — the money the bank sees at hand (bot.eligibility.Situation.available) covers
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

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import combinations
from typing import Iterable, Iterator, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.clock import clock
from bot.eligibility import (
    CustomerFacts,
    HoldingFacts,
    ProductFacts,
    Situation,
    Verdict,
    about,
    check_for_suggestion,
    maturity_text,
    risk_limit_text,
)
from bot.identity import to_half_width
from bot.models import (
    PRODUCT_CATEGORIES as CATEGORY_NAMES,
    Branch,
    Customer,
    CustomerTag,
    Holding,
    Product,
    RecommendationCount,
    RecommendationModel,
)
from bot.referrals import PRODUCT_WORDS as CATEGORY_WORDS
from bot.tiers import tier_for
from bot.timeutil import to_storage

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------- the weights

# Tuned with `python -m bot eval-recs` (see the README): what similar customers hold predicts
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
# Segments with fewer customers than this back off to a coarser one.
MIN_SEGMENT = 30
# Co-occurrence from products held by fewer customers than this is noise.
MIN_SUPPORT = 20
# How many customers' worth of the overall share a feature's share is pulled towards.
FEATURE_SMOOTHING = 50
# Models kept in the database besides the newest (older ones are deleted by train-recs).
KEEP_MODELS = 3

NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "存款": ("理财", "保险"),
    "理财": ("存款", "基金"),
    "基金": ("理财",),
    "保险": ("存款",),
    "贵金属": (),
}

AGE_BANDS = ((0, 29, "18-29"), (30, 44, "30-44"), (45, 59, "45-59"), (60, 200, "60+"))

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
# Tags are compared after bot.identity.to_half_width, so a full-width colon is the same.
INTEREST_PREFIXES = ("意向:",)
DECLINED_PREFIXES = ("不感兴趣:",)


# ---------------------------------------------------------------------------- product words


# Words that stand for part of a category: the word -> what the product's name contains.
NAME_WORDS: dict[str, tuple[str, ...]] = {
    "定期": ("定期",), "定存": ("定期",), "整存整取": ("定期",), "活期": ("活期",), "存单": ("存单",),
    "大额存单": ("大额存单",), "国债": ("国债",), "现金管理": ("现金管理",), "货币基金": ("货币",),
    "债券基金": ("债券",), "指数基金": ("指数",), "股票基金": ("股票",), "混合基金": ("混合",),
    "定投": ("定投",), "基金定投": ("定投",), "养老金": ("养老",), "养老保险": ("养老",), "年金": ("年金",),
    "年金险": ("年金",), "重疾险": ("重疾",), "寿险": ("寿险",), "意外险": ("意外",), "黄金": ("金",),
    "金条": ("金条",), "积存金": ("积存金",), "房贷": ("住房",), "住房贷款": ("住房",), "消费贷": ("消费",),
    "经营贷": ("经营",), "惠农贷": ("惠农贷",), "白金卡": ("白金",),
}
_STRIP = ("产品", "吗", "么", "呢", "?", "?", "这个", "那个")

# Risk ratings as staff say them: "R5", "R3及以下", and the names of the rating scale.
RISK_WORDS: dict[str, int] = {"中低风险": 2, "中高风险": 4, "低风险": 1, "中风险": 3, "高风险": 5}
_RATING = re.compile(r"[Rr]\s*([1-5])\s*级?\s*(及以下|以下|以内|及以上|以上)?")
# Words around product words that name nothing ("R5的基金", "那款理财", "她的定期"), longest first.
_FILLER = ("类的", "那个", "这个", "那款", "这款", "那种", "这种", "那只", "这只", "一些", "一点", "产品", "客户",
           "的", "类", "型", "那", "这", "些", "点", "他", "她", "也", "还", "买")
# Terms in Chinese numerals as staff type them: 三年定期 is 定期3年, 三个月 is 3个月.
_TERM_NUMERALS = {"九十天": "90天", "一百八十天": "180天", "一百八天": "180天"}
_TERM_NUMERAL = re.compile(r"(?<![一二三四五六七八九十百])([一两二三四五六七八九十])(?=年|个月|天)")
_NUMERALS = {"一": "1", "两": "2", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8",
             "九": "9", "十": "10"}


def clean_words(words: str) -> str:
    text = to_half_width(words or "").strip()
    changed = True
    while changed:
        changed = False
        for part in _STRIP:
            if text.endswith(part) and len(text) > len(part):
                text, changed = text[: -len(part)].strip(), True
    return text


@dataclass(frozen=True)
class ProductMatch:
    """What product words mean in the catalogue."""

    products: tuple[ProductFacts, ...]  # most specific first; empty when the words mean nothing
    # The words as a kind when they name one (基金, 1年定期, R4的基金), not a product by its name.
    kind: str | None = None
    # A qualifier that matched none of the kind's products (养老 of 养老理财): `products` is then the
    # whole kind, and an answer must say the words were not found as such.
    unmatched: str = ""


def match_products(words: str, catalogue: Sequence[ProductFacts]) -> list[ProductFacts]:
    """The catalogue's products that staff mean by these words (see `resolve_products`)."""
    return list(resolve_products(words, catalogue).products)


def resolve_products(words: str, catalogue: Sequence[ProductFacts]) -> ProductMatch:
    """The catalogue's products that staff mean by these words: a product code, a product's name
    or part of one (科技基金 and 科技股票 are 科技行业股票基金: the distinctive part, in order), a
    kind named by a common word (大额存单, 定期, 1年定期, 金条) or a category (基金, 理财, 保险), a
    risk rating (R5的基金, R3及以下的理财, 中高风险基金). Most specific first; no products when
    nothing matches (a rating no product of the kind has: nothing, never another rating)."""
    word = _arabic_terms(clean_words(words))
    if not word:
        return ProductMatch(())
    by_code = [p for p in catalogue if p.code.upper() == word.upper()]
    if by_code:
        return ProductMatch(tuple(by_code))
    exact = [p for p in catalogue if p.name == word]
    if exact:
        return ProductMatch(tuple(exact))
    rated, rest = _rating_in(word)
    if rated is None:
        return _resolve(word, catalogue)
    pool = [p for p in catalogue if rated(p.risk)]
    rest = _without_filler(rest)
    if not rest:
        return ProductMatch(tuple(p for p in pool if not p.is_liability), word)
    inner = _resolve(rest, pool)
    if not inner.products or inner.unmatched:
        return ProductMatch(()) if not inner.products else ProductMatch(inner.products, word, inner.unmatched)
    return ProductMatch(inner.products, word if inner.kind or len(inner.products) > 1 else None)


def _resolve(word: str, pool: Sequence[ProductFacts]) -> ProductMatch:
    """Product words without a risk rating, within `pool`."""
    if word in CATEGORY_NAMES:  # 保险 is every insurance, not only those with 保险 in their name
        return ProductMatch(tuple(p for p in pool if p.category == word), word)
    bare = _without_filler(word)
    for form in dict.fromkeys((word, bare)):
        in_name = [p for p in pool if form and (form in p.name or (len(p.name) >= 3 and p.name in form))]
        if in_name:
            return ProductMatch(tuple(in_name), form if len(in_name) > 1 else None)
    if bare in CATEGORY_NAMES:
        return ProductMatch(tuple(p for p in pool if p.category == bare), bare)
    for key in sorted(NAME_WORDS, key=len, reverse=True):
        if key in bare:
            category = CATEGORY_WORDS.get(key)
            parts = NAME_WORDS[key]
            found = [p for p in pool if (category is None or p.category == category) and any(x in p.name for x in parts)]
            if found:
                return _narrowed(found, bare, key, key)
    for key in sorted(CATEGORY_WORDS, key=len, reverse=True):
        if key in bare:
            category = CATEGORY_WORDS[key]
            return _narrowed([p for p in pool if p.category == category], bare, key, category)
    if len(bare) >= 3:
        in_order = [p for p in pool if _in_order(bare, p.name)]
        if in_order:
            return ProductMatch(tuple(in_order), bare if len(in_order) > 1 else None)
    return ProductMatch(())


def _narrowed(found: list[ProductFacts], word: str, key: str, kind: str) -> ProductMatch:
    """The products of a kind that the rest of the words name too (科技 of 科技基金, 1年 of
    1年定期); the whole kind, with the rest as unmatched, when none does."""
    if not found:
        return ProductMatch(())
    rest = _without_filler(word.replace(key, " ", 1))
    if not rest:
        return ProductMatch(tuple(found), kind if len(found) > 1 or kind not in found[0].name else None)
    narrowed = [p for p in found if rest in p.name or _in_order(rest, p.name)]
    if narrowed:
        return ProductMatch(tuple(narrowed), word if len(narrowed) > 1 else None)
    return ProductMatch(tuple(found), kind, rest)


def _rating_in(word: str):
    """(a test of a product's risk 1..5, the words without the rating), or (None, word)."""
    found = _RATING.search(word)
    if found:
        level, bound = int(found.group(1)), found.group(2) or ""
        rest = word[:found.start()] + " " + word[found.end():]
        if "下" in bound or "内" in bound:
            return (lambda risk: risk <= level), rest
        if "上" in bound:
            return (lambda risk: risk >= level), rest
        return (lambda risk: risk == level), rest
    for name, level in RISK_WORDS.items():  # 中低风险 and 中高风险 before 低风险 and 高风险
        if name in word:
            return (lambda risk: risk == level), word.replace(name, " ", 1)
    return None, word


def _without_filler(words: str) -> str:
    text = words
    for filler in _FILLER:
        text = text.replace(filler, " ")
    return "".join(text.split())


def _in_order(part: str, name: str) -> bool:
    """Every character of `part` in `name`, in order (科技股票 in 科技行业股票基金)."""
    rest = iter(name)
    return all(ch in rest for ch in part)


def _arabic_terms(word: str) -> str:
    for numeral, digits in _TERM_NUMERALS.items():
        word = word.replace(numeral, digits)
    return _TERM_NUMERAL.sub(lambda m: _NUMERALS[m.group(1)], word)


# ---------------------------------------------------------------------------- the model


def age_band(age: int | None) -> str:
    if age is None:
        return "?"
    return next(label for low, high, label in AGE_BANDS if low <= age <= high)


def total_assets(customer: CustomerFacts) -> Decimal:
    return sum((Decimal(h.amount) for h in customer.holdings if not h.product.is_liability), Decimal(0))


def segment_keys(customer: CustomerFacts, age: int | None, tiers) -> tuple[str, ...]:
    """Who counts as similar, finest first: same county, age band and tier; age band and tier;
    age band."""
    band = age_band(age)
    tier = tier_for(total_assets(customer), tiers)
    return (f"{customer.county}|{band}|{tier}", f"*|{band}|{tier}", f"*|{band}|*")


@dataclass
class CooccurrenceModel:
    """Counts of who holds what, learned from holdings (loans and cards left out)."""

    model_date: date | None = None
    customers: int = 0
    holdings: int = 0
    product_counts: dict[str, int] = field(default_factory=dict)
    pair_counts: dict[tuple[str, str], int] = field(default_factory=dict)
    segment_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    segment_sizes: dict[str, int] = field(default_factory=dict)
    feature_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    feature_sizes: dict[str, int] = field(default_factory=dict)
    model_id: int | None = None

    def popularity(self, code: str) -> float:
        return self.product_counts.get(code, 0) / self.customers if self.customers else 0.0

    def similar(self, keys: Sequence[str], code: str) -> float:
        for key in keys:
            size = self.segment_sizes.get(key, 0)
            if size >= MIN_SEGMENT:
                return self.segment_counts.get(key, {}).get(code, 0) / size
        return 0.0

    def likelihood(self, features: Sequence[str], code: str) -> float:
        """How likely a customer with these features holds the product: its share among all
        customers times, for each feature, how much more (or less) often customers with that
        feature hold it (naive Bayes, smoothed towards the overall share by FEATURE_SMOOTHING
        customers). Capped at 1."""
        base = self.popularity(code)
        if base <= 0:
            return 0.0
        estimate = base
        for feature in features:
            size = self.feature_sizes.get(feature, 0)
            if not size:
                continue
            share = (self.feature_counts.get(feature, {}).get(code, 0) + FEATURE_SMOOTHING * base) / (size + FEATURE_SMOOTHING)
            estimate *= share / base
        return min(1.0, estimate)

    def co_held(self, held: Iterable[str], code: str) -> tuple[float, str | None]:
        """The largest share of holders of one of `held` who also hold `code`, and that product."""
        best, via = 0.0, None
        for other in held:
            if other == code:
                continue
            support = self.product_counts.get(other, 0)
            if support < MIN_SUPPORT:
                continue
            share = self.pair_counts.get((other, code), 0) / support
            if share > best:
                best, via = share, other
        return best, via


def occupation_group(occupation: str) -> str | None:
    if occupation.startswith("退休"):
        return "退休"
    if occupation in ("小微企业主", "个体工商户"):
        return "经营户"
    if occupation in ("公务员", "教师", "医生"):
        return "公职"
    if occupation in ("学生", "务农", "外出务工", "工人"):
        return occupation
    return None


def customer_features(customer: CustomerFacts, age: int | None, tiers) -> tuple[str, ...]:
    """What makes customers alike for the model: county, kind of branch, age band, tier, risk
    level, occupation group and tags."""
    features = [
        f"county:{customer.county}",
        f"kind:{customer.branch_kind}",
        f"age:{age_band(age)}",
        f"tier:{tier_for(total_assets(customer), tiers)}",
        f"risk:{customer.risk_level or '-'}",
    ]
    group = occupation_group(customer.occupation or "")
    if group:
        features.append(f"occupation:{group}")
    features += [f"tag:{to_half_width(tag)}" for tag in sorted(set(customer.tags))]
    return tuple(features)


def learn(customers: Iterable[CustomerFacts], today: date, tiers) -> CooccurrenceModel:
    """Count products, pairs of products and segments over the customers' holdings."""
    from bot.timeutil import age_on

    model = CooccurrenceModel(model_date=today)
    products: Counter = Counter()
    pairs: Counter = Counter()
    segments: dict[str, Counter] = defaultdict(Counter)
    sizes: Counter = Counter()
    features: dict[str, Counter] = defaultdict(Counter)
    feature_sizes: Counter = Counter()
    for customer in customers:
        held = sorted({h.product.code for h in customer.holdings if not h.product.is_liability})
        model.customers += 1
        model.holdings += len(held)
        products.update(held)
        for first, second in combinations(held, 2):
            pairs[(first, second)] += 1
            pairs[(second, first)] += 1
        age = age_on(customer.birth_date, today)
        for key in segment_keys(customer, age, tiers):
            sizes[key] += 1
            segments[key].update(held)
        for feature in customer_features(customer, age, tiers):
            feature_sizes[feature] += 1
            features[feature].update(held)
    model.product_counts = dict(products)
    model.pair_counts = dict(pairs)
    model.segment_counts = {key: dict(counts) for key, counts in segments.items()}
    model.segment_sizes = dict(sizes)
    model.feature_counts = {key: dict(counts) for key, counts in features.items()}
    model.feature_sizes = dict(feature_sizes)
    return model


def save_model(session: Session, model: CooccurrenceModel, keep: int = KEEP_MODELS) -> int:
    """Store a trained model; older ones beyond `keep` are deleted. Returns the new model's id."""
    row = RecommendationModel(model_date=model.model_date, trained_at=to_storage(clock.now()),
                              customers=model.customers, holdings=model.holdings)
    session.add(row)
    session.flush()
    counts = [dict(model_id=row.id, kind="customers", key="", product_code="", count=model.customers)]
    counts += [dict(model_id=row.id, kind="product", key="", product_code=code, count=n)
               for code, n in sorted(model.product_counts.items())]
    counts += [dict(model_id=row.id, kind="pair", key=first, product_code=second, count=n)
               for (first, second), n in sorted(model.pair_counts.items())]
    counts += [dict(model_id=row.id, kind="segment_size", key=key, product_code="", count=n)
               for key, n in sorted(model.segment_sizes.items())]
    counts += [dict(model_id=row.id, kind="segment", key=key, product_code=code, count=n)
               for key, by_code in sorted(model.segment_counts.items()) for code, n in sorted(by_code.items())]
    counts += [dict(model_id=row.id, kind="feature_size", key=key, product_code="", count=n)
               for key, n in sorted(model.feature_sizes.items())]
    counts += [dict(model_id=row.id, kind="feature", key=key, product_code=code, count=n)
               for key, by_code in sorted(model.feature_counts.items()) for code, n in sorted(by_code.items())]
    for start in range(0, len(counts), 5000):
        session.execute(RecommendationCount.__table__.insert(), counts[start:start + 5000])
    old = session.execute(
        select(RecommendationModel.id).order_by(RecommendationModel.id.desc()).offset(keep)
    ).scalars().all()
    if old:
        session.execute(delete(RecommendationCount).where(RecommendationCount.model_id.in_(old)))
        session.execute(delete(RecommendationModel).where(RecommendationModel.id.in_(old)))
    model.model_id = row.id
    return row.id


def latest_model_id(session: Session) -> int | None:
    return session.execute(select(func.max(RecommendationModel.id))).scalar()


def load_model(session: Session, model_id: int | None = None) -> CooccurrenceModel | None:
    """The newest stored model (or the given one); None when none was trained."""
    model_id = model_id or latest_model_id(session)
    if model_id is None:
        return None
    row = session.get(RecommendationModel, model_id)
    if row is None:
        return None
    model = CooccurrenceModel(model_date=row.model_date, customers=row.customers, holdings=row.holdings, model_id=row.id)
    segments: dict[str, dict[str, int]] = defaultdict(dict)
    features: dict[str, dict[str, int]] = defaultdict(dict)
    for kind, key, code, count in session.execute(
        select(RecommendationCount.kind, RecommendationCount.key, RecommendationCount.product_code, RecommendationCount.count)
        .where(RecommendationCount.model_id == model_id)
    ):
        if kind == "product":
            model.product_counts[code] = count
        elif kind == "pair":
            model.pair_counts[(key, code)] = count
        elif kind == "segment":
            segments[key][code] = count
        elif kind == "segment_size":
            model.segment_sizes[key] = count
        elif kind == "feature":
            features[key][code] = count
        elif kind == "feature_size":
            model.feature_sizes[key] = count
    model.segment_counts = dict(segments)
    model.feature_counts = dict(features)
    return model


# ---------------------------------------------------------------------------- facts from the database


def product_facts(product: Product) -> ProductFacts:
    return ProductFacts(
        code=product.product_code,
        name=product.name,
        category=product.category,
        risk_rating=product.risk_rating,
        min_amount=Decimal(product.min_amount or 0),
        term_days=product.term_days,
        channels=frozenset(filter(None, (product.channels or "").split(";"))),
        min_age=product.min_age,
        max_age=product.max_age,
        on_sale=bool(product.on_sale),
    )


def load_catalogue(session: Session) -> list[ProductFacts]:
    return [product_facts(p) for p in session.execute(select(Product).order_by(Product.product_code)).scalars()]


def customer_facts(session: Session, customer: Customer, catalogue: dict[str, ProductFacts] | None = None) -> CustomerFacts:
    catalogue = catalogue or {p.code: p for p in load_catalogue(session)}
    branch = session.get(Branch, customer.branch_id)
    holdings = tuple(
        HoldingFacts(catalogue[code], Decimal(amount), maturity)
        for code, amount, maturity in session.execute(
            select(Holding.product_code, Holding.amount, Holding.maturity_date)
            .where(Holding.customer_id == customer.customer_id)
            .order_by(Holding.id)
        )
    )
    tags = tuple(session.execute(
        select(CustomerTag.tag).where(CustomerTag.customer_id == customer.customer_id).order_by(CustomerTag.id)
    ).scalars())
    return CustomerFacts(
        customer_id=customer.customer_id,
        name=customer.name,
        birth_date=customer.birth_date,
        risk_level=customer.risk_level or None,
        risk_assessed_on=customer.risk_assessed_on,
        branch_kind=branch.kind if branch else "",
        occupation=customer.occupation or "",
        county=branch.county if branch else "",
        tags=tags,
        holdings=holdings,
    )


def all_customer_facts(session: Session, catalogue: dict[str, ProductFacts] | None = None,
                       with_tags: bool = True, batch: int = 5000) -> Iterator[CustomerFacts]:
    """Every customer's facts, streamed in customer-number order (training, evaluation)."""
    catalogue = catalogue or {p.code: p for p in load_catalogue(session)}
    branches = {b.branch_id: (b.kind, b.county) for b in session.execute(select(Branch)).scalars()}
    last = ""
    while True:
        people = session.execute(
            select(Customer).where(Customer.customer_id > last).order_by(Customer.customer_id).limit(batch)
        ).scalars().all()
        if not people:
            return
        ids = [c.customer_id for c in people]
        holdings: dict[str, list[HoldingFacts]] = defaultdict(list)
        for customer_id, code, amount, maturity in session.execute(
            select(Holding.customer_id, Holding.product_code, Holding.amount, Holding.maturity_date)
            .where(Holding.customer_id.in_(ids)).order_by(Holding.id)
        ):
            holdings[customer_id].append(HoldingFacts(catalogue[code], Decimal(amount), maturity))
        tags: dict[str, list[str]] = defaultdict(list)
        if with_tags:
            for customer_id, tag in session.execute(
                select(CustomerTag.customer_id, CustomerTag.tag).where(CustomerTag.customer_id.in_(ids)).order_by(CustomerTag.id)
            ):
                tags[customer_id].append(tag)
        for c in people:
            kind, county = branches.get(c.branch_id, ("", ""))
            yield CustomerFacts(c.customer_id, c.name, c.birth_date, c.risk_level or None, c.risk_assessed_on,
                                kind, c.occupation or "", county, tuple(tags[c.customer_id]),
                                tuple(holdings[c.customer_id]))
        session.expunge_all()
        last = ids[-1]


def train(session: Session, today: date, tiers) -> CooccurrenceModel:
    """Learn the model from every customer's holdings and store it (`python -m bot train-recs`)."""
    model = learn(all_customer_facts(session), today, tiers)
    save_model(session, model)
    log.info("推荐模型已训练: %s 位客户, %s 笔持仓, 模型日期 %s", model.customers, model.holdings, model.model_date)
    return model


# ---------------------------------------------------------------------------- ranking


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


"""The model of what similar customers hold (CooccurrenceModel): learnt from all holdings by
`python -m bot train-recs`, stored in the database with its date, loaded by every action server.

How the ranking uses it is in bot.suggestions.ranking's docstring.
"""
from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import combinations
from typing import Iterable, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.clock import clock, to_storage
from bot.customers.tiers import tier_for
from bot.models import (
    RecommendationCount,
    RecommendationModel,
)
from bot.suggestions.eligibility import (
    CustomerFacts,
)
from bot.suggestions.facts import all_customer_facts
from bot.vocabulary.width import to_half_width

log = logging.getLogger(__name__)
# Segments with fewer customers than this back off to a coarser one.
MIN_SEGMENT = 30
# Co-occurrence from products held by fewer customers than this is noise.
MIN_SUPPORT = 20
# How many customers' worth of the overall share a feature's share is pulled towards.
FEATURE_SMOOTHING = 50
# Models kept in the database besides the newest (older ones are deleted by train-recs).
KEEP_MODELS = 3

AGE_BANDS = ((0, 29, "18-29"), (30, 44, "30-44"), (45, 59, "45-59"), (60, 200, "60+"))




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
    from bot.clock import age_on

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


def train(session: Session, today: date, tiers) -> CooccurrenceModel:
    """Learn the model from every customer's holdings and store it (`python -m bot train-recs`)."""
    model = learn(all_customer_facts(session), today, tiers)
    save_model(session, model)
    log.info("推荐模型已训练: %s 位客户, %s 笔持仓, 模型日期 %s", model.customers, model.holdings, model.model_date)
    return model

"""Offline evaluation of the suggestions (`python -m tools eval-recs`).

1. Build the demo bank (tools.demo_data, the size and seed of `ensure-demo` by default) into a
   temporary SQLite database.
2. Hide one suggestable holding per customer (not a loan or card, still on sale), picked at random
   with the seed, by deleting it: the model never sees it. The customer is put back at the moment
   before that purchase: its amount counts as money available (the money that bought it was at
   hand then). No rule reads that money (the minimum purchase is information, bot.suggestions.eligibility);
   the ranking's reach and fit signals do.
3. Train the co-occurrence model on what remains (bot.suggestions.ranking.train).
4. For every customer, rank with the ranking and with a most-popular baseline (the most-held
   products the customer does not hold, through the same eligibility filter, so the comparison
   is of ordering only) and see where the hidden product lands: hit-rate@3 and MRR.
5. Re-check every top suggestion of every customer with an independent implementation of the
   eligibility rules written from the raw rows (not bot.suggestions.eligibility): violations must be 0. The
   minimum purchase is not among them: a product beyond the money at hand is no violation.

The run passes when there are no violations and the ranking's hit-rate@3 is at least 1.3 times
the baseline's.
"""
from __future__ import annotations

import random
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import delete, select

from bot.db import Database, dispose_engines
from bot.importer import import_directory
from bot.migrate import upgrade
from bot.models import Branch, Customer, Holding, Product
from bot.settings import Settings
from bot.suggestions.eligibility import check_for_suggestion, situation
from bot.suggestions.facts import all_customer_facts, load_catalogue
from bot.suggestions.ranking import popularity_order, rank_products
from bot.suggestions.similar_customers import train
from tools.demo_data import write_demo_bank

TOP = 3
REQUIRED_LIFT = 1.3


@dataclass(frozen=True)
class Scores:
    hits: int
    reciprocal_ranks: float
    evaluated: int

    @property
    def hit_rate(self) -> float:
        return self.hits / self.evaluated if self.evaluated else 0.0

    @property
    def mrr(self) -> float:
        return self.reciprocal_ranks / self.evaluated if self.evaluated else 0.0


@dataclass(frozen=True)
class EvalReport:
    customers: int
    seed: int
    today: date
    hidden: int  # customers with a hidden holding (those with a suggestable one)
    reachable: int  # of them, customers for whom the hidden product is still eligible
    ranking: Scores
    baseline: Scores
    checked: int  # top suggestions re-checked
    violations: list[tuple[str, str, str]]  # (customer, product, rule)
    seconds: float

    @property
    def lift(self) -> float:
        return self.ranking.hit_rate / self.baseline.hit_rate if self.baseline.hit_rate else float("inf")

    @property
    def passed(self) -> bool:
        return not self.violations and self.lift >= REQUIRED_LIFT


def _hide_holdings(session, seed: int) -> dict[str, tuple[str, Decimal]]:
    """Delete one suggestable holding per customer, chosen with `seed`. Returns customer ->
    (the hidden product's code, its amount): the evaluation puts the customer back at the moment
    before the purchase, when that money was at hand, so it counts as available."""
    rng = random.Random(seed)
    rows = session.execute(
        select(Holding.id, Holding.customer_id, Holding.product_code, Holding.amount)
        .join(Product, Holding.product_code == Product.product_code)
        .where(Product.category.notin_(("贷款", "信用卡")), Product.on_sale.is_(True))
        .order_by(Holding.customer_id, Holding.id)
    ).all()
    by_customer: dict[str, list] = {}
    for row in rows:
        by_customer.setdefault(row.customer_id, []).append(row)
    hidden, ids = {}, []
    for customer_id in sorted(by_customer):
        row = rng.choice(by_customer[customer_id])
        hidden[customer_id] = (row.product_code, Decimal(row.amount))
        ids.append(row.id)
    for start in range(0, len(ids), 500):
        session.execute(delete(Holding).where(Holding.id.in_(ids[start:start + 500])))
    return hidden


class _Recheck:
    """The eligibility rules again, from the raw rows, written apart from bot.suggestions.eligibility."""

    def __init__(self, session, today: date, settings: Settings) -> None:
        self.today = today
        self.settings = settings
        self.products = {p.product_code: p for p in session.execute(select(Product)).scalars()}
        self.kinds = {b.branch_id: b.kind for b in session.execute(select(Branch)).scalars()}
        self.customers = {c.customer_id: c for c in session.execute(select(Customer)).scalars()}
        self.holdings: dict[str, list[Holding]] = {}
        for h in session.execute(select(Holding)).scalars():
            self.holdings.setdefault(h.customer_id, []).append(h)

    def violation(self, customer_id: str, code: str) -> str | None:
        c, p = self.customers[customer_id], self.products[code]
        if p.category in ("贷款", "信用卡"):
            return "credit"
        if not p.on_sale:
            return "on_sale"
        fresh = c.risk_level and c.risk_assessed_on and (self.today - c.risk_assessed_on).days <= self.settings.risk_assessment_valid_days
        limit = int(c.risk_level[1]) if fresh else 1
        if int(p.risk_rating[1]) > limit:
            return "risk"
        if self.kinds[c.branch_id] not in p.channels.split(";"):
            return "channel"
        if p.min_age is not None or p.max_age is not None:
            if c.birth_date is None:
                return "age"
            b = c.birth_date
            age = self.today.year - b.year - ((self.today.month, self.today.day) < (b.month, b.day))
            if (p.min_age is not None and age < p.min_age) or (p.max_age is not None and age > p.max_age):
                return "age"
        # The minimum purchase is information, not a rule: the money may come from elsewhere.
        window_end = self.today + timedelta(days=self.settings.suggestion_maturity_days)
        renewable = set()
        held = set()
        for h in self.holdings.get(customer_id, []):
            hp = self.products[h.product_code]
            held.add(h.product_code)
            if hp.category in ("贷款", "信用卡"):
                continue
            if h.maturity_date is not None and h.maturity_date <= window_end:
                if hp.term_days is not None and hp.category in ("存款", "理财"):
                    renewable.add(h.product_code)
        if code in held and code not in renewable:
            return "not_held"
        return None


def evaluate(customers: int, seed: int, today: date, settings: Settings | None = None,
             workdir: Path | None = None) -> EvalReport:
    started = time.monotonic()
    settings = settings or Settings()
    with tempfile.TemporaryDirectory(prefix="eval-recs-", dir=workdir) as tmp:
        directory = Path(tmp) / "bank"
        write_demo_bank(directory, customers, seed, today)
        url = f"sqlite:///{Path(tmp) / 'eval.sqlite3'}"
        upgrade(url)
        db = Database(url)
        import_directory(db, directory, progress=False)
        try:
            with db.unit_of_work() as session:
                hidden = _hide_holdings(session, seed)
            with db.unit_of_work() as session:
                model = train(session, today, settings.tiers)
            with db.unit_of_work() as session:
                report = _score(session, hidden, model, today, settings, customers, seed)
        finally:
            dispose_engines()
    return EvalReport(**{**report, "seconds": time.monotonic() - started})


def _score(session, hidden, model, today, settings, customers, seed) -> dict:
    catalogue = load_catalogue(session)
    by_code = {p.code: p for p in catalogue}
    popular = popularity_order(model, catalogue)
    recheck = _Recheck(session, today, settings)
    ranking = [0, 0.0]
    baseline = [0, 0.0]
    reachable = checked = 0
    violations = []
    for facts in all_customer_facts(session, by_code):
        target, cash = hidden.get(facts.customer_id, (None, Decimal(0)))
        sit = situation(facts, today, settings.risk_assessment_valid_days, settings.suggestion_maturity_days)
        sit = replace(sit, available=sit.available + cash)
        ranked = rank_products(sit, catalogue, model, settings.tiers)
        for r in ranked[:TOP]:
            checked += 1
            rule = recheck.violation(facts.customer_id, r.product.code)
            if rule:
                violations.append((facts.customer_id, r.product.code, rule))
        if target is None:
            continue
        if check_for_suggestion(by_code[target], sit).allowed:
            reachable += 1
        codes = [r.product.code for r in ranked]
        _count(ranking, codes, target)
        held = {h.product.code for h in facts.holdings}
        base = [p.code for p in popular if p.code not in held and check_for_suggestion(p, sit).allowed]
        _count(baseline, base, target)
    evaluated = len(hidden)
    return dict(
        customers=customers, seed=seed, today=today, hidden=evaluated, reachable=reachable,
        ranking=Scores(ranking[0], ranking[1], evaluated), baseline=Scores(baseline[0], baseline[1], evaluated),
        checked=checked, violations=violations,
    )


def _count(tally: list, codes: list[str], target: str) -> None:
    if target in codes:
        position = codes.index(target) + 1
        tally[1] += 1 / position
        if position <= TOP:
            tally[0] += 1


def report_lines(report: EvalReport) -> list[str]:
    lines = [
        f"演示银行: {report.customers} 位客户, 种子 {report.seed}, 日期 {report.today:%Y-%m-%d}",
        f"每位客户隐藏一笔可推荐的持仓(随机, 种子 {report.seed}): {report.hidden} 位客户; "
        f"隐藏后仍符合推荐条件的 {report.reachable} 位(其余的任何排序都命中不了)",
        "模型只用隐藏后剩下的持仓训练。基线(最多人持有、客户未持有)经过同样的适当性筛选, 只比排序。",
        "",
        f"{'':12}{'hit-rate@3':>12}{'MRR':>10}",
        f"{'排序 ranking':12}{report.ranking.hit_rate:>12.3f}{report.ranking.mrr:>10.3f}",
        f"{'基线 popular':12}{report.baseline.hit_rate:>12.3f}{report.baseline.mrr:>10.3f}",
        f"hit-rate@3 相对提升: {report.lift:.2f} 倍(要求至少 {REQUIRED_LIFT} 倍)",
        f"适当性复核: {report.checked} 条前{TOP}推荐, 违规 {len(report.violations)} 条",
    ]
    for customer_id, code, rule in report.violations[:20]:
        lines.append(f"  违规 {customer_id} {code} {rule}")
    lines.append(f"用时 {report.seconds:.1f} 秒 · {'通过' if report.passed else '未通过'}")
    return lines

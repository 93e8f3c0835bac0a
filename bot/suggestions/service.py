"""Product suggestions (产品推荐): the right products for this customer, with reasons, never one
the customer may not buy (issue #5).

Use cases, each one unit of work, for the actions and the command line:

* suggest — the customer's eligible products, ranked (bot.suggestions.ranking), `limit` from
  `offset` ("再推荐几个" asks the next page); with `product_words` ("给她推荐点理财") only the
  products those words mean. Each suggestion carries the product's minimum purchase, as
  information. Every suggestion shown is written to the compliance trail (suggestion_log: staff,
  customer, product, rank, score, reasons, every rule checked, time, channel, model date) in the
  same transaction as the audit row. Among the rules checked, the minimum purchase is stored with
  `"binding": false`: it was told, it refused nothing (bot.suggestions.eligibility).
* can_buy — "她能买大额存单吗", "R5的基金呢", "科技基金可以吗": the products the words mean
  (bot.suggestions.ranking.resolve_products: a product, part of its name, a kind, a risk rating),
  each checked against the suitability rules (bot.suggestions.eligibility), yes or no with the rule that
  decided; for a kind, how many of its products the customer may buy. Nothing the bank cannot see
  decides it: the minimum purchase is said ("起购20万"), never the money the customer has with us.
  Loans and cards are answered with the credit process. Logged and audited the same way.
* trail — the compliance trail of a customer or staff member (`python -m bot suggestions`).

Conventions of the other services: they are called with the staff member the turn resolved; a
customer who does not exist and a customer of a branch the sender does not serve both get
NOT_FOUND, with nothing written. Nothing raises for these.

The recommendation model is read from the database: the newest one, reloaded when
`python -m bot train-recs` stores a newer one (checked on every call, one small query). Without a
model the ranking uses the rules, maturities, tags, life stage and fit only, and says so in the log.
"""
from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.access import StaffMember
from bot.clock import clock, to_local, to_storage
from bot.customers.lookup import visible_customer
from bot.db import Database
from bot.models import Product, SuggestionLogEntry
from bot.settings import Settings
from bot.suggestions.eligibility import (
    CREDIT_PROCESS_REASON,
    RULE_AGE,
    RULE_CREDIT,
    RULE_NOT_HELD,
    RULE_RISK,
    ProductFacts,
    Situation,
    Verdict,
    check_for_suggestion,
    check_suitability,
    minimum_text,
    risk_limit_text,
    situation,
)
from bot.suggestions.facts import customer_facts, load_catalogue
from bot.suggestions.matching import clean_words, match_products, resolve_products
from bot.suggestions.ranking import rank_products
from bot.suggestions.similar_customers import CooccurrenceModel, latest_model_id, load_model

log = logging.getLogger(__name__)

AUDIT_SUGGESTIONS = "suggestions"  # audit_log.shown: a list of suggestions was shown
AUDIT_PURCHASE_CHECK = "purchase_check"  # audit_log.shown: "能买X吗" was answered
KIND_SUGGESTION = "suggestion"
KIND_PURCHASE_CHECK = "purchase_check"
MAX_LIMIT = 10


# ---------------------------------------------------------------------------- results


class SuggestOutcome(str, Enum):
    SHOWN = "shown"  # suggestions (possibly none: nothing fits) are in the result
    NOT_FOUND = "not_found"  # no such customer among the branches the sender serves


class PurchaseOutcome(str, Enum):
    ANSWERED = "answered"  # allowed / not allowed, with the deciding rule
    CREDIT_PROCESS = "credit_process"  # a loan or card: the credit process, not suitability
    UNKNOWN_PRODUCT = "unknown_product"  # the words match no product of the catalogue
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Suggestion:
    product_code: str
    product_name: str
    category: str
    risk_rating: str
    rank: int  # 1 for the best, counted over all pages
    score: float
    reasons: tuple[str, ...]
    min_amount: Decimal = Decimal(0)  # the minimum purchase, information only (0: none)


@dataclass(frozen=True)
class SuggestionResult:
    customer_id: str | None
    customer_name: str | None
    suggestions: tuple[Suggestion, ...]
    notes: tuple[str, ...]  # e.g. the risk assessment must be renewed
    has_more: bool  # "再推荐几个" would show more
    outcome: SuggestOutcome = SuggestOutcome.SHOWN
    offset: int = 0
    model_date: date | None = None  # the recommendation model's date; None without a model
    product_words: str | None = None  # "给她推荐点理财": only products these words mean


@dataclass(frozen=True)
class ProductVerdict:
    """One product the words matched, and whether the customer may buy it."""

    product_code: str
    product_name: str
    category: str
    risk_rating: str
    allowed: bool
    rule: str  # the deciding rule (bot.suggestions.eligibility.RULE_*)
    reasons: tuple[str, ...]  # the failed rules' reasons, or the deciding rule's when allowed
    min_amount: Decimal = Decimal(0)  # the minimum purchase, information only


@dataclass(frozen=True)
class PurchaseAnswer:
    customer_id: str | None
    customer_name: str | None
    # The product, when the words meant one; None when they meant a kind (基金, 定期) or nothing.
    product_code: str | None
    # The product's name, or the words as understood ("基金") when they meant several products.
    product_name: str | None
    allowed: bool  # for a kind: at least one of its products may be bought
    rule: str  # the rule that decided (bot.suggestions.eligibility.RULE_*); RULE_CREDIT for loans and cards
    reasons: tuple[str, ...]
    outcome: PurchaseOutcome = PurchaseOutcome.ANSWERED
    products: tuple[ProductVerdict, ...] = ()  # every product the words matched
    notes: tuple[str, ...] = ()
    words: str = ""
    # The kind the words named (基金, R5的基金), also when only one product is of it; None for a
    # product named by its name.
    kind: str | None = None
    # Part of the words that matched nothing (养老 of 养老理财): the answer is about `kind` and
    # must say the words as such were not found.
    unmatched: str = ""


@dataclass(frozen=True)
class TrailLine:
    at: datetime
    staff_id: str
    customer_id: str
    kind: str
    product_code: str
    rank: int | None
    score: float | None
    allowed: bool
    reasons: tuple[str, ...]
    rules: tuple[dict, ...]
    channel: str
    model_date: date | None


# ---------------------------------------------------------------------------- the service


class SuggestionService:
    def __init__(self, db: Database, settings: Settings | None = None) -> None:
        self.db = db
        self.settings = settings or Settings.from_env()
        self._lock = threading.Lock()
        self._model: CooccurrenceModel | None = None
        self._model_id: int | None = None
        self._warned_no_model = False

    def product_names(self) -> list[str]:
        """The catalogue's product names ("惠农定期1年"), for reading which one a message asks about."""
        with self.db.unit_of_work() as session:
            return list(session.execute(select(Product.name)).scalars())

    # ------------------------------------------------------------------ the model

    def model(self, session: Session) -> CooccurrenceModel | None:
        """The newest trained model, loaded once per training (shared by this process's calls)."""
        newest = latest_model_id(session)
        with self._lock:
            if newest is None:
                if not self._warned_no_model:
                    log.warning("推荐模型尚未训练(python -m bot train-recs):推荐只按规则、到期、标签、人生阶段排序")
                    self._warned_no_model = True
                self._model, self._model_id = None, None
                return None
            if newest != self._model_id:
                self._model = load_model(session, newest)
                self._model_id = newest
                self._warned_no_model = False
                if self._model is not None:
                    log.info("已加载推荐模型 %s(模型日期 %s)", newest, self._model.model_date)
            return self._model

    def _situation(self, session: Session, customer, catalogue: list[ProductFacts]) -> Situation:
        facts = customer_facts(session, customer, {p.code: p for p in catalogue})
        return situation(facts, clock.today(), self.settings.risk_assessment_valid_days,
                         self.settings.suggestion_maturity_days)

    # ------------------------------------------------------------------ suggest

    def suggest(
        self, staff: StaffMember, customer_id: str, *, offset: int = 0, limit: int = 3, channel: str = "chat",
        product_words: str | None = None,
    ) -> SuggestionResult:
        """The customer's best eligible products, `limit` of them from `offset` (0: the best);
        with `product_words` ("理财", "定期") only the products those words mean."""
        words = clean_words(product_words or "") or None
        offset = max(0, int(offset or 0))
        limit = max(1, min(MAX_LIMIT, int(limit or 3)))
        with self.db.unit_of_work() as session:
            customer = visible_customer(session, staff, customer_id)
            if customer is None:
                return SuggestionResult(None, None, (), (), False, SuggestOutcome.NOT_FOUND, offset)
            catalogue = load_catalogue(session)
            sit = self._situation(session, customer, catalogue)
            model = self.model(session)
            ranked = rank_products(sit, catalogue, model, self.settings.tiers)
            notes = [sit.assessment_note] if sit.assessment_note else []
            if words:
                ranked, note = _only_products_of(words, catalogue, ranked)
                notes += [note] if note else []
            page = ranked[offset:offset + limit]
            suggestions = tuple(
                Suggestion(r.product.code, r.product.name, r.product.category, r.product.risk_rating,
                           offset + number, r.score, r.reasons, Decimal(r.product.min_amount or 0))
                for number, r in enumerate(page, start=1)
            )
            if not ranked and not (words and notes):
                notes.append(_nothing_fits_note(sit, catalogue))
            now = to_storage(clock.now())
            model_date = model.model_date if model else None
            for suggestion, r in zip(suggestions, page):
                session.add(SuggestionLogEntry(
                    at=now, staff_id=staff.staff_id, customer_id=customer.customer_id, kind=KIND_SUGGESTION,
                    product_code=r.product.code, rank=suggestion.rank, score=float(r.score), allowed=True,
                    reasons=list(r.reasons), rules=[c.as_dict() for c in r.verdict.checks],
                    channel=(channel or "")[:30], model_date=model_date,
                ))
            shown = ",".join(s.product_code for s in suggestions) or "无"
            audit.record_view(session, staff.staff_id, customer.customer_id, AUDIT_SUGGESTIONS, channel,
                              f"产品推荐 第{offset + 1}起 {shown}")
            return SuggestionResult(customer.customer_id, customer.name, suggestions, tuple(notes),
                                    len(ranked) > offset + limit, SuggestOutcome.SHOWN, offset, model_date, words)

    # ------------------------------------------------------------------ can_buy

    def can_buy(self, staff: StaffMember, customer_id: str, product_words: str, *, channel: str = "chat") -> PurchaseAnswer:
        """May the customer buy what the words name? Yes or no, with the rule that decided."""
        words = clean_words(product_words)
        with self.db.unit_of_work() as session:
            customer = visible_customer(session, staff, customer_id)
            if customer is None:
                return _no_answer(PurchaseOutcome.NOT_FOUND, words)
            catalogue = load_catalogue(session)
            match = resolve_products(words, catalogue)
            matched = list(match.products)
            if not matched:
                return _no_answer(PurchaseOutcome.UNKNOWN_PRODUCT, words, customer.customer_id, customer.name)
            assets = [p for p in matched if not p.is_liability]
            if not assets:
                answer = _credit_answer(customer, matched, words)
                audit.record_view(session, staff.staff_id, customer.customer_id, AUDIT_PURCHASE_CHECK, channel,
                                  f"能否购买 {words}: 授信类")
                return answer
            # Products no longer on sale are answered only when the words mean nothing else. A
            # kind is listed from the lowest risk up, as staff would go through it.
            candidates = sorted([p for p in assets if p.on_sale] or assets, key=lambda p: (p.risk, p.code))
            sit = self._situation(session, customer, catalogue)
            verdicts = [check_suitability(p, sit) for p in candidates]
            answer = _purchase_answer(customer, words, verdicts, sit, match.kind, match.unmatched)
            now = to_storage(clock.now())
            for verdict in verdicts:
                session.add(SuggestionLogEntry(
                    at=now, staff_id=staff.staff_id, customer_id=customer.customer_id, kind=KIND_PURCHASE_CHECK,
                    product_code=verdict.product.code, rank=None, score=None, allowed=verdict.allowed,
                    reasons=[c.reason for c in (verdict.failed or (verdict.deciding,))],
                    rules=[c.as_dict() for c in verdict.checks], channel=(channel or "")[:30], model_date=None,
                ))
            audit.record_view(session, staff.staff_id, customer.customer_id, AUDIT_PURCHASE_CHECK, channel,
                              f"能否购买 {words}: {'可以' if answer.allowed else '不可以'}")
            return answer

    # ------------------------------------------------------------------ the trail

    def trail(self, customer_id: str | None = None, staff_id: str | None = None, limit: int = 1000) -> list[TrailLine]:
        with self.db.unit_of_work() as session:
            return suggestion_trail(session, customer_id, staff_id, limit)

    def train(self, today: date | None = None) -> CooccurrenceModel:
        """Learn the model from every holding and store it (`python -m bot train-recs`)."""
        from bot.suggestions.similar_customers import train

        with self.db.unit_of_work() as session:
            return train(session, today or clock.today(), self.settings.tiers)


def suggestion_trail(session: Session, customer_id: str | None = None, staff_id: str | None = None,
                     limit: int = 1000) -> list[TrailLine]:
    query = select(SuggestionLogEntry).order_by(SuggestionLogEntry.at, SuggestionLogEntry.id).limit(limit)
    if customer_id:
        query = query.where(SuggestionLogEntry.customer_id == customer_id.strip().upper())
    if staff_id:
        query = query.where(SuggestionLogEntry.staff_id == staff_id)
    return [
        TrailLine(to_local(e.at), e.staff_id, e.customer_id, e.kind, e.product_code, e.rank, e.score, e.allowed,
                  tuple(e.reasons or ()), tuple(e.rules or ()), e.channel, e.model_date)
        for e in session.execute(query).scalars()
    ]


# ---------------------------------------------------------------------------- helpers


def _no_answer(outcome: PurchaseOutcome, words: str, customer_id=None, customer_name=None) -> PurchaseAnswer:
    return PurchaseAnswer(customer_id, customer_name, None, words or None, False, "", (), outcome, words=words)


def _credit_answer(customer, matched: list[ProductFacts], words: str) -> PurchaseAnswer:
    single = matched[0] if len(matched) == 1 else None
    return PurchaseAnswer(
        customer.customer_id, customer.name, single.code if single else None, single.name if single else words,
        False, RULE_CREDIT, (CREDIT_PROCESS_REASON,), PurchaseOutcome.CREDIT_PROCESS, words=words,
    )


def _verdict_of(verdict: Verdict) -> ProductVerdict:
    p = verdict.product
    reasons = tuple(c.reason for c in verdict.failed) if verdict.failed else (verdict.deciding.reason,)
    return ProductVerdict(p.code, p.name, p.category, p.risk_rating, verdict.allowed, verdict.deciding.rule, reasons,
                          Decimal(p.min_amount or 0))


def _purchase_answer(customer, words: str, verdicts: list[Verdict], sit: Situation, kind: str | None = None,
                     unmatched: str = "") -> PurchaseAnswer:
    products = tuple(_verdict_of(v) for v in verdicts)
    notes = (sit.assessment_note,) if sit.assessment_note else ()
    if len(verdicts) == 1:
        verdict = verdicts[0]
        if verdict.allowed:
            reasons = _allowed_reasons(verdict)
        else:
            reasons = tuple(c.reason for c in verdict.failed)[:2]
        return PurchaseAnswer(customer.customer_id, customer.name, verdict.product.code, verdict.product.name,
                              verdict.allowed, verdict.deciding.rule, reasons, PurchaseOutcome.ANSWERED,
                              products, notes, words, kind, unmatched)
    allowed = [v for v in verdicts if v.allowed]
    if allowed:
        rule, reasons = RULE_RISK, (risk_limit_text(sit),)
    else:
        # The rule that rules out most of them decides; said once for the customer (the risk
        # limit), or its reasons once each (at most two).
        counts = Counter(v.deciding.rule for v in verdicts)
        rule = counts.most_common(1)[0][0]
        if rule == RULE_RISK:
            reasons = (risk_limit_text(sit),)
        else:
            reasons = tuple(dict.fromkeys(v.deciding.reason for v in verdicts if v.deciding.rule == rule))[:2]
    label = kind or words
    return PurchaseAnswer(customer.customer_id, customer.name, None, label, bool(allowed), rule, reasons,
                          PurchaseOutcome.ANSWERED, products, notes, words, label, unmatched)


def _allowed_reasons(verdict: Verdict) -> tuple[str, ...]:
    """Why a product may be bought: the risk rule, the age limit when the product has one, then
    its minimum purchase as information ("起购20万")."""
    reasons = [c.reason for c in verdict.checks if c.rule == RULE_RISK]
    if verdict.product.min_age is not None or verdict.product.max_age is not None:
        reasons += [c.reason for c in verdict.checks if c.rule == RULE_AGE]
    minimum = minimum_text(verdict.product)
    return tuple(reasons + ([minimum] if minimum else []))


def _only_products_of(words: str, catalogue: list[ProductFacts], ranked: list) -> tuple[list, str | None]:
    """The ranking narrowed to the products the words mean, and a note when it cannot be."""
    matched = match_products(words, catalogue)
    codes = {p.code for p in matched if not p.is_liability}
    if matched and not codes:
        return [], CREDIT_PROCESS_REASON
    if not matched:
        return ranked, f"没找到“{words}”对应的产品,以下按全部产品推荐"
    narrowed = [r for r in ranked if r.product.code in codes]
    if not narrowed:
        return [], f"客户目前没有可买的{words}类产品(已持有或不符合适当性规则)"
    return narrowed, None


def _nothing_fits_note(sit: Situation, catalogue: list[ProductFacts]) -> str:
    """Why nothing can be suggested, by the rule that rules out most products on sale (never by
    money: the minimum purchase is no rule)."""
    on_sale = [p for p in catalogue if p.on_sale and not p.is_liability]
    if not on_sale:
        return "暂无在售的可推荐产品"
    refusals = Counter()
    for product in on_sale:
        verdict = check_for_suggestion(product, sit)
        if verdict.failed and verdict.deciding.rule != RULE_NOT_HELD:
            refusals[risk_limit_text(sit) if verdict.deciding.rule == RULE_RISK else verdict.deciding.reason] += 1
    if not refusals:
        return "在售产品客户都已持有,暂无可推荐的新产品"
    return f"暂无符合全部适当性规则的产品({refusals.most_common(1)[0][0]})"


__all__ = [
    "SuggestionService", "Suggestion", "SuggestionResult", "PurchaseAnswer", "ProductVerdict",
    "SuggestOutcome", "PurchaseOutcome", "TrailLine", "suggestion_trail",
]

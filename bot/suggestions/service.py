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
from datetime import date
from decimal import Decimal

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
from bot.suggestions.replies import (
    ALL_ON_SALE_HELD,
    NOTHING_ON_SALE,
    no_product_of_kind,
    no_product_fits_the_rules,
    no_such_product,
)
from bot.suggestions.request import SuggestionMessage, SuggestionRequest, page_asked, read_message, shown_after
from bot.suggestions.results import (
    ProductVerdict,
    PurchaseAnswer,
    PurchaseOutcome,
    Suggestion,
    SuggestionAnswer,
    SuggestionResult,
    SuggestOutcome,
    TrailLine,
)
from bot.suggestions.similar_customers import CooccurrenceModel, latest_model_id, load_model

log = logging.getLogger(__name__)

AUDIT_SUGGESTIONS = "suggestions"  # audit_log.shown: a list of suggestions was shown
AUDIT_PURCHASE_CHECK = "purchase_check"  # audit_log.shown: "能买X吗" was answered
KIND_SUGGESTION = "suggestion"
KIND_PURCHASE_CHECK = "purchase_check"
MAX_LIMIT = 10


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

    # ------------------------------------------------------------------ one message

    def read(self, text: str, entities: dict[str, list[str]], shown: dict | None, current_customer_id: str | None,
             right_after_suggestions: bool, names_somebody: bool) -> SuggestionMessage:
        """What a suggestion message asks (request.read_message), read against the catalogue."""
        return read_message(text, entities, shown, current_customer_id, right_after_suggestions, names_somebody,
                            self.product_names())

    def answer(self, staff: StaffMember, customer_id: str, request: SuggestionRequest, shown: dict | None,
               channel: str = "chat") -> SuggestionAnswer:
        """A suggestion message about one customer: "能买X吗" answered yes or no (the words kept
        for "那黄婷莉呢" next, asked_again_for); otherwise a page of suggestions, "再推荐几个" going on
        with the list shown, of the same kind ("给他推荐点理财" then more 理财)."""
        if request.yes_or_no:
            answer = self.can_buy(staff, customer_id, request.product_words, channel=channel)
            return SuggestionAnswer(answer, {**(shown or {}), "asked": request.product_words})
        offset, words = page_asked(request, shown, customer_id)
        result = self.suggest(staff, customer_id, offset=offset, channel=channel, product_words=words)
        if result.outcome is not SuggestOutcome.SHOWN:
            return SuggestionAnswer(result, None)
        return SuggestionAnswer(result, shown_after(shown, offset, customer_id, words,
                                                    [s.product_name for s in result.suggestions]))

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
        return ranked, no_such_product(words)
    narrowed = [r for r in ranked if r.product.code in codes]
    if not narrowed:
        return [], no_product_of_kind(words)
    return narrowed, None


def _nothing_fits_note(sit: Situation, catalogue: list[ProductFacts]) -> str:
    """Why nothing can be suggested, by the rule that rules out most products on sale (never by
    money: the minimum purchase is no rule)."""
    on_sale = [p for p in catalogue if p.on_sale and not p.is_liability]
    if not on_sale:
        return NOTHING_ON_SALE
    refusals = Counter()
    for product in on_sale:
        verdict = check_for_suggestion(product, sit)
        if verdict.failed and verdict.deciding.rule != RULE_NOT_HELD:
            refusals[risk_limit_text(sit) if verdict.deciding.rule == RULE_RISK else verdict.deciding.reason] += 1
    if not refusals:
        return ALL_ON_SALE_HELD
    return no_product_fits_the_rules(refusals.most_common(1)[0][0])


__all__ = [
    "SuggestionService", "Suggestion", "SuggestionResult", "PurchaseAnswer", "ProductVerdict",
    "SuggestOutcome", "PurchaseOutcome", "TrailLine", "suggestion_trail",
]

"""What SuggestionService returns: plain values, no text but the rules' own reasons and notes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum


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
class SuggestionAnswer:
    """The answer to one suggestion message (`SuggestionService.answer`): a list of suggestions or
    a yes/no about products, and what the chat keeps of what was shown (the `suggestions_shown`
    slot), or None to keep it as it was."""

    result: SuggestionResult | PurchaseAnswer
    shown: dict | None


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

"""The 360 view (客户360视图): a customer's holdings, maturities, tags and contact history.

Every function here sees only the customers of the branches the staff member serves, and writes
an audit row for every customer whose data it returns, inside the caller's unit of work.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot import audit
from bot.access import StaffMember
from bot.clock import age_on, to_local
from bot.customers.tiers import LIABILITY_CATEGORIES, tier_for
from bot.models import Branch, Customer, CustomerTag, Holding, Interaction, Product, Staff
from bot.privacy import mask_identifiers_in_text, mask_phone
from bot.settings import Settings
from bot.vocabulary.products import PRODUCT_VOCABULARY, product_word_meaning
from bot.vocabulary.width import to_half_width


@dataclass(frozen=True)
class HoldingLine:
    product_name: str
    category: str
    amount: Decimal
    start_date: date
    maturity_date: date | None
    term_days: int | None = None  # the product's term; None for one that never matures

    @property
    def has_term(self) -> bool:
        """Whether it matures on a date (定期, a 90-day 理财), as opposed to 活期 or a fund."""
        return self.maturity_date is not None or bool(self.term_days)


@dataclass(frozen=True)
class InteractionLine:
    happened_at: datetime
    staff_name: str
    channel: str
    summary: str
    # For a visit logged in the chat (source 'chat'): what the note said, structured.
    source: str = "import"
    products: tuple[str, ...] = ()
    amounts: tuple[Decimal, ...] = ()
    follow_up_at: datetime | None = None


@dataclass(frozen=True)
class CategoryTotal:
    category: str
    amount: Decimal
    count: int


@dataclass(frozen=True)
class CustomerProfile:
    """The 360 view of one customer."""

    customer_id: str
    name: str
    gender: str
    age: int | None
    masked_phone: str
    branch_name: str
    occupation: str
    tier: str
    total_assets: Decimal
    risk_level: str | None
    risk_assessed_on: date | None
    risk_expired: bool
    tags: list[str]
    by_category: list[CategoryTotal]
    liabilities: list[CategoryTotal]
    nearest_maturity: HoldingLine | None
    manager_name: str | None
    last_interaction: InteractionLine | None
    birth_date: date | None = None


@dataclass(frozen=True)
class HoldingsView:
    customer_id: str
    name: str
    product_filter: str | None
    holdings: list[HoldingLine] = field(default_factory=list)
    # The question was when they mature ("她的定期什么时候到期"): the dates lead each line.
    about_maturity: bool = False
    # Asked for a day or a range ("下周有什么到期的"): (its words, first day, last day).
    period: tuple[str, date, date] | None = None


@dataclass(frozen=True)
class InteractionsView:
    customer_id: str
    name: str
    interactions: list[InteractionLine] = field(default_factory=list)


# The statements every 360 view runs, built once: building a statement (and its cache key) cost
# the action server more Python than running it (docs/performance.md). Columns, not ORM objects:
# nothing here is changed, and loading objects into the session costs more again.
_HOLDING_LINES = (
    select(Product.name, Product.category, Holding.amount, Holding.start_date, Holding.maturity_date,
           Product.term_days)
    .join(Product, Holding.product_code == Product.product_code)
    .where(Holding.customer_id == bindparam("customer_id"))
    .order_by(Holding.maturity_date.is_(None), Holding.maturity_date, Holding.start_date)
)
_INTERACTION_LINES = (
    select(Interaction.happened_at, Staff.name, Interaction.channel, Interaction.summary, Interaction.source,
           Interaction.details)
    .join(Staff, Interaction.staff_id == Staff.staff_id)
    .where(Interaction.customer_id == bindparam("customer_id"))
    .order_by(Interaction.happened_at.desc(), Interaction.id.desc())
    .limit(bindparam("limit"))
)
_TAGS = select(CustomerTag.tag).where(CustomerTag.customer_id == bindparam("customer_id")).order_by(CustomerTag.id)
# The branch's and the manager's names in one statement.
_BRANCH_AND_MANAGER_NAMES = select(
    select(Branch.name).where(Branch.branch_id == bindparam("branch_id")).scalar_subquery(),
    select(Staff.name).where(Staff.staff_id == bindparam("manager_id")).scalar_subquery(),
)


def _holding_lines(session: Session, customer_id: str) -> list[HoldingLine]:
    rows = session.execute(_HOLDING_LINES, {"customer_id": customer_id})
    return [
        HoldingLine(name, category, Decimal(amount), start_date, maturity_date, term_days)
        for name, category, amount, start_date, maturity_date, term_days in rows
    ]


def _interaction_lines(session: Session, customer_id: str, limit: int) -> list[InteractionLine]:
    rows = session.execute(_INTERACTION_LINES, {"customer_id": customer_id, "limit": limit})
    return [_interaction_line(*row) for row in rows]


def _interaction_line(
    happened_at: datetime, staff_name: str, channel: str, summary: str, source: str | None, details: dict | None
) -> InteractionLine:
    details = details or {}
    follow_up = (details.get("follow_up") or {}).get("at")
    return InteractionLine(
        to_local(happened_at),
        staff_name,
        channel,
        # A note is stored as the employee typed it: a phone or ID number in it is masked here,
        # like the customer's own ("今天给139 1234 5678打了电话").
        mask_identifiers_in_text(summary or ""),
        source=source or "import",
        products=tuple(details.get("products") or ()),
        amounts=tuple(Decimal(a) for a in details.get("amounts") or ()),
        follow_up_at=datetime.fromisoformat(follow_up) if follow_up else None,
    )


def _totals(lines: list[HoldingLine]) -> list[CategoryTotal]:
    totals: dict[str, list] = {}
    for line in lines:
        entry = totals.setdefault(line.category, [Decimal(0), 0])
        entry[0] += line.amount
        entry[1] += 1
    return sorted(
        (CategoryTotal(category, amount, count) for category, (amount, count) in totals.items()),
        key=lambda total: -total.amount,
    )


def customer_profile(
    session: Session, staff: StaffMember, customer: Customer, today: date, settings: Settings, channel: str
) -> CustomerProfile:
    """The 360 view of a customer the staff member may see; audited."""
    holdings = _holding_lines(session, customer.customer_id)
    assets = [h for h in holdings if h.category not in LIABILITY_CATEGORIES]
    total_assets = sum((h.amount for h in assets), Decimal(0))
    upcoming = [h for h in holdings if h.maturity_date is not None and h.maturity_date >= today and h.category not in LIABILITY_CATEGORIES]
    tags = list(session.execute(_TAGS, {"customer_id": customer.customer_id}).scalars())
    branch_name, manager_name = session.execute(
        _BRANCH_AND_MANAGER_NAMES, {"branch_id": customer.branch_id, "manager_id": customer.manager_id}
    ).one()
    last = _interaction_lines(session, customer.customer_id, 1)
    risk_expired = customer.risk_assessed_on is None or (
        (today - customer.risk_assessed_on).days > settings.risk_assessment_valid_days
    )
    audit.record_view(session, staff.staff_id, customer.customer_id, audit.PROFILE, channel)
    return CustomerProfile(
        customer_id=customer.customer_id,
        name=customer.name,
        gender=customer.gender,
        age=age_on(customer.birth_date, today),
        masked_phone=mask_phone(customer.phone),
        branch_name=branch_name or customer.branch_id,
        occupation=customer.occupation or "",
        tier=tier_for(total_assets, settings.tiers),
        total_assets=total_assets,
        risk_level=customer.risk_level,
        risk_assessed_on=customer.risk_assessed_on,
        risk_expired=risk_expired,
        tags=tags,
        by_category=_totals(assets),
        liabilities=_totals([h for h in holdings if h.category in LIABILITY_CATEGORIES]),
        nearest_maturity=min(upcoming, key=lambda h: h.maturity_date) if upcoming else None,
        manager_name=manager_name,
        last_interaction=last[0] if last else None,
        birth_date=customer.birth_date,
    )



# What staff call a kind of product, in the bank's vocabulary (bot.vocabulary.products). The
# table this module had, word -> (category, a word the product's name contains or None), is kept
# under its name for code that reads it; matching a holding goes through matches_product_word,
# which also knows 定期 by its term.
PRODUCT_WORDS: dict[str, tuple[str, str | None]] = {
    word: (meaning.category, meaning.name_has[0] if meaning.name_has else None)
    for word, meaning in PRODUCT_VOCABULARY.items()
}


def matches_product_word(line: HoldingLine, word: str, names_a_product: bool = False) -> bool:
    """Whether a holding is one of the products the word means: 定期 a deposit with a term,
    大额存单 one whose name says so, 理财 any wealth product. A word that is not in the
    vocabulary is a product's name ("稳享理财") when `names_a_product` (the bank sells such a
    product), else it means what the product word inside it means ("50万定期" -> 定期)."""
    word = to_half_width(word or "").strip()
    meaning = PRODUCT_VOCABULARY.get(word)
    if meaning is None and not names_a_product:
        meaning = product_word_meaning(word)
    if meaning is None:
        return word == line.category or bool(word) and word in line.product_name
    return meaning.means(line.category, line.product_name, line.has_term)


def _names_a_product(session: Session, word: str) -> bool:
    """Whether a word that is not in the vocabulary is (part of) the name of a product the bank
    sells. (Built per call: asked only for the rare word that is not in the vocabulary.)"""
    word = to_half_width(word).strip()
    if not word or word in PRODUCT_VOCABULARY:
        return False
    named = select(Product.product_code).where(Product.name.contains(word, autoescape=True)).limit(1)
    return session.execute(named).first() is not None


def holdings_view(
    session: Session,
    staff: StaffMember,
    customer: Customer,
    product_word: str | None,
    channel: str,
    about_maturity: bool = False,
    period: tuple[str, date, date] | None = None,
) -> HoldingsView:
    """What the customer holds, of the kind the word means if one is given; audited. Asked what
    matures with no kind named ("他有什么到期的"): the customer's own money that matures, not
    loans, cards, funds or 活期; asked for a period ("下周有什么到期的"), what matures in it."""
    lines = _holding_lines(session, customer.customer_id)
    if product_word:
        by_name = _names_a_product(session, product_word)
        lines = [line for line in lines if matches_product_word(line, product_word, by_name)]
    elif about_maturity:
        lines = [line for line in lines if line.maturity_date and line.category not in LIABILITY_CATEGORIES]
    if about_maturity and period is not None:
        lines = [line for line in lines if line.maturity_date and period[1] <= line.maturity_date <= period[2]]
    audit.record_view(session, staff.staff_id, customer.customer_id, audit.HOLDINGS, channel, product_word or "")
    return HoldingsView(customer.customer_id, customer.name, product_word, lines, about_maturity,
                        period if about_maturity else None)


def interactions_view(
    session: Session, staff: StaffMember, customer: Customer, channel: str, limit: int = 5
) -> InteractionsView:
    lines = _interaction_lines(session, customer.customer_id, limit)
    audit.record_view(session, staff.staff_id, customer.customer_id, audit.INTERACTIONS, channel)
    return InteractionsView(customer.customer_id, customer.name, lines)

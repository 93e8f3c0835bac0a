"""Customer lookup: what a message asks for (a name, a phone, a customer number) and the
customers it finds.

Every function here sees only the customers of the branches the staff member serves, inside the
caller's unit of work.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from bot import audit
from bot.access import StaffMember
from bot.clock import age_on
from bot.models import Branch, Customer, CustomerTag, Staff
from bot.privacy import mask_phone
from bot.vocabulary.identifiers import (
    digit_groups,
    find_customer_ids,
    find_id_numbers,
    find_phones,
    normalise_id_number,
    normalise_phone,
)
from bot.vocabulary.names import surname_of
from bot.vocabulary.text import is_han
from bot.vocabulary.width import to_half_width


class QueryKind(str, Enum):
    NAME = "name"
    PHONE = "phone"
    CUSTOMER_ID = "customer_id"
    ID_NUMBER = "id_number"
    SURNAME = "surname"  # a name given only in part (欧阳, 王先生, 老李): customers of that surname


@dataclass(frozen=True)
class CustomerQuery:
    kind: QueryKind
    value: str
    # For a name: longer readings of it in the message (the NLU can cut a name short, 阚志 of
    # 阚志刚), searched with it; a customer of either name is a match.
    longer_names: tuple[str, ...] = ()


class QueryProblem(str, Enum):
    """A query the bot will not search with, and why."""

    BAD_ID_CHECKSUM = "bad_id_checksum"
    BAD_PHONE = "bad_phone"
    BAD_CUSTOMER_ID = "bad_customer_id"


def parse_customer_query(entities: dict[str, list[str]], text: str) -> CustomerQuery | QueryProblem | None:
    """The customer a message names: by ID number, customer number, phone, or name.

    Identifiers found in the text by pattern win over the NLU's entities, which can cut them
    short; they are read in every form staff type them (bot.vocabulary.identifiers: "139 1234
    5678", "+86 13912345678", full-width digits, an old 15-digit ID number, "c00000001"). A
    malformed identifier is a problem to explain, never a search.
    """
    text = to_half_width(text or "")
    for found in find_id_numbers(text):
        if found.value is None:  # a wrong check character, a 15-digit number with no birth date
            return QueryProblem.BAD_ID_CHECKSUM
        return CustomerQuery(QueryKind.ID_NUMBER, found.value)
    for found in find_customer_ids(text):
        return CustomerQuery(QueryKind.CUSTOMER_ID, found.value)
    for found in find_phones(text):
        return CustomerQuery(QueryKind.PHONE, found.value)
    for value in entities.get("id_number", []):
        id_number = normalise_id_number(value)
        return CustomerQuery(QueryKind.ID_NUMBER, id_number) if id_number else QueryProblem.BAD_ID_CHECKSUM
    for value in entities.get("phone", []):
        phone = normalise_phone(value)
        return CustomerQuery(QueryKind.PHONE, phone) if phone else QueryProblem.BAD_PHONE
    for value in entities.get("customer_id", []):
        return QueryProblem.BAD_CUSTOMER_ID
    for value in entities.get("customer_name", []):
        name = value.strip()
        if name:
            return CustomerQuery(QueryKind.NAME, name, longer_names(name, text) + without_lookup_verb(name))
    # Digits that look like an attempt at a phone or customer number, but are not one; a phone
    # typed in groups counts with its groups joined ("139 1234 567").
    runs = _digit_runs(text)
    if any(len(run) in (10, 12) for run in runs + [g for g in digit_groups(text) if re.match(r"1[3-9]", g)]):
        return QueryProblem.BAD_PHONE
    if any(len(run) == 18 or len(run) == 17 for run in runs):
        return QueryProblem.BAD_ID_CHECKSUM
    return None


MAX_NAME_LENGTH = 4


def longer_names(name: str, text: str) -> tuple[str, ...]:
    """The name followed by one or more Han characters where it occurs in the text, up to a
    name's longest (4): 阚志刚 and 阚志刚的 for 阚志 in "阚志刚的理财"."""
    found = []
    start = text.find(name)
    while start >= 0 and name:
        end = start + len(name)
        while end < len(text) and end - start < MAX_NAME_LENGTH and is_han(text[end]):
            end += 1
            found.append(text[start:end])
        start = text.find(name, start + 1)
    return tuple(dict.fromkeys(found))


# "查王建国" tagged whole as a name by one training: the verb is not part of it.
_LOOKUP_VERB_BEFORE_NAME = re.compile(r"^(?:查一下|查下|查查|查|看一下|看下|找一下|找下|找)(?=[\u4e00-\u9fff]{2,4}$)")


def without_lookup_verb(name: str) -> tuple[str, ...]:
    """The name without a lookup verb the NLU took into it ("查王建国" -> 王建国), searched with
    it (a customer called 查文斌 is still found); () when there is none."""
    bare = _LOOKUP_VERB_BEFORE_NAME.sub("", name)
    return (bare,) if bare != name and surname_of(bare) is not None else ()


def _digit_runs(text: str) -> list[str]:
    return re.findall(r"\d+", text)




@dataclass(frozen=True)
class Candidate:
    """One line of a "which one do you mean?" list."""

    customer_id: str
    name: str
    masked_phone: str
    phone_tail: str
    branch_name: str
    age: int | None




def _customers_where(condition) -> Select:
    return (
        select(Customer)
        .where(condition, Customer.branch_id.in_(bindparam("branch_ids", expanding=True)))
        .order_by(Customer.customer_id)
        .limit(bindparam("limit"))
    )


# One statement per kind of query, built once (a lookup is most messages' work).
_FIND_CUSTOMERS = {
    QueryKind.CUSTOMER_ID: _customers_where(Customer.customer_id == bindparam("value")),
    QueryKind.PHONE: _customers_where(Customer.phone == bindparam("value")),
    QueryKind.ID_NUMBER: _customers_where(Customer.id_number == bindparam("value")),
    QueryKind.NAME: _customers_where(Customer.name.in_(bindparam("value", expanding=True))),
    QueryKind.SURNAME: _customers_where(Customer.name.like(bindparam("value"))),
}


def find_customers(session: Session, staff: StaffMember, query: CustomerQuery, limit: int) -> list[Customer]:
    """Customers matching the query among the branches the staff member serves (at most `limit`)."""
    value = [query.value, *query.longer_names] if query.kind is QueryKind.NAME else query.value
    if query.kind is QueryKind.SURNAME:
        value = query.value + "%"  # a surname is Han characters only: nothing to escape
    parameters = {"value": value, "branch_ids": sorted(staff.served_branch_ids), "limit": limit}
    found = list(session.execute(_FIND_CUSTOMERS[query.kind], parameters).scalars())
    if query.kind is QueryKind.SURNAME:  # 欧 is not the surname of 欧阳娜
        found = [c for c in found if surname_of(c.name) == query.value]
    return found


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
# Built once: asked for most messages that name nobody the NLU found ("他名下有哪些产品").
_NAMES_AMONG = (
    select(Customer.name)
    .where(Customer.name.in_(bindparam("pieces", expanding=True)),
           Customer.branch_id.in_(bindparam("branch_ids", expanding=True)))
    .distinct()
)


def names_in_text(session: Session, staff: StaffMember, text: str) -> list[str]:
    """Names of customers the staff member may see that occur in the text, longest first.

    The NLU can miss a name it has never seen (a rare surname) or cut a compound surname short;
    the bank's own list of customers is the better dictionary. Names found inside a longer
    found name are dropped (张伟 inside 张伟明).
    """
    pieces = {run[i : i + n] for run in _HAN_RUN.findall(text) for n in (2, 3, 4) for i in range(len(run) - n + 1)}
    if not pieces:
        return []
    found = session.execute(
        _NAMES_AMONG, {"pieces": sorted(pieces), "branch_ids": sorted(staff.served_branch_ids)}
    ).scalars()
    names = sorted(set(found), key=len, reverse=True)
    return [name for name in names if not any(name != longer and name in longer for longer in names)]


_STAFF_NAMES = select(Staff.name)


def staff_names(session: Session) -> list[str]:
    """Every colleague's name: a colleague named in a message is no customer."""
    return list(session.execute(_STAFF_NAMES).scalars())


def pronoun_fits(text: str, gender: str | None) -> bool:
    """Whether the customer in context can be the one a message's pronoun means. Only "她" with a
    man in context does not fit ("她的理财呢" after switching from 李秀英 to 王建国): "他" is what a
    phone types for anybody, so it fits everyone."""
    return not (gender == "M" and "她" in (text or "") and "他" not in (text or ""))


def visible_customer(session: Session, staff: StaffMember, customer_id: str | None) -> Customer | None:
    """The customer if this staff member may see them; None for nobody, or a customer elsewhere."""
    if not customer_id:
        return None
    customer = session.get(Customer, customer_id.strip().upper())
    if customer is None or customer.branch_id not in staff.served_branch_ids:
        return None
    return customer


def candidates(session: Session, staff: StaffMember, customers: list[Customer], today: date, channel: str) -> list[Candidate]:
    branch_names = _branch_names(session, {c.branch_id for c in customers})
    result = []
    for customer in customers:
        audit.record_view(session, staff.staff_id, customer.customer_id, audit.CANDIDATES, channel)
        result.append(
            Candidate(
                customer_id=customer.customer_id,
                name=customer.name,
                masked_phone=mask_phone(customer.phone),
                phone_tail=(customer.phone or "")[-4:],
                branch_name=branch_names.get(customer.branch_id, customer.branch_id),
                age=age_on(customer.birth_date, today),
            )
        )
    return result


def known_words(session: Session, customers: list[Customer]) -> dict[str, tuple[str, ...]]:
    """What is known of each customer in words, for a pick by description ("退休教师那个",
    "城关支行那位"): occupation, branch name, tags."""
    branch_names = _branch_names(session, {c.branch_id for c in customers})
    tags: dict[str, list[str]] = {}
    rows = session.execute(select(CustomerTag.customer_id, CustomerTag.tag)
                           .where(CustomerTag.customer_id.in_([c.customer_id for c in customers])))
    for customer_id, tag in rows:
        tags.setdefault(customer_id, []).append(tag)
    return {c.customer_id: (c.occupation or "", branch_names.get(c.branch_id, ""), *tags.get(c.customer_id, ()))
            for c in customers}


def _branch_names(session: Session, branch_ids: set[str]) -> dict[str, str]:
    rows = session.execute(select(Branch.branch_id, Branch.name).where(Branch.branch_id.in_(branch_ids)))
    return {branch_id: name for branch_id, name in rows}


def count_customers(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Customer)).scalar_one()

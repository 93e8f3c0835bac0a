"""Who a referral message names: the customer and the colleague, when the NLU read one as the
other ("转给王芳" with 王芳 a customer too), and the note that goes with them.
"""
from __future__ import annotations

import re

from bot.dialogue.message import (
    Message,
    bare_name,
)
from bot.dialogue.waiting import REFERRAL, Step, Waiting
from bot.vocabulary.numbers import parse_amount


def first_entity(entities: dict[str, list[str]], name: str) -> str | None:
    values = entities.get(name) or []
    return values[0] if values else None


def people_named(entities: dict[str, list[str]]) -> list[str]:
    """The people a message names (customers, colleagues): not product words (黄金花 is not gold)."""
    return [*(entities.get("customer_name") or []), *(entities.get("staff_name") or [])]


def note_from(entities: dict[str, list[str]]) -> list[str]:
    """What a referral's note keeps of the message: an amount that is money (the NLU's "amount"
    can be anything: "王建国" was one), and a time."""
    parts = []
    amount = next((value for value in entities.get("amount") or []
                   if parse_amount(value) and re.search(r"[万元块千wW亿]", value)), None)  # not 137 of a phone
    if amount:
        parts.append(f"金额约{amount}")
    if first_entity(entities, "time"):
        parts.append(f"时间:{first_entity(entities, 'time')}")
    return parts


def entities_name_a_customer(entities: dict[str, list[str]]) -> bool:
    return any(entities.get(name) for name in ("customer_name", "phone", "customer_id", "id_number"))


_GIVEN_TO = re.compile(r"(转给|转介给|交给|推给|推荐给|转到|给|让|找)\s*$")


def _given_to(name: str, text: str) -> bool:
    """Whether `name` stands right after 转给/交给/给/找… somewhere in the message."""
    return any(_GIVEN_TO.search(text[:m.start()]) for m in re.finditer(re.escape(name), text))


def _moved(entities: dict[str, list[str]], moved: list[str], source: str, target: str) -> dict[str, list[str]]:
    if not moved:
        return entities
    result = dict(entities)
    result[source] = [v for v in entities[source] if v not in moved]
    result[target] = [*(entities.get(target) or []), *(v for v in moved if v not in (entities.get(target) or []))]
    return {k: v for k, v in result.items() if v}


def colleagues_read_as_customers(entities: dict[str, list[str]], text: str, colleagues: set[str]) -> dict[str, list[str]]:
    """The entities with a colleague's name the NLU read as a customer's ("转给王芳" tagged
    customer_name) moved to staff_name: a name of a colleague right after 转给/交给/给 is the
    colleague, wherever else the same name may be a customer's."""
    moved = [v for v in entities.get("customer_name") or [] if v in colleagues and _given_to(v, text)]
    return _moved(entities, moved, "customer_name", "staff_name")


def customers_read_as_colleagues(entities: dict[str, list[str]], text: str, colleagues: set[str]) -> dict[str, list[str]]:
    """The entities with a name the NLU tagged a colleague's that belongs to no colleague, and is
    not where a colleague is named (after 转给/交给/找…), moved to customer_name: "杨辉勇最近
    怎么样" asks about a customer, whatever the NLU made of the name."""
    moved = [v for v in entities.get("staff_name") or [] if v not in colleagues and not _given_to(v, text)]
    return _moved(entities, moved, "staff_name", "customer_name")


def settle_names(entities: dict[str, list[str]], text: str, colleagues: set[str],
                 colleague_asked: bool = False) -> dict[str, list[str]]:
    """The names of a message read with the staff list: a "colleague" who is none is a customer
    (customers_read_as_colleagues), and, while a referral shows or asks for its receiver
    (`colleague_asked`), a colleague's name said alone ("王芳") is the receiver, never a customer
    looked up (the summary shows the change before anything is saved)."""
    entities = customers_read_as_colleagues(entities, text, colleagues)
    name = bare_name(text) if colleague_asked else None
    if name and name in colleagues and not entities.get("staff_name"):
        entities = {**{k: v for k, v in entities.items() if k != "customer_name"}, "staff_name": [name]}
    return entities


def only_in(entities: dict[str, list[str]], text: str) -> dict[str, list[str]]:
    """The entities whose values are written in `text` (the corrected part of a message)."""
    return {name: [v for v in values if v in text] for name, values in entities.items() if any(v in text for v in values)}


def colleague_asked_for(waiting: Waiting) -> bool:
    """A referral draft waits for its receiver or its confirmation: a bare name may be a colleague."""
    draft = waiting.draft
    return draft is not None and draft.kind == REFERRAL and draft.step in (Step.CONFIRM, Step.RECEIVER)


def names_to_settle(message: Message, colleague_asked: bool) -> bool:
    """Whether the message's names are to be read with the staff list (settle_names): only when a
    colleague may be meant, so that most messages cost no query."""
    return bool(message.entities.get("staff_name")) or (colleague_asked and bare_name(message.text) is not None)

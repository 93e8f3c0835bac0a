"""What simulated staff say: realistic turns over the bank's own demo data.

Each simulated person is a real member of staff (the product answers only staff) and talks about
customers of her own branch: looks one up (by customer number, phone or a name she shares with
nobody else in the branch, so the script never depends on the answer), asks a follow-up, and now
and then refers the customer, logs a visit (each confirmed, so the writes happen), or asks for her
lists or a product suggestion. The same script is played to the product and to the bare bot.
"""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import select

from bot.db import Database
from bot.models import Customer, Staff

FOLLOW_UPS = ("他名下有哪些产品", "她最近谁联系过", "他的定期什么时候到期", "她办没办过房贷", "他是什么风险等级")
LISTS = ("我的待办", "我的转介", "今天要跟进哪些客户", "本月转介排行")
REFERRALS = ("帮他转介给理财经理,想了解基金定投", "把她转介给客户经理,想办大额存单", "转介给理财经理,客户想了解理财")
VISITS = ("今天电话联系了{name},对大额存单有兴趣,下周三再联系", "上午上门拜访了{name},他下个月有20万定期到期,约了月底再谈",
          "和{name}微信聊了聊基金定投,过两天再跟进")
SUGGESTIONS = ("给她推荐点产品", "他能买什么理财")


@dataclass(frozen=True)
class Person:
    chat_id: str
    customers: tuple[tuple[str, str, str], ...]  # (customer id, name unique in her branch or "", phone)


def staff_with_customers(db: Database, limit: int | None = None) -> list[Person]:
    """Staff with a chat id and at least one customer in their own branch, most customers first."""
    with db.unit_of_work() as session:
        staff = session.execute(select(Staff.chat_id, Staff.branch_id).where(Staff.chat_id.is_not(None))).all()
        rows = session.execute(select(Customer.customer_id, Customer.name, Customer.phone, Customer.branch_id)).all()
    by_branch: dict[str, list] = {}
    for row in rows:
        by_branch.setdefault(row.branch_id, []).append(row)
    people = []
    for chat_id, branch_id in staff:
        customers = by_branch.get(branch_id, [])
        names = Counter(c.name for c in customers)
        picked = tuple((c.customer_id, c.name if names[c.name] == 1 else "", c.phone or "") for c in customers[:200])
        if picked:
            people.append(Person(chat_id, picked))
    people.sort(key=lambda p: (-len(p.customers), p.chat_id))
    return people[:limit] if limit else people


def conversation(person: Person, seed: int) -> Iterator[str]:
    """An endless, reproducible stream of this person's messages."""
    rng = random.Random(f"{person.chat_id}:{seed}")
    while True:
        customer_id, name, phone = rng.choice(person.customers)
        ways = [f"查下{customer_id}"] + ([f"{phone}是谁"] if phone else []) + ([f"查一下{name}"] if name else [])
        yield rng.choice(ways)
        yield rng.choice(FOLLOW_UPS)
        roll = rng.random()
        if roll < 0.15:
            yield rng.choice(REFERRALS)
            yield "确认"
        elif roll < 0.30:
            yield rng.choice(VISITS).format(name=name or "这位客户")
            yield "确认"
        elif roll < 0.45:
            yield rng.choice(LISTS)
        elif roll < 0.55:
            yield rng.choice(SUGGESTIONS)

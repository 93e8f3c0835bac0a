"""The contacts a member of staff had herself: "我最近联系过谁", "这周拜访了哪些客户", "上周见了几个客户".

Rules:

* The days are those the question names (bot.visits.period.days_named), never after today;
  "今天" is today; "最近两周", "近一个月" the last 14 or 30 days; without a day, the last
  RECENT_DAYS days including today ("最近").
* Her contacts only: those logged in the chat by her and those the bank's contact history records
  under her staff id. A customer no longer in a branch she serves is left out: her list never
  shows a customer she may not see.
* Newest first, at most MAX_LINES lines; the reply says how many contacts and customers there
  were. Each customer listed is audited once (AUDIT_OWN_CONTACTS), like every list of customers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import audit
from bot.access import StaffMember, may_see
from bot.clock import clock, to_local, to_storage
from bot.models import Customer, Interaction
from bot.privacy import mask_identifiers_in_text
from bot.visits.period import Period, days_named
from bot.vocabulary.numbers import parse_count

RECENT_DAYS = 7
MAX_LINES = 20
AUDIT_OWN_CONTACTS = "own_contacts"
_TODAY = re.compile(r"今天|今日")
_LAST_DAYS = re.compile(r"(?:最近|近)(?P<count>[0-9一二两三四五六七八九十半]{0,3})个?(?P<unit>天|日|周|星期|礼拜|月)")
_UNIT_DAYS = {"天": 1, "日": 1, "周": 7, "星期": 7, "礼拜": 7, "月": 30}


@dataclass(frozen=True)
class ContactLine:
    customer_id: str
    customer_name: str
    happened_at: datetime  # in the bank's time zone
    channel: str  # 电话, 上门, 到店, 微信
    summary: str  # identifiers masked


@dataclass(frozen=True)
class OwnContacts:
    period: Period
    lines: list[ContactLine]  # newest first, at most MAX_LINES
    total: int  # her contacts in the period
    customers: int  # the customers of those contacts


def contacts_period_asked(text: str, today: date) -> Period:
    """The days a question about her own contacts asks for (see the module's rules)."""
    if _TODAY.search(text or ""):
        return Period(today, today, "今天")
    last = _LAST_DAYS.search(text or "")
    if last:
        said = last.group("count")
        count = 0.5 if said == "半" else (parse_count(said) or 1) if said else 1
        days = max(1, min(round(count * _UNIT_DAYS[last.group("unit")]), 366))
        return Period(today - timedelta(days=days - 1), today, last.group(0))
    named = days_named(text, today)
    if named is None or named.first > today:
        return Period(today - timedelta(days=RECENT_DAYS - 1), today, f"最近{RECENT_DAYS}天")
    return Period(named.first, min(named.last, today), named.said)


def own_contacts(session: Session, staff: StaffMember, period: Period, channel: str) -> OwnContacts:
    start = to_storage(datetime.combine(period.first, time(0), tzinfo=clock.tz))
    end = to_storage(datetime.combine(period.last + timedelta(days=1), time(0), tzinfo=clock.tz))
    rows = session.execute(
        select(Interaction.happened_at, Interaction.channel, Interaction.summary,
               Customer.customer_id, Customer.name, Customer.branch_id)
        .join(Customer, Customer.customer_id == Interaction.customer_id)
        .where(Interaction.staff_id == staff.staff_id, Interaction.happened_at >= start, Interaction.happened_at < end)
        .order_by(Interaction.happened_at.desc(), Interaction.id.desc())
    ).all()
    visible = [row for row in rows if may_see(staff, row.branch_id)]
    lines = [ContactLine(row.customer_id, row.name, to_local(row.happened_at), row.channel,
                         mask_identifiers_in_text(row.summary or ""))
             for row in visible[:MAX_LINES]]
    for customer_id in dict.fromkeys(line.customer_id for line in lines):
        audit.record_view(session, staff.staff_id, customer_id, AUDIT_OWN_CONTACTS, channel,
                          f"联系记录 {period.first:%Y-%m-%d}至{period.last:%Y-%m-%d}")
    return OwnContacts(period, lines, len(visible), len({row.customer_id for row in visible}))

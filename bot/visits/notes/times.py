"""The times of a visit note: when the contact happened, and when to follow up (a time said, a
period running, before a maturity).
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from bot.visits.notes.results import EventKind, MoneyEvent
from bot.visits.notes.words import BEFORE_MATURITY_RE, ON_MATURITY_RE, REMIND_DAYS_BEFORE_MATURITY


def last_day_of(span, now: datetime) -> date | None:
    """The last day of a span longer than a day ("下个月", "月底前"), else None."""
    first = local_time(span.point, now).date()
    last = (local_time(span.ends, now) - timedelta(microseconds=1)).date()
    return last if last > first else None


def local_time(moment: datetime, now: datetime) -> datetime:
    if moment.tzinfo is None and now.tzinfo is not None:
        return moment.replace(tzinfo=now.tzinfo)
    if now.tzinfo is not None:
        return moment.astimezone(now.tzinfo)
    return moment


def is_future(span, now: datetime) -> bool:
    """Ahead of now; also a deadline not yet passed ("月底前" on the last day of the month,
    "本周内", "3天内")."""
    begins = local_time(span.begins, now)
    if span.has_time_of_day:
        return begins > now
    if begins.date() > now.date():
        return True
    return local_time(span.ends, now) > now and span.deadline


# The end of a period ("月底", "年末", "周末"): on its last day, that day is still to come.
_PERIOD_END = re.compile(r"底|末")


def running_on_today(span, now: datetime) -> bool:
    """A period that begins today and is not over, without a time of day: the end of a period
    on its last day ("月底" on the month's last day) or a range beginning today ("这周" on a
    Monday). Said with a follow-up word ("月底再联系") it is a follow-up still to come today,
    never dropped. A day named alone ("今天", "这周一", "11月30号") is the day of the contact
    ("这周一上门拜访了"), not a follow-up."""
    if span.has_time_of_day:
        return False
    begins, ends = local_time(span.begins, now), local_time(span.ends, now)
    if begins.date() != now.date() or ends <= now:
        return False
    return span.last_day > now.date() or bool(_PERIOD_END.search(span.text))


def running_since_before_today(span, now: datetime) -> bool:
    """A period of days that began before today and is not over ("这周" on a Wednesday, "月初" on
    the 3rd, "这两天"): said with a follow-up word, the follow-up falls within what is left of it."""
    if span.has_time_of_day:
        return False
    return local_time(span.begins, now).date() < now.date() and local_time(span.ends, now) > now


# A note is written within days of the contact: a time that ended longer ago than this is about
# something else ("她1979年出生", "去年买的理财"), never when the contact happened.
VISIT_LOOK_BACK = timedelta(days=31)


def is_past(span, now: datetime) -> bool:
    """When the contact may have happened: a moment already passed, or days that ended before
    today and not longer than VISIT_LOOK_BACK ago. A range still running ("她女儿今年18岁",
    "这个月") is no past time."""
    begins = local_time(span.begins, now)
    if span.has_time_of_day:
        return begins <= now
    last_day = (local_time(span.ends, now) - timedelta(microseconds=1)).date()
    return last_day < now.date() and now.date() - last_day <= VISIT_LOOK_BACK


def reminder_at_money_event(
    text: str, events: list[MoneyEvent], now: datetime, hour: int
) -> tuple[datetime, str] | None:
    """"50万定期12月9日到期,到期前提醒我": REMIND_DAYS_BEFORE_MATURITY days before the maturity
    (never before tomorrow, never after the maturity); "到期当天提醒" on the day itself. Without a
    maturity, "月底有笔钱到账,到时候提醒我" is due on the day of the note's other money event."""
    before, on_the_day = BEFORE_MATURITY_RE.search(text), ON_MATURITY_RE.search(text)
    maturity = next((e.at for e in events if e.kind is EventKind.MATURITY and e.at), None)
    today = now.date()
    if maturity is None and on_the_day and not before:
        day = next((e.at for e in events if e.at and e.at >= today), None)
        if day is None:
            return None
        return not_before_the_note(datetime.combine(day, time(hour, 0), tzinfo=now.tzinfo), now), on_the_day.group(0)
    if maturity is None or not (before or on_the_day):
        return None
    if on_the_day and not before:
        day = max(maturity, today)
    else:
        day = min(max(maturity - timedelta(days=REMIND_DAYS_BEFORE_MATURITY), today + timedelta(days=1)), maturity)
    due = datetime.combine(day, time(hour, 0), tzinfo=now.tzinfo)
    return not_before_the_note(due, now), (before or on_the_day).group(0)


def not_before_the_note(due: datetime, now: datetime) -> datetime:
    """A follow-up is never due before the note that asks for it (it would be overdue the moment
    it is saved): one due at or before `now` is due at the next full hour."""
    return due if due > now else now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def follow_up_moment(span, now: datetime, hour: int) -> datetime:
    """When the follow-up is due: the time said, else the day said at `hour`; a deadline that
    ends today ("月底前" on the month's last day) is due at the next full hour, never earlier than
    the note (a reminder due before it was written would be overdue the moment it is saved)."""
    point = local_time(span.point, now)
    if span.has_time_of_day:
        return point
    due = datetime.combine(point.date(), time(hour, 0), tzinfo=point.tzinfo)
    if due <= now and point.date() < now.date():
        # A period already running ("这周再联系" on a Wednesday): tomorrow if it lasts that long.
        tomorrow = datetime.combine(now.date() + timedelta(days=1), time(hour, 0), tzinfo=now.tzinfo)
        due = tomorrow if tomorrow < local_time(span.ends, now) else due
    return not_before_the_note(due, now)

"""Which days a question about one's to-do list (待办) asks for: "明天的待办", "后天要跟进谁",
"周五有什么要办的", "下周的待办", "这周还有哪些要跟进", "12月8号的待办".

`tasks_period_asked(text, today)` reads the days from the question's time expressions
(bot.vocabulary.time_expressions, counted from `today` in the bank's time zone) and gives a `Period`, or
None for the usual list (today's and overdue, with the coming week's maturities and birthdays).

Rules decided here:

* Several expressions make one period from the first day of the earliest to the last day of the
  latest: "明天和后天", "12月8号到12月10号".
* A period that has begun and not ended runs from today: "这周还有哪些要跟进" on a Wednesday asks
  for Wednesday to Sunday (what is due before today is overdue, and the list shows it anyway).
* A range's end said as a bare weekday is the first such day from its start on: "下周一到周三"
  is next Monday to next Wednesday, "周五到周一" Friday to the Monday after (read alone, "周三"
  would be this week's, before the range begins).
* Today alone ("今天的待办", "下午要跟进谁") is the usual list: None.
* A period wholly past ("昨天的待办", "上周的") is answered for those days: what is still open.
* `said` keeps the words that named the period ("明天", "下周", "明天和后天") for the reply to
  repeat next to the dates; a date written as a date ("12月8号") is not repeated, the reply gives
  the date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.clock import clock
from bot.vocabulary.time_expressions import find_time_expressions

# A month, day or year written in numbers: "12月8号", "十二月", "1/5", "2026-12-08" (周日 is not one).
_WRITTEN_DATE = re.compile(r"[0-9零〇一二两三四五六七八九十]\s*[月号日年]|[0-9]+\s*[/.-]\s*[0-9]+")
_JOINED = re.compile(r"\s*(?:和|与|跟|到|至|或|、|~|-|—)\s*")
# Between the two ends of a range: "下周一到周三", "周五~周一".
_RANGE_TO = re.compile(r"\s*(?:到|至|~|～|-|—)\s*")
# A weekday said without its week (这周三, 下周三 say theirs).
_BARE_WEEKDAY = re.compile(r"(?:周|星期|礼拜)[一二三四五六日天1-7]")


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive
    said: str | None = None  # "明天", "下周"; None when the question gave the date itself

    @property
    def single_day(self) -> bool:
        return self.first == self.last

    def includes(self, day: date) -> bool:
        return self.first <= day <= self.last


def tasks_period_asked(text: str, today: date) -> Period | None:
    """The days a to-do question asks about, or None for the usual list (see the module's rules)."""
    period = days_named(text, today)
    if period is None:
        return None
    first, last = period.first, period.last
    if first < today <= last:
        first = today
    if first == last == today:
        return None
    return Period(first, last, period.said)


def days_named(text: str, today: date) -> Period | None:
    """All the days the message's time expressions name, from the first day of the earliest to
    the last day of the latest ("这周" is Monday to Sunday, whatever today is); None without one."""
    start_of_today = datetime.combine(today, time(0), tzinfo=clock.tz)
    spans = find_time_expressions(text or "", start_of_today)
    if not spans:
        return None
    days = _days_of(text or "", spans)
    return Period(min(begins for begins, _ in days), max(ends for _, ends in days), _said(text, spans))


def _days_of(text: str, spans) -> list[tuple[date, date]]:
    """(first day, last day) of each expression; a bare weekday ending a range ("下周一到周三")
    is moved on by whole weeks to the first such day from the range's start."""
    days = [(span.begins.date(), span.last_day) for span in spans]
    for index in range(1, len(spans)):
        start = days[index - 1][0]
        begins, ends = days[index]
        between = text[spans[index - 1].end:spans[index].start]
        if begins < start and _RANGE_TO.fullmatch(between) and _BARE_WEEKDAY.fullmatch(spans[index].text):
            weeks = timedelta(days=7 * -(-(start - begins).days // 7))
            days[index] = (begins + weeks, ends + weeks)
    return days


def _said(text: str, spans) -> str | None:
    """The words that named the period, if they can be repeated: one expression, or several
    joined by 和/到/至…("明天和后天"), and no date written as a date."""
    joined = all(_JOINED.fullmatch(text[a.end:b.start]) for a, b in zip(spans, spans[1:]))
    words = text[spans[0].start:spans[-1].end]
    return words if joined and not _WRITTEN_DATE.search(words) else None

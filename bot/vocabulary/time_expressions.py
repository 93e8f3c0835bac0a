"""Chinese time expressions in staff messages: "下周三下午三点半", "月底前", "春节后" → times.

One concept over 500 lines: the reading of Chinese time expressions, one grammar whose parts
(dates, weekdays, parts of the day, ranges, festivals) refer to each other.

`find_time_expressions(text, now)` finds every expression in free text (left to right, the
longest at each place, never overlapping); `parse_time_expression(text, now)` reads a text that
is one expression as a whole (a slot value, an answer to "什么时候?"). Both are pure: `now` is
passed in (aware; a naive one is taken as bank time) and results are in the bank's time zone
(`bot.clock.clock.tz`).

Every expression becomes a range [begins, ends). `has_time_of_day` says whether it names a time
within the day (a clock time, a part of the day, "一会儿", "两小时后"); `point` is the moment to
schedule a follow-up at: a clock time itself; a part of the day said without one at its usual
hour (below); else `default_hour` (09:00 unless set, `Settings.follow_up_default_hour`) on the
day it begins, or for a deadline (X前, X内) on its last day, but never before `begins`.
`rescheduled(text, now, previous)` reads a correction ("不是下周三,是下周四", "改到周五下午").

Choices (the bot schedules forward, so the doubtful cases lean to the future):

- Parts of the day: 凌晨 00–06, 早上/早晨/清晨/一早 06–09, 上午 08–12, 中午 11–13,
  下午/午后 13–18, 傍晚 17–19, 晚上/晚间/夜里 18–22. 今早/明早 and 今晚/明晚/昨晚 are the day
  plus 早上 or 晚上. A part alone ("下午") is today's, even when it is over. Said without a clock
  time, a part is scheduled at its usual hour: 早上/早晨/一早/上午 09:00 (when the branch's day
  begins), 中午 12:00, 下午/午后 14:00, 傍晚 17:00, 晚上/晚间/夜里 19:00; 凌晨 at its start.
  A clock time always wins ("下午三点半" is 15:30).
- Clock times are the minute named: [15:30, 15:31). With 下午/傍晚/晚上 1–11 点 are afternoon
  and evening hours (晚上十二点 is midnight at the end of that day), with 中午 1–3 点 are 13–15.
  Without a part of the day, 1–6 点 (and 1:00–6:59) are afternoon hours (13–18): branches open
  about 08:30–17:00 and nobody books a customer for 3 a.m.; 7–12 点 are morning hours; 13–24
  are themselves. A clock time without a day is today's even when it has passed.
  "一点" alone is "a little" (晚一点), not 13:00; "三点五" is a number, not 3:05 (minutes need
  two digits, 零/0 in front, or 分); "有两点建议" is not a time.
- Weekdays: weeks run Monday to Sunday. "周五" is this week's Friday if today is not past it
  (today included), else next week's; "这周五/本周五" is this week's even if it has passed;
  "下周三" next week's, "上周二" last week's, "下下周" two weeks on. "下周" is the range Monday to
  Sunday of next week; "周末" this week's Saturday and Sunday; "下周一起" is 下周 (一起 =
  together). Habits are not dates: in "每周五下午", "每月5号", "每天三点" nothing is found.
- Days in months: 月初 1st–5th, 上旬 1st–10th, 月中/中旬 11th–20th, 下旬 21st–end, 月底/月末
  the last day (whatever weekday it is: staff mean "by the end of the month", and a range of the
  last days scheduled its follow-up days early, on a weekend). 年初 January, 年底/年末 Dec 31.
  Said without 这个月/本月/今年…, they mean the current one unless it is over, then the next
  ("年初" in November is next January).
- A date without a year (3月5号, 1/5, 三月份) is the first of last year's, this year's and next
  year's that is still to come or ended at most 31 days ago: in December "1/5" is next January;
  on 11-30 "11月28号" is two days ago, not next year; on Jan 3 "12月28号" is last week. A day
  alone ("5号") is likewise last, this or next month's with 7 days of look-back. An impossible date (2月30号, 2月29号 outside leap years) is no
  expression at all, so the bot asks instead of guessing.
- "1/5" is month/day as written in China (January 5th), never day/month; it is taken for a
  fraction when a fraction is likely (占1/5, 1/5的, 1/3以上).
- Durations need a direction: "3天后" is a day, "3天" is no time. N天/周/个月/年后 is that day
  (一个月后 from Jan 31 is Feb 28/29), N小时/分钟后 the minute; N…前 is as long ago; N…内 is
  from now to the end of that day. 半个月 = 15 days, 半年 = 6 months. "过两天" is vague: the
  2nd and 3rd day from today; "过几天" the 2nd to 5th; "过3天" exactly 3 days on.
- "X前" (年底前, 月底前, 周五前, 12月31日前) is from now to the end of X: "年底前" runs to Dec 31
  inclusive. As a deadline it is due on its last day ("月底前" on the month's last day, like
  "月底"); so is "X内". For holidays it runs to the holiday's start (春节前 = from now until 初一), and
  "周末前" runs to Saturday; of a whole week, month or year ("下个月前") it is not said.
  "X内" (本周内, 这个月内, 今年内, 年内) is from now to the end of X.
- Holidays: 元旦 Jan 1; 五一/劳动节 May 1–5; 国庆 Oct 1–7; 中秋 the lunar 8/15; 春节/过年 初一
  to 初七 (the lunar new year's first week, about the statutory holiday). "X后" is the two weeks
  after the holiday (春节后/年后/过完年 = 初八 to 廿一: staff mean "when work resumes", not 初一,
  when nobody is visited); "X前" is from now until it starts. The occurrence is the next one
  whose range has not ended. The lunar dates are a table for 2020–2040 (below); outside it
  春节 and 中秋 are not recognised rather than guessed.
- 一会儿/待会/等会/稍后/马上 are now to two hours on, with a time of day.
- Not times: "最近" (in "最近谁联系过他" it is the recent past, in "最近到期" the soonest maturity:
  other code answers those), 近期, 改天, amounts (50万, 3.5万元, 3000元), durations without a
  direction (3天, 一年期), phone and customer numbers, "十一" (11, or the National Day: too
  ambiguous), names such as 周一鸣 are a known miss (周 is a surname).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Callable, Iterable, NamedTuple

from bot.clock import clock
from bot.settings import DEFAULT_FOLLOW_UP_HOUR
from bot.vocabulary.numbers import parse_count


@dataclass(frozen=True)
class TimeSpan:
    text: str  # the expression as written, e.g. "下周三下午"
    start: int  # character offsets in the input
    end: int
    begins: datetime  # aware, bank time zone
    ends: datetime  # exclusive end of the range the expression implies
    has_time_of_day: bool  # "下午三点半" yes; "下周三" no
    default_hour: int = field(default=DEFAULT_FOLLOW_UP_HOUR, repr=False)
    usual_at: datetime | None = None  # a part of the day without a clock time: its usual hour (下午 14:00)
    deadline: bool = False  # "月底前", "本周内": due by the end of the range, not at its start
    dated: bool = True  # names a day ("下周三下午"); False for a time of day alone ("下午三点")

    @property
    def last_day(self) -> date:
        """The last day the range touches ("下周" → next Sunday, "月底前" → the month's last day)."""
        return (self.ends - timedelta(microseconds=1)).date()

    @property
    def point(self) -> datetime:
        """The moment to schedule at. A clock time is itself; a part of the day said alone is its
        usual hour ("下周三下午" 14:00); a day without a time of day is `default_hour` on it: the day
        it begins, or for a deadline ("月底前", "本周内") the last day, the day it is due. Never
        before `begins` ("年底前" said on Dec 31 at 15:00 is due at 15:00, not 09:00)."""
        if self.usual_at is not None:
            return self.usual_at
        if self.has_time_of_day:
            return self.begins
        day = self.last_day if self.deadline else self.begins.date()
        at_hour = datetime.combine(day, time(self.default_hour), tzinfo=self.begins.tzinfo)
        return max(at_hour, self.begins)


_A_LOOK = re.compile(r"(?<=一)下(?=下(?:个?月|周|星期|礼拜|旬|半年))")


def find_time_expressions(text: str, now: datetime, *, default_hour: int = DEFAULT_FOLLOW_UP_HOUR) -> list[TimeSpan]:
    """Every time expression in `text`, left to right, the longest at each place, not overlapping."""
    context = _Context.at(now)
    # "看一下下周的", "找一下下个月到期的": 一下 is "a look", not the 下 of 下下周 (same length kept).
    plain = _A_LOOK.sub(" ", text.translate(_FULL_WIDTH))
    found: list[TimeSpan] = []
    position = 0
    while position < len(plain):
        recurring = _RECURRING.match(plain, position)
        if recurring:  # 每周五下午, 每月5号, 每天三点: a habit, not a date; skip all of it
            after = _longest(plain, recurring.end(), context)
            position = after[0] if after else recurring.end()
            continue
        best = _longest(plain, position, context)
        if best is None:
            position += 1
            continue
        found.append(_span(text, position, best, default_hour))
        position = best.end
    return found


def parse_time_expression(text: str, now: datetime, *, default_hour: int = DEFAULT_FOLLOW_UP_HOUR) -> TimeSpan | None:
    """`text` as one whole expression (surrounding blanks and a final punctuation mark allowed),
    or None when it is not exactly one expression."""
    start = len(text) - len(text.lstrip())
    stop = len(text.rstrip().rstrip("。，,.!！?？").rstrip())
    if start >= stop:
        return None
    plain = text[:stop].translate(_FULL_WIDTH)
    candidates = [c for c in _candidates(plain, start, _Context.at(now)) if c[0] == stop and _clean_edges(plain, start, stop)]
    if not candidates:
        return None
    return _span(text, start, candidates[0], default_hour)


def _span(text: str, start: int, found: "_Found", default_hour: int) -> TimeSpan:
    return TimeSpan(text[start:found.end], start, found.end, found.begins, found.ends, found.has_time, default_hour,
                    usual_at=found.usual_at, deadline=found.deadline, dated=found.dated)


# --- corrections -----------------------------------------------------------------------------

# "改到周五", "推到下个月初", "提前到明天", "换成下午": the message moves a time.
_MOVE_WORDS = re.compile(r"改|换到|换成|推到|推迟|推后|往后推|延到|延后|延期|挪到|挪一下|提前|调到|调整到|调成")
# "不是下周三,是下周四", "不是三点而是四点", "下周四,不是下周三": one replaces the other.
_INSTEAD = re.compile(r"不是.{1,20}?(?:而是|应该是|应是|是)|[,，、;；]\s*(?:而)?不是")
# A time said to be wrong: "不是下周三", "别下周三".
_DENIED = re.compile(r"(?:不是|并非|而非|别|不要|不在)\s*$")


def moves_a_time(text: str) -> bool:
    """Whether the message's wording moves a time: a verb of moving ("改到", "推到", "提前") or the
    shape "不是X,是Y". Whether it names one is `rescheduled`'s to say."""
    return bool(_MOVE_WORDS.search(text) or _INSTEAD.search(text))


def rescheduled(text: str, now: datetime, previous: datetime | None = None, *,
                default_hour: int = DEFAULT_FOLLOW_UP_HOUR) -> datetime | None:
    """The moment a correction moves a time to, or None when it names none still to come.

    The last expression not said to be wrong is the new one ("不是下周三,是下周四" → 下周四;
    "下周四,不是下周三" likewise). What it leaves out is kept: a day without a time of day keeps
    the time of day of the time it replaces ("不是下周三下午,是下周四" → Thursday 14:00), as said
    in the message or else `previous`'s (the time being corrected; at the default hour when it had
    none, which is the same); a time of day without a day ("改到下午三点") keeps that day.
    A new time that is wholly past ("不是昨天,是前天" corrects when something happened, not a
    time to come) is None: the caller does not move a future time into the past."""
    spans = find_time_expressions(text, now, default_hour=default_hour)
    denied = [s for s in spans if _DENIED.search(text[:s.start])]
    said = [s for s in spans if all(s is not d for d in denied)]
    if not said:
        return None
    new = said[-1]
    replaced = next((d for d in reversed(denied) if d.start < new.start), denied[-1] if denied else None)
    local_previous = previous.astimezone(clock.tz) if previous is not None and previous.tzinfo else (
        previous.replace(tzinfo=clock.tz) if previous is not None else None)
    if new.has_time_of_day and not new.dated:  # "改到下午三点": the day stays
        if replaced is not None and replaced.dated:
            day = replaced.point.date()
        elif local_previous is not None:
            day = local_previous.date()
        else:
            return new.point
        return datetime.combine(day, new.point.timetz())
    if new.ends <= _Context.at(now).now:
        return None
    if new.has_time_of_day:
        return new.point
    if replaced is not None and replaced.has_time_of_day:  # "不是下周三下午,是下周四"
        return datetime.combine(new.point.date(), replaced.point.timetz())
    if local_previous is not None:
        return datetime.combine(new.point.date(), local_previous.timetz())
    return new.point


# --- numbers ---------------------------------------------------------------------------------

_CN_NUMERALS = set("零〇一二两三四五六七八九十百")
_NUM = r"(?:[0-9]{1,2}|[零〇一二两三四五六七八九十]{1,3})"
_FULL_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "：": ":", "／": "/", "－": "-", "．": "."})


def _number(text: str) -> int | None:
    """'15' → 15, '十五' → 15, '二十' → 20, '两' → 2, '零五' → 5, '二〇二七' → 2027; else None.
    The bank's one numeral reader (bot.vocabulary.numbers), with years and days read digit by
    digit as they are written."""
    return parse_count(text, digits_in_a_row=True)


# --- calendar --------------------------------------------------------------------------------

# Lunar new year's day (正月初一) and mid-autumn (八月十五) in the Gregorian calendar.
# Source: lunar-python 1.4.8 (MIT, github.com/6tail/lunar-python),
# `Lunar.fromYmd(year, 1, 1).getSolar()` and `Lunar.fromYmd(year, 8, 15).getSolar()`; the public
# reference to check them against is the Hong Kong Observatory's Gregorian–Lunar calendar
# conversion table. Hard-coded so that two festivals do not bring a calendar library (and its
# tables) into the bot; past 2040 the two festivals are not recognised rather than guessed.
SPRING_FESTIVAL = {
    2020: date(2020, 1, 25), 2021: date(2021, 2, 12), 2022: date(2022, 2, 1), 2023: date(2023, 1, 22),
    2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17), 2027: date(2027, 2, 6),
    2028: date(2028, 1, 26), 2029: date(2029, 2, 13), 2030: date(2030, 2, 3), 2031: date(2031, 1, 23),
    2032: date(2032, 2, 11), 2033: date(2033, 1, 31), 2034: date(2034, 2, 19), 2035: date(2035, 2, 8),
    2036: date(2036, 1, 28), 2037: date(2037, 2, 15), 2038: date(2038, 2, 4), 2039: date(2039, 1, 24),
    2040: date(2040, 2, 12),
}
MID_AUTUMN = {
    2020: date(2020, 10, 1), 2021: date(2021, 9, 21), 2022: date(2022, 9, 10), 2023: date(2023, 9, 29),
    2024: date(2024, 9, 17), 2025: date(2025, 10, 6), 2026: date(2026, 9, 25), 2027: date(2027, 9, 15),
    2028: date(2028, 10, 3), 2029: date(2029, 9, 22), 2030: date(2030, 9, 12), 2031: date(2031, 10, 1),
    2032: date(2032, 9, 19), 2033: date(2033, 9, 8), 2034: date(2034, 9, 27), 2035: date(2035, 9, 16),
    2036: date(2036, 10, 4), 2037: date(2037, 9, 24), 2038: date(2038, 9, 13), 2039: date(2039, 10, 2),
    2040: date(2040, 9, 20),
}

# Holiday → (first day in a given year or None, number of days).
_HOLIDAYS: dict[str, tuple[Callable[[int], date | None], int]] = {
    "元旦": (lambda year: date(year, 1, 1), 1),
    "五一": (lambda year: date(year, 5, 1), 5),
    "国庆": (lambda year: date(year, 10, 1), 7),
    "中秋": (MID_AUTUMN.get, 1),
    "春节": (SPRING_FESTIVAL.get, 7),
}
_HOLIDAY_NAMES = {"元旦": "元旦", "五一": "五一", "劳动节": "五一", "国庆": "国庆", "国庆节": "国庆", "中秋": "中秋",
                  "中秋节": "中秋", "春节": "春节", "过年": "春节"}
_AFTER_HOLIDAY_DAYS = 14

# Parts of the day: (first hour, end hour).
_PARTS = {"凌晨": (0, 6), "早上": (6, 9), "早晨": (6, 9), "清晨": (6, 9), "一早": (6, 9), "早": (6, 9),
          "上午": (8, 12), "中午": (11, 13), "下午": (13, 18), "午后": (13, 18), "傍晚": (17, 19),
          "晚上": (18, 22), "晚间": (18, 22), "夜里": (18, 22), "夜间": (18, 22), "晚": (18, 22)}
# When a part of the day said without a clock time is usually meant, for scheduling: the branch's
# day begins at about 09:00 (so the early-morning words, whose range ends at 09:00, are 09:00 too),
# "下午" is 14:00 after the lunch break, "晚上" 19:00 after dinner. 凌晨 has none: its start.
_USUAL_HOURS = {"早上": 9, "早晨": 9, "清晨": 9, "一早": 9, "早": 9, "上午": 9, "中午": 12, "下午": 14, "午后": 14,
                "傍晚": 17, "晚上": 19, "晚间": 19, "夜里": 19, "夜间": 19, "晚": 19}
_LATE_PARTS = {"下午", "午后", "傍晚", "晚上", "晚间", "夜里", "夜间", "晚"}
_EVENING_PARTS = {"晚上", "晚间", "夜里", "夜间", "晚"}

# 这周 / 下个月 / 上上周...: how many weeks or months on.
_OFFSETS = {"这个": 0, "这": 0, "本": 0, "下下个": 2, "下下": 2, "下个": 1, "下": 1, "上上个": -2, "上上": -2, "上个": -1, "上": -1}
_REL = r"(?P<rel>下下个|下下|下个|下|上上个|上上|上个|上|这个|这|本)"
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6,
             "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_RELATIVE_DAYS = {"大前天": -3, "前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0,
                  "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
_DAYS_WITH_PART = {"今早": (0, "早上"), "今晨": (0, "早上"), "明早": (1, "早上"), "明晨": (1, "早上"),
                   "今晚": (0, "晚上"), "今夜": (0, "晚上"), "明晚": (1, "晚上"), "昨晚": (-1, "晚上")}
_YEARS = {"前年": -2, "去年": -1, "今年": 0, "明年": 1, "后年": 2}

_YEARLESS_LOOKBACK = timedelta(days=31)
_DAY_ONLY_LOOKBACK = timedelta(days=7)
_SOON = timedelta(hours=2)
_MINUTE = timedelta(minutes=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_part(year: int, month: int, tail: str | None) -> tuple[date, date]:
    """The days of a month that 初/上旬/中/中旬/下旬/底/末 (or nothing: the whole month) name."""
    last = calendar.monthrange(year, month)[1]
    next_month = _add_months(date(year, month, 1), 1)
    if tail == "初":
        return date(year, month, 1), date(year, month, 6)
    if tail == "上旬":
        return date(year, month, 1), date(year, month, 11)
    if tail in ("中", "中旬"):
        return date(year, month, 11), date(year, month, 21)
    if tail == "下旬":
        return date(year, month, 21), next_month
    if tail in ("底", "末"):
        return date(year, month, last), next_month  # the last day, whatever weekday it is
    return date(year, month, 1), next_month


def _year_part(year: int, tail: str | None) -> tuple[date, date]:
    if tail == "初":
        return date(year, 1, 1), date(year, 2, 1)
    if tail in ("底", "末"):
        return date(year, 12, 31), date(year + 1, 1, 1)
    return date(year, 1, 1), date(year + 1, 1, 1)


# --- pieces ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    now: datetime
    today: date

    @classmethod
    def at(cls, now: datetime) -> "_Context":
        local = now.astimezone(clock.tz) if now.tzinfo else now.replace(tzinfo=clock.tz)
        return cls(local, local.date())

    def midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=clock.tz)


@dataclass(frozen=True)
class _Day:
    """What a day-level word means, before a part of the day or a clock time is added."""

    begins: datetime
    ends: datetime
    single: bool = False  # exactly one day: "下午三点" may follow
    before: datetime | None = None  # where "X前" ends; None: "X前" is not a thing
    within: bool = False  # "X内" is a thing (本周内, 今年内)
    part: str | None = None  # 今晚, 明早: the word brings its part of the day
    has_time: bool = False  # 两小时后, 一会儿
    deadline: bool = False  # 年内, 3天内, 春节前: from now to a limit, due by the limit


_END_TAILS = ("底", "末", "下旬")


def _days(context: _Context, first: date, end: date, *, before: str | None = None, within: bool = False) -> _Day:
    """Whole days [first, end). `before` says where "X前" runs to: "end" (年底前: by the end of
    X; always so for a single day), "start" (周末前: until X begins), or None: not said of X
    ("下个月前")."""
    begins, ends = context.midnight(first), context.midnight(end)
    single = end - first == timedelta(days=1)
    if single and before is None:
        before = "end"
    limit = {"end": ends, "start": begins, None: None}[before]
    return _Day(begins, ends, single=single, before=limit, within=within)


def _one_day(context: _Context, day: date, part: str | None = None) -> _Day:
    return _Day(context.midnight(day), context.midnight(day + timedelta(days=1)), single=True,
                before=context.midnight(day + timedelta(days=1)), part=part)


def _nearest(context: _Context, ranges: Iterable[tuple[date, date] | None], lookback: timedelta) -> tuple[date, date] | None:
    """The first of successive occurrences (earliest first) that ended no longer than `lookback` ago."""
    for found in ranges:
        if found is not None and found[1] > context.today - lookback:
            return found
    return None


def _yearless(context: _Context, month: int, tail: str | None, day_text: str | None) -> _Day | None:
    if not 1 <= month <= 12:
        return None
    day = _number(day_text) if day_text else None
    if day_text and day is None:
        return None

    def occurrence(year: int) -> tuple[date, date] | None:
        if day is None:
            return _month_part(year, month, tail)
        found = _safe_date(year, month, day)
        return (found, found + timedelta(days=1)) if found else None

    years = range(context.today.year - 1, context.today.year + 2)
    found = _nearest(context, (occurrence(year) for year in years), _YEARLESS_LOOKBACK)
    return _days(context, *found, before="end" if tail in _END_TAILS else None) if found else None


def _in_year(context: _Context, year: int, month_text: str | None, tail: str | None, day_text: str | None,
             year_tail: str | None) -> _Day | None:
    if not 1900 <= year <= 2100:
        return None
    if month_text is None:
        return _days(context, *_year_part(year, year_tail), within=year_tail is None,
                     before="end" if year_tail in _END_TAILS else None)
    month = _number(month_text)
    if month is None or not 1 <= month <= 12:
        return None
    if day_text is None:
        return _days(context, *_month_part(year, month, tail), within=tail is None,
                     before="end" if tail in _END_TAILS else None)
    day = _number(day_text)
    found = _safe_date(year, month, day) if day is not None else None
    return _one_day(context, found) if found else None


def _relative_day(m: re.Match, context: _Context) -> _Day | None:
    word = m.group(0)
    if word in _DAYS_WITH_PART:
        offset, part = _DAYS_WITH_PART[word]
        return _one_day(context, context.today + timedelta(days=offset), part)
    return _one_day(context, context.today + timedelta(days=_RELATIVE_DAYS[word]))


def _weekday(m: re.Match, context: _Context) -> _Day | None:
    rel, weekday = m.group("rel"), _WEEKDAYS[m.group("wd")]
    if weekday == 0 and m.string.startswith("起", m.end()):
        return None  # 下周一起 = 下周 + 一起 (together)
    monday = context.today - timedelta(days=context.today.weekday())
    if rel is None:
        day = monday + timedelta(days=weekday)
        if day < context.today:
            day += timedelta(days=7)
    else:
        day = monday + timedelta(days=7 * _OFFSETS[rel] + weekday)
    return _one_day(context, day)


def _week(m: re.Match, context: _Context) -> _Day | None:
    monday = context.today - timedelta(days=context.today.weekday()) + timedelta(days=7 * _OFFSETS[m.group("rel")])
    return _days(context, monday, monday + timedelta(days=7), within=True)


def _weekend(m: re.Match, context: _Context) -> _Day | None:
    offset = _OFFSETS[m.group("rel")] if m.group("rel") else 0
    saturday = context.today - timedelta(days=context.today.weekday()) + timedelta(days=7 * offset + 5)
    return _days(context, saturday, saturday + timedelta(days=2), before="start")


def _relative_month(m: re.Match, context: _Context) -> _Day | None:
    first = _add_months(context.today.replace(day=1), _OFFSETS[m.group("rel")])
    if m.group("d"):
        day = _number(m.group("d"))
        found = _safe_date(first.year, first.month, day) if day is not None else None
        return _one_day(context, found) if found else None
    tail = m.group("tail")
    return _days(context, *_month_part(first.year, first.month, tail), within=tail is None,
                 before="end" if tail in _END_TAILS else None)


def _bare_period_part(m: re.Match, context: _Context) -> _Day | None:
    word = m.group(0)
    if word in ("年内", "月内"):
        first = context.today.replace(month=1, day=1) if word == "年内" else context.today.replace(day=1)
        end = date(first.year + 1, 1, 1) if word == "年内" else _add_months(first, 1)
        return _Day(context.now, context.midnight(end), deadline=True)
    if word.startswith("年"):
        years = range(context.today.year - 1, context.today.year + 2)
        found = _nearest(context, (_year_part(year, word[1:]) for year in years), timedelta(0))
    else:
        tail = word[1:] if word.startswith("月") else word
        this_month = context.today.replace(day=1)
        months = (_add_months(this_month, offset) for offset in (-1, 0, 1))
        found = _nearest(context, (_month_part(first.year, first.month, tail) for first in months), timedelta(0))
    return _days(context, *found, before="end" if word.endswith(_END_TAILS) else None) if found else None


def _relative_year(m: re.Match, context: _Context) -> _Day | None:
    year = context.today.year + _YEARS[m.group("rel")]
    return _in_year(context, year, m.group("mo"), m.group("tail"), m.group("d"), m.group("ytail"))


def _numeric_year(m: re.Match, context: _Context) -> _Day | None:
    year = _number(m.group("y"))
    if year is None:
        return None
    return _in_year(context, year, m.group("mo"), m.group("tail"), m.group("d"), m.group("ytail"))


def _month_day(m: re.Match, context: _Context) -> _Day | None:
    month = _number(m.group("mo"))
    if month is None:
        return None
    return _yearless(context, month, m.group("tail"), m.group("d"))


def _iso_date(m: re.Match, context: _Context) -> _Day | None:
    return _in_year(context, int(m.group("y")), m.group("mo"), None, m.group("d"), None)


def _slash_date(m: re.Match, context: _Context) -> _Day | None:
    start = m.start()
    if start > 0 and m.string[start - 1] in "占约近超/":
        return None  # a fraction: 占1/5
    return _yearless(context, int(m.group("mo")), None, m.group("d"))


def _day_of_month(m: re.Match, context: _Context) -> _Day | None:
    start = m.start()
    if start > 0 and m.string[start - 1] in "第月每":
        return None
    day = _number(m.group("d"))
    if day is None or not 1 <= day <= 31:
        return None
    this_month = context.today.replace(day=1)

    def occurrence(offset: int) -> tuple[date, date] | None:
        first = _add_months(this_month, offset)
        found = _safe_date(first.year, first.month, day)
        return (found, found + timedelta(days=1)) if found else None

    found = _nearest(context, (occurrence(offset) for offset in (-1, 0, 1)), _DAY_ONLY_LOOKBACK)
    return _days(context, *found) if found else None


def _duration(m: re.Match, context: _Context) -> _Day | None:
    count_text, unit, direction = m.group("n"), m.group("u").lstrip("个"), m.group("dir")
    half = count_text == "半"
    count = None if half else _number(count_text)
    if count is None and not half:
        return None
    sign = -1 if direction.endswith("前") else 1
    if unit in ("小时", "钟头", "分钟"):
        if half and unit == "分钟":
            return None
        delta = timedelta(minutes=30) if half else timedelta(minutes=count) if unit == "分钟" else timedelta(hours=count)
        if direction.endswith("内"):
            return _Day(context.now, context.now + delta, has_time=True)
        moment = context.now + sign * delta
        return _Day(moment, moment + _MINUTE, has_time=True)
    if half:
        if unit == "月":
            target = context.today + sign * timedelta(days=15)
        elif unit == "年":
            target = _add_months(context.today, sign * 6)
        else:
            return None
    elif unit in ("天", "日"):
        target = context.today + timedelta(days=sign * count)
    elif unit in ("周", "星期", "礼拜"):
        target = context.today + timedelta(days=sign * 7 * count)
    elif unit == "月":
        target = _add_months(context.today, sign * count)
    else:
        target = _add_months(context.today, sign * 12 * count)
    if direction.endswith("内"):
        return _Day(context.now, context.midnight(target + timedelta(days=1)), deadline=True)
    day = _one_day(context, target)
    return _Day(day.begins, day.ends, single=True)  # "3天后下午" yes, "3天后前" no


def _in_a_few_days(m: re.Match, context: _Context) -> _Day | None:
    count_text = m.group("n")
    if count_text in ("两", "几"):
        span = 2 if count_text == "两" else 4
        return _days(context, context.today + timedelta(days=2), context.today + timedelta(days=2 + span))
    count = _number(count_text)
    if count is None:
        return None
    day = _one_day(context, context.today + timedelta(days=count))
    return _Day(day.begins, day.ends, single=True)


def _holiday(m: re.Match, context: _Context) -> _Day | None:
    if m.group(0) == "过完年":
        word, direction = "春节", "后"
    elif m.group("year"):
        before = m.string[m.start() - 1] if m.start() > 0 else ""
        if before and (before in _CN_NUMERALS or before in "几多些来" or before.isdigit()):
            return None  # 几年前, 十多年后: years ago, not the Spring Festival
        word, direction = "春节", m.group("ydir")
    else:
        word, direction = _HOLIDAY_NAMES[m.group("h")], m.group("dir") or ""
    first_day, length = _HOLIDAYS[word]
    for year in range(context.today.year - 1, context.today.year + 2):
        first = first_day(year)
        if first is None:
            continue
        if direction.endswith("前"):
            begins, ends = context.now, context.midnight(first)
        elif direction.endswith("后"):
            after = first + timedelta(days=length)
            begins, ends = context.midnight(after), context.midnight(after + timedelta(days=_AFTER_HOLIDAY_DAYS))
        else:
            begins, ends = context.midnight(first), context.midnight(first + timedelta(days=length))
        if ends > context.now:
            return _Day(begins, ends, single=ends - begins == timedelta(days=1) and not direction,
                        deadline=direction.endswith("前"))
    return None


def _soon(m: re.Match, context: _Context) -> _Day | None:
    return _Day(context.now, context.now + _SOON, has_time=True)


_MONTH_TAIL = r"(?P<tail>初|上旬|中旬|下旬|中|底|末)"
_MONTH_AND_DAY = rf"(?P<mo>{_NUM})月份?(?:{_MONTH_TAIL}|(?P<d>{_NUM})[号日]?)?"
_DAY_PATTERNS: list[tuple[re.Pattern, Callable[[re.Match, _Context], _Day | None]]] = [
    (re.compile("|".join(sorted([*_RELATIVE_DAYS, *_DAYS_WITH_PART], key=len, reverse=True))), _relative_day),
    (re.compile(rf"{_REL}?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天七1-7])"), _weekday),
    (re.compile(rf"{_REL}(?:周|星期|礼拜)(?![二三四五六日天七1-7末几期年转边岁]|一(?!起))"), _week),
    (re.compile(rf"{_REL}?周末"), _weekend),
    (re.compile(rf"{_REL}月(?:(?P<tail>初|上旬|中旬|下旬|中|底|末)|(?P<d>{_NUM})[号日])?"), _relative_month),
    (re.compile(r"月初|月中旬|月中|月底|月末|上旬|中旬|下旬|年初|年底|年末|年内|月内"), _bare_period_part),
    (re.compile(rf"(?P<rel>前年|去年|今年|明年|后年)(?:(?:年)?(?P<ytail>初|底|末)|{_MONTH_AND_DAY})?"), _relative_year),
    (re.compile(rf"(?P<y>[0-9]{{4}}|[零〇一二三四五六七八九]{{4}})年(?:(?P<ytail>初|底|末)|{_MONTH_AND_DAY})?"), _numeric_year),
    (re.compile(_MONTH_AND_DAY), _month_day),
    (re.compile(r"(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<mo>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"), _iso_date),
    (re.compile(r"(?P<mo>[0-9]{1,2})/(?P<d>[0-9]{1,2})(?![/0-9%]|的|以上|以下|左右)"), _slash_date),
    (re.compile(rf"(?P<d>{_NUM})[号日](?![楼窗柜线门厅房室位台院车机店码库包箱卡])"), _day_of_month),
    (re.compile(rf"(?P<n>{_NUM}|半)(?P<u>个?(?:小时|钟头|星期|礼拜)|个月|天|日|周|年|分钟)"
                r"(?P<dir>以后|之后|后|以内|之内|内|以前|之前|前(?!后))"), _duration),
    (re.compile(rf"过(?P<n>两|几|{_NUM})天"), _in_a_few_days),
    (re.compile(r"(?P<h>春节|过年|元旦|国庆节|国庆|中秋节|中秋|五一|劳动节)(?P<dir>之前|以前|前(?!后)|之后|以后|后)?"
                r"|过完年|(?P<year>年)(?P<ydir>前(?!后)|后)"), _holiday),
    (re.compile(r"一会儿|一会|待会儿|待会|等会儿|等会|稍后|马上"), _soon),
]


_PART_PATTERN = re.compile("|".join(sorted((p for p in _PARTS if len(p) > 1), key=len, reverse=True)))
_SHORT_PART_PATTERN = re.compile(r"早|晚")  # 周五晚八点: only after a day and before a clock time
_CLOCK_MINUTES = re.compile(
    rf"(?P<h>{_NUM})(?:点钟?|时)(?P<min>半|整|一刻|三刻|过?(?P<m>[0-9]{{1,2}}|[零〇一二三四五六七八九十]{{1,3}})(?P<fen>分)?)")
_CLOCK_HOUR = re.compile(rf"(?P<h>{_NUM})点钟?(?!要求|建议|意见|原因|内容|好处|理由|注意|看法|想法|问题)")
_CLOCK_COLON = re.compile(r"(?P<h>[0-9]{1,2})[:](?P<m>[0-9]{2})")
_RECURRING = re.compile(r"每(?:天|日|晚|早|个?月|年)?")
_BEFORE = re.compile(r"之前|以前|前(?!后)")
_WITHIN = re.compile(r"以内|之内|内")


@dataclass(frozen=True)
class _Clock:
    hour: int
    minute: int
    hour_text: str
    exact_minutes: bool  # minutes were given (三点半, 3:30), so "一点半" is a time even alone


def _clocks(text: str, position: int) -> list[tuple[int, _Clock]]:
    found = []
    m = _CLOCK_MINUTES.match(text, position)
    if m:
        words = {"半": 30, "整": 0, "一刻": 15, "三刻": 45}
        minute_text = m.group("m")
        if minute_text is None:
            minute = words[m.group("min")]
        elif m.group("fen") or len(minute_text) == 2 and minute_text.isascii() or "十" in minute_text or minute_text[0] in "零〇":
            minute = _number(minute_text)
        else:
            minute = None  # 三点五: a number (3.5), not 3:05
        hour = _number(m.group("h"))
        if minute is not None and hour is not None:
            found.append((m.end(), _Clock(hour, minute, m.group("h"), True)))
    m = _CLOCK_HOUR.match(text, position)
    if m and _number(m.group("h")) is not None:
        found.append((m.end(), _Clock(_number(m.group("h")), 0, m.group("h"), False)))
    m = _CLOCK_COLON.match(text, position)
    if m:
        found.append((m.end(), _Clock(int(m.group("h")), int(m.group("m")), m.group("h"), True)))
    return found


def _hour_in_part(hour: int, part: str | None) -> int:
    if part is None:
        return hour + 12 if 1 <= hour <= 6 else hour  # bare 三点 is 15:00 (business hours)
    if part in _EVENING_PARTS and hour == 12:
        return 24
    if part in _LATE_PARTS and 1 <= hour < 12:
        return hour + 12
    if part == "中午" and 1 <= hour <= 3:
        return hour + 12
    if part == "凌晨" and hour == 12:
        return 0
    return hour


def _skip_blank(text: str, position: int) -> int:
    return position + 1 if position < len(text) and text[position] in " \t" else position


class _Found(NamedTuple):
    """One reading of the text from a position: up to `end`, the range and how to schedule it."""

    end: int
    begins: datetime
    ends: datetime
    has_time: bool
    usual_at: datetime | None = None
    deadline: bool = False
    dated: bool = True


Candidate = _Found


def _candidates(text: str, position: int, context: _Context) -> list[Candidate]:
    out: list[Candidate] = []
    days: list[tuple[int, _Day | None]] = [(position, None)]
    for pattern, handler in _DAY_PATTERNS:
        m = pattern.match(text, position)
        if m:
            day = handler(m, context)
            if day is not None:
                days.append((m.end(), day))
    for day_end, day in days:
        if day is not None:
            if day.part:
                out.append(_part_of(day_end, day.begins, day.part, dated=True))
            else:
                out.append(_Found(day_end, day.begins, day.ends, day.has_time, deadline=day.deadline))
                suffix = _BEFORE.match(text, day_end)
                if suffix and day.before is not None and day.before > context.now:
                    out.append(_Found(suffix.end(), context.now, day.before, False, deadline=True))
                suffix = _WITHIN.match(text, day_end)
                if suffix and day.within and day.ends > context.now:
                    out.append(_Found(suffix.end(), max(context.now, day.begins), day.ends, False, deadline=True))
            if not day.single or day.has_time:
                continue
        on = day.begins if day is not None else context.midnight(context.today)
        parts: list[tuple[int, str | None, bool]] = []
        after_day = _skip_blank(text, day_end) if day is not None else position
        if day is not None and day.part:
            parts.append((day_end, day.part, False))
        else:
            parts.append((day_end, None, False))
            m = _PART_PATTERN.match(text, after_day)
            if m:
                parts.append((m.end(), m.group(0), False))
            if day is not None:
                m = _SHORT_PART_PATTERN.match(text, after_day)
                if m:
                    parts.append((m.end(), m.group(0), True))
        for part_end, part, needs_clock in parts:
            fresh_part = part is not None and (day is None or not day.part)
            if fresh_part and not needs_clock:
                out.append(_part_of(part_end, on, part, dated=day is not None))
            clock_at = _skip_blank(text, part_end) if (day is not None or part is not None) else position
            for clock_end, at in _clocks(text, clock_at):
                qualified = day is not None or part is not None
                if at.hour_text == "一" and not at.exact_minutes and (not qualified or needs_clock):
                    continue  # 晚一点, 早一点: "a little", not 13:00
                if not qualified and position > 0 and text[position - 1] in "有这几第":
                    continue  # 有两点建议
                hour = _hour_in_part(at.hour, part)
                if not 0 <= hour <= 24 or not 0 <= at.minute <= 59 or hour == 24 and at.minute:
                    continue
                begins = on + timedelta(hours=hour, minutes=at.minute)
                out.append(_Found(clock_end, begins, begins + _MINUTE, True, dated=day is not None))
    return out


def _part_of(end: int, midnight: datetime, part: str, *, dated: bool) -> _Found:
    first, last = _PARTS[part]
    usual = _USUAL_HOURS.get(part)
    usual_at = midnight + timedelta(hours=usual) if usual is not None else None
    return _Found(end, midnight + timedelta(hours=first), midnight + timedelta(hours=last), True, usual_at, dated=dated)


def _clean_edges(text: str, start: int, end: int) -> bool:
    """An expression does not start or end in the middle of a number, an amount or a code."""
    first, last = text[start], text[end - 1]
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if first.isascii() and first.isdigit() and before and (before.isascii() and before.isalnum() or before in ".:/-_"):
        return False
    if first in _CN_NUMERALS and before and (before in _CN_NUMERALS or before.isascii() and before.isdigit() or before == "第"):
        return False
    ends_in_number = last.isascii() and last.isdigit() or last in _CN_NUMERALS
    if last.isascii() and last.isdigit() and after and (after.isascii() and after.isalnum() or after in ".:/-%"):
        return False
    if ends_in_number and after and (after in _CN_NUMERALS or after in "万亿千百元块个%倍"):
        return False
    if last in "点时" and after and (after in _CN_NUMERALS or after.isascii() and after.isdigit()):
        return False
    return True


def _longest(text: str, position: int, context: _Context) -> Candidate | None:
    best: Candidate | None = None
    for candidate in _candidates(text, position, context):
        if candidate[0] > position and _clean_edges(text, position, candidate[0]):
            if best is None or candidate[0] > best[0]:
                best = candidate
    return best

"""The Chinese text of visits and the daily list, built from the service's results.

Short lines for phone screens; no phone or ID numbers reach this module.
"""
from __future__ import annotations

import re
from datetime import date

from bot.vocabulary.money import format_amount

_STATUS_WORDS = {"new": "待接收", "accepted": "已接收,待联系", "contacted": "已联系,待成交"}
_WEEKDAYS = "一二三四五六日"
_NAMES_A_WEEKDAY = re.compile(r"(?:周|星期|礼拜)[一二三四五六日天七1-7]")


def _day(due: date, today: date) -> str:
    days = (due - today).days
    if days == 0:
        return "今天"
    if days == 1:
        return "明天"
    if days == 2:
        return "后天"
    return f"{due.month}月{due.day}日(周{_WEEKDAYS[due.weekday()]})"


def follow_up_reason(note: str, due: date, today: date) -> str:
    if due < today:
        when = f"已逾期{(today - due).days}天"
    else:  # a list of days to come ("明天的待办") has follow-ups due after today
        when = f"{_day(due, today)}到期"
    short = note if len(note) <= 30 else note[:29] + "…"
    return f"跟进({when}):{short}" if short else f"跟进({when})"


def referral_reason(referral_no: str, product_word: str, status: str, overdue: bool) -> str:
    state = "已超时未联系" if overdue else _STATUS_WORDS.get(status, status)
    return f"转介 {referral_no} {product_word},{state}"


def maturity_reason(product_name: str, amount, maturity: date, today: date) -> str:
    return f"{product_name} {format_amount(amount)} {_day(maturity, today)}到期,可联系续存或配置"


def birthday_reason(birthday: date, today: date, age: int) -> str:
    return f"{_day(birthday, today)}过{age}岁生日,可送上祝福"


def _date(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _period_heading(period, with_weekday: bool) -> str:
    """"明天(12月1日 周二)", "下周(12月7日至12月13日)", "12月8日(周二)", "12月8日至12月10日"."""
    if period.single_day:
        dates = _date(period.first)
        weekday = f"周{_WEEKDAYS[period.first.weekday()]}"
        if period.said:  # "周五(12月4日)", not "周五(12月4日 周五)"
            with_weekday = with_weekday and not _NAMES_A_WEEKDAY.search(period.said)
            return f"{period.said}({dates} {weekday})" if with_weekday else f"{period.said}({dates})"
        return f"{dates}({weekday})" if with_weekday else dates
    dates = f"{_date(period.first)}至{_date(period.last)}"
    return f"{period.said}({dates})" if period.said else dates


def render_daily_list(items, today: date, period=None) -> str:
    """Today's list, or the list of a period (bot.visits.period.Period), which says its days."""
    if period is not None:
        if not items:
            return f"{_period_heading(period, with_weekday=False)}没有待办。"
        lines = [f"{_period_heading(period, with_weekday=True)}的待办:"]
    elif not items:
        return f"{today.month}月{today.day}日没有待办。"
    else:
        lines = [f"{today.month}月{today.day}日待办({len(items)}条):"]
    for item in items:
        lines.append(f"{item.number}. {item.customer_name}:{item.reason}")
    lines.append("办完跟进可以回复“完成第1条”。")
    return "\n".join(lines)


def greeting(hour: int) -> str:
    """Good morning before 11, and so on by the local hour the message goes out: the digest is
    due at digest_time, but a server started late in the day sends that day's list at once."""
    if 5 <= hour < 11:
        return "早上好"
    if 11 <= hour < 13:
        return "中午好"
    if 13 <= hour < 18:
        return "下午好"
    return "晚上好"


def digest_text(staff_name: str, today: date, items, hour: int) -> str:
    return f"{staff_name},{greeting(hour)}!\n" + render_daily_list(items, today)


ASK_TAG = "要加什么标签?比如“给王建国加个标签:有房贷需求”。"


FEEDBACK_SAVED = "收到,谢谢!您的意见已记下,维护团队会看到。"


ASK_CUSTOMER = "这次拜访的是哪位客户?发姓名、手机号或客户号。回复“取消”不记了。"


CANCELLED = "好的,这条拜访没有记录,什么都没有保存。"

"""The Chinese text of visits and the daily list, built from the service's results.

Short lines for phone screens; no phone or ID numbers reach this module.
"""
from __future__ import annotations

from datetime import date

from bot.money import format_amount

_STATUS_WORDS = {"new": "待接收", "accepted": "已接收,待联系", "contacted": "已联系,待成交"}
_WEEKDAYS = "一二三四五六日"


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
    when = f"已逾期{(today - due).days}天" if due < today else "今天到期"
    short = note if len(note) <= 30 else note[:29] + "…"
    return f"跟进({when}):{short}" if short else f"跟进({when})"


def referral_reason(referral_no: str, product_word: str, status: str, overdue: bool) -> str:
    state = "已超时未联系" if overdue else _STATUS_WORDS.get(status, status)
    return f"转介 {referral_no} {product_word},{state}"


def maturity_reason(product_name: str, amount, maturity: date, today: date) -> str:
    return f"{product_name} {format_amount(amount)} {_day(maturity, today)}到期,可联系续存或配置"


def birthday_reason(birthday: date, today: date, age: int) -> str:
    return f"{_day(birthday, today)}过{age}岁生日,可送上祝福"


def render_daily_list(items, today: date) -> str:
    if not items:
        return f"{today.month}月{today.day}日没有待办。"
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

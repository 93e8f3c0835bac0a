"""The Chinese text of visits and the daily list, built from the service's results: the daily
list, the questions of logging a visit, what a visit note was understood as (the summary before
"确认") and what was saved, tags and completions.

Short lines for phone screens; no phone or ID numbers reach this module.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from bot.campaigns.items import IN_DAILY_LIST
from bot.clock import clock
from bot.dialogue.notices import context_line
from bot.visits.notes.results import VisitNote
from bot.visits.results import CompleteOutcome, ItemKind, LoggedVisit, TagOutcome, VisitEffects
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
    campaign = next((item.number for item in items if item.kind is ItemKind.CAMPAIGN), None)
    follow_up = next((item.number for item in items if item.kind is ItemKind.FOLLOW_UP), None)
    if sum(1 for item in items if item.kind is ItemKind.CAMPAIGN) >= IN_DAILY_LIST:
        lines.append(f"活动客户先列{IN_DAILY_LIST}位(截止最近的在前),记下结果后会接着列出其余的;说“活动进度”看全部。")
    if campaign is not None:
        lines.append(f"活动客户的结果直接说,如“第{campaign}个已联系,有意向”“第{campaign}个成交10万”“第{campaign}个不需要”。")
    if follow_up is not None or campaign is None:
        lines.append(f"办完跟进可以回复“完成第{follow_up or 1}条”。")
    return "\n".join(lines)


def render_tasks(daily) -> str:
    """The answer to a to-do question (VisitService.tasks_asked): the list, whose numbers also
    open the customer, or why a colleague's is not shown."""
    if daily.colleague:
        return OWN_LIST_ONLY.format(name=daily.colleague)
    reply = render_daily_list(daily.items, daily.today, daily.period)
    return reply + "\n回复序号看这位客户的360信息。" if daily.items else reply


def render_own_contacts(contacts) -> str:
    """Her own contacts (bot.visits.contacts.OwnContacts), newest first; the numbers open the
    customer."""
    days = _period_heading(contacts.period, with_weekday=False)
    if not contacts.lines:
        return f"{days}您没有联系客户的记录。拜访或打电话后,发一句话就能记下,如“今天电话联系了王建国,他想了解理财”。"
    lines = [f"{days}您联系了{contacts.customers}位客户,共{contacts.total}次"
             + (f",以下是最近{len(contacts.lines)}次" if contacts.total > len(contacts.lines) else "") + ":"]
    for number, line in enumerate(contacts.lines, start=1):
        summary = line.summary if len(line.summary) <= 24 else line.summary[:24] + "…"
        lines.append(f"{number}. {line.happened_at.month}月{line.happened_at.day}日 {line.customer_name} · "
                     f"{line.channel}" + (f":{summary}" if summary else ""))
    lines.append("回复序号看这位客户的360信息。")
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


def customer_not_found(named: str | None) -> str:
    """The note's customer finds nobody: the note waits for the right one (never the customer in
    context)."""
    who = f"叫“{named}”的客户" if named else "这位客户"
    return f"在您服务的网点里没有找到{who},这条拜访还没有记录。\n{ASK_CUSTOMER}"


CANCELLED = "好的,这条拜访没有记录,什么都没有保存。"


ASK_VISIT_NOTE = "请把拜访情况发给我,比如“今天上门拜访了王建国,对基金定投有兴趣,约了下周三再谈”。"


ASK_WHAT_TO_CHANGE = "要改哪一项?比如“跟进时间改成下周五”“不是电话,是上门”“不用跟进”“客户改成某某”;不记了就回复“取消”。"


NOT_SAVED_YET = "这条拜访还没保存。回复“确认”保存,“取消”不记,或直接说要改的地方。"



EVENT_WORDS = {"maturity": "到期", "inflow": "到账", "outflow": "要用钱", "purchase": "已购买"}



def when_text(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone(clock.tz)
    days = (local.date() - clock.today()).days
    day = {0: "今天", 1: "明天", 2: "后天", -1: "昨天"}.get(days, f"{local.month}月{local.day}日")
    return f"{day} {local:%H:%M}"



def render_plan(customer_name: str, note: VisitNote, from_context: bool = False) -> str:
    """The summary of a follow-up planned without a contact: whose, when, and that no contact is
    recorded."""
    lines = [
        *([context_line(customer_name)] if from_context else []),
        "我理解的跟进提醒(只建跟进任务,不记联系记录):",
        f"客户:{customer_name}" + ("(按上下文)" if from_context else ""),
        f"跟进时间:{when_text(note.follow_up_at) if note.follow_up_at else '—'}",
        f"内容:{note.text}",
        "回复“确认”保存,“取消”不记;要改直接说,如“改到下周五上午”“客户改成某某”。",
    ]
    return "\n".join(lines)



def render_understood(customer_name: str, note: VisitNote, from_context: bool = False,
                      effects: VisitEffects | None = None) -> str:
    products = "、".join(note.product_words) or "—"
    amounts = "、".join(a.text for a in note.amounts) or "—"
    lines = [
        *([context_line(customer_name)] if from_context else []),
        "我理解的拜访记录:",
        f"客户:{customer_name}" + ("(按上下文)" if from_context else ""),
        f"方式:{note.channel}" + ("" if note.channel_given else "(没写,按到店记)"),
        f"时间:{when_text(note.happened_at)}",
        f"提到的产品:{products}",
        f"金额:{amounts}",
    ]
    for event in note.events:
        what = " ".join(x for x in (format_amount(event.amount) if event.amount else "", event.product or "") if x)
        when = event_days(event.at, event.until)
        lines.append(f"资金动向:{what} {when}{EVENT_WORDS.get(str(getattr(event.kind, 'value', event.kind)), '')}".strip())
    lines.append(f"下次跟进:{when_text(note.follow_up_at) if note.follow_up_at else '无'}")
    if note.tags:
        lines.append("标签:" + "、".join(note.tags))
    if effects is not None and effects.removes_tags:
        lines.append("同时去掉标签:" + "、".join(effects.removes_tags))
    for done in effects.closes if effects is not None else ():
        lines.append(f"同时完成跟进:{when_text(done.due_at)} {_snippet(done.note)}")
    lines.append("回复“确认”保存,“取消”不记;要改直接说,如“跟进时间改成下周五”“不是电话,是上门”“不用跟进”“客户改成某某”。")
    return "\n".join(lines)



def _snippet(text: str, size: int = 16) -> str:
    return text if len(text) <= size else text[:size] + "…"



def event_days(first: date | None, last: date | None) -> str:
    """"12月9日", a whole month "12月", or a range "12月1日至12月15日"."""
    if first is None:
        return ""
    if last is None or last == first:
        return f"{first.month}月{first.day}日"
    if first.day == 1 and (last + timedelta(days=1)).day == 1 and (first.year, first.month) == (last.year, last.month):
        return f"{first.month}月"
    return f"{first.month}月{first.day}日至{last.month}月{last.day}日"



def one_customer_per_visit(customer_name: str, others: list[str]) -> str:
    """The line above the summary of a note that names other customers too."""
    return f"一条拜访记一位客户:这条记{customer_name};{'、'.join(others)}的请另发一条。"



NOT_FOUND_NOTHING_SAVED = "在您服务的网点里没有找到这位客户,什么都没有保存。"


NOT_FOUND_VISIT_NOT_LOGGED = "在您服务的网点里没有找到这位客户,这条拜访没有记录。"



def follow_up_scheduled(customer_name: str, due_at: datetime) -> str:
    """A follow-up planned without a contact, saved."""
    return f"已建跟进任务:{customer_name} {when_text(due_at)},到时会出现在您的待办里。"



def visit_saved(logged: LoggedVisit) -> str:
    """A visit saved: the contact, then its follow-up, tags and the follow-ups it completed."""
    parts = [f"已记录:{logged.customer_name} {logged.channel} {when_text(logged.happened_at)}。"]
    if logged.follow_up:
        parts.append(f"已建跟进任务:{when_text(logged.follow_up.due_at)},到时会出现在您的待办里。")
    if logged.tags_added:
        parts.append("已加标签:" + "、".join(logged.tags_added) + "。")
    if logged.tags_removed:
        parts.append("已去掉标签:" + "、".join(logged.tags_removed) + "。")
    if logged.closed_follow_ups:
        parts.append(f"之前对这位客户的{len(logged.closed_follow_ups)}条跟进已完成。")
    return "\n".join(parts)



OWN_LIST_ONLY = "目前只能看您自己的待办,看不了{name}的。发“我的待办”看您的。"



def render_tag_result(result) -> str:
    name = result.customer_name or "客户"
    texts = {
        TagOutcome.ADDED: f"已给{name}加上标签「{result.tag}」。",
        TagOutcome.REMOVED: f"已去掉{name}的标签「{result.tag}」。",
        TagOutcome.ALREADY: f"{name}已经有标签「{result.tag}」了。",
        TagOutcome.NOT_PRESENT: f"{name}没有标签「{result.tag}」。",
        TagOutcome.EMPTY: "要加什么标签?比如“给王建国加个标签:有房贷需求”。",
        TagOutcome.NOT_FOUND: "在您服务的网点里没有找到这位客户。",
    }
    text = texts[result.outcome]
    if result.outcome in (TagOutcome.ADDED, TagOutcome.REMOVED) and result.tags:
        text += "现有标签:" + "、".join(result.tags) + "。"
    return text



def render_completed(result) -> str:
    texts = {
        CompleteOutcome.DONE: "好的,这条跟进已完成。",
        CompleteOutcome.ALREADY_DONE: "这条跟进之前已经完成了。",
        CompleteOutcome.NOT_A_FOLLOW_UP: "这一条不是跟进任务(到期、生日或转介提醒),办完即可,不用标记完成;转介请更新转介状态。",
        CompleteOutcome.NOT_FOUND: "没找到这一条。先发“我的待办”看看清单,再回复“完成第几条”。",
    }
    return texts[result.outcome]

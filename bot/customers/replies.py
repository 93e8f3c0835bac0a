"""The Chinese text of the customer 360 capability, built from the service's results.

Short lines for phone screens. Phone and ID numbers reach this module already masked.
"""
from __future__ import annotations

from datetime import date

from bot.customers.facts import Fact
from bot.customers.lookup import Candidate, QueryKind, QueryProblem
from bot.customers.profile import (
    CustomerProfile,
    HoldingLine,
    HoldingsView,
    InteractionLine,
    InteractionsView,
)
from bot.customers.service import CustomerAnswer, Outcome, View
from bot.vocabulary.money import format_amount

ASK_WHICH_CUSTOMER = "您想查哪位客户?发姓名、11位手机号、客户号(如C00012345)或身份证号都可以。"


def pronoun_unclear(name_in_context: str | None) -> str:
    """"她" with a man in context: who is meant is asked, nothing about him is shown."""
    return f"刚才说的是{name_in_context}(男客户),“她”是指哪位客户?请发姓名、手机号或客户号。"

_PROBLEMS = {
    QueryProblem.BAD_ID_CHECKSUM: "这个身份证号校验位不对,可能输错了一位,请核对后再发(18位,末位可以是X)。",
    QueryProblem.BAD_PHONE: "手机号应该是11位、以1开头,请核对后再发。",
    QueryProblem.BAD_CUSTOMER_ID: "客户号的格式是C加8位数字,比如C00012345,请核对后再发。",
}
_KIND_WORDS = {
    QueryKind.NAME: "姓名",
    QueryKind.PHONE: "手机号",
    QueryKind.CUSTOMER_ID: "客户号",
    QueryKind.ID_NUMBER: "身份证号",
    QueryKind.SURNAME: "姓氏",
}
_GENDER = {"M": "男", "F": "女"}


def render(answer: CustomerAnswer, today: date) -> str:
    if answer.outcome is Outcome.NO_CUSTOMER_GIVEN:
        return ASK_WHICH_CUSTOMER
    if answer.outcome is Outcome.PRONOUN_UNCLEAR:
        return pronoun_unclear(answer.in_context_name)
    if answer.outcome is Outcome.NOT_UNDERSTOOD:
        return "没明白您指的是哪位客户。" + ASK_WHICH_CUSTOMER
    if answer.outcome is Outcome.PROBLEM:
        return _PROBLEMS[answer.problem]
    if answer.outcome is Outcome.NOT_FOUND:
        return render_not_found(answer)
    if answer.outcome is Outcome.CHOOSE:
        if answer.query is not None and answer.query.kind is QueryKind.SURNAME:
            return render_candidates(answer.candidates, answer.more_than_listed, surname=answer.query.value)
        return render_candidates(answer.candidates, answer.more_than_listed)
    if answer.outcome is Outcome.BAD_CHOICE:
        return "没对上是哪一位。" + render_candidates(answer.candidates, False)
    if answer.view in (View.HOLDINGS, View.MATURITIES):
        return render_holdings(answer.holdings, today)
    if answer.view is View.FACT:
        return render_fact(answer.profile, answer.fact, today)
    if answer.view is View.INTERACTIONS:
        return render_interactions(answer.interactions)
    return render_profile(answer.profile, today)


def render_not_found(answer: CustomerAnswer) -> str:
    query = answer.query
    if query.kind is QueryKind.SURNAME:
        return f"在您服务的网点里没有找到姓{query.value}的客户。请发客户的全名、手机号或客户号。"
    shown = query.value if query.kind is QueryKind.NAME else "这个" + _KIND_WORDS[query.kind]
    if query.kind is QueryKind.NAME:
        hint = "可以试试发手机号或客户号,或核对一下姓名的写法。"
    else:
        hint = "可以核对一下号码,或者改用姓名查。"
    return f"在您服务的网点里没有找到{_quote(shown)}对应的客户。{hint}"


def _quote(text: str) -> str:
    return text if text.startswith("这个") else f"「{text}」"


def render_candidates(candidates: list[Candidate], more_than_listed: bool, surname: str | None = None) -> str:
    first = candidates[0].name if candidates and len({c.name for c in candidates}) == 1 else None
    if surname:
        head = f"找到{len(candidates)}位姓{surname}的客户"
    else:
        head = f"找到{len(candidates)}位叫{first}的客户" if first else f"找到{len(candidates)}位客户"
    question = "是这位吗?" if surname and len(candidates) == 1 else "您要看哪一位?"
    lines = [f"{head}{',只列出前几位' if more_than_listed else ''},{question}"]
    for number, candidate in enumerate(candidates, start=1):
        age = f"{candidate.age}岁" if candidate.age is not None else "年龄未登记"
        lines.append(f"{number}. {candidate.name} {candidate.masked_phone} {candidate.branch_name} {age}")
    lines.append("回复序号(如“2”)或手机尾号4位即可。")
    if more_than_listed:
        lines.append("都不是的话,请改发手机号或客户号。")
    return "\n".join(lines)


def _maturity(maturity: date, today: date) -> str:
    days = (maturity - today).days
    if days == 0:
        return f"{maturity.isoformat()}到期(今天)"
    if days > 365:
        return f"{maturity.isoformat()}到期"
    if days > 0:
        return f"{maturity.isoformat()}到期(还有{days}天)"
    return f"{maturity.isoformat()}已到期"


def render_profile(profile: CustomerProfile, today: date) -> str:
    gender = _GENDER.get(profile.gender, "")
    age = f"{profile.age}岁" if profile.age is not None else ""
    lines = [
        f"【{profile.name}】{gender} {age} · {profile.tier}客户".replace("  ", " "),
        f"客户号 {profile.customer_id} · 手机 {profile.masked_phone} · {profile.branch_name}",
    ]
    if profile.occupation:
        lines.append(f"职业:{profile.occupation}")
    if profile.by_category:
        parts = [
            f"{total.category}{format_amount(total.amount)}" + (f"({total.count}笔)" if total.count > 1 else "")
            for total in profile.by_category
        ]
        lines.append(f"资产合计 {format_amount(profile.total_assets)}:" + "、".join(parts))
    else:
        lines.append("资产合计 0元(名下没有存款、理财等资产)")
    if profile.liabilities:
        lines.append("负债/授信:" + "、".join(f"{t.category}{format_amount(t.amount)}" for t in profile.liabilities))
    if profile.risk_level is None:
        lines.append("风险等级:未评估(需先做风险测评才能买理财、基金)")
    elif profile.risk_expired:
        lines.append(f"风险等级 {profile.risk_level}(评估于{profile.risk_assessed_on},已过期,需重新测评)")
    else:
        lines.append(f"风险等级 {profile.risk_level}(评估于{profile.risk_assessed_on},有效)")
    if profile.nearest_maturity:
        m = profile.nearest_maturity
        lines.append(f"最近到期:{m.product_name} {format_amount(m.amount)},{_maturity(m.maturity_date, today)}")
    lines.append("标签:" + ("、".join(profile.tags) if profile.tags else "暂无"))
    lines.append("客户经理:" + (profile.manager_name or "未分配"))
    lines.append("最近联系:" + (_interaction(profile.last_interaction) if profile.last_interaction else "暂无记录"))
    return "\n".join(lines)


def _interaction(line: InteractionLine) -> str:
    summary = f":{line.summary}" if line.summary else ""
    text = f"{line.happened_at:%Y-%m-%d} {line.staff_name} {line.channel}{summary}"
    if line.source != "chat":
        return text
    # A visit logged in the chat: what the note said, structured, in one bracket.
    facts = []
    if line.products:
        facts.append("产品 " + "、".join(line.products))
    if line.amounts:
        facts.append("金额 " + "、".join(format_amount(a) for a in line.amounts))
    if line.follow_up_at:
        facts.append(f"下次跟进 {line.follow_up_at:%m-%d}")
    return text + (f"({';'.join(facts)})" if facts else "")


def render_holdings(view: HoldingsView, today: date) -> str:
    if not view.holdings:
        if view.period:
            said, first, last = view.period
            return f"{view.name}{said}({_days(first, last)})没有到期的{view.product_filter or '产品'}。"
        if view.product_filter:
            return f"{view.name}名下没有{view.product_filter}。"
        if view.about_maturity:
            return f"{view.name}名下目前没有会到期的产品。"
        return f"{view.name}名下目前没有产品。"
    if view.about_maturity:
        return _render_maturities(view, today)
    what = view.product_filter or "产品"
    lines = [f"{view.name}名下的{what}({len(view.holdings)}笔):"]
    for number, line in enumerate(view.holdings, start=1):
        maturity = f",{_maturity(line.maturity_date, today)}" if line.maturity_date else ""
        lines.append(f"{number}. {line.product_name}({line.category}) {format_amount(line.amount)},{line.start_date}起{maturity}")
    return "\n".join(lines)


def _days(first: date, last: date) -> str:
    return f"{first.month}月{first.day}日" if first == last else f"{first.month}月{first.day}日至{last.month}月{last.day}日"


def _render_maturities(view: HoldingsView, today: date) -> str:
    """The answer to "她的定期什么时候到期": each holding by its maturity date, soonest first
    (those already matured before them), then those that never mature in one line."""
    what = view.product_filter or "产品"
    maturing = [line for line in view.holdings if line.maturity_date]
    open_ended = [line for line in view.holdings if not line.maturity_date]
    if not maturing:
        return f"{view.name}名下的{what}都没有到期日:" + "、".join(_held(line) for line in open_ended) + "。"
    if view.period:
        said, first, last = view.period
        lines = [f"{view.name}{said}({_days(first, last)})到期的{what}({len(maturing)}笔):"]
    else:
        lines = [f"{view.name}名下{what}的到期日({len(maturing)}笔):"]
    for number, line in enumerate(sorted(maturing, key=lambda line: line.maturity_date), start=1):
        lines.append(f"{number}. {_maturity(line.maturity_date, today)}:{_held(line)}")
    if open_ended:
        lines.append("不设到期日:" + "、".join(_held(line) for line in open_ended))
    return "\n".join(lines)


def _held(line: HoldingLine) -> str:
    return f"{line.product_name} {format_amount(line.amount)}"


def render_fact(profile: CustomerProfile, fact: Fact, today: date) -> str:
    """One fact of the profile in one line, starting with whose it is ("王建国的手机:139****5678")."""
    name = profile.name
    if fact is Fact.TOTAL_ASSETS:
        return _total_assets(profile)
    if fact is Fact.PHONE:
        # Masked by bot.customers; "未登记" when there is none.
        return f"{name}的手机:{profile.masked_phone}" if profile.masked_phone != "未登记" else f"{name}没有登记手机号。"
    if fact is Fact.RISK_LEVEL:
        return _risk_level(profile)
    if fact is Fact.MANAGER:
        return f"{name}的客户经理是{profile.manager_name}。" if profile.manager_name else f"{name}还没有分配客户经理。"
    if fact is Fact.AGE:
        return f"{name}今年{profile.age}岁。" if profile.age is not None else f"{name}的年龄没有登记。"
    if fact is Fact.BIRTHDAY:
        return _birthday(profile, today)
    if fact is Fact.BRANCH:
        return f"{name}是{profile.branch_name}的客户。"
    if fact is Fact.CUSTOMER_ID:
        return f"{name}的客户号:{profile.customer_id}"
    if fact is Fact.TAGS:
        return f"{name}的标签:" + "、".join(profile.tags) if profile.tags else f"{name}还没有标签。"
    if fact is Fact.LAST_CONTACT:
        last = profile.last_interaction
        return f"{name}最近一次联系:{_interaction(last)}" if last else f"{name}还没有联系记录。"
    if fact is Fact.TIER:
        return f"{name}是{profile.tier}客户(总资产{format_amount(profile.total_assets)})。"
    if fact is Fact.OCCUPATION:
        return f"{name}的职业:{profile.occupation}" if profile.occupation else f"{name}的职业没有登记。"
    if fact is Fact.ID_NUMBER:
        return f"{name}的身份证号不在聊天里显示(个人信息保护);需要核对请在柜面系统查询。"
    return render_profile(profile, today)


def _total_assets(profile: CustomerProfile) -> str:
    if not profile.by_category:
        text = f"{profile.name}名下没有存款、理财等资产(总资产0元)"
    else:
        parts = "、".join(f"{total.category}{format_amount(total.amount)}" for total in profile.by_category)
        text = f"{profile.name}总资产{format_amount(profile.total_assets)}({parts})"
    if profile.liabilities:
        text += ";负债/授信:" + "、".join(f"{t.category}{format_amount(t.amount)}" for t in profile.liabilities)
    return text + "。"


def _risk_level(profile: CustomerProfile) -> str:
    name = profile.name
    if profile.risk_level is None:
        return f"{name}还没做风险测评(需先测评才能买理财、基金)。"
    if profile.risk_assessed_on is None:
        return f"{name}风险等级{profile.risk_level}(评估日期未登记,需重新测评)"
    state = "已过期,需重新测评" if profile.risk_expired else "有效"
    return f"{name}风险等级{profile.risk_level}(评估于{profile.risk_assessed_on},{state})"


def _birthday(profile: CustomerProfile, today: date) -> str:
    born = profile.birth_date
    if born is None:
        return f"{profile.name}的生日没有登记。"
    days = (_next_birthday(born, today) - today).days
    when = "(就是今天)" if days == 0 else f"(还有{days}天)" if days <= 30 else ""
    return f"{profile.name}的生日是{born.month}月{born.day}日{when}。"


def _next_birthday(born: date, today: date) -> date:
    """This year's birthday, or next year's if it has passed; 2月29日 is kept on 2月28日 in other years."""
    for year in (today.year, today.year + 1):
        try:
            day = born.replace(year=year)
        except ValueError:
            day = date(year, 2, 28)
        if day >= today:
            return day
    return day


def render_interactions(view: InteractionsView) -> str:
    if not view.interactions:
        return f"{view.name}还没有联系记录。"
    lines = [f"{view.name}最近的联系记录:"]
    for number, line in enumerate(view.interactions, start=1):
        lines.append(f"{number}. {_interaction(line)}")
    return "\n".join(lines)


def choice_buttons(answer: CustomerAnswer) -> list[dict] | None:
    """A "which one?" list also as buttons whose payload is the number, as if typed (the web chat
    shows them; WeCom and Matrix keep the numbered text)."""
    if answer.outcome is not Outcome.CHOOSE:
        return None
    return [{"title": f"{c.name} {c.masked_phone}", "payload": str(number)}
            for number, c in enumerate(answer.candidates, start=1)]

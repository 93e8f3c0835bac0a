"""The Chinese text of the customer 360 capability, built from the service's results.

Short lines for phone screens. Phone and ID numbers reach this module already masked.
"""
from __future__ import annotations

from datetime import date

from bot.customer_service import CustomerAnswer, Outcome, View
from bot.customers import (
    Candidate,
    CustomerProfile,
    HoldingsView,
    InteractionLine,
    InteractionsView,
    QueryKind,
    QueryProblem,
)
from bot.money import format_amount

STRANGER = "抱歉,没有查到您的员工登记信息,暂时不能为您服务。请联系网点负责人把您的聊天账号登记到系统里。"
ASK_WHICH_CUSTOMER = "您想查哪位客户?发姓名、11位手机号、客户号(如C00012345)或身份证号都可以。"

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
    if answer.outcome is Outcome.STRANGER:
        return STRANGER
    if answer.outcome is Outcome.NO_CUSTOMER_GIVEN:
        return ASK_WHICH_CUSTOMER
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
    if answer.view is View.HOLDINGS:
        return render_holdings(answer.holdings, today)
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
        if view.product_filter:
            return f"{view.name}名下没有{view.product_filter}。"
        return f"{view.name}名下目前没有产品。"
    what = view.product_filter or "产品"
    lines = [f"{view.name}名下的{what}({len(view.holdings)}笔):"]
    for number, line in enumerate(view.holdings, start=1):
        maturity = f",{_maturity(line.maturity_date, today)}" if line.maturity_date else ""
        lines.append(f"{number}. {line.product_name}({line.category}) {format_amount(line.amount)},{line.start_date}起{maturity}")
    return "\n".join(lines)


def render_interactions(view: InteractionsView) -> str:
    if not view.interactions:
        return f"{view.name}还没有联系记录。"
    lines = [f"{view.name}最近的联系记录:"]
    for number, line in enumerate(view.interactions, start=1):
        lines.append(f"{number}. {_interaction(line)}")
    return "\n".join(lines)

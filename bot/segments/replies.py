"""All the Chinese text of segments (客群): the conditions in one line, a page of customers, the
saved lists."""
from __future__ import annotations

from datetime import date

from bot.segments.conditions import Ranking, Segment
from bot.segments.results import (
    SavedListsAnswer,
    SaveOutcome,
    SegmentOutcome,
    SegmentPage,
    SegmentSaved,
)
from bot.segments.saved import MAX_LISTS
from bot.vocabulary.money import format_amount

_BRANCH_KINDS = {"agency": "代理网点", "self_operated": "自营网点"}
_GENDERS = {"M": "男", "F": "女"}
_RANKINGS = {
    Ranking.MATURITY: "按到期日先后",
    Ranking.BIRTHDAY: "按生日先后",
    Ranking.ASSESSMENT: "按测评日期,最久的在前",
    Ranking.ASSETS: "按资产从高到低",
}
EXAMPLES = ("“下个月有定期到期的客户”“30天内理财到期、5万以上的”“三个月没联系过、资产10万以上的”“风险测评过期的”,"
            "或直接说场景:到期承接、沉睡唤醒、测评到期、生日关怀")
ASK_CONDITION = f"请说一下要找什么样的客户,比如{EXAMPLES}。"
NO_SEGMENT = f"还没有找过客群。先说要找什么样的客户,比如{EXAMPLES}。"
ASK_LIST_NAME = "请给名单起个名字,比如“保存为名单:下月到期”。"


def _day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _range(first: date, last: date) -> str:
    return _day(first) if first == last else f"{_day(first)}至{_day(last)}"


def _amount(amount) -> str:
    return format_amount(amount)


def describe(segment: Segment) -> str:
    """The conditions in one line: "定期·到期12月1日至12月31日·≥5万"."""
    parts: list[str] = []
    if segment.scene:
        parts.append(segment.scene)
    if segment.mine:
        parts.append("我名下")
    if segment.branch_kind:
        parts.append(_BRANCH_KINDS.get(segment.branch_kind, segment.branch_kind))
    if segment.gender:
        parts.append(f"{_GENDERS[segment.gender]}客户")
    if segment.min_age is not None and segment.max_age is not None:
        parts.append(f"{segment.min_age}至{segment.max_age}岁")
    elif segment.min_age is not None:
        parts.append(f"{segment.min_age}岁及以上")
    elif segment.max_age is not None:
        parts.append(f"{segment.max_age}岁及以下")
    if segment.born_from is not None and segment.born_to is not None:
        parts.append(f"{str(segment.born_from.year)[2]}0后")
    if segment.min_risk and segment.min_risk == segment.max_risk:
        parts.append(f"风险等级{segment.min_risk}")
    else:
        if segment.min_risk:
            parts.append(f"风险等级{segment.min_risk}及以上")
        if segment.max_risk:
            parts.append(f"风险等级{segment.max_risk}及以下")
    if segment.maturing:
        parts.append(segment.maturing_word or "有期限产品")
        parts.append(f"到期{_range(segment.maturing_from, segment.maturing_to)}")
        if segment.min_maturing_amount is not None:
            parts.append(f"≥{_amount(segment.min_maturing_amount)}")
    if segment.min_assets is not None:
        parts.append(f"资产≥{_amount(segment.min_assets)}")
    if segment.max_assets is not None:
        parts.append(f"资产≤{_amount(segment.max_assets)}")
    parts.extend(f"持有{word}" for word in segment.holds)
    parts.extend(f"未持有{word}" for word in segment.lacks)
    if segment.no_contact_days is not None:
        parts.append(f"{segment.no_contact_days}天未联系")
    if segment.assessment_within_days is not None:
        parts.append("风险测评已过期" if segment.assessment_within_days == 0
                     else f"风险测评已过期或{segment.assessment_within_days}天内到期")
    if segment.birthday_from is not None and segment.birthday_to is not None:
        parts.append(f"生日{_range(segment.birthday_from, segment.birthday_to)}")
    if segment.tag:
        parts.append(f"标签含“{segment.tag}”")
    if segment.likely_category:
        parts.append(f"可能购买{segment.likely_category}")
    return "·".join(parts)


def conditions_line(segment: Segment) -> str:
    return f"条件:{describe(segment)}"


def _line(line, segment: Segment, several_branches: bool) -> str:
    text = f"{line.number}. {line.name} {line.phone}"
    if several_branches:
        text += f" {line.branch_name}"
    text += f" 资产{_amount(line.assets)}"
    details = []
    if line.maturing_on is not None:
        details.append(f"{line.maturing_product} {_day(line.maturing_on)}到期 {_amount(line.maturing_amount)}")
    if line.birthday is not None:
        details.append(f"{_day(line.birthday)}生日")
    if (segment.min_age is not None or segment.max_age is not None or segment.born_from is not None
            or line.birthday is not None) and line.age is not None:
        details.append(f"{line.age}岁")
    if segment.assessment_within_days is not None:
        details.append(f"测评于{line.risk_assessed_on.isoformat()}" if line.risk_assessed_on else "未做风险测评")
    if segment.no_contact_days is not None:
        details.append(f"上次联系{_day(line.last_contact)}" if line.last_contact else "无联系记录")
    return text + ("  " + " · ".join(details) if details else "")


def render_page(page: SegmentPage) -> str:
    segment = page.segment
    if page.outcome is SegmentOutcome.NO_SEGMENT:
        return NO_SEGMENT
    if page.outcome is SegmentOutcome.NO_CONDITION:
        return ASK_CONDITION
    if page.outcome is SegmentOutcome.NOT_BUILT:
        what = f"{segment.likely_category}的" if segment.likely_category else ""
        return (f"“潜力客户”(按同类客户模型找最可能购买{what}客户)还没做好,暂时列不出来。"
                "可以先按条件找,比如“买过理财但没买过基金的C3以上客户”。")
    head = f"名单“{page.saved_name}”:" if page.saved_name else ""
    if page.outcome is SegmentOutcome.EMPTY:
        return (f"{head}没有符合条件的客户({conditions_line(segment)})。"
                "可以放宽一些试试,比如降低金额、拉长时间或去掉一个条件(如“不限金额”)。")
    if page.outcome is SegmentOutcome.NOTHING_MORE:
        return f"{head}这个客群的{page.total}位客户已经全部列完了({conditions_line(segment)})。"
    first = page.lines[0].number
    if first == 1:
        shown = f",{_RANKINGS[segment.ranking]}" + (f",前{len(page.lines)}位" if page.total > len(page.lines) else "")
        lines = [f"{head}共{page.total}位客户({conditions_line(segment)}){shown}:"]
    else:
        lines = [f"{head}第{first}至{page.shown_until}位(共{page.total}位):"]
    lines.extend(_line(line, segment, page.several_branches) for line in page.lines)
    hints = ["回复序号看客户360信息"]
    if page.more:
        hints.append(f"“更多”看后{min(page.more, len(page.lines))}位")
    if first == 1:
        hints.append("可以接着改条件,如“改成10万以上”“只要代理网点的”")
        if not page.saved_name:
            hints.append("“保存为名单:名字”留着以后用")
    lines.append(";".join(hints) + "。")
    return "\n".join(lines)


def render_saved(saved: SegmentSaved) -> str:
    if saved.outcome is SaveOutcome.NO_SEGMENT:
        return NO_SEGMENT
    if saved.outcome is SaveOutcome.NO_NAME:
        return ASK_LIST_NAME
    if saved.outcome is SaveOutcome.TOO_MANY:
        return f"名单最多保存{MAX_LISTS}个,已经满了。可以先删掉不用的,如“删除名单:名字”。"
    done = "已更新名单" if saved.outcome is SaveOutcome.REPLACED else "已保存名单"
    return (f"{done}“{saved.name}”({conditions_line(saved.segment)},目前{saved.total}位客户)。"
            "以后说“我的名单”查看,或“打开名单:" + saved.name + "”。")


def render_saved_lists(answer: SavedListsAnswer) -> str:
    if answer.asked == "delete":
        if not answer.found:
            return f"没有找到名单“{answer.name or ''}”。说“我的名单”看看保存了哪些。"
        return f"已删除名单“{answer.name}”。"
    if answer.asked == "open" and answer.found and answer.page is not None:
        return render_page(answer.page)
    head = f"没有找到名单“{answer.name}”。" if answer.asked == "open" and not answer.found and answer.name else ""
    if not answer.lists:
        return head + "您还没有保存名单。找客群后说“保存为名单:名字”就能留着以后用。"
    lines = [head + "您保存的名单:"]
    lines.extend(f"{line.number}. {line.name}:{describe(line.segment)},目前{line.total}位" for line in answer.lists)
    lines.append("说“打开名单1”或“打开名单:名字”查看。")
    return "\n".join(lines)


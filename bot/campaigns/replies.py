"""All the Chinese text of campaigns (营销活动): the draft's summary, what was made, outcomes,
progress, reassignment, notifications, and a target's one-line reason."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.campaigns.results import (
    CampaignCreated,
    CampaignItem,
    CampaignPlan,
    CampaignProgress,
    OutcomeRecorded,
    OutcomeResult,
    PlanOutcome,
    Reassigned,
)
from bot.segments.conditions import Segment
from bot.segments.replies import describe
from bot.vocabulary.money import format_amount

STATUS_NAMES = {"open": "未联系", "contacted": "已联系", "interested": "有意向", "converted": "已成交",
                "declined": "不需要"}
ASSIGNMENT_NAMES = {"by_manager": "按客户经理分(无管户经理的归您)", "evenly": "轮流分给{names}", "to_me": "都给您"}
MAKERS_ONLY = "营销活动由行长、客户经理或理财经理发起。您可以先找客群,再请他们建活动。"
NO_SEGMENT = "先说要找哪些客户,比如“下个月到期的客户”,列出来后再说“做个活动,推大额存单,按客户经理分,月底前”。"
ASK_PRODUCT = "这次活动推什么产品?比如“推大额存单”“推基金定投”。"
CANCELLED = "好的,活动没有创建。"
OUTCOME_WORDS_HELP = "活动客户的结果可以说:已联系、有意向、成交(可带金额,如“成交10万”)、不需要。"
NOT_A_CAMPAIGN_ITEM = "这一条不是营销活动的客户。跟进办完说“完成第N条”;转介的进展说“<转介编号>已联系”。"
NOT_FOUND = "没找到您名下这个活动客户。说“我的待办”看活动客户的序号,再说“第N个已联系”。"
NO_CAMPAIGN = "还没有您能看的营销活动。先找客群,再说“做个活动,推…”。"
NOT_HEAD = "只有行长可以调整活动客户的分配。"


def _day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def default_name(product_word: str | None, segment: Segment) -> str:
    """"沉睡唤醒·推理财", "定期到期客户·推大额存单", "代理网点·60岁及以上·推定期"."""
    base = segment.scene or (f"{segment.maturing_word or ''}到期客户" if segment.maturing else describe(segment)[:24])
    return f"{base}·推{product_word}" if product_word else base


def target_reason(target, segment: Segment, assets: Decimal | None, today: date) -> str:
    """Why this customer is in the campaign, one line (bot.campaigns.targets.Target)."""
    if target.maturing is not None:
        m = target.maturing
        return f"{m.product_name} {_day(m.maturity_date)}到期 {format_amount(m.amount)}"
    if segment.birthday_from is not None and target.birth_date is not None:
        return f"{target.birth_date.month}月{target.birth_date.day}日生日"
    if segment.no_contact_days is not None:
        return f"{segment.no_contact_days}天未联系" + (f",资产{format_amount(assets)}" if assets else "")
    return f"资产{format_amount(assets or Decimal(0))}"


def _assignment(plan: CampaignPlan) -> str:
    given = {a.name for a in plan.assignees}
    named = plan.colleagues or tuple(a.name for a in plan.assignees)
    text = ASSIGNMENT_NAMES.get(plan.assignment, "").format(names="、".join(named))
    idle = [name for name in named if name not in given]
    if plan.assignment == "evenly" and idle:
        text += f"({'、'.join(idle)}不服务这些客户的网点,没有分到)"
    return text


def render_plan(plan: CampaignPlan, today: date) -> str:
    if plan.outcome is PlanOutcome.NOT_ALLOWED:
        return MAKERS_ONLY
    if plan.outcome is PlanOutcome.NO_SEGMENT:
        return NO_SEGMENT
    if plan.outcome is PlanOutcome.NO_PRODUCT:
        return ASK_PRODUCT
    if plan.outcome is PlanOutcome.TOO_MANY:
        return (f"这个客群有{plan.segment_total}位客户,一个活动最多5000位。请先缩小范围,比如“改成10万以上”"
                f"“只要代理网点的”,再建活动。")
    if plan.outcome is PlanOutcome.NOT_ON_SALE:
        return f"“{plan.product_word}”目前没有在售的产品,活动没有创建。换个产品试试,比如“推大额存单”“推理财”。"
    if plan.outcome is PlanOutcome.UNKNOWN_COLLEAGUE:
        return f"您的网点没有叫“{plan.unknown}”的同事,活动没有创建。请说同事的全名,或“按客户经理分”“都给我”。"
    lines = [f"营销活动草稿:{plan.name}",
             f"推:{plan.product_word} · 截止{_day(plan.deadline)}" + ("(今天)" if plan.deadline == today else ""),
             f"客群:{describe(plan.segment)},共{plan.segment_total}位"]
    left = []
    if plan.unsuitable:
        left.append(f"{plan.unsuitable}位按适当性规则不能买{plan.product_word}(风险等级、年龄或网点渠道)")
    if plan.out_of_scope:
        left.append(f"{plan.out_of_scope}位不在所分同事服务的网点")
    if left:
        lines.append("排除:" + ";".join(left))
    if plan.outcome is PlanOutcome.NO_ONE:
        lines.append("排除后没有客户可以推,活动没有创建。可以换个产品或客群再说一次。")
        return "\n".join(lines)
    lines.append(f"活动客户:{plan.targets}位,{_assignment(plan)}")
    lines.append("分配:" + "、".join(f"{a.name}{a.count}位" for a in plan.assignees))
    lines.append("回复“确认”创建,“取消”放弃;也可以改,如“截止改成12月31日”“换成理财”“都给我”。")
    return "\n".join(lines)


def render_created(created: CampaignCreated) -> str:
    plan = created.plan
    if not created.campaign_no:
        return render_plan(plan, plan.deadline)
    people = "、".join(f"{a.name}{a.count}位" for a in plan.assignees)
    head = "已创建" if created.created else "这个活动已经创建过"
    return (f"{head}营销活动 {created.campaign_no}「{plan.name}」:{plan.targets}位客户({people}),"
            f"截止{_day(plan.deadline)}。客户已进入各自的待办,说“活动进度”看进展。")


def assigned_notice(plan: CampaignPlan, maker: str, count: int) -> str:
    return (f"新营销活动「{plan.name}」:{maker}分给您{count}位客户,推{plan.product_word},截止{_day(plan.deadline)}。"
            "说“我的待办”查看。")


def reassigned_notice(campaign_name: str, from_name: str, count: int, maker: str) -> str:
    return f"{maker}把营销活动「{campaign_name}」中{from_name}未联系的{count}位客户转给了您,说“我的待办”查看。"


def item_reason(item: CampaignItem, today: date) -> str:
    """A campaign customer's line in the daily list."""
    state = "" if item.status == "open" else f"({STATUS_NAMES[item.status]})"
    late = ",已过截止日" if item.overdue else ""
    return f"活动「{item.campaign_name}」推{item.product_word}{state}:{item.reason},截止{_day(item.deadline)}{late}"


def render_outcome(recorded: OutcomeRecorded) -> str:
    if recorded.result is OutcomeResult.NO_STATUS:
        return OUTCOME_WORDS_HELP
    if recorded.result is OutcomeResult.NOT_A_CAMPAIGN_ITEM:
        return NOT_A_CAMPAIGN_ITEM
    if recorded.result is OutcomeResult.NOT_FOUND:
        return NOT_FOUND
    if recorded.result is OutcomeResult.AMBIGUOUS:
        return "您的活动客户里有同名的,请说“我的待办”,再用序号说,如“第3个已联系”。"
    who = f"{recorded.customer_name}({recorded.customer_id})"
    if recorded.result is OutcomeResult.CLOSED:
        return f"{who}在活动「{recorded.campaign_name}」里已经是“{STATUS_NAMES[recorded.to_status]}”,没有再改。"
    amount = f",金额{format_amount(recorded.amount)}" if recorded.to_status == "converted" and recorded.amount else ""
    if recorded.from_status == recorded.to_status:
        return f"{who}在活动「{recorded.campaign_name}」里已经是“{STATUS_NAMES[recorded.to_status]}”{amount}。"
    return (f"已记录:{who} 活动「{recorded.campaign_name}」"
            f"{STATUS_NAMES[recorded.from_status]}→{STATUS_NAMES[recorded.to_status]}{amount}。")


def _person_line(p) -> str:
    amount = f",金额{format_amount(p.amount)}" if p.amount else ""
    overdue = f",逾期未联系{p.overdue}" if p.overdue else ""
    return (f"{p.name}:{p.targets}位,已联系{p.contacted},有意向{p.interested},成交{p.converted}"
            f"{amount},不需要{p.declined}{overdue}")


def render_progress(progress: CampaignProgress, today: date) -> str:
    if not progress.found:
        return NO_CAMPAIGN
    ended = "(已过截止日)" if progress.deadline < today else ""
    lines = [f"营销活动 {progress.campaign_no}「{progress.name}」推{progress.product_word},截止{_day(progress.deadline)}{ended}:"]
    lines.extend(_person_line(p) for p in progress.people)
    if len(progress.people) > 1:
        lines.append(_person_line(progress.total))
    if progress.others:
        lines.append("其他活动:" + "、".join(progress.others) + "(说“<活动名>进度”查看)")
    return "\n".join(lines)


def render_reassigned(result: Reassigned) -> str:
    if result.problem == "not_head":
        return NOT_HEAD
    if result.problem == "no_campaign":
        return NO_CAMPAIGN
    if result.problem == "unknown_colleague":
        return f"没找到同事“{result.from_name}”或“{result.to_name}”,没有调整。请用全名。"
    if not result.moved:
        return f"活动「{result.campaign_name}」里{result.from_name}没有未联系的客户可以转给{result.to_name}。"
    kept = f";{result.kept}位不在{result.to_name}服务的网点,仍归{result.from_name}" if result.kept else ""
    return f"已把活动「{result.campaign_name}」中{result.from_name}未联系的{result.moved}位客户转给{result.to_name}{kept}。"

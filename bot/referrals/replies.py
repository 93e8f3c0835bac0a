"""The Chinese text of the referral capability: reasons, notifications, summaries, and what the
conversations that make and update a referral ask and answer.

Constants and plain functions of the service's results; the actions, the conversations and the
outbox all use them, so a chat reply and a pushed notification say the same thing the same way.
"""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from bot.access import ROLE_NAMES
from bot.vocabulary.money import format_amount

if TYPE_CHECKING:  # only for type names; no import cycle at run time
    from bot.referrals.lifecycle import TransitionProblem
    from bot.referrals.results import (
        Draft,
        Performance,
        Ranking,
        ReceiverInfo,
        ReferralLists,
        ReferralSummary,
        SlaReport,
        TransitionResult,
    )

STATUS_NAMES = {
    "new": "待接收",
    "accepted": "已接受",
    "contacted": "已联系",
    "converted": "已成交",
    "lost": "未成交",
    "cancelled": "已撤销",
}


def status_name(status: str) -> str:
    return STATUS_NAMES.get(str(getattr(status, "value", status)), str(status))


def receiver_line(receiver: "ReceiverInfo") -> str:
    """'王芳,网点客户经理,当前待办3条': who, in which capacity, how busy."""
    role = ROLE_NAMES.get(receiver.role, receiver.role)
    where = "网点" if receiver.at_customer_branch else f"{receiver.branch_name}(负责该网点)"
    return f"{receiver.name},{where}{role},当前待办{receiver.open_count}条"


def routing_reason(draft_routed_by: str, receiver: "ReceiverInfo", role_asked: str | None, category: str | None) -> str:
    line = receiver_line(receiver)
    if draft_routed_by == "named":
        return line
    if draft_routed_by == "role":
        return f"按{ROLE_NAMES.get(role_asked or '', role_asked or '')}分配给待办最少的:{line}"
    if draft_routed_by == "category_default":
        return f"{category or ''}业务默认分配给待办最少的:{line}"
    wanted = ROLE_NAMES.get(role_asked or "", "") or "合适的同事"
    return f"该网点没有可接收的{wanted},转给网点负责人:{line}"


def named_unknown(name: str) -> str:
    return f"没有找到叫{name}的同事。"


def named_cannot_serve(name: str, branch_names: list[str], customer_branch: str) -> str:
    where = "、".join(branch_names) or "其他网点"
    return f"{name}在{where},不负责{customer_branch}的客户。"


def no_receiver(customer_branch: str) -> str:
    return f"{customer_branch}没有可以接收转介的同事(也没有网点负责人),请指定接收人。"


def referral_label(summary: "ReferralSummary") -> str:
    name = summary.customer_name or "客户"
    return f"{summary.referral_no} {name} {summary.product_word}"


def draft_confirmation(draft: "Draft") -> str:
    lines = [
        f"转介客户:{draft.customer.name}({draft.customer.customer_id})",
        f"意向产品:{draft.product_word}({draft.category})",
        f"接收人:{draft.reason}",
    ]
    if draft.note:
        lines.append(f"备注:{draft.note}")
    for dup in draft.duplicates:
        lines.append(
            f"注意:该客户已有未完成的{dup.category}转介 {dup.referral_no}(接收人{dup.receiver_name},{status_name(dup.status)})。"
        )
    return "\n".join(lines)


TRANSITION_PROBLEMS = {
    "not_receiver": "只有接收人或网点负责人可以更新这条转介。",
    "only_referrer_cancels": "只有转介人本人可以撤销转介;如果客户不办了,请由接收人记为未成交。",
    "cancel_only_while_new": "转介已被接收,不能再撤销;如客户不办了,请接收人记为未成交。",
    "already_closed": "这条转介已经结束({status}),不能再改状态。",
    "already_in_status": "这条转介已经是{status}了。",
    "backwards": "转介状态不能倒退(当前{status})。",
    "unknown_status": "没听懂要改成什么状态,可以说:接受、已联系、成交、未成交或撤销。",
    "bad_amount": "金额没看懂,请说类似“20万”或“3000元”。",
}


def transition_problem_text(problem: "TransitionProblem", current_status: str | None) -> str:
    template = TRANSITION_PROBLEMS.get(str(getattr(problem, "value", problem)), "不能这样更新转介。")
    return template.format(status=status_name(current_status or ""))


# ---------------------------------------------------------------------------- notifications


def notify_arrived(summary: "ReferralSummary", referrer_name: str) -> str:
    text = f"【新转介】{referrer_name}转介给您:{summary.customer_name} 意向{summary.product_word},编号{summary.referral_no}。"
    if summary.note:
        text += f"备注:{summary.note}。"
    return text + f"请在{summary.sla_due_at:%m月%d日%H:%M}前联系客户。"


def notify_accepted(summary: "ReferralSummary") -> str:
    return f"【转介进展】您转介的{summary.customer_name}({summary.product_word},{summary.referral_no})已被{summary.receiver_name}接受。"


def notify_converted(summary: "ReferralSummary", points: int) -> str:
    amount = f" {format_amount(summary.converted_amount)}" if summary.converted_amount else ""
    product = summary.converted_product_word or summary.product_word
    credit = f",您获得转介积分{points}分" if points else ""
    return f"【转介成交】您转介的{summary.customer_name}已成交:{product}{amount}({summary.referral_no}){credit}。"


def notify_lost(summary: "ReferralSummary", note: str | None) -> str:
    why = f",原因:{note}" if note else ""
    return f"【转介结果】您转介的{summary.customer_name}({summary.product_word},{summary.referral_no})未成交{why}。"


def notify_cancelled(summary: "ReferralSummary") -> str:
    return f"【转介撤销】{summary.referrer_name}撤销了转介 {summary.referral_no}({summary.customer_name} {summary.product_word}),无需再跟进。"


def notify_sla_reminder(summary: "ReferralSummary") -> str:
    return (
        f"【转介提醒】{summary.customer_name}({summary.product_word},{summary.referral_no})还没有联系,"
        f"请在{summary.sla_due_at:%m月%d日%H:%M}前联系客户。"
    )


def notify_sla_overdue(summary: "ReferralSummary") -> str:
    return f"【转介超时】{summary.customer_name}({summary.product_word},{summary.referral_no})已超过联系时限,已告知网点负责人。"


def notify_sla_escalation(summary: "ReferralSummary") -> str:
    return (
        f"【转介超时】{summary.receiver_name}接收的转介 {summary.referral_no}({summary.customer_name} "
        f"{summary.product_word},{summary.referrer_name}转介)已超过联系时限仍未联系客户,请督办。"
    )


# ---------------------------------------------------------------------------- lists and statistics


def summary_line(summary: "ReferralSummary", incoming: bool) -> str:
    who = f"来自{summary.referrer_name}" if incoming else f"给{summary.receiver_name}"
    overdue = " ⚠已超时" if summary.overdue else ""
    name = summary.customer_name or "(其他网点客户)"
    return f"{summary.referral_no} {name} {summary.product_word} {who} {status_name(summary.status)}{overdue}"


def lists_text(lists: "ReferralLists") -> str:
    parts = []
    for title, items, incoming in (("我收到的转介", lists.received, True), ("我发出的转介", lists.sent, False)):
        if items:
            parts.append(f"{title}({len(items)}条):")
            parts.extend(f"  {summary_line(item, incoming)}" for item in items)
    return "\n".join(parts) if parts else "您还没有转介记录。"


def rate_text(rate: Decimal | None) -> str:
    return "—" if rate is None else f"{(rate * 100).quantize(Decimal('0.1'))}%"


def ranking_text(ranking: "Ranking", colleague: str | None = None) -> str:
    """The branch's month and its ranking; with `colleague` ("王芳这个月转介怎么样"), her line
    alone, or that the branch has nobody of that name before the whole ranking."""
    if colleague:
        row = next((row for row in ranking.rows if row.name == colleague), None)
        if row is not None:
            return (f"{row.name}({row.role_name}){ranking.month} 转介:发出{row.sent}条,成交{row.converted}条"
                    f"(成交率{rate_text(row.conversion_rate)}),积分{row.credit}分,"
                    f"{ranking.branch_name}排名第{row.rank}/{len(ranking.rows)}。")
        return f"{ranking.branch_name}没有叫{colleague}的同事。全网点的情况:\n" + ranking_text(ranking)
    lines = [
        f"{ranking.branch_name} {ranking.month} 转介:发出{ranking.sent}条,成交{ranking.converted}条,"
        f"成交率{rate_text(ranking.conversion_rate)},积分{ranking.credit}分"
    ]
    for row in ranking.rows[:10]:
        lines.append(f"  第{row.rank}名 {row.name} 积分{row.credit} 成交{row.converted}/{row.sent}")
    if ranking.my_rank is not None:
        lines.append(f"您排第{ranking.my_rank}名(共{len(ranking.rows)}人)。")
    return "\n".join(lines)


def performance_text(perf: "Performance") -> str:
    rank = f",网点排名第{perf.rank}/{perf.ranked}" if perf.rank else ""
    return (
        f"{perf.month} 您发出转介{perf.sent}条,成交{perf.converted}条(成交率{rate_text(perf.conversion_rate)}),"
        f"积分{perf.credit}分{rank};您手上待办{perf.open_received}条,其中超时{perf.overdue_received}条。"
    )


def sla_report_lines(report: "SlaReport") -> list[str]:
    lines = [f"提醒 {item.referral_no} 接收人{item.receiver_name}" for item in report.reminders]
    lines += [f"超时上报 {item.referral_no} 接收人{item.receiver_name} → {item.escalated_to or '无网点负责人'}" for item in report.escalations]
    return lines


# ---------------------------------------------------------------------------- making one

ASK_CUSTOMER = "要转介哪位客户?发姓名、手机号或客户号。回复“取消”放弃。"


ASK_PRODUCT = "客户对什么产品感兴趣?比如 理财、基金定投、大额存单、房贷、信用卡。"


NOT_A_REFERRAL = "没看懂这条转介。请说说客户、产品和转给谁,比如“王建国想办房贷,转给陈静”。"


CANCELLED = "好的,这条转介已取消,什么都没有保存。"


RECEIVER_UNKNOWN = "找不到这位接收人。"
RECEIVER_IS_SELF = "不能转介给自己。"


def ask_product_for(customer_name: str | None) -> str:
    """ASK_PRODUCT, with the customer's name when it is known ("王建国对什么产品感兴趣?…")."""
    return f"{customer_name}对什么产品感兴趣?" + ASK_PRODUCT.split("?", 1)[1] if customer_name else ASK_PRODUCT


CUSTOMER_NOT_IN_YOUR_BRANCHES = "在您服务的网点里没有找到这位客户。" + ASK_CUSTOMER


def product_not_recognised(word: str) -> str:
    return f"没认出“{word}”是哪类产品。" + ASK_PRODUCT


def product_not_understood(word: str | None) -> str:
    return f"没听懂“{word or ''}”是哪类产品。"


ROLE_NOT_RECOGNISED = "没认出要转给哪个岗位。"

RECEIVER_CANNOT_TAKE = "这位同事接不了这条转介。"


def customer_not_colleague(name: str) -> str:
    """A customer's name given where the receiver was asked."""
    return (f"“{name}”是您的客户,不是同事。这条转介还在等接收人;"
            "要查客户,请先回复“取消”放弃这条转介。")


def receivers_offered(alternatives: "list[ReceiverInfo]") -> str:
    """The colleagues who could take it, numbered, after a receiver who cannot."""
    if not alternatives:
        return "\n请换一位同事,或回复“默认”按规则分配,回复“取消”放弃。"
    lines = [f"{i}. {receiver_line(a)}" for i, a in enumerate(alternatives, 1)]
    return "\n可以转给:\n" + "\n".join(lines) + "\n回复序号或姓名,回复“默认”按规则分配,或回复“取消”。"


NO_PRODUCT_YET = "还没有意向产品,这条转介还不能保存。客户对什么产品感兴趣?比如 理财、基金定投、大额存单;不转了就回复“取消”。"
NO_RECEIVER_YET = "还没有接收人,这条转介还不能保存。回复序号或同事姓名,回复“默认”按规则分配,或回复“取消”。"

RECEIVER_NOT_UNDERSTOOD = "没看懂要转给谁。回复序号或同事姓名,回复“默认”按规则分配,或回复“取消”。"


def open_duplicate(customer_name: str, duplicate: "ReferralSummary") -> str:
    """The customer already has an open referral of that category: add to it, or make another."""
    return (f"{customer_name}已有一条未完成的{duplicate.category}转介:"
            f"{summary_line(duplicate, incoming=False)}。\n"
            "回复“补充”把这次的情况加到那条转介的备注里,回复“新建”仍然新建一条,或回复“取消”。")


def referred_again(referrer_name: str, product_word: str | None) -> str:
    """The note added to the open referral when the employee adds to it without a note of her own."""
    return f"{referrer_name}再次转介,意向{product_word}"


NOTE_NOT_ADDED = "没能补充到那条转介(可能已结束),请回复“新建”或“取消”。"


def note_added(referral_no: str) -> str:
    return f"已把情况补充到转介 {referral_no} 的备注里,没有新建转介。"


ADD_OR_NEW = "请回复“补充”加到已有的转介,回复“新建”仍然新建,或回复“取消”。"


def confirm_summary(draft: "Draft") -> str:
    return ("请确认这条转介:\n" + draft_confirmation(draft)
            + "\n回复“确认”保存,“取消”放弃;要改直接说,如“转给理财经理”“产品改成基金定投”“客户改成某某”。")


ASK_WHAT_TO_CHANGE = "要改哪一项?直接说,比如“转给理财经理”“转给王芳”“产品改成基金定投”“客户改成某某”;不转了就回复“取消”。"

NOT_SAVED_YET = "这条转介还没保存。回复“确认”保存,“取消”放弃,或直接说要改的地方。"


def saved(referral: "ReferralSummary", receiver: str) -> str:
    return (f"已保存,转介编号 {referral.referral_no}。\n"
            f"{referral.customer_name} · {referral.product_word} → {receiver}。\n"
            "已通知接收人;对方接单、成交或未成交时我会告诉您。")


CHANGED_BEFORE_SAVING = "保存前情况有变化,还没有保存。"


# ---------------------------------------------------------------------------- updating one

ASK_STATUS = "要把转介改成什么状态?可以说:接受、已联系、成交(最好带上金额和产品)、未成交,或撤销。"

REFERRAL_NOT_FOUND = "没有找到这条转介,或者您无权查看。"


def _mark(summary: "ReferralSummary") -> str:
    return f"{summary.referral_no}({summary.customer_name or '客户'} {summary.product_word})"


def no_open_referral(cancelling: bool) -> str:
    whose = "您发出的" if cancelling else "您可以更新的(您接收的,或您负责网点的)"
    return f"没有找到{whose}未完成转介。发“我的转介”看看全部,或带上转介编号再说一次。"


def which_referral(targets: "list[ReferralSummary]") -> str:
    lines = "\n".join(f"· {_mark(s)} {status_name(s.status)}" for s in targets[:5])
    return f"有{len(targets)}条转介可以更新,是哪一条?请带上编号或客户姓名再说一次:\n{lines}"


def update_refused(target: "ReferralSummary", reason: str) -> str:
    return f"{_mark(target)}:{reason}"


def updated(result: "TransitionResult", amount: str | None) -> str:
    """What a status change did: from and to, the credit of a conversion, whom it notified."""
    done, to = result.referral, str(getattr(result.to_status, "value", result.to_status))
    reply = f"已更新 {_mark(done)}:{status_name(result.from_status)} → {status_name(result.to_status)}。"
    if to == "converted":
        reply += f"已记成交{('金额' + amount) if amount else ''},转介人{done.referrer_name}获得积分{result.credit_points or 0}分,已通知对方。"
        if not amount:
            reply += "\n没记到金额,补充金额请说“{} 成交 20万”。".format(done.referral_no)
    elif to in ("accepted", "lost"):
        reply += f"已通知转介人{done.referrer_name}。"
    elif to == "cancelled":
        reply += f"已通知接收人{done.receiver_name}。"
    return reply

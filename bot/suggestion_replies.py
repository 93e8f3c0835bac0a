"""The Chinese text of product suggestions, built from bot.suggestions' results.

Short lines for phone screens; no phone or ID number ever appears here (the results carry none).
"""
from __future__ import annotations

from bot.customer_replies import STRANGER
from bot.eligibility import RULE_RISK
from bot.suggestions import PurchaseAnswer, PurchaseOutcome, SuggestionResult, SuggestOutcome

NOT_FOUND = "在您服务的网点里没有找到这位客户。可以发姓名、手机号或客户号再查一下。"
MORE_HINT = "说“再推荐几个”看更多。"
REFERRAL_HINT = "说“转介第一个给理财经理”可直接转介。"


def render_suggestions(result: SuggestionResult) -> str:
    if result.outcome is SuggestOutcome.STRANGER:
        return STRANGER
    if result.outcome is SuggestOutcome.NOT_FOUND:
        return NOT_FOUND
    name = result.customer_name
    if not result.suggestions:
        if result.offset:
            lines = [f"没有更多适合{name}的产品了,以上就是全部。"]
        else:
            lines = [f"暂时没有适合{name}推荐的产品。"]
        lines += [f"注意:{note}" for note in result.notes]
        return "\n".join(lines)
    first, last = result.suggestions[0].rank, result.suggestions[-1].rank
    what = f"{result.product_words}类产品" if result.product_words and not _unmatched(result) else "推荐"
    if result.offset:
        head = f"{name}的更多{'推荐' if what == '推荐' else what}(第{first}-{last}个):"
    else:
        head = f"给{name}({result.customer_id})的{what}:"
    lines = [head]
    for s in result.suggestions:
        lines.append(f"{s.rank}. {s.product_name} · {s.category} {s.risk_rating}")
        if s.reasons:
            lines.append(f"   理由:{';'.join(s.reasons)}")
    lines += [f"注意:{note}" for note in result.notes]
    hints = (MORE_HINT if result.has_more else "") + REFERRAL_HINT
    lines.append(hints)
    return "\n".join(lines)


def _unmatched(result: SuggestionResult) -> bool:
    return any(note.startswith("没找到") for note in result.notes)


def render_purchase_answer(answer: PurchaseAnswer) -> str:
    if answer.outcome is PurchaseOutcome.STRANGER:
        return STRANGER
    if answer.outcome is PurchaseOutcome.NOT_FOUND:
        return NOT_FOUND
    if answer.outcome is PurchaseOutcome.UNKNOWN_PRODUCT:
        words = f"“{answer.words}”" if answer.words else "这个产品"
        return (f"没找到{words}对应的产品。可以说产品名称,或者大额存单、定期、理财、基金、保险、黄金这样的类别。")
    if answer.outcome is PurchaseOutcome.CREDIT_PROCESS:
        what = answer.product_name or answer.words or "贷款、信用卡"
        return f"{what}属于授信类业务,不按风险等级做适当性匹配,需由客户经理按授信流程受理审批。"
    name = answer.customer_name
    # The assessment note, unless a reason already says the assessment must be renewed.
    notes = [f"注意:{note}" for note in answer.notes if not any("评估" in r for r in answer.reasons)]
    if answer.product_code is not None:
        if answer.allowed:
            lines = [f"可以。{name}可以买{answer.product_name}。"]
        else:
            lines = [f"不可以。{name}不能买{answer.product_name}。"]
        lines += [f"· {reason}" for reason in answer.reasons]
        return "\n".join(lines + notes)
    allowed = [p for p in answer.products if p.allowed]
    refused = [p for p in answer.products if not p.allowed]
    kind = answer.product_name or answer.words
    if allowed:
        lines = [f"可以。{name}可以买的{kind}:{'、'.join(p.product_name for p in allowed)}。"]
        lines += [f"· {reason}" for reason in answer.reasons]
        if refused:
            lines.append("不能买:" + "、".join(_refused(p) for p in refused[:4]) + ("等" if len(refused) > 4 else ""))
    else:
        lines = [f"不可以。{name}目前不能买{kind}类产品。"]
        lines += [f"· {reason}" for reason in answer.reasons]
    return "\n".join(lines + notes)


def _refused(verdict) -> str:
    """'沪深300指数基金(R4)' when the risk rating rules it out, else the product and its reason."""
    if verdict.rule == RULE_RISK:
        return f"{verdict.product_name}({verdict.risk_rating})"
    return f"{verdict.product_name}({verdict.reasons[0]})"

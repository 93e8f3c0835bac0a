"""The Chinese text of product suggestions, built from bot.suggestions' results.

Short lines for phone screens; no phone or ID number ever appears here (the results carry none).
"""
from __future__ import annotations

from decimal import Decimal

from bot.suggestions.eligibility import RULE_RISK
from bot.suggestions.results import PurchaseAnswer, PurchaseOutcome, SuggestionResult, SuggestOutcome
from bot.vocabulary.money import format_amount

NOT_FOUND = "在您服务的网点里没有找到这位客户。可以发姓名、手机号或客户号再查一下。"
MORE_HINT = "说“再推荐几个”看更多。"
REFERRAL_HINT = "说“转介第一个给理财经理”可直接转介。"
# A minimum purchase worth saying in a list: below it anyone can buy ("起购50元" is noise there).
# The yes/no answer about one product always says its minimum.
MIN_AMOUNT_WORTH_SAYING = Decimal(1000)

# Notes of a suggestion list (SuggestionResult.notes), written by the service with these.
NOTHING_ON_SALE = "暂无在售的可推荐产品"
ALL_ON_SALE_HELD = "在售产品客户都已持有,暂无可推荐的新产品"


def only_shown(count: int) -> str:
    """"第二个她能买吗" when the list shown has fewer products."""
    return f"刚才只推荐了{count}个产品。可以说“第一个她能买吗”,或说产品名称,如“她能买大额存单吗”。"


def no_such_product(words: str) -> str:
    return f"没找到“{words}”对应的产品,以下按全部产品推荐"


def no_product_of_kind(words: str) -> str:
    return f"客户目前没有可买的{words}类产品(已持有或不符合适当性规则)"


def no_product_fits_the_rules(most_common_reason: str) -> str:
    return f"暂无符合全部适当性规则的产品({most_common_reason})"


def _minimum(amount: Decimal) -> str | None:
    """'起购20万' for a minimum worth saying in a list, else None. Information only: whether the
    customer has that money is not for the bank to say (it sees only what she holds with it)."""
    amount = Decimal(amount or 0)
    return f"起购{format_amount(amount)}" if amount >= MIN_AMOUNT_WORTH_SAYING else None


def render_suggestions(result: SuggestionResult) -> str:
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
        minimum = _minimum(s.min_amount)
        lines.append(f"{s.rank}. {s.product_name} · {s.category} {s.risk_rating}" + (f" · {minimum}" if minimum else ""))
        if s.reasons:
            lines.append(f"   理由:{';'.join(s.reasons)}")
    lines += [f"注意:{note}" for note in result.notes]
    hints = (MORE_HINT if result.has_more else "") + REFERRAL_HINT
    lines.append(hints)
    return "\n".join(lines)


def _unmatched(result: SuggestionResult) -> bool:
    return bool(result.product_words) and no_such_product(result.product_words) in result.notes


def render_answer(result: SuggestionResult | PurchaseAnswer) -> str:
    """The reply to one suggestion message (SuggestionService.answer's result)."""
    return render_purchase_answer(result) if isinstance(result, PurchaseAnswer) else render_suggestions(result)


def render_purchase_answer(answer: PurchaseAnswer) -> str:
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
    lines = []
    if answer.unmatched:
        # Part of the words named nothing: say so, and what the answer is about instead.
        lines.append(f"没找到“{answer.words}”这款产品,以下按{answer.kind or answer.product_name}回答。")
    if answer.product_code is not None:
        product = answer.product_name
        if answer.kind and not answer.unmatched and answer.kind not in product:
            product += f"({answer.kind}只有这一款在售)"
        if answer.allowed:
            lines.append(f"可以。{name}可以买{product}。")
        else:
            lines.append(f"不可以。{name}不能买{product}。")
        lines += [f"· {reason}" for reason in answer.reasons]
        return "\n".join(lines + notes)
    allowed = [p for p in answer.products if p.allowed]
    refused = [p for p in answer.products if not p.allowed]
    kind = answer.kind or answer.product_name or answer.words
    total = f"{kind}共{len(answer.products)}款"
    if allowed:
        names = "、".join(_allowed(p) for p in allowed)
        if refused:
            lines.append(f"可以。{total},{name}可以买其中{len(allowed)}款:{names}。")
        else:
            lines.append(f"可以。{total},{name}都可以买:{names}。")
        lines += [f"· {reason}" for reason in answer.reasons]
        if refused:
            lines.append("不能买:" + "、".join(_refused(p) for p in refused[:4]) + ("等" if len(refused) > 4 else ""))
    else:
        lines.append(f"不可以。{total},{name}都不能买。")
        lines += [f"· {reason}" for reason in answer.reasons]
    return "\n".join(lines + notes)


def _allowed(verdict) -> str:
    """'大额存单3年(起购20万)', or the name alone when its minimum is not worth saying."""
    minimum = _minimum(verdict.min_amount)
    return f"{verdict.product_name}({minimum})" if minimum else verdict.product_name


def _refused(verdict) -> str:
    """'沪深300指数基金(R4)' when the risk rating rules it out, else the product and its reason."""
    if verdict.rule == RULE_RISK:
        return f"{verdict.product_name}({verdict.risk_rating})"
    return f"{verdict.product_name}({verdict.reasons[0]})"


UNKNOWN_PRODUCT = "行里没有叫「{words}」的产品,没法判断能不能买。请发产品全名(如“大额存单3年”),或发“给她推荐点产品”看她能买的。"

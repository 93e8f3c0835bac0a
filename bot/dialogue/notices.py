"""The one-line notices of the protocol: a draft kept below an answer, a draft dropped, whose
record the bot is talking about.
"""
from __future__ import annotations

from bot.dialogue.waiting import Draft, Step


def kept_notice(draft: Draft) -> str:
    """The line under an answer given while a draft waits."""
    if draft.step == Step.CONFIRM:
        return f"(您还有一条{draft.what}没保存:回复“确认”保存,“取消”放弃。)"
    asked = {
        Step.CUSTOMER: "还等您说是哪位客户",
        Step.PRODUCT: "还等您说客户想要什么产品",
        Step.RECEIVER: "还等您说转给哪位同事",
        Step.DUPLICATE: "还等您回复“补充”或“新建”",
    }.get(Step(draft.step), "还没保存")
    return f"(您还有一条{draft.what}{asked};回复“取消”放弃。)"


def dropped_notice(draft: Draft, because: str) -> str:
    if because == "expired":
        return f"(您之前那条{draft.what}超过30分钟没确认,已作废,没有保存。)"
    if because == "to_referral":
        return f"(刚才那条{draft.what}没有保存,改为转介。)"
    return f"(刚才那条{draft.what}已放弃,没有保存。)"


def context_line(name: str) -> str:
    """Said by every draft built on the customer in context: whose record it will be."""
    return f"按上下文,客户是{name}。不对的话请说“客户是某某”。"

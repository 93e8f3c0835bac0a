"""What a question about referral figures asks: which month ("上个月", "10月"), and whether it
asks about oneself or the whole branch ("我们网点谁转介最多").
"""
from __future__ import annotations

import re

MONTH_IN_TEXT = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(?:份)?")


def month_asked(text: str, today) -> str:
    """The month a statistics question is about, as 'YYYY-MM': 本月 by default, 上个月, '10月'."""
    year, month = today.year, today.month
    if "上个月" in text or "上月" in text:
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    else:
        found = MONTH_IN_TEXT.search(text)
        if found and 1 <= int(found.group(2)) <= 12:
            month = int(found.group(2))
            year = int(found.group(1)) if found.group(1) else (year if month <= today.month else year - 1)
    return f"{year:04d}-{month:02d}"


_ABOUT_EVERYONE = re.compile(r"排行|排名|榜|排第|第几|谁|哪个|哪位|哪些人|大家|各位|每个人|全网点|全行")


def asks_own_figures(text: str) -> bool:
    """"我的转介业绩", "我这个月积分多少" ask about oneself; "排行", "排名", "我们网点谁转介最多"
    about the branch (我们/咱们 is the branch, not the employee)."""
    about_me = "我" in re.sub(r"我们|我行|我司|咱们", "", text)
    return about_me and not _ABOUT_EVERYONE.search(text)


def colleague_asked_about(text: str, entities: dict[str, list[str]]) -> str | None:
    """"王芳这个月转介怎么样": the one person whose figures are asked (a colleague's name the NLU
    tagged, as a colleague or as a customer); None for the branch or oneself ("排行", "我的")."""
    if _ABOUT_EVERYONE.search(text):
        return None
    names = [*(entities.get("staff_name") or []), *(entities.get("customer_name") or [])]
    return names[0] if names else None

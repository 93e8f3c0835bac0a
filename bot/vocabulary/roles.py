"""What staff call each other's roles: 客户经理, 理财师, 行长… -> the role of bot.access.ROLE_NAMES.

A role word names a colleague, never a product: 理财经理 is a person, not 理财 (see
bot.vocabulary.products.product_word_in, which takes these words out before looking for products).
"""
from __future__ import annotations

from bot.access import ROLE_NAMES
from bot.vocabulary.width import to_half_width

ROLE_WORDS: dict[str, str] = {
    "客户经理": "customer_manager", "客户经理们": "customer_manager", "信贷经理": "customer_manager",
    "管户经理": "customer_manager",
    "理财经理": "wealth_manager", "财富经理": "wealth_manager", "理财师": "wealth_manager",
    "理财顾问": "wealth_manager", "财富顾问": "wealth_manager",
    "大堂经理": "lobby_manager", "大堂": "lobby_manager",
    "柜员": "teller", "柜台": "teller", "综合柜员": "teller",
    "行长": "branch_head", "网点负责人": "branch_head", "负责人": "branch_head", "网点主任": "branch_head",
    "主任": "branch_head", "支行长": "branch_head", "网点行长": "branch_head",
}
# The roles' own names ("wealth_manager"), as the NLU's canonical values may give them.
ROLE_WORDS.update({role: role for role in ROLE_NAMES})

# Role words as they can appear inside a message, longest first (理财经理 before 理财师).
ROLE_WORDS_LONGEST_FIRST: tuple[str, ...] = tuple(
    sorted((word for word in ROLE_WORDS if len(word) >= 2 and not word.isascii()), key=len, reverse=True)
)


def role_from_word(word: str | None) -> str | None:
    """'客户经理', '行长', 'wealth_manager' -> the role value, or None."""
    if not word:
        return None
    word = to_half_width(word).strip()
    return ROLE_WORDS.get(word) or ROLE_WORDS.get(word.lower())

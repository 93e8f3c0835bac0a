"""What a product-suggestion message asks for, read from its words (no Rasa here).

"给他推荐点产品" → the best products; "再推荐几个" → the next ones for the same customer;
"她能买大额存单吗" → yes or no for that product, with the rule that decided; "给她推荐点理财"
→ the best products of that kind. "转介第一个给理财经理" names a product by its number in the
list last shown.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.vocabulary.numbers import parse_ordinal

# "再推荐几个", "还有别的吗", "换几个", "下一批", "更多推荐".
_MORE = re.compile(r"再(推荐|来|给|推|看)|还有(别的|其他|其它|啥|什么)|别的|其他|其它|换(几|一批|一些|个)|下一批|更多")
# A yes-or-no question about buying: "能买…吗", "可以买…吗", "能不能", "适不适合", "够不够条件".
_QUESTION = re.compile(
    r"能不能|可不可以|可以不|能否|适不适合|合不合适|够不够|行不行|要不要"
    r"|(能|可以|可|适合|合适|够|行)[^,，。]{0,12}(吗|么|嘛|不|没)[?？]?\s*$"
    r"|(吗|么|嘛)[?？]?\s*$"
)


@dataclass(frozen=True)
class SuggestionRequest:
    more: bool  # the next products of the list already shown
    product_words: str | None  # 大额存单, 理财: about this product or kind
    yes_or_no: bool  # "能买X吗": answer yes or no, not a list


def read_request(text: str, product_words: list[str] | None) -> SuggestionRequest:
    words = " ".join(product_words or []) or None
    asks_yes_or_no = bool(words) and bool(_QUESTION.search(text or ""))
    return SuggestionRequest(more=bool(_MORE.search(text or "")) and not words, product_words=words,
                             yes_or_no=asks_yes_or_no)


def product_number(text: str) -> int | None:
    """"转介第一个给理财经理" → 1, "第十二款" → 12; None when the message names no position in a
    list with 第 (a bare number there is an amount or a time, not a product)."""
    return parse_ordinal(text, bare_numbers=False)

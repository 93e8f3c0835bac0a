"""Which products the words of a message mean: "大额存单", "R5的基金", "科技基金", "养老" -> products
of the catalogue (resolve_products), or none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from bot.models import (
    PRODUCT_CATEGORIES as CATEGORY_NAMES,
)
from bot.suggestions.eligibility import (
    ProductFacts,
)
from bot.vocabulary.products import PRODUCT_WORDS as CATEGORY_WORDS
from bot.vocabulary.width import to_half_width

# Words that stand for part of a category: the word -> what the product's name contains.
NAME_WORDS: dict[str, tuple[str, ...]] = {
    "定期": ("定期",), "定存": ("定期",), "整存整取": ("定期",), "活期": ("活期",), "存单": ("存单",),
    "大额存单": ("大额存单",), "国债": ("国债",), "现金管理": ("现金管理",), "货币基金": ("货币",),
    "债券基金": ("债券",), "指数基金": ("指数",), "股票基金": ("股票",), "混合基金": ("混合",),
    "定投": ("定投",), "基金定投": ("定投",), "养老金": ("养老",), "养老保险": ("养老",), "年金": ("年金",),
    "年金险": ("年金",), "重疾险": ("重疾",), "寿险": ("寿险",), "意外险": ("意外",), "黄金": ("金",),
    "金条": ("金条",), "积存金": ("积存金",), "房贷": ("住房",), "住房贷款": ("住房",), "消费贷": ("消费",),
    "经营贷": ("经营",), "惠农贷": ("惠农贷",), "白金卡": ("白金",),
}
_STRIP = ("产品", "吗", "么", "呢", "?", "?", "这个", "那个")

# Risk ratings as staff say them: "R5", "R3及以下", and the names of the rating scale.
RISK_WORDS: dict[str, int] = {"中低风险": 2, "中高风险": 4, "低风险": 1, "中风险": 3, "高风险": 5}
_RATING = re.compile(r"[Rr]\s*([1-5])\s*级?\s*(及以下|以下|以内|及以上|以上)?")
# Words around product words that name nothing ("R5的基金", "那款理财", "她的定期"), longest first.
_FILLER = ("类的", "那个", "这个", "那款", "这款", "那种", "这种", "那只", "这只", "一些", "一点", "产品", "客户",
           "的", "类", "型", "那", "这", "些", "点", "他", "她", "也", "还", "买")
# Terms in Chinese numerals as staff type them: 三年定期 is 定期3年, 三个月 is 3个月.
_TERM_NUMERALS = {"九十天": "90天", "一百八十天": "180天", "一百八天": "180天"}
_TERM_NUMERAL = re.compile(r"(?<![一二三四五六七八九十百])([一两二三四五六七八九十])(?=年|个月|天)")
_NUMERALS = {"一": "1", "两": "2", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8",
             "九": "9", "十": "10"}


def clean_words(words: str) -> str:
    text = to_half_width(words or "").strip()
    changed = True
    while changed:
        changed = False
        for part in _STRIP:
            if text.endswith(part) and len(text) > len(part):
                text, changed = text[: -len(part)].strip(), True
    return text


@dataclass(frozen=True)
class ProductMatch:
    """What product words mean in the catalogue."""

    products: tuple[ProductFacts, ...]  # most specific first; empty when the words mean nothing
    # The words as a kind when they name one (基金, 1年定期, R4的基金), not a product by its name.
    kind: str | None = None
    # A qualifier that matched none of the kind's products (养老 of 养老理财): `products` is then the
    # whole kind, and an answer must say the words were not found as such.
    unmatched: str = ""


def match_products(words: str, catalogue: Sequence[ProductFacts]) -> list[ProductFacts]:
    """The catalogue's products that staff mean by these words (see `resolve_products`)."""
    return list(resolve_products(words, catalogue).products)


def resolve_products(words: str, catalogue: Sequence[ProductFacts]) -> ProductMatch:
    """The catalogue's products that staff mean by these words: a product code, a product's name
    or part of one (科技基金 and 科技股票 are 科技行业股票基金: the distinctive part, in order), a
    kind named by a common word (大额存单, 定期, 1年定期, 金条) or a category (基金, 理财, 保险), a
    risk rating (R5的基金, R3及以下的理财, 中高风险基金). Most specific first; no products when
    nothing matches (a rating no product of the kind has: nothing, never another rating)."""
    word = _arabic_terms(clean_words(words))
    if not word:
        return ProductMatch(())
    by_code = [p for p in catalogue if p.code.upper() == word.upper()]
    if by_code:
        return ProductMatch(tuple(by_code))
    exact = [p for p in catalogue if p.name == word]
    if exact:
        return ProductMatch(tuple(exact))
    rated, rest = _rating_in(word)
    if rated is None:
        return _resolve(word, catalogue)
    pool = [p for p in catalogue if rated(p.risk)]
    rest = _without_filler(rest)
    if not rest:
        return ProductMatch(tuple(p for p in pool if not p.is_liability), word)
    inner = _resolve(rest, pool)
    if not inner.products or inner.unmatched:
        return ProductMatch(()) if not inner.products else ProductMatch(inner.products, word, inner.unmatched)
    return ProductMatch(inner.products, word if inner.kind or len(inner.products) > 1 else None)


def _resolve(word: str, pool: Sequence[ProductFacts]) -> ProductMatch:
    """Product words without a risk rating, within `pool`."""
    if word in CATEGORY_NAMES:  # 保险 is every insurance, not only those with 保险 in their name
        return ProductMatch(tuple(p for p in pool if p.category == word), word)
    bare = _without_filler(word)
    for form in dict.fromkeys((word, bare)):
        in_name = [p for p in pool if form and (form in p.name or (len(p.name) >= 3 and p.name in form))]
        if in_name:
            return ProductMatch(tuple(in_name), form if len(in_name) > 1 else None)
    if bare in CATEGORY_NAMES:
        return ProductMatch(tuple(p for p in pool if p.category == bare), bare)
    for key in sorted(NAME_WORDS, key=len, reverse=True):
        if key in bare:
            category = CATEGORY_WORDS.get(key)
            parts = NAME_WORDS[key]
            found = [p for p in pool if (category is None or p.category == category) and any(x in p.name for x in parts)]
            if found:
                return _narrowed(found, bare, key, key)
    for key in sorted(CATEGORY_WORDS, key=len, reverse=True):
        if key in bare:
            category = CATEGORY_WORDS[key]
            return _narrowed([p for p in pool if p.category == category], bare, key, category)
    if len(bare) >= 3:
        in_order = [p for p in pool if _in_order(bare, p.name)]
        if in_order:
            return ProductMatch(tuple(in_order), bare if len(in_order) > 1 else None)
    return ProductMatch(())


def _narrowed(found: list[ProductFacts], word: str, key: str, kind: str) -> ProductMatch:
    """The products of a kind that the rest of the words name too (科技 of 科技基金, 1年 of
    1年定期); the whole kind, with the rest as unmatched, when none does."""
    if not found:
        return ProductMatch(())
    rest = _without_filler(word.replace(key, " ", 1))
    if not rest:
        return ProductMatch(tuple(found), kind if len(found) > 1 or kind not in found[0].name else None)
    narrowed = [p for p in found if rest in p.name or _in_order(rest, p.name)]
    if narrowed:
        return ProductMatch(tuple(narrowed), word if len(narrowed) > 1 else None)
    return ProductMatch(tuple(found), kind, rest)


def _rating_in(word: str):
    """(a test of a product's risk 1..5, the words without the rating), or (None, word)."""
    found = _RATING.search(word)
    if found:
        level, bound = int(found.group(1)), found.group(2) or ""
        rest = word[:found.start()] + " " + word[found.end():]
        if "下" in bound or "内" in bound:
            return (lambda risk: risk <= level), rest
        if "上" in bound:
            return (lambda risk: risk >= level), rest
        return (lambda risk: risk == level), rest
    for name, level in RISK_WORDS.items():  # 中低风险 and 中高风险 before 低风险 and 高风险
        if name in word:
            return (lambda risk: risk == level), word.replace(name, " ", 1)
    return None, word


def _without_filler(words: str) -> str:
    text = words
    for filler in _FILLER:
        text = text.replace(filler, " ")
    return "".join(text.split())


def _in_order(part: str, name: str) -> bool:
    """Every character of `part` in `name`, in order (科技股票 in 科技行业股票基金)."""
    rest = iter(name)
    return all(ch in rest for ch in part)


def _arabic_terms(word: str) -> str:
    for numeral, digits in _TERM_NUMERALS.items():
        word = word.replace(numeral, digits)
    return _TERM_NUMERAL.sub(lambda m: _NUMERALS[m.group(1)], word)

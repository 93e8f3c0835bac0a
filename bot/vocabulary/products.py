"""What staff call the bank's products: one table from a word to the products it means.

A word means a whole category (基金, 保险) or a kind of product inside one, told apart the way
the bank tells them apart, not by the letters a product's name happens to contain:

* by term: 定期 (定存, 整存整取, 续存…) is a deposit that matures on a date, whatever the product is
  called (邮享定期1年, 大额存单3年, 储蓄国债3年 are all 定期); 活期 is a deposit that never matures;
* by what the product is, which its name says: 大额存单, 国债, 定投, 年金, 房贷 (住房贷款, 按揭)…

Referrals, visit notes and suggestions need only the category (`PRODUCT_WORDS`, word -> category,
`category_of_word`); the holdings questions ("她的定期什么时候到期") need the kind
(`PRODUCT_VOCABULARY`, `product_word_meaning`, `ProductWord.means`). The categories are
bot.models.PRODUCT_CATEGORIES; each is also a word for itself. Words for what is done with a
product (续存, `DEED_WORDS`) mean its products but are not product words of a visit note.
Colleagues' roles are in bot.vocabulary.roles, referral statuses in bot.vocabulary.statuses.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.models import PRODUCT_CATEGORIES
from bot.vocabulary.roles import ROLE_WORDS_LONGEST_FIRST
from bot.vocabulary.width import to_half_width


class Term(str, Enum):
    """Whether the products a word means have a term (a date they mature on)."""

    ANY = "any"
    FIXED = "fixed"  # 定期: matures on a date
    NONE = "none"  # 活期: never matures


@dataclass(frozen=True)
class ProductWord:
    """The products a word means: a category, narrowed by term and by what their names say."""

    category: str
    term: Term = Term.ANY
    # The product's name says one of these (大额存单 -> "大额存单"); empty: any name.
    name_has: tuple[str, ...] = ()

    def means(self, category: str, product_name: str, has_term: bool) -> bool:
        """Whether a product of this category, name and term is one the word means."""
        if category != self.category:
            return False
        if self.term is Term.FIXED and not has_term or self.term is Term.NONE and has_term:
            return False
        return not self.name_has or any(part in product_name for part in self.name_has)


def _all(meaning: ProductWord, *words: str) -> dict[str, ProductWord]:
    return {word: meaning for word in words}


_DEPOSIT, _WEALTH, _FUND, _INSURANCE, _LOAN, _CARD, _METAL = PRODUCT_CATEGORIES

# The one table. Synonyms share one ProductWord; a longer word inside a message wins over the
# shorter words it contains (基金定投 over 基金, 储蓄国债 over 储蓄).
PRODUCT_VOCABULARY: dict[str, ProductWord] = {
    # 存款
    **_all(ProductWord(_DEPOSIT), "存款", "储蓄", "存钱", "存的钱"),
    **_all(ProductWord(_DEPOSIT, Term.FIXED), "定期", "定存", "定期存款", "定期储蓄", "整存整取", "存单",
           "定期存单"),
    **_all(ProductWord(_DEPOSIT, Term.FIXED, ("零存整取",)), "零存整取"),
    **_all(ProductWord(_DEPOSIT, Term.FIXED, ("存本取息",)), "存本取息"),
    **_all(ProductWord(_DEPOSIT, Term.NONE), "活期", "活期存款", "活期储蓄"),
    **_all(ProductWord(_DEPOSIT, Term.ANY, ("大额存单",)), "大额存单"),
    **_all(ProductWord(_DEPOSIT, Term.ANY, ("国债",)), "国债", "储蓄国债", "电子国债", "凭证式国债"),
    # 理财
    **_all(ProductWord(_WEALTH), "理财", "理财产品", "银行理财", "净值理财", "净值型", "净值型理财"),
    **_all(ProductWord(_WEALTH, Term.ANY, ("现金管理",)), "现金管理", "现金管理类"),
    **_all(ProductWord(_WEALTH, Term.ANY, ("结构性",)), "结构性存款"),
    # 基金
    **_all(ProductWord(_FUND), "基金", "公募基金"),
    **_all(ProductWord(_FUND, Term.ANY, ("定投",)), "定投", "基金定投", "定投计划"),
    **_all(ProductWord(_FUND, Term.ANY, ("货币",)), "货币基金", "货基"),
    **_all(ProductWord(_FUND, Term.ANY, ("债券", "纯债")), "债券基金", "债基"),
    **_all(ProductWord(_FUND, Term.ANY, ("指数",)), "指数基金"),
    **_all(ProductWord(_FUND, Term.ANY, ("股票",)), "股票基金"),
    **_all(ProductWord(_FUND, Term.ANY, ("混合",)), "混合基金"),
    # 保险
    **_all(ProductWord(_INSURANCE), "保险"),
    **_all(ProductWord(_INSURANCE, Term.ANY, ("年金", "养老")), "年金", "年金险", "养老金", "养老保险", "养老险", "养老年金"),
    **_all(ProductWord(_INSURANCE, Term.ANY, ("重疾", "重大疾病")), "重疾险", "重疾"),
    **_all(ProductWord(_INSURANCE, Term.ANY, ("寿险",)), "寿险", "终身寿险"),
    **_all(ProductWord(_INSURANCE, Term.ANY, ("意外",)), "意外险"),
    **_all(ProductWord(_INSURANCE, Term.ANY, ("医疗",)), "医疗险"),
    **_all(ProductWord(_INSURANCE, Term.ANY, ("分红",)), "分红险"),
    # 贷款
    **_all(ProductWord(_LOAN), "贷款"),
    **_all(ProductWord(_LOAN, Term.ANY, ("住房", "房贷", "按揭")), "房贷", "住房贷款", "按揭", "按揭贷款",
           "房屋贷款"),
    **_all(ProductWord(_LOAN, Term.ANY, ("汽车", "车贷")), "车贷"),
    **_all(ProductWord(_LOAN, Term.ANY, ("消费",)), "消费贷", "消费贷款"),
    **_all(ProductWord(_LOAN, Term.ANY, ("经营", "小微")), "经营贷", "经营贷款", "小微贷", "小微贷款"),
    **_all(ProductWord(_LOAN, Term.ANY, ("惠农",)), "惠农贷"),
    **_all(ProductWord(_LOAN, Term.ANY, ("信用",)), "信用贷"),
    **_all(ProductWord(_LOAN, Term.ANY, ("抵押",)), "抵押贷"),
    # 信用卡
    **_all(ProductWord(_CARD), "信用卡", "贷记卡", "办卡"),
    **_all(ProductWord(_CARD, Term.ANY, ("白金",)), "白金卡"),
    # 贵金属
    **_all(ProductWord(_METAL), "贵金属", "黄金", "实物黄金"),
    **_all(ProductWord(_METAL, Term.ANY, ("金条",)), "金条"),
    **_all(ProductWord(_METAL, Term.ANY, ("积存金",)), "积存金"),
    **_all(ProductWord(_METAL, Term.ANY, ("纪念币",)), "纪念币"),
}
for _category in PRODUCT_CATEGORIES:
    PRODUCT_VOCABULARY.setdefault(_category, ProductWord(_category))

# Word -> category, for whoever needs only the category (referrals, visit notes, suggestions).
PRODUCT_WORDS: dict[str, str] = {word: meaning.category for word, meaning in PRODUCT_VOCABULARY.items()}

# Words for what is done with a product rather than for the product: 续存 is renewing a term
# deposit, so "想续存" means deposits; but in a visit note "续存了" is the deed (a purchase,
# bot.visits.notes), so they are not in PRODUCT_WORDS, the list notes find products with.
DEED_WORDS: dict[str, ProductWord] = {
    **_all(ProductWord(_DEPOSIT, Term.FIXED), "续存", "续存定期", "转存定期"),
}
PRODUCT_VOCABULARY.update(DEED_WORDS)


def product_word_in(text: str, names: list[str] | tuple[str, ...] = ()) -> str | None:
    """The longest product word written in a message ("她想办房贷,转给陈静" -> 房贷), for a
    question or a referral whose product the NLU did not tag. The people it names are taken out
    first: 黄金花 is a customer, not gold; nor are the colleagues' roles: 理财经理 is a person,
    not 理财."""
    text = to_half_width(text or "")
    for name in [*names, *ROLE_WORDS_LONGEST_FIRST]:
        if name:
            text = text.replace(name, " ")
    found = [word for word in PRODUCT_VOCABULARY if len(word) >= 2 and word in text]
    return max(found, key=len) if found else None


def category_of_word(word: str) -> str | None:
    """The category of a product word ("定投" -> 基金, "50万定期" -> 存款), without looking at the
    products table; None for a word that names no product."""
    meaning = product_word_meaning(word)
    return meaning.category if meaning else None


def product_word_meaning(word: str | None) -> ProductWord | None:
    """What a product word means: the word itself, else the longest product word inside it
    ("定期存单" is in the table; "邮享定期" means 定期); None for a word that names no product."""
    if not word:
        return None
    word = to_half_width(word).strip()
    if word in PRODUCT_VOCABULARY:
        return PRODUCT_VOCABULARY[word]
    inside = product_word_in(word)
    return PRODUCT_VOCABULARY[inside] if inside else None

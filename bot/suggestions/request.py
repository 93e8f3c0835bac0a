"""What a product-suggestion message asks for, read from its words (no Rasa here).

Three requests:

* a list — "给他推荐点产品", "她适合买什么"; within a kind: "给她推荐点理财", "帮她挑个基金";
* more of the list already shown — "再推荐几个", "还有别的吗", "换一批";
* yes or no: may the customer buy this product or kind — "她能买大额存单吗", "能不能买R5的基金",
  "买鑫享理财行吗", and the short follow-ups staff send right after a list: "那科技基金呢",
  "大额存单呢", "定投可以吗", "黄金能买不". Never a new list and never "more": the answer is 可以
  or 不可以 with the rule that decided (bot.suggestions.SuggestionService.can_buy).

`purchase_question(text, product_words)` tells whether a message is such a yes/no question and
returns the product words it asks about: the NLU's product entities when it found some, else the
words read from the message, when they look like a product (a product or category word, a risk
rating such as R5 or 中高风险, a product code, or a name of `known_products`). A message about a
customer ("那王建国呢"), about what she holds ("她的基金呢", "他有基金吗") or asking for a list
or more is not one. The conversation router calls it for a short message after a list;
`read_request` reads a whole suggestion request with it.

"转介第一个给理财经理" names a product by its number in the list last shown (`product_number`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from bot.models import PRODUCT_CATEGORIES
from bot.suggestions.matching import NAME_WORDS, RISK_WORDS
from bot.vocabulary.names import partial_name, surname_of
from bot.vocabulary.numbers import parse_ordinal
from bot.vocabulary.products import PRODUCT_WORDS
from bot.vocabulary.width import to_half_width

# "再推荐几个", "还有别的吗", "换几个", "下一批", "更多推荐".
_MORE = re.compile(r"再(推荐|来|给|推|看)|还有(别的|其他|其它|啥|什么)|别的|其他|其它|换(几|一批|一些|个)|下一批|更多"
                   r"|^还有(吗|呢|没有)?[?？]?$|^继续$|^下一页$")
# Asking for a list: "推荐点理财", "挑个基金", "推荐一下" (a quantity after the verb); "推荐大额存单给
# 她合适吗" names the product straight after the verb and is a yes/no question.
_LIST = re.compile(r"(推荐|推|介绍|挑|选|配置|配)(一?点|一?些|几|个|一下|下|一款|款)")
# Asking which, what or how much is not a yes/no question ("适合买什么", "起购多少"); "有没有" asks
# for a list or what she holds, except "有没有问题".
_WH = re.compile(r"什么|啥|哪些|哪个|哪款|哪种|哪只|哪一|几个|几款|多少|怎么|如何|有哪|有没有(?!问题)")
# About what the customer holds, not about buying: "他名下有基金吗", "她的基金呢", "买过理财吗".
_HOLDINGS = re.compile(r"名下|持有|买过|办过|买没买过|办没办过|(?:他|她|客户)的|^(?:(?:他|她|客户)还?)?有")
# A question whether she may buy: the A-not-A forms anywhere, or a modal word and a question
# particle at the end ("X可以吗", "买X行吗", "X能买不", "X适合她吗", "X没问题吧").
_MAY_BUY = re.compile(
    r"能不能|可不可以|能否|可否|行不行|适不适合|合不合适|够不够|要不要|好不好|有没有问题"
    r"|(能|可以|可|适合|合适|行|够|好|成|问题)[^,。;]{0,12}(吗|么|嘛|不|没|否|吧)$"
    r"|(能|可以|可|能够)(购买|买|办理|办|做|申请|配置|配|投|开|入手|认购|申购)"
)
# The short follow-up: "那X呢", "X呢", "还有X呢".
_WHAT_ABOUT = re.compile(r"^(?:那么|那个|那款|那|还有|然后)?(?P<x>.+?)(?:呢|咧)$")
# The product words after the verb: "能买X吗", "能不能办X", "想买点黄金合适吗"; a verb alone only
# when it opens the words ("买X行吗"), not inside a name ("王开明", "定投").
_AFTER_MODAL_VERB = re.compile(
    r"(?:能不能|可不可以|能否|可否|能够|能|可以|可|适不适合|适合|要不要|想)"
    r"(?:购买|买|办理|办|做|申请|配置|配|投|开|入手|认购|申购)(?P<x>.+)$"
)
_AFTER_VERB = re.compile(r"^(?:那|那么)?(?:购买|买|办理|办|申请|认购|申购)(?P<x>.+)$")
# What ends a yes/no question, removed from the product words read before or after the verb.
_TAIL = re.compile(
    r"(?:她|他|客户)?(?:也|还|都)?"
    r"(?:能不能|可不可以|行不行|适不适合|合不合适|要不要|有没有问题|没问题|能够|能|可以|可|行|合适|适合|好|成)?"
    r"(?:买|购买|办|办理|做|申请|配置|配|投|开|入手)?(?:她|他|客户)?(?:吗|么|嘛|呢|不|没|否|吧|啊|呀|了)*$"
)
_LEADING = re.compile(r"^(?:那么|那|还有|然后|就|再问下|问下|请问)?(?:她|他|客户|这个客户|这位)?(?:也|还)?"
                      r"(?:能不能|可不可以|能否|可否|能够|能|可以|可|适不适合|适合)?(?:一点|一些|点|些)?")
_PUNCTUATION = " \t\n?!.。~～…,;:"
# A risk rating or a term, said around a product word the NLU tagged ("R5的基金", "1年定期").
_QUALIFIER = re.compile(r"^(?:[Rr]\s*[1-5]级?(?:及以下|以下|以内|及以上|以上)?|(?:中低|中高|低|中|高)风险|\d+(?:年|个月|天)"
                        r"|[一两二三四五六七八九十]+(?:年|个月|天))(?:的|期|类)?$")
_FILLER = ("的", "类", "那个", "这个", "那款", "这款", "那种", "这种", "产品")
# What a product's own name adds before its product word: a brand of a few characters, maybe
# with a number ("稳享"理财90天, "沪深300"指数基金, "科技行业"股票基金). Never a possessive or a
# pronoun: "王建国的定期", "她的基金" are about what someone holds.
_BRAND = re.compile(r"^[\u4e00-\u9fff]{1,4}[0-9]{0,4}$")
_NOT_A_BRAND = re.compile(r"的|他|她|您|客户|这位|那位")
_PRODUCT_CODE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,3}-[A-Za-z0-9]{1,8}(?![A-Za-z0-9])")
_RATING = re.compile(r"[Rr]\s*[1-5]")
_PRODUCT_VOCABULARY = tuple(sorted({*PRODUCT_WORDS, *NAME_WORDS, *PRODUCT_CATEGORIES, *RISK_WORDS}, key=len, reverse=True))


@dataclass(frozen=True)
class SuggestionRequest:
    more: bool  # the next products of the list already shown
    product_words: str | None  # 大额存单, 理财: about this product or kind
    yes_or_no: bool  # "能买X吗": answer yes or no, not a list


def read_request(text: str, product_words: Sequence[str] | None, shown_products: Sequence[str] = (),
                 known_products: Iterable[str] = ()) -> SuggestionRequest:
    """What a suggestion message asks. `shown_products`: the list last shown for this customer,
    in order, so that "第二个他能买吗" or "那第二个呢" asks about its second product.
    `known_products`: the catalogue's names, so that one written around the NLU's product words
    ("惠农定期1年" of 定期1年, 惠 a surname) is that product, not a person's."""
    asked = purchase_question(text, product_words, known_products=known_products)
    if asked is None and shown_products:
        asked = _shown_product_asked(text, shown_products)
    if asked is not None:
        return SuggestionRequest(more=False, product_words=asked, yes_or_no=True)
    words = " ".join(product_words or []) or None
    return SuggestionRequest(more=bool(_MORE.search(text or "")) and not words, product_words=words, yes_or_no=False)


def asked_again_for(text: str, request: SuggestionRequest, asked: str | None, names_somebody: bool) -> SuggestionRequest:
    """"那黄婷莉呢" right after "杨辉勇能买R4的基金吗": the same yes/no question for the customer
    now named (`asked`: the product words of the question before), not a list of suggestions."""
    if asked and names_somebody and not request.yes_or_no and not request.product_words and not request.more \
            and _WHAT_ABOUT.match(_normalised(text)):
        return SuggestionRequest(more=False, product_words=asked, yes_or_no=True)
    return request


def purchase_question(text: str, product_words: Sequence[str] | str | None = None, *,
                      known_products: Iterable[str] = ()) -> str | None:
    """The product words a message asks "may she buy it?" about, or None when it is no such
    question (a list, more, a customer, what she holds, or no product named).

    `product_words`: the NLU's product entities of the message, if any (they win over the words
    read here, unless what is read only adds a risk rating or a term: "R5的基金" for 基金).
    `known_products`: product names the caller knows (the catalogue), so that a name no word
    list has ("鑫享呢") is taken for a product."""
    message = _normalised(text)
    if not message or _MORE.search(message) or _LIST.search(message) or _WH.search(message):
        return None
    if _HOLDINGS.search(message):
        return None
    what_about = _WHAT_ABOUT.match(message)
    if not (_MAY_BUY.search(message) or what_about):
        return None
    entities = _entity_words(product_words)
    read = _read_product_words(message, what_about)
    if entities:
        if read and all(word in read for word in entities) and (
                _only_qualified(read, entities) or _named_around(read, entities) or read in set(known_products)):
            return read
        if what_about and not _follow_up_about(what_about.group("x"), entities):
            return None  # "那王建国的定期呢": about someone or something else than the product
        return " ".join(entities)
    if read and _looks_like_product(read, known_products):
        return read
    return None


def _shown_product_asked(text: str, shown_products: Sequence[str]) -> str | None:
    """The product of the list shown that a yes/no question names by its place ("第二个他能买吗",
    "那第三个呢"), or None."""
    message = _normalised(text)
    if _MORE.search(message) or _LIST.search(message) or _WH.search(message):
        return None
    if not (_MAY_BUY.search(message) or _WHAT_ABOUT.match(message)):
        return None
    number = product_number(message)
    return shown_products[number - 1] if number and number <= len(shown_products) else None


def unknown_product_asked(text: str, known_products: Iterable[str] = ()) -> str | None:
    """"黄婷莉能买比特币吗": the words a may-buy question asks about when they are no product the
    bank knows (the reply says so, instead of answering another question with a list)."""
    message = _normalised(text)
    after = _AFTER_MODAL_VERB.search(message)
    if not after or purchase_question(text, None, known_products=known_products) is not None:
        return None
    asked = after.group("x")
    if _WH.search(asked) or _MORE.search(asked) or _LIST.search(asked):
        return None  # "她能买什么", "还能买别的吗": what she may buy, a list
    words = _LEADING.sub("", _TAIL.sub("", asked))
    if not 2 <= len(words) <= 12 or _looks_like_product(words, known_products):
        return None
    return words


def asks_may_buy(text: str) -> bool:
    """Whether the message itself asks "may she buy…?" ("她能买大额存单吗", "能不能办信用卡"), as
    opposed to a short follow-up ("那X呢", "X可以吗") that is one only right after suggestions."""
    return bool(_MAY_BUY.search(_normalised(text)))


def product_number(text: str) -> int | None:
    """"转介第一个给理财经理" → 1, "第十二款" → 12; None when the message names no position in a
    list with 第 (a bare number there is an amount or a time, not a product)."""
    return parse_ordinal(text, bare_numbers=False)


# ---------------------------------------------------------------------------- helpers


def _normalised(text: str) -> str:
    return "".join(to_half_width(text or "").split()).strip(_PUNCTUATION)


def _entity_words(product_words: Sequence[str] | str | None) -> list[str]:
    if isinstance(product_words, str):
        product_words = [product_words]
    return [w for w in dict.fromkeys(to_half_width(w).strip() for w in product_words or ()) if w]


def _read_product_words(message: str, what_about: re.Match | None) -> str:
    """The product words as written: after the verb ("能买X吗"), else before the question ("X可以吗",
    "那X呢"), without the question's own words."""
    words = message
    if what_about:
        words = what_about.group("x")
    else:
        for verb in (_AFTER_MODAL_VERB, _AFTER_VERB):
            after = verb.search(message)
            if after and _TAIL.sub("", after.group("x")):
                words = after.group("x")
                break
    words = _TAIL.sub("", words)
    words = _LEADING.sub("", words)
    words = re.sub(r"(?:购买|买|办理|办|申请|配置|认购|申购)$", "", words)
    return _without_filler(words)


def _without_filler(words: str) -> str:
    changed = True
    while changed and words:
        changed = False
        for filler in _FILLER:
            if words.endswith(filler) and len(words) > len(filler):
                words, changed = words[: -len(filler)], True
            if words.startswith(filler) and len(words) > len(filler):
                words, changed = words[len(filler):], True
    return words


def _only_qualified(read: str, entities: list[str]) -> bool:
    """Whether `read` is the entities plus a risk rating or a term and nothing else."""
    rest = read
    for word in entities:
        rest = rest.replace(word, "", 1)
    rest = _without_filler(rest)
    return not rest or bool(_QUALIFIER.match(rest))


def _named_around(read: str, entities: list[str]) -> bool:
    """Whether `read` is one product's name written around the entity words: a brand before them
    and a term after ("稳享理财90天" for 理财, "沪深300指数基金" for 指数基金), not a person and a
    product ("王建国定期", "老王的基金")."""
    if _NOT_A_BRAND.search(read):
        return False
    first = min(read.find(word) for word in entities)
    last = max(read.find(word) + len(word) for word in entities)
    brand, term = read[:first], read[last:]
    if term and not _QUALIFIER.match(term):
        return False
    if not brand:
        return True  # the entity words and what lies between them ("平衡混合基金"), maybe a term
    if not _BRAND.match(brand):
        return False
    if brand.isalpha() and not term and (partial_name(brand) or surname_of(brand) and len(brand) <= 3):
        return False  # a name before the product word: "王建国定期" is someone's, "老王定期" too
    return True


def _follow_up_about(words: str, entities: list[str]) -> bool:
    """"那X呢": whether X is the product words (with filler, a rating or a term), not a customer
    or anything else that also holds a product word."""
    words = _LEADING.sub("", words)
    return _only_qualified(_without_filler(words), entities)


def _looks_like_product(words: str, known_products: Iterable[str]) -> bool:
    if _PRODUCT_CODE.search(words) or _RATING.search(words):
        return True
    if any(word in words for word in _PRODUCT_VOCABULARY if len(word) >= 2):
        return True
    return any(len(words) >= 2 and (words in name or name in words) for name in known_products if name)


__all__ = ["SuggestionRequest", "read_request", "purchase_question", "asks_may_buy", "product_number"]


def where_the_customer_is_named(text: str, entities: dict[str, list[str]], request: SuggestionRequest,
                                unknown_product: str | None) -> tuple[str, dict[str, list[str]]]:
    """The words and entities to find the customer in: the product's words are never a customer's
    name, nor the "names" and "phones" the NLU cut out of them ("那惠农定期1年呢")."""
    for value in sorted({*(entities.get("product") or []), request.product_words or ""}, key=len, reverse=True):
        if value:
            text = text.replace(value, " ")
    if request.yes_or_no and request.product_words:
        entities = _without_pieces_of(entities, request.product_words)
    if unknown_product:
        text = text.replace(unknown_product, " ")
    return text, entities


def _without_pieces_of(entities: dict[str, list[str]], product_words: str) -> dict[str, list[str]]:
    """The entities without the "names" and "phones" the NLU cut out of the product asked about
    ("那惠农定期1年呢": 那惠农 is no customer, the 1 of 1年 no phone)."""
    kept = {}
    for name, values in entities.items():
        if name in ("customer_name", "phone", "customer_id", "id_number"):
            values = [v for v in values if v.lstrip("那这") not in product_words and not (
                name == "customer_name" and product_words.startswith(v.lstrip("那这")[:2]))]
        if values:
            kept[name] = values
    return kept


def page_asked(request: SuggestionRequest, shown: dict | None, customer_id: str) -> tuple[int, str | None]:
    """(offset, product words) of the suggestions asked for: "再推荐几个" goes on with the list shown
    for this customer, of the same kind ("给他推荐点理财" then more 理财); anything else starts anew."""
    if request.more and shown and shown.get("customer_id") == customer_id:
        return len(shown.get("products") or []), request.product_words or shown.get("product_words")
    return 0, request.product_words


def shown_after(shown: dict | None, offset: int, customer_id: str, words: str | None,
                product_names: Sequence[str]) -> dict:
    """What the chat keeps of the suggestions shown (the `suggestions_shown` slot), once a page of
    them went out: the products so far, for "再推荐几个" and "第二个他能买吗"."""
    earlier = list((shown or {}).get("products") or []) if offset else []
    return {"customer_id": customer_id, "products": earlier + list(product_names), "product_words": words}


@dataclass(frozen=True)
class SuggestionMessage:
    """One suggestion message read (`read_message`): what it asks, the words it asks about when
    they are no product the bank knows, and where to find the customer it names."""

    request: SuggestionRequest
    unknown_product: str | None  # "比特币" of "她能买比特币吗": said so, nothing else answered
    customer_text: str  # the message without its product words
    customer_entities: dict[str, list[str]]
    # "第二个她能买吗" when the list shown has one product: how many it has (said so, nothing else
    # answered); None otherwise.
    shown_fewer: int | None = None


def read_message(text: str, entities: dict[str, list[str]], shown: dict | None, current_customer_id: str | None,
                 right_after_suggestions: bool, names_somebody: bool, catalogue: Sequence[str]) -> SuggestionMessage:
    """"给他推荐点产品", "再推荐几个", "她能买大额存单吗", "第二个他能买吗", "那黄婷莉呢". `shown`: the
    `suggestions_shown` slot (its products count only for the customer in context);
    `right_after_suggestions`: the previous reply was about suggestions ("那黄婷莉呢" then asks
    the same question for her); `catalogue`: the product names on record."""
    shown = shown or {}
    shown_products = shown.get("products") or [] if shown.get("customer_id") == current_customer_id else []
    request = read_request(text, entities.get("product"), shown_products, catalogue)
    if right_after_suggestions:
        request = asked_again_for(text, request, shown.get("asked"), names_somebody)
    unknown = None if request.yes_or_no or request.product_words else unknown_product_asked(text, catalogue)
    customer_text, customer_entities = where_the_customer_is_named(text, entities, request, unknown)
    message = _normalised(text)
    number = product_number(message) if shown_products and not request.yes_or_no else None
    if number and number > len(shown_products) and (_MAY_BUY.search(message) or _WHAT_ABOUT.match(message)):
        return SuggestionMessage(request, None, customer_text, customer_entities, shown_fewer=len(shown_products))
    return SuggestionMessage(request, unknown, customer_text, customer_entities)

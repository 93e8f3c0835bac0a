"""The tags a visit note gives its customer: interest, refusal, purchases, needs, and the tag
phrases staff type ("打个标签:定期到期客户"); with the NLU's hints where it read them.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterable, Mapping

from bot.visits.notes.amounts import overlaps
from bot.visits.notes.results import ProductMention
from bot.visits.notes.words import (
    BOUGHT,
    CHANNEL_WORDS,
    CUSTOMER_ACTION_RE,
    CUSTOMER_SUBJECT,
    HESITATION_RE,
    INCOME_RE,
    INFLOW_WORDS,
    INTEREST,
    INTEREST_RE,
    KIN_AS_OBJECT,
    LOAN_NEED_WORDS,
    MATURITY_WORDS,
    NEED_PHRASE_RE,
    NEGATION_RE,
    NEITHER_RE,
    NOT_A_NEGATION_RE,
    NOT_INTERESTED,
    OUTFLOW_RE,
    OUTFLOW_WORDS,
    POSSESSOR,
    PURCHASE_WORDS,
    REFUSAL_RE,
    RELATIVE_RE,
    SOURCE_AFTER_PRODUCT,
    STRAY_TAG_WORDS,
    TAG_LABELS,
    TAG_REQUEST_RE,
    UNDECIDED,
    VERB_BEFORE_BLANK_RE,
    VERB_BEFORE_PRODUCT,
    first_word,
)
from bot.vocabulary.numbers import parse_amount
from bot.vocabulary.text import has_chinese_words
from bot.vocabulary.width import to_half_width


def stance(clause: str, product_count: int = 1) -> str | None:
    """Which tag kind a clause's words say about its products (product words blanked as "□"):
    BOUGHT, NOT_INTERESTED (an explicit refusal only), INTEREST, UNDECIDED (hesitation, or a
    negation that refuses nothing: 不太想, 还没想好, 兴趣不大, 没买), or None (no cue at all)."""
    plain = NEITHER_RE.sub(lambda m: "＊" * len(m.group(0)), clause)
    if REFUSAL_RE.search(plain):
        rest = REFUSAL_RE.sub(lambda m: "＊" * len(m.group(0)), plain)
        if product_count > 1 and (_interest_cue(rest) or any(word in rest for word in PURCHASE_WORDS)
                                  or VERB_BEFORE_BLANK_RE.search(rest)):
            return UNDECIDED  # "不要保险要基金" in one breath: whose is which is a guess
        return NOT_INTERESTED
    if HESITATION_RE.search(plain):
        return UNDECIDED
    negated = NEGATION_RE.search(NOT_A_NEGATION_RE.sub(lambda m: "＊" * len(m.group(0)), plain))
    if negated:
        return UNDECIDED
    if any(word in plain for word in PURCHASE_WORDS):
        return BOUGHT
    if _interest_cue(plain):
        return INTEREST
    return None


def _interest_cue(clause: str) -> bool:
    """An interest word about a product, not one that governs spending: "想转大额存单" yes,
    "打算装修", "需要用钱", "想买房" no."""
    for match in INTEREST_RE.finditer(clause):
        if not OUTFLOW_RE.match(clause, match.end()) and not OUTFLOW_RE.match(clause, match.end() + 1):
            return True
    return False


def about_relatives(text: str, clauses: list[tuple[int, int]], names: Iterable[str],
                     products: list[ProductMention]) -> list[bool]:
    """For each clause, whether its subject is one of the customer's family (他老伴退休金5000,
    他儿子要买房首付50万) rather than the customer. Kin after 给/和/把… is an object (给儿子买了).
    A clause with no subject of its own ("首付50万") continues the previous one's; one that names
    the customer, says 他/她/客户/家里, names a product (the customer's holding) or moves money
    ("老公陪着来的,存了50万", "老伴住院了,取了5万": the note is about what the customer did) is
    the customer's."""
    names = [n for n in names if n]
    result: list[bool] = []
    relative = False
    for start, end in clauses:
        clause = text[start:end]
        name_spans = [(m.start(), m.end()) for n in names for m in re.finditer(re.escape(n), clause)]
        kin = [m for m in RELATIVE_RE.finditer(clause)
               if not KIN_AS_OBJECT.search(clause[: m.start()]) and not overlaps(m.start(), m.end(), name_spans)]
        if kin:
            relative = True
        elif (name_spans or CUSTOMER_SUBJECT.search(clause) or any(start <= p.start < end for p in products)
              or CUSTOMER_ACTION_RE.search(clause)):
            relative = False
        result.append(relative)
    return result


def income_clauses(text: str, clauses: list[tuple[int, int]]) -> list[bool]:
    """For each clause, whether it states regular income (退休金每月6000, 月薪2万) rather than money
    moving: an income word and no purchase, maturity or spending (退休金存了5万定期 is money)."""
    result = []
    for start, end in clauses:
        clause = text[start:end]
        result.append(bool(INCOME_RE.search(clause))
                      and not any(word in clause for word in PURCHASE_WORDS)
                      and not first_word(clause, MATURITY_WORDS + OUTFLOW_WORDS))
    return result


def _tag(kind: str, mention: ProductMention) -> str:
    if mention.category == "贷款" and kind == INTEREST:
        need = next((v for k, v in LOAN_NEED_WORDS.items() if k in mention.word), "贷款")
        return f"有{need}需求"
    label = TAG_LABELS.get(mention.word)
    if label is None:
        label = next((v for k, v in sorted(TAG_LABELS.items(), key=lambda kv: -len(kv[0])) if len(k) >= 2 and k in mention.word), None)
    return f"{kind}:{label or mention.category}"


def tags_of(text: str, clauses: list[tuple[int, int]], products: list[ProductMention],
          relatives: list[bool] | None = None) -> list[str]:
    """The tags a note's words give, clause by clause (see the module docstring)."""
    relatives = relatives or [False] * len(clauses)
    tags: list[str] = []
    previous: list[ProductMention] = []

    def add(kind: str, mention: ProductMention) -> None:
        tag = _tag(kind, mention)
        if tag not in tags:
            tags.append(tag)

    for index, start, end in _topics(text, clauses, products):
        clause = text[start:end]
        in_clause = [p for p in products if start <= p.start < end]
        in_clause = [p for p in in_clause if not SOURCE_AFTER_PRODUCT.match(text[p.end:end])] if len(in_clause) > 1 else in_clause
        kind = stance(without_products(clause, in_clause, start), len(in_clause))
        if in_clause:
            targets = in_clause
        elif first_word(clause, MATURITY_WORDS + INFLOW_WORDS + OUTFLOW_WORDS) or INCOME_RE.search(clause):
            targets = []  # "需要用钱", "打算装修": about money, not the product said before
        else:
            targets = previous  # "聊了基金定投,有兴趣": the cue is about the previous clause's products
        if relatives[index] and kind in (BOUGHT, NOT_INTERESTED):
            kind = UNDECIDED  # a relative's purchase or refusal is theirs, not the customer's
        if kind in (BOUGHT, NOT_INTERESTED, INTEREST):
            for mention in targets:
                add(kind, mention)
        elif kind is None:
            for mention in in_clause:
                if text[max(start, mention.start - 2):mention.start].endswith(VERB_BEFORE_PRODUCT):
                    add(INTEREST, mention)
        if in_clause:
            previous = in_clause
    # Products the NLU gave that the text does not show: the note's words as a whole decide.
    hinted = [p for p in products if p.start < 0]
    if hinted:
        written = [p for p in products if p.start >= 0]
        kind = stance(without_products(text, written, 0), len(hinted))
        if any(relatives) and kind in (BOUGHT, NOT_INTERESTED):
            kind = UNDECIDED  # the words may be a relative's (above)
        if kind in (BOUGHT, NOT_INTERESTED, INTEREST):
            for mention in hinted:
                add(kind, mention)
    # A product both refused and wanted in one note keeps what was said last.
    result: list[str] = []
    for tag in tags:
        label = tag.split(":", 1)[-1]
        result = [t for t in result if t.split(":", 1)[-1] != label or t.startswith("有")] + [tag]
    return result


def _topics(text: str, clauses: list[tuple[int, int]], products: list[ProductMention]) -> list[tuple[int, int, int]]:
    """The clauses, each cut again before a later "对<product>": "对保险没兴趣对理财有兴趣" is two
    statements, each with its own cue. (clause index, start, end)."""
    topics = []
    for index, (start, end) in enumerate(clauses):
        cuts = [p.start - 1 for p in products
                if start < p.start - 1 and p.start - 1 < end and text[p.start - 1] == "对"
                and any(start <= q.start < p.start for q in products)]
        for first, last in zip([start] + cuts, cuts + [end]):
            topics.append((index, first, last))
    return topics


def without_products(clause: str, mentions: list[ProductMention], offset: int) -> str:
    """The clause with its product words blanked as "□", so 定投 does not read as 投了, 存款 not as
    存了, and "不要□□" still shows that something was refused."""
    chars = list(clause)
    for m in mentions:
        for i in range(m.start - offset, m.end - offset):
            if 0 <= i < len(chars):
                chars[i] = "□"
    return "".join(chars)


def is_tag_phrase(value: str | None) -> bool:
    """Whether a tag value is a phrase a customer manager would write (意向:基金定投, 有房贷需求,
    高净值, 个体户), not a stray noun: kin (爱人, 他老伴, 王建国的儿子), a pronoun, an everyday word,
    a number, or one character."""
    value = to_half_width(value or "").strip().strip("。,,::")
    if len(value) < 2 or not has_chinese_words(value) and not value.isalpha():
        return False
    if value in STRAY_TAG_WORDS:
        return False
    return POSSESSOR.sub("", value) not in STRAY_TAG_WORDS  # 他老伴, 王建国的儿子


def tag_from_nlu_stands(value: str, text: str, vocabulary: Mapping[str, str], names: Iterable[str]) -> bool:
    """Whether a tag the NLU marked in a visit note is kept: a tag phrase (is_tag_phrase), written in
    the note, not a product, channel or person's name (the note's own reading tags products), and
    either asked for in so many words (标签/标记/标一下…) or a need the note states (有留学需求),
    not negated (没有留学需求)."""
    if not is_tag_phrase(value) or value in vocabulary or value in CHANNEL_WORDS or value in set(names):
        return False
    if TAG_REQUEST_RE.search(text):
        return value in text
    if not NEED_PHRASE_RE.match(value):
        return False
    return any(not re.search(r"(?:没|无|不)有?$", text[max(0, m.start() - 2):m.start()])
               for m in re.finditer(re.escape(value), text))


def amount_from_nlu(value: str, text: str) -> Decimal | None:
    """An amount the NLU gave, when the note's own reading could not see it: with a money unit
    (a bare "5000" is no money), and not written in the note (where the note's words already
    decided: a relative's 5000, 70岁, 3天)."""
    written = to_half_width(value or "").strip()
    if not written or written in text or not re.search(r"[万wW千亿元块]", written):
        return None
    return parse_amount(written)

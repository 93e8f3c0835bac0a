"""parse_visit_note: one message of free text -> a VisitNote (the package's docstring says what
is read and how).
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Iterable, Mapping

from bot.visits.notes.amounts import bare_money_at, clause_of, clauses_of, find_amounts, overlaps
from bot.visits.notes.pipeline import pipeline_for, product_vocabulary
from bot.visits.notes.results import AmountMention, EventKind, MoneyEvent, ProductMention, VisitNote
from bot.visits.notes.tags import (
    about_relatives,
    amount_from_nlu,
    income_clauses,
    stance,
    tag_from_nlu_stands,
    tags_of,
    without_products,
)
from bot.visits.notes.times import (
    follow_up_moment,
    is_future,
    is_past,
    last_day_of,
    local_time,
    reminder_at_money_event,
    running_on_today,
    running_since_before_today,
)
from bot.visits.notes.words import (
    BEFORE_MATURITY_RE,
    BOUGHT,
    BRANCH,
    CHANNEL_WORDS,
    DEFAULT_CHANNEL,
    FOLLOW_UP_DEFAULT_TIME,
    FOLLOW_UP_RE,
    HOME_VISIT,
    INCOME_WORDS,
    INFLOW_WORDS,
    LOG_THE_RECORD,
    MATURITY_WORDS,
    ON_MATURITY_RE,
    OUTFLOW_WORDS,
    PHONE,
    VISIT,
    WECHAT,
    first_word,
)
from bot.vocabulary.identifiers import CUSTOMER_ID as CUSTOMER_ID_KIND
from bot.vocabulary.identifiers import (
    CUSTOMER_ID_RE,
    PHONE_RE,
    find_identifiers,
    malformed_identifiers,
    normalise_customer_id,
    normalise_id_number,
)
from bot.vocabulary.identifiers import ID_NUMBER as ID_NUMBER_KIND
from bot.vocabulary.identifiers import PHONE as PHONE_KIND
from bot.vocabulary.names import COMPOUND_SURNAMES, SURNAMES
from bot.vocabulary.products import category_of_word
from bot.vocabulary.text import part_of_name
from bot.vocabulary.width import to_half_width

_NAME_BEFORE = re.compile(r"(?:拜访了?|见了|去了?|到了?|给|联系了?|电联了?|约了?|找了?|帮|和|跟|客户)$")
_NAME_AFTER = re.compile(r"^(?:家|说|来|打|聊|的|先生|女士|阿姨|大爷|大妈|老师|师傅|,|,|今天|昨天|对|想|有|表示|那|这|在|办|买|要|不)")


def _surname_names(text: str, exclude: set[str]) -> list[str]:
    """Names the note seems to give (拜访了张三丰家, 给刘德华打电话): a surname and one or two
    characters between a verb that takes a person and a word that follows one."""
    found = []
    for match in re.finditer(r"[\u4e00-\u9fff]{2,4}", text):
        run, start = match.group(0), match.start()
        for length in (3, 2):
            for offset in range(0, len(run) - length + 1):
                name = run[offset : offset + length]
                surname_ok = name[:2] in COMPOUND_SURNAMES or name[0] in SURNAMES
                if not surname_ok or name in exclude:
                    continue
                before = text[: start + offset]
                after = text[start + offset + length :]
                if _NAME_BEFORE.search(before) and _NAME_AFTER.match(after):
                    found.append(name)
    return found






def parse_visit_note(
    text: str,
    now: datetime,
    known_products: Mapping[str, str] | Iterable[tuple[str, str]] | Iterable[str] = (),
    staff_names: Iterable[str] = (),
    customer_names: Iterable[str] = (),
    entities: Mapping[str, list[str]] | None = None,
    follow_up_hour: int = FOLLOW_UP_DEFAULT_TIME.hour,
) -> VisitNote:
    """Read a visit note. `now` is the bank's local time (aware). `known_products` maps catalogue
    names to categories; `customer_names` are names of customers the writer may see (found as
    written); `entities` are the NLU's hints (entity -> values) and are used when present.
    A follow-up given only a day is due at `follow_up_hour` o'clock."""
    from bot.vocabulary.time_expressions import find_time_expressions, parse_time_expression

    entities = entities or {}
    raw = text or ""
    text = to_half_width(raw)
    staff_names = tuple(sorted({n.strip() for n in staff_names if n and n.strip()}))
    vocabulary = product_vocabulary(known_products)
    nlp = pipeline_for(vocabulary, staff_names)
    doc = nlp(text)
    clauses = clauses_of(text)

    # Identifiers first: their digits are no amounts, no times.
    # Phones and customer numbers as staff type them ("139 1234 5678", "+86 139…", "c00000001").
    typed = [found for found in find_identifiers(text) if found.valid]
    malformed = [digits for _kind, digits in malformed_identifiers(text)]
    identifier_spans = [(found.start, found.end) for found in find_identifiers(text)]
    # Other long digit runs are account or phone fragments, unless a money verb is right before
    # them ("存了50000").
    identifier_spans += [(m.start(), m.end()) for m in re.finditer(r"\d{5,}", text)
                         if not bare_money_at(text, m.start(), m.end())]

    spans = [s for s in find_time_expressions(text, now) if not overlaps(s.start, s.end, identifier_spans)]
    amounts = find_amounts(text, identifier_spans + [(s.start, s.end) for s in spans])

    products: list[ProductMention] = []
    staff_found: list[str] = []
    channel_hits: list[tuple[int, str]] = []
    for ent in doc.ents:
        if ent.label_ == "PRODUCT":
            products.append(ProductMention(ent.text, ent.ent_id_ or vocabulary.get(ent.text, ""), ent.start_char, ent.end_char))
        elif ent.label_ == "STAFF":
            staff_found.append(ent.text)
        elif ent.label_ == "CHANNEL":
            channel_hits.append((ent.start_char, ent.ent_id_ or CHANNEL_WORDS[ent.text]))
    # Words the segmenter cut differently from the pattern ("打电话" inside "打电话给"): a plain scan.
    for word, channel in CHANNEL_WORDS.items():
        for match in re.finditer(re.escape(word), text):
            if not any(start <= match.start() < start + 4 and ch == channel for start, ch in channel_hits):
                channel_hits.append((match.start(), channel))
    for match in HOME_VISIT.finditer(text):
        channel_hits.append((match.start(), VISIT))
    # "记一下拜访吧,今天电话联系了她": 拜访 there names the record, not how the contact was made.
    about_the_record = [m.span() for m in LOG_THE_RECORD.finditer(text)]
    channel_hits = [hit for hit in channel_hits if not any(start <= hit[0] < end for start, end in about_the_record)]
    for word in sorted(vocabulary, key=len, reverse=True):
        if len(word) < 2:
            continue
        for match in re.finditer(re.escape(word), text):
            taken = [(p.start, p.end) for p in products]
            if not overlaps(match.start(), match.end(), taken):
                products.append(ProductMention(word, vocabulary[word], match.start(), match.end()))
    products.sort(key=lambda p: p.start)
    # "积存金定投" is a gold plan, not a fund: 定投 right after another product belongs to it.
    products = [p for i, p in enumerate(products)
                if not (p.word == "定投" and i and products[i - 1].end == p.start and products[i - 1].category != "基金")]
    for value in entities.get("product", []):
        word = to_half_width(value).strip()
        category = vocabulary.get(word) or category_of_word(word)
        if category and not any(p.word == word for p in products):
            products.append(ProductMention(word, category, -1, -1))
    # Customers: the NLU's names, then known names as written, then names the wording suggests.
    names: list[str] = [to_half_width(v).strip() for v in entities.get("customer_name", []) if v and v.strip()]
    known = sorted({n for n in customer_names if n and len(n) >= 2}, key=len, reverse=True)
    found_known: list[str] = []
    for name in known:
        # Not a name inside another found or inside one the NLU gave: 李秀 of 李秀英 is someone else.
        if (name in text and not any(name in longer for longer in found_known)
                and not any(part_of_name(name, given) for given in names)):
            found_known.append(name)
    found_known.sort(key=text.find)
    names += found_known
    taken_words = set(staff_names) | set(vocabulary) | set(CHANNEL_WORDS)
    names += [n for n in _surname_names(text, taken_words) if not any(n in m or m in n for m in names)]
    names = [n for n in dict.fromkeys(names) if n not in staff_names]
    staff_found += [v for v in entities.get("staff_name", []) if v not in staff_found]

    # Whose money: a relative's amounts and regular income are not the customer's amounts.
    relatives = about_relatives(text, clauses, names + list(staff_names), products)

    # Whose numbers: a relative's phone or ID number does not say who the customer is.
    theirs = {found.value for found in typed if relatives[clause_of(clauses, found.start)]}
    typed = [found for found in typed if found.value not in theirs]
    phones = [found.value for found in typed if found.kind == PHONE_KIND]
    customer_ids = [found.value for found in typed if found.kind == CUSTOMER_ID_KIND]
    id_numbers = [found.value for found in typed if found.kind == ID_NUMBER_KIND]
    phones += [v for v in (to_half_width(v) for v in entities.get("phone", [])) if PHONE_RE.fullmatch(v) and v not in theirs]
    customer_ids += [normalise_customer_id(v) for v in entities.get("customer_id", []) if CUSTOMER_ID_RE.fullmatch(to_half_width(v))]
    id_numbers += [v for v in (normalise_id_number(v) for v in entities.get("id_number", [])) if v and v not in theirs]
    incomes = income_clauses(text, clauses)
    amounts = [a for a in amounts
               if not relatives[clause_of(clauses, a.start)] and not incomes[clause_of(clauses, a.start)]]
    # "养老金每月3000" is a pension, not the insurance product 养老金.
    products = [p for p in products
                if p.start < 0 or not (incomes[clause_of(clauses, p.start)] and p.word in INCOME_WORDS)]
    for value in entities.get("amount", []):
        amount = amount_from_nlu(value, text)
        if amount and not any(a.amount == amount for a in amounts):
            amounts.append(AmountMention(value, amount, -1, -1))

    # Money events, clause by clause; their times are not the follow-up's.
    events: list[MoneyEvent] = []
    household_inflows: list[MoneyEvent] = []  # money coming to a relative: only for "到时候提醒"
    event_span_ids: set[int] = set()
    for index, (start, end) in enumerate(clauses):
        clause = text[start:end]
        kind, keyword = None, None
        if BEFORE_MATURITY_RE.search(clause) or ON_MATURITY_RE.search(clause):
            # "到期前提醒我" asks for a reminder about a maturity told elsewhere: not a new event.
            clause = BEFORE_MATURITY_RE.sub(lambda m: " " * len(m.group(0)), clause)
            clause = ON_MATURITY_RE.sub(lambda m: " " * len(m.group(0)), clause)
        for event_kind, words in ((EventKind.MATURITY, MATURITY_WORDS), (EventKind.INFLOW, INFLOW_WORDS),
                                  (EventKind.OUTFLOW, OUTFLOW_WORDS)):
            hit = first_word(clause, words)
            if hit:
                kind, keyword = event_kind, start + hit[0]
                break
        in_clause = [p for p in products if start <= p.start < end]
        if (kind is None and stance(without_products(clause, in_clause, start), len(in_clause)) == BOUGHT
                and any(start <= a.start < end for a in amounts)):
            kind = EventKind.PURCHASE
        if kind is None:
            continue
        # The event's time: the one nearest its word ("定期9号到期"), not one a follow-up word governs.
        in_clause_spans = [s for s in spans if start <= s.start < end]
        if keyword is not None:
            in_clause_spans = [s for s in in_clause_spans
                               if not FOLLOW_UP_RE.search(text[min(s.end, keyword):max(s.start, keyword)])]
        else:
            in_clause_spans = [s for s in in_clause_spans if not FOLLOW_UP_RE.search(clause[: s.start - start])]
        span = min(in_clause_spans, key=lambda s: abs(s.start - (keyword or s.start))) if in_clause_spans else None
        if span is not None and kind is not EventKind.PURCHASE:
            event_span_ids.add(id(span))  # also when the event is not the customer's: no follow-up either
        if incomes[index] or relatives[index] and kind is not EventKind.OUTFLOW:
            # Income is a fact, not money moving; a relative's maturity, income or purchase is
            # theirs. A relative's spending (女儿上大学要用钱, 儿子买房) is the household's and
            # stays, without the relative's figures. Money coming to a relative ("他老婆说月底有笔
            # 钱到账") is not the customer's event, but its day is when "到时候提醒我" is due.
            if relatives[index] and kind is EventKind.INFLOW and span is not None:
                household_inflows.append(MoneyEvent(kind, clause.strip(), at=local_time(span.point, now).date()))
            continue
        amount = next((a for a in amounts if start <= a.start < end), None)
        if amount is None and index + 1 < len(clauses) and not relatives[index]:
            # "定期12月9号到期,50万": an amount standing alone after the event is its amount.
            n_start, n_end = clauses[index + 1]
            if not any(n_start <= p.start < n_end for p in products):
                amount = next((a for a in amounts if n_start <= a.start < n_end), None)
        product = _product_near(in_clause, amount)
        events.append(
            MoneyEvent(
                kind=kind,
                text=clause.strip(),
                amount=amount.amount if amount else None,
                product=product.word if product else None,
                category=product.category if product else None,
                at=local_time(span.point, now).date() if span is not None and kind is not EventKind.PURCHASE else None,
                until=last_day_of(span, now) if span is not None and kind is not EventKind.PURCHASE else None,
            )
        )

    # The follow-up: a time in a clause with a follow-up word, else the last future time that is
    # not a relative's ("她女儿明年上大学", "儿子过年回来": their plans, not the next contact).
    follow_span = None
    for s in spans:
        if id(s) in event_span_ids or not (is_future(s, now) or running_on_today(s, now)
                                           or running_since_before_today(s, now)):
            continue
        start, end = clauses[clause_of(clauses, s.start)]
        if FOLLOW_UP_RE.search(text[start:end]):
            follow_span = s
    if follow_span is None:
        future = [s for s in spans if id(s) not in event_span_ids and is_future(s, now)
                  and not relatives[clause_of(clauses, s.start)]]
        follow_span = future[-1] if future else None
    follow_up_at = follow_up_moment(follow_span, now, follow_up_hour) if follow_span else None
    follow_up_text = follow_span.text if follow_span else None
    if follow_span is None:
        follow_up_at, follow_up_text = reminder_at_money_event(text, events or household_inflows, now,
                                                               follow_up_hour) or (None, None)
    if follow_span is None:
        read = [to_half_width(s.text) for s in spans]
        for value in entities.get("time", []):
            if any(to_half_width(value).strip() in found for found in read):
                # Part of a time found in the text that is not the follow-up there: an event's
                # ("明年" of "明年3月30号到期"), a relative's.
                continue
            hinted = parse_time_expression(value, now)
            if hinted is not None and is_future(hinted, now):
                follow_up_at, follow_up_text = follow_up_moment(hinted, now, follow_up_hour), value
                break

    # When it happened: a past time that is neither the follow-up nor an event's.
    happened_at, happened_given = now, False
    for s in spans:
        if s is follow_span or id(s) in event_span_ids or not is_past(s, now):
            continue
        point = local_time(s.point, now)
        moment = point if s.has_time_of_day else datetime.combine(point.date(), now.timetz())
        happened_at, happened_given = min(moment, now), True
        break

    # The channel: the earliest channel word outside the follow-up's clause.
    follow_clause = clause_of(clauses, follow_span.start) if follow_span else None
    hits = sorted(channel_hits)
    outside = [h for h in hits if clause_of(clauses, h[0]) != follow_clause or len(clauses) == 1 and h == hits[0]]
    chosen = outside[0] if outside else (hits[0] if hits else None)
    channel, channel_given = (chosen[1], True) if chosen else (DEFAULT_CHANNEL, False)
    for value in entities.get("channel", []):
        word = to_half_width(value).strip()
        hinted = word if word in (VISIT, PHONE, BRANCH, WECHAT) else CHANNEL_WORDS.get(word)
        at = text.find(word)
        if outside and (at < 0 or (follow_clause is not None and clause_of(clauses, at) == follow_clause)):
            # The NLU's word is the follow-up's ("来网点了…下周二再打电话问问"), or one the text does
            # not hold: the contact's own channel word stands.
            continue
        if hinted:
            channel, channel_given = hinted, True
            break

    tags = tags_of(text, clauses, products, relatives)
    for value in entities.get("tag", []):
        value = to_half_width(value).strip()
        if value not in tags and tag_from_nlu_stands(value, text, vocabulary, names + list(staff_names)):
            tags.append(value)

    return VisitNote(
        text=raw.strip(),
        customer_names=tuple(names),
        phones=tuple(dict.fromkeys(phones)),
        customer_ids=tuple(dict.fromkeys(customer_ids)),
        id_numbers=tuple(dict.fromkeys(id_numbers)),
        malformed_numbers=tuple(dict.fromkeys(malformed)),
        channel=channel,
        channel_given=channel_given,
        happened_at=happened_at,
        happened_given=happened_given,
        products=tuple(products),
        amounts=tuple(amounts),
        events=tuple(events),
        follow_up_at=follow_up_at,
        follow_up_text=follow_up_text,
        tags=tuple(tags),
        staff_names=tuple(dict.fromkeys(staff_found)),
    )


def _product_near(products: list[ProductMention], amount: AmountMention | None) -> ProductMention | None:
    """The product an amount belongs to: the one right after it ("50万定期"), else the nearest."""
    if not products:
        return None
    if amount is None or amount.start < 0:
        return products[0]
    after = [p for p in products if p.start >= amount.end]
    if after and after[0].start - amount.end <= 3:
        return after[0]
    return min(products, key=lambda p: abs(p.start - amount.start))

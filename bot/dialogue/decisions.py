"""decide(): what the next message is, with what the bot is waiting for in view. The rules, in
order, are the package's docstring (bot/dialogue/__init__.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from bot.clock import clock
from bot.customers.facts import fact_asked
from bot.dialogue.message import (
    ANOTHER_MONTH,
    BARE_REFERRAL,
    CHAT_WORDS,
    COMPLETES_ITEM,
    HANDED_TO,
    DEFAULT_RECEIVER_WORDS,
    DRAFT_STARTS,
    DUPLICATE_ANSWERS,
    EDITS_CUSTOMER_DATA,
    FACT_MISREADS,
    FOLLOWS_UP,
    GIVEN_TO_SOMEONE,
    LATIN_IN_CHINESE_CHAT,
    LATIN_WORD,
    LATIN_WORDS,
    LOOKUP_VERBS,
    MAKES_A_REFERRAL,
    MORE_AFTER_A_LIST,
    NEXT_REFERRAL_STEP,
    PLAN_MISREADS,
    POSSESSED,
    PRONOUN,
    QUESTION,
    QUESTIONS,
    RECOMMENDS,
    REFERRAL_OF,
    SAVE_WORDS,
    TASK_WORDS,
    UNDOES_A_RECORD,
    VISIT_MISREADS,
    WHAT_ABOUT,
    Message,
    asks_own_contacts,
    bare_name,
    cancels,
    is_correction,
    names_customer,
    product_answer,
    reads_as_a_name,
    visit_after_a_cancel,
)
from bot.dialogue import marketing
from bot.dialogue.routes import ASK_REPHRASE, ROUTES_BY_INTENT, STATIC_RESPONSES, Route
from bot.dialogue.waiting import (
    CAMPAIGN,
    CONTACTS,
    FIGURES,
    HOLDINGS,
    REFERRAL,
    REFERRAL_UPDATED,
    SUGGESTIONS,
    TASKS,
    VISIT,
    Choice,
    Draft,
    Step,
    Waiting,
)
from bot.campaigns.reading import OUTCOME_WORDS, PROGRESS, asks_for_a_campaign, reassignment_said
from bot.suggestions.request import asks_may_buy, purchase_question
from bot.visits.notes.kinds import plans_only, reads_as_a_visit_note, reports_a_contact
from bot.visits.period import days_named, tasks_period_asked
from bot.vocabulary.choice import CONFIRM_WORDS, parse_choice
from bot.vocabulary.names import partial_name
from bot.vocabulary.text import has_chinese_words, without_filler
from bot.vocabulary.width import to_half_width


_CONTACTED_WHOM = re.compile(r"^(?:今天|刚|刚刚|刚才|上午|下午|早上|昨天)?(?:上门|电话|微信)?"
                             r"(?:拜访了|拜访|见了|联系了|回访了|走访了|看了)(?P<who>.{2,4})$")
_CUSTOMER_SAID = re.compile(r"^(?:她|他|客户|对方|人家)(?:还)?(?:说|讲|表示|答应|打算|准备|同意)")
_BRANCH_VIEW = re.compile(r"网点(?:的)?(?:情况|概况|数据|经营|业绩|运营)|团队(?:的)?(?:情况|表现|数据)|(?:团队|大家|全行|网点)(?:这周|本周|这个月|本月|上周)?"
                          r"(?:干得|做得)?怎么样|(?:本周|这周|上周|本月|这个月)(?:的)?(?:网点|团队)(?:情况|数据|业绩)")
_WISH = re.compile(r"(?:想|打算|准备|考虑|有意|要)(?:买|办|做|了解|配置|存|续存|转)")


@dataclass(frozen=True)
class Decision:
    route: Route
    response: str | None = None  # for Route.STATIC: the domain.yml response
    dropped: Draft | None = None  # a draft dropped this turn
    dropped_because: str | None = None  # "expired", "replaced" or "to_referral"
    kept: Draft | None = None  # a draft waiting beside the answer: mention it in one line


def decide(message: Message, waiting: Waiting, now: datetime) -> Decision:
    """Which capability answers this message, given what waits (see the module's rules)."""
    draft = waiting.draft
    dropped, because = None, None
    if draft is not None and draft.expired(now):
        dropped, because, draft = draft, "expired", None
    if draft is not None and draft.kind == REFERRAL and visit_after_a_cancel(message.text):
        # "算了不转了,记一下拜访吧,今天电话联系了他…": the referral dropped, the visit noted.
        return Decision(Route.START_VISIT, dropped=draft, dropped_because="replaced")
    if draft is not None:
        if waiting.choice is not None and picks(message, waiting.choice):
            # A list shown beside the draft (a lookup's namesakes) is newer than its question.
            return Decision(Route.PICK, kept=draft)
        reading = read_in_draft(draft, message)
        if reading == "answer":
            return Decision(Route.DRAFT_STEP)
        route, response = route_by_intent(message, waiting.topic)
        if reading == "new":
            if becomes_referral(draft, message):
                return Decision(Route.START_REFERRAL, dropped=draft, dropped_because="to_referral")
            return Decision(route, response, dropped=draft, dropped_because="replaced")
        return Decision(route, response, kept=draft)
    if waiting.choice is not None and picks(message, waiting.choice):
        return Decision(Route.PICK, dropped=dropped, dropped_because=because)
    if waiting.segment is not None and waiting.topic is None and not waiting.segment.expired(now) \
            and MORE_AFTER_A_LIST.match(without_filler(to_half_width(message.text or ""))):
        # "更多" after a look at one of the segment's customers: the segment's next page.
        return Decision(Route.SEGMENT_MORE, dropped=dropped, dropped_because=because)
    route, response = route_by_intent(message, waiting.topic)
    return Decision(route, response, dropped=dropped, dropped_because=because)


def picks(message: Message, choice: Choice) -> bool:
    """A pick from the list shown: a number, an ordinal or a phone's last four digits, and no
    customer named. "完成第2条" after the daily list is not a pick: it closes item 2."""
    text = without_filler(to_half_width(message.text))
    if re.fullmatch(r"(?:尾号|手机尾号|后四位)?\d{4}(?:那个|那位|的)?", text):
        return True  # "4321": the phone's last four digits the list asks for, whatever the NLU tagged
    if names_customer(message) or re.search(r"完成|办完|做完|搞定", message.text):
        return False
    if re.search(r"[万元块岁]|以上|以下|改成|换成", text) or OUTCOME_WORDS.search(text):
        return False  # "改成5万以上" after a segment's list changes the segment; 5 is no pick
    if len(text) > 8:
        return False
    return parse_choice(text, len(choice.candidate_ids)) is not None


def route_by_intent(message: Message, topic: str | None = None) -> tuple[Route, str | None]:
    route, response = _route_by_intent(message, topic)
    if route in (Route.STATIC, Route.UNCLEAR_ANSWER) and reads_as_a_name(message.text):
        # A name alone ("李秀英" read as affirm, no entity): that customer, or "not found" when she
        # is in no branch the employee serves; never a "好的" (which could also pass for a
        # waiting draft's confirmation).
        return Route.LOOKUP, None
    return route, response


def _route_by_intent(message: Message, topic: str | None) -> tuple[Route, str | None]:
    if message.intent == "find_customers" and (names_customer(message) or PRONOUN.search(message.text or "")):
        # "看一下陈美玲的基金" read as a segment: one customer is asked about, never a segment.
        message = replace(message, intent="lookup_customer")
    intent = message.intent or "nlu_fallback"
    text = message.text or ""
    if COMPLETES_ITEM.search(to_half_width(text)):
        return Route.LIST_TASKS, None
    if UNDOES_A_RECORD.search(text) and not names_customer(message):
        return Route.UNDO_SAVED, None  # a saved record deleted or edited: not in the chat (yet)
    if _BRANCH_VIEW.search(text) and not names_customer(message) and not PRONOUN.search(text):
        return Route.BRANCH_VIEW, None  # "本周网点情况", "团队这周怎么样": not built yet, said so
    if EDITS_CUSTOMER_DATA.search(text):
        return Route.EDIT_CUSTOMER, None  # the bank's own data is changed in its systems, not here
    english = [word for word in LATIN_WORDS.findall(text) if word.lower() not in LATIN_IN_CHINESE_CHAT]
    if len(english) >= 2:
        # "visited 陈美玲 today", "look up 王建国": a lookup when a customer is named, else "请用中文";
        # never a draft, a list or a guess.
        return (Route.LOOKUP, None) if names_customer(message) or bare_name(re.sub(r"[A-Za-z\s,.!?]", "", text)) else (
            Route.NOT_CHINESE, None)
    if topic == HOLDINGS and WHAT_ABOUT.match(text.strip(" ?？。.!！~")) and product_answer(message) \
            and not names_customer(message):
        return Route.HOLDINGS, None  # "大额存单呢" right after her holdings: that kind of hers
    if topic == REFERRAL_UPDATED and NEXT_REFERRAL_STEP.fullmatch(without_filler(text)) and not names_customer(message):
        return Route.UPDATE_REFERRAL, None  # "已经联系过了" right after "陈美玲那条我接了": that referral
    if topic == FIGURES and ANOTHER_MONTH.fullmatch(without_filler(text)):
        return Route.REFERRAL_STATS, None  # "这个月呢" right after a month's ranking or figures
    if topic == SUGGESTIONS and MORE_AFTER_A_LIST.match(without_filler(text)):
        return Route.SUGGEST, None  # "还有吗" right after suggestions: the next ones
    campaign_route = marketing.campaign_route(message, topic)
    if campaign_route is not None:
        return campaign_route, None
    segment_route = marketing.segment_route(message, topic)
    if segment_route is not None:
        return segment_route, None
    if asks_own_contacts(message) and (intent not in DRAFT_STARTS or len(without_filler(text)) <= 16):
        return Route.OWN_CONTACTS, None  # "我最近联系过谁", "这周拜访了哪些客户": no customer asked for
    if intent not in ("list_tasks",) + tuple(DRAFT_STARTS) and TASK_WORDS.search(text) and not names_customer(message) and (
            tasks_period_asked(text, clock.today()) is not None or re.search(r"我的|今天|今日", text)):
        return Route.LIST_TASKS, None  # "12月7号要跟进哪些客户", "周末有待办吗" however the NLU read them
    if intent in VISIT_MISREADS and names_customer(message) and reads_as_a_visit_note(text):
        return Route.START_VISIT, None  # "陈美玲到店,三天后再联系" read as small talk with a name
    if intent in ("inform", "nlu_fallback") and PRONOUN.search(text) and _WISH.search(text) and product_answer(message) \
            and not QUESTION.search(text):
        return Route.START_VISIT, None  # "她想买国债" after her card: a note of her wish (no draft waits)
    contacted = _CONTACTED_WHOM.match(without_filler(text))
    if intent in VISIT_MISREADS | {"goodbye"} and contacted and reads_as_a_name(contacted.group("who")):
        return Route.START_VISIT, None  # "拜访了王建国" with the name untagged: a contact, told in few words
    if intent in VISIT_MISREADS | {"goodbye"} and names_customer(message) and reports_a_contact(text):
        return Route.START_VISIT, None  # "拜访了王建国" (拜 as in 拜拜): a contact, told in few words
    if intent == "lookup_customer" and product_answer(message) and (names_customer(message) or PRONOUN.search(text)) \
            and fact_asked(text) is None:
        return Route.HOLDINGS, None  # "看一下陈美玲的基金": her funds, not the whole card
    if topic == CONTACTS and len(without_filler(text)) <= 6 and not names_customer(message) and (
            days_named(text, clock.today()) is not None or re.search(r"今天|今日|最近|近", text)):
        return Route.OWN_CONTACTS, None  # "上个月呢", "最近一个月的" right after her contacts
    if topic == TASKS and len(without_filler(text)) <= 6 and (
            tasks_period_asked(text, clock.today()) is not None or re.search(r"今天|今日", text)):
        return Route.LIST_TASKS, None  # "明天呢", "下周呢" right after the daily list
    if intent in ("suggest_products", "lookup_customer", "inform", "nlu_fallback") and product_answer(message) \
            and POSSESSED.match(without_filler(text)) and not RECOMMENDS.search(text):
        return Route.HOLDINGS, None  # "她的基金呢", "陈美玲的基金呢": what she holds, not suggestions
    if intent not in DRAFT_STARTS and purchase_question(text, message.entities.get("product")) and (
            asks_may_buy(text) or topic == SUGGESTIONS):
        # "她能买大额存单吗" whatever the NLU called it; "那X呢", "X可以吗" right after suggestions.
        return Route.SUGGEST, None
    if not has_chinese_words(text) and not names_customer(message):
        # Nothing in Chinese and no identifier: a bare number answers nothing ("2"), English asks
        # for Chinese (but "ok", "hi", "thx" are chat), emoji and markup get "please rephrase".
        if CHAT_WORDS.fullmatch(text.strip()) and intent in STATIC_RESPONSES:
            return Route.STATIC, STATIC_RESPONSES[intent]
        if LATIN_WORD.search(text):
            return Route.NOT_CHINESE, None
        if intent == "inform":
            return Route.UNCLEAR_ANSWER, None
        return Route.STATIC, STATIC_RESPONSES.get(intent, ASK_REPHRASE) if intent in ("greet", "thanks", "goodbye") else ASK_REPHRASE
    if LATIN_WORD.search(text) and intent in DRAFT_STARTS:
        # "look up 王建国", "check C00000001": English words around a name are a lookup, never a draft.
        return (Route.LOOKUP, None) if names_customer(message) or bare_name(re.sub(r"[A-Za-z\s]", "", text)) else (
            Route.NOT_CHINESE, None)
    misread = intent in FACT_MISREADS or (intent == "inform" and len(without_filler(text)) >= 4) or (
        intent == "list_tasks" and (PRONOUN.search(text) or names_customer(message)))  # "他什么时候过生日"
    if misread and fact_asked(text) is not None:
        # "他手机号多少", "她风险等级": one fact of a customer, whatever small talk the NLU saw.
        return Route.LOOKUP, None
    if intent in PLAN_MISREADS and plans_only(text):
        return Route.START_VISIT, None  # "帮他约个回访,下周二上午": a follow-up task, no contact
    referral_of = REFERRAL_OF.match(without_filler(text))
    names_who = referral_of is not None and (names_customer(message) or reads_as_a_name(referral_of.group("who"))
                                             or partial_name(referral_of.group("who")) is not None)
    if (intent in ("list_referrals", "referral_stats") and (MAKES_A_REFERRAL.search(text) or names_who)) or \
            BARE_REFERRAL.match(without_filler(text)):
        return Route.START_REFERRAL, None  # "转介一下王建国", "转介" alone: no list of referrals
    if HANDED_TO.match(without_filler(text)) and (message.entities.get("staff_name") or message.entities.get("staff_role")):
        return Route.START_REFERRAL, None  # "转给客户经理" right after a card (read as an answer: inform)
    if intent in ROUTES_BY_INTENT:
        return ROUTES_BY_INTENT[intent], None
    if names_customer(message):
        # A phone, a customer number or a name given as "an answer" or small talk: a lookup.
        return Route.LOOKUP, None
    if intent in ("affirm", "inform", "nlu_fallback") and SAVE_WORDS.search(text) and len(without_filler(text)) <= 6:
        # "确认" with no draft waiting (dropped, or never made): say that nothing was saved, so
        # that nobody takes a plain "好的" for a saved record.
        return Route.STATIC, "utter_nothing_to_confirm"
    if partial_name(text) and len(without_filler(text)) <= 5:
        return Route.LOOKUP, None  # "欧阳", "王先生呢": customers of that surname, or nobody
    if intent == "inform":
        return Route.UNCLEAR_ANSWER, None  # an answer with nothing asked ("2", a name of nobody)
    return Route.STATIC, STATIC_RESPONSES.get(intent, ASK_REPHRASE)


def read_in_draft(draft: Draft, message: Message) -> str:
    """How a message reads while `draft` waits: "answer" (to its question), "new" (a new draft
    replacing it) or "side" (another question, answered beside it)."""
    text = (message.text or "").strip()
    intent = message.intent
    if cancels(text):
        return "answer"
    if COMPLETES_ITEM.search(to_half_width(text)):
        return "side"  # "第1个办完了": an item of the daily list closed, not the draft's question answered
    if marketing.asks_for_a_segment(message):
        return "side"  # "下个月有定期到期的客户": customers by a condition, not the draft's time or amount
    if draft.kind != CAMPAIGN and asks_for_a_campaign(text) and not names_customer(message):
        return "new"  # "做个活动,推大额存单…" while a visit or a referral waits: one draft at a time
    if PROGRESS.search(text) or reassignment_said(text) is not None:
        return "side"  # "定期到期客户活动进度", "把赵强没联系的转给王芳": about a campaign made, not this draft
    step = draft.step
    starts_new = intent in DRAFT_STARTS and has_chinese_words(text) and not LATIN_WORD.search(text)
    asks = intent in QUESTIONS
    if step == Step.CONFIRM:
        # A name alone is another customer asked about, never a "yes" or a "no", whatever the NLU
        # called it ("李秀英" has come back as affirm with no entity).
        named = names_customer(message) or reads_as_a_name(text)
        if CONFIRM_WORDS.match(text) or (intent == "affirm" and not named):
            return "answer"
        if is_correction(draft.kind, message):
            return "answer"
        if intent == "deny" and not named:
            return "answer"
        if (starts_new and _new_draft_content(draft, message)) or becomes_referral(draft, message):
            return "new"
        if draft.kind == VISIT and _adds_to_visit(draft, message):
            return "answer"  # "她想买点国债,下周一下午再去": more of the same visit
        if asks or names_customer(message) or bare_name(text):
            return "side"
        if draft.kind == REFERRAL and product_answer(message) and not QUESTION.search(text):
            return "answer"  # a product alone at the confirmation: the step asks for a change word
        return "answer"
    if step == Step.CUSTOMER:
        if names_customer(message) or bare_name(text):
            return "new" if starts_new and _new_draft_content(draft, message) else "answer"
        if draft.state.get("candidate_ids") and parse_choice(without_filler(to_half_width(text)),
                                                            len(draft.state["candidate_ids"])) is not None:
            return "answer"
        if starts_new and _new_draft_content(draft, message):
            return "new"
        return "side" if asks else "answer"
    if step == Step.PRODUCT:
        if product_answer(message) and not QUESTION.search(text):
            return "answer"
        if bare_name(text) or (names_customer(message) and not LOOKUP_VERBS.search(text) and not asks):
            return "answer"  # the customer, corrected ("按上下文" was not whom she meant)
        if starts_new and _new_draft_content(draft, message):
            return "new"
        return "side" if asks else "answer"
    if step == Step.RECEIVER:
        if message.entities.get("staff_name") or message.entities.get("staff_role") or DEFAULT_RECEIVER_WORDS.search(text):
            return "answer"
        if bare_name(text) or re.fullmatch(r"\s*(第?\s*[\d一二三四五六七八九十]+\s*[个位号]?|最后一个)\s*", to_half_width(text)):
            return "answer"
        if starts_new and _new_draft_content(draft, message):
            return "new"
        return "side" if asks else "answer"
    # DUPLICATE
    if DUPLICATE_ANSWERS.search(text) or intent in ("affirm", "deny"):
        return "answer"
    if starts_new and _new_draft_content(draft, message):
        return "new"
    return "side" if asks else "answer"


# Intents that ask for something else than the visit, even in a sentence with a time or a product.
_NOT_ABOUT_THE_VISIT = frozenset({"list_tasks", "list_referrals", "referral_stats", "help", "greet", "thanks",
                                  "goodbye", "update_referral", "give_feedback", "tag_customer", "bot_challenge",
                                  "lookup_customer", "ask_interactions"})


def _adds_to_visit(draft: Draft, message: Message) -> bool:
    """A statement about the same visit at its confirmation: no question, something a note says
    (a product, a time, an amount), and no other customer named."""
    text = message.text or ""
    # "明天再打个电话" (read as goodbye: 再…): a follow-up of this visit, whatever the NLU said.
    follows_up = bool(FOLLOWS_UP.search(text)) and days_named(text, clock.today()) is not None
    # "她说下周三来网点" (read as a lookup: 她 and a time): what the customer said is the visit's.
    reported = bool(_CUSTOMER_SAID.match(text))
    if (message.intent in _NOT_ABOUT_THE_VISIT and not follows_up and not reported) or QUESTION.search(text) \
            or LOOKUP_VERBS.search(text):
        return False
    named = message.entities.get("customer_name") or []
    if any(name != draft.customer_name for name in named) or any(
            message.entities.get(kind) for kind in ("phone", "customer_id", "id_number")):
        return False
    return bool(product_answer(message) or message.entities.get("time") or message.entities.get("amount") or follows_up)


def becomes_referral(draft: Draft, message: Message) -> bool:
    """"转给陈静" at a visit's confirmation: the employee wants the lead passed on, not the visit
    noted: a referral replaces the visit draft (on the same customer, now the one in context)."""
    text = message.text or ""
    return (draft.kind == VISIT and draft.step == Step.CONFIRM and bool(GIVEN_TO_SOMEONE.search(text))
            and not QUESTION.search(text) and not cancels(text))


def _new_draft_content(draft: Draft, message: Message) -> bool:
    """Whether a referral or visit message is a new one, not more words for this draft. While the
    draft asks for something, only a message naming a customer is (an answer the NLU took for a
    visit note, "到期了想续存", names nobody); at the confirmation, a draft of the other kind with
    something to say is too ("新建转介" on the customer in context)."""
    if draft.step != Step.CONFIRM or DRAFT_STARTS.get(message.intent or "") == draft.kind:
        return names_customer(message) and len(without_filler(message.text)) > 4
    return len(without_filler(message.text)) >= 4 or names_customer(message)

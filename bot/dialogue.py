"""The conversation protocol: what the bot is waiting for, and how the next message is read.

Every message goes through `decide`, with what the bot last asked in view. Two things can wait
for the next message, kept between turns in one slot (`Waiting.to_dict`):

* a **draft** (a referral being made, a visit note being confirmed): its kind, the step it is at
  (which customer, which product, which colleague, a duplicate, the confirmation), its customer
  and how that customer was chosen (named in a message, picked from a list, or taken from the
  conversation's context), when the bot last asked, and the capability's own state;
* a **choice**: a numbered list of customers the bot showed ("which 王建国?", the daily list),
  and what was asked about them (a view, a tag, a suggestion).

The rules, in the order `decide` applies them:

1. A draft left alone for `DRAFT_TTL` (30 minutes) is dropped, and the reply says so in one line.
2. While a draft waits, the message is first read as the answer to its question: a cancel word,
   a confirmation, a correction ("转给黄某某", "产品改成基金定投", "客户写错了,是某某", "不是下周三,
   是下周四"), the customer, product or colleague asked for. What the NLU called the message
   matters only when the words do not settle it: a product answer is the product whatever intent
   it was given ("到期了想续存" is no visit note).
3. A message that is not an answer is one of two things. A new referral or visit message replaces
   the draft (dropped, with a one-line notice). Any other question is answered and the draft is
   kept, mentioned in one line below the answer.
4. A pick ("2", "第二个", "尾号5678", "年轻的那个") answers the list last shown; anything else
   drops the list.
5. A short follow-up reads with what the last answer was about (`Waiting.topic`): "明天呢" after
   the daily list, "大额存单呢" after a customer's holdings, "那X呢" and "还有吗" after suggestions,
   "已经联系过了" after a referral's status was changed (its next step; never a cancel), "这个月呢"
   after a month's referral figures.
6. Otherwise the message's intent decides, except where the words settle it whatever the NLU
   said: English around a customer's name is a lookup and English alone gets "请用中文"; "完成第2条"
   closes an item; "能买X吗" is a yes/no question; a one-fact question ("他手机号多少"), a to-do
   question with its day ("周末有待办吗"), a planned follow-up ("帮他约个回访,下周二上午"), a note
   of a contact naming its customer, "转介一下X", a phone or a surname alone are what they say;
   "确认" with nothing waiting says that nothing was saved.

A message that names a customer who is not shown (not found, or namesakes listed) also drops the
customer in context: "她" of the next message is nobody in particular.

Nothing here reads the database or knows Rasa: the chat layer (actions/) turns a `Decision` into
the capability's call and keeps `Waiting` in a slot.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from bot.clock import clock
from bot.customers.facts import fact_asked
from bot.suggestions.request import asks_may_buy, purchase_question
from bot.visits.notes import plans_only, reads_as_a_visit_note, reports_a_contact
from bot.visits.period import tasks_period_asked
from bot.vocabulary.choice import CONFIRM_WORDS, parse_choice
from bot.vocabulary.identifiers import find_identifiers
from bot.vocabulary.names import name_like_words, partial_name, surname_of
from bot.vocabulary.products import product_word_in
from bot.vocabulary.text import has_chinese_words, is_han, without_filler
from bot.vocabulary.width import to_half_width

DRAFT_TTL = timedelta(minutes=30)

REFERRAL, VISIT = "referral", "visit"
SUGGESTIONS, TASKS, HOLDINGS, REFERRAL_UPDATED, FIGURES = "suggestions", "tasks", "holdings", "referral_updated", "figures"


class Step(str, Enum):
    """What a draft asked last, so the next message is read as its answer."""

    CUSTOMER = "customer"  # which customer (a name, a number, or a pick from the list shown)
    PRODUCT = "product"  # which product the customer is interested in (referrals)
    RECEIVER = "receiver"  # which colleague takes it (referrals)
    DUPLICATE = "duplicate"  # add to the open referral, or create another
    CONFIRM = "confirm"  # the summary is shown: 确认, 取消, or a correction


class CustomerSource(str, Enum):
    """How a draft's customer was chosen; a draft on a customer taken from context says so."""

    NAMED = "named"  # the employee named the customer (name, phone, customer or ID number)
    PICKED = "picked"  # the employee picked one of a list of namesakes
    CONTEXT = "context"  # nobody named: the customer the conversation was about


# ---------------------------------------------------------------------------- what waits


@dataclass
class Draft:
    kind: str  # REFERRAL or VISIT
    step: str  # a Step value
    since: str  # ISO time the bot last asked: the draft expires DRAFT_TTL after it
    customer_id: str | None = None
    customer_name: str | None = None
    customer_source: str | None = None  # a CustomerSource value
    state: dict = field(default_factory=dict)  # the capability's own state

    def expired(self, now: datetime) -> bool:
        try:
            since = datetime.fromisoformat(self.since)
        except (TypeError, ValueError):
            return True
        return now - since > DRAFT_TTL

    @property
    def what(self) -> str:
        """The draft in a few words, for one-line notices: "给王建国的转介", "王建国的拜访记录",
        "转介" before its customer is known."""
        name = self.customer_name
        if self.kind == REFERRAL:
            product = self.state.get("product_word")
            head = f"给{name}的转介" if name else "转介"
            return head + (f"({product})" if product else "")
        return f"{name}的拜访记录" if name else "拜访记录"


@dataclass
class Choice:
    """A numbered list of customers shown, and what the employee asked about them."""

    candidate_ids: list[str]
    request: dict  # {"kind": "view", "view": ...} | {"kind": "tag", ...} | {"kind": "suggest", ...}


@dataclass
class Waiting:
    draft: Draft | None = None
    choice: Choice | None = None
    # What the last answer was about, when a short follow-up depends on it: SUGGESTIONS after a
    # list of suggestions or a "may she buy" answer ("那X呢" then asks about X); TASKS after the
    # daily list ("明天呢" then asks for tomorrow's); HOLDINGS after a customer's holdings
    # ("大额存单呢" then asks for that kind of hers).
    topic: str | None = None

    def to_dict(self) -> dict | None:
        if self.draft is None and self.choice is None and self.topic is None:
            return None
        return {"draft": asdict(self.draft) if self.draft else None,
                "choice": asdict(self.choice) if self.choice else None,
                "topic": self.topic}

    @classmethod
    def from_dict(cls, data: dict | None) -> "Waiting":
        """What the slot holds; anything malformed (an old or tampered slot) waits for nothing."""
        if not isinstance(data, dict):
            return cls()
        draft = choice = None
        raw = data.get("draft")
        if isinstance(raw, dict) and raw.get("kind") in (REFERRAL, VISIT) and raw.get("step") in {s.value for s in Step}:
            known = {k: v for k, v in raw.items() if k in Draft.__dataclass_fields__}
            draft = Draft(**known)
            if not isinstance(draft.state, dict):
                draft.state = {}
        raw = data.get("choice")
        if isinstance(raw, dict) and isinstance(raw.get("candidate_ids"), list) and raw["candidate_ids"]:
            choice = Choice([str(c) for c in raw["candidate_ids"]], dict(raw.get("request") or {}))
        topic = data.get("topic") if data.get("topic") in (SUGGESTIONS, TASKS, HOLDINGS, REFERRAL_UPDATED, FIGURES) else None
        return cls(draft, choice, topic)


# ---------------------------------------------------------------------------- the message


@dataclass(frozen=True)
class Message:
    text: str
    intent: str | None
    entities: dict[str, list[str]] = field(default_factory=dict)


CUSTOMER_ENTITIES = ("customer_name", "phone", "customer_id", "id_number")

CANCEL_WORDS = re.compile(
    r"^(?:还是)?(取消|算了|不转了|不用了|先不转|不转介了|放弃|撤回|先不了|不要了|取消吧|算了吧|不弄了|不记了|不用记了|先不记|别记了"
    r"|不办了|先不办|不做了|作废)"
)
# A correction at the confirmation: "改成", "换成", "写错了", "不是X,是Y", "应该是".
CHANGE_WORDS = re.compile(r"改成|改为|改到|改一下|改下|换成|换到|换个|换一个|变成|写错|弄错|搞错|记错|不对|应该是|其实是|更正"
                          r"|不是.{0,16}?是|改")
# A referral's receiver named at the confirmation: "转给黄某某", "给陈静吧", "交给理财经理".
RECEIVER_CHANGE = re.compile(r"^(转给|转到|交给|给|让|找|派给|分给)")
GIVEN_TO_SOMEONE = re.compile(r"转给|转到|交给|派给|分给|推给")
NO_FOLLOW_UP = re.compile(r"(不用跟进|不跟进|不用提醒|不要提醒|不需要跟进|取消跟进|没有跟进|不用再联系)")
# Answers to "补充 or 新建?" when an open referral of the same kind exists.
DUPLICATE_ANSWERS = re.compile(r"补充|追加|加到|加在|合并|原来那条|那一条|备注|新建|还是建|再建|另建|重新建|另外建|仍然|照样|还是要")
DEFAULT_RECEIVER_WORDS = re.compile(r"(默认|随便|你安排|按规则|系统分配|自动分配|你看着办)")
# A question, not an answer: "他有定期吗", "什么时候到期", "多少".
QUESTION = re.compile(r"[吗么嘛][?？]?\s*$|[?？]|什么|哪|多少|几|有没有|是不是|能不能|可不可以|怎么|谁")
# Asking to look someone up: a name after one of these is a lookup, not an answer.
LOOKUP_VERBS = re.compile(r"查|看看|看一下|看下|搜|找一下|找下|是谁|谁啊|信息|资料")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
SAVE_WORDS = re.compile(r"确认|保存|提交|确定|记上|记吧")
# Latin words of everyday chat, answered like their Chinese ("ok" is 好的).
CHAT_WORDS = re.compile(r"(?i)(ok|okay|k|yes|yep|no|hi|hello|hey|thx|thanks|thank you|bye|byebye|good)[\s.!?~]*")
# "刚才那条记错了,删掉", "把刚才的拜访删了": a saved record deleted, which the chat cannot do.
UNDOES_A_RECORD = re.compile(r"(刚才|刚刚|上一条|那条|这条|那个|记录|拜访).{0,10}?(删掉|删除|删了|删一下|作废|撤回)|"
                             r"(删掉|删除|删了|作废|撤回)(刚才|刚刚|上一条|那条|这条)")
# "把王建国的风险等级改成C4", "修改她的手机号": the bank's customer data, which the chat never changes.
_CUSTOMER_FIELDS = r"(风险等级|风险评级|风险承受|手机号|手机号码|电话号码|联系电话|地址|住址|生日|出生日期|身份证|证件号|姓名|名字|客户经理|归属网点)"
EDITS_CUSTOMER_DATA = re.compile(_CUSTOMER_FIELDS + r".{0,12}?(改成|改为|改到|修改|更新为|更改|变更|换成)|"
                                 r"(修改|更改|变更|更新)(一下)?.{0,12}?" + _CUSTOMER_FIELDS)
# "完成第2条", "第3个办完了": an item of the daily list done, whatever the NLU called it.
COMPLETES_ITEM = re.compile(r"(完成|办完|做完|搞定).{0,6}?(第?\s*[\d一二三四五六七八九十]+\s*[条个项])|"
                            r"(第?\s*[\d一二三四五六七八九十]+\s*[条个项]).{0,6}?(完成|办完|做完|搞定)")
# Words that start with a surname's character but are no names (answers a draft may get).
NOT_NAMES = frozenset({"上门", "电话", "到店", "微信", "确认", "取消", "默认", "好的", "可以", "没有", "不用", "补充",
                       "新建", "是的", "对的", "行吧", "算了", "还是", "明天", "后天", "今天", "下周", "月底", "年底"})

# Intents that ask something of the bot (answered beside a waiting draft).
QUESTIONS = frozenset({
    "lookup_customer", "ask_holdings", "ask_interactions", "suggest_products", "list_referrals", "referral_stats",
    "list_tasks", "help", "tag_customer", "update_referral", "give_feedback", "greet", "goodbye", "thanks",
    "bot_challenge",
})
# Words of making a referral (not of listing or ranking them).
MAKES_A_REFERRAL = re.compile(r"转介一下|转介给|帮我转介|转一下|转给|推给|推荐给|交给|新建转介|登记.{0,2}转介|转个单|转个介")
# "转介", "做个转介", "帮我转介一下" and nothing else: making one (on the customer in context, or
# asking whom), not the list of referrals ("我的转介", "转介记录", "转介情况" say what they want).
BARE_REFERRAL = re.compile(r"^(?:帮我|帮忙|我要|我想|要|想|给他|给她|帮他|帮她|做个|做一个|来个|新建|发起|登记|新增|加个|加一个)?"
                           r"(?:一个|个|一条|条|一笔|笔)?转介(?:一下|下|一个|个|一条|条)?(?:吧|啊|呀)?$")
# "转介欧阳杨波", "帮我转介一下C00000005": making one for the customer named right after 转介.
REFERRAL_OF = re.compile(r"^(?:帮我|帮忙|请|我要|要)?转介(?:一下|下)?(?P<who>.+)$")
PRONOUN = re.compile(r"[他她]|这位|该客户|这个客户|那个客户")
LATIN_WORDS = re.compile(r"[A-Za-z]{2,}")
# Latin words staff write inside Chinese (微信 as vx, 手机银行 as app): no sign of English.
LATIN_IN_CHINESE_CHAT = frozenset({"vx", "wx", "ok", "okay", "app", "vip", "pos", "atm", "id", "cd", "sos", "kpi", "etc"})
WHAT_ABOUT = re.compile(r"^(?:那么|那个|那|还有)?.{1,12}?(?:呢|咧)$")
# The next step of the referral just updated, said alone (never a cancel: that is said in full).
NEXT_REFERRAL_STEP = re.compile(r"(?:已经|刚|刚刚|也|都)?(?:已联系|联系了|联系上了?|联系过了?|打过电话了|成交了?|已成交|未成交|没成交|"
                                r"联系不上|没联系上|接了|已接受)(?:了|啦|的)?")
# Another month asked alone, right after a month's referral figures.
ANOTHER_MONTH = re.compile(r"(?:那|那么)?(?:这个月|本月|当月|上个月|上月|前个月|今年\d{1,2}月|\d{1,2}月|[一二三四五六七八九十]{1,2}月)份?"
                           r"(?:呢|的呢|怎么样|如何|的)?")
MORE_AFTER_A_LIST = re.compile(r"^(?:还有吗|还有呢|还有没有|还有别的吗|还有其他的吗|还有其它的吗|继续|下一批|下一页|再来几个|再来点|更多)$")
# Words of the to-do list.
TASK_WORDS = re.compile(r"待办|要跟进|跟进哪|跟进谁|要联系谁|要联系哪|要办的|要办什么|有啥事|有什么事|要做的|要回访")
# Intents a visit note naming its customer can be misread as ("陈美玲到店,三天后再联系").
VISIT_MISREADS = frozenset({"nlu_fallback", "out_of_scope", "inform", "affirm", "deny", "thanks", "greet"})
# Intents a planned follow-up ("提醒我周五给他打电话") can be read as.
PLAN_MISREADS = frozenset({"ask_interactions", "list_tasks", "inform", "nlu_fallback", "out_of_scope", "affirm"})
# Intents a one-fact question ("谁是他的客户经理") can be misread as; under these it is a lookup.
FACT_MISREADS = frozenset({"nlu_fallback", "out_of_scope", "affirm", "deny", "greet", "thanks", "help",
                           "bot_challenge", "list_referrals", "referral_stats"})
# Intents that start a draft.
DRAFT_STARTS = {"record_referral": REFERRAL, "log_visit": VISIT}


_DEMONSTRATIVE = re.compile(r"^(?:那个|这个|那款|这款|那|这)(?=.{2,})")
_TRAILING_PARTICLE = re.compile(r"(?<=.{2})[呢吧啊呀吗么嘛]+$")


def entity_value(entity: str | None, value) -> str | None:
    """An entity's value as the bank's words: a product or tag without the demonstrative or the
    particle the NLU glued to it ("那鑫享理财" -> 鑫享理财, "国债呢" -> 国债); None for an empty one."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if entity in ("product", "tag"):
        value = _TRAILING_PARTICLE.sub("", _DEMONSTRATIVE.sub("", value))
    return value or None


def names_customer(message: Message) -> bool:
    """Whether the message names a customer by an entity or an identifier written in it, in any
    form staff type it ("158 3333 4444", "+86…", "c00000001")."""
    if any(message.entities.get(name) for name in CUSTOMER_ENTITIES):
        return True
    return any(found.valid for found in find_identifiers(message.text or ""))


def names_somebody(message: Message) -> bool:
    """Whether the message names a customer: by an entity, an identifier, or a surname given alone
    or with a title (欧阳, 王先生). A colleague's name is no customer's."""
    return names_customer(message) or partial_name(message.text or "") is not None


def reads_as_a_name(text: str) -> bool:
    """A bare name that reads as a person's name even when the NLU tagged nothing in it ("李秀英"
    read as affirm): stricter than bare_name, which also takes "明白", "谢谢" for names."""
    name = bare_name(text)
    return name is not None and name in name_like_words(name)


def bare_name(text: str) -> str | None:
    """The message as a bare name: 2-4 Han characters once punctuation and particles are gone,
    starting with a surname, and no word of the bank's ("上门", "理财" are no names)."""
    name = without_filler(text)
    if not (2 <= len(name) <= 4 and is_han(name)) or surname_of(name) is None:
        return None
    if product_word_in(name) or name in NOT_NAMES:
        return None
    return name


# After a cancel word, a change of mind is no cancel: "算了,还是转给王芳吧", "不要了,改成电话".
_CHANGE_OF_MIND = re.compile(r"还是|改成|改为|改到|换成|换个|转给|交给|应该|其实|不是")


def cancels(text: str) -> bool:
    """Whether the message abandons the draft: a cancel word, and no change of mind after it."""
    text = (text or "").strip()
    found = CANCEL_WORDS.match(text)
    return bool(found) and not _CHANGE_OF_MIND.search(text[found.end():])


def visit_after_a_cancel(text: str) -> bool:
    """A cancel followed by the note of a contact: the employee changed her mind to a visit."""
    text = (text or "").strip()
    found = CANCEL_WORDS.match(text)
    rest = text[found.end():] if found else ""
    return bool(found) and len(rest) >= 8 and (reads_as_a_visit_note(rest) or reports_a_contact(rest))


def product_answer(message: Message) -> str | None:
    """The product a message names, if any: the NLU's entity, else a product word in the text."""
    products = message.entities.get("product") or []
    if products:
        return products[0]
    names = [*(message.entities.get("customer_name") or []), *(message.entities.get("staff_name") or [])]
    return product_word_in(message.text, names)


def is_correction(kind: str, message: Message) -> bool:
    """A change to a draft at its confirmation, in the words staff use."""
    text = message.text
    if CHANGE_WORDS.search(text):
        return True
    if kind == REFERRAL:
        return bool(RECEIVER_CHANGE.match(text.strip()) or GIVEN_TO_SOMEONE.search(text)
                    or message.entities.get("staff_name") or message.entities.get("staff_role"))
    # A visit's follow-up, said again or moved ("下周五再跟进"); a question about follow-ups ("我的跟进
    #有哪些") is none.
    return bool(NO_FOLLOW_UP.search(text) or (re.search(r"跟进|回访|提醒|再联系", text) and not QUESTION.search(text)))


_CORRECTED_TO = re.compile(r"(?:改成|改为|改到|换成|换到|变成|应该是|其实是|是)")


def corrected_part(text: str) -> str:
    """What a correction changes to: the words after its last "是/改成/换成…" ("客户写错了,是李秀英"
    -> "李秀英", "不是下周三,是下周四" -> "下周四"); the whole message when it has none."""
    found = list(_CORRECTED_TO.finditer(text))
    if not found:
        return text.strip()
    rest = text[found[-1].end():].strip(" ,，。.!！~")
    return rest or text.strip()


# ---------------------------------------------------------------------------- decisions


class Route(str, Enum):
    """Which capability answers the message."""

    DRAFT_STEP = "draft_step"  # the answer to the waiting draft's question
    PICK = "pick"  # the answer to the list of customers last shown
    LOOKUP = "lookup"
    HOLDINGS = "holdings"
    INTERACTIONS = "interactions"
    SUGGEST = "suggest"
    START_REFERRAL = "start_referral"
    UPDATE_REFERRAL = "update_referral"
    LIST_REFERRALS = "list_referrals"
    REFERRAL_STATS = "referral_stats"
    START_VISIT = "start_visit"
    TAG = "tag"
    LIST_TASKS = "list_tasks"
    FEEDBACK = "feedback"
    NOT_CHINESE = "not_chinese"  # "请用中文"
    UNCLEAR_ANSWER = "unclear_answer"  # an answer to nothing: "没明白您指的是哪位客户"
    UNDO_SAVED = "undo_saved"  # "刚才那条记错了,删掉": not built; the bot says so
    EDIT_CUSTOMER = "edit_customer"  # "把王建国的风险等级改成C4": not in the chat; the bot says so
    STATIC = "static"  # a reply from domain.yml (greet, help, …); a bare customer's name is looked up


ROUTES_BY_INTENT = {
    "lookup_customer": Route.LOOKUP,
    "ask_holdings": Route.HOLDINGS,
    "ask_interactions": Route.INTERACTIONS,
    "suggest_products": Route.SUGGEST,
    "record_referral": Route.START_REFERRAL,
    "update_referral": Route.UPDATE_REFERRAL,
    "list_referrals": Route.LIST_REFERRALS,
    "referral_stats": Route.REFERRAL_STATS,
    "log_visit": Route.START_VISIT,
    "tag_customer": Route.TAG,
    "list_tasks": Route.LIST_TASKS,
    "give_feedback": Route.FEEDBACK,
}
# The static replies of domain.yml, by intent (anything else unclear asks to rephrase).
STATIC_RESPONSES = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thanks": "utter_thanks",
    "help": "utter_help",
    "bot_challenge": "utter_bot_challenge",
    "out_of_scope": "utter_out_of_scope",
    "affirm": "utter_acknowledge_affirm",
    "deny": "utter_acknowledge_deny",
}
ASK_REPHRASE = "utter_ask_rephrase"


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
        if route in (Route.STATIC, Route.UNCLEAR_ANSWER) and reads_as_a_name(message.text):
            # A name beside a draft ("李秀英" read as affirm, no entity): that customer, or "not
            # found"; never a "好的" that could pass for the draft's confirmation.
            route, response = Route.LOOKUP, None
        if reading == "new":
            if becomes_referral(draft, message):
                return Decision(Route.START_REFERRAL, dropped=draft, dropped_because="to_referral")
            return Decision(route, response, dropped=draft, dropped_because="replaced")
        return Decision(route, response, kept=draft)
    if waiting.choice is not None and picks(message, waiting.choice):
        return Decision(Route.PICK, dropped=dropped, dropped_because=because)
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
    if len(text) > 8:
        return False
    return parse_choice(text, len(choice.candidate_ids)) is not None


def route_by_intent(message: Message, topic: str | None = None) -> tuple[Route, str | None]:
    intent = message.intent or "nlu_fallback"
    text = message.text or ""
    if COMPLETES_ITEM.search(to_half_width(text)):
        return Route.LIST_TASKS, None
    if UNDOES_A_RECORD.search(text) and not names_customer(message):
        return Route.UNDO_SAVED, None  # a saved record deleted or edited: not in the chat (yet)
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
    if intent not in ("list_tasks",) + tuple(DRAFT_STARTS) and TASK_WORDS.search(text) and not names_customer(message) and (
            tasks_period_asked(text, clock.today()) is not None or re.search(r"我的|今天|今日", text)):
        return Route.LIST_TASKS, None  # "12月7号要跟进哪些客户", "周末有待办吗" however the NLU read them
    if intent in VISIT_MISREADS and names_customer(message) and reads_as_a_visit_note(text):
        return Route.START_VISIT, None  # "陈美玲到店,三天后再联系" read as small talk with a name
    if intent in VISIT_MISREADS | {"goodbye"} and names_customer(message) and reports_a_contact(text):
        return Route.START_VISIT, None  # "拜访了王建国" (拜 as in 拜拜): a contact, told in few words
    if intent == "lookup_customer" and message.entities.get("product") and (names_customer(message) or PRONOUN.search(text)) \
            and fact_asked(text) is None:
        return Route.HOLDINGS, None  # "看一下陈美玲的基金": her funds, not the whole card
    if topic == TASKS and len(without_filler(text)) <= 6 and (
            tasks_period_asked(text, clock.today()) is not None or re.search(r"今天|今日", text)):
        return Route.LIST_TASKS, None  # "明天呢", "下周呢" right after the daily list
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
    if message.intent in _NOT_ABOUT_THE_VISIT or QUESTION.search(text) or LOOKUP_VERBS.search(text):
        return False
    named = message.entities.get("customer_name") or []
    if any(name != draft.customer_name for name in named) or any(
            message.entities.get(kind) for kind in ("phone", "customer_id", "id_number")):
        return False
    return bool(product_answer(message) or message.entities.get("time") or message.entities.get("amount"))


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


# ---------------------------------------------------------------------------- one-line notices


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

"""How a message reads: its words and the NLU's entities (Message), and the word tables that
settle what it is whatever intent the NLU gave it (a cancel, a correction, a name, a pick...).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.dialogue.waiting import CAMPAIGN, REFERRAL, VISIT
from bot.visits.notes.kinds import reads_as_a_visit_note, reports_a_contact
from bot.vocabulary.identifiers import find_identifiers
from bot.vocabulary.names import name_like_words, partial_name, surname_of
from bot.vocabulary.products import product_word_in
from bot.vocabulary.text import is_han, without_filler


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
# A change to a campaign's draft at its confirmation: its deadline, who works it, its name, its product.
CAMPAIGN_CHANGE = re.compile(r"截止|之前|以前|按客户经理|按管户|各自|都给我|给我|分给|平均|轮流|活动名|名字叫|推")
# A referral's receiver named at the confirmation: "转给黄某某", "给陈静吧", "交给理财经理".
RECEIVER_CHANGE = re.compile(r"^(转给|转到|交给|给|让|找|派给|分给)")
GIVEN_TO_SOMEONE = re.compile(r"转给|转到|交给|派给|分给|推给")
# "转给客户经理", "帮他转给王芳" with no draft waiting: a referral of the customer in context.
HANDED_TO = re.compile(r"^(?:帮我|帮忙|请)?(?:帮?[他她]|把[他她])?(?:转介给|转给|交给|推给|派给)")
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
    "bot_challenge", "find_customers", "campaign_progress",
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
# A question about one's own past contacts ("我最近联系过谁", "这周拜访了哪些客户", "我的拜访记录"),
# not about a customer's (names_customer, PRONOUN) nor about what is still to do (PLANNED).
OWN_CONTACTS = re.compile(
    r"(?:联系|拜访|走访|回访|见|约见|接待|电话联系)(?:了|过)*的?(?:哪些|哪几位|哪几个|几位|几个|多少|谁)"
    r"|打了?(?:哪些|几个|多少)个?电话"
    r"|我的?(?:最近|这周|本周|上周|今天|昨天|这个月|本月|上个月)?的?(?:拜访|联系|走访)(?:记录|情况)"
    r"|我(?:最近|这周|本周|上周|今天|昨天|这个月|本月|上个月)?都?(?:联系|拜访|走访)(?:过|了)的(?:客户|人)"
)
# "她的基金呢", "陈美玲的定期": what someone holds of a kind, not a request for suggestions.
POSSESSED = re.compile(r"^(?:那|那么)?(?:他|她|客户|[\u4e00-\u9fff]{2,4}?)的(?P<what>[^,，。]{1,12}?)(?:呢|吧|啊|嘞)?$")
RECOMMENDS = re.compile(r"推荐|适合|买什么|配置|能买|可以买|能办|可以办|能不能")
# A follow-up said at a visit's confirmation: "明天再打个电话", "下周三再去一趟", "周五回访".
FOLLOWS_UP = re.compile(r"再(?:打|联系|去|来|约|跟进|回访|聊|谈|看|问)|回访|跟进")
PLANNED = re.compile(r"要|需要|应该|该去|计划|打算|安排|待办|跟进")
TASK_WORDS = re.compile(r"待办|要跟进|跟进哪|跟进谁|要联系谁|要联系哪|要办的|要办什么|有啥事|有什么事|要做的|要回访")
# Intents a visit note naming its customer can be misread as ("陈美玲到店,三天后再联系").
VISIT_MISREADS = frozenset({"nlu_fallback", "out_of_scope", "inform", "affirm", "deny", "thanks", "greet"})
# Intents a planned follow-up ("提醒我周五给他打电话") can be read as.
PLAN_MISREADS = frozenset({"ask_interactions", "list_tasks", "inform", "nlu_fallback", "out_of_scope", "affirm",
                           "ask_holdings", "lookup_customer"})
# Intents a one-fact question ("谁是他的客户经理") can be misread as; under these it is a lookup.
FACT_MISREADS = frozenset({"nlu_fallback", "out_of_scope", "affirm", "deny", "greet", "thanks", "help",
                           "bot_challenge", "list_referrals", "referral_stats"})
# Intents that start a draft.
DRAFT_STARTS = {"record_referral": REFERRAL, "log_visit": VISIT}


_DEMONSTRATIVE = re.compile(r"^(?:那个|这个|那款|这款|那|这)(?=.{2,})")
_TRAILING_PARTICLE = re.compile(r"(?<=.{2})[呢吧啊呀吗么嘛]+$")


IDENTIFIER_ENTITIES = ("phone", "id_number", "customer_id")


def entity_value(entity: str | None, value) -> str | None:
    """An entity's value as the bank's words: a product or tag without the demonstrative or the
    particle the NLU glued to it ("那鑫享理财" -> 鑫享理财, "国债呢" -> 国债); None for an empty one,
    and for a phone, ID or customer number without a digit."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if entity in ("product", "tag"):
        value = _TRAILING_PARTICLE.sub("", _DEMONSTRATIVE.sub("", value))
    if entity in IDENTIFIER_ENTITIES and not any(c.isdigit() for c in value):
        return None  # "欧阳呢" tagged an ID number: an identifier without a digit is none
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
    if kind == CAMPAIGN:  # "截止下周五", "都给我", "平均分给王芳和马骏", "推理财吧"
        return bool(CAMPAIGN_CHANGE.search(text) or message.entities.get("product") or message.entities.get("staff_name"))
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


def asks_own_contacts(message: Message) -> bool:
    """"我最近联系过谁", "上周拜访了几个客户", "我的拜访记录": her own contacts, no customer's."""
    text = message.text or ""
    return bool(OWN_CONTACTS.search(text)) and not PLANNED.search(text) and not PRONOUN.search(text) \
        and not names_customer(message)

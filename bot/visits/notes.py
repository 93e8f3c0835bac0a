"""Visit notes (拜访记录) as staff type them, turned into structured fields.

"下午去王建国家上门,50万定期下个月到期,想转大额存单,约了下周三再谈" gives: the customer
name candidate 王建国, channel 上门, products 定期 and 大额存单, the amount 50万, a maturity
event (50万 定期, next month), the tag 意向:大额存单 and a follow-up next Wednesday.

Words are found with spaCy 3.4 (`spacy.blank("zh")` with the jieba segmenter: nothing is
downloaded) and an EntityRuler fed with the product catalogue (the products table's names and
bot.referrals.PRODUCT_WORDS), the staff's names and the channel words; every phrase is also added
to the notes' own jieba dictionary (never jieba's shared one) so that it is segmented as one word. Times come from bot.vocabulary.time_expressions,
amounts from bot.referrals.parse_amount, customer identifiers from bot.vocabulary.text. The caller
resolves the name candidates against the customers the staff member may see.

Rules decided here:

* Channel (上门/电话/到店/微信): the earliest channel word of the note outside the clause that
  sets the follow-up ("打电话约了下周上门" was a call), else the earliest at all. 拜访/上门/家访/
  去…家 → 上门; 电话/来电/电联/致电 → 电话; 到店/来网点/来行里/到柜台 → 到店; 微信/发消息/发信息
  → 微信. A note with no channel word is 到店 (`channel_given` False): at a branch most notes
  without one are written right after the customer came in, and the dialogue may ask instead.
  An NLU `channel` entity wins over the wording, unless it lies in the follow-up's clause
  while the contact has a channel word of its own.
* When the contact happened: the note's time expressions that lie in the past and belong to
  neither the follow-up nor a money event ("昨天下午去了" → yesterday afternoon); a day without
  a time of day keeps the clock time of `now`. Default and ceiling: `now`.
* Follow-up: the time expression in a clause with a follow-up word (约/再谈/跟进/回访/再联系/
  下次/提醒我/再来/复访…), else the last future time that is not a money event's time ("50万
  定期下个月到期" is not a follow-up). Without a time of day it is due at 09:00 that day.
* Amounts (issue #23: a number is read only where it is money). An amount is a number with a
  money unit (万/元/块/千/亿, w: 50万, 3.5万元, 两千块, 20w) or a bare number right after a money
  verb or a balance and ending there (存了50000, 取了3000, 余额8000; at least ¥100, at most 9
  digits). Never money: a number followed by a count word (两千人, 3千米, 1万份, 2万股, 70岁),
  another currency (5万美元: the yuan figure would be wrong, so none is read), a loose range
  (三五万, 一两万), a word made of number characters (百万医疗险, 千万), and any bare number
  elsewhere (3天后, 第2次, 1年期, 3.5%, 百分之三, 12月8号, 下午3点, 尾号5678, 两个孩子). Phone
  and customer numbers and other runs of 5+ digits are identifiers, except right after a money verb.
  An NLU `amount` is used only when the note does not show it and it has a money unit: where the
  note writes it, the rules above have already decided.
* Whose money. A customer manager records the customer's money: what they hold, buy, get or
  spend. So:
  - A clause whose subject is one of the customer's family (老伴/爱人/儿子/女儿/孩子/父母/老公/
    老婆/媳妇/女婿/孙子…; not after 给/和/把/帮…: "给儿子买了20万理财" is the customer's) gives
    no amount and no money event: "他老伴退休金5000一个月", "她女儿的定期30万下个月到期". A clause
    with no subject of its own continues the previous one's ("他儿子要买房,首付50万"); one that
    names the customer, says 他/她/客户/家里, names a product (the customer's holding) or moves
    money ("老公陪着来的,存了50万", "老伴住院了,取了5万") is the customer's again. One exception: the family's spending (女儿上大学要用钱, 儿子买房) is money
    leaving the household, so it stays an outflow event, without the relative's figure (the
    manager asks the customer how much). A relative's interest is the household's lead and is
    tagged (他老伴想了解重疾险 → 意向:重疾险); their purchase or refusal is theirs and is not.
  - Regular income (退休金/养老金/工资/月薪/年薪/收入… in a clause that buys, spends or matures
    nothing: "他退休金每月6000", "月薪2万") is a fact about the customer, not money to act on: no
    amount (it would read as a deposit in the contact history), no money event, and 养老金 there
    is the pension, not the insurance product. The note's text keeps the figure. 工资卡/退休金账户
    are accounts ("退休金卡里有30万" is money); "拿退休金买了5万理财" is a purchase.
* Tags (the vocabulary, `TAG_KINDS`):
    意向:<label>      interest (想/有兴趣/感兴趣/考虑买/了解/咨询/问了/打算/需要/准备…)
    不感兴趣:<label>  an explicit refusal only (不感兴趣/没兴趣/不需要/不考虑/暂不考虑/拒绝/不想买/
                      不要了/不买了/没有需求…)
    已购:<label>      bought (买了/已购/办了/签了/成交/认购/存了/续存…)
    有<贷款词>需求    interest in a loan: 有房贷需求, 有车贷需求, 有经营贷需求, 有消费贷需求, 有贷款需求
  <label> is 大额存单, 基金定投, 国债, 黄金, 养老保险 or 重疾险 for those words, else the category
  (存款, 理财, 基金, 保险, 贷款, 信用卡, 贵金属). A cue applies to the products of its clause (a
  clause is cut again before a later "对<product>": "对保险没兴趣对理财有兴趣"); a clause with a cue
  and no product ("聊了基金定投,有兴趣") applies it to the previous clause's, unless it is about
  money ("需要用钱", "打算装修": not interest in the product said before). In a clause:
  - an explicit refusal gives 不感兴趣 (不想/不要/不买 only with the product as object: "基金先不
    要赎回", "理财不想动", "定期先不续了" refuse nothing); with two products and another cue in
    the same breath ("不要保险要基金") no tag, since which is which would be a guess;
  - else hesitation (还在考虑/考虑一下/再看看/犹豫/纠结/商量/再想想/顾虑/怕/没想好…) gives no tag;
  - else any negation (不太想买, 兴趣不大, 没什么兴趣, 没买, 还没办) gives no tag: softened or
    partial, it is neither interest nor a refusal. Not negations: questions (要不要, 有没有,
    需不需要), 不错/差不多/没问题…, and 不用跟进/不要提醒 (about the follow-up);
  - else purchase words give 已购, interest words 意向 (not an interest word governing spending:
    "打算装修"; not an evaluation of a holding: "收益还可以", "挺好", "比较认可"), and a verb right
    before a product (问理财, 买大额存单, 办信用卡) 意向.
  A product both refused and wanted in one note keeps what was said last.
  Free tags come only from the NLU's `tag` entity, and only when they are a phrase a manager
  would write (`is_tag_phrase`: not kin such as 爱人/他老伴, a pronoun, an everyday noun, a number
  or a product word), written in the note, and either asked for in so many words (标签/标记/
  标一下…: "标签:高净值") or a need the note states and does not negate (有留学需求, not 没有留学需求).
* Money events (`EventKind`): maturity (到期), inflow (到账/回款/拆迁款/卖房/年终奖…: one-off
  money, not a pension), outflow (要用钱/取出/转走/买房/装修…), purchase (a bought product with an
  amount); each with the clause's amount, product and time; none from income or, but for
  spending, from a relative's clause (above).
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Iterable, Mapping

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
from bot.vocabulary.numbers import parse_amount
from bot.vocabulary.products import PRODUCT_WORDS, category_of_word
from bot.vocabulary.text import has_chinese_words, part_of_name
from bot.vocabulary.width import to_half_width

# ---------------------------------------------------------------------------- vocabulary

VISIT, PHONE, BRANCH, WECHAT = "上门", "电话", "到店", "微信"
# Words about the record itself ("记一下拜访", "记条拜访记录", "拜访记录"), never its channel.
_LOG_THE_RECORD = re.compile(r"记(?:一下|下|个|一个|条|一条|录)?(?:这次)?拜访(?:记录)?|拜访记录")
DEFAULT_CHANNEL = BRANCH

CHANNEL_WORDS: dict[str, str] = {
    "上门": VISIT, "拜访": VISIT, "家访": VISIT, "走访": VISIT, "登门": VISIT, "入户": VISIT, "去家里": VISIT,
    "到家里": VISIT, "去他家": VISIT, "去她家": VISIT, "去了他家": VISIT, "去了她家": VISIT, "上他家": VISIT,
    "电话": PHONE, "打电话": PHONE, "来电": PHONE, "电联": PHONE, "致电": PHONE, "通话": PHONE, "回电": PHONE,
    "打了个电话": PHONE, "通了电话": PHONE, "手机联系": PHONE,
    "到店": BRANCH, "来网点": BRANCH, "到网点": BRANCH, "来行里": BRANCH, "到行里": BRANCH, "来柜台": BRANCH,
    "到柜台": BRANCH, "来店": BRANCH, "来银行": BRANCH, "到银行": BRANCH, "进店": BRANCH, "来我们行": BRANCH,
    "来支行": BRANCH, "来营业厅": BRANCH, "厅堂": BRANCH, "来办": BRANCH,
    "微信": WECHAT, "发消息": WECHAT, "发信息": WECHAT, "发了消息": WECHAT, "发了信息": WECHAT, "企微": WECHAT,
    "加微": WECHAT, "vx": WECHAT, "VX": WECHAT, "wx": WECHAT,
}
# "去王建国家", "到老李家里": a visit to someone's home.
_HOME_VISIT = re.compile(r"[去到上][了过]?[\u4e00-\u9fff]{1,4}?家(?![长属人庭])")

FOLLOW_UP_WORDS = (
    "约了", "约好", "约在", "约", "再谈", "再聊", "跟进", "回访", "再联系", "联系一下", "下次", "提醒我", "提醒",
    "再来", "复访", "再去", "再打", "回电话", "来签", "来办", "过来", "上门", "见面",
)
# "到期前提醒我", "到期前联系她", "到期当天提醒": the follow-up is set from the maturity.
_BEFORE_MATURITY_RE = re.compile(r"到期(前|之前|以前)[^,，。;；]{0,4}(提醒|联系|跟进|回访|打电话|找)")
_ON_MATURITY_RE = re.compile(r"(到期(时|的时候|当天|那天)|到时候|到时)[^,，。;；]{0,4}(提醒|联系|跟进|回访|打电话|找)")
REMIND_DAYS_BEFORE_MATURITY = 3
# Words that say "this clause is about the follow-up" strongly enough to pick its time.
_FOLLOW_UP_RE = re.compile("|".join(sorted(FOLLOW_UP_WORDS, key=len, reverse=True)))

# Explicit refusals: only these make 不感兴趣:X. "□" stands for a product word of the clause (blanked).
# 不想/不要/不买… refuse only what follows them as an object (不想买基金, 基金不要了), not another
# verb: "基金先不要动" and "定期先不续了" keep the product.
_REFUSAL_RE = re.compile(
    r"不感兴趣|(?:没|没有|无)□*(?:兴趣|意向|意愿|需求)|不需要(?=□|了|$|\s|这|那|买|办|做|投|配|再)|不用了"
    r"|(?:暂不|暂时不|不予|不)考虑(?!一下|下|考虑)|拒绝|排斥|不接受|不喜欢"
    r"|不(?:想|要|买|办|做|投|碰|弄|搞|配置|打算|准备|愿意)(?=□|了|$|\s|这|那|买|办|做|投|碰|弄|搞|配|再|要|考虑|了解|参与|入手)"
)
# Hesitation: not yet decided either way. Neither interest nor refusal: no tag at all.
_HESITATION_RE = re.compile(
    r"还在考虑|在考虑|再考虑|考虑一下|考虑下|考虑考虑|回去考虑|要考虑|考虑中|再看看|看看再说|再说|犹豫|纠结|拿不定|拿不准"
    r"|没决定|没定|再想想|想一想|想想|商量|观望|顾虑|担心|怕|嫌|不确定|说不准|等等看|回头再|没想好|到时候再"
)
# "要不要", "有没有", "需不需要", "感不感兴趣": a question, not a negation. "不用跟进", "不要提醒":
# about the follow-up, not the product.
_NEITHER_RE = re.compile(r"(.)[不没]\1|(?:不用|不要|不必|无需|不需要|别)再?(?:跟进|联系|回访|提醒|打电话|上门|来)")
# Words with 不/没 that negate nothing: "收益不错", "差不多", "没问题".
_NOT_A_NEGATION_RE = re.compile(
    r"不错|不少|不久|不仅|不但|不管|不论|不断|不同|不得不|差不多|不好意思|了不起|不一样|不止|不光|不如|要不然|不然|要不"
    r"|忍不住|免不了|没问题|没准|没多久|没几天|不到"
)
_NEGATION_RE = re.compile(r"[不没]|未(?=买|购|办|成交|签|存|开|投|认购|申购|定)|无(?=意|需|兴)")
PURCHASE_WORDS = (
    "买了", "已购", "已买", "购买了", "办了", "办理了", "签了", "成交", "认购", "存了", "续存了", "已续存", "转存了", "开了",
    "投了", "申购了", "定投了", "入了", "存进", "下单",
)
# Interest cues. An evaluation of what the customer holds ("收益挺好", "还可以", "比较认可") is no interest.
INTEREST_WORDS = (
    "想", "有兴趣", "感兴趣", "考虑", "了解", "咨询", "问了", "问问", "打听", "意向", "关注", "需求", "需要", "打算",
    "计划", "准备", "心动", "试试", "愿意", "询问", "问一下", "问下",
)
_INTEREST_RE = re.compile("|".join(sorted(INTEREST_WORDS, key=len, reverse=True)))
# The refusal wording as a word list, for callers that show it; the rule is _REFUSAL_RE above.
NEGATIVE_WORDS = (
    "不感兴趣", "没兴趣", "没有兴趣", "不需要", "不考虑", "暂不考虑", "暂时不考虑", "不想", "不要", "不买", "不办",
    "拒绝", "不愿意", "没意向", "没有意向", "没需求", "没有需求", "不打算", "不做", "排斥", "不接受", "不喜欢",
)
# A verb right before a product word says interest too: 问理财, 买大额存单, 要基金.
_VERB_BEFORE_PRODUCT = ("问", "买", "要", "办", "看看", "看")
_VERB_BEFORE_BLANK_RE = re.compile(f"(?:{'|'.join(_VERB_BEFORE_PRODUCT)})□")  # the same, products blanked
# A product the money comes out of is no interest: 把活期里的20万转出来买理财, 定期到期了想买基金.
_SOURCE_AFTER_PRODUCT = re.compile(r"^.{0,6}?(转出|取出|里的|赎回|挪出|到期|到了)")

MATURITY_WORDS = ("到期",)
# One-off money coming in. A pension or a salary is income, not an inflow (INCOME_WORDS).
INFLOW_WORDS = ("到账", "回款", "进账", "拆迁款", "卖房", "分红", "赔偿款", "年终奖", "收回", "卖了房")
OUTFLOW_WORDS = ("要用钱", "用钱", "取出", "取走", "转走", "支取", "提前支取", "买房", "装修", "还贷", "要取", "提现")
_OUTFLOW_RE = re.compile("|".join(sorted(OUTFLOW_WORDS, key=len, reverse=True)))

# Regular income: a fact about the customer, not money to act on (see the module docstring).
# 工资卡/退休金账户 are accounts and 代发工资 a service, not income figures.
INCOME_WORDS = ("退休金", "养老金", "工资", "薪水", "薪资", "月薪", "年薪", "收入", "月入", "年入", "底薪")
_INCOME_RE = re.compile(rf"(?<!代发)(?:{'|'.join(INCOME_WORDS)})(?!卡|账户|账号|存折|代发)")

# The customer's family. A clause whose subject is one of them is about that person's money.
# Honorifics for the customer herself (王太太, 李大姐, 张大妈, 王先生) are not kin.
RELATIVE_WORDS = (
    "老伴", "爱人", "丈夫", "妻子", "老公", "老婆", "媳妇", "儿媳", "女婿", "儿子", "女儿", "闺女", "孩子", "小孩",
    "孙子", "孙女", "外孙", "外孙女", "父母", "父亲", "母亲", "爸爸", "妈妈", "老爸", "老妈", "公公", "婆婆", "岳父",
    "岳母", "丈母娘", "老丈人", "哥哥", "弟弟", "姐姐", "妹妹", "兄弟", "姐妹", "亲戚", "家人", "男朋友", "女朋友",
)
_RELATIVE_RE = re.compile("|".join(sorted(RELATIVE_WORDS, key=len, reverse=True)))
# Kin after these is an object, not the subject: 给儿子买了, 和老伴一起存了, 把女儿给的10万存了.
_KIN_AS_OBJECT = re.compile(r"(给|为|帮|替|和|跟|同|与|陪|带|把|让|叫|找|问|对|供|向|送)(他|她|自己|您)?的?$")
# Words that bring the subject back to the customer: 他/她, 客户, the household.
_CUSTOMER_SUBJECT = re.compile(r"他|她|客户|本人|自己|家里|家庭|全家|夫妻|两口子|老两口")
# Money moved with no subject written: at the counter, the customer did it.
_CUSTOMER_ACTION_RE = re.compile("|".join(PURCHASE_WORDS + ("取了", "取出", "取走", "支取", "转了", "转走", "转出", "汇了", "提现")))

# Tag labels for words more specific than their category.
TAG_LABELS: dict[str, str] = {
    "大额存单": "大额存单", "存单": "大额存单", "定投": "基金定投", "基金定投": "基金定投", "国债": "国债",
    "黄金": "黄金", "金条": "黄金", "积存金": "黄金", "养老金": "养老保险", "年金": "养老保险", "年金险": "养老保险",
    "养老保险": "养老保险", "重疾险": "重疾险",
}
LOAN_NEED_WORDS = {"房贷": "房贷", "住房贷款": "房贷", "按揭": "房贷", "车贷": "车贷", "经营贷": "经营贷",
                   "小微贷": "经营贷", "消费贷": "消费贷"}

INTEREST, NOT_INTERESTED, BOUGHT = "意向", "不感兴趣", "已购"
UNDECIDED = "undecided"  # a stance that makes no tag: hesitation, a negation that refuses nothing
TAG_KINDS = (INTEREST, NOT_INTERESTED, BOUGHT, "有…需求")

FOLLOW_UP_DEFAULT_TIME = time(9, 0)


class EventKind(str, Enum):
    MATURITY = "maturity"  # 到期
    INFLOW = "inflow"  # money coming to the customer: 到账, 拆迁款, 卖房
    OUTFLOW = "outflow"  # money leaving: 要用钱, 取出, 买房
    PURCHASE = "purchase"  # bought a product, with an amount


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ProductMention:
    word: str  # as written: 定期, 大额存单, 鑫享理财1年
    category: str  # 存款, 理财, ...
    start: int
    end: int


@dataclass(frozen=True)
class AmountMention:
    text: str  # as written: 50万, 五十万, 3.5万元
    amount: Decimal  # yuan
    start: int
    end: int


@dataclass(frozen=True)
class MoneyEvent:
    kind: EventKind
    text: str  # the clause it was read from
    amount: Decimal | None = None
    product: str | None = None
    category: str | None = None
    at: date | None = None  # when it happens (maturity day, arrival), if the note says
    # The last day of the range the note gave ("下个月" → the month's last day); None for one day.
    until: date | None = None


@dataclass(frozen=True)
class VisitNote:
    text: str
    # Who the note is about, for the caller to resolve: names as written, longest first, and
    # identifiers as typed (phones, customer numbers, ID numbers as the bank stores them). A
    # relative's number ("她老公手机139…") is not the customer's. `malformed_numbers` are numbers
    # typed as an identifier that are none ("1370000555", a wrong check character): the note
    # names somebody nobody answers to.
    customer_names: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    customer_ids: tuple[str, ...] = ()
    id_numbers: tuple[str, ...] = ()
    malformed_numbers: tuple[str, ...] = ()
    channel: str = DEFAULT_CHANNEL
    channel_given: bool = False  # False: no channel word, the default was used
    happened_at: datetime | None = None  # the bank's local time
    happened_given: bool = False  # False: `now` was used
    products: tuple[ProductMention, ...] = ()
    amounts: tuple[AmountMention, ...] = ()
    events: tuple[MoneyEvent, ...] = ()
    follow_up_at: datetime | None = None  # the bank's local time
    follow_up_text: str | None = None  # the time expression as written ("下周三")
    tags: tuple[str, ...] = ()
    staff_names: tuple[str, ...] = ()  # colleagues named in the note

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.category for p in self.products))

    @property
    def product_words(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.word for p in self.products))

    @property
    def amount_values(self) -> tuple[Decimal, ...]:
        return tuple(a.amount for a in self.amounts)


# ---------------------------------------------------------------------------- the spaCy pipeline

_lock = threading.Lock()
_pipelines: dict[tuple, object] = {}
_jieba_words: set[str] = set()


# A plan for a later contact ("帮他约个回访", "提醒我周五给他打电话"), and words that report a contact
# that happened ("聊了", "他说", "来网点了"): a message with the first and none of the second plans
# a follow-up and records no contact.
_PLAN_WORDS = re.compile(r"提醒我|提醒一下|帮我?约|约个|约一下|安排(个|一下)?回访|记得|回头|到时候|到时|帮我?记个跟进|建个跟进|加个跟进|设个提醒")
_CONTACT_WORDS = re.compile(r"拜访了|拜访过|上门了|上门看|去了|来了|来过|来网点|到店|聊了|聊过|聊到|谈了|打了|打过|通了|联系了|联系过|"
                            r"见了|见过|问了|咨询|说|办了|买了|存了|取了|反映|表示|刚才|刚刚|今天上门|电话联系|微信聊")


def plans_only(text: str) -> bool:
    """Whether a message only plans a follow-up, with a time to come, and reports no contact."""
    from bot.clock import clock
    from bot.vocabulary.time_expressions import find_time_expressions

    return bool(_PLAN_WORDS.search(text or "")) and not _CONTACT_WORDS.search(text or "") and bool(
        find_time_expressions(text, clock.now()))


# A contact named by its channel ("到店", "电话", "上门") or reported ("聊了", "来了").
_CHANNEL_NAMED = re.compile("|".join(sorted((re.escape(w) for w in CHANNEL_WORDS if len(w) >= 2), key=len, reverse=True)))
_PLAN_OR_CONTENT = re.compile(r"再联系|再谈|再来|再去|再打|跟进|回访|约了|约好|下次|兴趣|想|要|考虑|到期|买|存|办")
_ASKS = re.compile(r"[吗么嘛][?？]?\s*$|[?？]|什么|哪|多少|几|有没有|是不是|怎么|谁")


def reads_as_a_visit_note(text: str | None) -> bool:
    """Whether a message reads as a note of a contact ("陈美玲到店,三天后再联系"): a contact (its
    channel or a word reporting it) and something it was about or a plan, and no question."""
    text = text or ""
    contact = _CHANNEL_NAMED.search(text) or _CONTACT_WORDS.search(text)
    return bool(contact) and bool(_PLAN_OR_CONTENT.search(text)) and not _ASKS.search(text)


# A contact reported as done, in words that say nothing else ("拜访了王建国", "刚跟陈美玲通了电话").
_CONTACT_REPORTED = re.compile(r"拜访了|拜访过|上门了|去看了|看望了|见了|见过|联系了|联系过|电话联系|聊了|聊过|谈了|"
                               r"打了电话|打过电话|通了电话|通过电话|回访了")


def reports_a_contact(text: str | None) -> bool:
    """Whether a message reports a contact that happened, with or without what it was about, and
    asks nothing ("拜访了王建国"; not "最近谁拜访过王建国")."""
    text = text or ""
    return bool(_CONTACT_REPORTED.search(text)) and not _ASKS.search(text)


def describes_a_visit(text: str | None) -> bool:
    """Whether a message can be a visit note: staff describe a visit in Chinese words. A message
    with none (markup, code, emoji, only a number) is not kept as a customer's contact history."""
    return has_chinese_words(text)


_segmenter = None


def _jieba_segmenter():
    """The visit notes' own jieba, with the bank's words added: never jieba's shared dictionary,
    which the NLU's tokenizer and the name checks read (a colleague's name added here at a high
    frequency would read as an everyday word there, in whatever process both run)."""
    global _segmenter
    if _segmenter is None:
        import jieba

        segmenter = jieba.Tokenizer()
        segmenter.initialize()
        _segmenter = segmenter
    return _segmenter


def _add_jieba_words(words: Iterable[str]) -> None:
    segmenter = _jieba_segmenter()
    for word in words:
        if word and word not in _jieba_words:
            segmenter.add_word(word, freq=200000)
            _jieba_words.add(word)


def warm_up() -> None:
    """Load spaCy and jieba's dictionary now rather than in the first visit note of the day
    (about 3 s on the first `log_visit` after a restart, measured by `make bench`)."""
    import spacy

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.tokenizer.jieba_seg = _jieba_segmenter()
    nlp("预热")


def _pipeline(products: Mapping[str, str], staff_names: tuple[str, ...]):
    """A blank Chinese pipeline (jieba words) with an EntityRuler for this vocabulary, cached."""
    key = (tuple(sorted(products.items())), staff_names)
    with _lock:
        nlp = _pipelines.get(key)
        if nlp is not None:
            return nlp
        import spacy

        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        nlp.tokenizer.jieba_seg = _jieba_segmenter()
        ruler = nlp.add_pipe("entity_ruler")
        patterns = [{"label": "PRODUCT", "pattern": word, "id": category} for word, category in products.items()]
        patterns += [{"label": "STAFF", "pattern": name} for name in staff_names if name]
        patterns += [{"label": "CHANNEL", "pattern": word, "id": channel} for word, channel in CHANNEL_WORDS.items()]
        _add_jieba_words([p["pattern"] for p in patterns])
        ruler.add_patterns(patterns)
        if len(_pipelines) > 16:
            _pipelines.clear()
        _pipelines[key] = nlp
        return nlp


def product_vocabulary(known_products: Mapping[str, str] | Iterable[tuple[str, str]] | Iterable[str] = ()) -> dict[str, str]:
    """Product word -> category: bot.referrals.PRODUCT_WORDS plus the catalogue's names."""
    vocabulary = dict(PRODUCT_WORDS)
    items = known_products.items() if isinstance(known_products, Mapping) else known_products
    for item in items:
        if isinstance(item, str):
            category = category_of_word(item)
            if category:
                vocabulary[to_half_width(item)] = category
        else:
            name, category = item
            vocabulary[to_half_width(name)] = category
    return vocabulary


# ---------------------------------------------------------------------------- parsing helpers

_CLAUSE_BREAK = re.compile(r"[,,。;;!!??\n]|但是|不过|但|然后|另外")
_DIGIT_AMOUNT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万元|万块|万|[wW](?![a-zA-Z])|千元|千块|千|亿元|亿|元|块钱|块)")
_CHINESE_AMOUNT = re.compile(r"([零一二两三四五六七八九十百千万亿]+)(万元|万块|元|块钱|块)?")
_AMOUNT_UNITS = set("万亿千")
# "三五万", "一两万", "两三千": a range said loosely, not an amount (it would read as 5万, 2万, 3千).
_CHINESE_RANGE = re.compile(r"[一二两三四五六七八九]{2}")
_CHINESE_DIGIT = re.compile(r"[零一二两三四五六七八九]")
# What follows a number that makes it a count, not money: 两千人, 3千米, 1万份, 2万股, 5千步.
# (Time words are not here: "50万月底到期" is money; "3天后", "1年期" have no money unit anyway.)
_NOT_MONEY_AFTER = re.compile(
    r"\s*(?:多|余|来)?\s*(?:%|％|‰|人|个|位|名|户|次|回|遍|步|米|公里|克|公斤|斤|吨|亩|字|件|份|股|张|只|头"
    r"|条|本|台|辆|套|间|层|岁|周岁|倍|积分|粉丝|平(?!安)|年(?!底|初|末|中|化|内|前|后|期))"
)
# Money, but not in yuan: "5万美元" is not ¥50,000, and no amount is read rather than a wrong one.
# Likewise "5千万" (two units the amount parser does not combine: it would read 5千).
_NOT_YUAN_AFTER = re.compile(r"\s*(?:美元|美金|欧元|日元|港币|港元|英镑|澳元|加元|韩元|万|亿)")
# A bare number is money only right after a money verb or a balance: 存了50000, 取了3000, 余额8000.
_MONEY_CONTEXT_BEFORE = re.compile(
    r"(?:存了?|存入|存进|续存了?|转存了?|取了?|取出|取走|支取了?|提现了?|买了?|购买了?|认购了?|申购了?|投了?|投入|定投"
    r"|转了?|转入|转出|转走|汇了?|还了?|借了?|贷了?|交了?|付了?|首付|拿出|余额有?|卡里有|卡里还有|账上有|账上还有"
    r"|账户里有|账户有|手上有|手里有|存款有?|存折里有|回款|到账了?|进账了?)\s*$"
)
_BARE_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
# A bare amount ends there (a space, a stop, the end) or is followed by what the money is: 存了50000定期.
# Anything else makes it a count or a date: 存了3年, 取了2次, 买了3份, 存了5000在活期 (not read: too loose).
_BARE_AMOUNT_ENDS = re.compile(r"(?:\s|$|[,,。;;!!??、)\)]|(?:元|块|的|定期|活期|现金|存款|理财|基金|大额|国债|保险|黄金))")
BARE_AMOUNT_MINIMUM = Decimal(100)  # "买了2" is a count; nobody notes a deposit under ¥100 without a unit


def _money_follows(text: str, end: int) -> bool:
    """Whether the words after a number with a money unit leave it money (not 两千人, 5万美元)."""
    return not _NOT_MONEY_AFTER.match(text, end) and not _NOT_YUAN_AFTER.match(text, end)


def _bare_money_at(text: str, start: int, end: int) -> bool:
    """Whether a number without a unit is money where it stands: right after a money verb (存了50000)
    and ending there, not followed by a counter or a time word (存了3年, 取了2次)."""
    if not _MONEY_CONTEXT_BEFORE.search(text[max(0, start - 6):start]):
        return False
    if end - start > 9:  # longer than ¥999,999,999: an account or phone number, not a sum
        return False
    return bool(_BARE_AMOUNT_ENDS.match(text, end))


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _CLAUSE_BREAK.finditer(text):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans or [(0, len(text))]


def _clause_of(clauses: list[tuple[int, int]], position: int) -> int:
    for index, (start, end) in enumerate(clauses):
        if start <= position < end:
            return index
    return len(clauses) - 1


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def find_amounts(text: str, taken: Iterable[tuple[int, int]] = ()) -> list[AmountMention]:
    """Amounts of money in the text: a number with a money unit (50万, 3.5万元, 两千块, 五十万, 20w)
    that is not a count (两千人, 1万份) or another currency (5万美元), or a bare number right after
    a money verb (存了50000). Other bare numbers (3天后, 70岁, 3.5%, 第2次, 尾号5678) are not money.
    `taken` are spans already read as something else (identifiers, times)."""
    taken = list(taken)
    found: list[AmountMention] = []
    for match in _DIGIT_AMOUNT.finditer(text):
        if _overlaps(match.start(), match.end(), taken) or not _money_follows(text, match.end()):
            continue
        unit = match.group(2)
        value = parse_amount(match.group(1) + unit.replace("万元", "万").replace("万块", "万").replace("千元", "千")
                             .replace("千块", "千").replace("亿元", "亿"))
        if value:
            found.append(AmountMention(match.group(0), value, match.start(), match.end()))
    for match in _CHINESE_AMOUNT.finditer(text):
        digits, unit = match.group(1), match.group(2)
        if _overlaps(match.start(), match.end(), taken + [(a.start, a.end) for a in found]):
            continue
        if not unit and not (_AMOUNT_UNITS & set(digits)):
            continue
        if not unit and len(digits) < 2:
            continue  # a lone 万/千 ("千万别", "万一") is no amount
        if digits in ("万一", "千万", "一万") and not unit:
            # "万一" (in case), "千万" (by all means): only with a money unit.
            if digits != "一万":
                continue
        if not unit and not _CHINESE_DIGIT.search(digits) and not digits.startswith("十"):
            continue  # "百万医疗险", "千万": a name or a word, not a sum (一百万 and 十万 are sums)
        if _CHINESE_RANGE.search(digits) or not _money_follows(text, match.end()):
            continue
        # Colloquial 三万五 is 35000 and 两千五 is 2500: a last digit after 万/千 counts the next unit down.
        if re.fullmatch(r".*万[一二两三四五六七八九]", digits):
            digits += "千"
        elif re.fullmatch(r".*千[一二两三四五六七八九]", digits):
            digits += "百"
        value = parse_amount(digits + (unit or "").replace("万元", "").replace("万块", "") + ("万" if unit in ("万元", "万块") else ""))
        if value:
            found.append(AmountMention(match.group(0), value, match.start(), match.end()))
    for match in _BARE_NUMBER.finditer(text):
        if _overlaps(match.start(), match.end(), taken + [(a.start, a.end) for a in found]):
            continue
        if not _bare_money_at(text, match.start(), match.end()):
            continue
        value = parse_amount(match.group(0))
        if value and value >= BARE_AMOUNT_MINIMUM:
            found.append(AmountMention(match.group(0), value, match.start(), match.end()))
    return sorted(found, key=lambda a: a.start)


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


def _first_word(text: str, words: Iterable[str]) -> tuple[int, str] | None:
    best = None
    for word in words:
        index = text.find(word)
        if index >= 0 and (best is None or index < best[0] or (index == best[0] and len(word) > len(best[1]))):
            best = (index, word)
    return best


def _stance(clause: str, product_count: int = 1) -> str | None:
    """Which tag kind a clause's words say about its products (product words blanked as "□"):
    BOUGHT, NOT_INTERESTED (an explicit refusal only), INTEREST, UNDECIDED (hesitation, or a
    negation that refuses nothing: 不太想, 还没想好, 兴趣不大, 没买), or None (no cue at all)."""
    plain = _NEITHER_RE.sub(lambda m: "＊" * len(m.group(0)), clause)
    if _REFUSAL_RE.search(plain):
        rest = _REFUSAL_RE.sub(lambda m: "＊" * len(m.group(0)), plain)
        if product_count > 1 and (_interest_cue(rest) or any(word in rest for word in PURCHASE_WORDS)
                                  or _VERB_BEFORE_BLANK_RE.search(rest)):
            return UNDECIDED  # "不要保险要基金" in one breath: whose is which is a guess
        return NOT_INTERESTED
    if _HESITATION_RE.search(plain):
        return UNDECIDED
    negated = _NEGATION_RE.search(_NOT_A_NEGATION_RE.sub(lambda m: "＊" * len(m.group(0)), plain))
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
    for match in _INTEREST_RE.finditer(clause):
        if not _OUTFLOW_RE.match(clause, match.end()) and not _OUTFLOW_RE.match(clause, match.end() + 1):
            return True
    return False


def _about_relatives(text: str, clauses: list[tuple[int, int]], names: Iterable[str],
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
        kin = [m for m in _RELATIVE_RE.finditer(clause)
               if not _KIN_AS_OBJECT.search(clause[: m.start()]) and not _overlaps(m.start(), m.end(), name_spans)]
        if kin:
            relative = True
        elif (name_spans or _CUSTOMER_SUBJECT.search(clause) or any(start <= p.start < end for p in products)
              or _CUSTOMER_ACTION_RE.search(clause)):
            relative = False
        result.append(relative)
    return result


def _income_clauses(text: str, clauses: list[tuple[int, int]]) -> list[bool]:
    """For each clause, whether it states regular income (退休金每月6000, 月薪2万) rather than money
    moving: an income word and no purchase, maturity or spending (退休金存了5万定期 is money)."""
    result = []
    for start, end in clauses:
        clause = text[start:end]
        result.append(bool(_INCOME_RE.search(clause))
                      and not any(word in clause for word in PURCHASE_WORDS)
                      and not _first_word(clause, MATURITY_WORDS + OUTFLOW_WORDS))
    return result


def _tag(kind: str, mention: ProductMention) -> str:
    if mention.category == "贷款" and kind == INTEREST:
        need = next((v for k, v in LOAN_NEED_WORDS.items() if k in mention.word), "贷款")
        return f"有{need}需求"
    label = TAG_LABELS.get(mention.word)
    if label is None:
        label = next((v for k, v in sorted(TAG_LABELS.items(), key=lambda kv: -len(kv[0])) if len(k) >= 2 and k in mention.word), None)
    return f"{kind}:{label or mention.category}"


def _last_day(span, now: datetime) -> date | None:
    """The last day of a span longer than a day ("下个月", "月底前"), else None."""
    first = _local(span.point, now).date()
    last = (_local(span.ends, now) - timedelta(microseconds=1)).date()
    return last if last > first else None


def _local(moment: datetime, now: datetime) -> datetime:
    if moment.tzinfo is None and now.tzinfo is not None:
        return moment.replace(tzinfo=now.tzinfo)
    if now.tzinfo is not None:
        return moment.astimezone(now.tzinfo)
    return moment


def _is_future(span, now: datetime) -> bool:
    """Ahead of now; also a deadline not yet passed ("月底前" on the last day of the month,
    "本周内", "3天内")."""
    begins = _local(span.begins, now)
    if span.has_time_of_day:
        return begins > now
    if begins.date() > now.date():
        return True
    return _local(span.ends, now) > now and span.deadline


# The end of a period ("月底", "年末", "周末"): on its last day, that day is still to come.
_PERIOD_END = re.compile(r"底|末")


def _running_on_today(span, now: datetime) -> bool:
    """A period that begins today and is not over, without a time of day: the end of a period
    on its last day ("月底" on the month's last day) or a range beginning today ("这周" on a
    Monday). Said with a follow-up word ("月底再联系") it is a follow-up still to come today,
    never dropped. A day named alone ("今天", "这周一", "11月30号") is the day of the contact
    ("这周一上门拜访了"), not a follow-up."""
    if span.has_time_of_day:
        return False
    begins, ends = _local(span.begins, now), _local(span.ends, now)
    if begins.date() != now.date() or ends <= now:
        return False
    return span.last_day > now.date() or bool(_PERIOD_END.search(span.text))


def _running_since_before_today(span, now: datetime) -> bool:
    """A period of days that began before today and is not over ("这周" on a Wednesday, "月初" on
    the 3rd, "这两天"): said with a follow-up word, the follow-up falls within what is left of it."""
    if span.has_time_of_day:
        return False
    return _local(span.begins, now).date() < now.date() and _local(span.ends, now) > now


# A note is written within days of the contact: a time that ended longer ago than this is about
# something else ("她1979年出生", "去年买的理财"), never when the contact happened.
VISIT_LOOK_BACK = timedelta(days=31)


def _is_past(span, now: datetime) -> bool:
    """When the contact may have happened: a moment already passed, or days that ended before
    today and not longer than VISIT_LOOK_BACK ago. A range still running ("她女儿今年18岁",
    "这个月") is no past time."""
    begins = _local(span.begins, now)
    if span.has_time_of_day:
        return begins <= now
    last_day = (_local(span.ends, now) - timedelta(microseconds=1)).date()
    return last_day < now.date() and now.date() - last_day <= VISIT_LOOK_BACK


def _reminder_before_maturity(
    text: str, events: list[MoneyEvent], now: datetime, hour: int
) -> tuple[datetime, str] | None:
    """"50万定期12月9日到期,到期前提醒我": REMIND_DAYS_BEFORE_MATURITY days before the maturity
    (never before tomorrow, never after the maturity); "到期当天提醒" on the day itself."""
    before, on_the_day = _BEFORE_MATURITY_RE.search(text), _ON_MATURITY_RE.search(text)
    maturity = next((e.at for e in events if e.kind is EventKind.MATURITY and e.at), None)
    if maturity is None or not (before or on_the_day):
        return None
    today = now.date()
    if on_the_day and not before:
        day = max(maturity, today)
    else:
        day = min(max(maturity - timedelta(days=REMIND_DAYS_BEFORE_MATURITY), today + timedelta(days=1)), maturity)
    return datetime.combine(day, time(hour, 0), tzinfo=now.tzinfo), (before or on_the_day).group(0)


def _follow_up_moment(span, now: datetime, hour: int) -> datetime:
    """When the follow-up is due: the time said, else the day said at `hour`; a deadline that
    ends today ("月底前" on the month's last day) is due at the next full hour, never earlier than
    the note (a reminder due before it was written would be overdue the moment it is saved)."""
    point = _local(span.point, now)
    if span.has_time_of_day:
        return point
    due = datetime.combine(point.date(), time(hour, 0), tzinfo=point.tzinfo)
    if due <= now and point.date() < now.date():
        # A period already running ("这周再联系" on a Wednesday): tomorrow if it lasts that long.
        tomorrow = datetime.combine(now.date() + timedelta(days=1), time(hour, 0), tzinfo=now.tzinfo)
        due = tomorrow if tomorrow < _local(span.ends, now) else due
    if due <= now:
        due = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return due


# ---------------------------------------------------------------------------- the parser


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
    nlp = _pipeline(vocabulary, staff_names)
    doc = nlp(text)
    clauses = _clauses(text)

    # Identifiers first: their digits are no amounts, no times.
    # Phones and customer numbers as staff type them ("139 1234 5678", "+86 139…", "c00000001").
    typed = [found for found in find_identifiers(text) if found.valid]
    malformed = [digits for _kind, digits in malformed_identifiers(text)]
    identifier_spans = [(found.start, found.end) for found in find_identifiers(text)]
    # Other long digit runs are account or phone fragments, unless a money verb is right before
    # them ("存了50000").
    identifier_spans += [(m.start(), m.end()) for m in re.finditer(r"\d{5,}", text)
                         if not _bare_money_at(text, m.start(), m.end())]

    spans = [s for s in find_time_expressions(text, now) if not _overlaps(s.start, s.end, identifier_spans)]
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
    for match in _HOME_VISIT.finditer(text):
        channel_hits.append((match.start(), VISIT))
    # "记一下拜访吧,今天电话联系了她": 拜访 there names the record, not how the contact was made.
    about_the_record = [m.span() for m in _LOG_THE_RECORD.finditer(text)]
    channel_hits = [hit for hit in channel_hits if not any(start <= hit[0] < end for start, end in about_the_record)]
    for word in sorted(vocabulary, key=len, reverse=True):
        if len(word) < 2:
            continue
        for match in re.finditer(re.escape(word), text):
            taken = [(p.start, p.end) for p in products]
            if not _overlaps(match.start(), match.end(), taken):
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
    relatives = _about_relatives(text, clauses, names + list(staff_names), products)

    # Whose numbers: a relative's phone or ID number does not say who the customer is.
    theirs = {found.value for found in typed if relatives[_clause_of(clauses, found.start)]}
    typed = [found for found in typed if found.value not in theirs]
    phones = [found.value for found in typed if found.kind == PHONE_KIND]
    customer_ids = [found.value for found in typed if found.kind == CUSTOMER_ID_KIND]
    id_numbers = [found.value for found in typed if found.kind == ID_NUMBER_KIND]
    phones += [v for v in (to_half_width(v) for v in entities.get("phone", [])) if PHONE_RE.fullmatch(v) and v not in theirs]
    customer_ids += [normalise_customer_id(v) for v in entities.get("customer_id", []) if CUSTOMER_ID_RE.fullmatch(to_half_width(v))]
    id_numbers += [v for v in (normalise_id_number(v) for v in entities.get("id_number", [])) if v and v not in theirs]
    incomes = _income_clauses(text, clauses)
    amounts = [a for a in amounts
               if not relatives[_clause_of(clauses, a.start)] and not incomes[_clause_of(clauses, a.start)]]
    # "养老金每月3000" is a pension, not the insurance product 养老金.
    products = [p for p in products
                if p.start < 0 or not (incomes[_clause_of(clauses, p.start)] and p.word in INCOME_WORDS)]
    for value in entities.get("amount", []):
        amount = _amount_from_nlu(value, text)
        if amount and not any(a.amount == amount for a in amounts):
            amounts.append(AmountMention(value, amount, -1, -1))

    # Money events, clause by clause; their times are not the follow-up's.
    events: list[MoneyEvent] = []
    event_span_ids: set[int] = set()
    for index, (start, end) in enumerate(clauses):
        clause = text[start:end]
        kind, keyword = None, None
        if _BEFORE_MATURITY_RE.search(clause) or _ON_MATURITY_RE.search(clause):
            # "到期前提醒我" asks for a reminder about a maturity told elsewhere: not a new event.
            clause = _BEFORE_MATURITY_RE.sub(lambda m: " " * len(m.group(0)), clause)
            clause = _ON_MATURITY_RE.sub(lambda m: " " * len(m.group(0)), clause)
        for event_kind, words in ((EventKind.MATURITY, MATURITY_WORDS), (EventKind.INFLOW, INFLOW_WORDS),
                                  (EventKind.OUTFLOW, OUTFLOW_WORDS)):
            hit = _first_word(clause, words)
            if hit:
                kind, keyword = event_kind, start + hit[0]
                break
        in_clause = [p for p in products if start <= p.start < end]
        if (kind is None and _stance(_without_products(clause, in_clause, start), len(in_clause)) == BOUGHT
                and any(start <= a.start < end for a in amounts)):
            kind = EventKind.PURCHASE
        if kind is None:
            continue
        # The event's time: the one nearest its word ("定期9号到期"), not one a follow-up word governs.
        in_clause_spans = [s for s in spans if start <= s.start < end]
        if keyword is not None:
            in_clause_spans = [s for s in in_clause_spans
                               if not _FOLLOW_UP_RE.search(text[min(s.end, keyword):max(s.start, keyword)])]
        else:
            in_clause_spans = [s for s in in_clause_spans if not _FOLLOW_UP_RE.search(clause[: s.start - start])]
        span = min(in_clause_spans, key=lambda s: abs(s.start - (keyword or s.start))) if in_clause_spans else None
        if span is not None and kind is not EventKind.PURCHASE:
            event_span_ids.add(id(span))  # also when the event is not the customer's: no follow-up either
        if incomes[index] or relatives[index] and kind is not EventKind.OUTFLOW:
            # Income is a fact, not money moving; a relative's maturity, income or purchase is
            # theirs. A relative's spending (女儿上大学要用钱, 儿子买房) is the household's and
            # stays, without the relative's figures.
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
                at=_local(span.point, now).date() if span is not None and kind is not EventKind.PURCHASE else None,
                until=_last_day(span, now) if span is not None and kind is not EventKind.PURCHASE else None,
            )
        )

    # The follow-up: a time in a clause with a follow-up word, else the last future time that is
    # not a relative's ("她女儿明年上大学", "儿子过年回来": their plans, not the next contact).
    follow_span = None
    for s in spans:
        if id(s) in event_span_ids or not (_is_future(s, now) or _running_on_today(s, now)
                                           or _running_since_before_today(s, now)):
            continue
        start, end = clauses[_clause_of(clauses, s.start)]
        if _FOLLOW_UP_RE.search(text[start:end]):
            follow_span = s
    if follow_span is None:
        future = [s for s in spans if id(s) not in event_span_ids and _is_future(s, now)
                  and not relatives[_clause_of(clauses, s.start)]]
        follow_span = future[-1] if future else None
    follow_up_at = _follow_up_moment(follow_span, now, follow_up_hour) if follow_span else None
    follow_up_text = follow_span.text if follow_span else None
    if follow_span is None:
        follow_up_at, follow_up_text = _reminder_before_maturity(text, events, now, follow_up_hour) or (None, None)
    if follow_span is None:
        read = [to_half_width(s.text) for s in spans]
        for value in entities.get("time", []):
            if any(to_half_width(value).strip() in found for found in read):
                # Part of a time found in the text that is not the follow-up there: an event's
                # ("明年" of "明年3月30号到期"), a relative's.
                continue
            hinted = parse_time_expression(value, now)
            if hinted is not None and _is_future(hinted, now):
                follow_up_at, follow_up_text = _follow_up_moment(hinted, now, follow_up_hour), value
                break

    # When it happened: a past time that is neither the follow-up nor an event's.
    happened_at, happened_given = now, False
    for s in spans:
        if s is follow_span or id(s) in event_span_ids or not _is_past(s, now):
            continue
        point = _local(s.point, now)
        moment = point if s.has_time_of_day else datetime.combine(point.date(), now.timetz())
        happened_at, happened_given = min(moment, now), True
        break

    # The channel: the earliest channel word outside the follow-up's clause.
    follow_clause = _clause_of(clauses, follow_span.start) if follow_span else None
    hits = sorted(channel_hits)
    outside = [h for h in hits if _clause_of(clauses, h[0]) != follow_clause or len(clauses) == 1 and h == hits[0]]
    chosen = outside[0] if outside else (hits[0] if hits else None)
    channel, channel_given = (chosen[1], True) if chosen else (DEFAULT_CHANNEL, False)
    for value in entities.get("channel", []):
        word = to_half_width(value).strip()
        hinted = word if word in (VISIT, PHONE, BRANCH, WECHAT) else CHANNEL_WORDS.get(word)
        at = text.find(word)
        if outside and (at < 0 or (follow_clause is not None and _clause_of(clauses, at) == follow_clause)):
            # The NLU's word is the follow-up's ("来网点了…下周二再打电话问问"), or one the text does
            # not hold: the contact's own channel word stands.
            continue
        if hinted:
            channel, channel_given = hinted, True
            break

    tags = _tags(text, clauses, products, relatives)
    for value in entities.get("tag", []):
        value = to_half_width(value).strip()
        if value not in tags and _tag_from_nlu_stands(value, text, vocabulary, names + list(staff_names)):
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


def _tags(text: str, clauses: list[tuple[int, int]], products: list[ProductMention],
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
        in_clause = [p for p in in_clause if not _SOURCE_AFTER_PRODUCT.match(text[p.end:end])] if len(in_clause) > 1 else in_clause
        kind = _stance(_without_products(clause, in_clause, start), len(in_clause))
        if in_clause:
            targets = in_clause
        elif _first_word(clause, MATURITY_WORDS + INFLOW_WORDS + OUTFLOW_WORDS) or _INCOME_RE.search(clause):
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
                if text[max(start, mention.start - 2):mention.start].endswith(_VERB_BEFORE_PRODUCT):
                    add(INTEREST, mention)
        if in_clause:
            previous = in_clause
    # Products the NLU gave that the text does not show: the note's words as a whole decide.
    hinted = [p for p in products if p.start < 0]
    if hinted:
        written = [p for p in products if p.start >= 0]
        kind = _stance(_without_products(text, written, 0), len(hinted))
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


def _without_products(clause: str, mentions: list[ProductMention], offset: int) -> str:
    """The clause with its product words blanked as "□", so 定投 does not read as 投了, 存款 not as
    存了, and "不要□□" still shows that something was refused."""
    chars = list(clause)
    for m in mentions:
        for i in range(m.start - offset, m.end - offset):
            if 0 <= i < len(chars):
                chars[i] = "□"
    return "".join(chars)


# ---------------------------------------------------------------------------- the NLU's hints

# Not tags: the customer's family, pronouns and everyday nouns an NLU may mark in a note.
STRAY_TAG_WORDS = frozenset(RELATIVE_WORDS) | {
    "他", "她", "客户", "本人", "自己", "家里", "家人", "家庭", "老人", "老人家", "小孩子", "孩子们", "钱", "银行", "网点",
    "产品", "利率", "利息", "收益", "手机", "电话", "微信", "时间", "身体", "工作", "房子", "车", "学费", "先生", "女士",
    "太太", "阿姨", "大爷", "大妈", "老师", "师傅", "领导", "同事", "朋友", "邻居",
}
_POSSESSOR = re.compile(r"^(?:他|她|客户|[\u4e00-\u9fff]{2,3}的|[\u4e00-\u9fff]{1,3}家)")
# The note asks for a tag in so many words: "标签:高净值", "给他标一下个体户".
_TAG_REQUEST_RE = re.compile(r"标签|标记|打标|打个标|标一下|标个|标成|标为|贴个|贴上")
# A need or a plan as staff write it: 有留学需求, 有购房计划, 教育金需求.
_NEED_PHRASE_RE = re.compile(r"^(?:有)?[\u4e00-\u9fffA-Za-z]{1,6}(?:需求|计划|打算)$")


def is_tag_phrase(value: str | None) -> bool:
    """Whether a tag value is a phrase a customer manager would write (意向:基金定投, 有房贷需求,
    高净值, 个体户), not a stray noun: kin (爱人, 他老伴, 王建国的儿子), a pronoun, an everyday word,
    a number, or one character."""
    value = to_half_width(value or "").strip().strip("。,,::")
    if len(value) < 2 or not has_chinese_words(value) and not value.isalpha():
        return False
    if value in STRAY_TAG_WORDS:
        return False
    return _POSSESSOR.sub("", value) not in STRAY_TAG_WORDS  # 他老伴, 王建国的儿子


def _tag_from_nlu_stands(value: str, text: str, vocabulary: Mapping[str, str], names: Iterable[str]) -> bool:
    """Whether a tag the NLU marked in a visit note is kept: a tag phrase (is_tag_phrase), written in
    the note, not a product, channel or person's name (the note's own reading tags products), and
    either asked for in so many words (标签/标记/标一下…) or a need the note states (有留学需求),
    not negated (没有留学需求)."""
    if not is_tag_phrase(value) or value in vocabulary or value in CHANNEL_WORDS or value in set(names):
        return False
    if _TAG_REQUEST_RE.search(text):
        return value in text
    if not _NEED_PHRASE_RE.match(value):
        return False
    return any(not re.search(r"(?:没|无|不)有?$", text[max(0, m.start() - 2):m.start()])
               for m in re.finditer(re.escape(value), text))


def _amount_from_nlu(value: str, text: str) -> Decimal | None:
    """An amount the NLU gave, when the note's own reading could not see it: with a money unit
    (a bare "5000" is no money), and not written in the note (where the note's words already
    decided: a relative's 5000, 70岁, 3天)."""
    written = to_half_width(value or "").strip()
    if not written or written in text or not re.search(r"[万wW千亿元块]", written):
        return None
    return parse_amount(written)

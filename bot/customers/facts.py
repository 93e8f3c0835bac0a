"""Which one thing a message asks about a customer: "他手机号多少", "她风险等级", "谁是他的客户经理".

Such a question gets a one-line answer (bot.customers.replies.render_fact) instead of the whole
360 card. `fact_asked` reads the message alone; it says None when the message asks for the card
("查一下王建国"), for a list (holdings, contact records), for two facts at once, or is a request
of another kind (a referral to 客户经理, a tag, a suggestion, a visit note): for those the answer
is whatever it was before.

`asks_about_maturity` tells a holdings question about dates ("她的定期什么时候到期") from one
about what is held.
"""
from __future__ import annotations

import re
from enum import Enum

from bot.vocabulary.products import product_word_in
from bot.vocabulary.width import to_half_width


class Fact(str, Enum):
    """One thing about a customer that a question can ask, and the card shows among others."""

    TOTAL_ASSETS = "total_assets"
    PHONE = "phone"
    RISK_LEVEL = "risk_level"
    MANAGER = "manager"
    AGE = "age"
    BIRTHDAY = "birthday"
    BRANCH = "branch"
    CUSTOMER_ID = "customer_id"
    TAGS = "tags"
    LAST_CONTACT = "last_contact"
    TIER = "tier"
    OCCUPATION = "occupation"
    ID_NUMBER = "id_number"  # asked, never said in chat: the reply says so


# Identifiers written in the message say who the customer is, not what is asked: 手机号13912345678
# names a customer, 手机号 alone asks for one.
_GIVEN_IDENTIFIER = re.compile(
    r"(?:客户号|客户编号|手机号码?|手机|电话号码?|电话|号码|身份证号码?|身份证)?[::是为]?"
    r"(?:[Cc]\d{8}|\d{17}[\dXx]|\d{11}|\d{6,})"
)
# Requests of other kinds that can use a fact's words: a referral (转介给客户经理, 让客户经理去聊),
# a tag (加个标签, 清掉流失风险), a suggestion (能买C4的吗), a visit note (打了个电话, 通了电话, 送了
# 蛋糕), the to-do list (今天该给谁打电话, 这周过生日的客户), a choice (尾号5678, 年纪大的那个),
# a change (换个客户经理), feedback (建议加个生日提醒), a greeting (我是客户经理).
_OTHER_REQUESTS = re.compile(
    r"转介|转给|转交|交给|介绍给|推给|派给|推荐|"
    r"(?:让|叫|请|找|给)(?:个|一个|位)?(?:客户经理|理财经理|大堂|行长|柜员|网点负责人)|"
    r"能买|可以买|能不能买|可不可以买|适合|能做|能办|可以做|可以办|要办|想办|想了解|想买|"
    r"(?:加|打|添加|添)(?:个|一个|上)?标签|贴|加个|加一个|加上|加给|里加|删|去掉|去了|移除|取消|新增|撤掉|撤销|"
    r"备注|拿掉|清掉|标记|打个|打上|打一个|"
    r"拜访了|上门了|打了|通了|通完|通过电话了|回了个|来过了|约了|送了|聊了|"
    r"记一下|记录一下|帮我记|提醒我|待办|(?:该|要|得|需要)(?:给|找|联系|去)?谁|"
    r"生日的客户|生日关怀|生日提醒|哪些客户|"
    r"尾号|的那个|的那位|说的|"
    r"换成|换个|换一个|改成|改为|更换|调整为|更新为|"
    r"建议|希望|意见|反馈|bug|"
    r"我是|^不是",
    re.IGNORECASE,
)
# A list of contacts or a count of them, not the last one: 拜访记录, 联系历史, 联系过几次.
_RECORDS = re.compile(r"记录|历史|明细|都有谁|哪些人|几次|多少次")
# Asking for the ID number: not a fact shown in chat (the card does not show it either); the
# answer says so instead of showing anything else.
_ID_NUMBER = re.compile(r"身份证号?码?|证件号码?")
_ASKS_ID_NUMBER = re.compile(r"(?:的|[他她])(?:身份证|证件)|(?:身份证|证件)号?码?(?:呢|多少|是多少|是啥|是什么|几号|发我|给我)")

_CONTACT_VERBS = (
    r"(?:联系|跟进|跟过|拜访|回访|上门|沟通|对接|(?:打|通|回).{0,2}电话|电话里|来过|见过|看过|去过|找过)"
)

# In order: a fact's words are taken out of the message once found, so that a later pattern does
# not read them again (风险等级 is not a tier's 等级, 客户号码 is not a phone's 号码).
_PATTERNS: tuple[tuple[Fact, re.Pattern[str]], ...] = (
    (Fact.RISK_LEVEL, re.compile(
        r"风险(?:承受)?(?:等级|评级|级别|能力|类型|偏好|测评|评估)?|风评|风测|测评|(?<!资产)评估|问卷|"
        r"[Cc](?:几|[1-5](?!\d))"
    )),
    # The last contact: asked with a word of time ("最近谁联系过他", "上次谁打的电话", "多久没联系
    #了"); "谁联系过她" without one asks for the contacts, a list.
    (Fact.LAST_CONTACT, re.compile(
        rf"(?:最近|上次|上回|最后|之前|多久没|什么时候|啥时候|哪天|有人|上个?月|上个?(?:周|礼拜|星期)).{{0,8}}?"
        rf"{_CONTACT_VERBS}"
    )),
    (Fact.CUSTOMER_ID, re.compile(r"客户号码?|客户编号|客户编码|客户代码|客户id|cif号?", re.IGNORECASE)),
    (Fact.MANAGER, re.compile(
        r"客户经理|管户(?:经理|人)?|归谁管|谁(?:在)?管|谁负责|谁维护|维护人|专属经理|对接人|谁的客户|哪(?:个|位)经理"
    )),
    (Fact.PHONE, re.compile(
        r"(?<![打通回接])(?<![打通回接][的了过完个])"
        r"(?:手机号码|手机号|手机|电话号码|电话号|联系电话|电话|联系方式|号码)"
        r"(?!银行|里|回访|联系|沟通|拜访|打不通|不通|没打通)"
    )),
    (Fact.TOTAL_ASSETS, re.compile(
        r"总资产|资产(?:总额|合计|规模|情况|状况|总共|一共|有多少|多少|几)|(?:有|存了)?多少(?:钱|资产)|"
        r"金融资产|家底|身家|aum",
        re.IGNORECASE,
    )),
    (Fact.TIER, re.compile(
        r"(?:什么|哪类|哪种|啥|哪个级别的?|几星级?)客户|客户(?:等级|级别|类型|层级)|星级|"
        r"是(?:不是)?(?:普通|白金|金卡|钻石|贵宾|vip|私行)",
        re.IGNORECASE,
    )),
    (Fact.BIRTHDAY, re.compile(r"生日|出生日期|出生年月|几月几(?:号|日)?(?:出)?生|哪天(?:出)?生|生辰")),
    (Fact.AGE, re.compile(
        r"年龄|年纪|岁数|(?<!额)多大(?![额金的钱])|几岁|多少岁|哪年(?:出)?生|出生年份|属什么"
    )),
    (Fact.BRANCH, re.compile(
        r"哪(?:个|家)(?:网点|支行|行(?!业)|营业所|分理处)|开户(?:行|网点|机构)|(?:归属|所属)(?:网点|支行|机构)|"
        r"(?:在)?哪(?:里|儿)?开的?户|什么网点|哪个网点"
    )),
    (Fact.TAGS, re.compile(r"标签|画像")),
    (Fact.OCCUPATION, re.compile(
        r"职业|(?:做|干)(?:什么|啥)(?:的|工作)|什么工作|工作单位|在哪(?:里|儿)?上班|(?:干|做)哪行"
    )),
)
# 等级 or 级别 alone is the customer's tier ("她什么等级"), unless another fact's words are there
# ("她风评是什么等级" asks the risk level).
_TIER_ALONE = re.compile(r"等级|级别")
_SPACES = re.compile(r"\s+")


def fact_asked(text: str) -> Fact | None:
    """The one fact about a customer the message asks for ("他手机号多少" -> PHONE), or None."""
    text = _SPACES.sub("", to_half_width(text or ""))
    if not text or _OTHER_REQUESTS.search(text):
        return None
    if _ID_NUMBER.search(text):
        return Fact.ID_NUMBER if _ASKS_ID_NUMBER.search(text) and not _GIVEN_IDENTIFIER.search(text) else None
    text = _GIVEN_IDENTIFIER.sub(" ", text)
    found: set[Fact] = set()
    for fact, pattern in _PATTERNS:
        if fact is Fact.LAST_CONTACT and _RECORDS.search(text):
            continue
        if pattern.search(text):
            found.add(fact)
            text = pattern.sub(" ", text)
    if not found and _TIER_ALONE.search(text):
        found.add(Fact.TIER)
    if len(found) != 1:
        return None
    fact = found.pop()
    # "他存款有多少" asks about deposits (a holdings question), not everything he has.
    if fact is Fact.TOTAL_ASSETS and product_word_in(text):
        return None
    return fact


_MATURITY = re.compile(r"到期|(?:哪天|哪一天|什么时候|啥时候|几号|何时)到(?!网点|店|行)|快到了|到日子")


def asks_about_maturity(text: str) -> bool:
    """Whether a holdings question asks when they mature: "她的定期什么时候到期", "理财到期没"."""
    return bool(_MATURITY.search(to_half_width(text or "")))

"""The words of visit notes: channels, follow-up words, purchases, interest and refusal,
money coming and going, relatives, tag kinds.
"""
from __future__ import annotations

import re
from datetime import time
from typing import Iterable

VISIT, PHONE, BRANCH, WECHAT = "上门", "电话", "到店", "微信"
# Words about the record itself ("记一下拜访", "记条拜访记录", "拜访记录"), never its channel.
LOG_THE_RECORD = re.compile(r"记(?:一下|下|个|一个|条|一条|录)?(?:这次)?拜访(?:记录)?|拜访记录")
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
HOME_VISIT = re.compile(r"[去到上][了过]?[\u4e00-\u9fff]{1,4}?家(?![长属人庭])")

FOLLOW_UP_WORDS = (
    "约了", "约好", "约在", "约", "再谈", "再聊", "跟进", "回访", "再联系", "联系一下", "下次", "提醒我", "提醒",
    "再来", "复访", "再去", "再打", "回电话", "来签", "来办", "过来", "上门", "见面",
)
# "到期前提醒我", "到期前联系她", "到期当天提醒": the follow-up is set from the maturity.
BEFORE_MATURITY_RE = re.compile(r"到期(前|之前|以前)[^,，。;；]{0,4}(提醒|联系|跟进|回访|打电话|找)")
ON_MATURITY_RE = re.compile(r"(到期(时|的时候|当天|那天)|到时候|到时)[^,，。;；]{0,4}(提醒|联系|跟进|回访|打电话|找)")
REMIND_DAYS_BEFORE_MATURITY = 3
# Words that say "this clause is about the follow-up" strongly enough to pick its time.
FOLLOW_UP_RE = re.compile("|".join(sorted(FOLLOW_UP_WORDS, key=len, reverse=True)))

# Explicit refusals: only these make 不感兴趣:X. "□" stands for a product word of the clause (blanked).
# 不想/不要/不买… refuse only what follows them as an object (不想买基金, 基金不要了), not another
# verb: "基金先不要动" and "定期先不续了" keep the product.
REFUSAL_RE = re.compile(
    r"不感兴趣|(?:没|没有|无)□*(?:兴趣|意向|意愿|需求)|不需要(?=□|了|$|\s|这|那|买|办|做|投|配|再)|不用了"
    r"|(?:暂不|暂时不|不予|不)考虑(?!一下|下|考虑)|拒绝|排斥|不接受|不喜欢"
    r"|不(?:想|要|买|办|做|投|碰|弄|搞|配置|打算|准备|愿意)(?=□|了|$|\s|这|那|买|办|做|投|碰|弄|搞|配|再|要|考虑|了解|参与|入手)"
)
# Hesitation: not yet decided either way. Neither interest nor refusal: no tag at all.
HESITATION_RE = re.compile(
    r"还在考虑|在考虑|再考虑|考虑一下|考虑下|考虑考虑|回去考虑|要考虑|考虑中|再看看|看看再说|再说|犹豫|纠结|拿不定|拿不准"
    r"|没决定|没定|再想想|想一想|想想|商量|观望|顾虑|担心|怕|嫌|不确定|说不准|等等看|回头再|没想好|到时候再"
)
# "要不要", "有没有", "需不需要", "感不感兴趣": a question, not a negation. "不用跟进", "不要提醒":
# about the follow-up, not the product.
NEITHER_RE = re.compile(r"(.)[不没]\1|(?:不用|不要|不必|无需|不需要|别)再?(?:跟进|联系|回访|提醒|打电话|上门|来)")
# Words with 不/没 that negate nothing: "收益不错", "差不多", "没问题".
NOT_A_NEGATION_RE = re.compile(
    r"不错|不少|不久|不仅|不但|不管|不论|不断|不同|不得不|差不多|不好意思|了不起|不一样|不止|不光|不如|要不然|不然|要不"
    r"|忍不住|免不了|没问题|没准|没多久|没几天|不到"
)
NEGATION_RE = re.compile(r"[不没]|未(?=买|购|办|成交|签|存|开|投|认购|申购|定)|无(?=意|需|兴)")
PURCHASE_WORDS = (
    "买了", "已购", "已买", "购买了", "办了", "办理了", "签了", "成交", "认购", "存了", "续存了", "已续存", "转存了", "开了",
    "投了", "申购了", "定投了", "入了", "存进", "下单",
)
# Interest cues. An evaluation of what the customer holds ("收益挺好", "还可以", "比较认可") is no interest.
INTEREST_WORDS = (
    "想", "有兴趣", "感兴趣", "考虑", "了解", "咨询", "问了", "问问", "打听", "意向", "关注", "需求", "需要", "打算",
    "计划", "准备", "心动", "试试", "愿意", "询问", "问一下", "问下",
)
INTEREST_RE = re.compile("|".join(sorted(INTEREST_WORDS, key=len, reverse=True)))
# The refusal wording as a word list, for callers that show it; the rule is REFUSAL_RE above.
NEGATIVE_WORDS = (
    "不感兴趣", "没兴趣", "没有兴趣", "不需要", "不考虑", "暂不考虑", "暂时不考虑", "不想", "不要", "不买", "不办",
    "拒绝", "不愿意", "没意向", "没有意向", "没需求", "没有需求", "不打算", "不做", "排斥", "不接受", "不喜欢",
)
# A verb right before a product word says interest too: 问理财, 买大额存单, 要基金.
VERB_BEFORE_PRODUCT = ("问", "买", "要", "办", "看看", "看")
VERB_BEFORE_BLANK_RE = re.compile(f"(?:{'|'.join(VERB_BEFORE_PRODUCT)})□")  # the same, products blanked
# A product the money comes out of is no interest: 把活期里的20万转出来买理财, 定期到期了想买基金.
SOURCE_AFTER_PRODUCT = re.compile(r"^.{0,6}?(转出|取出|里的|赎回|挪出|到期|到了)")

MATURITY_WORDS = ("到期",)
# One-off money coming in. A pension or a salary is income, not an inflow (INCOME_WORDS).
INFLOW_WORDS = ("到账", "回款", "进账", "拆迁款", "卖房", "分红", "赔偿款", "年终奖", "收回", "卖了房")
OUTFLOW_WORDS = ("要用钱", "用钱", "取出", "取走", "转走", "支取", "提前支取", "买房", "装修", "还贷", "要取", "提现")
OUTFLOW_RE = re.compile("|".join(sorted(OUTFLOW_WORDS, key=len, reverse=True)))

# Regular income: a fact about the customer, not money to act on (see the module docstring).
# 工资卡/退休金账户 are accounts and 代发工资 a service, not income figures.
INCOME_WORDS = ("退休金", "养老金", "工资", "薪水", "薪资", "月薪", "年薪", "收入", "月入", "年入", "底薪")
INCOME_RE = re.compile(rf"(?<!代发)(?:{'|'.join(INCOME_WORDS)})(?!卡|账户|账号|存折|代发)")

# The customer's family. A clause whose subject is one of them is about that person's money.
# Honorifics for the customer herself (王太太, 李大姐, 张大妈, 王先生) are not kin.
RELATIVE_WORDS = (
    "老伴", "爱人", "丈夫", "妻子", "老公", "老婆", "媳妇", "儿媳", "女婿", "儿子", "女儿", "闺女", "孩子", "小孩",
    "孙子", "孙女", "外孙", "外孙女", "父母", "父亲", "母亲", "爸爸", "妈妈", "老爸", "老妈", "公公", "婆婆", "岳父",
    "岳母", "丈母娘", "老丈人", "哥哥", "弟弟", "姐姐", "妹妹", "兄弟", "姐妹", "亲戚", "家人", "男朋友", "女朋友",
)
RELATIVE_RE = re.compile("|".join(sorted(RELATIVE_WORDS, key=len, reverse=True)))
# Kin after these is an object, not the subject: 给儿子买了, 和老伴一起存了, 把女儿给的10万存了.
KIN_AS_OBJECT = re.compile(r"(给|为|帮|替|和|跟|同|与|陪|带|把|让|叫|找|问|对|供|向|送)(他|她|自己|您)?的?$")
# Words that bring the subject back to the customer: 他/她, 客户, the household.
CUSTOMER_SUBJECT = re.compile(r"他|她|客户|本人|自己|家里|家庭|全家|夫妻|两口子|老两口")
# Money moved with no subject written: at the counter, the customer did it.
CUSTOMER_ACTION_RE = re.compile("|".join(PURCHASE_WORDS + ("取了", "取出", "取走", "支取", "转了", "转走", "转出", "汇了", "提现")))

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



# Not tags: the customer's family, pronouns and everyday nouns an NLU may mark in a note.
STRAY_TAG_WORDS = frozenset(RELATIVE_WORDS) | {
    "他", "她", "客户", "本人", "自己", "家里", "家人", "家庭", "老人", "老人家", "小孩子", "孩子们", "钱", "银行", "网点",
    "产品", "利率", "利息", "收益", "手机", "电话", "微信", "时间", "身体", "工作", "房子", "车", "学费", "先生", "女士",
    "太太", "阿姨", "大爷", "大妈", "老师", "师傅", "领导", "同事", "朋友", "邻居",
}
POSSESSOR = re.compile(r"^(?:他|她|客户|[\u4e00-\u9fff]{2,3}的|[\u4e00-\u9fff]{1,3}家)")
# The note asks for a tag in so many words: "标签:高净值", "给他标一下个体户".
TAG_REQUEST_RE = re.compile(r"标签|标记|打标|打个标|标一下|标个|标成|标为|贴个|贴上")
# A need or a plan as staff write it: 有留学需求, 有购房计划, 教育金需求.
NEED_PHRASE_RE = re.compile(r"^(?:有)?[\u4e00-\u9fffA-Za-z]{1,6}(?:需求|计划|打算)$")


def first_word(text: str, words: Iterable[str]) -> tuple[int, str] | None:
    best = None
    for word in words:
        index = text.find(word)
        if index >= 0 and (best is None or index < best[0] or (index == best[0] and len(word) > len(best[1]))):
            best = (index, word)
    return best

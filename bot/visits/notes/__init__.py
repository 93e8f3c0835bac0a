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

Modules: words (the word tables), results (VisitNote and its parts), pipeline (spaCy and
jieba), kinds (is this a visit note, a plan, a reported contact), amounts, times, tags, and
parser (parse_visit_note, putting them together).
"""

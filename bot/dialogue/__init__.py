"""The conversation protocol: what the bot is waiting for, and how the next message is read.

Every message goes through `decide`, with what the bot last asked in view. Two things can wait
for the next message, kept between turns in one slot (`Waiting.to_dict`):

* a **draft** (a referral being made, a visit note being confirmed): its kind, the step it is at
  (which customer, which product, which colleague, a duplicate, the confirmation), its customer
  and how that customer was chosen (named in a message, picked from a list, or taken from the
  conversation's context), when the bot last asked, and the capability's own state;
* a **choice**: a numbered list of customers the bot showed ("which 王建国?", the daily list),
  and what was asked about them (a view, a tag, a suggestion);
* the **segment** last listed (客群: its conditions and the customers shown), for "更多",
  "改成10万以上", "保存为名单:…" and "做个活动…" (two hours).

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

Modules: waiting (what waits between turns: a draft, a choice, a topic, the segment last listed),
message (how a message reads: its words and entities), routes (`Route`, the route of each intent,
the static replies), decisions (decide: the rules above), marketing (the words that decide for
segments and campaigns), notices (the one-line notices of a kept or dropped draft), replies (the
protocol's own text).
"""

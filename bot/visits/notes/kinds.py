"""What kind of message this is: a visit note, a plan only ("下周二再打电话"), a reported contact.
"""
from __future__ import annotations

import re

from bot.visits.notes.words import BEFORE_MATURITY_RE, CHANNEL_WORDS, ON_MATURITY_RE
from bot.vocabulary.text import has_chinese_words

# A plan for a later contact ("帮他约个回访", "提醒我周五给他打电话"), and words that report a contact
# that happened ("聊了", "他说", "来网点了"): a message with the first and none of the second plans
# a follow-up and records no contact.
_PLAN_WORDS = re.compile(r"提醒我|提醒一下|帮我?约|约个|约一下|安排(个|一下)?回访|记得|回头|到时候|到时|帮我?记个跟进|建个跟进|加个跟进|设个提醒")
_CONTACT_WORDS = re.compile(r"拜访了|拜访过|上门了|上门看|去了|来了|来过|来网点|到店|聊了|聊过|聊到|谈了|打了|打过|通了|联系了|联系过|"
                            r"见了|见过|问了|咨询|说|办了|买了|存了|取了|反映|表示|刚才|刚刚|今天上门|电话联系|微信聊")


# A visit the customer is going to make ("下周一要来网点"): no contact that happened.
_VISIT_TO_COME = re.compile(r"(?:要|会|打算|准备|将|想|说要|说会)(?:来|去|到)(?:网点|行里|银行|店|柜台)?")


def plans_only(text: str) -> bool:
    """Whether a message only plans a follow-up, with a time to come, and reports no contact."""
    from bot.clock import clock
    from bot.vocabulary.time_expressions import find_time_expressions

    # "提醒我到期前联系她": the time is the maturity's (the note's date, or her holdings').
    at_a_maturity = BEFORE_MATURITY_RE.search(text or "") or ON_MATURITY_RE.search(text or "")
    reported = _CONTACT_WORDS.search(_VISIT_TO_COME.sub(" ", text or ""))
    return bool(_PLAN_WORDS.search(text or "")) and not reported and bool(
        at_a_maturity or find_time_expressions(text, clock.now()))


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

"""The words that decide for segments (客群) and campaigns (营销活动), whatever the NLU said: a
description of customers by conditions, "更多" and corrections right after a segment, saving and
opening lists; a campaign to make, outcomes of its customers, progress, reassignment. Used by
`decide` (bot.dialogue.decisions), in the order of its rules.
"""
from __future__ import annotations

import re

from bot.campaigns.reading import OUTCOME_WORDS, PROGRESS, asks_for_a_campaign, reassignment_said
from bot.clock import clock
from bot.dialogue.message import MORE_AFTER_A_LIST, PRONOUN, TASK_WORDS, Message, names_customer, product_answer
from bot.dialogue.routes import Route
from bot.dialogue.waiting import SEGMENT, TASKS
from bot.segments.reading import CORRECTION as CORRECTS_A_SEGMENT
from bot.segments.reading import describes_customers
from bot.segments.saved import asks_saved_lists, save_name_asked
from bot.segments.scenes import scene_named
from bot.suggestions.request import asks_may_buy
from bot.vocabulary.text import without_filler
from bot.vocabulary.width import to_half_width

# Intents a segment's description can be read as ("下个月到期的客户" as a to-do question, "有基金
#的客户" as holdings): the words decide when they describe customers and ask for no to-do list.
SEGMENT_MISREADS = frozenset({"list_tasks", "ask_holdings", "lookup_customer", "nlu_fallback", "out_of_scope",
                              "inform", "suggest_products"})
_A_NEW_QUESTION = re.compile(r"哪些|哪几|有多少|有几|几个|几位|谁")
_ASKS_FOR_CUSTOMERS = re.compile(r"哪些客户|哪些人|名单|客群|有多少(?:个|位)?客户|的客户(?:有哪些|呢|吗|$)|筛|找出|列出|拉一?个"
                                 r"|沉睡唤醒|到期承接|测评到期|生日关怀|潜力客户")
_CUSTOMERS_IN_PLURAL = re.compile(r"客户|名单|客群|哪些|哪几|多少人|多少位|几个人|几位|的人|那些人|以上的|以下的")
_ITEM_NUMBER = re.compile(r"第\s*[0-9一二两三四五六七八九十]+\s*(?:个|条|位|项|号)?|^[0-9]+\s*(?:号|条)?(?![0-9万元块])")


def campaign_route(message: Message, topic: str | None) -> Route | None:
    """Campaigns (营销活动): made from the segment listed, outcomes of its customers by their
    number in the daily list or by name with 活动, progress and reassignment, whatever the NLU said."""
    text = to_half_width(message.text or "")
    if reassignment_said(text) is not None:
        return Route.REASSIGN_CAMPAIGN
    if asks_for_a_campaign(text) and not names_customer(message) and not PRONOUN.search(text) \
            and not re.search(r"转介|拜访|参加|来了", text):
        return Route.START_CAMPAIGN
    if OUTCOME_WORDS.search(text) and not re.search(r"转介|ZJ\d", text, flags=re.IGNORECASE) and (
            (_ITEM_NUMBER.search(text) and (topic == TASKS or "活动" in text or message.intent in ("inform", "update_referral")))
            or ("活动" in text and (names_customer(message) or PRONOUN.search(text)))):
        return Route.CAMPAIGN_OUTCOME  # "第3个已联系,有意向" after the daily list; "王建国活动成交10万"
    if PROGRESS.search(text) or message.intent == "campaign_progress":
        return Route.CAMPAIGN_PROGRESS
    return None


def segment_route(message: Message, topic: str | None) -> Route | None:
    """Segments (客群): saving and opening lists, "更多" and corrections right after one, and a
    description of customers by conditions whatever the NLU called it (not a to-do question, no
    customer named)."""
    text = message.text or ""
    plain = without_filler(to_half_width(text))
    if save_name_asked(text) is not None:
        return Route.SAVE_SEGMENT
    if asks_saved_lists(text) and not names_customer(message):
        return Route.SAVED_SEGMENTS
    if topic == SEGMENT and MORE_AFTER_A_LIST.match(plain):
        return Route.SEGMENT_MORE
    if scene_named(plain) is not None and len(plain) <= 12 and not names_customer(message) and not PRONOUN.search(text):
        return Route.FIND_CUSTOMERS  # "生日关怀", "沉睡唤醒": a scene by its name, however the NLU read it
    if names_customer(message) or PRONOUN.search(text) or TASK_WORDS.search(text):
        return None
    today = clock.today()
    if topic == SEGMENT and (CORRECTS_A_SEGMENT.match(plain) and (describes_customers(text, today) or product_answer(message))
                             or len(plain) <= 8 and scene_named(plain) is None and not _A_NEW_QUESTION.search(plain)
                             and describes_customers(text, today)):
        return Route.SEGMENT_CORRECTION  # "改成10万以上", "只要代理网点的", "女客户呢"
    if message.intent == "find_customers":
        return Route.FIND_CUSTOMERS
    if message.intent in SEGMENT_MISREADS and _CUSTOMERS_IN_PLURAL.search(text) and describes_customers(text, today) \
            and not asks_may_buy(text):
        return Route.FIND_CUSTOMERS
    return None


def asks_for_a_segment(message: Message) -> bool:
    """A question for a segment beside a draft: asked for customers in the plural ("哪些客户",
    "名单", a scene), never a note about one customer ("客户说下个月定期到期")."""
    text = message.text or ""
    return (message.intent == "find_customers" or message.intent in SEGMENT_MISREADS) \
        and _ASKS_FOR_CUSTOMERS.search(text) is not None and not names_customer(message) \
        and not PRONOUN.search(text) and describes_customers(text, clock.today())

"""Which capability answers a message (`Route`), the route of each intent when the words settle
nothing else, and the static replies of domain.yml. `decide` (bot.dialogue.decisions) returns one.
"""
from __future__ import annotations

from enum import Enum


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
    OWN_CONTACTS = "own_contacts"  # "我最近联系过谁": her own contacts of the days asked
    FEEDBACK = "feedback"
    FIND_CUSTOMERS = "find_customers"  # "下个月有定期到期的客户": a segment (客群) of her branches
    SEGMENT_MORE = "segment_more"  # "更多" right after a segment: its next page
    SEGMENT_CORRECTION = "segment_correction"  # "改成10万以上" right after a segment: that segment changed
    SAVE_SEGMENT = "save_segment"  # "保存为名单:下月到期"
    SAVED_SEGMENTS = "saved_segments"  # "我的名单", "打开名单1", "删除名单:…"
    START_CAMPAIGN = "start_campaign"  # "做个活动,推大额存单,按客户经理分,月底前" after a segment
    CAMPAIGN_OUTCOME = "campaign_outcome"  # "第3个已联系,有意向", "王建国活动成交10万"
    CAMPAIGN_PROGRESS = "campaign_progress"  # "活动进度", "大额存单活动进度"
    REASSIGN_CAMPAIGN = "reassign_campaign"  # "把马骏没联系的转给王芳"
    NOT_CHINESE = "not_chinese"  # "请用中文"
    UNCLEAR_ANSWER = "unclear_answer"  # an answer to nothing: "没明白您指的是哪位客户"
    UNDO_SAVED = "undo_saved"  # "刚才那条记错了,删掉": not built; the bot says so
    BRANCH_VIEW = "branch_view"  # "本周网点情况": the head's view, not built yet; the bot says so
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
    "find_customers": Route.FIND_CUSTOMERS,
    "create_campaign": Route.START_CAMPAIGN,
    "campaign_progress": Route.CAMPAIGN_PROGRESS,
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

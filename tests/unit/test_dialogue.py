"""The conversation protocol (bot/dialogue.py): how a message is read with what waits in view.

Pure decisions, no database: the capabilities' own steps are tested in test_referral_dialogue.py,
test_visit_dialogue.py and, through the real actions, tests/actions and tests/dialogue.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.dialogue.decisions import Route, decide
from bot.dialogue.message import Message, bare_name, corrected_part
from bot.dialogue.notices import dropped_notice, kept_notice
from bot.dialogue.waiting import DRAFT_TTL, REFERRAL, VISIT, Choice, Draft, Step, Waiting

NOW = datetime(2026, 11, 30, 10, 0)


def draft(kind=REFERRAL, step=Step.CONFIRM, since=NOW, **state) -> Draft:
    return Draft(kind, step.value, since.isoformat(), "C00000001", "王建国", "named", state)


def message(text, intent=None, **entities) -> Message:
    return Message(text, intent, {name: [value] for name, value in entities.items()})


def route(text, intent=None, waiting=None, now=NOW, **entities):
    return decide(message(text, intent, **entities), waiting or Waiting(), now)


# ---------------------------------------------------------------------------- an answer is an answer


@pytest.mark.parametrize("text, intent", [
    ("确认", "affirm"), ("好的", "affirm"), ("嗯嗯没问题", "affirm"), ("确认", "lookup_customer"),
    ("取消", "deny"), ("算了不转了", "record_referral"), ("转给陈静", "lookup_customer"),
    ("产品改成基金定投", "ask_holdings"), ("客户写错了,是陈美玲", "lookup_customer"), ("不对", "deny"),
    ("不是理财经理,是客户经理", "record_referral"), ("交给理财经理吧", "record_referral"),
])
def test_at_a_referrals_confirmation_confirmations_and_corrections_are_answers(text, intent):
    assert route(text, intent, Waiting(draft())).route is Route.DRAFT_STEP


@pytest.mark.parametrize("text, intent", [
    ("不是下周三,是下周四", "log_visit"), ("跟进时间改成下周五", "list_tasks"), ("不是电话,是上门", "log_visit"),
    ("不用跟进了", "deny"), ("确认", "affirm"), ("客户改成C00000005", "lookup_customer"),
])
def test_at_a_visits_confirmation_corrections_are_answers(text, intent):
    assert route(text, intent, Waiting(draft(VISIT))).route is Route.DRAFT_STEP


@pytest.mark.parametrize("text, intent, entities", [
    ("到期了想续存", "log_visit", {}),  # the NLU took the product answer for a visit note
    ("买点国债吧", "suggest_products", {}),
    ("她想买点基金定投吧", "record_referral", {"product": "基金定投"}),
    ("理财", "inform", {}),
    ("火箭", "inform", {}),  # an unknown product: the step says it does not know it
    ("陈美玲", "lookup_customer", {"customer_name": "陈美玲"}),  # the customer, corrected
])
def test_a_product_answer_is_read_as_the_product_whatever_the_intent(text, intent, entities):
    assert route(text, intent, Waiting(draft(step=Step.PRODUCT)), **entities).route is Route.DRAFT_STEP


@pytest.mark.parametrize("text, intent, entities", [
    ("陈美玲", "inform", {}), ("C00000005", "lookup_customer", {"customer_id": "C00000005"}), ("2", "inform", {}),
    ("13912345678", "lookup_customer", {"phone": "13912345678"}),
])
def test_which_customer_is_answered_by_a_name_number_or_pick(text, intent, entities):
    waiting = Waiting(draft(step=Step.CUSTOMER, candidate_ids=["C00000001", "C00000002"]))
    assert route(text, intent, waiting, **entities).route is Route.DRAFT_STEP


@pytest.mark.parametrize("text, intent, entities", [
    ("陈静", "inform", {}), ("2", "inform", {}), ("默认", "inform", {}), ("理财经理", "inform", {"staff_role": "理财经理"}),
    ("给王芳吧", "record_referral", {"staff_name": "王芳"}),
])
def test_which_colleague_is_answered_by_a_name_role_or_number(text, intent, entities):
    assert route(text, intent, Waiting(draft(step=Step.RECEIVER)), **entities).route is Route.DRAFT_STEP


@pytest.mark.parametrize("kind", [REFERRAL, VISIT])
@pytest.mark.parametrize("intent", ["affirm", "deny", "inform", "nlu_fallback", "thanks"])
def test_a_bare_name_at_a_confirmation_is_looked_up_beside_it_never_taken_for_yes_or_no(kind, intent):
    # The NLU has read "李秀英" alone as affirm with no entity: still a name, never a "yes". (With
    # nothing waiting, actions/basics.py looks a bare name up among the employee's customers.)
    waiting = Waiting(draft(kind))
    decision = route("李秀英", intent, waiting)
    assert decision.route is Route.LOOKUP and decision.kept is waiting.draft


@pytest.mark.parametrize("text, intent", [("明白", "affirm"), ("谢谢", "thanks"), ("辛苦了", "thanks"), ("明白了", "affirm")])
def test_words_that_start_with_a_surname_are_not_taken_for_names(text, intent):
    at_confirmation = route(text, intent, Waiting(draft())).route
    assert at_confirmation is (Route.DRAFT_STEP if intent == "affirm" else Route.STATIC)
    assert route(text, intent).route is Route.STATIC


# ---------------------------------------------------------------------------- drafts do not swallow


@pytest.mark.parametrize("text, intent, expected", [
    ("我的待办", "list_tasks", Route.LIST_TASKS),
    ("他名下有哪些产品", "ask_holdings", Route.HOLDINGS),
    ("最近谁联系过他", "ask_interactions", Route.INTERACTIONS),
    ("我的转介", "list_referrals", Route.LIST_REFERRALS),
    ("帮助", "help", Route.STATIC),
    ("查一下陈美玲", "lookup_customer", Route.LOOKUP),
])
def test_a_question_while_a_draft_waits_is_answered_and_the_draft_kept(text, intent, expected):
    waiting = Waiting(draft())
    decision = route(text, intent, waiting, **({"customer_name": "陈美玲"} if "陈美玲" in text else {}))
    assert decision.route is expected and decision.kept is waiting.draft and decision.dropped is None


def test_a_new_visit_note_replaces_a_waiting_referral_and_says_so():
    waiting = Waiting(draft())
    decision = route("今天上门拜访了陈美玲,聊了理财", "log_visit", waiting, customer_name="陈美玲")
    assert decision.route is Route.START_VISIT and decision.dropped is waiting.draft
    assert decision.dropped_because == "replaced"


def test_a_new_referral_naming_a_customer_replaces_the_waiting_one():
    waiting = Waiting(draft(step=Step.PRODUCT))
    decision = route("把陈美玲转给理财经理,想了解理财", "record_referral", waiting, customer_name="陈美玲",
                     staff_role="理财经理")
    # It names a product too, and the step asked for one: but it is a whole new referral.
    assert decision.route in (Route.START_REFERRAL, Route.DRAFT_STEP)


def test_a_draft_left_alone_for_30_minutes_is_dropped_with_a_notice():
    waiting = Waiting(draft())
    decision = route("确认", "affirm", waiting, now=NOW + DRAFT_TTL + timedelta(seconds=1))
    assert decision.route is Route.STATIC and decision.dropped is waiting.draft
    assert decision.dropped_because == "expired"
    assert "超过30分钟" in dropped_notice(waiting.draft, "expired") and "没有保存" in dropped_notice(waiting.draft, "expired")
    # Just inside the half hour it is still the answer.
    assert route("确认", "affirm", waiting, now=NOW + DRAFT_TTL).route is Route.DRAFT_STEP


def test_the_kept_line_says_whose_draft_and_what_it_waits_for():
    assert "给王建国的转介" in kept_notice(draft()) and "确认" in kept_notice(draft())
    assert "哪位同事" in kept_notice(draft(step=Step.RECEIVER))
    assert "王建国的拜访记录" in kept_notice(draft(VISIT))


# ---------------------------------------------------------------------------- lists and plain routing


def test_a_pick_answers_the_list_shown_and_anything_else_drops_it():
    waiting = Waiting(choice=Choice(["C00000001", "C00000002"], {"kind": "view", "view": "profile"}))
    for text in ("2", "第二个", "尾号5678", "最后一个"):
        assert route(text, "inform", waiting).route is Route.PICK, text
    assert route("查一下陈美玲", "lookup_customer", waiting, customer_name="陈美玲").route is Route.LOOKUP
    assert route("完成第2条", "inform", waiting).route is Route.LIST_TASKS
    # The last four digits the list asks for, tagged a (too short) phone by the NLU: a pick, not
    # "手机号应该是11位".
    for text in ("4321", "尾号4321", "4321那个"):
        assert route(text, "lookup_customer", waiting, phone="4321").route is Route.PICK, text


def test_a_pick_from_a_list_shown_beside_a_draft_goes_to_the_list():
    waiting = Waiting(draft(), Choice(["C00000001", "C00000002"], {"kind": "view", "view": "profile"}))
    decision = route("2", "inform", waiting)
    assert decision.route is Route.PICK and decision.kept is waiting.draft


@pytest.mark.parametrize("text, intent, expected", [
    ("look up 王建国", "log_visit", Route.LOOKUP),
    ("check C00000001", "record_referral", Route.LOOKUP),
    ("what can you do", "log_visit", Route.NOT_CHINESE),
    ("hello", "greet", Route.STATIC),  # chat words are answered like their Chinese
    ("ok", "affirm", Route.STATIC),
    ("please show me the customer list", "lookup_customer", Route.NOT_CHINESE),
    ("2", "inform", Route.UNCLEAR_ANSWER),
    ("13912345678", "affirm", Route.LOOKUP),
    ("完成第3条", "affirm", Route.LIST_TASKS),
])
def test_english_numbers_and_identifiers_are_never_drafts(text, intent, expected):
    entities = {"customer_id": "C00000001"} if "C0000" in text else {}
    assert route(text, intent, **entities).route is expected


@pytest.mark.parametrize("text, expected", [
    ("算了", True), ("取消", True), ("不转了", True), ("算了吧", True), ("不记了,谢谢", True),
    ("算了,还是转给王芳吧", False), ("不要了,改成电话", False), ("算了,还是上门", False), ("确认", False),
])
def test_a_change_of_mind_after_a_cancel_word_is_no_cancel(text, expected):
    from bot.dialogue.message import cancels

    assert cancels(text) is expected


def test_bare_names_are_names_and_bank_words_are_not():
    assert bare_name("王建国呢?") == "王建国" and bare_name("陈美玲") == "陈美玲"
    for word in ("上门", "理财", "确认", "明天", "2", "好的", "查一下王建国的定期"):
        assert bare_name(word) is None, word


@pytest.mark.parametrize("text, expected", [
    ("客户写错了,是李秀英", "李秀英"), ("不是下周三,是下周四", "下周四"), ("产品改成基金定投", "基金定投"),
    ("换成陈美玲吧", "陈美玲吧"), ("转给陈静", "转给陈静"),
])
def test_a_correction_is_read_for_what_it_changes_to(text, expected):
    assert corrected_part(text) == expected


def test_a_malformed_slot_waits_for_nothing():
    assert Waiting.from_dict({"draft": {"kind": "loan", "step": "confirm"}}).draft is None
    assert Waiting.from_dict("garbage").to_dict() is None
    assert Waiting.from_dict({"choice": {"candidate_ids": []}}).choice is None
    kept = Waiting(draft(), Choice(["C1"], {"kind": "tag"}))
    assert Waiting.from_dict(kept.to_dict()) == kept


@pytest.mark.parametrize("entity, value, expected", [
    ("product", "那鑫享理财", "鑫享理财"), ("product", "国债呢", "国债"), ("product", "那个基金", "基金"),
    ("product", "理财", "理财"), ("tag", "这个高净值", "高净值"), ("customer_name", "那王建国", "那王建国"),
    ("product", "  ", None), ("product", None, None),
])
def test_what_the_nlu_glues_to_a_product_is_taken_off(entity, value, expected):
    from bot.dialogue.message import entity_value

    assert entity_value(entity, value) == expected


@pytest.mark.parametrize("text, intent", [
    ("转介", "list_referrals"), ("做个转介", "nlu_fallback"), ("帮我转介一下", "out_of_scope"), ("转介吧", "inform"),
    ("新建转介", "record_referral"), ("来个转介", "greet"),
])
def test_the_word_referral_alone_makes_one(text, intent):
    assert route(text, intent, Waiting()).route is Route.START_REFERRAL


@pytest.mark.parametrize("text", ["我的转介", "转介记录", "我的转介情况", "转介列表", "这个月转介了多少"])
def test_asking_about_referrals_is_no_new_one(text):
    assert route(text, "list_referrals", Waiting()).route is not Route.START_REFERRAL


def test_passing_it_on_at_a_visits_confirmation_turns_the_visit_into_a_referral():
    waiting = Waiting(draft(kind=VISIT))
    for text, intent in [("转给陈静", "inform"), ("交给理财经理吧", "update_referral"), ("推给王芳", "record_referral")]:
        decision = route(text, intent, waiting)
        assert decision.route is Route.START_REFERRAL and decision.dropped is waiting.draft, text
        assert decision.dropped_because == "to_referral"
        assert "改为转介" in dropped_notice(waiting.draft, decision.dropped_because)
    # A question about passing on, or a referral's own receiver change, is not that.
    assert route("能转给陈静吗?", "inform", waiting).route is not Route.START_REFERRAL
    assert route("转给陈静", "inform", Waiting(draft())).route is Route.DRAFT_STEP


@pytest.mark.parametrize("text, intent", [
    ("拜访了王建国", "goodbye"), ("刚和王建国通了电话", "inform"), ("见了王建国", "nlu_fallback"),
])
def test_a_contact_told_in_few_words_is_a_visit_whatever_the_nlu_saw(text, intent):
    assert route(text, intent, Waiting(), customer_name="王建国").route is Route.START_VISIT


@pytest.mark.parametrize("text, intent", [
    ("最近谁拜访过王建国", "goodbye"), ("拜拜", "goodbye"), ("王建国拜访了吗", "inform"),
])
def test_a_question_or_a_goodbye_is_no_visit(text, intent):
    entities = {"customer_name": "王建国"} if "王建国" in text else {}
    assert route(text, intent, Waiting(), **entities).route is not Route.START_VISIT


@pytest.mark.parametrize("text", ["已经联系过了", "联系上了", "成交了", "没联系上"])
def test_a_referrals_next_step_said_alone_right_after_an_update_is_an_update(text):
    after_update = Waiting(topic="referral_updated")
    assert route(text, "ask_interactions", after_update).route is Route.UPDATE_REFERRAL
    assert route(text, "ask_interactions").route is Route.INTERACTIONS  # without it, the intent decides


@pytest.mark.parametrize("text, intent", [("取消", "deny"), ("收到", "affirm"), ("他最近联系过谁", "ask_interactions")])
def test_a_cancel_or_an_acknowledgement_after_an_update_changes_no_referral(text, intent):
    assert route(text, intent, Waiting(topic="referral_updated")).route is not Route.UPDATE_REFERRAL


@pytest.mark.parametrize("text", ["这个月呢", "那上个月呢?", "10月份的呢", "本月"])
def test_another_month_right_after_the_figures_asks_for_that_months_figures(text):
    assert route(text, "affirm", Waiting(topic="figures")).route is Route.REFERRAL_STATS
    assert route(text, "affirm").route is not Route.REFERRAL_STATS  # "这个月呢" alone: the intent decides


@pytest.mark.parametrize("text, intent", [("刚才那条记错了,删掉", "nlu_fallback"), ("把刚才的拜访删了", "log_visit"),
                                          ("删掉上一条", "deny")])
def test_deleting_a_saved_record_is_answered_as_not_built(text, intent):
    assert route(text, intent).route is Route.UNDO_SAVED


@pytest.mark.parametrize("text, intent, expected", [
    ("把唐博的转介撤销", "update_referral", Route.UPDATE_REFERRAL),  # a referral's own status
    ("给王建国删掉沉睡客户标签", "tag_customer", Route.TAG),  # a tag named: removal is built
    ("把他的沉睡客户标签删掉", "tag_customer", Route.TAG),
])
def test_what_the_chat_can_undo_is_not_taken_for_a_deletion(text, intent, expected):
    assert route(text, intent, customer_name="王建国" if "王建国" in text else "唐博").route is expected


@pytest.mark.parametrize("text, entities, expected", [
    ("转介欧阳杨波", {}, Route.START_REFERRAL),  # a newcomer got her list of referrals
    ("转介C00000005", {"customer_id": "C00000005"}, Route.START_REFERRAL),
    ("帮我转介一下王建国", {"customer_name": "王建国"}, Route.START_REFERRAL),
    ("转介记录", {}, Route.LIST_REFERRALS), ("转介进度", {}, Route.LIST_REFERRALS), ("转介明细", {}, Route.LIST_REFERRALS),
])
def test_a_referral_of_the_customer_named_after_the_word_is_made_not_listed(text, entities, expected):
    assert route(text, "list_referrals", **entities).route is expected


def test_a_cancel_followed_by_a_visit_note_drops_the_referral_and_notes_the_visit():
    waiting = Waiting(draft())
    decision = route("算了不转了,记一下拜访吧,今天电话联系了他,他想买基金", "record_referral", waiting)
    assert decision.route is Route.START_VISIT and decision.dropped is waiting.draft
    assert route("算了不转了", "deny", waiting).route is Route.DRAFT_STEP  # a cancel alone cancels


@pytest.mark.parametrize("text, intent", [("帮我把王建国的风险等级改成C4", "lookup_customer"), ("修改一下她的手机号", "ask_holdings"),
                                          ("陈美玲的地址变更为城关镇", "inform")])
def test_changing_the_banks_customer_data_is_answered_as_not_done_here(text, intent):
    assert route(text, intent).route is Route.EDIT_CUSTOMER


@pytest.mark.parametrize("text, intent", [("王建国的风险等级", "lookup_customer"), ("他手机号多少", "lookup_customer"),
                                          ("谁是他的客户经理", "lookup_customer")])
def test_asking_for_customer_data_is_still_a_question(text, intent):
    assert route(text, intent).route is not Route.EDIT_CUSTOMER


def test_a_correction_of_a_draft_is_no_edit_of_customer_data():
    waiting = Waiting(draft())
    assert route("客户写错了,是手机号13912345678的那位", "inform", waiting, phone="13912345678").route is Route.DRAFT_STEP


def test_a_lookup_naming_a_kind_of_product_is_her_holdings_of_that_kind_even_untagged():
    """"看一下陈美玲的基金" read as a lookup with no product tagged: her funds, not the whole card;
    the word is read from the text (a customer's name is not a product: 黄金花 is no gold)."""
    for text in ("看一下陈美玲的基金", "陈美玲的存款看下"):
        decision = decide(message(text, "lookup_customer", customer_name="陈美玲"), Waiting(), NOW)
        assert decision.route is Route.HOLDINGS, text
    assert decide(message("查一下黄金花", "lookup_customer", customer_name="黄金花"), Waiting(), NOW).route is Route.LOOKUP
    assert decide(message("查一下陈美玲", "lookup_customer", customer_name="陈美玲"), Waiting(), NOW).route is Route.LOOKUP


def test_an_identifier_without_a_digit_is_no_identifier():
    """The NLU tagged "欧阳" of "欧阳呢" an ID number: read as none, the surname is looked up (and
    nobody is "校验位不对")."""
    from bot.dialogue.message import entity_value

    assert entity_value("id_number", "欧阳") is None
    assert entity_value("phone", "王芳") is None
    assert entity_value("customer_id", "C00000001") == "C00000001"
    assert entity_value("phone", "１３９１２３４５６７８") == "１３９１２３４５６７８"
    assert decide(message("欧阳呢", "lookup_customer"), Waiting(), NOW).route is Route.LOOKUP


@pytest.mark.parametrize("text,intent,entities,expected", [
    ("我最近联系过谁", "ask_interactions", {}, Route.OWN_CONTACTS),
    ("这周拜访了哪些客户", "nlu_fallback", {}, Route.OWN_CONTACTS),
    ("上周我打了几个电话", "log_visit", {}, Route.OWN_CONTACTS),
    ("我的拜访记录", "ask_interactions", {}, Route.OWN_CONTACTS),
    ("谁联系过她", "ask_interactions", {}, Route.INTERACTIONS),  # a customer's contacts
    ("王建国最近联系过谁", "ask_interactions", {"customer_name": "王建国"}, Route.INTERACTIONS),
    ("明天要拜访哪些客户", "list_tasks", {}, Route.LIST_TASKS),  # what is still to do
    ("今天拜访了王建国,他想买理财", "log_visit", {"customer_name": "王建国"}, Route.START_VISIT),
])
def test_her_own_contacts_are_asked_without_a_customer(text, intent, entities, expected):
    assert route(text, intent, **entities).route is expected


@pytest.mark.parametrize("text,intent,entities,expected", [
    ("她的基金呢", "suggest_products", {"product": "基金"}, Route.HOLDINGS),
    ("陈美玲的基金呢", "suggest_products", {"customer_name": "陈美玲", "product": "基金"}, Route.HOLDINGS),
    ("他的定期", "lookup_customer", {"product": "定期"}, Route.HOLDINGS),
    ("给她推荐点基金", "suggest_products", {"product": "基金"}, Route.SUGGEST),
    ("她适合的基金呢", "suggest_products", {"product": "基金"}, Route.SUGGEST),
    ("她能买基金吗", "suggest_products", {"product": "基金"}, Route.SUGGEST),
])
def test_someones_product_is_what_she_holds_not_a_suggestion(text, intent, entities, expected):
    assert route(text, intent, **entities).route is expected


@pytest.mark.parametrize("text,expected", [("上个月呢", Route.OWN_CONTACTS), ("最近一个月的呢", Route.OWN_CONTACTS),
                                           ("今天呢", Route.OWN_CONTACTS), ("王建国呢", Route.LOOKUP)])
def test_a_short_follow_up_after_her_contacts_asks_for_other_days(text, expected):
    from bot.dialogue.waiting import CONTACTS

    entities = {"customer_name": "王建国"} if "王建国" in text else {}
    assert route(text, "nlu_fallback", Waiting(topic=CONTACTS), **entities).route is expected
    assert Waiting.from_dict(Waiting(topic=CONTACTS).to_dict()).topic == CONTACTS


# ---------------------------------------------------------------------------- segments (客群)

from bot.dialogue.waiting import SEGMENT, SUGGESTIONS, ShownSegment  # noqa: E402


@pytest.mark.parametrize("text, intent, entities", [
    ("下个月有定期到期的客户", "find_customers", {"product": "定期"}),
    ("下个月到期的客户", "list_tasks", {}),  # the words decide: customers by a condition, no to-do word
    ("30天内理财到期、5万以上的", "find_customers", {}),
    ("有基金的客户有哪些", "ask_holdings", {"product": "基金"}),
    ("代理网点60岁以上的客户", "lookup_customer", {}),
    ("沉睡唤醒", "find_customers", {}),
    ("帮我筛一下客户", "find_customers", {}),  # no condition yet: the reply asks for one
])
def test_customers_described_by_conditions_are_a_segment(text, intent, entities):
    assert route(text, intent, **entities).route is Route.FIND_CUSTOMERS


@pytest.mark.parametrize("text, intent, entities, expected", [
    ("今天要跟进哪些客户", "list_tasks", {}, Route.LIST_TASKS),
    ("这周要跟进的到期客户", "list_tasks", {}, Route.LIST_TASKS),
    ("她的定期什么时候到期", "ask_holdings", {}, Route.HOLDINGS),
    ("王建国的理财什么时候到期", "ask_holdings", {"customer_name": "王建国"}, Route.HOLDINGS),
    ("她能买大额存单吗", "suggest_products", {}, Route.SUGGEST),
])
def test_a_to_do_question_or_one_customer_s_question_is_no_segment(text, intent, entities, expected):
    assert route(text, intent, **entities).route is expected


def _after_a_segment() -> Waiting:
    return Waiting(topic=SEGMENT, segment=ShownSegment({"min_assets": "50000"}, ["C00000001"], NOW.isoformat()))


@pytest.mark.parametrize("text, intent, expected", [
    ("更多", "inform", Route.SEGMENT_MORE),
    ("下一页", "nlu_fallback", Route.SEGMENT_MORE),
    ("改成10万以上", "inform", Route.SEGMENT_CORRECTION),
    ("只要代理网点的", "inform", Route.SEGMENT_CORRECTION),
    ("女客户呢", "inform", Route.SEGMENT_CORRECTION),
    ("不限金额", "nlu_fallback", Route.SEGMENT_CORRECTION),
    ("只要大额存单的", "lookup_customer", Route.SEGMENT_CORRECTION),
    ("保存为名单:下月到期", "inform", Route.SAVE_SEGMENT),
    ("沉睡唤醒", "find_customers", Route.FIND_CUSTOMERS),  # a scene is a new segment, not a correction
    ("1", "inform", Route.PICK),
])
def test_right_after_a_segment_more_and_corrections_and_saving(text, intent, expected):
    waiting = _after_a_segment()
    if expected is Route.PICK:
        waiting.choice = Choice(["C00000001"], {"kind": "view", "view": "profile"})
    assert route(text, intent, waiting).route is expected


def test_more_after_suggestions_is_still_suggestions_and_lists_are_found_by_their_words():
    assert route("更多", "inform", Waiting(topic=SUGGESTIONS)).route is Route.SUGGEST
    assert route("我的名单", "list_tasks").route is Route.SAVED_SEGMENTS
    assert route("打开名单1", "inform").route is Route.SAVED_SEGMENTS
    assert route("删除名单:下月到期", "deny").route is Route.SAVED_SEGMENTS
    assert route("改成10万以上", "inform").route is not Route.SEGMENT_CORRECTION  # nothing shown to correct


def test_a_segment_waits_in_its_slot_and_a_tampered_one_is_dropped():
    waiting = _after_a_segment()
    again = Waiting.from_dict(waiting.to_dict())
    assert again.segment == waiting.segment and again.topic == SEGMENT
    assert Waiting.from_dict({"segment": {"conditions": "x"}}).segment is None
    assert Waiting().to_dict() is None
    assert waiting.segment.expired(NOW + timedelta(hours=3)) and not waiting.segment.expired(NOW)


def test_a_segment_question_beside_a_draft_keeps_the_draft():
    waiting = Waiting(draft=draft(VISIT, Step.CONFIRM))
    decision = decide(message("下个月有定期到期的客户", "find_customers", product="定期"), waiting, NOW)
    assert decision.route is Route.FIND_CUSTOMERS and decision.kept is not None


@pytest.mark.parametrize("text, intent, entities, expected", [
    ("生日关怀", "nlu_fallback", {}, Route.FIND_CUSTOMERS),  # a scene by its name, whatever the NLU said
    ("沉睡唤醒", "greet", {}, Route.FIND_CUSTOMERS),
    ("她可能会买基金吗", "suggest_products", {}, Route.SUGGEST),
    ("看一下陈美玲的基金", "find_customers", {"customer_name": "陈美玲", "product": "基金"}, Route.HOLDINGS),
    ("拜访了王建国", "goodbye", {}, Route.START_VISIT),  # the name untagged: still a contact
    ("她想买国债", "inform", {"product": "国债"}, Route.START_VISIT),  # her wish noted, no draft waiting
])
def test_words_settle_scenes_one_customer_s_questions_and_short_notes(text, intent, entities, expected):
    assert route(text, intent, **entities).route is expected


# ---------------------------------------------------------------------------- campaigns (营销活动)

from bot.dialogue.waiting import CAMPAIGN, TASKS  # noqa: E402


@pytest.mark.parametrize("text, intent, topic, expected", [
    ("做个活动,推大额存单,按客户经理分,月底前", "create_campaign", SEGMENT, Route.START_CAMPAIGN),
    ("把这批客户做成营销活动推理财", "find_customers", SEGMENT, Route.START_CAMPAIGN),
    ("第1个已联系,有意向", "inform", TASKS, Route.CAMPAIGN_OUTCOME),
    ("第2个成交10万", "update_referral", None, Route.CAMPAIGN_OUTCOME),
    ("王建国活动成交了10万", "update_referral", None, Route.CAMPAIGN_OUTCOME),
    ("王建国的转介已联系", "update_referral", None, Route.UPDATE_REFERRAL),  # a referral stays a referral
    ("活动进度", "campaign_progress", None, Route.CAMPAIGN_PROGRESS),
    ("大额存单活动进展怎么样", "referral_stats", None, Route.CAMPAIGN_PROGRESS),
    ("把马骏没联系的转给王芳", "record_referral", None, Route.REASSIGN_CAMPAIGN),
    ("完成第2条", "list_tasks", TASKS, Route.LIST_TASKS),  # a follow-up closed, as before
])
def test_campaign_messages_go_to_campaigns(text, intent, topic, expected):
    entities = {"customer_name": "王建国"} if "王建国" in text else {}
    assert route(text, intent, Waiting(topic=topic), **entities).route is expected


def test_a_campaign_draft_reads_confirmations_and_changes_and_replaces_a_visit():
    waiting = Waiting(draft=Draft(CAMPAIGN, Step.CONFIRM.value, NOW.isoformat(), state={"conditions": {}}))
    for text, intent in (("确认", "affirm"), ("截止改成12月31日", "inform"), ("都给我", "inform"), ("取消", "deny"),
                         ("平均分给王芳和马骏", "record_referral")):
        assert decide(message(text, intent), waiting, NOW).route is Route.DRAFT_STEP, text
    assert decide(message("我的待办", "list_tasks"), waiting, NOW).kept is not None
    visit = Waiting(draft=draft(VISIT, Step.CONFIRM))
    decision = decide(message("做个活动,推大额存单,月底前", "create_campaign"), visit, NOW)
    assert decision.route is Route.START_CAMPAIGN and decision.dropped is not None
    assert Waiting.from_dict(waiting.to_dict()).draft.kind == CAMPAIGN and waiting.draft.what == "营销活动草稿"


def test_more_after_a_look_at_one_of_the_segment_s_customers_pages_the_segment():
    waiting = _after_a_segment()
    waiting.topic = None  # a customer's card was shown since
    assert route("更多", "inform", waiting).route is Route.SEGMENT_MORE
    assert route("更多", "inform", waiting, now=NOW + timedelta(hours=3)).route is not Route.SEGMENT_MORE
    waiting.topic = SUGGESTIONS
    assert route("更多", "inform", waiting).route is Route.SUGGEST


def test_what_the_customer_said_at_a_visit_s_summary_is_the_visit_s_and_a_reminder_is_a_plan():
    waiting = Waiting(draft=draft(VISIT, Step.CONFIRM))
    assert decide(message("她说下周三来网点", "lookup_customer", time="下周三"), waiting, NOW).route is Route.DRAFT_STEP
    assert route("陈美玲的理财快到期了,提醒我到期前联系她", "ask_holdings", customer_name="陈美玲",
                 product="理财").route is Route.START_VISIT


def test_progress_and_reassignment_beside_a_campaign_draft_are_no_change_of_it():
    waiting = Waiting(draft=Draft(CAMPAIGN, Step.CONFIRM.value, NOW.isoformat(), state={"conditions": {}}))
    progress = decide(message("定期到期客户活动进度", "campaign_progress", product="定期"), waiting, NOW)
    assert progress.route is Route.CAMPAIGN_PROGRESS and progress.kept is not None
    moved = decide(message("把赵强没联系的转给王芳", "record_referral", staff_name="王芳"), waiting, NOW)
    assert moved.route is Route.REASSIGN_CAMPAIGN and moved.kept is not None


@pytest.mark.parametrize("text", ["有哪些客户生日在这周", "哪些客户理财快到期了", "有几个女客户"])
def test_a_new_question_about_customers_right_after_a_segment_is_a_new_segment(text):
    assert route(text, "find_customers", _after_a_segment()).route is Route.FIND_CUSTOMERS


@pytest.mark.parametrize("text, intent", [("本周网点情况", "lookup_customer"), ("本月团队业绩", "referral_stats"),
                                          ("团队这周干得怎么样", "nlu_fallback"), ("网点经营数据", "out_of_scope")])
def test_the_head_s_view_is_said_to_be_not_built_yet(text, intent):
    assert route(text, intent).route is Route.BRANCH_VIEW


def test_a_colleague_s_or_a_customer_s_figures_are_no_head_s_view():
    assert route("王芳这个月转介怎么样", "referral_stats", staff_name="王芳").route is Route.REFERRAL_STATS
    assert route("本月转介排行", "referral_stats").route is Route.REFERRAL_STATS

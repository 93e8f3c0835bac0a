"""The referral conversation in bot/, without Rasa: what it asks, when it saves, what it keeps."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from bot.customers.service import CustomerService
from bot.models import Referral
from bot.referrals.dialogue import CONFIRM, CUSTOMER, PRODUCT, ReferralConversation, ReferralDraftState
from bot.referrals.figures import asks_own_figures, colleague_asked_about, month_asked
from bot.referrals.service import ReferralService
from bot.vocabulary.products import product_word_in
from tests.bank_fixtures import as_staff


@pytest.fixture
def bank(memory_bank):
    """No SQL is under test here (the referral conversation):
    the demo bank in memory (`Database.in_memory`), one run instead of SQLite and PostgreSQL."""
    return memory_bank


@pytest.fixture
def conversation(bank):
    return ReferralConversation(CustomerService(bank), ReferralService(bank))


def count(bank) -> int:
    with bank.unit_of_work() as session:
        return session.execute(select(func.count()).select_from(Referral)).scalar_one()


def test_state_survives_the_slot_round_trip():
    state = ReferralDraftState(step=CONFIRM, customer_id="C00000001", product_word="理财", note_parts=["金额约50万"])
    assert ReferralDraftState.from_dict(state.to_dict()) == state
    assert ReferralDraftState.from_dict({"step": "nonsense"}) is None
    assert ReferralDraftState.from_dict(None) is None


def test_asks_for_each_missing_piece_then_saves_once(conversation, bank):
    turn = conversation.start(as_staff("zhangli"), {}, "新建转介", None, "rest")
    assert turn.state.step == CUSTOMER
    turn = conversation.resume(as_staff("zhangli"), turn.state, "lookup_customer", {"customer_id": ["C00000005"]}, "C00000005", "rest")
    assert turn.state.step == PRODUCT and turn.customer_id == "C00000005"
    turn = conversation.resume(as_staff("zhangli"), turn.state, "inform", {}, "黄金", "rest")  # a bare product word
    assert turn.state.step == CONFIRM and "黄金(贵金属)" in turn.reply
    assert count(bank) == 0
    state = turn.state
    saved = conversation.resume(as_staff("zhangli"), state, "affirm", {}, "确认", "rest")
    again = conversation.resume(as_staff("zhangli"), state, "affirm", {}, "确认", "rest")
    assert saved.state is None and saved.referral_no and again.referral_no == saved.referral_no
    assert count(bank) == 1


def test_only_an_answer_in_words_saves_the_referral(conversation, bank):
    turn = conversation.start(as_staff("zhangli"), {"customer_id": ["C00000005"], "product": ["理财"]}, "C00000005想买理财", None, "rest")
    assert turn.state.step == CONFIRM
    for text in ("😀😀", "???"):  # what one training read as affirm, at 0.36
        kept = conversation.resume(as_staff("zhangli"), turn.state, "affirm", {}, text, "rest")
        assert kept.state is not None and kept.reply.startswith("这条转介还没保存"), text
    assert count(bank) == 0
    for text in ("嗯嗯 没问题 提交吧", "OK"):
        assert conversation.resume(as_staff("zhangli"), turn.state, "affirm", {}, text, "rest").referral_no
    assert count(bank) == 1


def test_a_customers_bare_name_read_as_agreement_saves_nothing(conversation, bank):
    # A staff member asks about another customer while the referral waits; one training read
    # "陈美玲" as affirm. A name of no customer she may see (or none at all) is agreement as before.
    turn = conversation.start(as_staff("zhangli"), {"customer_id": ["C00000001"], "product": ["理财"]}, "C00000001想买理财", None, "rest")
    for text in ("陈美玲", "陈美玲呢"):
        kept = conversation.resume(as_staff("zhangli"), turn.state, "affirm", {}, text, "rest")
        assert kept.state is not None and kept.reply.startswith("这条转介还没保存"), text
    assert count(bank) == 0
    assert conversation.resume(as_staff("zhangli"), turn.state, "affirm", {}, "行吧就这样", "rest").referral_no
    assert count(bank) == 1


def test_amount_and_time_become_the_note(conversation):
    turn = conversation.start(
        as_staff("zhangli"),
        {"customer_id": ["C00000001"], "product": ["大额存单"], "amount": ["50万"], "time": ["下周"]},
        "C00000001有50万下周到期,想转大额存单",
        None,
        "rest",
    )
    assert "备注:金额约50万;时间:下周" in turn.reply


def test_a_colleagues_name_is_never_taken_for_the_customer(conversation):
    # 王芳 is a customer manager; the text names no customer, so the one in context is meant.
    turn = conversation.start(as_staff("zhangli"), {"staff_name": ["王芳"], "product": ["理财"]}, "转给王芳,想买理财", "C00000005", "rest")
    assert "陈美玲(C00000005)" in turn.reply and "王芳" in turn.reply


def test_a_product_word_the_nlu_did_not_tag_is_still_the_product(conversation, bank):
    # One training tagged 陈静 but not 房贷 in this message: the referral asked which product.
    turn = conversation.start(as_staff("zhangli"), {"staff_name": ["陈静"]}, "她想办房贷,转给陈静", "C00000005", "rest")
    assert turn.state.step == CONFIRM and "房贷(贷款)" in turn.reply and "陈静" in turn.reply
    assert conversation.resume(as_staff("zhangli"), turn.state, "affirm", {}, "确认", "rest").referral_no
    assert count(bank) == 1


def test_the_product_named_in_an_answer_is_the_product_word_not_the_whole_answer(conversation, bank):
    # Asked which product, she answers in a sentence the NLU tagged nothing in.
    turn = conversation.start(as_staff("zhangli"), {"customer_id": ["C00000005"]}, "C00000005转一下", None, "rest")
    assert turn.state.step == PRODUCT
    turn = conversation.resume(as_staff("zhangli"), turn.state, "inform", {}, "她想买点基金定投吧", "rest")
    assert turn.state.step == CONFIRM and turn.state.product_word == "基金定投"
    assert "意向产品:基金定投(" in turn.reply
    assert conversation.resume(as_staff("zhangli"), turn.state, "affirm", {}, "确认", "rest").referral_no
    with bank.unit_of_work() as session:
        assert session.execute(select(Referral.product_word)).scalar_one() == "基金定投"


def test_a_product_changed_at_the_confirmation_without_a_tag_is_changed(conversation, bank):
    turn = conversation.start(as_staff("zhangli"), {"customer_id": ["C00000005"], "product": ["理财"]}, "C00000005想买理财", None, "rest")
    assert turn.state.step == CONFIRM
    turn = conversation.resume(as_staff("zhangli"), turn.state, "inform", {}, "产品改成大额存单", "rest")
    assert turn.state.step == CONFIRM and "意向产品:大额存单(" in turn.reply
    # A colleague's role is not a product: the product stays.
    turn = conversation.resume(as_staff("zhangli"), turn.state, "inform", {}, "改成转给理财经理", "rest")
    assert turn.state.product_word == "大额存单"
    # A product word without a word of change is not a change: the referral still waits.
    kept = conversation.resume(as_staff("zhangli"), turn.state, "inform", {}, "她之前买过黄金", "rest")
    assert kept.state.product_word == "大额存单" and kept.reply.startswith("这条转介还没保存")
    assert count(bank) == 0


def test_a_product_change_the_nlu_took_for_a_name_changes_the_product_not_the_customer(conversation, bank):
    # "产品改成养老年金": one training tagged 养老年金 as a customer's name, and the draft lost its
    # customer ("没有找到「养老年金」对应的客户") and asked whom to refer.
    turn = conversation.start(as_staff("zhangli"), {"customer_id": ["C00000005"], "product": ["保险"]}, "C00000005想买保险", None, "rest")
    turn = conversation.resume(as_staff("zhangli"), turn.state, "inform", {"customer_name": ["养老年金"]}, "产品改成养老年金", "rest")
    assert turn.state.step == CONFIRM and turn.state.customer_id == "C00000005"
    assert turn.state.product_word == "养老年金" and "意向产品:养老年金(保险)" in turn.reply
    # A product the bank does not know, said as the product: the product, never a customer.
    turn = conversation.resume(as_staff("zhangli"), turn.state, "inform", {}, "意向产品改成火箭", "rest")
    assert turn.state.customer_id == "C00000005" and "没有找到「火箭」对应的客户" not in turn.reply
    assert count(bank) == 0


def test_a_confirmation_while_no_receiver_is_settled_is_not_a_colleagues_name(conversation, bank):
    # 李家庄代理网点 has nobody who can take a referral: the bot asks whom to send it to.
    turn = conversation.start(as_staff("majun"), {"customer_id": ["C00000004"], "product": ["理财"]}, "C00000004想买理财", None, "rest")
    assert turn.state.step == "receiver"
    kept = conversation.resume(as_staff("majun"), turn.state, "affirm", {}, "确认", "rest")
    assert kept.state.step == "receiver" and "叫确认的同事" not in kept.reply
    assert kept.reply.startswith("还没有接收人,这条转介还不能保存")
    # Her customer's name, typed while the bot waits for a colleague's, is said to be a customer's.
    kept = conversation.resume(as_staff("majun"), kept.state, "lookup_customer", {"customer_name": ["李秀英"]}, "李秀英", "rest")
    assert kept.state.step == "receiver" and kept.reply.startswith("“李秀英”是您的客户,不是同事")
    assert "没有找到叫李秀英的同事" not in kept.reply and kept.state.receiver_name is None
    assert count(bank) == 0


def test_the_product_word_in_a_message():
    assert product_word_in("她想办房贷,转给陈静") == "房贷"
    assert product_word_in("想做基金定投 转给理财经理") == "基金定投"  # the longest word
    assert product_word_in("把黄金花转给陈静", ["黄金花"]) is None  # a customer's name, not gold
    assert product_word_in("转给陈静") is None
    assert product_word_in("转给理财经理") is None  # a colleague's role, not 理财
    assert product_word_in("想买理财,转给理财经理") == "理财"


def test_unknown_product_is_asked_again(conversation):
    turn = conversation.start(as_staff("zhangli"), {"customer_id": ["C00000001"], "product": ["火箭"]}, "C00000001想买火箭", None, "rest")
    assert turn.state.step == PRODUCT and "没认出“火箭”" in turn.reply


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "😀👍", "'; DROP TABLE referrals; --", "C00000001"])
def test_a_message_without_words_opens_no_referral(conversation, bank, text):
    # Even with a customer in context (the model may read such a message as record_referral).
    turn = conversation.start(as_staff("zhangli"), {}, text, "C00000005", "rest")
    assert turn.state is None and "没看懂这条转介" in turn.reply
    with bank.unit_of_work() as session:
        assert session.execute(select(func.count()).select_from(Referral)).scalar_one() == 0


@pytest.mark.parametrize(
    "text, expected",
    [("本月转介排行", "2026-11"), ("上个月转介排名", "2026-10"), ("10月的转介", "2026-10"), ("2025年12月转介", "2025-12"), ("12月转介排行", "2025-12")],
)
def test_month_asked(text, expected):
    assert month_asked(text, date(2026, 11, 30)) == expected


def test_own_figures_or_ranking():
    assert asks_own_figures("我的转介业绩") and asks_own_figures("我这个月积分多少")
    assert not asks_own_figures("本月转介排行") and not asks_own_figures("我排第几名")
    # 我们/咱们 is the branch: "我们网点谁转介最多" is the ranking, not her own figures.
    assert not asks_own_figures("我们网点谁转介最多") and not asks_own_figures("咱们这个月转介成交多少")
    assert asks_own_figures("我们网点我的转介积分")


def test_one_colleagues_figures_are_her_line_of_the_ranking(bank):
    assert colleague_asked_about("王芳这个月转介怎么样", {"staff_name": ["王芳"]}) == "王芳"
    assert colleague_asked_about("王芳这个月转介怎么样", {"customer_name": ["王芳"]}) == "王芳"
    assert colleague_asked_about("本月转介排名", {}) is None
    assert colleague_asked_about("王芳排第几", {"staff_name": ["王芳"]}) is None  # the ranking answers that
    from bot.referrals.replies import ranking_text

    ranking = ReferralService(bank).stats(as_staff("liuwei"), "2026-11")
    own = ranking_text(ranking, "王芳")
    assert own.startswith("王芳(") and "排名第" in own and "\n" not in own
    assert "张丽" not in own
    nobody = ranking_text(ranking, "孙涛")  # of 河西支行, not 城关支行
    assert nobody.startswith("城关支行没有叫孙涛的同事") and "王芳" in nobody


def test_a_name_tagged_a_colleagues_that_is_nobodys_colleague_is_a_customers():
    from bot.referrals.people import customers_read_as_colleagues

    colleagues = {"王芳", "陈静"}
    assert customers_read_as_colleagues({"staff_name": ["杨辉勇"]}, "杨辉勇最近怎么样", colleagues) == {
        "customer_name": ["杨辉勇"]}
    # Where a colleague is named, the name stays a colleague's (and the step says nobody is called so).
    assert customers_read_as_colleagues({"staff_name": ["李四"]}, "转给李四", colleagues) == {"staff_name": ["李四"]}
    assert customers_read_as_colleagues({"staff_name": ["陈静"]}, "陈静最近怎么样", colleagues) == {"staff_name": ["陈静"]}

"""Lookup, access rules, the 360 view and its audit trail, on a real database."""
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.audit import audit_trail
from bot.customers.lookup import QueryKind, QueryProblem, parse_customer_query
from bot.customers.replies import render
from bot.customers.service import CustomerService, Outcome, PendingChoice, View
from bot.models import AuditEntry
from tests.bank_fixtures import TODAY, as_staff


@pytest.fixture
def service(bank):
    return CustomerService(bank)


def ask(service, chat_id, text, entities=None, view=View.PROFILE, context=None, pending=None, product=None):
    return service.handle(as_staff(chat_id), view, entities or {}, text, context, pending, "test", product)


def audit_rows(database):
    with database.unit_of_work() as session:
        return [(a.staff_id, a.customer_id, a.shown) for a in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()]


# ------------------------------------------------------------------ parsing the query


@pytest.mark.parametrize(
    "text,entities,kind,value",
    [
        ("查一下王建国", {"customer_name": ["王建国"]}, QueryKind.NAME, "王建国"),
        ("13912345678是谁", {}, QueryKind.PHONE, "13912345678"),
        ("客户c00000005", {}, QueryKind.CUSTOMER_ID, "C00000005"),
        ("１３９１２３４５６７８", {}, QueryKind.PHONE, "13912345678"),
        ("身份证11010519491231002x", {}, QueryKind.ID_NUMBER, "11010519491231002X"),
    ],
)
def test_queries_by_every_identifier(text, entities, kind, value):
    query = parse_customer_query(entities, text)
    assert (query.kind, query.value) == (kind, value)


def test_id_number_with_wrong_check_digit_is_not_searched():
    assert parse_customer_query({}, "查110105194912310021") is QueryProblem.BAD_ID_CHECKSUM


def test_phone_with_wrong_length_is_explained():
    assert parse_customer_query({}, "查一下1391234567") is QueryProblem.BAD_PHONE


# ------------------------------------------------------------------ lookup and access


def test_shared_name_lists_candidates_of_served_branches_only(service, bank):
    answer = ask(service, "zhangli", "查一下王建国", {"customer_name": ["王建国"]})
    assert answer.outcome is Outcome.CHOOSE
    assert [c.customer_id for c in answer.candidates] == ["C00000001", "C00000002"]
    assert {c.masked_phone for c in answer.candidates} == {"139****5678", "135****4321"}
    assert audit_rows(bank) == [
        ("S0001", "C00000001", "candidate_list"),
        ("S0001", "C00000002", "candidate_list"),
    ]


def test_staff_of_another_branch_see_only_their_own_customer(service):
    answer = ask(service, "suntao", "查一下王建国", {"customer_name": ["王建国"]})
    assert answer.outcome is Outcome.SHOWN
    assert answer.profile.customer_id == "C00000003"


def test_customer_elsewhere_looks_exactly_like_nobody(service):
    elsewhere = ask(service, "suntao", "13912345678")  # C00000001 is in B001
    nobody = ask(service, "suntao", "13000000000")
    assert elsewhere.outcome is nobody.outcome is Outcome.NOT_FOUND
    assert elsewhere.profile is None and elsewhere.candidates == []


def test_roaming_manager_sees_covered_agency_branch(service):
    assert ask(service, "majun", "15833334444").outcome is Outcome.SHOWN
    assert ask(service, "zhangli", "15833334444").outcome is Outcome.NOT_FOUND
    assert ask(service, "hexiaoyan", "15833334444").outcome is Outcome.SHOWN



# ------------------------------------------------------------------ choosing


@pytest.mark.parametrize("reply", ["2", "第二个", "尾号4321"])
def test_pick_from_list(service, reply):
    pending = PendingChoice(["C00000001", "C00000002"], View.PROFILE)
    answer = ask(service, "zhangli", reply, view=None, pending=pending)
    assert answer.outcome is Outcome.SHOWN
    assert answer.customer_id == "C00000002"


@pytest.mark.parametrize("reply,picked", [("是退休教师那个", "C00000001"), ("老师那位", "C00000001"),
                                          ("工程师那个", "C00000002"), ("有意向:基金的那个", "C00000001")])
def test_pick_by_what_is_known_of_him(service, reply, picked):
    """Her occupation or a tag: the one it fits, or the list again when it fits none or both."""
    pending = PendingChoice(["C00000001", "C00000002"], View.PROFILE)
    answer = ask(service, "zhangli", reply, view=None, pending=pending)
    assert answer.outcome is Outcome.SHOWN and answer.customer_id == picked
    for fits_both_or_none in ("男的那个", "城关支行那个", "做生意的那个"):
        assert ask(service, "zhangli", fits_both_or_none, view=None, pending=pending).outcome is Outcome.BAD_CHOICE


def test_pick_out_of_range_lists_again(service):
    pending = PendingChoice(["C00000001", "C00000002"], View.PROFILE)
    answer = ask(service, "zhangli", "5", view=None, pending=pending)
    assert answer.outcome is Outcome.BAD_CHOICE
    assert len(answer.candidates) == 2


def test_pick_answers_the_question_that_was_asked(service):
    pending = PendingChoice(["C00000001", "C00000002"], View.HOLDINGS, "活期")
    answer = ask(service, "zhangli", "第2个", view=None, pending=pending)
    assert answer.view is View.HOLDINGS
    assert answer.holdings.product_filter == "活期"
    assert [h.amount for h in answer.holdings.holdings] == [Decimal("30000")]


# ------------------------------------------------------------------ the 360 view


def test_profile_of_wang_jianguo(service):
    profile = ask(service, "zhangli", "C00000001").profile
    assert profile.name == "王建国" and profile.gender == "M"
    assert profile.age == 60
    assert profile.masked_phone == "139****5678"
    assert profile.risk_level == "C3" and not profile.risk_expired
    assert profile.tier == "白金"  # 50万 + 20万 + 5万
    assert profile.total_assets == Decimal("750000")
    assert profile.nearest_maturity.amount == Decimal("500000")
    assert profile.nearest_maturity.maturity_date == TODAY + timedelta(days=9)
    assert profile.risk_assessed_on == TODAY - timedelta(days=120)
    assert "意向:基金" in profile.tags
    assert profile.manager_name == "王芳"
    assert profile.last_interaction.channel == "电话"


def test_expired_risk_assessment_is_flagged(service):
    profile = ask(service, "zhangli", "C00000005").profile
    assert profile.risk_expired
    assert profile.tier == "白金"
    assert [t.category for t in profile.liabilities] == ["贷款"]


def test_follow_up_uses_customer_in_context(service):
    answer = ask(service, "zhangli", "他名下有哪些产品", view=View.HOLDINGS, context="C00000001")
    assert answer.outcome is Outcome.SHOWN
    assert {h.category for h in answer.holdings.holdings} == {"存款", "理财", "基金"}


def test_context_customer_of_another_branch_is_not_shown(service):
    answer = ask(service, "suntao", "他名下有哪些产品", view=View.HOLDINGS, context="C00000001")
    assert answer.outcome is Outcome.NO_CUSTOMER_GIVEN


def test_holdings_filtered_by_product_word(service):
    answer = ask(service, "zhangli", "她办没办过房贷", view=View.HOLDINGS, context="C00000005", product="房贷")
    assert [h.category for h in answer.holdings.holdings] == ["贷款"]
    answer = ask(service, "zhangli", "他有信用卡吗", view=View.HOLDINGS, context="C00000001", product="信用卡")
    assert answer.holdings.holdings == []


def test_interaction_history_newest_first(service):
    answer = ask(service, "zhangli", "最近谁联系过他", view=View.INTERACTIONS, context="C00000001")
    lines = answer.interactions.interactions
    assert [line.channel for line in lines] == ["电话", "到店"]
    assert lines[0].staff_name == "王芳"


def test_every_view_is_audited_with_what_was_shown(service, bank):
    ask(service, "zhangli", "C00000001")
    ask(service, "zhangli", "x", view=View.HOLDINGS, context="C00000001")
    ask(service, "zhangli", "x", view=View.INTERACTIONS, context="C00000001")
    with bank.unit_of_work() as session:
        trail = audit_trail(session, customer_id="C00000001")
    assert [(line.staff_id, line.shown, line.channel) for line in trail] == [
        ("S0001", "profile_360", "test"),
        ("S0001", "holdings", "test"),
        ("S0001", "interactions", "test"),
    ]


# ------------------------------------------------------------------ names the NLU missed


def test_name_the_nlu_missed_is_found_among_visible_customers(service):
    answer = ask(service, "majun", "刚进来那个李秀英大妈 查下")
    assert answer.outcome is Outcome.SHOWN and answer.customer_id == "C00000004"
    # The same words from someone who may not see her: not found, exactly as a name of nobody
    # (and never the customer in context).
    elsewhere = ask(service, "zhangli", "刚进来那个李秀英大妈 查下", context="C00000001")
    nobody = ask(service, "zhangli", "刚进来那个张翠花大妈 查下", context="C00000001")
    assert elsewhere.outcome is nobody.outcome is Outcome.NOT_FOUND
    assert render(elsewhere, TODAY).replace("李秀英", "张翠花") == render(nobody, TODAY)


def test_name_cut_short_by_the_nlu_is_completed_from_the_text(service):
    answer = ask(service, "zhangli", "陈美玲的情况", {"customer_name": ["陈美"]})
    assert answer.outcome is Outcome.SHOWN and answer.customer_id == "C00000005"


def test_name_cut_short_onto_another_customers_name_offers_both(service, bank):
    """陈美 is a customer too: a message that says 陈美玲, read by the NLU as 陈美, must not show
    陈美's file as if it were the one asked for; the two are offered to choose from."""
    from bot.models import Customer

    with bank.unit_of_work() as session:
        branch = session.get(Customer, "C00000005").branch_id
        session.add(Customer(customer_id="C00000999", name="陈美", gender="F", branch_id=branch))
    answer = ask(service, "zhangli", "陈美玲的情况", {"customer_name": ["陈美"]})
    assert answer.outcome is Outcome.CHOOSE
    assert sorted(c.name for c in answer.candidates) == ["陈美", "陈美玲"]
    # Said in full and read in full, it is 陈美玲 alone.
    answer = ask(service, "zhangli", "陈美玲的情况", {"customer_name": ["陈美玲"]})
    assert answer.outcome is Outcome.SHOWN and answer.customer_id == "C00000005"
    # And 陈美 alone is 陈美.
    answer = ask(service, "zhangli", "查一下陈美", {"customer_name": ["陈美"]})
    assert answer.outcome is Outcome.SHOWN and answer.customer_id == "C00000999"


def test_a_name_asked_for_is_never_answered_with_a_shorter_name_inside_it(service, bank):
    """李秀英 is 马骏's customer, not 张丽's; 张丽 serves a customer called 李秀. Asking for 李秀英
    must not open 李秀's file (nor, said bare, read it into the audit log)."""
    from bot.models import Customer

    with bank.unit_of_work() as session:
        branch = session.get(Customer, "C00000005").branch_id
        session.add(Customer(customer_id="C00000998", name="李秀", gender="F", branch_id=branch))
    answer = ask(service, "zhangli", "查一下李秀英", {"customer_name": ["李秀英"]})
    assert answer.outcome is Outcome.NOT_FOUND and answer.query.value == "李秀英"
    assert service.look_up_bare_name(as_staff("zhangli"), "李秀英", "test") is None
    assert not service.is_customer_name(as_staff("zhangli"), "李秀英")
    # The name read with a particle still finds the customer it names.
    answer = ask(service, "zhangli", "李秀呢", {"customer_name": ["李秀呢"]})
    assert answer.outcome is Outcome.SHOWN and answer.customer_id == "C00000998"
    assert ("S0001", "C00000998") in [row[:2] for row in audit_rows(bank)]
    assert all(row[1] != "C00000998" for row in audit_rows(bank)[:-1])


def test_longer_names_are_the_name_followed_by_han_characters_up_to_four():
    from bot.customers.lookup import longer_names

    assert longer_names("阚志", "帮我查阚志刚的理财") == ("阚志刚", "阚志刚的")
    assert longer_names("东方翠", "东方翠屏来了") == ("东方翠屏",)
    assert longer_names("王芳", "王芳 13912345678") == ()
    assert longer_names("司马相如", "司马相如的情况") == ()
    assert longer_names("李四", "找不到") == ()


def test_unknown_name_still_reports_not_found(service):
    answer = ask(service, "zhangli", "查一下司马相如", {"customer_name": ["司马相如"]})
    assert answer.outcome is Outcome.NOT_FOUND and answer.query.value == "司马相如"


# ------------------------------------------------------------------ SQL statements of the 360 view


def test_the_360_view_takes_a_fixed_number_of_statements_however_much_the_customer_holds(service, bank):
    """No N+1: the 360 summary of a customer with 12 more holdings, contacts and tags costs the
    same statements as before; a million-customer bank depends on it (bench-db times it)."""
    from datetime import datetime

    from sqlalchemy import event

    from bot.models import CustomerTag, Holding, Interaction, Product

    def statements_for_profile() -> int:
        executed = []
        listener = lambda *args: executed.append(args[2])  # noqa: E731  (statement text)
        event.listen(bank.engine, "before_cursor_execute", listener)
        try:
            answer = ask(service, "suntao", "查下C00000003", {"customer_id": ["C00000003"]})
        finally:
            event.remove(bank.engine, "before_cursor_execute", listener)
        assert answer.profile is not None and answer.profile.customer_id == "C00000003"
        return len(executed)

    before = statements_for_profile()
    with bank.unit_of_work() as session:
        codes = session.execute(select(Product.product_code).order_by(Product.product_code).limit(12)).scalars().all()
        for n, code in enumerate(codes):
            session.add(Holding(customer_id="C00000003", product_code=code, amount=Decimal(1000 + n),
                                start_date=TODAY - timedelta(days=400 + n), maturity_date=TODAY + timedelta(days=30 + n)))
            session.add(Interaction(customer_id="C00000003", staff_id="S0001", channel="电话",
                                    happened_at=datetime(2025, 1, 1 + n, 9), summary=f"回访{n}", created_at=datetime(2025, 1, 1)))
            session.add(CustomerTag(customer_id="C00000003", tag=f"测试标签{n}", source="import", created_at=datetime(2025, 1, 1)))
    after = statements_for_profile()
    assert after == before
    # Who is asking (and what they cover), the lookup, holdings with their products, tags, the
    # branch's and manager's names, the last contact and the audit row.
    assert before <= 7


# ------------------------------------------------------------------ holdings by the words staff use


# What each everyday word means among the demo bank's products (tools.demo_data.PRODUCTS): by
# category and term, or by what the product is, never by letters a name happens to contain.
TERM_DEPOSITS = {"D-DQ3M", "D-DQ1Y", "D-DQ3Y", "D-DE3Y", "D-GZ3Y", "D-HN1Y"}
EVERYDAY_WORDS = {
    "定期": TERM_DEPOSITS, "定存": TERM_DEPOSITS, "整存整取": TERM_DEPOSITS, "存单": TERM_DEPOSITS,
    "续存": TERM_DEPOSITS,
    "活期": {"D-HQ"},
    "存款": TERM_DEPOSITS | {"D-HQ"}, "储蓄": TERM_DEPOSITS | {"D-HQ"},
    "大额存单": {"D-DE3Y"}, "国债": {"D-GZ3Y"},
    "理财": {"W-XJ", "W-WX90", "W-AX180", "W-XX1Y"}, "理财产品": {"W-XJ", "W-WX90", "W-AX180", "W-XX1Y"},
    "现金管理": {"W-XJ"},
    "基金": {"F-HB", "F-ZQ", "F-PH", "F-ZS", "F-KJ", "F-DT"}, "定投": {"F-DT"}, "基金定投": {"F-DT"},
    "货币基金": {"F-HB"}, "债基": {"F-ZQ"}, "指数基金": {"F-ZS", "F-DT"},
    "保险": {"I-YL", "I-ZJ", "I-ZS", "I-YW"}, "年金": {"I-YL"}, "养老保险": {"I-YL"}, "重疾险": {"I-ZJ"},
    "寿险": {"I-ZS"}, "意外险": {"I-YW"},
    "贷款": {"L-ZF", "L-XF", "L-JY", "L-HN"}, "房贷": {"L-ZF"}, "按揭": {"L-ZF"}, "住房贷款": {"L-ZF"},
    "消费贷": {"L-XF"}, "经营贷": {"L-JY"}, "惠农贷": {"L-HN"},
    "信用卡": {"C-BZ", "C-BJ"}, "白金卡": {"C-BJ"},
    "黄金": {"G-JT", "G-JCJ"}, "贵金属": {"G-JT", "G-JCJ"}, "金条": {"G-JT"}, "积存金": {"G-JCJ"},
}


@pytest.mark.parametrize("word,codes", EVERYDAY_WORDS.items(), ids=list(EVERYDAY_WORDS))
def test_each_everyday_word_means_its_products_on_the_demo_bank(bank, word, codes):
    from bot.customers.profile import HoldingLine, matches_product_word
    from bot.models import Holding, Product

    with bank.unit_of_work() as session:
        rows = session.execute(
            select(Product.product_code, Product.name, Product.category, Holding.amount, Holding.start_date,
                   Holding.maturity_date, Product.term_days)
            .join(Product, Holding.product_code == Product.product_code)
        ).all()
    held = {row[0] for row in rows}
    assert codes <= held  # the demo bank holds every product, so each word is really tried
    matched = {code for code, *line in rows if matches_product_word(HoldingLine(*line), word)}
    assert matched == codes


def holdings_of(service, text, context, product=None, chat_id="zhangli"):
    return ask(service, chat_id, text, view=View.HOLDINGS, context=context, product=product)


def customer_holding(bank, code: str, branch: str = "B001") -> str:
    from bot.models import Customer, Holding

    with bank.unit_of_work() as session:
        return session.execute(
            select(Holding.customer_id).join(Customer, Holding.customer_id == Customer.customer_id)
            .where(Holding.product_code == code, Customer.branch_id == branch)
            .order_by(Holding.customer_id).limit(1)
        ).scalar_one()


def test_when_the_term_deposits_mature(service):
    answer = holdings_of(service, "他的定期什么时候到期", "C00000001")
    assert answer.view is View.MATURITIES and answer.holdings.about_maturity
    assert answer.holdings.product_filter == "定期"  # found in the text: the NLU tagged nothing
    assert [(h.product_name, h.maturity_date) for h in answer.holdings.holdings] == [
        ("邮享定期1年", TODAY + timedelta(days=9))
    ]


def test_a_term_deposit_is_found_whatever_its_name(service, bank):
    """大额存单3年 has no 定期 in its name: it is a term deposit all the same; 活期 is not one."""
    customer = customer_holding(bank, "D-DE3Y")
    definite = holdings_of(service, "他的定期哪天到期", customer).holdings.holdings
    assert "大额存单3年" in {h.product_name for h in definite}
    assert all(h.category == "存款" and h.maturity_date for h in definite)
    large = holdings_of(service, "大额存单哪天到期", customer).holdings.holdings
    assert large and {h.product_name for h in large} == {"大额存单3年"}
    deposits = holdings_of(service, "存款什么时候到期", customer).holdings.holdings
    assert {h.category for h in deposits} == {"存款"} and len(deposits) >= len(definite)


def test_wealth_products_by_maturity(service):
    answer = holdings_of(service, "他的理财到期没", "C00000001")
    assert answer.view is View.MATURITIES
    assert [(h.product_name, h.maturity_date) for h in answer.holdings.holdings] == [
        ("稳享理财90天", TODAY + timedelta(days=35))
    ]


def test_what_matures_with_no_kind_named_is_the_customers_own_money_that_matures(service):
    """陈美玲 holds 理财 (matures), funds (never) and a mortgage (matures, but it is the bank's money)."""
    answer = holdings_of(service, "她有什么到期的", "C00000005")
    assert [h.product_name for h in answer.holdings.holdings] == ["鑫享理财1年"]


def test_the_tagged_word_wins_and_a_name_is_not_a_product(service, bank):
    answer = holdings_of(service, "他的存款什么时候到期", "C00000001", product="大额存单")
    assert answer.holdings.product_filter == "大额存单" and answer.holdings.holdings == []
    from bot.models import Customer

    with bank.unit_of_work() as session:
        session.add(Customer(customer_id="C00000997", name="黄金花", gender="F", branch_id="B001"))
    answer = holdings_of(service, "黄金花名下有什么", None)
    assert answer.customer_id == "C00000997" and answer.holdings.product_filter is None


def test_a_product_by_its_own_name(service):
    answer = holdings_of(service, "x", "C00000001", product="稳享理财")
    assert [h.product_name for h in answer.holdings.holdings] == ["稳享理财90天"]
    # A product the bank sells that he does not hold: nothing, not his other 理财.
    assert holdings_of(service, "x", "C00000001", product="鑫享理财").holdings.holdings == []


def test_the_pick_answers_the_maturity_question_with_its_product_word(service):
    answer = holdings_of(service, "王建国的定期什么时候到期", None)
    assert answer.outcome is Outcome.CHOOSE and answer.view is View.MATURITIES and answer.product_word == "定期"
    pending = PendingChoice([c.customer_id for c in answer.candidates], answer.view, answer.product_word)
    picked = ask(service, "zhangli", "1", view=None, pending=pending)
    assert picked.view is View.MATURITIES
    assert [h.product_name for h in picked.holdings.holdings] == ["邮享定期1年"]


def test_a_lookup_verb_the_nlu_took_into_the_name_is_not_part_of_it(service, bank):
    """One training tagged "查王建国" whole as customer_name: "没有找到「查王建国」" before."""
    query = parse_customer_query({"customer_name": ["查王建国"]}, "查王建国")
    assert query.value == "查王建国" and "王建国" in query.longer_names
    assert parse_customer_query({"customer_name": ["查看"]}, "查看").longer_names == ()  # no name after it
    answer = ask(service, "zhangli", "查王建国", {"customer_name": ["查王建国"]})
    assert answer.outcome is Outcome.CHOOSE and {c.customer_id for c in answer.candidates} == {"C00000001", "C00000002"}


def test_she_with_a_man_in_context_is_asked_about_and_nothing_of_him_is_shown(service, bank):
    """"她" after switching to 王建国 (a man): who is meant is asked; "他" fits anybody."""
    before = audit_rows(bank)
    for text, view in (("她的理财什么时候到期", View.MATURITIES), ("她手机号多少", View.PROFILE),
                       ("给她推荐点理财", View.PICK)):
        answer = ask(service, "zhangli", text, view=view, context="C00000001")
        assert answer.outcome is Outcome.PRONOUN_UNCLEAR and answer.customer_id is None, text
        reply = render(answer, TODAY)
        assert "王建国(男客户)" in reply and "“她”是指哪位客户" in reply and "C00000001" not in reply
    assert audit_rows(bank) == before
    assert ask(service, "zhangli", "他的理财什么时候到期", view=View.MATURITIES, context="C00000001").outcome is Outcome.SHOWN
    assert ask(service, "zhangli", "她的理财什么时候到期", view=View.MATURITIES, context="C00000005").outcome is Outcome.SHOWN

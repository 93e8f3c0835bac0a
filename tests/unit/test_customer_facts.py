"""One thing asked about a customer gets one line: which fact a message asks, how it is said,
and that reading it is a view of the customer like the card (audited, only for those who may)."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.customers.facts import Fact, asks_about_maturity, fact_asked
from bot.customers.profile import CategoryTotal, CustomerProfile, InteractionLine
from bot.customers.replies import render, render_fact
from bot.customers.service import CustomerService, Outcome, PendingChoice, View
from bot.models import AuditEntry
from tests.bank_fixtures import TODAY, as_staff

# ------------------------------------------------------------------ which fact a message asks


@pytest.fixture
def bank(memory_bank):
    """No SQL is under test here (the facts a question asks and how they read):
    the demo bank in memory (`Database.in_memory`), one run instead of SQLite and PostgreSQL."""
    return memory_bank


@pytest.mark.parametrize(
    "text,fact",
    [
        ("他总资产多少", Fact.TOTAL_ASSETS),
        ("王建国总资产多少", Fact.TOTAL_ASSETS),
        ("她资产有多少", Fact.TOTAL_ASSETS),
        ("这个客户有多少钱", Fact.TOTAL_ASSETS),
        ("他手机号多少", Fact.PHONE),
        ("她电话是多少", Fact.PHONE),
        ("王建国的联系方式", Fact.PHONE),
        ("客户号C00000001的手机号", Fact.PHONE),
        ("她风险等级", Fact.RISK_LEVEL),
        ("他是C几", Fact.RISK_LEVEL),
        ("陈美玲测评过期了没", Fact.RISK_LEVEL),
        ("C00000005的风险评级", Fact.RISK_LEVEL),
        ("谁是他的客户经理", Fact.MANAGER),
        ("他归谁管", Fact.MANAGER),
        ("她的管户经理是哪个", Fact.MANAGER),
        ("他多大了", Fact.AGE),
        ("王建国今年几岁", Fact.AGE),
        ("她生日哪天", Fact.BIRTHDAY),
        ("他几月几号生的", Fact.BIRTHDAY),
        ("他是哪个网点的", Fact.BRANCH),
        ("她在哪开的户", Fact.BRANCH),
        ("他客户号多少", Fact.CUSTOMER_ID),
        ("她有什么标签", Fact.TAGS),
        ("最近谁联系过他", Fact.LAST_CONTACT),
        ("上次谁给她打的电话", Fact.LAST_CONTACT),
        ("他最近一次联系是什么时候", Fact.LAST_CONTACT),
        ("多久没联系贾琳了", Fact.LAST_CONTACT),
        ("她风评是什么等级", Fact.RISK_LEVEL),  # 等级 of the risk, not the tier
        ("她是什么等级", Fact.TIER),
        ("言洁是vip吗", Fact.TIER),
        ("他是什么客户", Fact.TIER),
        ("她是不是白金客户", Fact.TIER),
        ("他做什么的", Fact.OCCUPATION),
        ("她的职业", Fact.OCCUPATION),
        ("ta 手机号 多少?", Fact.PHONE),
        ("她电话多少", Fact.PHONE),
    ],
)
def test_a_question_about_one_thing_asks_that_fact(text, fact):
    assert fact_asked(text) is fact


@pytest.mark.parametrize(
    "text",
    [
        "查一下王建国",  # the card
        "王建国",
        "陈美玲的情况",
        "他名下有哪些产品",  # holdings
        "她的定期什么时候到期",
        "他存款有多少",  # how much in deposits: a holdings question, not the total
        "他理财有多少钱",
        "她的拜访记录",  # a list of contacts, not the last one
        "最近的联系记录",
        "谁联系过齐晓丽",  # who has, not who last did
        "俞丽娟联系过几次了",
        "他手机号和风险等级",  # two facts: the card shows both
        "把王建国转介给客户经理,想了解基金定投",  # requests of other kinds
        "给他加个标签:有房贷需求",
        "他能买大额存单吗",
        "给他推荐点产品",
        "今天给王建国打了电话,聊了基金",
        "王建国今天来网点把50万定期转存了",
        "他的客户经理换成王芳",
        "卜梓若添加标签医生",
        "清掉丛玉的流失风险",
        "第三个让客户经理去聊",
        "跟柯德成通了电话 对国债感兴趣",
        "今天该给谁打电话",  # the to-do list
        "这周过生日的客户",
        "建议查客户的时候把生日也显示出来",
        "尾号5678的那个",  # a choice from a list
        "13912345678是谁",  # an identifier names the customer, it is not asked for
        "手机号13912345678的客户",
        "他开通手机银行了吗",
        "他是哪个行业的",
        "",
    ],
)
def test_a_message_that_is_not_one_fact_is_none(text):
    assert fact_asked(text) is None


@pytest.mark.parametrize("text,fact", [
    ("他身份证号多少", Fact.ID_NUMBER), ("身份证号呢", Fact.ID_NUMBER), ("陈美玲的身份证号是多少", Fact.ID_NUMBER),
    ("身份证号110101196605124514", None), ("用身份证号查一下", None),  # a lookup, or how to look up
])
def test_the_id_number_is_asked_and_answered_with_why_it_is_not_shown(service, text, fact):
    assert fact_asked(text) is fact
    if fact is not None:
        answer = service.ask(as_staff("zhangli"), View.PROFILE, {}, text, "C00000001", "test",
                             fact=fact)
        reply = render(answer, TODAY)
        name = "陈美玲" if "陈美玲" in text else "王建国"
        assert reply.startswith(f"{name}的身份证号不在聊天里显示") and not any(ch.isdigit() for ch in reply)


@pytest.mark.parametrize(
    "text,about",
    [("她的定期什么时候到期", True), ("存款什么时候到期", True), ("大额存单哪天到期", True), ("他的理财到期没", True),
     ("稳享理财几号到", True), ("他名下有哪些产品", False), ("她办没办过房贷", False), ("他什么时候到网点", False)],
)
def test_a_holdings_question_about_dates(text, about):
    assert asks_about_maturity(text) is about


# ------------------------------------------------------------------ the line


def profile(**changes) -> CustomerProfile:
    values = dict(
        customer_id="C00000001", name="王建国", gender="M", age=60, masked_phone="139****5678",
        branch_name="城关支行", occupation="退休教师", tier="白金", total_assets=Decimal("750000"),
        risk_level="C3", risk_assessed_on=date(2026, 8, 2), risk_expired=False, tags=["退休教师", "意向:基金"],
        by_category=[CategoryTotal("存款", Decimal("500000"), 1), CategoryTotal("理财", Decimal("200000"), 1),
                     CategoryTotal("基金", Decimal("50000"), 1)],
        liabilities=[], nearest_maturity=None, manager_name="王芳",
        last_interaction=InteractionLine(datetime(2026, 11, 20, 15, 20), "王芳", "电话", "聊了基金定投,有兴趣"),
        birth_date=date(1966, 5, 12),
    )
    values.update(changes)
    return CustomerProfile(**values)


def line(fact, today=TODAY, **changes) -> str:
    return render_fact(profile(**changes), fact, today)


def test_total_assets_with_what_they_are():
    assert line(Fact.TOTAL_ASSETS) == "王建国总资产75万(存款50万、理财20万、基金5万)。"
    with_loan = line(Fact.TOTAL_ASSETS, liabilities=[CategoryTotal("贷款", Decimal("800000"), 1)])
    assert with_loan == "王建国总资产75万(存款50万、理财20万、基金5万);负债/授信:贷款80万。"
    assert line(Fact.TOTAL_ASSETS, by_category=[], total_assets=Decimal(0)) == "王建国名下没有存款、理财等资产(总资产0元)。"


def test_the_phone_is_masked_or_said_missing():
    assert line(Fact.PHONE) == "王建国的手机:139****5678"
    assert line(Fact.PHONE, masked_phone="未登记") == "王建国没有登记手机号。"


def test_risk_level_says_whether_the_assessment_holds():
    assert line(Fact.RISK_LEVEL) == "王建国风险等级C3(评估于2026-08-02,有效)"
    expired = line(Fact.RISK_LEVEL, name="陈美玲", risk_level="C4", risk_assessed_on=date(2025, 10, 26), risk_expired=True)
    assert expired == "陈美玲风险等级C4(评估于2025-10-26,已过期,需重新测评)"
    assert line(Fact.RISK_LEVEL, risk_level=None, risk_assessed_on=None, risk_expired=True).startswith("王建国还没做风险测评")


def test_manager_age_branch_number_tags_tier_occupation():
    assert line(Fact.MANAGER) == "王建国的客户经理是王芳。"
    assert line(Fact.MANAGER, manager_name=None) == "王建国还没有分配客户经理。"
    assert line(Fact.AGE) == "王建国今年60岁。"
    assert line(Fact.AGE, age=None) == "王建国的年龄没有登记。"
    assert line(Fact.BRANCH) == "王建国是城关支行的客户。"
    assert line(Fact.CUSTOMER_ID) == "王建国的客户号:C00000001"
    assert line(Fact.TAGS) == "王建国的标签:退休教师、意向:基金"
    assert line(Fact.TAGS, tags=[]) == "王建国还没有标签。"
    assert line(Fact.TIER) == "王建国是白金客户(总资产75万)。"
    assert line(Fact.OCCUPATION) == "王建国的职业:退休教师"
    assert line(Fact.OCCUPATION, occupation="") == "王建国的职业没有登记。"


def test_last_contact_is_the_latest_one():
    assert line(Fact.LAST_CONTACT) == "王建国最近一次联系:2026-11-20 王芳 电话:聊了基金定投,有兴趣"
    assert line(Fact.LAST_CONTACT, last_interaction=None) == "王建国还没有联系记录。"


def test_birthday_counts_the_days_when_it_is_near():
    assert line(Fact.BIRTHDAY) == "王建国的生日是5月12日。"
    assert line(Fact.BIRTHDAY, birth_date=date(1966, 12, 9)) == "王建国的生日是12月9日(还有9天)。"
    assert line(Fact.BIRTHDAY, birth_date=date(1966, 11, 30)) == "王建国的生日是11月30日(就是今天)。"
    # Past this year: next year's, too far to count.
    assert line(Fact.BIRTHDAY, birth_date=date(1966, 11, 29)) == "王建国的生日是11月29日。"
    assert line(Fact.BIRTHDAY, birth_date=date(1964, 2, 29), today=date(2027, 2, 20)) == "王建国的生日是2月29日(还有8天)。"
    assert line(Fact.BIRTHDAY, birth_date=None) == "王建国的生日没有登记。"


def test_every_line_starts_with_whose_it_is():
    for fact in Fact:
        assert line(fact).startswith("王建国"), fact
        assert line(fact, name="陈美玲").startswith("陈美玲"), fact


# ------------------------------------------------------------------ asking the service


@pytest.fixture
def service(bank):
    return CustomerService(bank)


def ask_fact(service, text, chat_id="zhangli", context=None, entities=None, view=View.PROFILE, pending=None):
    return service.handle(as_staff(chat_id), view, entities or {}, text, context, pending, "test", None, fact_asked(text))


def audit_rows(database):
    with database.unit_of_work() as session:
        rows = session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
        return [(a.staff_id, a.customer_id, a.shown) for a in rows]


def test_a_fact_about_the_customer_in_context_is_one_line(service):
    answer = ask_fact(service, "他手机号多少", context="C00000001")
    assert answer.outcome is Outcome.SHOWN and answer.view is View.FACT and answer.fact is Fact.PHONE
    assert render(answer, TODAY) == "王建国的手机:139****5678"
    assert render(ask_fact(service, "他总资产多少", context="C00000001"), TODAY) == "王建国总资产75万(存款50万、理财20万、基金5万)。"
    assert render(ask_fact(service, "谁是他的客户经理", context="C00000001"), TODAY) == "王建国的客户经理是王芳。"
    expired = render(ask_fact(service, "她风险等级", context="C00000005"), TODAY)
    assert expired == f"陈美玲风险等级C4(评估于{TODAY - timedelta(days=400)},已过期,需重新测评)"


def test_a_fact_whatever_view_the_intent_gave(service):
    """The NLU may take 他总资产多少 for a holdings question: the fact asked is still the answer."""
    answer = ask_fact(service, "他总资产多少", context="C00000001", view=View.HOLDINGS)
    assert answer.view is View.FACT and render(answer, TODAY).startswith("王建国总资产75万")


def test_reading_a_fact_is_audited_like_the_card(service, bank):
    ask_fact(service, "他手机号多少", context="C00000001")
    ask_fact(service, "查一下C00000005", entities={"customer_id": ["C00000005"]})
    assert audit_rows(bank) == [("S0001", "C00000001", "profile_360"), ("S0001", "C00000005", "profile_360")]


def test_a_fact_of_a_customer_nobody_may_see_here_is_not_found(service, bank):
    answer = ask_fact(service, "13912345678手机号多少", chat_id="suntao")  # C00000001 is in B001
    assert answer.outcome is Outcome.NOT_FOUND and answer.profile is None
    answer = ask_fact(service, "他手机号多少", chat_id="suntao", context="C00000001")
    assert answer.outcome is Outcome.NO_CUSTOMER_GIVEN and answer.profile is None
    assert audit_rows(bank) == []


def test_namesakes_are_listed_and_the_pick_answers_the_fact(service):
    answer = ask_fact(service, "王建国手机号多少", entities={"customer_name": ["王建国"]})
    assert answer.outcome is Outcome.CHOOSE and answer.view is View.FACT and answer.fact is Fact.PHONE
    pending = PendingChoice([c.customer_id for c in answer.candidates], answer.view, answer.product_word, answer.fact)
    picked = service.handle(as_staff("zhangli"), None, {}, "2", None, pending, "test")
    assert render(picked, TODAY) == "王建国的手机:135****4321"


def test_a_fact_when_only_the_customer_is_wanted_is_not_read(service, bank):
    """A referral or a tag names a customer (View.PICK): nothing of theirs is shown or audited."""
    answer = service.ask(as_staff("zhangli"), View.PICK, {}, "他手机号多少", "C00000001", "test", fact=Fact.PHONE)
    assert answer.outcome is Outcome.SHOWN and answer.profile is None and answer.fact is None
    assert audit_rows(bank) == []


def test_without_a_fact_the_card_is_shown(service):
    answer = ask_fact(service, "查一下C00000001", entities={"customer_id": ["C00000001"]})
    assert answer.view is View.PROFILE and answer.fact is None
    assert render(answer, TODAY).startswith("【王建国】")

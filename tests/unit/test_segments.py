"""Segments (客群): the words read into conditions, each scene, the SQL's answers checked customer
by customer against the database, scope, ranking, paging, audit and the saved lists."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bot.clock import clock, to_storage
from bot.customers.tiers import LIABILITY_CATEGORIES
from bot.models import AuditEntry, Branch, Customer, CustomerTag, Holding, Interaction, Product, SavedSegment
from bot.segments.conditions import Ranking, Scene, Segment
from bot.segments.reading import read_segment
from bot.segments.replies import describe, render_page, render_saved, render_saved_lists
from bot.segments.results import SaveOutcome, SegmentOutcome
from bot.segments.saved import save_name_asked, saved_list_asked
from bot.segments.service import PAGE_SIZE, SegmentService
from bot.settings import Settings
from tests.bank_fixtures import TODAY, as_staff

MONDAY = date(2026, 11, 30)


def read(text: str) -> Segment:
    return read_segment(text, MONDAY).segment


# ---------------------------------------------------------------------------- the words


def test_a_maturity_is_within_the_days_named_with_its_product():
    segment = read("下个月有定期到期的客户")
    assert (segment.maturing_from, segment.maturing_to) == (date(2026, 12, 1), date(2026, 12, 31))
    assert segment.maturing_word == "定期"
    assert describe(segment) == "定期·到期12月1日至12月31日"


def test_an_amount_with_a_maturity_is_the_maturing_amount_and_otherwise_the_assets():
    maturing = read("30天内理财到期、5万以上的")
    assert maturing.maturing_word == "理财" and maturing.min_maturing_amount == Decimal("50000")
    assert maturing.min_assets is None
    assert maturing.maturing_from == MONDAY and maturing.maturing_to >= MONDAY + timedelta(days=29)
    dormant = read("三个月没联系过、资产10万以上的")
    assert dormant.no_contact_days == 90 and dormant.min_assets == Decimal("100000")
    assert read("下个月到期的客户 资产50万以上").min_assets == Decimal("500000")


@pytest.mark.parametrize("text, expected", [
    ("风险测评过期的", {"assessment_within_days": 0}),
    ("测评快到期的客户", {"assessment_within_days": 30}),
    ("买过理财但没买过基金的C3以上客户", {"holds": ("理财",), "lacks": ("基金",), "min_risk": "C3"}),
    ("这周过生日的", {"birthday_from": date(2026, 11, 30), "birthday_to": date(2026, 12, 6)}),
    ("代理网点60岁以上的客户", {"branch_kind": "agency", "min_age": 60}),
    ("有意向:基金标签的", {"tag": "意向:基金"}),
    ("打了有房贷需求标签的客户", {"tag": "有房贷需求"}),
    ("我名下的客户里资产50万以上的", {"mine": True, "min_assets": Decimal("500000")}),
    ("半年没联系的老客户", {"no_contact_days": 182}),
    ("女客户里资产100万以上的", {"gender": "F", "min_assets": Decimal("1000000")}),
    ("没有信用卡的40岁以下客户", {"lacks": ("信用卡",), "max_age": 40}),
    ("C4的客户", {"min_risk": "C4", "max_risk": "C4"}),
    ("90后的客户", {"born_from": date(1990, 1, 1), "born_to": date(1999, 12, 31)}),
    ("最近半年没来过的客户有几个", {"no_contact_days": 182}),
    ("30天内到期５w以上", {"min_maturing_amount": Decimal("50000")}),
])
def test_each_condition_is_read(text, expected):
    segment = read(text)
    for name, value in expected.items():
        assert getattr(segment, name) == value, (text, name)
    untouched = {"holds", "lacks", "tag", "branch_kind", "min_age", "max_age", "gender", "mine"} - set(expected)
    for name in untouched:
        assert getattr(segment, name) == Segment.__dataclass_fields__[name].default or getattr(segment, name) == ()


def test_a_tag_s_words_are_no_holding_and_an_age_is_no_amount():
    assert read("打了有房贷需求标签的客户").holds == ()
    assert read("60岁以上的客户").min_assets is None
    assert read("三个月没联系").min_assets is None


@pytest.mark.parametrize("text", ["今天要跟进哪些客户", "我的待办", "你好", "王建国", "帮我筛一下客户"])
def test_words_without_a_condition_are_no_segment(text):
    assert read(text).is_empty


@pytest.mark.parametrize("scene, fields", [
    ("到期承接", {"maturing_from": MONDAY, "maturing_to": MONDAY + timedelta(days=29)}),
    ("沉睡唤醒", {"no_contact_days": 90, "min_assets": Decimal("50000")}),
    ("测评到期", {"assessment_within_days": 30}),
    ("生日关怀", {"birthday_from": MONDAY, "birthday_to": MONDAY + timedelta(days=6)}),
    ("基金潜力客户", {"likely_category": "基金"}),
])
def test_each_scene_is_one_phrase(scene, fields):
    segment = read(scene)
    assert segment.scene is not None
    for name, value in fields.items():
        assert getattr(segment, name) == value


def test_a_correction_replaces_what_it_says_and_keeps_the_rest():
    shown = read("30天内理财到期、5万以上的")
    more = shown.corrected(read_segment("改成10万以上", MONDAY, correcting=shown).segment)
    assert more.min_maturing_amount == Decimal("100000") and more.maturing_word == "理财"
    assert more.min_assets is None  # a maturing amount stays one
    agency = shown.corrected(read_segment("只要代理网点的", MONDAY, correcting=shown).segment)
    assert agency.branch_kind == "agency" and agency.min_maturing_amount == Decimal("50000")
    words = read_segment("不限金额", MONDAY)
    assert shown.corrected(words.segment, words.cleared).min_maturing_amount is None
    deposits = shown.corrected(read_segment("只要大额存单的", MONDAY, correcting=shown).segment)
    assert deposits.maturing_word == "大额存单" and deposits.maturing_from == shown.maturing_from
    held = read("沉睡唤醒").corrected(read_segment("换成有理财的", MONDAY, correcting=read("沉睡唤醒")).segment)
    assert held.holds == ("理财",) and held.no_contact_days == 90
    dormant = read("沉睡唤醒").corrected(read("改成10万以上"))
    assert dormant.min_assets == Decimal("100000") and dormant.no_contact_days == 90


def test_a_segment_survives_its_slot_and_a_tampered_one_is_none():
    segment = read("买过理财但没买过基金的C3以上客户").corrected(read("这周过生日的"))
    assert Segment.from_dict(segment.as_dict()) == segment
    assert Segment.from_dict(read("风险测评过期的").as_dict()).assessment_within_days == 0
    assert Segment.from_dict({"min_risk": "C9"}) is None
    assert Segment.from_dict({"min_assets": "lots"}) is None
    assert Segment.from_dict({"holds": "理财"}) is None
    assert Segment.from_dict("x") is None


def test_the_ranking_is_what_matters_for_the_scene():
    assert read("到期承接").ranking is Ranking.MATURITY
    assert read("生日关怀").ranking is Ranking.BIRTHDAY
    assert read("测评到期").ranking is Ranking.ASSESSMENT
    assert read("沉睡唤醒").ranking is Ranking.ASSETS


def test_the_name_of_a_list_and_what_is_asked_of_the_lists():
    assert save_name_asked("保存为名单:下月到期") == "下月到期"
    assert save_name_asked("存成名单 沉睡客户") == "沉睡客户"
    assert save_name_asked("保存为名单") == ""
    assert save_name_asked("下个月到期的客户") is None
    assert saved_list_asked("我的名单") == ("list", None)
    assert saved_list_asked("打开名单1") == ("open", "1")
    assert saved_list_asked("打开名单:下月到期") == ("open", "下月到期")
    assert saved_list_asked("删除名单:下月到期") == ("delete", "下月到期")


# ---------------------------------------------------------------------------- the database


@pytest.fixture
def segments(bank):
    return SegmentService(bank, Settings())


def _customer(session, customer_id):
    return session.get(Customer, customer_id)


def _assets(session, customer_id) -> Decimal:
    total = session.execute(
        select(func.coalesce(func.sum(Holding.amount), 0)).join(Product)
        .where(Holding.customer_id == customer_id, Product.category.not_in(sorted(LIABILITY_CATEGORIES)))
    ).scalar_one()
    return Decimal(total)


def _all_pages(service, staff, segment):
    lines, offset = [], 0
    while True:
        page = service.find(staff, segment, "test", offset)
        if page.outcome is not SegmentOutcome.FOUND:
            return lines, page
        lines.extend(page.lines)
        offset = page.shown_until


@pytest.mark.parametrize("chat_id", ["liuwei", "majun"])
@pytest.mark.parametrize("scene", ["到期承接", "沉睡唤醒", "测评到期", "生日关怀"])
def test_each_named_scene_finds_customers_in_the_demo_bank(segments, chat_id, scene):
    page = segments.find(as_staff(chat_id), read(scene), "test")
    assert page.outcome is SegmentOutcome.FOUND and page.total > 0, (chat_id, scene)


def test_every_customer_listed_meets_every_condition_and_is_in_her_branches(segments, bank):
    staff = as_staff("majun")
    segment = read("30天内理财到期、1万以上的")
    lines, _ = _all_pages(segments, staff, segment)
    assert lines
    with bank.unit_of_work() as session:
        for line in lines:
            customer = _customer(session, line.customer_id)
            assert customer.branch_id in staff.served_branch_ids
            holdings = session.execute(
                select(Holding.amount, Holding.maturity_date, Product.category).join(Product)
                .where(Holding.customer_id == line.customer_id)).all()
            assert any(category == "理财" and maturing is not None and TODAY <= maturing <= segment.maturing_to
                       and amount >= 10000 for amount, maturing, category in holdings), line.name
            assert line.maturing_amount >= 10000 and line.maturing_on >= TODAY
        # and nobody who meets them was left out
        everyone = {
            c for (c,) in session.execute(
                select(Holding.customer_id).join(Product).join(Customer, Customer.customer_id == Holding.customer_id)
                .where(Product.category == "理财", Holding.maturity_date >= TODAY,
                       Holding.maturity_date <= segment.maturing_to, Holding.amount >= 10000,
                       Customer.branch_id.in_(sorted(staff.served_branch_ids))))
        }
    assert {line.customer_id for line in lines} == everyone
    days = [line.maturing_on for line in lines]
    assert days == sorted(days)  # the nearest maturity first


def test_dormant_and_assets_are_checked_against_the_contacts_and_holdings(segments, bank):
    staff = as_staff("liuwei")
    segment = read("三个月没联系过、资产5万以上的")
    lines, _ = _all_pages(segments, staff, segment)
    assert lines
    since = to_storage(clock.now()) - timedelta(days=91)
    with bank.unit_of_work() as session:
        for line in lines:
            assert _assets(session, line.customer_id) >= 50000
            assert line.assets == _assets(session, line.customer_id)
            recent = session.execute(select(func.max(Interaction.happened_at))
                                     .where(Interaction.customer_id == line.customer_id)).scalar_one()
            assert recent is None or recent < since
    assets = [line.assets for line in lines]
    assert assets == sorted(assets, reverse=True)


def test_age_branch_kind_risk_tag_and_holdings_conditions(segments, bank):
    staff = as_staff("majun")
    checks = {
        "代理网点60岁以上的客户": lambda s, c: s.get(Branch, c.branch_id).kind == "agency"
        and c.birth_date <= date(1966, 11, 30),
        "买过理财但没买过基金的C3以上客户": lambda s, c: c.risk_level >= "C3" and _holds(s, c, "理财") and not _holds(s, c, "基金"),
        "有意向:基金标签的": lambda s, c: any("意向:基金" in t for t in s.execute(
            select(CustomerTag.tag).where(CustomerTag.customer_id == c.customer_id)).scalars()),
        "风险测评过期的": lambda s, c: c.risk_assessed_on is None or (TODAY - c.risk_assessed_on).days > 365,
        "女客户里资产20万以上的": lambda s, c: c.gender == "F" and _assets(s, c.customer_id) >= 200000,
        "90后的客户": lambda s, c: 1990 <= c.birth_date.year <= 1999,
    }
    for text, holds in checks.items():
        lines, _ = _all_pages(segments, staff, read(text))
        assert lines, text
        with bank.unit_of_work() as session:
            for line in lines:
                assert holds(session, _customer(session, line.customer_id)), (text, line.name)


def _holds(session, customer, category) -> bool:
    return session.execute(select(func.count()).select_from(Holding).join(Product).where(
        Holding.customer_id == customer.customer_id, Product.category == category)).scalar_one() > 0


def test_her_own_customers_only_with_mine(segments, bank):
    staff = as_staff("wangfang")
    lines, _ = _all_pages(segments, staff, read("我名下的客户里资产5万以上的"))
    assert lines
    with bank.unit_of_work() as session:
        assert all(_customer(session, line.customer_id).manager_id == staff.staff_id for line in lines)


def test_the_scope_is_her_branches(segments):
    teller = segments.find(as_staff("zhangli"), read("代理网点60岁以上的客户"), "test")
    assert teller.outcome is SegmentOutcome.EMPTY  # B001 serves no agency branch
    assert "没有符合条件的客户" in render_page(teller) and "放宽" in render_page(teller)
    agency = segments.find(as_staff("hexiaoyan"), read("代理网点60岁以上的客户"), "test")
    assert agency.outcome is SegmentOutcome.FOUND and not agency.several_branches


def test_pages_of_ten_never_overlap_and_each_customer_shown_is_audited(segments, bank):
    staff = as_staff("liuwei")
    segment = read("到期承接")
    with bank.unit_of_work() as session:
        before = session.execute(select(func.count()).select_from(AuditEntry).where(AuditEntry.shown == "segment")).scalar_one()
    first = segments.find(staff, segment, "test")
    assert len(first.lines) == min(PAGE_SIZE, first.total) and [line.number for line in first.lines][0] == 1
    second = segments.find(staff, segment, "test", first.shown_until)
    assert not {line.customer_id for line in first.lines} & {line.customer_id for line in second.lines}
    assert second.lines[0].number == PAGE_SIZE + 1
    with bank.unit_of_work() as session:
        audited = list(session.execute(select(AuditEntry.customer_id).where(
            AuditEntry.shown == "segment", AuditEntry.staff_id == staff.staff_id).order_by(AuditEntry.id)).scalars())
    assert len(audited) - before == len(first.lines) + len(second.lines)
    assert audited[-len(second.lines):] == [line.customer_id for line in second.lines]
    text = render_page(first)
    assert "条件:到期承接" in text and "更多" in text
    assert "****" in text and re.search(r"\d{11}", text) is None  # phones masked


def test_the_end_of_a_segment_and_what_cannot_be_listed_yet(segments):
    staff = as_staff("liuwei")
    segment = read("生日关怀")
    page = segments.find(staff, segment, "test")
    assert segments.find(staff, segment, "test", page.total).outcome is SegmentOutcome.NOTHING_MORE
    assert segments.find(staff, read("基金潜力客户"), "test").outcome is SegmentOutcome.NOT_BUILT
    assert segments.find(staff, Segment(), "test").outcome is SegmentOutcome.NO_CONDITION
    assert segments.find(staff, None, "test").outcome is SegmentOutcome.NO_SEGMENT


def test_saved_lists_are_hers_replaced_by_name_and_move_on_with_the_days(segments, bank):
    liu, wang = as_staff("liuwei"), as_staff("wangfang")
    saved = segments.save(liu, "下月到期", read("到期承接"))
    assert saved.outcome is SaveOutcome.SAVED and saved.total > 0
    assert "已保存名单“下月到期”" in render_saved(saved)
    assert segments.save(liu, "下月到期", read("沉睡唤醒")).outcome is SaveOutcome.REPLACED
    assert segments.save(liu, "", read("沉睡唤醒")).outcome is SaveOutcome.NO_NAME
    assert segments.save(liu, "x", None).outcome is SaveOutcome.NO_SEGMENT
    segments.save(liu, "测评", read("测评到期"))
    mine = segments.saved_lists(liu, "我的名单", "test")
    assert [line.name for line in mine.lists] == ["下月到期", "测评"]
    assert mine.lists[0].segment.no_contact_days == 90  # replaced by the dormant scene
    assert "下月到期" in render_saved_lists(mine)
    assert segments.saved_lists(wang, "我的名单", "test").lists == ()  # hers alone
    opened = segments.saved_lists(liu, "打开名单2", "test")
    assert opened.page.outcome is SegmentOutcome.FOUND and opened.page.saved_name == "测评"
    later = datetime(2026, 12, 10, 10, 0)
    segments.save(liu, "到期", read("到期承接"))
    with clock.frozen(later):
        moved = segments.saved_lists(liu, "打开名单:到期", "test").page.segment
    assert moved.maturing_from == date(2026, 12, 10)
    assert segments.saved_lists(liu, "删除名单:测评", "test").found
    assert segments.saved_lists(liu, "打开名单:测评", "test").found is False
    with bank.unit_of_work() as session:
        assert session.execute(select(func.count()).select_from(SavedSegment)).scalar_one() == 2


def test_the_scene_enum_names_the_bank_phrases():
    assert {scene.value for scene in Scene} == {"到期承接", "沉睡唤醒", "测评到期", "生日关怀", "潜力客户"}

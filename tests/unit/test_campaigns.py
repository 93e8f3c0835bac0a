"""Campaigns (营销活动): who a campaign targets (never a customer the suitability rules refuse,
never one her assignee may not see), who works each, one transaction on "确认", outcomes that
never move back, progress per person, reassignment, the daily list and the report."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from bot.campaigns.items import open_items
from bot.campaigns.reading import outcome_said, read_campaign, reassignment_said
from bot.campaigns.results import OutcomeResult, PlanOutcome
from bot.campaigns.service import CampaignService
from bot.campaigns.targets import MAX_TARGETS
from bot.models import Campaign, CampaignEvent, CampaignTarget, Customer, Notification
from bot.segments.reading import read_segment
from bot.settings import Settings
from bot.suggestions.eligibility import CustomerFacts, check_suitability, situation
from bot.suggestions.facts import load_catalogue
from bot.visits.daily_list import build_daily_list
from bot.visits.results import ItemKind
from tests.bank_fixtures import TODAY, as_staff


def segment(text):
    return read_segment(text, TODAY).segment


@pytest.fixture
def campaigns(bank):
    return CampaignService(bank, Settings())


def test_the_words_of_a_campaign_and_of_its_outcomes():
    words = read_campaign("做个活动,推大额存单,按客户经理分,月底前", TODAY)
    assert (words.product_word, words.assignment.value, words.deadline) == ("大额存单", "by_manager", date(2026, 11, 30))
    evenly = read_campaign("把这批客户做成营销活动,推理财,平均分给王芳和马骏", TODAY, ["王芳", "马骏"])
    assert evenly.assignment.value == "evenly" and evenly.colleagues == ("王芳", "马骏")
    assert read_campaign("建个活动推基金定投 都给我 下周五前", TODAY).assignment.value == "to_me"
    assert outcome_said("第3个已联系,有意向") == outcome_said("第三个有意向")
    assert outcome_said("王建国 成交10万").amount == Decimal("100000")
    assert outcome_said("不需要").status == "declined"
    assert reassignment_said("把马骏没联系的转给王芳") == ("马骏", "王芳")


def test_a_plan_leaves_out_whom_the_rules_refuse_and_writes_nothing(campaigns, bank):
    head = as_staff("liuwei")
    plan = campaigns.plan(head, segment("测评到期"), "基金定投", "by_manager")
    assert plan.outcome is PlanOutcome.READY
    assert plan.targets + plan.unsuitable + plan.out_of_scope == plan.segment_total
    assert plan.unsuitable > 0  # 定投 is R4: an expired assessment allows R1 only
    assert sum(a.count for a in plan.assignees) == plan.targets
    with bank.unit_of_work() as session:
        assert session.execute(select(func.count()).select_from(Campaign)).scalar_one() == 0


def test_a_campaign_never_targets_a_customer_who_may_not_buy_its_product(campaigns, bank):
    head = as_staff("liuwei")
    created = campaigns.create(head, segment("测评到期"), "基金定投", "by_manager", (), None, None, "key-1")
    assert created.created and created.plan.targets > 0 and created.plan.unsuitable > 0
    with bank.unit_of_work() as session:
        catalogue = [p for p in load_catalogue(session) if "定投" in p.name and p.on_sale]
        for target, customer in session.execute(
                select(CampaignTarget, Customer).join(Customer, Customer.customer_id == CampaignTarget.customer_id)):
            facts = CustomerFacts(customer.customer_id, customer.name, customer.birth_date, customer.risk_level,
                                  customer.risk_assessed_on, customer.branch.kind)
            sit = situation(facts, TODAY)
            assert any(check_suitability(p, sit).allowed for p in catalogue), customer.customer_id
            assert customer.branch_id in head.served_branch_ids
            # by manager: her own manager when that manager serves her branch, else the head
            assert target.assignee_id in (customer.manager_id, head.staff_id)


def test_created_in_one_transaction_once_per_confirmation_with_notifications(campaigns, bank):
    head = as_staff("liuwei")
    created = campaigns.create(head, segment("到期承接"), "大额存单", "by_manager", (), date(2026, 12, 31), "年末", "key-2")
    again = campaigns.create(head, segment("到期承接"), "大额存单", "by_manager", (), date(2026, 12, 31), "年末", "key-2")
    assert created.created and not again.created and again.campaign_no == created.campaign_no
    with bank.unit_of_work() as session:
        targets = session.execute(select(func.count()).select_from(CampaignTarget)).scalar_one()
        events = session.execute(select(func.count()).select_from(CampaignEvent)).scalar_one()
        notices = session.execute(select(Notification.staff_id).where(Notification.kind == "campaign")).scalars().all()
    assert targets == events == created.plan.targets
    assert sorted(notices) == sorted(a.staff_id for a in created.plan.assignees if a.staff_id != head.staff_id)


def test_evenly_in_turn_and_only_to_colleagues_who_serve_the_branch(campaigns, bank):
    roaming = as_staff("majun")  # serves B001 and the agency branch B101
    plan = campaigns.plan(roaming, segment("沉睡唤醒"), "理财", "evenly", ("马骏", "王芳"))
    assert plan.outcome is PlanOutcome.READY
    counts = {a.name: a.count for a in plan.assignees}
    assert counts.get("马骏", 0) >= counts.get("王芳", 0) > 0  # 王芳 (B001) takes no agency customer
    unknown = campaigns.plan(roaming, segment("沉睡唤醒"), "理财", "evenly", ("张三丰",))
    assert unknown.outcome is PlanOutcome.UNKNOWN_COLLEAGUE and unknown.unknown == "张三丰"


def test_who_may_make_one_and_what_is_too_large(campaigns, monkeypatch):
    assert campaigns.plan(as_staff("zhangli"), segment("到期承接"), "理财", None).outcome is PlanOutcome.NOT_ALLOWED
    assert campaigns.plan(as_staff("liuwei"), None, "理财", None).outcome is PlanOutcome.NO_SEGMENT
    assert campaigns.plan(as_staff("liuwei"), segment("到期承接"), None, None).outcome is PlanOutcome.NO_PRODUCT
    monkeypatch.setattr("bot.campaigns.targets.MAX_TARGETS", 3)
    assert MAX_TARGETS == 5000
    assert campaigns.plan(as_staff("liuwei"), segment("到期承接"), "理财", None).outcome is PlanOutcome.TOO_MANY


def test_outcomes_move_on_never_back_and_progress_counts_them(campaigns, bank):
    head, wang = as_staff("liuwei"), as_staff("wangfang")
    created = campaigns.create(head, segment("到期承接"), "大额存单", "by_manager", (), date(2026, 12, 31), None, "key-3")
    items = open_items_of(bank, wang)
    assert items, "王芳 manages customers of the segment"
    first = f"campaign:{items[0].target_id}"
    assert campaigns.record_outcome(wang, "interested", item_ref=first).to_status == "interested"
    assert campaigns.record_outcome(wang, "contacted", item_ref=first).to_status == "interested"  # never back
    done = campaigns.record_outcome(wang, "converted", Decimal("100000"), item_ref=first)
    assert done.to_status == "converted" and done.amount == Decimal("100000")
    assert campaigns.record_outcome(wang, "declined", item_ref=first).result is OutcomeResult.CLOSED
    assert campaigns.record_outcome(wang, "contacted", item_ref="follow_up:1").result is OutcomeResult.NOT_A_CAMPAIGN_ITEM
    assert campaigns.record_outcome(as_staff("zhaoqiang"), "contacted", item_ref=first).result is OutcomeResult.NOT_FOUND
    # by name, among her own open campaign customers only
    if len(items) > 1:
        named = campaigns.record_outcome(wang, "declined", said=f"{items[1].customer_name}活动不需要")
        assert named.result is OutcomeResult.RECORDED and named.customer_id == items[1].customer_id
    assert campaigns.record_outcome(wang, "declined", said="李四光活动不需要").result is OutcomeResult.NOT_FOUND
    progress = campaigns.progress(head, "活动进度")
    assert progress.campaign_no == created.campaign_no
    mine = next(p for p in progress.people if p.name == "王芳")
    assert (mine.contacted, mine.interested, mine.converted, mine.amount) == (
        1 + (len(items) > 1), 1, 1, Decimal("100000"))
    assert progress.total.targets == created.plan.targets
    own = campaigns.progress(wang, "活动进度")  # a manager sees her own line only
    assert [p.name for p in own.people] == ["王芳"]
    report = campaigns.report(created.campaign_no)
    assert report.found and report.total.converted == 1


def open_items_of(bank, staff):
    with bank.unit_of_work() as session:
        return open_items(session, staff, TODAY)


def test_campaign_customers_top_the_daily_list_and_leave_it_out_of_scope(campaigns, bank):
    head, wang = as_staff("liuwei"), as_staff("wangfang")
    campaigns.create(head, segment("到期承接"), "大额存单", "to_me", (), date(2026, 12, 31), None, "key-4")
    campaigns.create(head, segment("到期承接"), "理财", "evenly", ("王芳",), date(2026, 12, 31), None, "key-5")
    with bank.unit_of_work() as session:
        items = build_daily_list(session, wang, TODAY)
    kinds = [item.kind for item in items]
    assert kinds[0] is ItemKind.CAMPAIGN and ItemKind.CAMPAIGN not in kinds[kinds.index(next(
        k for k in kinds if k is not ItemKind.CAMPAIGN)):]
    moved = next(item for item in items if item.kind is ItemKind.CAMPAIGN)
    with bank.unit_of_work() as session:  # the customer moves to a branch 王芳 does not serve
        session.execute(update(Customer).where(Customer.customer_id == moved.customer_id).values(branch_id="B002"))
    with bank.unit_of_work() as session:
        after = build_daily_list(session, wang, TODAY)
    assert moved.customer_id not in {item.customer_id for item in after if item.kind is ItemKind.CAMPAIGN}


def test_a_head_reassigns_the_not_yet_contacted(campaigns, bank):
    head = as_staff("liuwei")
    campaigns.create(head, segment("到期承接"), "大额存单", "evenly", ("王芳", "赵强"), date(2026, 12, 31), None, "key-6")
    before = len(open_items_of(bank, as_staff("zhaoqiang")))
    moved = campaigns.reassign(head, "赵强", "王芳", "把赵强没联系的转给王芳")
    assert moved.done and moved.moved == before and len(open_items_of(bank, as_staff("zhaoqiang"))) == 0
    assert campaigns.reassign(as_staff("wangfang"), "赵强", "王芳", "").problem == "not_head"


def test_the_report_for_managers_as_csv(campaigns, bank, capsys):
    from bot import cli

    head = as_staff("liuwei")
    made = campaigns.create(head, segment("到期承接"), "大额存单", "by_manager", (), date(2026, 12, 31), None, "key-7")
    capsys.readouterr()
    assert cli.main(["campaigns", "report", "--campaign", made.campaign_no, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("campaign_no,campaign,product,deadline,staff_id,name,targets")
    assert len(lines) == 1 + len(made.plan.assignees) + 1 and lines[-1].split(",")[5] == "合计"
    assert int(lines[-1].split(",")[6]) == made.plan.targets
    assert cli.main(["campaigns", "report", "--campaign", "HD20990101-99"]) == 2


def test_the_daily_list_shows_ten_campaign_customers_and_the_next_once_one_is_done(campaigns, bank):
    from bot.campaigns.items import IN_DAILY_LIST
    from bot.visits.replies import render_daily_list

    head = as_staff("liuwei")
    made = campaigns.create(head, segment("风险测评过期的"), "定期", "to_me", (), date(2026, 12, 31), None, "key-8")
    assert made.plan.targets > IN_DAILY_LIST
    with bank.unit_of_work() as session:
        items = [i for i in build_daily_list(session, head, TODAY) if i.kind is ItemKind.CAMPAIGN]
    assert len(items) == IN_DAILY_LIST
    assert f"活动客户先列{IN_DAILY_LIST}位" in render_daily_list(items, TODAY)
    campaigns.record_outcome(head, "declined", item_ref=items[0].ref)
    with bank.unit_of_work() as session:
        after = [i for i in build_daily_list(session, head, TODAY) if i.kind is ItemKind.CAMPAIGN]
    assert len(after) == IN_DAILY_LIST and items[0].customer_id not in {i.customer_id for i in after}


def test_the_summary_says_who_named_got_none_and_the_list_keeps_the_campaign_s_order(campaigns, bank):
    from bot.campaigns.replies import render_plan

    plan = campaigns.plan(as_staff("majun"), segment("代理网点60岁以上的客户"), "定期", "evenly", ("马骏", "王芳"))
    text = render_plan(plan, TODAY)
    assert "轮流分给马骏、王芳(王芳不服务这些客户的网点,没有分到)" in text and "分配:马骏" in text
    made = campaigns.create(as_staff("majun"), segment("代理网点60岁以上的客户"), "定期", "to_me", (), None, None, "key-9")
    with bank.unit_of_work() as session:
        items = [i for i in build_daily_list(session, as_staff("majun"), TODAY) if i.kind is ItemKind.CAMPAIGN]
    page = __import__("bot.segments.service", fromlist=["SegmentService"]).SegmentService(bank, Settings()).find(
        as_staff("majun"), segment("代理网点60岁以上的客户"), "test")
    assert [i.customer_id for i in items] == [line.customer_id for line in page.lines][:len(items)]
    assert made.plan.name.startswith("代理网点·60岁及以上")


def test_a_product_not_on_sale_makes_no_campaign(campaigns):
    plan = campaigns.plan(as_staff("liuwei"), segment("到期承接"), "国债", "to_me")
    assert plan.outcome is PlanOutcome.NOT_ON_SALE  # the demo bank's 储蓄国债 is off sale


def test_progress_of_the_campaign_named_by_a_part_of_its_name(campaigns):
    head = as_staff("liuwei")
    first = campaigns.create(head, segment("到期承接"), "大额存单", "to_me", (), None, None, "key-10")
    second = campaigns.create(head, segment("沉睡唤醒"), "定期", "to_me", (), None, None, "key-11")
    assert campaigns.progress(head, "活动进度").campaign_no == second.campaign_no  # the newest
    assert campaigns.progress(head, "到期承接活动进度").campaign_no == first.campaign_no
    assert campaigns.progress(head, "大额存单活动进展").campaign_no == first.campaign_no
    assert campaigns.progress(head, f"{first.campaign_no}进度").campaign_no == first.campaign_no


def test_her_outcome_by_a_pronoun_only_when_it_fits_the_customer_in_context(campaigns, bank):
    head = as_staff("liuwei")
    campaigns.create(head, segment("到期承接"), "定期", "to_me", (), None, None, "key-12")
    items = open_items_of(bank, head)
    with bank.unit_of_work() as session:
        genders = {i.customer_id: session.get(Customer, i.customer_id).gender for i in items}
    man = next((i for i in items if genders[i.customer_id] == "M"), None)
    woman = next((i for i in items if genders[i.customer_id] == "F"), None)
    if man is not None:
        wrong = campaigns.record_outcome(head, "contacted", customer_id=man.customer_id, said="她活动已联系")
        assert wrong.result is OutcomeResult.NOT_FOUND  # "她" is not the man in context
        assert campaigns.record_outcome(head, "contacted", customer_id=man.customer_id,
                                        said="他活动已联系").customer_id == man.customer_id
    if woman is not None:
        assert campaigns.record_outcome(head, "interested", customer_id=woman.customer_id,
                                        said="她活动有意向").customer_id == woman.customer_id
    assert man is not None or woman is not None

"""Referrals after creation: SLA reminders and escalation, credit, lists, rankings and the report."""
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from bot.cli import main
from bot.clock import clock
from bot.models import CreditEntry, CreditRule, Notification, ReferralEvent, Staff
from bot.referrals import credit
from bot.referrals.lifecycle import Status
from bot.referrals.reports import run_sla_check
from bot.referrals.service import ReferralService
from bot.settings import Settings
from tests.bank_fixtures import TODAY, as_staff


@pytest.fixture
def service(bank):
    return ReferralService(bank, Settings(database_url=bank.url))


def create(service, chat_id="zhangli", customer="C00000001", product="理财", receiver="S0003", key=None):
    created = service.create(as_staff(chat_id), customer, product, receiver, "", key or f"{chat_id}-{customer}-{product}")
    return created.referral.referral_no


def notes(database, kind):
    with database.unit_of_work() as session:
        found = session.execute(select(Notification).where(Notification.kind == kind).order_by(Notification.id)).scalars()
        return [(n.staff_id, n.text) for n in found]


def at(day, hour, minute=0):
    return datetime(TODAY.year, TODAY.month, TODAY.day, hour, minute) + timedelta(days=day)


# ------------------------------------------------------------------ SLA


def test_reminder_once_then_escalation_once(service, bank):
    number = create(service)  # 30 Nov 10:00, due 2 Dec 10:00, reminder from 80%: 2 Dec 00:24
    assert run_sla_check(bank, at(1, 12)).reminders == []
    report = run_sla_check(bank, at(2, 0, 30))
    assert [(r.referral_no, r.receiver_name) for r in report.reminders] == [(number, "王芳")]
    assert run_sla_check(bank, at(2, 1)).reminders == []
    assert [staff for staff, _ in notes(bank, "sla_reminder")] == ["S0003"]

    report = run_sla_check(bank, at(2, 10, 1))
    assert [(e.referral_no, e.escalated_to) for e in report.escalations] == [(number, "刘伟")]
    assert run_sla_check(bank, at(3, 10)).escalations == []
    escalations = notes(bank, "sla_escalation")
    assert sorted(staff for staff, _ in escalations) == ["S0003", "S0005"]
    head_text = dict(escalations)["S0005"]
    assert "王芳" in head_text and number in head_text
    with bank.unit_of_work() as session:
        kinds = list(session.execute(select(ReferralEvent.kind).order_by(ReferralEvent.id)).scalars())
    assert kinds == ["created", "sla_reminder", "sla_escalation"]


def test_no_reminder_after_contact(service, bank):
    number = create(service)
    with clock.frozen(at(1, 9)):
        service.transition(as_staff("wangfang"), number, Status.CONTACTED)
    report = run_sla_check(bank, at(5, 9))
    assert report.reminders == [] and report.escalations == []
    assert notes(bank, "sla_reminder") == notes(bank, "sla_escalation") == []


def test_sla_hours_come_from_settings(bank):
    short = ReferralService(bank, Settings(database_url=bank.url, referral_sla_hours=4))
    number = create(short)  # due 14:00, reminder from 13:12
    assert short.sla_check(at(0, 13)).reminders == []
    assert [r.referral_no for r in short.sla_check(at(0, 13, 15)).reminders] == [number]
    assert [e.referral_no for e in short.sla_check(at(0, 14, 1)).escalations] == [number]


def test_overdue_is_marked_in_lists(service):
    create(service)
    create(service, customer="C00000002", product="贷款")
    number = create(service, customer="C00000005", product="保险")
    service.transition(as_staff("wangfang"), number, Status.CONTACTED)
    with clock.frozen(at(3, 9)):
        received = service.list_for(as_staff("wangfang")).received
    assert [(r.customer_id, r.overdue) for r in received] == [
        ("C00000001", True), ("C00000002", True), ("C00000005", False)
    ]


# ------------------------------------------------------------------ credit


def test_credit_bands_min_inclusive_max_exclusive(bank):
    bands = [("理财", "99999.99", 3), ("理财", "100000", 6), ("理财", "500000", 12), ("保险", "10000", 10), ("信用卡", None, 3)]
    with bank.unit_of_work() as session:
        found = [(c, a, credit.rule_for(session, c, Decimal(a) if a else None, TODAY).points) for c, a, _ in bands]
    assert found == bands


def test_rule_change_leaves_past_credit_alone(service, bank):
    first = create(service)
    service.transition(as_staff("wangfang"), first, "成交", amount="20万")
    with bank.unit_of_work() as session:
        session.execute(
            update(CreditRule).where(CreditRule.category == "理财").values(valid_to=TODAY - timedelta(days=1))
        )
        session.add(CreditRule(category="理财", min_amount=0, max_amount=None, points=50, valid_from=TODAY))
    second = create(service, customer="C00000002")
    done = service.transition(as_staff("wangfang"), second, "成交", amount="20万")
    assert done.credit_points == 50
    with bank.unit_of_work() as session:
        ledger = session.execute(select(CreditEntry.points).order_by(CreditEntry.id)).scalars().all()
    assert ledger == [6, 50]


def test_referrer_transferred_keeps_credit_with_old_branch(service, bank):
    number = create(service)
    with bank.unit_of_work() as session:
        session.execute(update(Staff).where(Staff.staff_id == "S0001").values(branch_id="B002"))
    service.transition(as_staff("wangfang"), number, "成交", amount="60万")
    with bank.unit_of_work() as session:
        entry = session.execute(select(CreditEntry)).scalars().one()
    assert (entry.staff_id, entry.branch_id, entry.points) == ("S0001", "B001", 12)
    b001 = service.stats(as_staff("liuwei"), "2026-11")
    assert (b001.sent, b001.converted, b001.credit) == (1, 1, 12)
    assert b001.rows[0].staff_id == "S0001" and b001.rows[0].rank == 1
    b002 = service.stats(as_staff("suntao"), "2026-11")
    assert b002.credit == 0 and b002.sent == 0


# ------------------------------------------------------------------ statistics and report


def _a_month_of_referrals(service):
    create(service, chat_id="zhangli", customer="C00000001", product="理财", receiver="S0004")
    create(service, chat_id="zhangli", customer="C00000002", product="贷款", receiver="S0003")
    create(service, chat_id="zhaoqiang", customer="C00000005", product="保险", receiver="S0004")
    create(service, chat_id="zhaoqiang", customer="C00000001", product="贷款", receiver="S0008")
    service.transition(as_staff("chenjing"), "ZJ20261130-0001", "成交", amount="50万")  # 12 to 张丽
    service.transition(as_staff("chenjing"), "ZJ20261130-0003", "成交", amount="2万")  # 10 to 赵强
    service.transition(as_staff("wangfang"), "ZJ20261130-0002", "成交", amount="8万")  # 5 to 张丽


def test_branch_stats_and_own_rank(service):
    _a_month_of_referrals(service)
    ranking = service.stats(as_staff("zhaoqiang"), "2026-11")
    assert (ranking.branch_id, ranking.sent, ranking.converted, ranking.credit) == ("B001", 4, 3, 27)
    assert ranking.conversion_rate == Decimal("0.750")
    assert [(r.name, r.rank, r.credit, r.converted, r.sent) for r in ranking.rows[:2]] == [
        ("张丽", 1, 17, 2, 2), ("赵强", 2, 10, 1, 2)
    ]
    assert ranking.my_rank == 2
    assert {r.rank for r in ranking.rows[2:]} == {3}  # everyone else of the branch, no credit, shares 3rd
    assert service.stats(as_staff("zhaoqiang"), "2026-10").sent == 0
    assert service.stats(as_staff("zhangli"), "2026-13").outcome == "bad_month"


def test_my_performance(service):
    _a_month_of_referrals(service)
    mine = service.my_performance(as_staff("zhangli"), "2026-11")
    assert (mine.sent, mine.converted, mine.credit, mine.rank) == (2, 2, 17, 1)
    assert mine.conversion_rate == Decimal("1.000")
    receiver = service.my_performance(as_staff("majun"), "2026-11")
    assert (receiver.received, receiver.open_received, receiver.sent) == (1, 1, 0)


def test_lists_sent_and_received_open_first(service):
    _a_month_of_referrals(service)
    lists = service.list_for(as_staff("zhaoqiang"))
    assert [(s.referral_no, s.status) for s in lists.sent] == [
        ("ZJ20261130-0004", Status.NEW), ("ZJ20261130-0003", Status.CONVERTED)
    ]
    assert lists.received == []
    head = service.list_for(as_staff("liuwei"))
    assert [s.referral_no for s in head.branch_open] == ["ZJ20261130-0004"]


def test_report_as_csv(service, bank, capsys):
    _a_month_of_referrals(service)
    assert main(["referrals", "report", "--month", "2026-11", "--branch", "B001", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "month,branch_id,branch_name,rank,staff_id,staff_name,role,sent,converted,conversion_rate,credit"
    assert lines[1] == "2026-11,B001,城关支行,1,S0001,张丽,柜员,2,2,1.000,17"
    assert lines[2] == "2026-11,B001,城关支行,2,S0002,赵强,大堂经理,2,1,0.500,10"
    assert len(lines) == 1 + 6  # every staff member of B001 (majun's home branch is B001)
    assert main(["referrals", "report", "--month", "2026-11", "--branch", "B999"]) == 2


def test_sla_check_command_prints_what_it_did(service, capsys):
    number = create(service)
    with clock.frozen(at(2, 11)):
        assert main(["sla-check"]) == 0
    out = capsys.readouterr().out
    assert f"超时上报 {number} 接收人王芳 → 刘伟" in out
    assert "提醒 0 条,超时上报 1 条" in out


# ------------------------------------------------------------------ migration


def test_migration_0002_goes_down_and_up_over_bank_data(database):
    from alembic import command
    from sqlalchemy import inspect

    from bot.db import get_engine
    from bot.migrate import alembic_config, upgrade
    from bot.models import Branch

    command.downgrade(alembic_config(database.url), "0001")
    assert "referrals" not in inspect(get_engine(database.url)).get_table_names()
    with database.unit_of_work() as session:
        session.add(Branch(branch_id="B001", name="城关支行", kind="self_operated", county="东城县"))
    upgrade(database.url)
    with database.unit_of_work() as session:
        assert session.get(Branch, "B001").name == "城关支行"
        rules = session.execute(select(CreditRule)).scalars().all()
    assert len(rules) == 18 and {r.category for r in rules} == {"存款", "理财", "基金", "保险", "贷款", "信用卡", "贵金属"}

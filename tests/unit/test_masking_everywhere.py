"""No phone or ID number in full anywhere (issue #24, point 4): each form staff type a number in
is written through each path that keeps free text (a visit note, a follow-up, a referral's note
and status note, feedback, a notification, a tag, the suggestions trail, the reports printed by
`python -m bot`, the chat's replies) and then searched for in every text column of every table,
read raw (reflected tables: no masking on the way out), in the log as a handler formats it (an
exception's traceback, a SQLAlchemy IntegrityError, the engine's SQL log) and in what was printed.

The search compares digits only (full width made half width, spaces, dashes and +86 dropped), so
"139 1234 5678" stored or logged in any spelling is found. The customers table keeps each
customer's phone and ID number in full by design (it is the bank's record, shown only masked):
those two columns are the only ones not searched."""
from __future__ import annotations

import io
import json
import logging
import re
import unicodedata

import pytest
from sqlalchemy import MetaData, insert, select
from sqlalchemy.exc import IntegrityError

from bot.campaigns.service import CampaignService
from bot.models import CampaignTarget
from bot.segments.reading import read_segment
from bot.segments import saved as saved_segments
from bot.segments.conditions import Segment
from bot import outbox
from bot.clock import clock, to_storage
from bot.models import Customer, SuggestionLogEntry
from bot.privacy import install_log_masking
from bot.referrals.lifecycle import Status
from bot.referrals.service import ReferralService
from bot.settings import Settings
from bot.visits.service import VisitService
from tests.actions.conftest import executor, no_periodic_sla_job, talk  # noqa: F401  (the chat's fixtures)
from tests.bank_fixtures import as_staff

# 王建国 (C00000001) has the phone 13912345678 in the demo bank: staff type it into notes.
FORMS = [
    "13912345678",
    "+8613912345678",
    "86 139 1234 5678",
    "139-1234-5678",
    "１３９１２３４５６７８",
    "11010119900307451X",
    "11010119900307451x",
    "110101900307451",
    "110101 19900307 4514",
]
KEPT_IN_FULL = {("customers", "phone"), ("customers", "id_number")}


def full_number(form: str) -> str:
    """The number a form spells, as digits (and the check character X)."""
    digits = re.sub(r"[^0-9X]", "", unicodedata.normalize("NFKC", form).upper())
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits


def holds(text: str, form: str) -> bool:
    """Whether `text` holds the number of `form` in full, in whatever spelling."""
    return full_number(form) in re.sub(r"[^0-9X]", "", unicodedata.normalize("NFKC", text).upper())


def raw_rows(database) -> list[tuple[str, str, str]]:
    """(table, column, value) of every non-empty value of every table, as stored."""
    tables = MetaData()
    tables.reflect(bind=database.engine)
    found = []
    with database.engine.connect() as connection:
        for table in tables.sorted_tables:
            for row in connection.execute(select(table)).mappings():
                for column, value in row.items():
                    if value is None or (table.name, column) in KEPT_IN_FULL:
                        continue
                    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
                    found.append((table.name, column, text))
    return found


@pytest.fixture
def log_output():
    """What a handler on the root logger prints, with the masking the servers install."""
    install_log_masking()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    engine_log = logging.getLogger("sqlalchemy.engine")
    engine_log.setLevel(logging.INFO)  # the SQL echo: statements and their parameters
    yield stream
    engine_log.setLevel(logging.WARNING)
    root.removeHandler(handler)
    root.setLevel(old_level)


def write_through_every_path(bank, form: str) -> list[str]:
    """Write the number through each path; returns what the services handed back to be shown."""
    settings = Settings(database_url=bank.url)
    visits, referrals = VisitService(bank, settings), ReferralService(bank, settings)

    # A visit note (interactions.summary and .details, the follow-up it makes, its tags).
    text = f"今天上门拜访了C00000001,他新的联系方式{form},对基金定投有兴趣,约了下周三再谈"
    note = visits.read_note(as_staff("wangfang"), text)
    logged = visits.log_visit(as_staff("wangfang"), "C00000001", note, request_key="visit-1", channel="test")
    assert logged.interaction_id and logged.follow_up is not None
    returned = [logged.follow_up.note, *logged.tags_added]  # what the service returns, as it stored it
    # A follow-up on its own ("帮他约个回访…").
    follow_up = visits.read_note(as_staff("wangfang"), f"帮C00000002约个回访,下周二上午,电话{form}")
    assert visits.schedule_follow_up(as_staff("wangfang"), "C00000002", follow_up, request_key="follow-up-1") is not None
    # A tag, added and found again.
    tagged = visits.tag_customer(as_staff("wangfang"), "C00000001", f"备用电话{form}", channel="test")
    assert tagged.outcome.value == "added"
    returned += [tagged.tag, *tagged.tags]
    assert visits.tag_customer(as_staff("wangfang"), "C00000001", f"备用电话{form}", channel="test").outcome.value == "already"
    # Feedback.
    assert visits.feedback(as_staff("wangfang"), f"查{form}查不到", "lookup_customer", "test").outcome == "saved"
    # A referral's note, a note added later and a status note (it becomes a notification).
    created = referrals.create(as_staff("zhangli"), "C00000001", "理财", "S0003", f"客户说打{form}", "referral-1")
    number = created.referral.referral_no
    assert referrals.add_note(as_staff("zhangli"), number, f"晚上打{form}").outcome.value == "done"
    assert referrals.transition(as_staff("wangfang"), number, Status.LOST, note=f"{form}是空号").outcome.value == "done"
    returned += [n.text for n in referrals.notifications(as_staff("zhangli"))]
    returned += [note for *_, note in referrals.history(as_staff("zhangli"), number)]
    # A saved segment (客群) named and conditioned with the number.
    with bank.unit_of_work() as session:
        saved_segments.save(session, "S0005", f"名单{form}", Segment(tag=f"电话{form}"), clock.today())
    # A campaign named with the number, and an outcome its assignee told with it.
    campaigns = CampaignService(bank, settings)
    made = campaigns.create(as_staff("liuwei"), read_segment("到期承接", clock.today()).segment, "理财", "to_me", (),
                            None, f"活动{form}", "campaign-1")
    assert made.created
    with bank.unit_of_work() as session:
        first = session.execute(select(CampaignTarget.id).order_by(CampaignTarget.id)).scalars().first()
    outcome = campaigns.record_outcome(as_staff("liuwei"), "contacted", item_ref=f"campaign:{first}", said=f"客户新号{form}")
    returned += [outcome.campaign_name or ""]
    # A notification of any other kind, and the suggestions trail written by any statement.
    with bank.unit_of_work() as session:
        outbox.enqueue(session, "S0003", f"客户{form}来电", "test", "test-1")
        session.execute(insert(SuggestionLogEntry), {
            "at": to_storage(clock.now()), "staff_id": "S0003", "customer_id": "C00000001", "kind": "suggestion",
            "product_code": "P", "allowed": True, "reasons": [f"客户留了{form}"], "rules": [], "channel": "test"})
    return returned


def log_failures(form: str) -> None:
    """An exception whose message carries the number, and a stack logged with it."""
    log = logging.getLogger("test.masking")
    try:
        raise ValueError(f"客户{form}的资料读不出来")
    except ValueError:
        log.exception("处理失败")
    log.warning("stack of %s", form, stack_info=True)


def integrity_error(bank, form: str) -> str:
    """The database refusing a row that holds the number; returns the error's text."""
    try:
        with bank.unit_of_work() as session:  # C00000001 exists: the INSERT is refused
            session.add(Customer(customer_id="C00000001", name="王建国", gender="M", branch_id="B001",
                                 occupation=f"电话{form}", phone=full_number(form)[:11]))
            session.flush()
    except IntegrityError as error:
        logging.getLogger("test.masking").exception("保存失败")
        return str(error)
    else:
        raise AssertionError("the duplicate customer was saved")


@pytest.mark.parametrize("form", FORMS)
def test_no_number_in_full_in_any_table_the_log_or_a_report(bank, form, log_output, capsys):
    from bot import cli

    returned = write_through_every_path(bank, form)
    log_failures(form)
    error = integrity_error(bank, form)
    capsys.readouterr()
    for command in (["feedback"], ["audit", "--customer", "C00000001"], ["suggestions", "--customer", "C00000001"],
                    ["referrals", "report", "--month", "2026-11", "--format", "csv"]):
        assert cli.main(command) == 0
    printed = capsys.readouterr().out
    logged = log_output.getvalue()

    rows = raw_rows(bank)
    # Every path was taken: the number is there (masked, one hopes), where staff wrote it, and the
    # failures and reports are in the log and the output.
    assert {"interactions", "follow_ups", "customer_tags", "feedback", "referrals", "referral_events",
            "notifications", "suggestion_log", "audit_log", "saved_segments", "campaigns", "campaign_events"} <= {
        table for table, _column, text in rows if "****" in text or holds(text, form)}
    assert "资料读不出来" in logged and "Traceback" in logged and "IntegrityError" in logged and "INSERT" in logged
    assert "查不到" in printed and "添加标签" in printed and "客户留了" in printed and "month,branch_id" in printed
    # ... and the number is nowhere in full.
    found = {
        "tables": sorted({f"{table}.{column}" for table, column, text in rows if holds(text, form)}),
        "log": [line for line in logged.splitlines() if holds(line, form)],
        "error text": [error] if holds(error, form) else [],
        "printed": [line for line in printed.splitlines() if holds(line, form)],
        "returned by the services": [text for text in returned if holds(text, form)],
    }
    assert found == {"tables": [], "log": [], "error text": [], "printed": [], "returned by the services": []}


@pytest.fixture
def own_action_services(monkeypatch):
    """The actions' services of this test only: actions.runtime keeps one per database URL, and
    one kept here would hold an engine later tests (tests/actions) no longer listen to."""
    from actions import runtime

    monkeypatch.setattr(runtime, "_services", {})


@pytest.mark.parametrize("form", ["+86-139-1234-5678", "11010119900307451X"])
async def test_no_number_in_full_in_the_chat(own_action_services, talk, bank, form):
    """What the bot says back (a tag as typed, the 360 view, a saved visit, the contact history)
    masks the number, as the tables do."""
    said = []

    async def say(*args, **kwargs):
        replies, slots = await talk(*args, **kwargs)
        said.extend(json.dumps(response, ensure_ascii=False) for response in talk.responses)
        return replies, slots

    replies, _ = await say("wangfang", f"给C00000001加个标签:备用电话{form}", "tag_customer",
                           [("customer_id", "C00000001"), ("tag", f"备用电话{form}")])
    assert replies[-1].startswith("已给王建国加上标签「备用电话") and "****" in replies[-1]
    replies, _ = await say("wangfang", "查C00000001", "lookup_customer", [("customer_id", "C00000001")])
    assert "备用电话" in replies[-1]
    replies, slots = await say("wangfang", f"今天上门拜访了C00000001,他新的联系方式{form},约了下周三再谈",
                               "log_visit", [("customer_id", "C00000001")])
    assert replies[-1].startswith("我理解的拜访记录")
    replies, _ = await say("wangfang", "确认", "affirm", **slots)
    assert replies[-1].startswith("已记录:王建国")
    replies, _ = await say("wangfang", "他最近的联系记录", "ask_interactions", current_customer_id="C00000001")
    assert "****" in replies[-1]
    # A follow-up planned without a contact: its summary repeats the words as typed.
    replies, _ = await say("wangfang", f"帮C00000001约个回访,下周二上午,电话{form}", "log_visit",
                           [("customer_id", "C00000001")])
    assert "内容:" in replies[-1]
    assert not any(holds(text, form) for text in said)
    assert not any(holds(text, form) for _table, _column, text in raw_rows(bank))


def test_imported_contact_summaries_and_tags_are_masked(database, demo_bank_files, tmp_path, frozen_today):
    """The bank's contact history and tags can hold numbers too; on PostgreSQL they go in by COPY,
    which no column type sees."""
    import shutil

    from bot.importer import import_directory

    files = tmp_path / "bank"
    shutil.copytree(demo_bank_files, files)
    with open(files / "interactions.csv", "a", encoding="utf-8") as out:
        out.write('C00000001,S0003,电话,2026-11-21 09:00:00,"客户新号+86 139-1234-5678,身份证110101 19900307 4514"\n')
    customers = (files / "customers.csv").read_text(encoding="utf-8")
    (files / "customers.csv").write_text(customers.replace("退休教师;意向:基金", "退休教师;意向:基金;备用13912345678"), encoding="utf-8")

    import_directory(database, files)
    rows = raw_rows(database)
    assert any("139****5678" in text and "110101********4514" in text for table, _c, text in rows if table == "interactions")
    assert ("customer_tags", "tag", "备用139****5678") in rows
    assert [f"{table}.{column}" for table, column, text in rows
            if holds(text, "13912345678") or holds(text, "110101199003074514")] == []

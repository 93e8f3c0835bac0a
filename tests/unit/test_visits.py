"""Visits, follow-ups, tags, feedback, the daily list and the morning digest, on a real database
(the demo bank; the clock frozen at 2026-11-30 10:00, a Monday)."""
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.clock import clock
from bot.customers.replies import render_interactions, render_profile
from bot.customers.service import CustomerService, View
from bot.models import AuditEntry, CustomerTag, FollowUp, Interaction, Notification
from bot.referrals.service import ReferralService
from bot.settings import Settings
from bot.visits.digest import morning_digest
from bot.visits.period import tasks_period_asked
from bot.visits.replies import render_daily_list
from bot.visits.results import CompleteOutcome, ItemKind, TagOutcome, VisitOutcome
from bot.visits.service import VisitService
from bot.visits.working_days import is_working_day
from tests.bank_fixtures import TODAY, as_staff


@pytest.fixture
def service(bank):
    return VisitService(bank, Settings(database_url=bank.url))


def rows(database, model, *where):
    with database.unit_of_work() as session:
        return list(session.execute(select(model).where(*where).order_by(model.id)).scalars())


def log(service, text, chat_id="wangfang", customer="C00000001", key=None, context=None):
    draft = service.draft_visit(as_staff(chat_id), text, {}, customer_in_context=context or customer)
    assert draft.outcome is VisitOutcome.READY, draft.outcome
    return service.log_visit(as_staff(chat_id), customer or draft.customer_id, draft.note, key or f"{chat_id}:{text}", "test")


# ------------------------------------------------------------------ drafting and logging


def test_draft_finds_the_customer_named_in_the_note(service):
    draft = service.draft_visit(as_staff("wangfang"), "上午去陈美玲家,想了解大额存单,约了下周三再谈", {})
    assert draft.outcome is VisitOutcome.READY and draft.customer_id == "C00000005"
    assert draft.note.channel == "上门" and "意向:大额存单" in draft.note.tags


@pytest.mark.parametrize("text", ["", "  \n", "<script>alert('x')</script><img src=x onerror=alert(1)>",
                                  "😀😀😀 👍", "'; DROP TABLE interactions; --", "C00000001"])
def test_a_message_without_words_is_not_a_visit_note(service, text):
    # Nothing to keep as contact history, even with a customer in context: asked for the note.
    draft = service.draft_visit(as_staff("wangfang"), text, {}, customer_in_context="C00000001")
    assert draft.outcome is VisitOutcome.EMPTY_NOTE
    assert rows(service.db, Interaction, Interaction.source == "chat") == []


def test_draft_asks_which_of_namesakes_and_uses_context_otherwise(service):
    assert service.draft_visit(as_staff("wangfang"), "电话联系王建国,聊了基金", {}).outcome is VisitOutcome.CHOOSE
    draft = service.draft_visit(as_staff("wangfang"), "电话回访,客户想了解理财", {}, customer_in_context="C00000002")
    assert draft.outcome is VisitOutcome.READY and draft.customer_id == "C00000002" and draft.from_context


def test_another_branchs_customer_is_not_found(service):
    # C00000003 is a 王建国 of 河西支行: 王芳 of 城关支行 cannot see him.
    assert service.draft_visit(as_staff("wangfang"), "给C00000003打电话", {}).outcome is VisitOutcome.NOT_FOUND
    note = service.draft_visit(as_staff("wangfang"), "电话回访", {}, customer_in_context="C00000001").note
    assert service.log_visit(as_staff("wangfang"), "C00000003", note, "k-hidden").outcome is VisitOutcome.NOT_FOUND
    assert rows(service.db, Interaction, Interaction.source == "chat") == []


def test_a_note_about_a_name_is_never_put_on_a_shorter_name_inside_it(service, bank):
    """李秀英 is 马骏's customer; 王芳's branch has a customer called 李秀. A note about 李秀英 is
    not 李秀's visit."""
    from bot.models import Customer

    with bank.unit_of_work() as session:
        branch = session.get(Customer, "C00000005").branch_id
        session.add(Customer(customer_id="C00000998", name="李秀", gender="F", branch_id=branch))
    draft = service.draft_visit(as_staff("wangfang"), "今天电话联系了李秀英,她想了解理财", {"customer_name": ["李秀英"]})
    assert draft.outcome is VisitOutcome.NOT_FOUND
    # Written with a particle the NLU kept, the name is still 李秀's.
    draft = service.draft_visit(as_staff("wangfang"), "今天电话联系了李秀呢,她想了解理财", {"customer_name": ["李秀呢"]})
    assert draft.outcome is VisitOutcome.READY and draft.customer_id == "C00000998"


def test_log_visit_writes_the_contact_the_task_the_tags_and_an_audit_row(service, bank):
    logged = log(service, "上午去王建国家上门,50万定期下个月到期,想转大额存单,约了下周三再谈")
    assert logged.outcome is VisitOutcome.LOGGED and not logged.repeated
    assert (logged.customer_name, logged.channel) == ("王建国", "上门")
    assert logged.follow_up.due_at.replace(tzinfo=None) == datetime(2026, 12, 9, 9, 0)
    assert logged.tags_added == ["意向:大额存单"]
    [interaction] = rows(bank, Interaction, Interaction.source == "chat")
    assert interaction.customer_id == "C00000001" and interaction.staff_id == "S0003"
    assert interaction.details["products"] == ["定期", "大额存单"]
    assert interaction.details["amounts"] == ["500000.00"]
    assert interaction.details["events"][0]["kind"] == "maturity"
    assert interaction.details["follow_up"]["text"] == "下周三"
    [task] = rows(bank, FollowUp)
    assert task.created_from_interaction_id == interaction.id and task.done_at is None
    tags = rows(bank, CustomerTag, CustomerTag.customer_id == "C00000001")
    assert [(t.tag, t.source) for t in tags if t.tag == "意向:大额存单"] == [("意向:大额存单", "visit")]
    assert [a.shown for a in rows(bank, AuditEntry, AuditEntry.customer_id == "C00000001")][-1] == "visit"


def test_the_same_request_key_logs_once(service, bank):
    first = log(service, "电话联系王建国,下周一再联系", key="same")
    again = log(service, "电话联系王建国,下周一再联系", key="same")
    assert again.repeated and again.interaction_id == first.interaction_id
    assert again.follow_up.id == first.follow_up.id
    assert len(rows(bank, Interaction, Interaction.source == "chat")) == 1 and len(rows(bank, FollowUp)) == 1


def test_two_notes_in_the_same_second_are_two_contacts(service, bank):
    log(service, "电话回访王建国", key="a")
    log(service, "电话回访王建国,又补充了一句", key="b")
    assert len(rows(bank, Interaction, Interaction.source == "chat")) == 2


def test_a_new_contact_closes_the_open_follow_ups_of_that_staff_member(service, bank):
    first = log(service, "电话联系王建国,下周一再联系", key="one")
    second = log(service, "王建国来网点了,想了解基金,下周五再聊", key="two")
    assert [f.id for f in second.closed_follow_ups] == [first.follow_up.id]
    closed = rows(bank, FollowUp, FollowUp.id == first.follow_up.id)[0]
    assert (closed.done_reason, closed.done_by_interaction_id) == ("visit", second.interaction_id)
    # A colleague's contact does not close 王芳's task.
    service.log_visit(as_staff("chenjing"), "C00000001", second_note(service), "three", "test")
    assert rows(bank, FollowUp, FollowUp.id == second.follow_up.id)[0].done_at is None


def test_a_contact_leaves_a_follow_up_planned_for_later_open_and_says_what_it_closes(service, bank):
    # A newcomer's 唐博: a meeting planned for next Friday was closed by an unrelated visit today.
    planned = log(service, "约了王建国下周五下午三点来网点面谈", key="plan")  # 12-04 15:00
    visit = service.draft_visit(as_staff("wangfang"), "今天电话联系了王建国,聊了理财", {}, customer_in_context="C00000001").note
    assert service.visit_effects(as_staff("wangfang"), "C00000001", visit).closes == []
    logged = service.log_visit(as_staff("wangfang"), "C00000001", visit, "call", "test")
    assert logged.closed_follow_ups == [] and rows(bank, FollowUp, FollowUp.id == planned.follow_up.id)[0].done_at is None
    # A contact that plans a later follow-up supersedes it, and the summary's effects say so.
    later = service.draft_visit(as_staff("wangfang"), "王建国到店了,下下周一再联系", {}, customer_in_context="C00000001").note
    effects = service.visit_effects(as_staff("wangfang"), "C00000001", later)
    assert [f.id for f in effects.closes] == [planned.follow_up.id]
    assert [f.id for f in service.log_visit(as_staff("wangfang"), "C00000001", later, "later", "test").closed_follow_ups] == \
        [planned.follow_up.id]


def test_wanting_more_of_what_the_customer_bought_keeps_the_purchase(service, bank):
    bought = log(service, "王建国到店,买了5万基金", key="bought")
    assert "已购:基金" in bought.tags_added
    again = service.draft_visit(as_staff("wangfang"), "电话联系王建国,还想再买点基金", {}, customer_in_context="C00000001").note
    assert service.visit_effects(as_staff("wangfang"), "C00000001", again).removes_tags == []
    service.log_visit(as_staff("wangfang"), "C00000001", again, "again", "test")
    tags = [t.tag for t in rows(bank, CustomerTag, CustomerTag.customer_id == "C00000001")]
    assert "已购:基金" in tags


def second_note(service):
    return service.draft_visit(as_staff("chenjing"), "电话联系了王建国", {}, customer_in_context="C00000001").note


def test_tags_are_not_duplicated_and_a_refusal_replaces_an_interest(service, bank):
    # 王建国 has 意向:基金 from the bank's data.
    logged = log(service, "电话联系王建国,对基金不感兴趣了", key="x")
    assert logged.tags_added == ["不感兴趣:基金"] and logged.tags_removed == ["意向:基金"]
    again = log(service, "电话联系王建国,还是对基金不感兴趣", key="y")
    assert again.tags_added == []
    tags = [t.tag for t in rows(bank, CustomerTag, CustomerTag.customer_id == "C00000001")]
    assert tags.count("不感兴趣:基金") == 1 and "意向:基金" not in tags


def test_an_id_number_in_a_note_is_its_customer_whoever_is_in_context(service):
    draft = service.draft_visit(as_staff("wangfang"), "今天拜访了身份证号110101196605120115的客户,聊了理财", {},
                                customer_in_context="C00000005")
    assert draft.outcome is VisitOutcome.READY and draft.customer_id == "C00000001" and not draft.from_context
    # 李秀英's: of an agency branch 王芳 does not serve.
    draft = service.draft_visit(as_staff("wangfang"), "身份证110101195911020222的客户来网点了", {}, customer_in_context="C00000005")
    assert draft.outcome is VisitOutcome.NOT_FOUND


def test_a_mistyped_number_in_a_note_is_nobody_never_the_customer_in_context(service):
    draft = service.draft_visit(as_staff("wangfang"), "今天给1370000555打了电话,聊了理财", {}, customer_in_context="C00000005")
    assert draft.outcome is VisitOutcome.NOT_FOUND


def test_a_phone_or_id_number_in_a_note_is_masked_when_the_note_is_shown(service, bank):
    log(service, "今天给１３９ １２３４ ５６７８打了电话,身份证110101196605120115,聊了理财", key="masked")
    customers = CustomerService(bank, Settings(database_url=bank.url))
    text = render_interactions(customers.ask(as_staff("wangfang"), View.INTERACTIONS, {}, "", "C00000001", "test").interactions)
    assert "139****5678" in text and "110101********0115" in text
    assert "5678打" in text and "1234" not in text and "196605120115" not in text


def test_a_phone_in_a_follow_ups_note_is_masked_on_the_daily_list(service):
    from bot.visits.period import Period

    log(service, "今天给139-1234-5678打了电话,后天再联系", key="masked-list")
    day = date(2026, 12, 2)
    daily = service.daily_list(as_staff("wangfang"), date(2026, 11, 30), "test", Period(day, day, "后天"))
    text = render_daily_list(daily.items, daily.today, daily.period)
    assert "139****5678" in text and "1234" not in text


def test_360_view_and_interactions_show_what_the_note_said(service, bank):
    log(service, "王建国来网点,想买大额存单,五十万,周三下午再来签", key="v")
    customers = CustomerService(bank, Settings(database_url=bank.url))
    answer = customers.ask(as_staff("wangfang"), View.INTERACTIONS, {}, "", "C00000001", "test")
    text = render_interactions(answer.interactions)
    assert "1. 2026-11-30 王芳 到店:王建国来网点" in text
    assert "产品 大额存单" in text and "金额 50万" in text and "下次跟进 12-02" in text
    profile = customers.ask(as_staff("wangfang"), View.PROFILE, {}, "", "C00000001", "test").profile
    assert "下次跟进 12-02" in render_profile(profile, date(2026, 11, 30))
    # Imported contacts read as before.
    assert "2026-11-20 王芳 电话:聊了基金定投,有兴趣" in text


# ------------------------------------------------------------------ tags and feedback


def test_staff_tag_a_customer_and_remove_the_tag(service, bank):
    added = service.tag_customer(as_staff("wangfang"), "C00000005", "子女留学")
    assert added.outcome is TagOutcome.ADDED and "子女留学" in added.tags
    assert service.tag_customer(as_staff("wangfang"), "C00000005", "子女留学").outcome is TagOutcome.ALREADY
    [row] = rows(bank, CustomerTag, CustomerTag.tag == "子女留学")
    assert (row.source, row.created_by) == ("staff", "S0003")
    removed = service.tag_customer(as_staff("wangfang"), "C00000005", "子女留学", remove=True)
    assert removed.outcome is TagOutcome.REMOVED and "子女留学" not in removed.tags
    assert service.tag_customer(as_staff("wangfang"), "C00000003", "x").outcome is TagOutcome.NOT_FOUND


def test_feedback_is_kept_and_listed(service, bank):
    assert service.feedback(as_staff("zhangli"), "查客户的时候能不能显示地址", "ask_customer", "test").outcome == "saved"
    [line] = service.list_feedback()
    assert (line.staff_name, line.text, line.last_intent) == ("张丽", "查客户的时候能不能显示地址", "ask_customer")


# ------------------------------------------------------------------ the daily list


def test_daily_list_ranks_overdue_first_and_numbers_the_items(service, bank):
    log(service, "电话联系陈美玲,明天再打", customer="C00000005", key="t1")  # due 12-01
    log(service, "电话联系王建国,12月3号再联系", key="t2")  # due 12-03
    daily = service.daily_list(as_staff("wangfang"), date(2026, 12, 3))
    kinds = [(i.kind, i.customer_id, i.overdue) for i in daily.items]
    assert kinds[0] == (ItemKind.FOLLOW_UP, "C00000005", True)
    assert (ItemKind.FOLLOW_UP, "C00000001", False) in kinds
    assert [i.number for i in daily.items] == list(range(1, len(daily.items) + 1))
    # 王建国's 50万 邮享定期1年 matures on 12-09, within 7 days of 12-03, but 王芳 just called him.
    assert not any(i.kind is ItemKind.MATURITY and i.customer_id == "C00000001" for i in daily.items)
    text = render_daily_list(daily.items, date(2026, 12, 3))
    assert text.startswith("12月3日待办") and "1. 陈美玲:跟进(已逾期2天)" in text


def test_daily_list_shows_maturities_of_the_managers_customers(service):
    daily = service.daily_list(as_staff("wangfang"), date(2026, 12, 3))
    maturity = [i for i in daily.items if i.kind is ItemKind.MATURITY and i.customer_id == "C00000001"]
    assert maturity and maturity[0].value == Decimal("500000") and maturity[0].due == date(2026, 12, 9)
    assert "邮享定期1年 50万 12月9日(周三)到期" in maturity[0].reason
    assert all(date(2026, 12, 3) <= i.due <= date(2026, 12, 10) for i in daily.items if i.kind is not ItemKind.REFERRAL)
    # A teller manages nobody: no maturities or birthdays.
    assert not [i for i in service.daily_list(as_staff("zhangli"), date(2026, 12, 3)).items
                if i.kind in (ItemKind.MATURITY, ItemKind.BIRTHDAY)]


def test_daily_list_has_birthdays_within_the_week_and_29_february_on_the_28th(service, bank):
    from sqlalchemy import update

    from bot.models import Customer, Staff

    with bank.unit_of_work() as session:
        manager = session.execute(select(Staff.staff_id).where(Staff.chat_id == "wangfang")).scalar_one()
        contacted = select(Interaction.customer_id)
        managed = session.execute(
            select(Customer.customer_id).where(Customer.manager_id == manager, Customer.customer_id.notin_(contacted))
            .order_by(Customer.customer_id).limit(3)
        ).scalars().all()
        born = dict(zip(managed, (date(1960, 3, 1), date(1988, 2, 29), date(1970, 3, 10))))
        for customer_id, birth_date in born.items():
            session.execute(update(Customer).where(Customer.customer_id == customer_id).values(birth_date=birth_date))
    # 2027 is not a leap year: the 29 February birthday is kept on the 28th, within the week.
    items = service.daily_list(as_staff("wangfang"), date(2027, 2, 25)).items
    birthdays = {i.customer_id: i.due for i in items if i.kind is ItemKind.BIRTHDAY and i.customer_id in born}
    assert birthdays == {managed[0]: date(2027, 3, 1), managed[1]: date(2027, 2, 28)}
    later = service.daily_list(as_staff("wangfang"), date(2027, 3, 5)).items
    assert {i.customer_id for i in later if i.kind is ItemKind.BIRTHDAY and i.customer_id in born} == {managed[2]}


def test_daily_list_has_referrals_waiting(service, bank):
    referrals = ReferralService(bank, Settings(database_url=bank.url))
    created = referrals.create(as_staff("zhangli"), "C00000005", "理财", "S0003", "想了解", "r1")
    daily = service.daily_list(as_staff("wangfang"))
    [item] = [i for i in daily.items if i.kind is ItemKind.REFERRAL]
    assert item.referral_no == created.referral.referral_no and not item.overdue
    with clock.frozen(datetime(2026, 12, 3, 10, 0)):
        later = service.daily_list(as_staff("wangfang"))
    [item] = [i for i in later.items if i.kind is ItemKind.REFERRAL]
    assert item.overdue and item.number == 1 and "已超时未联系" in item.reason


def test_complete_by_number_as_shown(service, bank):
    log(service, "电话联系陈美玲,明天再打", customer="C00000005", key="c1")
    daily = service.daily_list(as_staff("wangfang"), date(2026, 12, 1))
    number = next(i.number for i in daily.items if i.kind is ItemKind.FOLLOW_UP)
    done = service.complete(as_staff("wangfang"), number, daily.refs)
    assert done.outcome is CompleteOutcome.DONE and done.follow_up.customer_name == "陈美玲"
    assert service.complete(as_staff("wangfang"), number, daily.refs).outcome is CompleteOutcome.ALREADY_DONE
    assert service.complete(as_staff("wangfang"), 99, daily.refs).outcome is CompleteOutcome.NOT_FOUND
    other = next((i.number for i in daily.items if i.kind is not ItemKind.FOLLOW_UP), None)
    if other:
        assert service.complete(as_staff("wangfang"), other, daily.refs).outcome is CompleteOutcome.NOT_A_FOLLOW_UP
    # Somebody else's follow-up cannot be closed by id.
    assert service.complete(as_staff("zhangli"), follow_up_id=done.follow_up.id).outcome is CompleteOutcome.NOT_FOUND
    assert rows(bank, FollowUp)[0].done_reason == "completed"
    assert service.daily_list(as_staff("wangfang"), date(2026, 12, 1)).follow_up_ids.count(done.follow_up.id) == 0


# ------------------------------------------------------------------ the morning digest


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2026, 11, 30), True),  # a Monday
        (date(2026, 11, 29), False),  # a Sunday
        (date(2026, 10, 1), False),  # 国庆节, a Thursday
        (date(2026, 2, 17), False),  # 春节
        (date(2026, 1, 4), True),  # a Sunday made a working day for 元旦
    ],
)
def test_working_days_follow_the_official_holiday_schedule(day, working):
    assert is_working_day(day) is working


def test_a_year_without_a_published_schedule_counts_monday_to_friday():
    assert is_working_day(date(2099, 1, 5)) is True and is_working_day(date(2099, 1, 4)) is False


def test_morning_digest_once_per_working_day_after_the_digest_time(service, bank):
    settings = Settings(database_url=bank.url)
    assert morning_digest(bank, datetime(2026, 11, 30, 8, 0), settings).skipped == "too_early"
    assert morning_digest(bank, datetime(2026, 11, 29, 9, 0), settings).skipped == "not_working_day"  # a Sunday
    report = morning_digest(bank, datetime(2026, 11, 30, 8, 30), settings)
    sent = dict(report.sent)
    assert {"S0003", "S0006", "S0008"} <= set(sent)  # every customer manager
    assert "S0001" not in sent  # a teller with nothing to do gets nothing
    again = morning_digest(bank, datetime(2026, 11, 30, 9, 0), settings)
    assert again.sent == [] and again.already_sent == len(report.sent)
    notes = rows(bank, Notification, Notification.staff_id == "S0003")
    assert [n.dedupe_key for n in notes] == ["digest:S0003:2026-11-30"]
    assert notes[0].text.startswith("王芳,早上好!") and notes[0].kind == "daily_digest"


def test_a_digest_sent_late_in_the_day_greets_by_the_local_hour(service, bank):
    settings = Settings(database_url=bank.url)
    morning_digest(bank, datetime(2026, 11, 30, 19, 10), settings)  # the server started at 19:10
    notes = rows(bank, Notification, Notification.staff_id == "S0003")
    assert notes[0].text.startswith("王芳,晚上好!")


def test_digest_time_comes_from_the_environment():
    assert Settings.from_env({"DIGEST_TIME": "07:45"}).digest_time.strftime("%H:%M") == "07:45"
    with pytest.raises(ValueError):
        Settings.from_env({"DIGEST_TIME": "早上"})


def test_cli_digest_and_feedback(service, bank, capsys):
    from bot.cli import main

    service.feedback(as_staff("zhangli"), "挺好用", "greet", "test")
    assert main(["feedback"]) == 0
    assert "挺好用" in capsys.readouterr().out
    assert main(["digest", "--now", "2026-11-30T09:00"]) == 0
    assert "每日待办:新发送" in capsys.readouterr().out


def test_the_audit_command_shows_who_saw_a_customer_on_a_list(service, bank, capsys):
    """The command line reads the audit of the database DATABASE_URL names (the `bank` fixture's)."""
    from bot import cli

    log(service, "电话联系王建国,明天再联系", customer="C00000001", key="tomorrow")
    daily = service.daily_list(as_staff("wangfang"), TODAY, "wecom", tasks_period_asked("明天的待办", TODAY))
    assert "C00000001" in [i.customer_id for i in daily.items]
    morning_digest(bank, datetime(2026, 12, 1, 8, 40, tzinfo=clock.tz), Settings(database_url=bank.url))
    capsys.readouterr()
    assert cli.main(["audit", "--customer", "C00000001"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.endswith("\tS0003\tC00000001\tdaily_list\twecom\t待办 2026-12-01") for line in lines), lines
    assert any(line.endswith("\tS0003\tC00000001\tdaily_list\tdaily_digest\t待办 2026-12-01") for line in lines), lines


def test_her_own_contacts_of_the_days_asked_newest_first_each_customer_audited(service, bank):
    """"我最近联系过谁": hers only (王芳's, not 张丽's), of the last 7 days by default, each customer
    listed audited once; "上周" is last week; a colleague's contact is never in her list."""
    from bot.visits.contacts import AUDIT_OWN_CONTACTS
    from bot.visits.replies import render_own_contacts

    log(service, "电话联系陈美玲,聊了基金定投", customer="C00000005", key="c1")
    log(service, "上门拜访王建国,他想了解大额存单", key="c2")
    log(service, "电话联系王建国,聊理财", chat_id="zhangli", key="c3")  # 张丽's, not 王芳's
    recent = service.own_contacts(as_staff("wangfang"), "我最近联系过谁", TODAY, "test")
    chat_logged = [(line.customer_id, line.channel) for line in recent.lines if line.happened_at.date() == TODAY]
    assert chat_logged[:2] == [("C00000001", "上门"), ("C00000005", "电话")]
    assert recent.period.first == date(2026, 11, 24) and recent.period.last == TODAY
    assert recent.total == len(recent.lines) and recent.customers == len({line.customer_id for line in recent.lines})
    text = render_own_contacts(recent)
    assert text.startswith("最近7天(11月24日至11月30日)您联系了") and "1. 11月30日 王建国 · 上门:上门拜访王建国" in text
    audited = [e.customer_id for e in rows(bank, AuditEntry, AuditEntry.shown == AUDIT_OWN_CONTACTS)]
    assert sorted(audited) == sorted({line.customer_id for line in recent.lines})
    today_only = service.own_contacts(as_staff("zhangli"), "我今天联系了哪些客户", TODAY, "test")
    assert [line.customer_id for line in today_only.lines] == ["C00000001"]
    last_week = service.own_contacts(as_staff("wangfang"), "上周拜访了哪些客户", TODAY, "test")
    assert (last_week.period.first, last_week.period.last) == (date(2026, 11, 23), date(2026, 11, 29))
    assert all(date(2026, 11, 23) <= line.happened_at.date() <= date(2026, 11, 29) for line in last_week.lines)


def test_a_colleagues_list_is_never_answered_with_her_own(service, bank):
    daily = service.tasks_asked(as_staff("wangfang"), "张丽的待办有多少", [], TODAY, "test")
    assert daily.colleague == "张丽" and daily.items == []
    assert rows(bank, AuditEntry, AuditEntry.shown == "daily_list") == []
    mine = service.tasks_asked(as_staff("wangfang"), "我明天的待办", [], TODAY, "test")
    assert mine.colleague is None and mine.period is not None and mine.period.first == date(2026, 12, 1)


def test_a_reminder_before_a_maturity_the_note_gives_no_date_for_is_set_from_her_holdings(service):
    """王建国's 邮享定期1年 matures on 12-09 and his 稳享理财90天 on 01-04: "定期到期前提醒我" is due 3
    days before the term deposit, "理财到期的时候联系他" on the 理财's day; a note that gives the date,
    or a customer with nothing maturing, is read as written."""
    staff, hour = as_staff("wangfang"), Settings().follow_up_default_hour
    read = lambda text, customer="C00000001": service.read_note(staff, text, {}, None, customer)  # noqa: E731
    note = read("今天电话联系了王建国,他说定期快到期了,到期前提醒我")
    assert note.follow_up_at.date() == date(2026, 12, 6) and note.follow_up_at.hour == hour
    assert read("王建国说理财到期的时候联系他").follow_up_at.date() == date(2027, 1, 4)
    assert read("王建国50万定期12月20日到期,到期前提醒我").follow_up_at.date() == date(2026, 12, 17)  # as written
    assert read("今天电话联系了王建国,他说定期快到期了,到期前提醒我", "C00000002").follow_up_at is None  # 活期 only
    assert service.read_note(staff, "他说定期快到期了,到期前提醒我", {}).follow_up_at is None  # no customer yet

"""To-do questions about a day or a range (issue #23): "明天的待办", "下周的待办"… read into a
period, the list of that period on the demo bank (the clock frozen at 2026-11-30 10:00, a
Monday), and the reply that says which days it is about."""
from datetime import date, datetime

import pytest
from sqlalchemy import select

from bot.clock import clock
from bot.models import AuditEntry
from bot.referrals.service import ReferralService
from bot.settings import Settings
from bot.visits.daily_list import DailyItem
from bot.visits.digest import morning_digest
from bot.visits.period import Period, tasks_period_asked
from bot.visits.replies import render_daily_list
from bot.visits.results import CompleteOutcome, ItemKind, VisitOutcome
from bot.visits.service import VisitService
from tests.bank_fixtures import as_staff


@pytest.fixture
def bank(memory_bank):
    """No SQL is under test here (which days a to-do question asks and the list of that period):
    the demo bank in memory (`Database.in_memory`), one run instead of SQLite and PostgreSQL."""
    return memory_bank


MON = date(2026, 11, 30)
WED = date(2026, 12, 2)


@pytest.mark.parametrize(
    "text,today,first,last,said",
    [
        ("明天的待办", MON, date(2026, 12, 1), date(2026, 12, 1), "明天"),
        ("后天要跟进谁", MON, date(2026, 12, 2), date(2026, 12, 2), "后天"),
        ("大后天有什么事", MON, date(2026, 12, 3), date(2026, 12, 3), "大后天"),
        ("周五有什么要办的", MON, date(2026, 12, 4), date(2026, 12, 4), "周五"),
        ("星期五要干啥", MON, date(2026, 12, 4), date(2026, 12, 4), "星期五"),
        ("下周的待办", MON, date(2026, 12, 7), date(2026, 12, 13), "下周"),
        ("下周三要跟进谁", MON, date(2026, 12, 9), date(2026, 12, 9), "下周三"),
        ("下下周的待办", MON, date(2026, 12, 14), date(2026, 12, 20), "下下周"),
        ("这周还有哪些要跟进", MON, MON, date(2026, 12, 6), "这周"),
        ("这周还有哪些要跟进", WED, WED, date(2026, 12, 6), "这周"),  # the rest of the week
        ("本周待办", WED, WED, date(2026, 12, 6), "本周"),
        ("周末有啥要办的", MON, date(2026, 12, 5), date(2026, 12, 6), "周末"),
        ("12月8号的待办", MON, date(2026, 12, 8), date(2026, 12, 8), None),  # a date: the reply gives it
        ("十二月八号要跟进谁", MON, date(2026, 12, 8), date(2026, 12, 8), None),
        ("12月8号到12月10号的待办", MON, date(2026, 12, 8), date(2026, 12, 10), None),
        ("明天和后天的待办", MON, date(2026, 12, 1), date(2026, 12, 2), "明天和后天"),
        ("明天到周五要跟进谁", MON, date(2026, 12, 1), date(2026, 12, 4), "明天到周五"),
        ("下个月的待办", MON, date(2026, 12, 1), date(2026, 12, 31), "下个月"),
        # A bare weekday ending a range is in the range's week, or the week after its start.
        ("下周一到周三的待办", MON, date(2026, 12, 7), date(2026, 12, 9), "下周一到周三"),
        ("下周二至周五要跟进谁", WED, date(2026, 12, 8), date(2026, 12, 11), "下周二至周五"),
        ("周五到周一的待办", MON, date(2026, 12, 4), date(2026, 12, 7), "周五到周一"),
        ("周三到周五的待办", MON, date(2026, 12, 2), date(2026, 12, 4), "周三到周五"),
        ("月底要办什么", date(2026, 12, 15), date(2026, 12, 31), date(2026, 12, 31), "月底"),
        ("3天内要跟进的", MON, MON, date(2026, 12, 3), "3天内"),
        ("昨天的待办", MON, date(2026, 11, 29), date(2026, 11, 29), "昨天"),  # what is still open
        ("上周的待办", MON, date(2026, 11, 23), date(2026, 11, 29), "上周"),
    ],
)
def test_the_days_a_question_asks_for(text, today, first, last, said):
    assert tasks_period_asked(text, today) == Period(first, last, said)


@pytest.mark.parametrize("text", ["我的待办", "今天要跟进哪些客户", "今天的待办", "下午要跟进谁", "待办", "有什么要办的",
                                  "月底的待办", ""])
def test_today_or_no_day_is_the_usual_list(text):
    # On 11-30, the last day of the month, "月底" is today.
    assert tasks_period_asked(text, MON) is None


# ------------------------------------------------------------------ the reply


def _item(number, name, reason, due, kind=ItemKind.FOLLOW_UP):
    return DailyItem(number, kind, f"C0000000{number}", name, reason, due, None, follow_up_id=number)


def test_the_reply_says_which_day_or_range_with_its_dates():
    items = [_item(1, "陈美玲", "跟进(明天到期):再打", date(2026, 12, 1))]
    tomorrow = Period(date(2026, 12, 1), date(2026, 12, 1), "明天")
    text = render_daily_list(items, MON, tomorrow)
    assert text.splitlines()[0] == "明天(12月1日 周二)的待办:"
    assert text.splitlines()[1] == "1. 陈美玲:跟进(明天到期):再打"
    assert render_daily_list([], MON, tomorrow) == "明天(12月1日)没有待办。"
    next_week = Period(date(2026, 12, 7), date(2026, 12, 13), "下周")
    assert render_daily_list(items, MON, next_week).startswith("下周(12月7日至12月13日)的待办:\n1. 陈美玲")
    assert render_daily_list([], MON, next_week) == "下周(12月7日至12月13日)没有待办。"
    assert render_daily_list(items, MON, Period(date(2026, 12, 8), date(2026, 12, 8))).startswith("12月8日(周二)的待办:")
    assert render_daily_list([], MON, Period(date(2026, 12, 8), date(2026, 12, 8))) == "12月8日没有待办。"
    assert render_daily_list(items, MON, Period(date(2026, 12, 4), date(2026, 12, 4), "周五")).startswith("周五(12月4日)的待办:")
    # today's list is as before
    assert render_daily_list(items, MON).startswith("11月30日待办(1条):")
    assert render_daily_list([], MON) == "11月30日没有待办。"


# ------------------------------------------------------------------ the list of a period, on the demo bank


@pytest.fixture
def service(bank):
    return VisitService(bank, Settings(database_url=bank.url))


def log(service, text, customer, key):
    draft = service.draft_visit(as_staff("wangfang"), text, {}, customer_in_context=customer)
    assert draft.outcome is VisitOutcome.READY, draft.outcome
    return service.log_visit(as_staff("wangfang"), customer, draft.note, key, "test")


@pytest.fixture
def follow_ups(service):
    """王芳's follow-ups: one overdue (due 11-27), one tomorrow, one on Thursday 12-03 afternoon."""
    with clock.frozen(datetime(2026, 11, 26, 10, 0)):
        log(service, "电话联系陈美玲,明天再打", "C00000005", "overdue")
    log(service, "电话联系王建国,明天再联系", "C00000001", "tomorrow")
    log(service, "给C00000002打电话,周四下午再联系", "C00000002", "thursday")  # the younger 王建国
    return service.open_follow_ups(as_staff("wangfang"))


def _follow_up_days(daily) -> list[tuple[str, date, bool]]:
    return [(i.customer_id, i.due, i.overdue) for i in daily.items if i.kind is ItemKind.FOLLOW_UP]


def test_tomorrows_list_has_tomorrows_follow_ups_and_not_the_overdue(service, follow_ups):
    assert len(follow_ups) == 3
    daily = service.daily_list(as_staff("wangfang"), MON, "test", tasks_period_asked("明天的待办", MON))
    assert _follow_up_days(daily) == [("C00000001", date(2026, 12, 1), False)]
    assert all(i.due == date(2026, 12, 1) for i in daily.items if i.kind is not ItemKind.REFERRAL)
    text = render_daily_list(daily.items, daily.today, daily.period)
    assert text.startswith("明天(12月1日 周二)的待办:\n1. 王建国:跟进(明天到期)")


def test_a_period_that_includes_today_has_the_overdue_follow_ups_first(service, follow_ups):
    daily = service.daily_list(as_staff("wangfang"), MON, "test", tasks_period_asked("这周还有哪些要跟进", MON))
    assert _follow_up_days(daily) == [("C00000005", date(2026, 11, 27), True), ("C00000001", date(2026, 12, 1), False),
                                      ("C00000002", date(2026, 12, 3), False)]
    assert daily.items[0].customer_name == "陈美玲" and "已逾期3天" in daily.items[0].reason
    assert [i.number for i in daily.items] == list(range(1, len(daily.items) + 1))
    thursday = next(i for i in daily.items if i.customer_id == "C00000002")
    assert "12月3日(周四)到期" in thursday.reason
    assert render_daily_list(daily.items, MON, daily.period).startswith("这周(11月30日至12月6日)的待办:")


def test_next_weeks_list_has_its_maturities_and_birthdays(service):
    daily = service.daily_list(as_staff("wangfang"), MON, "test", tasks_period_asked("下周的待办", MON))
    assert daily.items and all(date(2026, 12, 7) <= i.due <= date(2026, 12, 13) for i in daily.items)
    assert {i.kind for i in daily.items} == {ItemKind.MATURITY, ItemKind.BIRTHDAY}
    # 王建国's 50万 邮享定期1年 matures on Wednesday 12-09: on next week's list, not on today's
    # (today and the 7 days after it end on 12-07).
    [maturity] = [i for i in daily.items if i.customer_id == "C00000001"]
    assert maturity.kind is ItemKind.MATURITY and "50万 12月9日(周三)到期" in maturity.reason
    assert "C00000001" not in [i.customer_id for i in service.daily_list(as_staff("wangfang"), MON).items]
    text = render_daily_list(daily.items, MON, daily.period)
    assert text.startswith("下周(12月7日至12月13日)的待办:\n1. ")


def test_a_period_to_come_has_no_follow_up_due_outside_it(service, follow_ups):
    assert _follow_up_days(service.daily_list(as_staff("wangfang"), MON, "test", tasks_period_asked("下周的待办", MON))) == []
    assert _follow_up_days(service.daily_list(as_staff("wangfang"), MON, "test", tasks_period_asked("周四要跟进谁", MON))) == [
        ("C00000002", date(2026, 12, 3), False)]


def test_an_empty_day_says_so_with_its_date(service, follow_ups):
    daily = service.daily_list(as_staff("wangfang"), MON, "test", tasks_period_asked("后天要跟进谁", MON))
    assert daily.items == []
    assert render_daily_list(daily.items, MON, daily.period) == "后天(12月2日)没有待办。"


def test_a_past_day_lists_what_is_still_open_then(service, follow_ups):
    daily = service.daily_list(as_staff("wangfang"), MON, "test", tasks_period_asked("上周五的待办", MON))
    assert _follow_up_days(daily) == [("C00000005", date(2026, 11, 27), True)]


def test_referrals_waiting_are_on_every_period(service, bank):
    referrals = ReferralService(bank, Settings(database_url=bank.url))
    created = referrals.create(as_staff("zhangli"), "C00000005", "理财", "S0003", "想了解", "r1")
    for question in ("明天的待办", "下周的待办", "12月8号的待办"):
        daily = service.daily_list(as_staff("wangfang"), MON, "test", tasks_period_asked(question, MON))
        assert [i.referral_no for i in daily.items if i.kind is ItemKind.REFERRAL] == [created.referral.referral_no]


def test_a_follow_up_of_a_period_list_is_completed_by_its_number(service, follow_ups):
    daily = service.daily_list(as_staff("wangfang"), MON, "test", tasks_period_asked("这周的待办", MON))
    number = next(i.number for i in daily.items if i.customer_id == "C00000002")
    assert daily.refs[number - 1].startswith("follow_up:")
    assert service.complete(as_staff("wangfang"), number, daily.refs).outcome is CompleteOutcome.DONE
    again = service.daily_list(as_staff("wangfang"), MON, "test", tasks_period_asked("这周的待办", MON))
    assert "C00000002" not in [i.customer_id for i in again.items]


def _audited(bank, channel=None):
    with bank.unit_of_work() as session:
        query = select(AuditEntry).where(AuditEntry.shown == "daily_list").order_by(AuditEntry.id)
        if channel:
            query = query.where(AuditEntry.channel == channel)
        return [(a.staff_id, a.customer_id, a.channel, a.detail) for a in session.execute(query).scalars()]


def test_every_customer_on_a_list_is_audited_once(service, bank, follow_ups):
    daily = service.daily_list(as_staff("wangfang"), MON, "wecom", tasks_period_asked("下个月的待办", MON))
    shown = list(dict.fromkeys(i.customer_id for i in daily.items))
    assert len(shown) < len(daily.items)  # a customer with two items (a maturity and a birthday)
    trail = _audited(bank, "wecom")
    assert [customer for _, customer, _, _ in trail] == shown
    assert {detail for _, _, _, detail in trail} == {"待办 2026-12-01至2026-12-31"}
    today = service.daily_list(as_staff("wangfang"), MON, "matrix")
    assert [c for _, c, _, _ in _audited(bank, "matrix")] == list(dict.fromkeys(i.customer_id for i in today.items))


def test_the_morning_digest_audits_the_customers_it_sends(bank, follow_ups):
    report = morning_digest(bank, datetime(2026, 12, 1, 8, 40, tzinfo=clock.tz), Settings(database_url=bank.url))
    assert report.sent
    trail = _audited(bank, "daily_digest")
    assert ("C00000001" in {c for _, c, _, _ in trail})  # 王建国's follow-up is due that morning
    assert {detail for _, _, _, detail in trail} == {"待办 2026-12-01"}


def test_the_morning_digest_audits_every_customer_of_every_list_it_sends(bank, follow_ups):
    """Each person's digest: one audit row for each customer on it, in that person's name; sent
    again the same morning, nothing (and no audit row) is added."""
    from bot.access import identify_staff
    from bot.models import Staff
    from bot.visits.daily_list import build_daily_list

    moment = datetime(2026, 12, 1, 8, 40, tzinfo=clock.tz)
    report = morning_digest(bank, moment, Settings(database_url=bank.url))
    trail = _audited(bank, "daily_digest")
    with bank.unit_of_work() as session:
        for staff_id, count in report.sent:
            chat_id = session.get(Staff, staff_id).chat_id
            shown = build_daily_list(session, identify_staff(session, chat_id), date(2026, 12, 1))
            assert len(shown) == count
            assert [c for s, c, _, _ in trail if s == staff_id] == list(dict.fromkeys(i.customer_id for i in shown))
    assert {s for s, _, _, _ in trail} == {s for s, count in report.sent if count}
    assert len(trail) >= 3  # 王芳's list alone has 王建国 ×2 and more
    morning_digest(bank, moment, Settings(database_url=bank.url))
    assert _audited(bank, "daily_digest") == trail


@pytest.mark.parametrize("text,first,said", [
    ("我最近联系过谁", date(2026, 11, 24), "最近7天"),
    ("最近一个月我都拜访过哪些客户", date(2026, 11, 1), "最近一个月"),
    ("近两周联系了谁", date(2026, 11, 17), "近两周"),
    ("最近半个月见了几个客户", date(2026, 11, 16), "最近半个月"),
    ("上周拜访了哪些客户", date(2026, 11, 23), "上周"),
    ("我今天联系了谁", MON, "今天"),
])
def test_the_days_a_question_about_her_own_contacts_asks(text, first, said):
    from bot.visits.contacts import contacts_period_asked

    period = contacts_period_asked(text, MON)
    assert (period.first, period.said) == (first, said)
    assert period.last == (date(2026, 11, 29) if said == "上周" else MON)  # never after today

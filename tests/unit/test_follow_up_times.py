"""The follow-up time a visit note sets (issue #23): the time of day said is kept ("下周三下午" is
14:00, not 09:00), the default hour applies only when no part of the day was said, 月底 is the
last day of the month and a deadline is due on its last day. Now: Monday 2026-11-30 10:00."""
from datetime import datetime

import pytest

from bot.clock import clock
from bot.visits.notes.parser import parse_visit_note

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=clock.tz)


@pytest.mark.parametrize(
    "note,due",
    [
        ("上门拜访王建国,约了下周三下午再谈", "2026-12-09 14:00"),
        ("上门拜访王建国,约了下周三再谈", "2026-12-09 09:00"),
        ("上门拜访王建国,约了下周三下午三点半再谈", "2026-12-09 15:30"),
        ("电话联系王建国,明早再打", "2026-12-01 09:00"),
        ("电话联系王建国,明天中午再打", "2026-12-01 12:00"),
        ("电话联系王建国,明天傍晚再打", "2026-12-01 17:00"),
        ("电话联系王建国,他说周五晚上再联系", "2026-12-04 19:00"),
        ("王建国来网点,下个月底再联系", "2026-12-31 09:00"),
        # The month ends today (Monday 11-30, written at 10:00): due at the next full hour, not
        # at 09:00, which would be overdue the moment the note is saved.
        ("王建国来网点,月底前回访", "2026-11-30 11:00"),
        ("王建国来网点,年底前再联系", "2026-12-31 09:00"),
        ("王建国来网点,本周内再联系", "2026-12-06 09:00"),
        ("王建国说3天内给答复,到时跟进", "2026-12-03 09:00"),
    ],
)
def test_the_follow_up_keeps_the_time_said(note, due):
    follow_up = parse_visit_note(note, NOW, customer_names=["王建国"]).follow_up_at
    assert follow_up == datetime.fromisoformat(due).replace(tzinfo=clock.tz)


def test_the_default_hour_is_for_a_day_without_a_part_of_the_day_only():
    def due(note):
        return parse_visit_note(note, NOW, customer_names=["王建国"], follow_up_hour=10).follow_up_at.strftime("%m-%d %H:%M")

    assert due("王建国来网点,下周三再谈") == "12-09 10:00"
    assert due("王建国来网点,下周三下午再谈") == "12-09 14:00"
    assert due("王建国来网点,下周三上午再谈") == "12-09 09:00"

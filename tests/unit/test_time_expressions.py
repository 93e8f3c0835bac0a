from datetime import datetime, timedelta

import pytest

from bot.clock import clock
from bot.settings import Settings
from bot.vocabulary.time_expressions import (
    find_time_expressions,
    moves_a_time,
    parse_time_expression,
    rescheduled,
)

TZ = clock.tz


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


MON = at("2026-11-30 10:00")  # a Monday, the last day of the month
SUN = at("2026-11-29 10:00")  # a Sunday
SAT = at("2026-12-05 10:00")  # a Saturday
DEC = at("2026-12-15 10:00")  # December: "1/5", "三月份" are next year's
JAN3 = at("2027-01-03 10:00")  # early January: "12月28号" is last year's
JAN31 = at("2027-01-31 10:00")  # month end before February; before the Spring Festival (2027-02-06)
FEB = at("2027-02-10 10:00")  # inside the Spring Festival week
LEAP = at("2028-02-27 10:00")  # February of a leap year
LEAP_JAN31 = at("2028-01-31 10:00")
LEAP_DAY = at("2028-02-29 10:00")
EVENING = at("2026-11-30 20:00")

NOW = "now"  # expected begins: the base time itself

# expression, base time, begins, ends, has a time of day
CASES = [
    # days
    ("今天", MON, "2026-11-30", "2026-12-01", False),
    ("明天", MON, "2026-12-01", "2026-12-02", False),
    ("后天", MON, "2026-12-02", "2026-12-03", False),
    ("大后天", MON, "2026-12-03", "2026-12-04", False),
    ("昨天", MON, "2026-11-29", "2026-11-30", False),
    ("前天", MON, "2026-11-28", "2026-11-29", False),
    ("明天", LEAP, "2028-02-28", "2028-02-29", False),
    ("后天", LEAP, "2028-02-29", "2028-03-01", False),
    # parts of the day
    ("今早", MON, "2026-11-30 06:00", "2026-11-30 09:00", True),
    ("明早", MON, "2026-12-01 06:00", "2026-12-01 09:00", True),
    ("今晚", MON, "2026-11-30 18:00", "2026-11-30 22:00", True),
    ("明晚", MON, "2026-12-01 18:00", "2026-12-01 22:00", True),
    ("明天上午", MON, "2026-12-01 08:00", "2026-12-01 12:00", True),
    ("明天中午", MON, "2026-12-01 11:00", "2026-12-01 13:00", True),
    ("明天下午", MON, "2026-12-01 13:00", "2026-12-01 18:00", True),
    ("明天晚上", MON, "2026-12-01 18:00", "2026-12-01 22:00", True),
    ("明天早上", MON, "2026-12-01 06:00", "2026-12-01 09:00", True),
    ("上午", MON, "2026-11-30 08:00", "2026-11-30 12:00", True),
    ("下午", MON, "2026-11-30 13:00", "2026-11-30 18:00", True),
    ("下午", EVENING, "2026-11-30 13:00", "2026-11-30 18:00", True),  # today's, even when over
    # clock times
    ("三点", MON, "2026-11-30 15:00", "2026-11-30 15:01", True),  # 1–6 点 alone: afternoon
    ("3点", MON, "2026-11-30 15:00", "2026-11-30 15:01", True),
    ("两点", MON, "2026-11-30 14:00", "2026-11-30 14:01", True),
    ("1点", MON, "2026-11-30 13:00", "2026-11-30 13:01", True),
    ("八点", MON, "2026-11-30 08:00", "2026-11-30 08:01", True),  # 7–12 点 alone: morning
    ("下午三点半", MON, "2026-11-30 15:30", "2026-11-30 15:31", True),
    ("下午3:30", MON, "2026-11-30 15:30", "2026-11-30 15:31", True),
    ("15:30", MON, "2026-11-30 15:30", "2026-11-30 15:31", True),
    ("3:30", MON, "2026-11-30 15:30", "2026-11-30 15:31", True),
    ("十点一刻", MON, "2026-11-30 10:15", "2026-11-30 10:16", True),
    ("九点四十五", MON, "2026-11-30 09:45", "2026-11-30 09:46", True),
    ("九点零五", MON, "2026-11-30 09:05", "2026-11-30 09:06", True),
    ("三点整", MON, "2026-11-30 15:00", "2026-11-30 15:01", True),
    ("15时30分", MON, "2026-11-30 15:30", "2026-11-30 15:31", True),
    ("上午十一点", MON, "2026-11-30 11:00", "2026-11-30 11:01", True),
    ("中午1点", MON, "2026-11-30 13:00", "2026-11-30 13:01", True),
    ("中午12点", MON, "2026-11-30 12:00", "2026-11-30 12:01", True),
    ("晚上十二点", MON, "2026-12-01 00:00", "2026-12-01 00:01", True),  # midnight ending the day
    ("凌晨2点", MON, "2026-11-30 02:00", "2026-11-30 02:01", True),
    ("后天下午三点半", MON, "2026-12-02 15:30", "2026-12-02 15:31", True),
    ("明晚八点", MON, "2026-12-01 20:00", "2026-12-01 20:01", True),
    ("明天一点", MON, "2026-12-01 13:00", "2026-12-01 13:01", True),
    ("2027-01-05 15:30", MON, "2027-01-05 15:30", "2027-01-05 15:31", True),
    # weekdays (weeks run Monday to Sunday)
    ("周五", MON, "2026-12-04", "2026-12-05", False),
    ("星期五", MON, "2026-12-04", "2026-12-05", False),
    ("礼拜五", MON, "2026-12-04", "2026-12-05", False),
    ("这周五", MON, "2026-12-04", "2026-12-05", False),
    ("本周五", MON, "2026-12-04", "2026-12-05", False),
    ("周一", MON, "2026-11-30", "2026-12-01", False),  # today is not past
    ("下周一", MON, "2026-12-07", "2026-12-08", False),
    ("下周三", MON, "2026-12-09", "2026-12-10", False),
    ("下星期三", MON, "2026-12-09", "2026-12-10", False),
    ("下礼拜三", MON, "2026-12-09", "2026-12-10", False),
    ("下下周三", MON, "2026-12-16", "2026-12-17", False),
    ("上周二", MON, "2026-11-24", "2026-11-25", False),
    ("周五下午三点", MON, "2026-12-04 15:00", "2026-12-04 15:01", True),
    ("下周三上午十点", MON, "2026-12-09 10:00", "2026-12-09 10:01", True),
    ("周五晚八点", MON, "2026-12-04 20:00", "2026-12-04 20:01", True),
    ("周一", SUN, "2026-11-30", "2026-12-01", False),
    ("下周一", SUN, "2026-11-30", "2026-12-01", False),
    ("周五", SUN, "2026-12-04", "2026-12-05", False),
    ("这周五", SUN, "2026-11-27", "2026-11-28", False),  # this week's even if past
    ("周日", SUN, "2026-11-29", "2026-11-30", False),
    ("上周二", SUN, "2026-11-17", "2026-11-18", False),
    ("周五", SAT, "2026-12-11", "2026-12-12", False),  # past this week: next week's
    ("这周五", SAT, "2026-12-04", "2026-12-05", False),
    ("周六", SAT, "2026-12-05", "2026-12-06", False),
    # weeks and weekends
    ("下周", MON, "2026-12-07", "2026-12-14", False),
    ("这周", MON, "2026-11-30", "2026-12-07", False),
    ("本周", MON, "2026-11-30", "2026-12-07", False),
    ("下周", SUN, "2026-11-30", "2026-12-07", False),
    ("周末", MON, "2026-12-05", "2026-12-07", False),
    ("这周末", MON, "2026-12-05", "2026-12-07", False),
    ("下周末", MON, "2026-12-12", "2026-12-14", False),
    ("周末", SUN, "2026-11-28", "2026-11-30", False),
    ("下周末", SUN, "2026-12-05", "2026-12-07", False),
    # durations from now
    ("3天后", MON, "2026-12-03", "2026-12-04", False),
    ("三天后", MON, "2026-12-03", "2026-12-04", False),
    ("两天以后", MON, "2026-12-02", "2026-12-03", False),
    ("过两天", MON, "2026-12-02", "2026-12-04", False),  # vague: the 2nd and 3rd day
    ("过几天", MON, "2026-12-02", "2026-12-06", False),
    ("一周后", MON, "2026-12-07", "2026-12-08", False),
    ("两周后", MON, "2026-12-14", "2026-12-15", False),
    ("两个星期后", MON, "2026-12-14", "2026-12-15", False),
    ("半个月后", MON, "2026-12-15", "2026-12-16", False),
    ("一个月后", MON, "2026-12-30", "2026-12-31", False),
    ("3个月后", MON, "2027-02-28", "2027-03-01", False),  # Feb 30 does not exist
    ("一个月后", JAN31, "2027-02-28", "2027-03-01", False),
    ("一个月后", LEAP_JAN31, "2028-02-29", "2028-03-01", False),
    ("一年后", LEAP_DAY, "2029-02-28", "2029-03-01", False),
    ("半年后", MON, "2027-05-30", "2027-05-31", False),
    ("三年前", MON, "2023-11-30", "2023-12-01", False),
    ("两小时后", MON, "2026-11-30 12:00", "2026-11-30 12:01", True),
    ("半小时后", MON, "2026-11-30 10:30", "2026-11-30 10:31", True),
    ("三天内", MON, NOW, "2026-12-04", False),
    ("一会儿", MON, NOW, "2026-11-30 12:00", True),
    ("待会", MON, NOW, "2026-11-30 12:00", True),
    ("马上", MON, NOW, "2026-11-30 12:00", True),
    # months
    ("下个月", MON, "2026-12-01", "2027-01-01", False),
    ("下个月5号", MON, "2026-12-05", "2026-12-06", False),
    ("下月初", MON, "2026-12-01", "2026-12-06", False),
    # 月底/月末 is the month's last day (issue #23: not the Sunday 12-27 four days before 12-31)
    ("下月底", MON, "2026-12-31", "2027-01-01", False),
    ("月底", MON, "2026-11-30", "2026-12-01", False),
    ("月初", MON, "2026-12-01", "2026-12-06", False),  # this month's is over
    ("月中", MON, "2026-12-11", "2026-12-21", False),
    ("这个月底", MON, "2026-11-30", "2026-12-01", False),
    ("本月底", MON, "2026-11-30", "2026-12-01", False),
    ("月底前", MON, NOW, "2026-12-01", False),
    ("下月底前", MON, NOW, "2027-01-01", False),
    ("周末前", MON, NOW, "2026-12-05", False),  # before the weekend begins
    ("下个月", DEC, "2027-01-01", "2027-02-01", False),
    ("下个月5号", DEC, "2027-01-05", "2027-01-06", False),
    ("月底", JAN31, "2027-01-31", "2027-02-01", False),  # a Sunday: still the last day
    ("下月底", JAN31, "2027-02-28", "2027-03-01", False),
    ("月底", LEAP, "2028-02-29", "2028-03-01", False),
    # years
    ("年底", MON, "2026-12-31", "2027-01-01", False),
    ("年底前", MON, NOW, "2027-01-01", False),
    ("年初", MON, "2027-01-01", "2027-02-01", False),  # this year's is over
    ("明年", MON, "2027-01-01", "2028-01-01", False),
    ("明年初", MON, "2027-01-01", "2027-02-01", False),
    ("明年三月", MON, "2027-03-01", "2027-04-01", False),
    ("今年内", MON, NOW, "2027-01-01", False),
    ("2027年", MON, "2027-01-01", "2028-01-01", False),
    # dates
    ("三月份", MON, "2027-03-01", "2027-04-01", False),
    ("3月5号", MON, "2027-03-05", "2027-03-06", False),
    ("3月5日", MON, "2027-03-05", "2027-03-06", False),
    ("三月五号", MON, "2027-03-05", "2027-03-06", False),
    ("12月31日", MON, "2026-12-31", "2027-01-01", False),
    ("十二月三十一号", MON, "2026-12-31", "2027-01-01", False),
    ("11月28号", MON, "2026-11-28", "2026-11-29", False),  # two days ago, not next year
    ("2027年1月5日", MON, "2027-01-05", "2027-01-06", False),
    ("二〇二七年一月五日", MON, "2027-01-05", "2027-01-06", False),
    ("2027-01-05", MON, "2027-01-05", "2027-01-06", False),
    ("2027/1/5", MON, "2027-01-05", "2027-01-06", False),
    ("1/5", MON, "2027-01-05", "2027-01-06", False),  # month/day
    ("1/5", DEC, "2027-01-05", "2027-01-06", False),
    ("三月份", DEC, "2027-03-01", "2027-04-01", False),
    ("12月1号", DEC, "2026-12-01", "2026-12-02", False),
    ("12月28号", JAN3, "2026-12-28", "2026-12-29", False),
    ("5号", MON, "2026-12-05", "2026-12-06", False),
    ("28号", MON, "2026-11-28", "2026-11-29", False),
    ("2月29号", LEAP, "2028-02-29", "2028-03-01", False),
    ("2028年2月29日", MON, "2028-02-29", "2028-03-01", False),
    ("12月31日前", MON, NOW, "2027-01-01", False),
    ("3月5号下午两点", MON, "2027-03-05 14:00", "2027-03-05 14:01", True),
    # holidays
    ("春节前", MON, NOW, "2027-02-06", False),
    ("春节后", MON, "2027-02-13", "2027-02-27", False),
    ("年后", MON, "2027-02-13", "2027-02-27", False),
    ("年前", MON, NOW, "2027-02-06", False),
    ("春节", JAN31, "2027-02-06", "2027-02-13", False),
    ("春节", FEB, "2027-02-06", "2027-02-13", False),  # the current one has not ended
    ("春节后", FEB, "2027-02-13", "2027-02-27", False),
    ("春节前", FEB, NOW, "2028-01-26", False),  # this year's has begun: next year's
    ("元旦", MON, "2027-01-01", "2027-01-02", False),
    ("国庆", MON, "2027-10-01", "2027-10-08", False),
    ("国庆后", MON, "2027-10-08", "2027-10-22", False),
    ("中秋", MON, "2027-09-15", "2027-09-16", False),
    ("五一", MON, "2027-05-01", "2027-05-06", False),
]


def _expected(text: str, base: datetime) -> datetime:
    return base if text == NOW else at(text)


@pytest.mark.parametrize("text,base,begins,ends,has_time", CASES, ids=[f"{c[0]}@{c[1]:%m-%d}" for c in CASES])
def test_expressions(text, base, begins, ends, has_time):
    span = parse_time_expression(text, base)
    assert span is not None, text
    assert (span.begins, span.ends, span.has_time_of_day) == (_expected(begins, base), _expected(ends, base), has_time)
    assert span.text == text and (span.start, span.end) == (0, len(text))
    assert span.begins.tzinfo == TZ


def test_enough_cases():
    assert len(CASES) >= 80


@pytest.mark.parametrize(
    "text,base",
    [("2月29号", MON), ("2027年2月29日", MON), ("2月30号", LEAP), ("13月5号", MON), ("春节", at("2040-03-01 10:00")),
     ("明天见", MON), ("", MON), ("下周三和周五", MON), ("下个月前", MON)],
)
def test_not_one_expression(text, base):
    assert parse_time_expression(text, base) is None


def test_blanks_and_a_final_full_stop_around_a_whole_expression():
    span = parse_time_expression("  明天下午。", MON)
    assert (span.text, span.start, span.end, span.begins) == ("明天下午", 2, 6, at("2026-12-01 13:00"))


def test_point_is_the_time_of_day_or_the_default_hour():
    assert parse_time_expression("下周三", MON).point == at("2026-12-09 09:00")
    assert parse_time_expression("下周三", MON, default_hour=14).point == at("2026-12-09 14:00")
    assert parse_time_expression("下午三点半", MON).point == at("2026-11-30 15:30")
    assert parse_time_expression("明天下午", MON).point == at("2026-12-01 14:00")
    # a deadline is due on its last day; never before now
    assert parse_time_expression("年底前", EVENING).point == at("2026-12-31 09:00")
    assert parse_time_expression("年底前", at("2026-12-31 15:00")).point == at("2026-12-31 15:00")


def test_default_follow_up_hour_is_a_setting():
    assert Settings().follow_up_default_hour == 9
    assert Settings.from_env({"FOLLOW_UP_DEFAULT_HOUR": "10"}).follow_up_default_hour == 10
    with pytest.raises(ValueError):
        Settings.from_env({"FOLLOW_UP_DEFAULT_HOUR": "24"})


def test_now_in_another_time_zone_is_read_as_bank_time():
    utc_evening = datetime.fromisoformat("2026-11-30T17:00:00+00:00")  # 01:00 on 12-01 in Shanghai
    assert parse_time_expression("今天", utc_evening).begins == at("2026-12-01")


def _found(text: str, base: datetime = MON) -> list[tuple[str, datetime, datetime]]:
    spans = find_time_expressions(text, base)
    for span in spans:
        assert text[span.start:span.end] == span.text
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
    return [(s.text, s.begins, s.ends) for s in spans]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("今天上门拜访了王建国,他下个月有50万定期到期,约了下周三再谈",
         [("今天", at("2026-11-30"), at("2026-12-01")), ("下个月", at("2026-12-01"), at("2027-01-01")),
          ("下周三", at("2026-12-09"), at("2026-12-10"))]),
        ("陈美玲说3天后再来网点,想了解基金定投,约下午两点",
         [("3天后", at("2026-12-03"), at("2026-12-04")), ("下午两点", at("2026-11-30 14:00"), at("2026-11-30 14:01"))]),
        ("电话回访李秀英,她年底前有一笔3.5万元的理财到期,春节后再联系",
         [("年底前", MON, at("2027-01-01")), ("春节后", at("2027-02-13"), at("2027-02-27"))]),
        ("客户C00000001(手机13912345678)存了3000元,明天上午十点复访",
         [("明天上午十点", at("2026-12-01 10:00"), at("2026-12-01 10:01"))]),
        ("客户说过两天来办,让我周五前把资料准备好",
         [("过两天", at("2026-12-02"), at("2026-12-04")), ("周五前", MON, at("2026-12-05"))]),
        ("下周一起去拜访王建国,他12月31日有20万到期",  # 一起 = together
         [("下周", at("2026-12-07"), at("2026-12-14")), ("12月31日", at("2026-12-31"), at("2027-01-01"))]),
        ("他每周五下午都来网点,这次约了下周五上午", [("下周五上午", at("2026-12-11 08:00"), at("2026-12-11 12:00"))]),
        ("有三点要求:明早九点前到网点,带好身份证", [("明早九点", at("2026-12-01 09:00"), at("2026-12-01 09:01"))]),
        ("２０２７年１月５日到期，１２：３０打电话",
         [("２０２７年１月５日", at("2027-01-05"), at("2027-01-06")), ("１２：３０", at("2026-11-30 12:30"), at("2026-11-30 12:31"))]),
        ("下午3:30在5号窗口办理,利率下降了0.3个点", [("下午3:30", at("2026-11-30 15:30"), at("2026-11-30 15:31"))]),
        ("他说一会儿过来,明天晚一点再说", [("一会儿", MON, at("2026-11-30 12:00")), ("明天", at("2026-12-01"), at("2026-12-02"))]),
    ],
)
def test_expressions_in_visit_notes(text, expected):
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "50万", "3.5万元", "20万", "3000元", "3天", "存了3天", "13912345678", "C00000001", "客户号C00000001",
        "身份证110101199003074514", "最近", "最近谁联系过他", "最近到期的是一年期定期", "三个月定期", "年化3.5%",
        "5号窗口", "第3号", "占1/5", "1/5的客户", "有两点建议", "利率三点五", "三点五万", "晚一点", "早一点联系",
        "每周五下午", "每月5号扣款", "几年前", "十多年后", "2月29号",
    ],
)
def test_no_time_in(text):
    assert find_time_expressions(text, MON) == []


# ------------------------------------------------------------------ issue #23: 月底, parts of the day, 下周X


@pytest.mark.parametrize(
    "text,base,last_day",
    [
        ("月底", MON, "2026-11-30"),  # said on the last day: today
        ("月末", at("2026-11-10 10:00"), "2026-11-30"),
        ("下个月底", MON, "2026-12-31"),  # not Sunday 12-27
        ("下月末", MON, "2026-12-31"),
        ("月底", at("2027-02-03 10:00"), "2027-02-28"),  # February
        ("月底", at("2028-02-03 10:00"), "2028-02-29"),  # February of a leap year
        ("月底", at("2027-01-05 10:00"), "2027-01-31"),  # a Sunday: the last day all the same
        ("下个月底", at("2027-04-20 10:00"), "2027-05-31"),  # a Monday after a weekend
        ("这个月底", at("2027-10-08 10:00"), "2027-10-31"),  # a Sunday
        ("下下个月底", MON, "2027-01-31"),
        ("今年年底", MON, "2026-12-31"),
        ("年末", at("2026-03-01 10:00"), "2026-12-31"),
        ("明年年底", MON, "2027-12-31"),
        ("12月底", MON, "2026-12-31"),
        ("2027年2月底", MON, "2027-02-28"),
    ],
)
def test_the_end_of_a_month_or_year_is_its_last_day(text, base, last_day):
    span = parse_time_expression(text, base)
    assert (span.begins, span.ends) == (at(last_day), at(last_day) + timedelta(days=1)), text
    assert span.point == at(last_day + " 09:00")


@pytest.mark.parametrize(
    "text,base,due",
    [
        ("月底前", at("2026-11-10 10:00"), "2026-11-30 09:00"),  # the same day as 月底
        ("下个月底前", MON, "2026-12-31 09:00"),
        ("年底前", MON, "2026-12-31 09:00"),
        ("周五前", MON, "2026-12-04 09:00"),
        ("周末前", MON, "2026-12-04 09:00"),  # the weekend begins Saturday: due Friday
        ("本周内", MON, "2026-12-06 09:00"),
        ("三天内", MON, "2026-12-03 09:00"),
        ("月底前", MON, "2026-11-30 10:00"),  # the last day is today: now, not 09:00 this morning
    ],
)
def test_a_deadline_is_due_on_its_last_day(text, base, due):
    span = parse_time_expression(text, base)
    assert span.begins == base and span.deadline
    assert span.point == at(due)


@pytest.mark.parametrize(
    "text,point",
    [
        ("明天早上", "2026-12-01 09:00"),
        ("明早", "2026-12-01 09:00"),
        ("明天上午", "2026-12-01 09:00"),
        ("明天中午", "2026-12-01 12:00"),
        ("下周三下午", "2026-12-09 14:00"),
        ("周五傍晚", "2026-12-04 17:00"),
        ("明天晚上", "2026-12-01 19:00"),
        ("今晚", "2026-11-30 19:00"),
        ("下午", "2026-11-30 14:00"),
        ("月底下午", "2026-11-30 14:00"),
        # an explicit hour always wins
        ("下午三点半", "2026-11-30 15:30"),
        ("下周三下午四点", "2026-12-09 16:00"),
        ("明天上午十点", "2026-12-01 10:00"),
        ("明早八点", "2026-12-01 08:00"),
        ("晚上8点", "2026-11-30 20:00"),
        ("中午12:30", "2026-11-30 12:30"),
    ],
)
def test_a_part_of_the_day_is_scheduled_at_its_usual_hour_unless_an_hour_is_said(text, point):
    span = parse_time_expression(text, MON)
    assert span.has_time_of_day
    assert span.point == at(point)
    # the default hour is for days said without a part of the day only
    assert parse_time_expression(text, MON, default_hour=10).point == at(point)


def test_the_default_hour_applies_only_without_a_part_of_the_day():
    assert parse_time_expression("下周三", MON, default_hour=10).point == at("2026-12-09 10:00")
    assert parse_time_expression("下周三下午", MON, default_hour=10).point == at("2026-12-09 14:00")


WEEK = [at(f"2026-12-{day:02d} 10:00") for day in range(7, 14)]  # Monday 12-07 .. Sunday 12-13


@pytest.mark.parametrize("base", WEEK, ids=[f"{b:%a}" for b in WEEK])
def test_next_week_days_from_each_weekday(base):
    # "下周X" is in the week after the one `base` is in, whatever day `base` is (weeks run Mon-Sun).
    for word, day in (("下周一", 14), ("下周三", 16), ("下周四", 17), ("下周五", 18), ("下周日", 20), ("下星期二", 15)):
        assert parse_time_expression(word, base).begins == at(f"2026-12-{day}"), (word, base)
    assert parse_time_expression("下下周一", base).begins == at("2026-12-21")
    assert parse_time_expression("这周五", base).begins == at("2026-12-11")  # even when it has passed
    # bare "周五": this week's unless it has passed, then next week's
    friday = parse_time_expression("周五", base).begins
    assert friday == (at("2026-12-11") if base.day <= 11 else at("2026-12-18"))


@pytest.mark.parametrize(
    "text,base,begins,ends",
    [
        ("大后天", MON, "2026-12-03", "2026-12-04"),
        ("大后天", at("2026-12-30 10:00"), "2027-01-02", "2027-01-03"),
        ("月初", MON, "2026-12-01", "2026-12-06"),
        ("下个月初", MON, "2026-12-01", "2026-12-06"),
        ("下个月中", MON, "2026-12-11", "2026-12-21"),
        ("下周", SAT, "2026-12-07", "2026-12-14"),
        ("下周三", SUN, "2026-12-02", "2026-12-03"),  # on Sunday next week starts tomorrow
    ],
)
def test_more_days_relative_to_when_the_note_was_written(text, base, begins, ends):
    span = parse_time_expression(text, base)
    assert (span.begins, span.ends) == (at(begins), at(ends))


def test_the_time_of_day_is_bank_time_whatever_the_clock_of_the_caller():
    utc = datetime.fromisoformat("2026-11-30T16:30:00+00:00")  # 00:30 on Tuesday 12-01 in Shanghai
    span = parse_time_expression("明天下午", utc)
    assert span.point == at("2026-12-02 14:00") and span.point.tzinfo == TZ


# ------------------------------------------------------------------ corrections: rescheduled


PM = at("2026-12-09 14:00")  # the follow-up shown: 下周三下午
AM9 = at("2026-12-09 09:00")  # the follow-up shown: 下周三 (the default hour)


@pytest.mark.parametrize(
    "text,previous,expected",
    [
        ("不是下周三,是下周四", AM9, "2026-12-10 09:00"),
        ("不是下周三,是下周四", PM, "2026-12-10 14:00"),  # keeps the time of day said before
        ("不是下周三,是下周四", None, "2026-12-10 09:00"),
        ("不是下周三下午,是下周四", None, "2026-12-10 14:00"),  # the time of day in the message itself
        ("不是下周三下午,是下周四上午", PM, "2026-12-10 09:00"),
        ("下周四,不是下周三", PM, "2026-12-10 14:00"),
        ("改到周五下午", AM9, "2026-12-04 14:00"),
        ("改到周五下午三点", AM9, "2026-12-04 15:00"),
        ("跟进时间改成下周五", AM9, "2026-12-11 09:00"),
        ("推到下个月初", PM, "2026-12-01 14:00"),
        ("提前到明天", AM9, "2026-12-01 09:00"),
        ("改成月底", None, "2026-11-30 09:00"),
        ("改到下午三点", PM, "2026-12-09 15:00"),  # a time of day alone keeps the day
        ("不是三点,是四点", PM, "2026-12-09 16:00"),
        ("不是下周三三点,是四点", None, "2026-12-09 16:00"),
    ],
)
def test_a_correction_takes_its_last_time_and_keeps_what_it_leaves_out(text, previous, expected):
    assert rescheduled(text, MON, previous) == at(expected)


@pytest.mark.parametrize("text", ["不是下周三", "不是昨天,是前天", "改到上周五", "不是电话,是上门", "好的"])
def test_a_correction_without_a_time_to_come_moves_nothing(text):
    assert rescheduled(text, MON, PM) is None


@pytest.mark.parametrize("text,moves", [
    ("不是下周三,是下周四", True), ("下周四,不是下周三", True), ("改到周五下午", True), ("推到下个月初", True),
    ("提前到明天", True), ("延后两天", True), ("下周四", False), ("确认", False), ("他下周四来", False),
])
def test_moving_wording(text, moves):
    assert moves_a_time(text) is moves


def test_a_look_is_not_the_week_after_next():
    from datetime import date

    from bot.visits.period import days_named

    monday = date(2026, 11, 30)
    assert days_named("帮我找一下下个月定期到期的客户", monday).first == date(2026, 12, 1)
    assert days_named("看一下下周的待办", monday).first == date(2026, 12, 7)
    assert days_named("下下周的待办", monday).first == date(2026, 12, 14)

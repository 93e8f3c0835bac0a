"""Visit notes as staff type them, read field by field against a fixed now:
Monday 2026-11-30 10:00 in the bank's time zone (Asia/Shanghai)."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.visits.notes.amounts import find_amounts
from bot.visits.notes.parser import parse_visit_note
from bot.visits.notes.results import EventKind
from bot.visits.notes.tags import is_tag_phrase

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CATALOGUE = {"邮享定期1年": "存款", "大额存单3年": "存款", "鑫享理财1年": "理财", "稳享理财90天": "理财",
             "沪深300指数基金": "基金", "颐养年金保险(养老)": "保险", "个人住房贷款": "贷款", "积存金": "贵金属"}
STAFF = ["王芳", "陈静", "张丽", "刘伟"]
CUSTOMERS = ["王建国", "陈美玲", "李秀英", "赵敏", "周大福", "欧阳娜娜", "孙红"]
W = lambda n: Decimal(n)  # noqa: E731

# text, expected fields. Fields left out are not checked for that note; `tags`, `amounts`,
# `categories` and `follow` are checked exactly when given (None/() meaning "none").
NOTES = [
    ("上午去王建国家上门,50万定期下个月到期,想转大额存单,约了下周三再谈",
     dict(names=["王建国"], channel="上门", happened=date(2026, 11, 30), categories={"存款"}, amounts=[W(500000)],
          follow=date(2026, 12, 9), tags={"意向:大额存单"}, events=[("maturity", W(500000), "存款", date(2026, 12, 1))])),
    ("昨天下午给陈美玲打电话,对保险不感兴趣,但想了解基金定投",
     dict(names=["陈美玲"], channel="电话", happened=date(2026, 11, 29), categories={"保险", "基金"},
          follow=None, tags={"不感兴趣:保险", "意向:基金定投"})),
    ("李秀英来网点,存了五十万定期,提醒我12月15号回访",
     dict(names=["李秀英"], channel="到店", amounts=[W(500000)], follow=date(2026, 12, 15), tags={"已购:存款"},
          events=[("purchase", W(500000), "存款", None)])),
    ("微信联系了13912345678,有房贷需求,下周再联系",
     dict(phones=["13912345678"], channel="微信", categories={"贷款"}, follow=date(2026, 12, 7), tags={"有房贷需求"})),
    ("C00000005到店买了20w理财",
     dict(ids=["C00000005"], channel="到店", amounts=[W(200000)], tags={"已购:理财"}, follow=None)),
    ("聊了基金定投,有兴趣", dict(channel="到店", channel_given=False, tags={"意向:基金定投"}, follow=None)),
    ("给赵敏打了个电话,她说这周五来网点办", dict(names=["赵敏"], channel="电话", follow=date(2026, 12, 4), tags=set())),
    ("电联王建国,客户不需要保险,也不考虑基金", dict(names=["王建国"], channel="电话", tags={"不感兴趣:保险", "不感兴趣:基金"})),
    ("拜访陈美玲,她有一笔30万的鑫享理财1年明年3月到期,到时候想买大额存单",
     dict(names=["陈美玲"], channel="上门", amounts=[W(300000)],
          events=[("maturity", W(300000), "理财", date(2027, 3, 1))], tags={"意向:大额存单"})),
    # A newcomer's note: the maturing 国债 is where the money comes from, not what she wants.
    ("去王建国家坐了坐,他说国债到了想转三年定期", dict(names=["王建国"], channel="上门", tags={"意向:存款"})),
    ("王建国来行里问了积存金,说下个月再来看看",
     dict(names=["王建国"], channel="到店", tags={"意向:黄金"}, follow=date(2026, 12, 1))),
    ("今天电话回访赵敏,对理财收益比较满意,暂时没有新需求", dict(names=["赵敏"], channel="电话", happened=date(2026, 11, 30))),
    ("周大福家里拆迁款200万下周到账,想做些稳健的理财,约了周四上门",
     dict(names=["周大福"], channel="上门", amounts=[W(2000000)], follow=date(2026, 12, 3),
          events=[("inflow", W(2000000), None, date(2026, 12, 7))], tags={"意向:理财"})),
    ("欧阳娜娜微信咨询信用卡额度,明天下午三点来网点办卡",
     dict(names=["欧阳娜娜"], channel="微信", categories={"信用卡"}, tags={"意向:信用卡"},
          follow_at=datetime(2026, 12, 1, 15, 0))),
    ("孙红来电说女儿明年上大学要用钱,10万定期先不续了",
     dict(names=["孙红"], channel="电话", amounts=[W(100000)], events=[("outflow", None, None, date(2027, 1, 1))])),
    ("上门走访王建国,送了台历,聊得不错", dict(names=["王建国"], channel="上门", categories=set(), amounts=[], tags=set(), follow=None)),
    ("陈美玲到店,风险测评过期了,已重新做完", dict(names=["陈美玲"], channel="到店", follow=None, amounts=[])),
    ("给王建国发消息提醒定期9号到期", dict(names=["王建国"], channel="微信", events=[("maturity", None, "存款", date(2026, 12, 9))])),
    ("赵敏买了三万五的稳享理财90天", dict(names=["赵敏"], amounts=[W(35000)], tags={"已购:理财"})),
    ("李秀英存了两千块活期", dict(names=["李秀英"], amounts=[W(2000)], tags={"已购:存款"})),
    ("陈美玲有3.5万元到期,考虑买基金", dict(names=["陈美玲"], amounts=[W(35000)], tags={"意向:基金"})),
    ("王建国说养老保险不要了,太贵", dict(names=["王建国"], tags={"不感兴趣:养老保险"})),
    ("前天去赵敏家拜访,有经营贷需求,月底前回访",
     dict(names=["赵敏"], channel="上门", happened=date(2026, 11, 28), tags={"有经营贷需求"}, follow=date(2026, 11, 30))),
    ("孙红到网点咨询车贷,下周一再联系", dict(names=["孙红"], channel="到店", tags={"有车贷需求"}, follow=date(2026, 12, 7))),
    ("电话联系周大福,暂不考虑理财,下次有新产品再说", dict(names=["周大福"], channel="电话", tags={"不感兴趣:理财"}, follow=None)),
    ("王建国今天来网点把50万定期转存了", dict(names=["王建国"], channel="到店", amounts=[W(500000)], tags={"已购:存款"})),
    ("上周五给陈美玲打电话没打通", dict(names=["陈美玲"], channel="电话", happened=date(2026, 11, 27), follow=None)),
    ("去王建国家,他老伴想了解重疾险,约12月5号上午十点再去",
     dict(names=["王建国"], channel="上门", tags={"意向:重疾险"}, follow_at=datetime(2026, 12, 5, 10, 0))),
    ("李秀英惠农定期下周三到期,提醒我后天给她打电话",
     dict(names=["李秀英"], channel="电话", follow=date(2026, 12, 2), events=[("maturity", None, "存款", date(2026, 12, 9))])),
    ("赵敏对沪深300指数基金感兴趣,但是怕亏", dict(names=["赵敏"], categories={"基金"}, tags={"意向:基金"})),
    ("王建国来柜台取了5万", dict(names=["王建国"], channel="到店", amounts=[W(50000)])),
    ("陈美玲名下个人住房贷款还有60万,想提前还一部分",
     dict(names=["陈美玲"], amounts=[W(600000)], categories={"贷款"})),
    ("跟周大福微信聊了黄金,他买了100克金条", dict(names=["周大福"], channel="微信", tags={"已购:黄金"})),
    ("孙红 电话 基金定投 有意向 12月10日跟进", dict(names=["孙红"], channel="电话", tags={"意向:基金定投"}, follow=date(2026, 12, 10))),
    ("王建国:到店,想买大额存单,五十万,周三下午再来签",
     dict(names=["王建国"], channel="到店", amounts=[W(500000)], tags={"意向:大额存单"}, follow=date(2026, 12, 2))),
    ("今天上门拜访了欧阳娜娜,她刚买了房,有房贷需求", dict(names=["欧阳娜娜"], channel="上门", tags={"有房贷需求"})),
    ("赵敏来网点,客户对保险没兴趣,对理财有兴趣", dict(names=["赵敏"], tags={"不感兴趣:保险", "意向:理财"})),
    ("陈美玲 打电话 没人接 明天再打", dict(names=["陈美玲"], channel="电话", follow=date(2026, 12, 1))),
    ("王建国的邮享定期1年12月9号到期,50万,客户想续存", 
     dict(names=["王建国"], amounts=[W(500000)], events=[("maturity", W(500000), "存款", date(2026, 12, 9))], tags={"意向:存款"})),
    ("跟进李秀英,惠农贷已经还清", dict(names=["李秀英"], categories={"贷款"})),
    ("周大福到店开了信用卡", dict(names=["周大福"], channel="到店", tags={"已购:信用卡"})),
    ("电联孙红,下下周再约", dict(names=["孙红"], channel="电话", follow=date(2026, 12, 14))),
    ("赵敏来行里咨询国债,说年底有一笔钱到账", dict(names=["赵敏"], channel="到店", tags={"意向:国债"},
                                             events=[("inflow", None, None, date(2026, 12, 31))])),  # 年底: Dec 31
    ("王建国微信说最近手头紧,不买理财了", dict(names=["王建国"], channel="微信", tags={"不感兴趣:理财"})),
    ("陈美玲十二万五千的基金赎回了", dict(names=["陈美玲"], amounts=[W(125000)], categories={"基金"})),
    ("见了王建国,给他介绍了颐养年金保险(养老),他说回去和家里商量,下周五给答复",
     dict(names=["王建国"], categories={"保险"}, follow=date(2026, 12, 11))),
    ("李秀英家访,老人身体不好,不打算买保险", dict(names=["李秀英"], channel="上门", tags={"不感兴趣:保险"})),
    ("陈美玲来网点存了1万块定期,约了下个月15号回访", dict(names=["陈美玲"], amounts=[W(10000)], follow=date(2026, 12, 15))),
    ("孙红昨天来店里办了积存金定投", dict(names=["孙红"], channel="到店", happened=date(2026, 11, 29), tags={"已购:黄金"})),
    ("王建国想把活期里的20万转出来买理财,这周四来办",
     dict(names=["王建国"], amounts=[W(200000)], tags={"意向:理财"}, follow=date(2026, 12, 3))),
    ("给赵敏电话,她儿子要结婚买房,可能需要房贷,后天上门细谈",
     dict(names=["赵敏"], channel="电话", tags={"有房贷需求"}, follow=date(2026, 12, 2))),
    ("陈美玲,电话,没兴趣", dict(names=["陈美玲"], channel="电话", tags=set(), follow=None)),
    ("今天王芳和我一起去王建国家拜访", dict(names=["王建国"], staff=["王芳"], channel="上门")),
    ("王建国来网电话问理财收益", dict(names=["王建国"], channel="电话", tags={"意向:理财"})),  # typo 网 for 了
    ("周大福 到点 问大额存单利率", dict(names=["周大福"], tags={"意向:大额存单"})),  # typo 到点 for 到店
    # A relative's plans are theirs, not the next contact; an age's 今年 or a birth year is not
    # when the contact happened.
    ("陈美玲来电,她女儿今年18岁,明年上大学,想存点教育金",
     dict(names=["陈美玲"], happened=date(2026, 11, 30), happened_given=False, follow=None, amounts=[])),
    ("孙红到店,她女儿在深圳,过年回来,聊了理财", dict(names=["孙红"], follow=None, happened_given=False)),
    ("陈美玲上门,她1979年出生,想规划养老", dict(names=["陈美玲"], happened=date(2026, 11, 30), happened_given=False)),
    ("赵敏说去年买的基金亏了", dict(names=["赵敏"], happened_given=False)),
    ("陈美玲到店,她儿子下周来办卡", dict(names=["陈美玲"], follow=date(2026, 12, 7))),  # 来办: the follow-up
    ("上周五去王建国家拜访了", dict(names=["王建国"], happened=date(2026, 11, 27), happened_given=True)),
]


@pytest.mark.parametrize("text,expected", NOTES, ids=[n[0][:14] for n in NOTES])
def test_visit_note(text, expected):
    note = parse_visit_note(text, NOW, CATALOGUE, STAFF, CUSTOMERS)
    if "names" in expected:
        assert list(note.customer_names[: len(expected["names"])]) == expected["names"]
    if "phones" in expected:
        assert list(note.phones) == expected["phones"]
    if "ids" in expected:
        assert list(note.customer_ids) == expected["ids"]
    if "staff" in expected:
        assert list(note.staff_names) == expected["staff"]
    if "channel" in expected:
        assert note.channel == expected["channel"]
    if "channel_given" in expected:
        assert note.channel_given is expected["channel_given"]
    if "happened" in expected:
        assert note.happened_at.date() == expected["happened"]
    if "happened_given" in expected:
        assert note.happened_given is expected["happened_given"]
    assert note.happened_at <= NOW
    if "categories" in expected:
        assert set(note.categories) == expected["categories"]
    if "amounts" in expected:
        assert list(note.amount_values) == expected["amounts"]
    if "follow" in expected:
        assert (note.follow_up_at.date() if note.follow_up_at else None) == expected["follow"]
    if "follow_at" in expected:
        assert note.follow_up_at.replace(tzinfo=None) == expected["follow_at"]
    if "tags" in expected:
        assert set(note.tags) == expected["tags"]
    if "events" in expected:
        got = [(e.kind.value, e.amount, e.category, e.at) for e in note.events]
        assert got == expected["events"]


def test_there_are_at_least_fifty_notes():
    assert len(NOTES) >= 50


def test_follow_up_without_time_of_day_is_due_at_nine():
    note = parse_visit_note("电话联系王建国,下周三再谈", NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert note.follow_up_at == datetime(2026, 12, 9, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert note.follow_up_text == "下周三"


def test_no_channel_word_defaults_to_branch_visit():
    note = parse_visit_note("王建国想了解基金", NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert (note.channel, note.channel_given) == ("到店", False)
    assert note.happened_at == NOW and not note.happened_given


def test_nlu_hints_are_used_when_the_text_alone_does_not_say():
    hints = {"customer_name": ["钱多多"], "product": ["基金"], "amount": ["5万"], "channel": ["电话"], "time": ["下周一"]}
    note = parse_visit_note("客户说有兴趣", NOW, CATALOGUE, STAFF, CUSTOMERS, entities=hints)
    assert note.customer_names[0] == "钱多多"
    assert note.categories == ("基金",) and note.amount_values == (Decimal("50000.00"),)
    assert note.channel == "电话" and note.follow_up_at.date() == date(2026, 12, 7)
    assert note.tags == ("意向:基金",)
    # "考虑一下" is hesitation (issue #23): the hinted product gets no tag either way.
    assert parse_visit_note("客户说考虑一下", NOW, CATALOGUE, STAFF, CUSTOMERS, entities=hints).tags == ()


def test_words_about_the_record_are_no_channel():
    note = parse_visit_note("帮我记一下拜访,今天电话联系了王建国,他想买基金", NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert (note.channel, note.channel_given) == ("电话", True)
    note = parse_visit_note("记条拜访记录:王建国想买基金", NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert note.channel_given is False


def test_the_nlus_channel_word_in_the_follow_up_does_not_replace_the_contacts_own():
    # A newcomer's note: she came in; the call is next Tuesday's. It was saved as a phone call.
    text = "李秀英今天来网点了,存了5万定期,下周二再打电话问问她养老险"
    for hints in ({}, {"channel": ["电话"]}, {"channel": ["打电话"]}):
        note = parse_visit_note(text, NOW, CATALOGUE, STAFF, CUSTOMERS, entities=hints)
        assert (note.channel, note.channel_given) == ("到店", True), hints
    # With no channel word of the contact's own, the NLU's word still says it.
    note = parse_visit_note("客户说有兴趣,下周二再打电话", NOW, CATALOGUE, STAFF, CUSTOMERS, entities={"channel": ["电话"]})
    assert note.channel == "电话"


def test_identifiers_typed_in_a_note_say_who_the_customer_is():
    note = parse_visit_note("今天拜访了身份证号110101196605120115的客户,聊了理财", NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert note.id_numbers == ("110101196605120115",) and note.malformed_numbers == ()
    note = parse_visit_note("旧身份证110101660512011的客户来了", NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert note.id_numbers == ("110101196605120115",)
    note = parse_visit_note("今天给+86 137 0000 5555打了电话", NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert note.phones == ("13700005555",)


def test_a_mistyped_number_in_a_note_is_kept_as_malformed():
    note = parse_visit_note("今天给1370000555打了电话,聊了理财", NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert note.phones == () and note.malformed_numbers == ("1370000555",)


def test_a_relatives_phone_is_not_the_customers():
    note = parse_visit_note("今天上门拜访了她,她老公手机13912345678,聊了理财", NOW, CATALOGUE, STAFF, CUSTOMERS,
                            entities={"phone": ["13912345678"]})
    assert note.phones == ()
    note = parse_visit_note("陈美玲到店,她留了电话13700005555,想买理财", NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert note.phones == ("13700005555",)


def test_a_time_the_nlu_found_where_the_note_says_it_is_a_relatives_is_no_follow_up():
    note = parse_visit_note("陈美玲到店,孩子明年出国留学,想换点外汇", NOW, CATALOGUE, STAFF, CUSTOMERS,
                            entities={"time": ["明年"]})
    assert note.follow_up_at is None


def test_month_end_said_on_the_months_last_day_is_a_follow_up_later_today():
    # 2026-11-30 is the last day of November: "月底" is today, still to come until midnight.
    note = parse_visit_note("电话联系陈美玲,月底再联系", NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert note.follow_up_at == datetime(2026, 11, 30, 11, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert note.follow_up_text == "月底"
    # Today named alone is the day of the contact, not a follow-up.
    assert parse_visit_note("今天上门拜访了陈美玲,聊了理财", NOW, CATALOGUE, STAFF, CUSTOMERS).follow_up_at is None
    assert parse_visit_note("这周一上门拜访了陈美玲,聊了理财", NOW, CATALOGUE, STAFF, CUSTOMERS).follow_up_at is None


def test_part_of_a_maturitys_date_the_nlu_cut_out_is_no_follow_up():
    note = parse_visit_note("陈美玲到店,她说等35万理财明年3月30号到期再说", NOW, CATALOGUE, STAFF, CUSTOMERS,
                            entities={"time": ["明年"], "amount": ["35万"]})
    assert note.follow_up_at is None
    assert [(e.kind.value, e.at) for e in note.events] == [("maturity", date(2027, 3, 30))]


def test_a_maturity_time_is_not_the_follow_up():
    note = parse_visit_note("王建国50万定期下个月到期", NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert note.follow_up_at is None
    assert note.events[0].kind is EventKind.MATURITY and note.events[0].at == date(2026, 12, 1)
    assert note.events[0].until == date(2026, 12, 31)  # the whole month, not its first day


@pytest.mark.parametrize("text,amounts", [
    ("50万", ["500000"]), ("五十万", ["500000"]), ("3.5万元", ["35000"]), ("两千块", ["2000"]), ("20w", ["200000"]),
    ("十二万五千元", ["125000"]), ("1000元", ["1000"]), ("千万别忘了", []), ("万一不行", []), ("3个月", []),
    ("手机13912345678", []), ("一亿", ["100000000"]),
])
def test_amounts(text, amounts):
    taken = [(m.start(), m.end()) for m in __import__("re").finditer(r"\d{11}", text)]
    assert [str(a.amount.normalize()) if a.amount % 1 else str(int(a.amount)) for a in find_amounts(text, taken)] == amounts


@pytest.mark.parametrize("text, follow_up", [
    ("王建国50万定期12月9日到期,到期前提醒我", datetime(2026, 12, 6, 9, 0)),
    ("王建国50万定期12月9日到期 到期当天提醒我联系他", datetime(2026, 12, 9, 9, 0)),
    ("陈美玲20万理财明天到期,到期前联系她", datetime(2026, 12, 1, 9, 0)),  # never before tomorrow
    ("王建国50万定期12月9日到期,约了下周一再谈,到期前提醒我", datetime(2026, 12, 7, 9, 0)),  # a time given wins
    # "到时候提醒" with the maturity said only as a month: its first day (a newcomer's note).
    ("黄婷莉的国债一月份到期到时候想转成大额存单让我到时候提醒她一下", datetime(2027, 1, 1, 9, 0)),
    ("王建国50万定期12月9日到期,到时候联系他", datetime(2026, 12, 9, 9, 0)),
])
def test_a_reminder_before_the_maturity_becomes_the_follow_up(text, follow_up):
    note = parse_visit_note(text, NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert note.follow_up_at == follow_up.replace(tzinfo=NOW.tzinfo)


@pytest.mark.parametrize("text, follow_up", [
    # NOW is Monday 2026-11-30: "月底" is today's month's last day, 12月15日 a day named.
    ("今天给王建国打了电话,他说月底有笔钱到账,到时候提醒我一下", datetime(2026, 11, 30, 11, 0)),
    ("陈美玲12月15日有一笔50万到账,到时候联系她", datetime(2026, 12, 15, 9, 0)),
    # Money coming to the household: not the customer's event, but when "到时候提醒" is due.
    ("王建国他老婆今天来了,说下个月有笔钱到账,到时候提醒我", datetime(2026, 12, 1, 9, 0)),
])
def test_a_reminder_when_money_arrives_becomes_the_follow_up(text, follow_up):
    note = parse_visit_note(text, NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert note.follow_up_at == follow_up.replace(tzinfo=NOW.tzinfo)


def test_a_relatives_money_is_no_event_of_the_customer_and_no_reminder_unasked():
    note = parse_visit_note("王建国他老婆说下个月有笔钱到账", NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert note.events == () and note.follow_up_at is None


def test_no_money_event_no_reminder():
    assert parse_visit_note("电话联系了王建国,到时候提醒我", NOW, CATALOGUE, STAFF, CUSTOMERS).follow_up_at is None


def test_no_maturity_no_reminder():
    note = parse_visit_note("王建国说到期前提醒他一下", NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert note.follow_up_at is None


def test_asking_for_a_reminder_is_not_another_money_event():
    note = parse_visit_note("电话联系了陈美玲,她20万理财下个月到期,对大额存单有兴趣,到期前提醒我", NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert [(e.kind, e.amount) for e in note.events] == [(EventKind.MATURITY, W(200000))]
    assert note.follow_up_at is not None


# ---------------------------------------------------------------------------- issue #23: read only where it is
# Numbers are money only where they are money, the customer's money only when it is the customer's,
# and tags only from what was said about the product. Each note is checked in full: the amounts,
# the money events (kind, amount, category) and the tags, () meaning that nothing may be read.
M = EventKind.MATURITY.value, EventKind.INFLOW.value, EventKind.OUTFLOW.value, EventKind.PURCHASE.value
MATURITY, INFLOW, OUTFLOW, PURCHASE = M

READ_ONLY_WHERE_IT_IS = [
    # Numbers that are not money.
    ("王建国3天后来网点办理财", (), (), ("意向:理财",)),
    ("王建国今年70岁,想买国债", (), (), ("意向:国债",)),
    ("陈美玲有两个孩子,都在外地上班", (), (), ()),
    ("赵敏问大额存单利率3.5%的还有没有", (), (), ("意向:大额存单",)),
    ("孙红问定期利率百分之三的还有吗", (), (), ("意向:存款",)),
    ("周大福第2次来问基金", (), (), ("意向:基金",)),
    ("李秀英想存1年期定期", (), (), ("意向:存款",)),
    ("王建国约了下午3点来网点", (), (), ()),
    ("陈美玲手机尾号5678,来网点问理财", (), (), ("意向:理财",)),
    ("赵敏一家五口人,三千多平的厂房", (), (), ()),
    ("孙红买了1万份基金", (), (), ("已购:基金",)),
    ("周大福买了100克金条", (), (), ("已购:黄金",)),
    ("李秀英说三五万的理财可以考虑", (), (), ("意向:理财",)),  # a loose range is no amount
    ("王建国问了百万医疗险", (), (), ("意向:保险",)),
    ("陈美玲有5万美元想换汇", (), (), ()),  # not yuan: no figure rather than a wrong one
    ("赵敏来网点取了2次钱", (), (), ()),
    # Money: with a unit, or bare right after a money verb.
    ("王建国今天来网点存了50000", ("50000",), ((PURCHASE, "50000", None),), ()),
    ("陈美玲 存了 30000 定期 下周回访", ("30000",), ((PURCHASE, "30000", "存款"),), ("已购:存款",)),
    ("赵敏卡里有8000,想买点理财", ("8000",), (), ("意向:理财",)),
    ("孙红买了20万理财", ("200000",), ((PURCHASE, "200000", "理财"),), ("已购:理财",)),
    # Whose money: a relative's amounts, and income, are not the customer's.
    ("王建国他老伴退休金5000一个月", (), (), ()),
    ("陈美玲女儿30岁,在上海工作,月薪2万", (), (), ()),
    ("赵敏退休金每月6000,想存定期", (), (), ("意向:存款",)),
    ("孙红老伴退休金每月5000,她自己退休金6000", (), (), ()),
    ("周大福他儿子要买房,首付50万,想了解房贷", (), ((OUTFLOW, None, None),), ("有房贷需求",)),
    ("李秀英女儿的定期30万下个月到期", (), (), ()),
    ("王建国存了5万,他爱人存了3万", ("50000",), ((PURCHASE, "50000", None),), ()),
    ("陈美玲给儿子买了20万理财", ("200000",), ((PURCHASE, "200000", "理财"),), ("已购:理财",)),
    ("赵敏和老伴一起存了50万定期", ("500000",), ((PURCHASE, "500000", "存款"),), ("已购:存款",)),
    ("孙红退休金卡里有30万,想买国债", ("300000",), (), ("意向:国债",)),
    ("周大福拿退休金买了5万理财", ("50000",), ((PURCHASE, "50000", "理财"),), ("已购:理财",)),
    ("李秀英女儿买了10万理财", (), (), ()),  # the daughter's purchase, not the customer's
    ("王建国说他爱人想了解理财", (), (), ("意向:理财",)),  # the household's lead
    ("陈美玲来网点,老公陪着来的,存了50万", ("500000",), ((PURCHASE, "500000", None),), ()),
    ("孙红老伴住院了,要用钱,取了5万", ("50000",), ((OUTFLOW, None, None),), ()),  # the household's spending
    ("王建国儿子结婚,他准备取出20万定期", ("200000",), ((OUTFLOW, "200000", "存款"),), ()),
    ("陈美玲养老金每月3000,想买点国债", (), (), ("意向:国债",)),  # a pension, not the insurance 养老金
    # Negation never gives 意向; only an explicit refusal gives 不感兴趣; hesitation gives nothing.
    ("王建国 电话 不太想买基金 下周再联系", (), (), ()),
    ("陈美玲想了想还是不要基金了", (), (), ("不感兴趣:基金",)),
    ("赵敏对基金还没想好", (), (), ()),
    ("孙红还在考虑理财,再看看", (), (), ()),
    ("周大福犹豫要不要买保险", (), (), ()),
    ("李秀英说不需要保险", (), (), ("不感兴趣:保险",)),
    ("王建国明确拒绝了理财", (), (), ("不感兴趣:理财",)),
    ("陈美玲暂时不考虑保险", (), (), ("不感兴趣:保险",)),
    ("赵敏对基金不太感兴趣", (), (), ()),
    ("孙红,对基金没什么兴趣", (), (), ()),
    ("周大福 基金 兴趣不大", (), (), ()),
    ("李秀英对保险有顾虑", (), (), ()),
    ("王建国正在考虑买基金", (), (), ()),
    ("陈美玲来网点,对理财收益比较满意,暂时没有新需求", (), (), ()),
    ("赵敏说理财收益还可以", (), (), ()),
    ("孙红基金先不要赎回", (), (), ()),
    ("周大福理财不想动,下周再说", (), (), ()),
    ("李秀英定期到期打算装修用", (), ((MATURITY, None, "存款"),), ()),
    ("王建国50万定期下个月到期,需要用钱", ("500000",), ((MATURITY, "500000", "存款"), (OUTFLOW, None, None)), ()),
    ("陈美玲不要保险要基金", (), (), ()),  # which is which would be a guess
    ("赵敏对保险没兴趣对理财有兴趣", (), (), ("不感兴趣:保险", "意向:理财")),
    ("孙红说保险先不要,基金可以了解一下", (), (), ("不感兴趣:保险", "意向:基金")),
    ("周大福想买基金,不过怕亏", (), (), ("意向:基金",)),
    ("李秀英说收益不错,想买理财", (), (), ("意向:理财",)),
    ("王建国问需不需要买保险", (), (), ("意向:保险",)),
    ("陈美玲买了大额存单不用跟进", (), (), ("已购:大额存单",)),
    ("赵敏没买基金", (), (), ()),
    ("孙红之前没买过基金,这次想试试", (), (), ("意向:基金",)),
]


@pytest.mark.parametrize("text,amounts,events,tags", READ_ONLY_WHERE_IT_IS, ids=[n[0][:16] for n in READ_ONLY_WHERE_IT_IS])
def test_numbers_and_tags_are_read_only_where_they_are(text, amounts, events, tags):
    note = parse_visit_note(text, NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert note.amount_values == tuple(W(a) for a in amounts)
    assert tuple((e.kind.value, e.amount, e.category) for e in note.events) == tuple(
        (kind, None if amount is None else W(amount), category) for kind, amount, category in events)
    assert note.tags == tags


def test_there_are_at_least_thirty_notes_about_numbers_and_tags():
    assert len(READ_ONLY_WHERE_IT_IS) >= 30


def test_a_relatives_maturity_is_not_the_follow_up_either():
    note = parse_visit_note("王建国女儿的定期下个月到期,约了周五再谈", NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert note.events == ()
    assert note.follow_up_at.date() == date(2026, 12, 4)


@pytest.mark.parametrize("text,amounts", [
    ("存了50000", ["50000"]), ("余额8000", ["8000"]), ("存了 50000 下周回访", ["50000"]), ("存了50000定期", ["50000"]),
    ("存了3年", []), ("取了2次", []), ("买了3份", []), ("买了2", []), ("存了5000在活期", []),
    ("两千多人", []), ("3千米", []), ("一万步", []), ("2万股", []), ("三五万", []), ("一两万", []), ("两三千块", []),
    ("百万医疗险", []), ("5万美元", []), ("5千万", []), ("两千年的时候", []), ("5万多点", ["50000"]), ("50万月底到期", ["500000"]),
])
def test_amounts_read_only_where_they_are_money(text, amounts):
    assert [str(int(a.amount)) for a in find_amounts(text)] == amounts


@pytest.mark.parametrize("hint,text,kept", [
    ("爱人", "王建国说他爱人想了解理财", False),
    ("他爱人", "王建国说他爱人想了解理财", False),
    ("孩子", "王建国来网点,标签:高净值,孩子在外地", False),
    ("高净值", "王建国来网点,标签:高净值,孩子在外地", True),
    ("个体户", "王建国是个体户,给他标一下个体户", True),
    ("个体户", "王建国是个体户,想了解经营贷", False),  # not asked for: not put on the record
    ("有留学需求", "王建国有留学需求,孩子明年出国", True),
    ("有留学需求", "王建国没有留学需求", False),
    ("留学需求", "王建国没有留学需求", False),
    ("意向:基金", "王建国不想买基金", False),  # not written, and the note says otherwise
    ("基金", "王建国说基金先看看", False),  # a product word is no tag; the note's words decide
])
def test_a_tag_the_nlu_marks_in_a_note_is_kept_only_when_it_is_a_tag(hint, text, kept):
    note = parse_visit_note(text, NOW, CATALOGUE, STAFF, CUSTOMERS, entities={"tag": [hint]})
    assert (hint in note.tags) is kept


@pytest.mark.parametrize("value,is_tag", [
    ("爱人", False), ("他老伴", False), ("王建国的儿子", False), ("孩子", False), ("客户", False), ("123", False),
    ("孩", False), ("", False), ("高净值", True), ("VIP", True), ("有房贷需求", True), ("个体户", True),
])
def test_is_tag_phrase(value, is_tag):
    assert is_tag_phrase(value) is is_tag


def test_an_amount_the_nlu_marks_is_not_taken_where_the_note_says_it_is_not_money():
    hints = {"amount": ["5000", "30岁", "5万"]}
    note = parse_visit_note("王建国他老伴退休金5000一个月,女儿30岁", NOW, CATALOGUE, STAFF, CUSTOMERS, entities=hints)
    assert note.amount_values == (W(50000),)  # only the hint with a money unit the note does not show
    note = parse_visit_note("王建国他儿子首付5万", NOW, CATALOGUE, STAFF, CUSTOMERS, entities={"amount": ["5万"]})
    assert note.amount_values == ()  # written, in a relative's clause: the note's words decided


# A note without a money unit or a money verb: whatever its numbers, nothing is read as money.
_NOT_MONEY_FRAGMENTS = st.sampled_from([
    "王建国", "陈美玲", "来网点", "上门", "打电话", "想了解基金", "对保险不感兴趣", "他老伴", "她女儿", "两个孩子",
    "3天后", "下午3点", "12月8号", "第2次", "1年期", "百分之三", "尾号5678", "一家五口人", "利率", "约了下周三",
])
_COUNTED = st.builds(lambda n, word: f"{n}{word}", st.integers(min_value=0, max_value=10**9),
                     st.sampled_from(["天后", "岁", "个", "次", "%", "号", "点", "年期", "人", "份", "克", "周岁", "个月"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_NOT_MONEY_FRAGMENTS, _COUNTED), min_size=1, max_size=8), st.sampled_from(["", ",", " ", "。"]))
def test_a_note_without_money_words_reads_no_amount(parts, separator):
    note = parse_visit_note(separator.join(parts), NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert note.amounts == ()
    assert all(e.amount is None for e in note.events)


_KIN = st.sampled_from(["老伴", "爱人", "儿子", "女儿", "老公", "老婆", "媳妇", "女婿", "孙子", "父母"])
_MONEY = st.sampled_from(["退休金5000一个月", "存了5万", "首付50万", "的定期30万下个月到期", "买了20万理财", "月薪2万",
                          "年终奖3万下周到账"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["王建国", "陈美玲"]), st.sampled_from(["他", "她", "说", ""]), _KIN, _MONEY)
def test_a_relatives_money_is_never_the_customers(name, lead, kin, money):
    note = parse_visit_note(f"{name}{lead}{kin}{money}", NOW, CATALOGUE, STAFF, CUSTOMERS)
    assert note.amounts == ()
    assert all(e.kind is EventKind.OUTFLOW and e.amount is None for e in note.events)
    assert not any(tag.startswith(("已购", "不感兴趣")) for tag in note.tags)


@pytest.mark.parametrize("text, expected", [
    ("帮他约个回访,下周二上午", True), ("提醒我周五给他打电话", True), ("回头记得月底联系她", True),
    ("今天拜访了他,约了下周三再谈", False), ("他说下周来,到时提醒我", False), ("提醒我一下", False),
    ("刚才给她打了电话,提醒我下周再打", False),
    # A visit the customer is going to make is no contact that happened.
    ("李秀英下周一要来网点,提醒我周五给她打个电话", True), ("李秀英今天来网点了,提醒我周五给她打个电话", False),
    ("陈美玲的理财快到期了,提醒我到期前联系她", True),  # the time is the maturity's
])
def test_a_message_that_only_plans_a_contact_is_no_visit(text, expected):
    from bot.visits.notes.kinds import plans_only

    assert plans_only(text) is expected


@pytest.mark.parametrize("text, day, due", [
    ("电话联系了王建国,这周再联系", 2, datetime(2026, 12, 3, 9, 0)),  # a Wednesday: tomorrow, within the week
    ("电话联系了王建国,这个月再联系", 2, datetime(2026, 12, 3, 9, 0)),
    ("电话联系了王建国,月初提醒我", 2, datetime(2026, 12, 3, 9, 0)),
    ("电话联系了王建国,月初提醒我", 5, datetime(2026, 12, 5, 15, 0)),  # its last day: the next full hour
])
def test_a_follow_up_in_a_period_already_running_falls_within_what_is_left_of_it(text, day, due):
    # A newcomer's "月初提醒我" on the 5th got "下次跟进:无": a period that began before today was
    # neither past nor to come.
    now = datetime(2026, 12, day, 14, 0, tzinfo=NOW.tzinfo)
    assert parse_visit_note(text, now, CATALOGUE, STAFF, CUSTOMERS).follow_up_at == due.replace(tzinfo=NOW.tzinfo)

"""The small readers of the visit and task conversations."""
from __future__ import annotations

from datetime import date

import pytest

from bot.visits.dialogue import VisitDraftState, item_number, tag_request
from bot.visits.replies import event_days


@pytest.mark.parametrize("text, number", [("完成第2条", 2), ("第二个办完了", 2), ("完成 3", 3), ("第十条做完了", 10), ("完成了", None)])
def test_item_number(text, number):
    assert item_number(text) == number


def test_tag_request_reads_the_tag_and_whether_to_remove_it():
    assert tag_request({"tag": ["有房贷需求"]}, "给王建国加个标签:有房贷需求") == ("有房贷需求", False)
    assert tag_request({}, "给王建国加个标签:爱打太极") == ("爱打太极", False)
    assert tag_request({"tag": ["沉睡客户"]}, "把他的沉睡客户标签去掉") == ("沉睡客户", True)
    assert tag_request({}, "给他加个标签") == (None, False)
    # Written after a space, 是/叫, or quoted before 标签, as staff type it on a phone.
    assert tag_request({}, "给黄婷莉打个标签 定期到期客户") == ("定期到期客户", False)
    assert tag_request({}, "给他加个标签是高净值") == ("高净值", False)
    assert tag_request({}, "打个“定期到期客户”的标签") == ("定期到期客户", False)
    assert tag_request({}, "把他的沉睡客户标签 去掉") == ("沉睡客户", True)


def test_state_round_trip():
    state = VisitDraftState(text="今天上门", customer_id="C00000001", channel="电话", follow_up_at="none")
    assert VisitDraftState.from_dict(state.to_dict()) == state
    assert VisitDraftState.from_dict({"step": "x"}) is None


@pytest.mark.parametrize(
    "first, last, shown",
    [
        (date(2026, 12, 9), None, "12月9日"),
        (date(2026, 12, 1), date(2026, 12, 31), "12月"),  # "下个月到期"
        (date(2026, 12, 1), date(2026, 12, 15), "12月1日至12月15日"),
        (None, None, ""),
    ],
)
def test_a_money_event_shows_the_days_the_note_gave(first, last, shown):
    assert event_days(first, last) == shown

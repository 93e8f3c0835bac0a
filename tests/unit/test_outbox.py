"""The notification outbox: written with its cause, taken once, never twice, also concurrently."""
import threading
import time
from datetime import datetime

import pytest
from sqlalchemy import select

from bot import outbox
from bot.clock import clock
from bot.models import Notification


@pytest.fixture
def staffed(database):
    """Just enough bank for notifications: two branches' worth of staff rows."""
    from bot.models import Branch, Staff

    with database.unit_of_work() as session:
        session.add(Branch(branch_id="B001", name="城关支行", kind="self_operated", county="东城县"))
        session.flush()
        session.add_all([
            Staff(staff_id="S0001", name="张丽", role="teller", branch_id="B001", chat_id="zhangli"),
            Staff(staff_id="S0003", name="王芳", role="customer_manager", branch_id="B001", chat_id="wangfang"),
        ])
    return database


def enqueue(database, staff_id, text, key):
    with database.unit_of_work() as session:
        return outbox.enqueue(session, staff_id, text, "test", key)


def take(database, staff_id, via="chat"):
    with database.unit_of_work() as session:
        return outbox.take_undelivered(session, staff_id, via)


def test_taken_once_oldest_first(staffed):
    with clock.frozen(datetime(2026, 11, 30, 9, 0)):
        enqueue(staffed, "S0003", "第一条", "k1")
    with clock.frozen(datetime(2026, 11, 30, 9, 5)):
        enqueue(staffed, "S0003", "第二条", "k2")
        enqueue(staffed, "S0001", "给张丽", "k3")
        taken = take(staffed, "S0003")
    assert [n.text for n in taken] == ["第一条", "第二条"]
    assert all(n.delivered_via == "chat" for n in taken)
    assert take(staffed, "S0003") == []
    assert [n.text for n in take(staffed, "S0001")] == ["给张丽"]


def test_a_notification_is_stored_with_phones_and_id_numbers_masked(staffed):
    """A referral's note is what the referrer typed, in whatever form."""
    enqueue(staffed, "S0003", "【新转介】王建国,备注:客户手机 +86 139-1234-5678,老身份证110101660512011", "k1")
    with staffed.unit_of_work() as session:
        stored = session.execute(select(Notification.text)).scalar_one()
    assert stored == "【新转介】王建国,备注:客户手机 139****5678,老身份证110101*****2011"


def test_one_event_never_enqueues_twice(staffed):
    assert enqueue(staffed, "S0003", "新转介", "referral:1:arrived") is True
    assert enqueue(staffed, "S0003", "新转介", "referral:1:arrived") is False
    assert len(take(staffed, "S0003")) == 1


def test_nothing_enqueued_when_the_cause_rolls_back(staffed):
    with pytest.raises(RuntimeError):
        with staffed.unit_of_work() as session:
            outbox.enqueue(session, "S0003", "不该出现", "test", "k-rollback")
            raise RuntimeError("the change failed")
    assert take(staffed, "S0003") == []


def test_taken_but_not_committed_stays_undelivered(staffed):
    enqueue(staffed, "S0003", "重要", "k1")
    with pytest.raises(RuntimeError):
        with staffed.unit_of_work() as session:
            assert len(outbox.take_undelivered(session, "S0003", "chat")) == 1
            raise RuntimeError("sending failed")
    assert [n.text for n in take(staffed, "S0003")] == ["重要"]


def test_push_connectors_mark_what_they_sent(staffed):
    for number in range(3):
        enqueue(staffed, "S0003", f"消息{number}", f"k{number}")
    with staffed.unit_of_work() as session:
        pending = outbox.claim_for_push(session, "wecom", limit=2)
        assert [n.text for n in pending] == ["消息0", "消息1"]
        assert outbox.mark_delivered(session, [n.id for n in pending], "wecom") == 2
    with staffed.unit_of_work() as session:
        assert outbox.mark_delivered(session, [pending[0].id], "matrix") == 0  # already delivered
        vias = dict(session.execute(select(Notification.text, Notification.delivered_via)).all())
    assert vias == {"消息0": "wecom", "消息1": "wecom", "消息2": None}
    assert [n.text for n in take(staffed, "S0003")] == ["消息2"]


def test_concurrent_takers_share_out_without_overlap(staffed):
    for number in range(30):
        enqueue(staffed, "S0003", f"消息{number}", f"k{number}")
    barrier = threading.Barrier(3)
    taken, errors = [], []

    def taker():
        try:
            barrier.wait(timeout=10)
            with staffed.unit_of_work() as session:
                taken.append(outbox.take_undelivered(session, "S0003", "chat"))
                time.sleep(0.2)  # sending takes a while; the others must not take the same rows meanwhile
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=taker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    ids = [n.id for batch in taken for n in batch]
    assert len(ids) == len(set(ids)) == 30  # every one taken, none twice

"""The outbox pushed to staff's WeCom: a new referral reaches the receiver without her writing
first, once, and a push the platform refuses is kept for later."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot import outbox
from bot.channels.wecom import WeComClient, WeComOutput
from bot.clock import clock
from bot.models import Notification
from bot.push import push_once
from tests.channels.conftest import SAMPLE_CORP_ID, serve_blueprint


def notify(bank, staff_id: str, text: str, key: str) -> None:
    with bank.unit_of_work() as session:
        outbox.enqueue(session, staff_id, text, "referral_arrived", key)


def delivered(bank) -> list[tuple[str, str | None]]:
    with bank.unit_of_work() as session:
        return [(n.staff_id, n.delivered_via) for n in session.execute(select(Notification).order_by(Notification.id)).scalars()]


def sender(wecom_api):
    client = WeComClient(SAMPLE_CORP_ID, "app-secret", 1000002, api_base=wecom_api.base_url)
    return client, WeComOutput(client).push_text


async def test_notifications_are_pushed_to_the_staff_members_wecom_once(bank, wecom_api):
    client, send = sender(wecom_api)
    notify(bank, "S0004", "【新转介】张丽转介给您:王建国", "push-test:1")
    notify(bank, "S0003", "王芳,早上好!今天的待办…", "push-test:2")
    report = await push_once(bank, send, "wecom")
    assert len(report.sent) == 2 and report.failed == []
    assert sorted((m["touser"], m["text"]["content"]) for m in wecom_api.sent) == [
        ("chenjing", "【新转介】张丽转介给您:王建国"), ("wangfang", "王芳,早上好!今天的待办…"),
    ]
    assert delivered(bank) == [("S0004", "wecom"), ("S0003", "wecom")]
    # Pushed means delivered: not pushed again, not shown again at the top of her next reply.
    assert (await push_once(bank, send, "wecom")).sent == []
    with bank.unit_of_work() as session:
        assert outbox.take_undelivered(session, "S0004", "chat") == []
    await client.close()


async def test_a_refused_push_is_kept_and_retried_later_and_later_then_sent_once(bank, wecom_api):
    client, send = sender(wecom_api)
    notify(bank, "S0004", "【新转介】张丽转介给您:陈美玲", "push-test:3")
    start = clock.now()
    wecom_api.send_failures = [60020, 60020]  # WeCom: not allowed from this IP, twice
    report = await push_once(bank, send, "wecom")
    assert report.sent == [] and len(report.failed) == 1
    assert delivered(bank) == [("S0004", None)]  # kept in the outbox
    assert (await push_once(bank, send, "wecom")).failed == []  # not hammered: it waits 30 s
    with clock.frozen(start + timedelta(seconds=31)):
        assert len((await push_once(bank, send, "wecom")).failed) == 1  # second failure: now 60 s
    with clock.frozen(start + timedelta(seconds=31 + 45)):
        assert (await push_once(bank, send, "wecom")).sent == []
    with clock.frozen(start + timedelta(seconds=31 + 61)):
        report = await push_once(bank, send, "wecom")
        assert len(report.sent) == 1 and wecom_api.texts() == ["【新转介】张丽转介给您:陈美玲"]
        assert (await push_once(bank, send, "wecom")).sent == []  # never twice
    await client.close()


def test_push_backoff_doubles_up_to_an_hour():
    assert [outbox.push_backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert outbox.push_backoff(20) == timedelta(hours=1)


async def test_the_channel_pushes_while_the_server_runs(bank, wecom_api, monkeypatch):
    from tests.channels.test_wecom_channel import Recorder, make_channel

    monkeypatch.setenv("DATABASE_URL", bank.url)
    notify(bank, "S0004", "【转介提醒】ZJ20261130-0001 已超过40小时未联系", "push-test:4")
    channel = make_channel(api_base=wecom_api.base_url, push_interval_seconds=0.05)
    async with serve_blueprint(channel.blueprint(Recorder()), "/webhooks/wecom"):
        for _ in range(100):
            if wecom_api.sent:
                break
            await asyncio.sleep(0.05)
    assert wecom_api.texts() == ["【转介提醒】ZJ20261130-0001 已超过40小时未联系"]
    assert channel._push_task is None  # stopped with the server
    await channel.client.close()

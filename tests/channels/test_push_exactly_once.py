"""A notification reaches the person once (issue #24, point 7): a push is marked delivered only
after the platform accepted it, a push that timed out after the platform took it is never sent
again (by this pusher, a second one, or later rounds), and a reply that never left the channel
leaves its notifications for the next reply."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from aiohttp import web
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sqlalchemy import select

from bot import outbox
from bot.channels.answering import answering
from bot.channels.wecom import WeComClient, WeComOutput
from bot.clock import clock
from bot.db import Database
from bot.models import Notification
from bot.push import NotSent, push_once
from tests.channels.conftest import SAMPLE_CORP_ID, free_port

TEXT = "【新转介】张丽转介给您:王建国 意向基金定投"


def notify(bank, staff_id: str = "S0004", text: str = TEXT, key: str = "once:1") -> int:
    with bank.unit_of_work() as session:
        outbox.enqueue(session, staff_id, text, "referral_arrived", key)
        return session.execute(select(Notification.id).where(Notification.dedupe_key == key)).scalar_one()


def state(bank, notification_id: int) -> Notification:
    with bank.unit_of_work() as session:
        return session.get(Notification, notification_id)


class StallingWeCom:
    """WeCom's API that takes every message (it reaches the phone) but answers message/send only
    after `stall` seconds, longer than the client waits: the pusher sees a timeout."""

    def __init__(self, stall: float) -> None:
        self.stall = stall
        self.delivered: list[dict] = []
        self.base_url = ""

    async def __aenter__(self) -> "StallingWeCom":
        async def gettoken(request: web.Request) -> web.Response:
            return web.json_response({"errcode": 0, "access_token": "token-1", "expires_in": 7200})

        async def send(request: web.Request) -> web.Response:
            self.delivered.append(await request.json())
            await asyncio.sleep(self.stall)
            return web.json_response({"errcode": 0, "errmsg": "ok"})

        app = web.Application()
        app.router.add_get("/cgi-bin/gettoken", gettoken)
        app.router.add_post("/cgi-bin/message/send", send)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc) -> None:
        await self._runner.cleanup()


async def test_a_wecom_push_accepted_then_timed_out_is_sent_exactly_once(bank):
    notification_id = notify(bank)
    start = clock.now()
    async with StallingWeCom(stall=1.0) as wecom:
        client = WeComClient(SAMPLE_CORP_ID, "app-secret", 1000002, api_base=wecom.base_url, timeout_seconds=0.3)
        push = WeComOutput(client).push_text
        report = await push_once(bank, push, "wecom")
        assert report.unsure == [notification_id] and report.sent == report.failed == []
        # Every later round, however long after, leaves it alone: it may have reached her.
        for minutes in (0, 1, 5, 30, 120):
            with clock.frozen(start + timedelta(minutes=minutes, seconds=1)):
                assert (await push_once(bank, push, "wecom")).unsure == []
        await client.close()
    assert [m["text"]["content"] for m in wecom.delivered] == [TEXT]  # once on her phone
    # Not lost either: her next reply shows it, saying it may have arrived already.
    with bank.unit_of_work() as session:
        shown = outbox.claim_for_reply(session, "S0004")
    assert [(n.id, n.unsure) for n in shown] == [(notification_id, True)]


async def test_a_second_pusher_never_sends_what_the_first_may_have_sent(bank):
    """Two workers push the same outbox (two Database objects, as in two processes). The first
    one's send is taken by the platform and then times out; the second, running while the first
    waits and in every round after, does not send it again."""
    notification_id = notify(bank)
    worker_a, worker_b = Database(bank.url), Database(bank.url)
    platform: list[str] = []
    in_flight = asyncio.Event()

    async def accepted_then_timeout(chat_id: str, text: str, key: str) -> None:
        platform.append(text)
        in_flight.set()
        await asyncio.sleep(0.3)
        raise asyncio.TimeoutError()

    async def sends(chat_id: str, text: str, key: str) -> None:
        platform.append(text)

    first = asyncio.ensure_future(push_once(worker_a, accepted_then_timeout, "wecom"))
    await in_flight.wait()
    during = await push_once(worker_b, sends, "wecom")  # while the first is still waiting
    assert (await first).unsure == [notification_id] and during.sent == []
    start = clock.now()
    for minutes in (1, 10, 60):
        with clock.frozen(start + timedelta(minutes=minutes)):
            assert (await push_once(worker_b, sends, "wecom")).sent == []
    assert platform == [TEXT]
    assert state(bank, notification_id).delivered_at is None  # left for her next reply


async def test_a_refused_push_is_retried_and_marked_only_once_accepted(bank):
    notification_id = notify(bank)
    answers = [NotSent("errcode 60020"), None]
    platform: list[str] = []

    async def send(chat_id: str, text: str, key: str) -> None:
        answer = answers.pop(0)
        if answer is not None:
            raise answer
        platform.append(text)

    start = clock.now()
    assert (await push_once(bank, send, "wecom")).failed == [notification_id]
    assert state(bank, notification_id).delivered_at is None
    with clock.frozen(start + timedelta(seconds=31)):
        assert (await push_once(bank, send, "wecom")).sent == [notification_id]
    assert state(bank, notification_id).delivered_via == "wecom" and platform == [TEXT]


async def test_a_matrix_push_that_timed_out_is_resent_with_the_same_transaction_id(bank):
    """Matrix dedupes PUT /rooms/{room}/send/m.room.message/{txnId} by txnId: a resend after a
    timeout, with the same id, is the same event. The homeserver here does what Synapse does."""
    notification_id = notify(bank)
    events: dict[str, str] = {}  # txnId -> the one event it made
    keys: list[str] = []

    async def homeserver(chat_id: str, text: str, key: str) -> None:
        keys.append(key)
        events.setdefault(key, text)
        if len(keys) == 1:
            raise asyncio.TimeoutError()  # the event was made; the answer never came

    start = clock.now()
    assert (await push_once(bank, homeserver, "matrix", resend_unsure_within=timedelta(minutes=20))).unsure
    with clock.frozen(start + timedelta(seconds=31)):
        assert (await push_once(bank, homeserver, "matrix", resend_unsure_within=timedelta(minutes=20))).sent
    assert len(keys) == 2 and keys[0] == keys[1] and list(events.values()) == [TEXT]
    assert state(bank, notification_id).delivered_via == "matrix"
    # WeCom, which cannot dedupe, does not resend what Matrix may have delivered.
    assert (await push_once(bank, homeserver, "wecom")).sent == []


async def reply_turn(bank, monkeypatch, output, notification_id: int) -> None:
    """One turn of wangfang's (S0003) whose reply shows the notification at its top, as
    actions/runtime.py sends it, through the channel wrapper every channel uses."""
    monkeypatch.setenv("DATABASE_URL", bank.url)
    with bank.unit_of_work() as session:
        claimed = outbox.claim_for_reply(session, "S0003")
    assert [n.id for n in claimed] == [notification_id]

    async def bot(message: UserMessage) -> None:
        await message.output_channel.send_response(
            message.sender_id, {"text": claimed[0].text, outbox.NOTIFICATION_ID: notification_id})
        await message.output_channel.send_response(message.sender_id, {"text": "好的。"})

    await answering(bot)(UserMessage("你好", output, "wangfang", input_channel="rest"))


async def test_a_notification_is_delivered_once_the_channel_has_the_reply(bank, monkeypatch):
    notification_id = notify(bank, "S0003", "【转介进展】王建国 已接受", "once:2")
    output = CollectingOutputChannel()
    await reply_turn(bank, monkeypatch, output, notification_id)
    assert [m["text"] for m in output.messages] == ["【转介进展】王建国 已接受", "好的。"]
    assert state(bank, notification_id).delivered_via == "rest"
    with bank.unit_of_work() as session:
        assert outbox.claim_for_reply(session, "S0003") == []  # not in her next reply


async def test_a_reply_that_never_left_leaves_its_notification_for_the_next_reply(bank, monkeypatch):
    notification_id = notify(bank, "S0003", "【转介进展】王建国 已接受", "once:3")

    class Broken(CollectingOutputChannel):
        async def send_text_message(self, recipient_id, text, **kwargs):
            raise ConnectionError("the platform is down")

    await reply_turn(bank, monkeypatch, Broken(), notification_id)
    assert state(bank, notification_id).delivered_at is None
    # Nor does a push take it while her reply holds it, until that claim is old.
    assert (await push_once(bank, _never, "wecom")).sent == []
    output = CollectingOutputChannel()
    await reply_turn(bank, monkeypatch, output, notification_id)  # her next message
    assert output.messages[0]["text"] == "【转介进展】王建国 已接受"
    assert state(bank, notification_id).delivered_via == "rest"


async def _never(chat_id: str, text: str, key: str) -> None:
    raise AssertionError("pushed while a reply holds it")


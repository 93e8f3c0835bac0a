"""The Matrix channel's decisions without a homeserver: who the sender is, which rooms are answered,
limits, buttons. tests/matrix talks to a real Synapse."""
from __future__ import annotations

import asyncio
import itertools

import pytest
from nio import MatrixRoom, RoomMessage

from bot.channels.buttons import render_buttons
from bot.channels.matrix import (
    GROUP_ROOM_REPLY,
    TOO_FAST_REPLY,
    TOO_LONG_REPLY,
    MatrixConfigError,
    MatrixConnection,
    MatrixInput,
    StaffDirectory,
    notice_content,
)

BOT = "@wangdian:bank.example"
_ids = itertools.count()


class FakeConnection:
    """What MatrixInput uses of MatrixConnection, recording the notices sent."""

    user_id = BOT
    started_at_ms = 0

    def __init__(self) -> None:
        self.notices: list[tuple[str, str]] = []

    async def send_notice(self, room_id: str, text: str) -> None:
        self.notices.append((room_id, text))

    async def direct_room(self, mxid: str) -> str:
        return f"!dm-{mxid}"


def room(*others: str) -> MatrixRoom:
    r = MatrixRoom("!room:bank.example", BOT)
    for user in (BOT, *others):
        r.add_member(user, None, None)
    return r


def text_event(sender: str, body: str, event_id: str | None = None, sent_at_ms: int = 1000):
    return RoomMessage.parse_event({
        "type": "m.room.message", "event_id": event_id or f"$e{next(_ids)}", "sender": sender,
        "origin_server_ts": sent_at_ms, "content": {"msgtype": "m.text", "body": body}})


@pytest.fixture
def channel():
    return MatrixInput(FakeConnection(), StaffDirectory("bank.example"), max_message_chars=20, rate_limit=3)


async def receive(channel: MatrixInput, r: MatrixRoom, event) -> list:
    handled = []

    async def on_new_message(message):
        handled.append(message)
        await message.output_channel.send_text_message(message.sender_id, f"答:{message.text}")

    await channel.on_message(on_new_message, r, event)
    while channel._tasks:
        await asyncio.gather(*list(channel._tasks))
    return handled


def test_staff_are_known_by_their_localpart_on_the_staff_server_only():
    directory = StaffDirectory("bank.example")
    assert directory.chat_id("@zhangli:bank.example") == "zhangli"
    # Same localpart on another server: not our 张丽. The full id matches no staff record.
    assert directory.chat_id("@zhangli:evil.example") == "@zhangli:evil.example"
    assert directory.mxid("zhangli") == "@zhangli:bank.example"
    assert directory.mxid("@chenjing:bank.example") == "@chenjing:bank.example"
    assert StaffDirectory(None).chat_id("@zhangli:bank.example") == "@zhangli:bank.example"
    assert StaffDirectory(None).mxid("zhangli") is None  # not reachable on Matrix


async def test_a_direct_message_becomes_a_user_message_of_the_staff_member(channel):
    handled = await receive(channel, room("@zhangli:bank.example"), text_event("@zhangli:bank.example", "查一下王建国"))
    assert [(m.sender_id, m.text, m.input_channel) for m in handled] == [("zhangli", "查一下王建国", "matrix")]
    assert handled[0].metadata["matrix"]["room_id"] == "!room:bank.example"
    assert channel.connection.notices == [("!room:bank.example", "答:查一下王建国")]


async def test_own_messages_and_repeated_events_are_ignored(channel):
    assert await receive(channel, room("@zhangli:bank.example"), text_event(BOT, "答:你好")) == []
    event = text_event("@zhangli:bank.example", "你好", event_id="$same")
    assert len(await receive(channel, room("@zhangli:bank.example"), event)) == 1
    assert await receive(channel, room("@zhangli:bank.example"), event) == []


async def test_messages_sent_before_the_bot_started_are_not_answered(channel):
    channel.connection.started_at_ms = 5000
    old = text_event("@zhangli:bank.example", "确认", sent_at_ms=4999)
    assert await receive(channel, room("@zhangli:bank.example"), old) == []
    new = text_event("@zhangli:bank.example", "你好", sent_at_ms=5001)
    assert len(await receive(channel, room("@zhangli:bank.example"), new)) == 1


async def test_group_rooms_get_no_customer_data(channel):
    group = room("@zhangli:bank.example", "@chenjing:bank.example")
    assert await receive(channel, group, text_event("@zhangli:bank.example", "网点助手 查一下王建国")) == []
    assert channel.connection.notices == [("!room:bank.example", GROUP_ROOM_REPLY)]
    assert await receive(channel, group, text_event("@zhangli:bank.example", "中午吃什么")) == []
    assert len(channel.connection.notices) == 1  # not addressed to the bot: silence


async def test_too_long_and_too_fast_are_answered_without_reaching_the_bot(channel):
    dm = room("@zhangli:bank.example")
    assert await receive(channel, dm, text_event("@zhangli:bank.example", "长" * 21)) == []
    assert channel.connection.notices[-1][1] == TOO_LONG_REPLY.format(limit=20)
    for _ in range(2):  # the long message counted: 3 a minute in all
        assert len(await receive(channel, dm, text_event("@zhangli:bank.example", "你好"))) == 1
    assert await receive(channel, dm, text_event("@zhangli:bank.example", "你好")) == []
    assert channel.connection.notices[-1][1] == TOO_FAST_REPLY.format(limit=3)


async def test_buttons_are_numbered_choices_answered_by_number(channel):
    dm = room("@zhangli:bank.example")

    async def on_new_message(message):
        await message.output_channel.send_text_with_buttons(
            message.sender_id, "请确认这条转介", [{"title": "确认", "payload": "确认"}, {"title": "取消", "payload": "取消"}])

    await channel.on_message(on_new_message, dm, text_event("@zhangli:bank.example", "转介"))
    while channel._tasks:
        await asyncio.gather(*list(channel._tasks))
    assert channel.connection.notices[-1][1] == "请确认这条转介\n1. 确认\n2. 取消\n请回复序号选择。"
    handled = await receive(channel, dm, text_event("@zhangli:bank.example", "1"))
    assert handled[0].text == "确认"
    # The buttons were answered: a later "1" is just "1".
    assert (await receive(channel, dm, text_event("@zhangli:bank.example", "1")))[0].text == "1"


def test_numbered_lists_are_not_numbered_twice():
    listing = "找到2位叫王建国的客户\n1. 王建国 139****5678\n2. 王建国 135****4321"
    buttons = [{"title": "王建国 139****5678", "payload": "1"}, {"title": "王建国 135****4321", "payload": "2"}]
    assert render_buttons(listing, buttons) == listing


def test_replies_are_notices_with_line_breaks_and_escaped_html():
    content = notice_content("<b>王建国</b>\n139****5678")
    assert content["msgtype"] == "m.notice" and content["body"] == "<b>王建国</b>\n139****5678"
    assert content["formatted_body"] == "&lt;b&gt;王建国&lt;/b&gt;<br/>139****5678"


def test_credentials_need_a_password_or_a_token_and_never_show_them():
    with pytest.raises(MatrixConfigError):
        MatrixInput.from_credentials({"homeserver": "http://127.0.0.1:8008", "user_id": BOT})
    with pytest.raises(MatrixConfigError):
        MatrixInput.from_credentials({"user_id": BOT, "password": "x"})
    connection = MatrixConnection("http://127.0.0.1:8008", BOT, password="hunter2-secret")
    assert "hunter2" not in repr(connection)


async def test_one_persons_messages_are_handled_one_at_a_time_in_order(channel):
    dm, running, order = room("@zhangli:bank.example"), [], []

    async def slow(message):
        running.append(message.text)
        assert len(running) == 1  # never two of hers at once
        await asyncio.sleep(0.01)
        order.append(message.text)
        running.remove(message.text)

    for text in ("1", "2", "3"):
        await channel.on_message(slow, dm, text_event("@zhangli:bank.example", text))
    while channel._tasks:
        await asyncio.gather(*list(channel._tasks))
    assert order == ["1", "2", "3"] and channel._sender_locks == {} and channel._waiting == {}

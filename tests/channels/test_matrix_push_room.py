"""Matrix pushes of customer data re-check with the homeserver that the direct room is still private
(issue #24, point 6). The bot's real MatrixConnection (matrix-nio) talks to a local stand-in for
the homeserver's client API; the bot's synced view of the room is older than the homeserver's."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import AsyncIterator, Dict, List, Tuple

import pytest
from aiohttp import web
from nio import MatrixRoom

from bot.channels.matrix import MatrixConnection, MatrixOutput, StaffDirectory
from tests.channels.conftest import free_port

BOT = "@wangdian:bank.example"
CHENJING = "@chenjing:bank.example"
STRANGER = "@visitor:bank.example"
DM = "!dm:bank.example"
PUSH = "【新转介】张丽转介给您:王建国 139****5678,理财咨询"


@dataclass
class Homeserver:
    """Room membership as the homeserver knows it, and every call the bot made."""

    base_url: str = ""
    members: Dict[str, Dict[str, str]] = field(default_factory=dict)  # room -> user -> membership
    encrypted: set = field(default_factory=set)
    sent: List[Tuple[str, str]] = field(default_factory=list)  # (room, body)
    state_requests: List[str] = field(default_factory=list)
    created: List[dict] = field(default_factory=list)
    state_fails: bool = False


@pytest.fixture
async def homeserver() -> AsyncIterator[Homeserver]:
    hs = Homeserver()

    async def state(request: web.Request) -> web.Response:
        room = request.match_info["room"]
        hs.state_requests.append(room)
        if hs.state_fails:
            return web.json_response({"errcode": "M_UNKNOWN", "error": "internal"}, status=500)
        events = [{"type": "m.room.member", "state_key": user, "sender": BOT, "event_id": f"$m{i}",
                   "origin_server_ts": 1, "content": {"membership": status}}
                  for i, (user, status) in enumerate(hs.members.get(room, {}).items())]
        if room in hs.encrypted:
            events.append({"type": "m.room.encryption", "state_key": "", "sender": BOT, "event_id": "$enc",
                           "origin_server_ts": 1, "content": {"algorithm": "m.megolm.v1.aes-sha2"}})
        return web.json_response(events)

    async def create(request: web.Request) -> web.Response:
        body = await request.json()
        hs.created.append(body)
        room = f"!new{len(hs.created)}:bank.example"
        hs.members[room] = {BOT: "join", **{user: "invite" for user in body.get("invite", [])}}
        return web.json_response({"room_id": room})

    async def send(request: web.Request) -> web.Response:
        room = request.match_info["room"]
        if hs.members.get(room, {}).get(BOT) != "join":
            return web.json_response({"errcode": "M_FORBIDDEN", "error": "not in room"}, status=403)
        hs.sent.append((room, json.loads(await request.read())["body"]))
        return web.json_response({"event_id": f"$s{len(hs.sent)}"})

    app = web.Application()
    for version in ("r0", "v3"):
        app.router.add_get(f"/_matrix/client/{version}/rooms/{{room}}/state", state)
        app.router.add_post(f"/_matrix/client/{version}/createRoom", create)
        app.router.add_put(f"/_matrix/client/{version}/rooms/{{room}}/send/{{type}}/{{txn}}", send)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    hs.base_url = f"http://127.0.0.1:{port}"
    try:
        yield hs
    finally:
        await runner.cleanup()


async def bot_knowing_a_direct_room(hs: Homeserver) -> MatrixConnection:
    """The bot as after a sync in which DM held the bot and chenjing only (and DM cached for her)."""
    connection = MatrixConnection(hs.base_url, BOT, access_token="bot-token", device_id="BOTDEVICE")
    connection.client.restore_login(BOT, "BOTDEVICE", "bot-token")
    room = MatrixRoom(DM, BOT)
    room.add_member(BOT, None, None)
    room.add_member(CHENJING, None, None)
    connection.client.rooms[DM] = room
    connection._direct_rooms[CHENJING] = DM
    return connection


async def push(connection: MatrixConnection, text: str = PUSH) -> None:
    # what bot/push.py calls for a notification of the staff member with chat id "chenjing"
    await MatrixOutput(connection, StaffDirectory("bank.example")).send_text_message("chenjing", text)


async def test_a_push_goes_to_the_direct_room_after_the_homeserver_confirms_it_each_time(homeserver):
    homeserver.members[DM] = {BOT: "join", CHENJING: "join"}
    connection = await bot_knowing_a_direct_room(homeserver)
    try:
        await push(connection)
        await push(connection, "【提醒】第二条")
    finally:
        await connection.close()
    assert [room for room, _ in homeserver.sent] == [DM, DM]
    assert homeserver.state_requests == [DM, DM]  # asked before each push, not once
    assert homeserver.created == []


@pytest.mark.parametrize("change", [
    {STRANGER: "join"},       # someone joined since the bot's last sync
    {STRANGER: "invite"},     # someone invited: once joined, the history is theirs to read
    {CHENJING: "leave"},      # she left: the room is the bot's alone, or others' later
])
async def test_a_direct_room_that_is_no_longer_private_gets_no_customer_data(homeserver, change):
    homeserver.members[DM] = {BOT: "join", CHENJING: "join", **change}
    connection = await bot_knowing_a_direct_room(homeserver)
    try:
        await push(connection)
        await push(connection, "【提醒】第二条")
    finally:
        await connection.close()
    assert all(room != DM for room, _ in homeserver.sent)
    # a new direct room with her alone, used again for the next push, DM not asked about again
    assert len(homeserver.created) == 1 and homeserver.created[0]["invite"] == [CHENJING]
    new_room = "!new1:bank.example"
    assert homeserver.sent == [(new_room, PUSH), (new_room, "【提醒】第二条")]
    assert homeserver.state_requests == [DM, new_room]
    assert connection._direct_rooms[CHENJING] == new_room


async def test_an_encrypted_room_is_not_used_for_pushes(homeserver):
    homeserver.members[DM] = {BOT: "join", CHENJING: "join"}
    homeserver.encrypted.add(DM)
    connection = await bot_knowing_a_direct_room(homeserver)
    try:
        await push(connection)
    finally:
        await connection.close()
    assert [room for room, _ in homeserver.sent] == ["!new1:bank.example"]


async def test_when_the_homeserver_cannot_say_who_is_in_the_room_nothing_is_sent(homeserver):
    homeserver.members[DM] = {BOT: "join", CHENJING: "join", STRANGER: "join"}
    homeserver.state_fails = True
    connection = await bot_knowing_a_direct_room(homeserver)
    try:
        with pytest.raises(ConnectionError):  # bot/push.py releases it: pushed again next round
            await push(connection)
    finally:
        await connection.close()
    assert homeserver.sent == [] and homeserver.created == []

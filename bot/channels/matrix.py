"""Matrix (the protocol of self-hosted messengers such as Element) as a Rasa input channel.

One concept over 500 lines: the Matrix channel (sync loop, rooms, replies and pushes).

Register in credentials.yml by module path (see README, "Connecting Matrix"):

    bot.channels.matrix.MatrixInput:
      homeserver: ${MATRIX_HOMESERVER}        # e.g. https://matrix.bank.example
      user_id: ${MATRIX_BOT_USER}             # e.g. @wangdian:bank.example
      password: ${MATRIX_BOT_PASSWORD}        # or access_token (+ device_id)
      staff_server: bank.example              # staff are @<staff chat id>:bank.example

Unlike WeCom, Matrix does not call the bot: the bot is a Matrix client. When the Rasa server
starts it logs in, syncs once to learn its rooms (messages sent while it was down are not
answered: an hour-old "确认" must not confirm anything), joins the rooms it is invited to and
then long-polls /sync. Each text message of a staff member in a direct room (the bot and one
person) becomes a UserMessage; replies go back to that room as m.notice, which bots send and
which the bot itself ignores. Buttons become numbered lines, answered by number.

Who is speaking is the event's `sender`, which the homeserver authenticated; a message's text
never chooses it. A sender of `staff_server` is the staff member whose chat id is the localpart
(@zhangli:bank.example is chat id "zhangli"); any other sender keeps the full Matrix id, which
matches no staff record, so the bot refuses it like any stranger.

A room with more people than the bot and one person is a group: customer data is never shown
there. The bot answers a message that names it with a request to chat privately, and ignores the
others. Encrypted rooms are not supported (the bot cannot read them, and says so).

Notifications of the outbox (a referral arrived, the morning list) are pushed to the staff
member's direct room every `push_interval_seconds` (bot/push.py); the bot creates the direct
room and invites her if there is none. Before each push into a room it knew from before, the bot
asks the homeserver who is in it: a room someone else has joined or been invited to since is
forgotten, nothing is sent there, and another direct room is found or created.
"""
from __future__ import annotations

import asyncio
import html
import inspect
import logging
import time
import unicodedata
from datetime import timedelta
from typing import Any, Awaitable, Callable, Dict, Optional, Set, Text

from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    JoinError,
    LoginResponse,
    MatrixRoom,
    MegolmEvent,
    RoomCreateError,
    RoomGetStateResponse,
    RoomMessageText,
    RoomPreset,
    RoomSendError,
    SyncError,
    SyncResponse,
    WhoamiResponse,
)
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.answering import answering
from bot.channels.buttons import ButtonMemory, NumberedButtons
from bot.channels.limits import SeenOnce, SlidingWindowLimiter, rate_limiter, required
from bot.channels.server_heap import freeze_after_start
from bot.push import NotSent, start_pushing

logger = logging.getLogger(__name__)

TOO_LONG_REPLY = "消息太长了(最多 {limit} 个字),请分几条发送。"
TOO_FAST_REPLY = "发送太频繁了,请稍后再试(每分钟最多 {limit} 条)。"
GROUP_ROOM_REPLY = "为保护客户信息,我只在私聊中回答。请点我的头像发起私聊。"
ENCRYPTED_REPLY = "我读不了端到端加密的消息。请新建一个不加密的私聊(创建时关闭“加密”)再发给我。"
# A push that timed out is sent again with the same transaction id within this time (the homeserver
# keeps transaction ids for a while: Synapse 30 minutes); later it waits for her next reply.
MATRIX_RESEND_WITHIN = timedelta(minutes=20)
# Waiting before a new attempt when the homeserver cannot be reached (seconds, doubling).
RECONNECT_DELAYS = (1, 2, 5, 10, 30, 60)


class MatrixConfigError(ValueError):
    pass


def _required(credentials: Dict[str, Any], key: str) -> str:
    return required(credentials, key, "Matrix", MatrixConfigError)


class StaffDirectory:
    """Matrix ids <-> the chat ids kept in staff records."""

    def __init__(self, staff_server: Optional[str]) -> None:
        self.staff_server = (staff_server or "").strip() or None

    def chat_id(self, mxid: str) -> str:
        """The chat id a Matrix sender stands for: the localpart on the staff server, else the mxid."""
        if self.staff_server and mxid.startswith("@") and ":" in mxid:
            localpart, server = mxid[1:].split(":", 1)
            if server == self.staff_server and localpart:
                return localpart
        return mxid

    def mxid(self, chat_id: str) -> Optional[str]:
        """The Matrix id to reach a staff member at, or None when the chat id is not a Matrix user."""
        if chat_id.startswith("@") and ":" in chat_id:
            return chat_id
        if self.staff_server:
            return f"@{chat_id}:{self.staff_server}"
        return None


def notice_content(text: str) -> Dict[str, str]:
    """An m.notice with the plain text and the same text as HTML, line breaks kept."""
    return {
        "msgtype": "m.notice",
        "body": text,
        "format": "org.matrix.custom.html",
        "formatted_body": html.escape(text).replace("\n", "<br/>"),
    }


def is_direct(room: MatrixRoom) -> bool:
    """The bot and at most one other person, joined or invited."""
    return room.member_count <= 2


class MatrixConnection:
    """The bot's Matrix client: login, the sync loop, sending, and the direct room of each person."""

    def __init__(self, homeserver: str, user_id: str, password: Optional[str] = None,
                 access_token: Optional[str] = None, device_id: Optional[str] = None,
                 device_name: str = "wangdian-bot", sync_timeout_ms: int = 30_000,
                 client: Optional[AsyncClient] = None) -> None:
        if not password and not access_token:
            raise MatrixConfigError("credentials.yml 中 Matrix 渠道需要 password 或 access_token")
        self.homeserver = homeserver.rstrip("/")
        self.user_id = user_id
        self._password = password
        self._access_token = access_token
        self.device_id = device_id
        self.device_name = device_name
        self.sync_timeout_ms = sync_timeout_ms
        config = AsyncClientConfig(store_sync_tokens=False, encryption_enabled=False,
                                   max_timeouts=3, request_timeout=sync_timeout_ms / 1000 + 30)
        self.client = client or AsyncClient(self.homeserver, user_id, device_id=device_id or "",
                                            config=config)
        # Messages sent before this (the homeserver's timestamps, ms) are backlog, never answered:
        # a room the bot joins at start arrives with its history.
        self.started_at_ms = 0
        self._direct_rooms: Dict[str, str] = {}  # mxid -> room id, rooms the bot created or found
        # Rooms the homeserver said someone else is in (or invited to): never a direct room again.
        self._not_private: Set[str] = set()
        self._room_lock: Optional[asyncio.Lock] = None

    def __repr__(self) -> str:  # never the password or the token
        return f"MatrixConnection(homeserver={self.homeserver!r}, user_id={self.user_id!r})"

    async def connect(self) -> None:
        """Logs in and syncs once, so that the backlog is skipped and the rooms are known."""
        self.started_at_ms = int(time.time() * 1000)
        if self._access_token:
            device_id = self.device_id
            if not device_id:
                self.client.access_token = self._access_token
                whoami = await self.client.whoami()
                if not isinstance(whoami, WhoamiResponse):
                    raise ConnectionError(f"matrix whoami failed: {getattr(whoami, 'message', whoami)}")
                device_id = whoami.device_id or "wangdian-bot"
            self.client.restore_login(self.user_id, device_id, self._access_token)
        else:
            login = await self.client.login(self._password, device_name=self.device_name)
            if not isinstance(login, LoginResponse):
                raise ConnectionError(f"matrix login failed: {getattr(login, 'message', login)}")
        first = await self.client.sync(timeout=0, full_state=True)
        if not hasattr(first, "next_batch"):
            raise ConnectionError(f"matrix sync failed: {getattr(first, 'message', first)}")
        for room_id in list(self.client.invited_rooms):
            await self.join(room_id)

    async def join(self, room_id: str) -> None:
        joined = await self.client.join(room_id)
        if isinstance(joined, JoinError):
            logger.warning("matrix.join.failed room=%s error=%s", room_id, joined.message)
        else:
            logger.info("matrix.join room=%s", room_id)

    async def send_notice(self, room_id: str, text: str, tx_id: Optional[str] = None) -> None:
        """`tx_id`: the transaction id; the homeserver turns a second send with it into the same
        event (a fresh one when None). NotSent when the homeserver answered with an error."""
        sent = await self.client.room_send(room_id, "m.room.message", notice_content(text), tx_id=tx_id,
                                           ignore_unverified_devices=True)
        if isinstance(sent, RoomSendError):
            raise NotSent(f"matrix send failed: {sent.status_code} {sent.message}")

    def _known_direct_room(self, mxid: str) -> Optional[str]:
        """A candidate from what the bot knows (its cache, the synced rooms): not proof, see below."""
        cached = self._direct_rooms.get(mxid)
        if cached:
            room = self.client.rooms.get(cached)
            if room is None or (mxid in room.users or mxid in room.invited_users):
                return cached
            self._direct_rooms.pop(mxid, None)  # she left it
        for room in self.client.rooms.values():
            members = set(room.users) | set(room.invited_users)
            if members == {self.user_id, mxid} and not room.encrypted and room.room_id not in self._not_private:
                self._direct_rooms[mxid] = room.room_id
                return room.room_id
        return None

    async def is_still_direct(self, room_id: str, mxid: str) -> bool:
        """Whether the homeserver says the room holds only the bot and this person, right now.

        Asked before each push rather than trusting the synced state, which lags: someone invited
        to or joining the room since the last sync would read the customer data pushed there.
        GET /rooms/{id}/state gives both the joined and the invited (an invited user who joins
        reads the history): the bot joined, she joined or invited, nobody else either, and the
        room not encrypted (the bot does not encrypt). Raises ConnectionError when the homeserver
        cannot say: the notification stays in the outbox for the next round.
        """
        state = await self.client.room_get_state(room_id)
        if not isinstance(state, RoomGetStateResponse):
            raise ConnectionError(f"matrix room state failed: {getattr(state, 'status_code', '')} "
                                  f"{getattr(state, 'message', state)}")
        membership: Dict[str, str] = {}
        for event in state.events:
            if event.get("type") == "m.room.encryption":
                return False
            if event.get("type") == "m.room.member":
                membership[str(event.get("state_key"))] = str((event.get("content") or {}).get("membership"))
        present = {user for user, status in membership.items() if status in ("join", "invite")}
        return (membership.get(self.user_id) == "join" and membership.get(mxid) in ("join", "invite")
                and present == {self.user_id, mxid})

    async def direct_room(self, mxid: str) -> str:
        """The room the bot shares with this person alone, created (and her invited) if needed.

        A room known from before is used only after the homeserver confirms it is still private
        (is_still_direct); a room that is not is forgotten for good and another found or created.
        """
        if self._room_lock is None:
            self._room_lock = asyncio.Lock()
        async with self._room_lock:  # two pushes to one person must not create two rooms
            while True:
                room_id = self._known_direct_room(mxid)
                if room_id is None:
                    break
                if await self.is_still_direct(room_id, mxid):
                    return room_id
                logger.warning("matrix.direct_room.not_private room=%s", room_id)
                self._not_private.add(room_id)
                if self._direct_rooms.get(mxid) == room_id:
                    del self._direct_rooms[mxid]
            created = await self.client.room_create(is_direct=True, invite=[mxid],
                                                    preset=RoomPreset.trusted_private_chat,
                                                    name="网点助手")
            if isinstance(created, RoomCreateError):
                raise ConnectionError(f"matrix room_create failed: {created.status_code} {created.message}")
            logger.info("matrix.direct_room.created room=%s", created.room_id)
            self._direct_rooms[mxid] = created.room_id
            return created.room_id

    async def close(self) -> None:
        await self.client.close()


class MatrixOutput(NumberedButtons, OutputChannel):
    """Replies as m.notice to the room the message came from (or the person's direct room)."""

    @classmethod
    def name(cls) -> Text:
        return "matrix"

    def __init__(self, connection: MatrixConnection, directory: StaffDirectory,
                 room_id: Optional[str] = None, buttons: Optional[ButtonMemory] = None) -> None:
        self.connection = connection
        self.directory = directory
        self.room_id = room_id
        self.buttons = buttons

    async def _room_for(self, recipient_id: str) -> str:
        if self.room_id:
            return self.room_id
        mxid = self.directory.mxid(recipient_id)
        if mxid is None:
            raise ConnectionError("recipient is not a Matrix user")
        return await self.connection.direct_room(mxid)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.connection.send_notice(await self._room_for(recipient_id), text)

    async def push_text(self, recipient_id: Text, text: Text, dedupe_key: str = "") -> None:
        """One notification of the outbox (bot/push.py), sent with `dedupe_key` as its transaction
        id, so that a resend after a timeout is the same event, not a second one."""
        try:
            room_id = await self._room_for(recipient_id)
        except Exception as e:  # noqa: BLE001 - no room, nothing sent
            raise NotSent(f"matrix direct room: {e.__class__.__name__}") from e
        await self.connection.send_notice(room_id, text, tx_id=dedupe_key or None)


class MatrixInput(InputChannel):
    """Staff chat with the bot in direct rooms on the bank's Matrix homeserver."""

    @classmethod
    def name(cls) -> Text:
        return "matrix"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "MatrixInput":
        if not credentials:
            cls.raise_missing_credentials_exception()
        connection = MatrixConnection(
            homeserver=_required(credentials, "homeserver"),
            user_id=_required(credentials, "user_id"),
            password=str(credentials.get("password") or "") or None,
            access_token=str(credentials.get("access_token") or "") or None,
            device_id=str(credentials.get("device_id") or "") or None,
            sync_timeout_ms=int(credentials.get("sync_timeout_ms", 30_000)),
        )
        return cls(
            connection,
            StaffDirectory(credentials.get("staff_server")),
            max_message_chars=int(credentials.get("max_message_chars", 2000)),
            rate_limit=int(credentials.get("rate_limit_per_minute", 30)),
            rate_limits=rate_limiter(credentials, "matrix", int(credentials.get("rate_limit_per_minute", 30))),
            push_interval_seconds=float(credentials.get("push_interval_seconds", 30)),
        )

    def __init__(self, connection: MatrixConnection, directory: StaffDirectory,
                 max_message_chars: int = 2000, rate_limit: int = 30,
                 push_interval_seconds: float = 0.0, rate_limits: Optional[Any] = None) -> None:
        self.connection = connection
        self.directory = directory
        self.max_message_chars = max_message_chars
        self.rate_limit = rate_limit
        # Per employee (the Matrix sender): shared through Redis when configured
        # (limits.rate_limiter), else counted in this process.
        self.rate_limiter = rate_limits if rate_limits is not None else SlidingWindowLimiter(rate_limit, 60.0)
        self.seen = SeenOnce(ttl_seconds=3600)
        self.buttons = ButtonMemory()
        self.push_interval_seconds = push_interval_seconds
        self.connected = False
        self._sync_failures = 0
        self._tasks: Set[asyncio.Task] = set()
        self._sender_locks: Dict[str, asyncio.Lock] = {}
        self._waiting: Dict[str, int] = {}  # messages of each sender being handled or waiting
        self._runner: Optional[asyncio.Task] = None
        self._push_task: Optional[asyncio.Task] = None

    def get_output_channel(self) -> Optional[OutputChannel]:
        """For messages Rasa sends on its own (e.g. /conversations/<id>/trigger_intent)."""
        return MatrixOutput(self.connection, self.directory, buttons=self.buttons)

    # ------------------------------------------------------------------ incoming events
    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _notice(self, room_id: str, text: str) -> None:
        try:
            await self.connection.send_notice(room_id, text)
        except Exception as e:  # noqa: BLE001 - a failed reply must not stop the sync loop
            logger.error("matrix.reply.failed error=%s", e.__class__.__name__)

    def _mentions_bot(self, body: str) -> bool:
        localpart = self.connection.user_id[1:].split(":", 1)[0]
        return self.connection.user_id in body or localpart in body or "网点助手" in body

    async def on_message(self, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                         room: MatrixRoom, event: RoomMessageText) -> None:
        if event.sender == self.connection.user_id or not self.seen.first_time(event.event_id):
            return
        if event.server_timestamp < self.connection.started_at_ms:
            logger.info("matrix.message.backlog_skipped room=%s", room.room_id)
            return
        if not is_direct(room):
            if self._mentions_bot(event.body or ""):
                self._spawn(self._notice(room.room_id, GROUP_ROOM_REPLY))
            return
        sender = self.directory.chat_id(event.sender)
        text = event.body or ""
        if not self.rate_limiter.allow(sender):
            logger.warning("matrix.message.rate_limited")
            self._spawn(self._notice(room.room_id, TOO_FAST_REPLY.format(limit=self.rate_limit)))
            return
        if len(text) > self.max_message_chars:
            logger.info("matrix.message.too_long chars=%s", len(text))
            self._spawn(self._notice(room.room_id, TOO_LONG_REPLY.format(limit=self.max_message_chars)))
            return
        self._spawn(self._process(on_new_message, room.room_id, sender, text, event.event_id))

    async def _process(self, on_new_message: Callable[[UserMessage], Awaitable[Any]], room_id: str,
                       sender: str, text: str, event_id: str) -> None:
        # One person's messages are handled in the order they arrived; different people's at once.
        # The lock is dropped when no message of hers is waiting: `locked()` alone is False in the
        # moment between one holder's release and the next waiter's wake-up.
        lock = self._sender_locks.setdefault(sender, asyncio.Lock())
        self._waiting[sender] = self._waiting.get(sender, 0) + 1
        async with lock:
            message = UserMessage(
                self.buttons.resolve(sender, unicodedata.normalize("NFC", text)),
                MatrixOutput(self.connection, self.directory, room_id, self.buttons),
                sender,
                input_channel=self.name(),
                metadata={"matrix": {"room_id": room_id, "event_id": event_id}},
            )
            try:
                await answering(on_new_message)(message)
            except Exception as e:  # noqa: BLE001 - even the apology could not be sent
                logger.error("matrix.message.failed event=%s error=%s", event_id, e.__class__.__name__)
        self._waiting[sender] -= 1
        if not self._waiting[sender]:
            del self._waiting[sender]
            self._sender_locks.pop(sender, None)

    async def on_invite(self, room: MatrixRoom, event: InviteMemberEvent) -> None:
        if event.state_key == self.connection.user_id and event.membership == "invite":
            await self.connection.join(room.room_id)

    async def on_encrypted(self, room: MatrixRoom, event: MegolmEvent) -> None:
        if event.sender != self.connection.user_id and self.seen.first_time(event.event_id):
            logger.info("matrix.message.encrypted room=%s", room.room_id)
            self._spawn(self._notice(room.room_id, ENCRYPTED_REPLY))

    async def on_sync_error(self, error: SyncError) -> None:
        # sync_forever starts the next sync at once: without a pause a homeserver answering
        # errors (a proxy's 502, a revoked token) would be asked hundreds of times a second.
        self._sync_failures += 1
        delay = RECONNECT_DELAYS[min(self._sync_failures - 1, len(RECONNECT_DELAYS) - 1)]
        logger.warning("matrix.sync.error status=%s retry_in=%ss", error.status_code, delay)
        await asyncio.sleep(delay)

    async def on_synced(self, _response: SyncResponse) -> None:
        self._sync_failures = 0

    # ------------------------------------------------------------------ lifecycle
    async def run(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Connects, then syncs until cancelled; reconnects with growing delays when cut off."""
        client = self.connection.client
        attempt = 0
        while True:
            try:
                if not self.connected:
                    await self.connection.connect()
                    client.add_event_callback(
                        lambda room, event: self.on_message(on_new_message, room, event), RoomMessageText)
                    client.add_event_callback(self.on_invite, InviteMemberEvent)
                    client.add_event_callback(self.on_encrypted, MegolmEvent)
                    client.add_response_callback(self.on_sync_error, SyncError)
                    client.add_response_callback(self.on_synced, SyncResponse)
                    self.connected = True
                    self.start_pushing()
                    logger.info("matrix.connected user=%s", self.connection.user_id)
                attempt = 0
                await client.sync_forever(timeout=self.connection.sync_timeout_ms)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # noqa: BLE001 - the homeserver is down or refused us: retry
                delay = RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)]
                attempt += 1
                logger.warning("matrix.sync.failed error=%s retry_in=%ss", e.__class__.__name__, delay)
                await asyncio.sleep(delay)

    def start_pushing(self, db: Any = None) -> None:
        if self._push_task is None:
            self._push_task = start_pushing(MatrixOutput(self.connection, self.directory).push_text,
                                            "matrix", self.push_interval_seconds, db,
                                            resend_unsure_within=MATRIX_RESEND_WITHIN)

    async def stop(self) -> None:
        for task in (self._push_task, self._runner):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        self._push_task = self._runner = None
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await self.connection.close()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        module = inspect.getmodule(self)
        matrix = freeze_after_start(Blueprint(f"matrix_webhook_{type(self).__name__}", module.__name__ if module else None))

        @matrix.listener("after_server_start")
        async def start_client(_app: Any, _loop: Any) -> None:
            if self._runner is None:
                self._runner = asyncio.ensure_future(self.run(on_new_message))

        @matrix.listener("before_server_stop")
        async def stop_client(_app: Any, _loop: Any) -> None:
            await self.stop()

        @matrix.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.connected else "connecting",
                                  "user_id": self.connection.user_id})

        return matrix

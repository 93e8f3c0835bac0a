"""WeCom (企业微信) self-built app as a Rasa input channel.

One concept over 500 lines: the WeCom channel (callback verification, decryption, replies and
pushes through its API).

Register in credentials.yml by module path (see README, "Connecting WeCom"):

    bot.channels.wecom.WeComInput:
      corp_id: ${WECOM_CORP_ID}
      agent_id: ${WECOM_AGENT_ID}
      token: ${WECOM_TOKEN}
      encoding_aes_key: ${WECOM_AES_KEY}
      secret: ${WECOM_SECRET}

Routes (under /webhooks/wecom/):
  GET  callback  URL verification: signature over echostr, decrypt, answer the plaintext.
  POST callback  a message: signature, timestamp window, decrypt, ReceiveId, and only then XML
                 parsing (strict UTF-8, no DOCTYPE/ENTITY); answered at once with an empty 200,
                 processed in a background task whose replies go out through message/send. A MsgId
                 seen again (WeCom retries after 5 s without an answer) is acknowledged and not
                 processed again: in Redis (SET NX EX, shared by every process, kept across
                 restarts) when `redis_url` or REDIS_HOST is set, else in this process's memory.

The sender is FromUserName from the decrypted, signed callback: the WeCom userid that the
platform verified, mapped to staff through staff.chat_id like every channel. Nothing in the
message text can choose the sender.
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import re
import time
import xml.etree.ElementTree as ET
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.answering import answering
from bot.channels.buttons import ButtonMemory, NumberedButtons
from bot.channels.limits import SeenOnce, SlidingWindowLimiter, rate_limiter, redis_url_from, required
from bot.channels.server_heap import freeze_after_start
from bot.channels.wecom_crypto import WeComCrypto, WeComError
from bot.push import NotSent, start_pushing

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://qyapi.weixin.qq.com"
# errcodes meaning "the access token is invalid or expired": fetch a new one and retry once.
TOKEN_ERRCODES = frozenset({40001, 40014, 42001})
# message/send takes at most 2048 bytes of text content.
MAX_CONTENT_BYTES = 2048

TEXT_ONLY_REPLY = "暂时只支持文字消息,请用文字描述您的问题。"
TOO_LONG_REPLY = "消息太长了(最多 {limit} 个字),请分几条发送。"
TOO_FAST_REPLY = "发送太频繁了,请稍后再试(每分钟最多 {limit} 条)。"


class WeComApiError(Exception):
    """WeCom's API answered with an errcode (the message never contains a token or secret)."""

    def __init__(self, call: str, errcode: Any, errmsg: Any = "") -> None:
        super().__init__(f"{call}: errcode {errcode} {str(errmsg)[:120]}")
        self.errcode = errcode


class UnsafeXml(ValueError):
    """A body that is not the plain, flat UTF-8 XML WeCom sends (answered 400)."""


# The one <Encrypt> of the outer envelope, read as text (no XML parser) so that the signature can be
# checked before anything of an unauthenticated body is parsed. Its value is base64.
_ENCRYPT = re.compile(r"<Encrypt>\s*(?:<!\[CDATA\[([A-Za-z0-9+/=]*)\]\]>|([A-Za-z0-9+/=]*))\s*</Encrypt>")


def xml_text(data: str | bytes) -> str:
    """The body as text: bytes must be strict UTF-8 (WeCom sends nothing else).

    A UTF-16 (or GBK...) document is refused here rather than decoded with replacement
    characters, which would let a DOCTYPE in it slip past the check below.
    """
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UnsafeXml("XML is not UTF-8") from None
    return data


def parse_xml(data: str | bytes) -> Dict[str, str]:
    """The child elements of a flat WeCom XML document as a dict of text.

    Strict UTF-8; DOCTYPE and ENTITY declarations are refused before parsing: WeCom never sends
    them, and they are how entity-expansion bombs and external entities get in. The stdlib parser
    then reads the checked text (a str: an encoding named in its declaration is not followed).
    (defusedxml would do the same; it is not in the environment.)
    """
    text = xml_text(data)
    upper = text.upper()
    if "<!DOCTYPE" in upper or "<!ENTITY" in upper:
        raise UnsafeXml("DOCTYPE or ENTITY in XML")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        raise UnsafeXml(f"malformed XML ({e.__class__.__name__})") from None
    return {child.tag: (child.text or "") for child in root}


def encrypt_field(body: bytes) -> str:
    """The Encrypt value of a callback's envelope, found without parsing the XML (strict UTF-8).

    Exactly one is accepted: with two, the signature could be checked on one and the other read.
    """
    found = _ENCRYPT.findall(xml_text(body))
    if len(found) != 1:
        raise WeComError("no Encrypt element" if not found else "more than one Encrypt element")
    cdata, plain = found[0]
    if not (cdata or plain):
        raise WeComError("no Encrypt element")
    return cdata or plain


class RedisSeenOnce:
    """SeenOnce shared by every process through Redis: SET key NX EX ttl (first one wins).

    A WeCom retry reaching another worker or another Rasa server, or arriving after a restart, finds
    the key and is not processed again. If Redis cannot be reached the process falls back to its
    own memory for that message (logged), so a Redis outage does not stop the bot.
    """

    def __init__(self, url: str, ttl_seconds: float = 600.0, key_prefix: str = "wangdian:wecom:msg:",
                 fallback: Optional[SeenOnce] = None) -> None:
        import redis.asyncio as aioredis

        self.ttl_seconds = max(1, int(ttl_seconds))
        self.key_prefix = key_prefix
        self.fallback = fallback or SeenOnce(ttl_seconds=ttl_seconds)
        self._redis = aioredis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def __repr__(self) -> str:  # never the URL: it may hold a password
        return f"RedisSeenOnce(key_prefix={self.key_prefix!r}, ttl_seconds={self.ttl_seconds})"

    async def first_time(self, key: str) -> bool:
        try:
            return bool(await self._redis.set(self.key_prefix + key, "1", nx=True, ex=self.ttl_seconds))
        except Exception as e:  # noqa: BLE001 - Redis down: this process's memory, not a lost message
            logger.warning("wecom.dedupe.redis_unavailable error=%s", e.__class__.__name__)
            return self.fallback.first_time(key)

    async def close(self) -> None:
        await self._redis.close()


class MemorySeenOnce:
    """This process's SeenOnce behind the same awaitable interface as RedisSeenOnce."""

    def __init__(self, ttl_seconds: float = 600.0) -> None:
        self.memory = SeenOnce(ttl_seconds=ttl_seconds)

    async def first_time(self, key: str) -> bool:
        return self.memory.first_time(key)

    async def close(self) -> None:
        pass


def split_content(text: str, max_bytes: int = MAX_CONTENT_BYTES) -> List[str]:
    """Pieces of at most max_bytes UTF-8 bytes, cut after a line end where possible."""
    pieces: List[str] = []
    current, size, last_break = [], 0, -1
    for char in text:
        width = len(char.encode("utf-8"))
        if size + width > max_bytes:
            cut = last_break + 1 if last_break >= 0 else len(current)
            pieces.append("".join(current[:cut]))
            current = current[cut:]
            size = len("".join(current).encode("utf-8"))
            last_break = -1
        current.append(char)
        size += width
        if char == "\n":
            last_break = len(current) - 1
    pieces.append("".join(current))
    return [p.strip("\n") for p in pieces if p.strip()] or [text or " "]


class WeComClient:
    """WeCom's server API: gettoken (cached until shortly before it expires) and message/send."""

    def __init__(self, corp_id: str, secret: str, agent_id: int | str,
                 api_base: str = DEFAULT_API_BASE, token_margin_seconds: float = 300.0,
                 timeout_seconds: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.corp_id = corp_id
        self._secret = secret
        self.agent_id = int(agent_id)
        self.api_base = api_base.rstrip("/")
        self.token_margin_seconds = token_margin_seconds
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._clock = clock
        self._token: Optional[str] = None
        self._token_expires_at = 0.0
        self._lock: Optional[asyncio.Lock] = None
        self._session: Optional[aiohttp.ClientSession] = None

    def __repr__(self) -> str:  # never the secret or the token
        return f"WeComClient(corp_id={self.corp_id!r}, agent_id={self.agent_id}, api_base={self.api_base!r})"

    async def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    def forget_token(self) -> None:
        self._token, self._token_expires_at = None, 0.0

    async def access_token(self) -> str:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:  # one gettoken at a time, however many replies wait for it
            if self._token and self._clock() < self._token_expires_at:
                return self._token
            session = await self._get_session()
            params = {"corpid": self.corp_id, "corpsecret": self._secret}
            async with session.get(f"{self.api_base}/cgi-bin/gettoken", params=params) as resp:
                body = await resp.json(content_type=None)
            if resp.status != 200 or body.get("errcode", 0) != 0 or not body.get("access_token"):
                raise WeComApiError("gettoken", body.get("errcode", resp.status), body.get("errmsg", ""))
            lifetime = float(body.get("expires_in", 7200))
            self._token = body["access_token"]
            self._token_expires_at = self._clock() + max(lifetime - self.token_margin_seconds, lifetime / 2)
            return self._token

    async def send_text(self, user: str, content: str) -> None:
        payload = {"touser": user, "msgtype": "text", "agentid": self.agent_id,
                   "text": {"content": content}, "safe": 0}
        for attempt in (1, 2):
            token = await self.access_token()
            session = await self._get_session()
            async with session.post(f"{self.api_base}/cgi-bin/message/send",
                                    params={"access_token": token}, json=payload) as resp:
                body = await resp.json(content_type=None)
            errcode = body.get("errcode", 0 if resp.status == 200 else resp.status)
            if errcode == 0:
                if body.get("invaliduser"):
                    logger.warning("wecom.send: user not reachable by this app (invaliduser)")
                return
            if errcode in TOKEN_ERRCODES and attempt == 1:
                logger.info("wecom.send: access token rejected (errcode %s), fetching a new one", errcode)
                if self._token == token:
                    self.forget_token()
                continue
            raise WeComApiError("message/send", errcode, body.get("errmsg", ""))


class WeComOutput(NumberedButtons, OutputChannel):
    """Replies through message/send; buttons become numbered lines."""

    @classmethod
    def name(cls) -> Text:
        return "wecom"

    def __init__(self, client: WeComClient, buttons: Optional[ButtonMemory] = None) -> None:
        self.client = client
        self.buttons = buttons

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for piece in split_content(text):
            await self.client.send_text(recipient_id, piece)

    async def push_text(self, recipient_id: Text, text: Text, dedupe_key: str = "") -> None:
        """One notification of the outbox (bot/push.py). NotSent when WeCom took none of it (an
        errcode answer, no token, no connection): safe to push again. Any other failure may have
        reached her, and message/send has no idempotency key: bot/push.py does not push it again."""
        try:
            await self.client.access_token()  # failing here, nothing was sent
        except Exception as e:  # noqa: BLE001
            raise NotSent(f"wecom gettoken: {e.__class__.__name__}") from e
        for number, piece in enumerate(split_content(text)):
            try:
                await self.client.send_text(recipient_id, piece)
            except (WeComApiError, aiohttp.ClientConnectorError) as e:
                if number == 0:  # refused or never connected, and no earlier piece went out
                    raise NotSent(f"wecom message/send: {e.__class__.__name__}") from e
                raise


def _required(credentials: Dict[str, Any], key: str) -> str:
    return required(credentials, key, "WeCom")


class WeComInput(InputChannel):
    """Receives WeCom callbacks for one self-built app (自建应用)."""

    @classmethod
    def name(cls) -> Text:
        return "wecom"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WeComInput":
        if not credentials:
            cls.raise_missing_credentials_exception()
        corp_id = _required(credentials, "corp_id")
        crypto = WeComCrypto(
            token=_required(credentials, "token"),
            encoding_aes_key=_required(credentials, "encoding_aes_key"),
            receive_id=corp_id,
            timestamp_window_seconds=float(credentials.get("timestamp_window_seconds", 300)),
        )
        client = WeComClient(
            corp_id=corp_id,
            secret=_required(credentials, "secret"),
            agent_id=_required(credentials, "agent_id"),
            api_base=str(credentials.get("api_base") or DEFAULT_API_BASE),
        )
        dedup_ttl_seconds = float(credentials.get("dedup_ttl_seconds", 600))
        redis_url = redis_url_from(credentials)
        return cls(
            crypto,
            client,
            max_message_chars=int(credentials.get("max_message_chars", 2000)),
            rate_limit=int(credentials.get("rate_limit_per_minute", 30)),
            rate_limits=rate_limiter(credentials, "wecom", int(credentials.get("rate_limit_per_minute", 30))),
            dedup_ttl_seconds=dedup_ttl_seconds,
            push_interval_seconds=float(credentials.get("push_interval_seconds", 30)),
            seen=RedisSeenOnce(redis_url, dedup_ttl_seconds,
                               key_prefix=str(credentials.get("redis_key_prefix") or "wangdian:wecom:msg:"))
            if redis_url else None,
        )

    def __init__(self, crypto: WeComCrypto, client: WeComClient, max_message_chars: int = 2000,
                 rate_limit: int = 30, dedup_ttl_seconds: float = 600.0, max_body_bytes: int = 64_000,
                 now: Callable[[], float] = time.time, push_interval_seconds: float = 0.0,
                 seen: Optional[Any] = None, rate_limits: Optional[Any] = None) -> None:
        self.crypto = crypto
        # Notifications of the outbox (a new referral, the morning list) pushed to staff's WeCom
        # every this many seconds (bot/push.py); 0 leaves them for the top of the next reply.
        self.push_interval_seconds = push_interval_seconds
        self._push_task: Optional[asyncio.Task] = None
        self.client = client
        self.max_message_chars = max_message_chars
        self.max_body_bytes = max_body_bytes
        self.rate_limit = rate_limit
        # Per employee (the verified FromUserName): shared through Redis when configured
        # (limits.rate_limiter), else counted in this process.
        self.rate_limiter = rate_limits if rate_limits is not None else SlidingWindowLimiter(rate_limit, 60.0)
        # MsgIds already received: Redis (every process, survives restarts) or this process's memory.
        self.seen = seen if seen is not None else MemorySeenOnce(dedup_ttl_seconds)
        self.buttons = ButtonMemory()
        self._now = now  # wall clock for the timestamp window; tests set it
        self._tasks: Set[asyncio.Task] = set()

    def get_output_channel(self) -> Optional[OutputChannel]:
        return WeComOutput(self.client, self.buttons)

    def start_pushing(self, db: Any = None) -> None:
        """Push the outbox to staff's WeCom every push_interval_seconds (started with the server)."""
        if self._push_task is None:
            self._push_task = start_pushing(WeComOutput(self.client).push_text, "wecom",
                                            self.push_interval_seconds, db)

    async def stop_pushing(self) -> None:
        if self._push_task is not None:
            self._push_task.cancel()
            await asyncio.gather(self._push_task, return_exceptions=True)
            self._push_task = None

    async def drain(self) -> None:
        """Waits for the messages being processed (tests; graceful shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)  # a strong reference until it is done
        task.add_done_callback(self._tasks.discard)

    def _reject(self, request: Request, reason: str, status: int = 403) -> HTTPResponse:
        # The reason and where it came from; never the body, the query's echostr or the text.
        logger.warning("wecom.callback.rejected status=%s reason=%s ip=%s timestamp=%s", status,
                       reason, request.ip, str(request.args.get("timestamp", ""))[:20])
        return response.text("forbidden" if status == 403 else "bad request", status=status)

    async def _reply(self, user: str, text: str) -> None:
        try:
            await WeComOutput(self.client).send_text_message(user, text)
        except Exception as e:  # noqa: BLE001 - a failed reply must not kill the worker
            logger.error("wecom.reply.failed error=%s", e.__class__.__name__)

    async def _process(self, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                       fields: Dict[str, str]) -> None:
        user = fields["FromUserName"]
        text = self.buttons.resolve(user, fields.get("Content", ""))
        message = UserMessage(
            text,
            WeComOutput(self.client, self.buttons),
            user,
            input_channel=self.name(),
            metadata={"wecom": {"msg_id": fields.get("MsgId"), "agent_id": fields.get("AgentID"),
                                "create_time": fields.get("CreateTime")}},
        )
        try:
            await answering(on_new_message)(message)
        except Exception as e:  # noqa: BLE001 - even the apology could not be sent
            logger.error("wecom.message.failed msg_id=%s error=%s", fields.get("MsgId"), e.__class__.__name__)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        module = inspect.getmodule(self)
        wecom = freeze_after_start(Blueprint(f"wecom_webhook_{type(self).__name__}", module.__name__ if module else None))

        @wecom.listener("after_server_start")
        async def push_outbox(_app: Any, _loop: Any) -> None:
            self.start_pushing()

        @wecom.listener("before_server_stop")
        async def stop_pushing(_app: Any, _loop: Any) -> None:
            await self.stop_pushing()

        @wecom.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @wecom.route("/callback", methods=["GET"])
        async def verify_url(request: Request) -> HTTPResponse:
            args = {k: request.args.get(k) for k in ("msg_signature", "timestamp", "nonce", "echostr")}
            if not all(args.values()):
                return self._reject(request, "missing query parameters", status=400)
            try:
                echo = self.crypto.verify_url(args["msg_signature"], args["timestamp"], args["nonce"],
                                              args["echostr"], now=self._now())
            except WeComError as e:
                return self._reject(request, f"{e.__class__.__name__}: {e}")
            logger.info("wecom.callback.url_verified")
            return response.text(echo)

        @wecom.route("/callback", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            args = {k: request.args.get(k) for k in ("msg_signature", "timestamp", "nonce")}
            if not all(args.values()):
                return self._reject(request, "missing query parameters", status=400)
            body = request.body or b""
            if len(body) > self.max_body_bytes:
                return self._reject(request, f"body of {len(body)} bytes", status=413)
            # Nothing of the body is parsed as XML before its signature is checked: the Encrypt value
            # is read as text, signed (with the timestamp window) and decrypted; only then are the
            # envelope and the message parsed, both as strict UTF-8 without DOCTYPE or ENTITY.
            try:
                encrypted = encrypt_field(body)
                plain = self.crypto.open_callback(args["msg_signature"], args["timestamp"], args["nonce"],
                                                  encrypted, now=self._now())
            except UnsafeXml as e:
                return self._reject(request, f"{e.__class__.__name__}: {e}", status=400)
            except WeComError as e:
                return self._reject(request, f"{e.__class__.__name__}: {e}")
            try:
                envelope = parse_xml(body)
                if envelope.get("Encrypt", "").strip() != encrypted:
                    raise UnsafeXml("the envelope's Encrypt is not the signed one")
                fields = parse_xml(plain)
            except UnsafeXml as e:
                return self._reject(request, f"{e.__class__.__name__}: {e}", status=400)
            user = fields.get("FromUserName", "").strip()
            if not user:
                return self._reject(request, "no FromUserName", status=400)
            fields["FromUserName"] = user

            msg_type = fields.get("MsgType", "")
            key = fields.get("MsgId") or f"{user}:{fields.get('CreateTime')}:{msg_type}:{fields.get('Event', '')}"
            # Per app: the corp id (checked by decryption) and this app's agent id, then the message.
            if not await self.seen.first_time(f"{self.crypto.receive_id}:{self.client.agent_id}:{key}"):
                logger.info("wecom.callback.duplicate msg_id=%s", fields.get("MsgId", ""))
                return response.text("")

            if msg_type == "event":
                pass  # entering the app, subscribing...: nothing to answer
            elif msg_type != "text":
                self._spawn(self._reply(user, TEXT_ONLY_REPLY))
            elif not self.rate_limiter.allow(user):
                logger.warning("wecom.message.rate_limited")
                self._spawn(self._reply(user, TOO_FAST_REPLY.format(limit=self.rate_limit)))
            elif len(fields.get("Content", "")) > self.max_message_chars:
                logger.info("wecom.message.too_long chars=%s", len(fields.get("Content", "")))
                self._spawn(self._reply(user, TOO_LONG_REPLY.format(limit=self.max_message_chars)))
            else:
                self._spawn(self._process(on_new_message, fields))
            # WeCom retries a callback not answered within 5 s: answer now, work in the background.
            return response.text("")

        @wecom.listener("after_server_stop")
        async def close_client(app: Any, loop: Any) -> None:
            await self.drain()
            await self.client.close()
            await self.seen.close()

        return wecom

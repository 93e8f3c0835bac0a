"""A local web chat page for demos and for training new staff: pick a demo staff member, chat.

FOR DEMOS AND TRAINING ON A LOCAL MACHINE ONLY. NEVER EXPOSE IT IN PRODUCTION. Like Rasa's plain
`rest:` channel, the sender is whatever the request says, and here the page even lets the user
choose it from a list of staff: anyone who can reach the port can chat as any staff member and
see their customers. Bind Rasa to localhost (or a training-room machine with no route from the
bank's network) when this channel is on; production uses WeCom or the token-protected REST channel.

It runs only from the demo credentials file (credentials.demo.yml, `make demo`):

    bot.channels.webchat.WebChatInput:
      demo: true          # required: without it the channel refuses to start
      # optional:
      # max_message_chars: 2000
      # max_body_bytes: 16384
      # rate_limit_per_minute: 30

then open http://localhost:5005/webhooks/webchat/. It refuses to start on any address but
127.0.0.1, and a POST must be application/json from the page itself (bot/channels/edges.py):
another web site open in the same browser cannot chat through it.

Routes (under /webhooks/webchat/):
  GET  /         the page (bot/channels/webchat/index.html: one file, inline CSS and JS, nothing
                 loaded from another host; served with a Content-Security-Policy saying so).
  GET  staff     JSON list of the demo staff with a chat id: chat_id, name, role (Chinese),
                 branch; from the project database (DATABASE_URL).
  POST webhook   {"sender": <chat id>, "message": "..."} like the REST channel; answers with the
                 bot's messages (text and buttons). Over-long messages are refused with 413,
                 too many per sender per minute with 429, each with a Chinese reply.
"""
from __future__ import annotations

import asyncio
import json
import logging
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.answering import answering
from bot.channels.edges import browser_refusal, guard_server
from bot.channels.limits import rate_limiter
from bot.channels.server_heap import freeze_after_start

logger = logging.getLogger(__name__)
_json = partial(response.json, dumps=partial(json.dumps, ensure_ascii=False))

PAGE = Path(__file__).with_name("webchat") / "index.html"
# The page is self-contained: the browser may load nothing from anywhere else.
PAGE_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                                "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
                                "frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}

TOO_FAST_REPLY = "发送太频繁了,请稍后再试(每分钟最多 {limit} 条)。"
TOO_LONG_REPLY = "消息太长了(最多 {limit} 个字),请分几条发送。"
TOO_BIG_REPLY = "请求太大,未处理。"
NOT_DEMO_REFUSAL = ("网页聊天只用于本机演示和培训: 在演示用的 credentials.demo.yml 中设置 "
                    "bot.channels.webchat.WebChatInput: demo: true (make demo)。")
STAFF_FAILED_REPLY = "读取演示员工失败,请检查数据库(python -m tools ensure-demo)。"


@lru_cache(maxsize=1)
def page_html() -> str:
    return PAGE.read_text(encoding="utf-8")


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def demo_staff(database_url: Optional[str] = None) -> List[Dict[str, str]]:
    """Every staff member with a chat id, by branch then staff id (blocking: run it in a thread)."""
    from sqlalchemy import select

    from bot.access import ROLE_NAMES
    from bot.db import Database
    from bot.models import Branch, Staff

    with Database(database_url).unit_of_work() as session:
        rows = session.execute(
            select(Staff.chat_id, Staff.name, Staff.role, Branch.branch_id, Branch.name)
            .join(Branch, Staff.branch_id == Branch.branch_id)
            .where(Staff.chat_id.is_not(None), Staff.chat_id != "")
            .order_by(Branch.branch_id, Staff.staff_id)
        ).all()
    return [{"chat_id": chat_id, "name": name, "role": ROLE_NAMES.get(role, role),
             "branch_id": branch_id, "branch": branch_name}
            for chat_id, name, role, branch_id, branch_name in rows]


class WebChatInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WebChatInput":
        credentials = credentials or {}
        return cls(
            demo=_truthy(credentials.get("demo", False)),
            max_message_chars=int(credentials.get("max_message_chars", 2000)),
            max_body_bytes=int(credentials.get("max_body_bytes", 16_384)),
            rate_limit=int(credentials.get("rate_limit_per_minute", 30)),
            rate_window_seconds=float(credentials.get("rate_window_seconds", 60)),
            database_url=credentials.get("database_url") or None,
            credentials=credentials,
        )

    def __init__(self, demo: bool = False, max_message_chars: int = 2000, max_body_bytes: int = 16_384,
                 rate_limit: int = 30, rate_window_seconds: float = 60.0,
                 database_url: Optional[str] = None, credentials: Optional[Dict[Text, Any]] = None) -> None:
        if not demo:
            raise ValueError(NOT_DEMO_REFUSAL)
        self.demo = demo
        self.max_message_chars = max_message_chars
        self.max_body_bytes = max_body_bytes
        self.rate_limit = rate_limit
        # Anyone at the page says who they are: the client's address is all that is known of them.
        self.rate_limiter = rate_limiter(credentials or {}, "webchat", rate_limit, rate_window_seconds)
        self.database_url = database_url  # None: DATABASE_URL / the project default, read per request
        logger.warning("webchat channel on: for demos and training on a local machine only, never in production "
                       "(anyone who reaches the port can chat as any staff member)")

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()

    def _parse(self, request: Request) -> "tuple[Optional[HTTPResponse], str, str]":
        """(refusal or None, sender, text) for a POST to the webhook."""
        refusal = browser_refusal(request)
        if refusal is not None:
            return refusal, "", ""
        body = request.body or b""
        if len(body) > self.max_body_bytes:
            logger.warning("webchat.refused status=413 bytes=%s", len(body))
            return _json([{"text": TOO_BIG_REPLY}], status=413), "", ""
        try:
            data = json.loads(body or b"null")
        except ValueError:
            return _json({"error": "body is not JSON"}, status=400), "", ""
        if (not isinstance(data, dict) or not isinstance(data.get("sender"), str) or not data["sender"].strip()
                or not isinstance(data.get("message"), str)):
            return _json({"error": "sender and message are required"}, status=400), "", ""
        sender, text = data["sender"].strip(), data["message"]
        if len(text) > self.max_message_chars:
            logger.warning("webchat.refused status=413 chars=%s", len(text))
            return (_json([{"recipient_id": sender, "text": TOO_LONG_REPLY.format(limit=self.max_message_chars)}],
                          status=413), sender, text)
        if not self.rate_limiter.allow(f"ip:{request.ip}"):
            logger.warning("webchat.refused status=429")
            return (_json([{"recipient_id": sender, "text": TOO_FAST_REPLY.format(limit=self.rate_limit)}],
                          status=429), sender, text)
        return None, sender, text

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = answering(on_new_message)
        webchat = guard_server(freeze_after_start(Blueprint(f"custom_webhook_{type(self).__name__}", __name__)),
                               "webchat", trusts_body_sender=True)

        @webchat.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            return response.html(page_html(), headers=PAGE_HEADERS)

        @webchat.route("/health", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return _json({"status": "ok"})

        @webchat.route("/staff", methods=["GET"])
        async def staff(request: Request) -> HTTPResponse:
            try:
                people = await asyncio.get_running_loop().run_in_executor(None, demo_staff, self.database_url)
            except Exception:
                logger.exception("webchat.staff failed")
                return _json({"error": STAFF_FAILED_REPLY}, status=503)
            return _json(people, headers={"Cache-Control": "no-store"})

        @webchat.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refusal, sender, text = self._parse(request)
            if refusal is not None:
                return refusal
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(),
                                                 metadata=None))
            except asyncio.CancelledError:
                logger.error("webchat.message timed out")
            except Exception:
                logger.exception("webchat.message failed")
            return _json(collector.messages)

        return webchat

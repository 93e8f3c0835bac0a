"""The REST channel with a shared token, a body size limit and a per-sender rate limit.

Rasa's own `rest:` channel trusts anyone who can reach the port and takes the sender from the
JSON body. That is fine on a developer's machine; in production only the bank's own front end
(which has authenticated the staff member) may post, so it must present a token:

    bot.channels.rest_auth.TokenRestInput:
      token: ${REST_TOKEN}

and send `Authorization: Bearer <token>`. Same URL as `rest:` (/webhooks/rest/webhook) and the
same JSON; use it instead of `rest:`, not beside it. With no token configured it believes the
sender in the body, as `rest:` does: it then refuses to start on any address but 127.0.0.1.

Every POST must be application/json from no other web site (bot/channels/edges.py). The rate
limit counts per verified identity: the sender, when the token vouches for the front end that
names it; the client's address otherwise. It is shared through Redis when configured.
"""
from __future__ import annotations

import hmac
import json
import logging
from functools import partial
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
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

TOO_FAST_REPLY = "发送太频繁了,请稍后再试(每分钟最多 {limit} 条)。"
TOO_LONG_REPLY = "消息太长了(最多 {limit} 个字),请分几条发送。"
TOO_BIG_REPLY = "请求太大,未处理。"


class TokenRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"  # same URL as Rasa's rest channel, so clients change only the header

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TokenRestInput":
        credentials = credentials or {}
        return cls(
            token=str(credentials.get("token") or ""),
            max_body_bytes=int(credentials.get("max_body_bytes", 16_384)),
            max_message_chars=int(credentials.get("max_message_chars", 2000)),
            rate_limit=int(credentials.get("rate_limit_per_minute", 30)),
            rate_window_seconds=float(credentials.get("rate_window_seconds", 60)),
            credentials=credentials,
        )

    def __init__(self, token: str = "", max_body_bytes: int = 16_384, max_message_chars: int = 2000,
                 rate_limit: int = 30, rate_window_seconds: float = 60.0,
                 credentials: Optional[Dict[Text, Any]] = None) -> None:
        self.token = token.strip()
        self.max_body_bytes = max_body_bytes
        self.max_message_chars = max_message_chars
        self.rate_limit = rate_limit
        self.rate_limiter = rate_limiter(credentials or {}, "rest", rate_limit, rate_window_seconds)
        if not self.token:
            logger.warning("rest channel: no token configured: it believes the sender in the body and listens "
                           "only on 127.0.0.1")

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()  # a client must not claim to be another (verified) channel

    def _authorized(self, request: Request) -> bool:
        if not self.token:
            return True
        scheme, _, given = (request.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(given.strip().encode("utf-8"), self.token.encode("utf-8"))

    def _check(self, request: Request) -> Optional[HTTPResponse]:
        """The refusal for a request to the webhook, or None to let it through."""
        if not self._authorized(request):
            logger.warning("rest.refused status=401 ip=%s", request.ip)
            return _json({"error": "unauthorized"}, status=401,
                                 headers={"WWW-Authenticate": 'Bearer realm="rest"'})
        refusal = browser_refusal(request)
        if refusal is not None:
            return refusal
        body = request.body or b""
        if len(body) > self.max_body_bytes:
            logger.warning("rest.refused status=413 bytes=%s", len(body))
            return _json([{"text": TOO_BIG_REPLY}], status=413)
        try:
            data = json.loads(body or b"null")
        except ValueError:
            return _json({"error": "body is not JSON"}, status=400)
        if not isinstance(data, dict) or not isinstance(data.get("sender"), str) or not data["sender"]:
            return _json({"error": "sender and message are required"}, status=400)
        sender, text = data["sender"], data.get("message")
        if not isinstance(text, str):
            return _json({"error": "sender and message are required"}, status=400)
        if len(text) > self.max_message_chars:
            logger.warning("rest.refused status=413 chars=%s", len(text))
            return _json([{"recipient_id": sender, "text": TOO_LONG_REPLY.format(limit=self.max_message_chars)}],
                                 status=413)
        # The token vouches for the front end that names the sender; without it only the address is known.
        identity = sender if self.token else f"ip:{request.ip}"
        if not self.rate_limiter.allow(identity):
            logger.warning("rest.refused status=429")
            return _json([{"recipient_id": sender, "text": TOO_FAST_REPLY.format(limit=self.rate_limit)}],
                                 status=429)
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        rest = guard_server(freeze_after_start(super().blueprint(answering(on_new_message))), "rest",
                            trusts_body_sender=not self.token)

        @rest.middleware("request")
        async def guard(request: Request) -> Optional[HTTPResponse]:
            if request.method == "POST" and request.path.rstrip("/").endswith("/webhook"):
                return self._check(request)
            return None

        return rest

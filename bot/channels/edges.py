"""What every HTTP channel of this bot checks at its edge, before a message reaches the bot.

At start (a `before_server_start` listener each project channel registers):
- Rasa's HTTP API (`--enable-api`) is refused without `--auth-token` or `--jwt-secret`: open, it
  shows any employee's conversation (GET /conversations/<id>/tracker), posts as anyone and loads
  a model (PUT /model).
- A channel that takes the sender from the request body without a token (the REST channel with
  no token, the demo web chat) refuses to start on any address but this machine's own.
- Request bodies over MAX_REQUEST_BYTES are refused by Sanic with 413 before they are read (its
  default is 100 MB).

On each POST (`browser_refusal`): the body must be declared application/json, and a request a
browser marks as coming from another site (Origin, Sec-Fetch-Site) is refused. A web page open on
a staff PC can then not post "确认" to the bot as that employee: a cross-site form or
`fetch(..., {mode: "no-cors"})` can only send text/plain or form bodies, and a cross-site JSON
POST needs a CORS preflight this server never grants.
"""
from __future__ import annotations

import json
import logging
import sys
from functools import partial
from typing import Optional, Sequence
from urllib.parse import urlsplit

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)
_json = partial(response.json, dumps=partial(json.dumps, ensure_ascii=False))

MAX_REQUEST_BYTES = 64 * 1024
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

WRONG_TYPE_REPLY = "请求格式不对:请以 Content-Type: application/json 发送。"
CROSS_SITE_REPLY = "拒绝来自其他网站的请求。"


class RefusedToStart(RuntimeError):
    """The server would be open to people it cannot tell apart: it does not start."""


def is_local(host: Optional[str]) -> bool:
    return (host or "").strip().strip("[]").lower() in LOCAL_HOSTS


def api_open_without_token(argv: Sequence[str]) -> bool:
    """`rasa run --enable-api` without `--auth-token`/`--jwt-secret` (read from the command line:
    Rasa keeps the token inside its route decorators)."""
    flags = {arg.split("=", 1)[0] for arg in argv}
    return "--enable-api" in flags and not flags & {"--auth-token", "-t", "--jwt-secret"}


def start_refusal(host: Optional[str], argv: Sequence[str], trusts_body_sender: bool, channel: str) -> Optional[str]:
    """Why the server must not start, or None."""
    if api_open_without_token(argv):
        return ("Rasa 的 HTTP API (--enable-api) 没有 --auth-token: 任何人都能读取员工的对话、冒充员工发消息、"
                "更换模型。去掉 --enable-api, 或加上 --auth-token。")
    if trusts_body_sender and not is_local(host):
        return (f"{channel} 渠道没有 token, 却监听在 {host}: 任何能访问该端口的人都能冒充任何员工。"
                f"只在 127.0.0.1 上运行, 或在 credentials.yml 中给它设置 token。")
    return None


def guard_server(blueprint: Blueprint, channel: str, trusts_body_sender: bool) -> Blueprint:
    """Registers the start-up checks and the body limit on `blueprint`'s server."""

    @blueprint.listener("before_server_start")
    async def check_before_start(app, _loop) -> None:
        if app.config.REQUEST_MAX_SIZE > MAX_REQUEST_BYTES:
            app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES
        reason = start_refusal(app.state.host, sys.argv, trusts_body_sender, channel)
        if reason:
            logger.critical("server refused to start: %s", reason)
            raise RefusedToStart(reason)

    return blueprint


def _origin_host(value: str) -> str:
    parts = urlsplit(value)
    return (parts.netloc or "").lower()


def browser_refusal(request: Request) -> Optional[HTTPResponse]:
    """A refusal for a POST that is not JSON or that a browser sent from another site; else None."""
    content_type = (request.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
    if content_type != "application/json":
        logger.warning("channel.refused status=415 content_type=%r", content_type[:40])
        return _json({"error": WRONG_TYPE_REPLY}, status=415)
    fetch_site = (request.headers.get("Sec-Fetch-Site") or "").strip().lower()
    if fetch_site in {"cross-site", "same-site"}:
        logger.warning("channel.refused status=403 sec-fetch-site=%s", fetch_site)
        return _json({"error": CROSS_SITE_REPLY}, status=403)
    origin = (request.headers.get("Origin") or "").strip()
    if origin:
        host = (request.headers.get("Host") or "").lower()
        if origin == "null" or _origin_host(origin) != host:
            logger.warning("channel.refused status=403 cross-origin")
            return _json({"error": CROSS_SITE_REPLY}, status=403)
    return None

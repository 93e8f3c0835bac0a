"""Running channel blueprints on an ephemeral port, and a local stand-in for WeCom's API."""
from __future__ import annotations

import contextlib
import socket
import uuid
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable, Dict, List

import pytest
from aiohttp import web
from sanic import Blueprint, Sanic

# The official sample of WeCom's callback documentation (see ../shared/FACTS.md).
SAMPLE_TOKEN = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
SAMPLE_AES_KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
SAMPLE_CORP_ID = "ww1436e0e65a779aee"
SAMPLE_URL = dict(
    msg_signature="012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb",
    timestamp="1476416373",
    nonce="47744683",
    echostr="fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==",
)
SAMPLE_ECHO = "1288432023552776189"
SAMPLE_MSG = dict(
    msg_signature="0c3914025cb4b4d68103f6bfc8db550f79dcf48e",
    timestamp="1476422779",
    nonce="1597212914",
)
SAMPLE_ENCRYPTED = (
    "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew"
    "+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24Yhm"
    "ZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwoc"
    "ugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+"
)


def envelope(encrypted: str, corp_id: str = SAMPLE_CORP_ID, agent_id: str = "218") -> bytes:
    """The XML WeCom POSTs: only ToUserName, AgentID and the Encrypt field are in clear."""
    return (f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt>"
            f"<AgentID><![CDATA[{agent_id}]]></AgentID></xml>").encode("utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.asynccontextmanager
async def serve_blueprint(blueprint: Blueprint, url_prefix: str) -> AsyncIterator[str]:
    """Serves one channel blueprint the way rasa.core.channels.channel.register does; yields the base URL."""
    def make_app() -> Sanic:
        app = Sanic(f"channel_test_{uuid.uuid4().hex}", configure_logging=False)
        app.blueprint(blueprint, url_prefix=url_prefix)
        return app

    async with serve_app(make_app) as base:
        yield base


@contextlib.asynccontextmanager
async def serve_app(make_app: Callable[[], Sanic]) -> AsyncIterator[str]:
    """Serves the Sanic app `make_app()` builds on an ephemeral port of 127.0.0.1; yields the base URL."""
    # test mode: Sanic's start-up code rewriting ("touchup") fails on a second app in one process
    previous_mode, Sanic.test_mode = Sanic.test_mode, True
    try:
        app = make_app()
        port = free_port()
        server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
        await server.startup()
        await server.before_start()
        await server.after_start()
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            await server.before_stop()
            server.close()
            await server.wait_closed()
            await server.after_stop()
    finally:
        Sanic.test_mode = previous_mode


@dataclass
class WeComStandIn:
    """gettoken and message/send as WeCom answers them, recording every call."""

    base_url: str = ""
    token_calls: List[Dict[str, str]] = field(default_factory=list)
    sent: List[Dict[str, Any]] = field(default_factory=list)
    send_tokens: List[str] = field(default_factory=list)
    issued: int = 0
    # errcodes message/send answers before it accepts (e.g. [42001]: the token expired once)
    send_failures: List[int] = field(default_factory=list)

    def texts(self) -> List[str]:
        return [m["text"]["content"] for m in self.sent]


@pytest.fixture
async def wecom_api() -> AsyncIterator[WeComStandIn]:
    stand_in = WeComStandIn()

    async def gettoken(request: web.Request) -> web.Response:
        stand_in.token_calls.append(dict(request.query))
        if request.query.get("corpid") != SAMPLE_CORP_ID or request.query.get("corpsecret") != "app-secret":
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        stand_in.issued += 1
        return web.json_response({"errcode": 0, "errmsg": "ok",
                                  "access_token": f"token-{stand_in.issued}", "expires_in": 7200})

    async def send(request: web.Request) -> web.Response:
        token = request.query.get("access_token", "")
        stand_in.send_tokens.append(token)
        if stand_in.send_failures:
            return web.json_response({"errcode": stand_in.send_failures.pop(0), "errmsg": "access_token expired"})
        if token != f"token-{stand_in.issued}":
            return web.json_response({"errcode": 40014, "errmsg": "invalid access_token"})
        stand_in.sent.append(await request.json())
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": f"m{len(stand_in.sent)}"})

    app = web.Application()
    app.router.add_get("/cgi-bin/gettoken", gettoken)
    app.router.add_post("/cgi-bin/message/send", send)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    stand_in.base_url = f"http://127.0.0.1:{port}"
    try:
        yield stand_in
    finally:
        await runner.cleanup()

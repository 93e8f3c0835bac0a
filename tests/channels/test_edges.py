"""The channels' edges (issue #24): who may post, from where, how much, and on which address a
channel that believes the sender in the body may start at all."""
from __future__ import annotations

import asyncio
import sys
import uuid

import aiohttp
import pytest
import redis
from sanic import Sanic

from bot.channels.edges import MAX_REQUEST_BYTES, RefusedToStart, api_open_without_token, start_refusal
from bot.channels.rest_auth import TokenRestInput
from bot.channels.webchat import WebChatInput
from tests.channels.conftest import free_port, serve_blueprint

REST = ("/webhooks/rest", "/webhooks/rest/webhook")
WEBCHAT = ("/webhooks/webchat", "/webhooks/webchat/webhook")


async def echo(message):
    await message.output_channel.send_text_message(message.sender_id, f"收到:{message.text}")


def channels():
    return [(TokenRestInput.from_credentials({}), REST), (WebChatInput.from_credentials({"demo": True}), WEBCHAT)]


@pytest.mark.parametrize("index", [0, 1], ids=["rest", "webchat"])
async def test_a_web_page_of_another_site_cannot_post_as_the_employee(index):
    channel, (prefix, webhook) = channels()[index]
    body = '{"sender": "zhangli", "message": "确认"}'
    async with serve_blueprint(channel.blueprint(echo), prefix) as base, aiohttp.ClientSession() as http:
        url = base + webhook
        # What a cross-site form or fetch(no-cors) can send: a "simple" body, no preflight.
        for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]:
            async with http.post(url, data=body, headers={"Content-Type": content_type,
                                                           "Origin": "https://evil.example"}) as resp:
                assert resp.status == 415, content_type
        async with http.post(url, data=body, headers={"Content-Type": "text/plain"}) as resp:
            assert resp.status == 415  # not JSON, whoever sends it
        # JSON with another site's marks: refused.
        for headers in [{"Origin": "https://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
                        {"Origin": "http://127.0.0.1:1", "Sec-Fetch-Site": "same-site"}]:
            async with http.post(url, data=body, headers={"Content-Type": "application/json", **headers}) as resp:
                assert resp.status == 403, headers
                assert "其他网站" in (await resp.json())["error"]
        # The page itself (same origin) and a client that is not a browser (no Origin) are answered.
        host = base.split("//", 1)[1]
        for headers in [{"Origin": f"http://{host}", "Sec-Fetch-Site": "same-origin"}, {}]:
            async with http.post(url, data=body, headers={"Content-Type": "application/json; charset=utf-8",
                                                           **headers}) as resp:
                assert resp.status == 200, headers
                assert (await resp.json())[0]["text"] == "收到:确认"


async def test_a_megabyte_is_refused_with_413_before_it_is_read():
    channel = TokenRestInput.from_credentials({})
    async with serve_blueprint(channel.blueprint(echo), REST[0]) as base:
        host, port = base.split("//", 1)[1].split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        # Only the headers are sent: the answer must come without the body ever being read.
        writer.write((f"POST {REST[1]} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
                      f"Content-Length: {1024 * 1024}\r\n\r\n").encode())
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout=5)
        writer.close()
    assert status_line.split()[1] == b"413"
    assert MAX_REQUEST_BYTES == 64 * 1024


async def test_an_open_channel_or_api_refuses_to_start_off_this_machine(monkeypatch):
    async def started(channel, host: str) -> None:
        previous, Sanic.test_mode = Sanic.test_mode, True
        app = Sanic(f"edges_{uuid.uuid4().hex}", configure_logging=False)
        app.blueprint(channel.blueprint(echo), url_prefix="/webhooks/x")
        server = await app.create_server(host=host, port=free_port(), return_asyncio_server=True, access_log=False)
        try:
            await server.startup()
            await server.before_start()
        finally:
            server.close()
            await server.wait_closed()
            Sanic.test_mode = previous

    for channel in [TokenRestInput.from_credentials({}), WebChatInput.from_credentials({"demo": True})]:
        with pytest.raises(RefusedToStart, match="0.0.0.0"):
            await started(channel, "0.0.0.0")
        await started(channel, "127.0.0.1")
    await started(TokenRestInput.from_credentials({"token": "t" * 32}), "0.0.0.0")  # the token vouches
    with pytest.raises(RefusedToStart):  # the web chat never has a token
        await started(WebChatInput.from_credentials({"demo": True, "token": "t" * 32}), "0.0.0.0")

    monkeypatch.setattr(sys, "argv", ["rasa", "run", "--enable-api", "--port", "5005"])
    with pytest.raises(RefusedToStart, match="--auth-token"):
        await started(TokenRestInput.from_credentials({"token": "t" * 32}), "127.0.0.1")
    monkeypatch.setattr(sys, "argv", ["rasa", "run", "--enable-api", "--auth-token", "x" * 32])
    await started(TokenRestInput.from_credentials({"token": "t" * 32}), "127.0.0.1")


def test_which_command_lines_open_the_api():
    assert api_open_without_token(["rasa", "run", "--enable-api"])
    assert not api_open_without_token(["rasa", "run", "--enable-api", "--auth-token", "abc"])
    assert not api_open_without_token(["rasa", "run", "--enable-api", "--auth-token=abc"])
    assert not api_open_without_token(["rasa", "run", "--enable-api", "--jwt-secret", "abc"])
    assert not api_open_without_token(["rasa", "run", "--port", "5005"])
    assert start_refusal("::1", [], True, "rest") is None
    assert start_refusal("localhost", [], True, "rest") is None
    assert "10.0.0.5" in start_refusal("10.0.0.5", [], True, "rest")
    assert start_refusal("10.0.0.5", [], False, "rest") is None


async def test_without_a_token_the_limit_is_per_address_not_per_claimed_sender():
    channel = TokenRestInput.from_credentials({"rate_limit_per_minute": 3})
    async with serve_blueprint(channel.blueprint(echo), REST[0]) as base, aiohttp.ClientSession() as http:
        statuses = []
        for n in range(5):  # a new made-up sender each time
            async with http.post(base + REST[1], json={"sender": f"someone{n}", "message": "查客户"}) as resp:
                statuses.append(resp.status)
    assert statuses == [200, 200, 200, 429, 429]


def redis_up() -> bool:
    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not redis_up(), reason="needs Redis on 127.0.0.1:6379")
async def test_with_redis_two_processes_share_one_limit():
    """Two channel instances (as two workers or servers would have) count one sender together."""
    db = 14
    redis.Redis(host="127.0.0.1", port=6379, db=db).flushdb()
    credentials = {"token": "t" * 32, "rate_limit_per_minute": 3, "redis_url": f"redis://127.0.0.1:6379/{db}"}
    first, second = TokenRestInput.from_credentials(credentials), TokenRestInput.from_credentials(credentials)
    headers = {"Authorization": "Bearer " + "t" * 32}
    statuses = []
    async with serve_blueprint(first.blueprint(echo), REST[0]) as a, \
            serve_blueprint(second.blueprint(echo), REST[0]) as b, aiohttp.ClientSession() as http:
        for base in [a, b, a, b, a]:
            async with http.post(base + REST[1], json={"sender": "zhangli", "message": "查客户"}, headers=headers) as resp:
                statuses.append(resp.status)
        # another employee is counted apart
        async with http.post(b + REST[1], json={"sender": "wangfang", "message": "查客户"}, headers=headers) as resp:
            assert resp.status == 200
    assert statuses == [200, 200, 200, 429, 429]
    redis.Redis(host="127.0.0.1", port=6379, db=db).flushdb()

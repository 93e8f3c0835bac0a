"""The token-protected REST channel: 401 without the token, 413 too big, 429 too fast."""
from __future__ import annotations

import aiohttp
import pytest

from bot.channels.rest_auth import TokenRestInput
from tests.channels.conftest import serve_blueprint

WEBHOOK = "/webhooks/rest/webhook"


async def echo(message):
    await message.output_channel.send_text_message(message.sender_id, f"{message.input_channel}:{message.text}")


@pytest.fixture
async def rest():
    channel = TokenRestInput(token="s3cret-token", rate_limit=3, max_message_chars=50, max_body_bytes=1000)
    async with serve_blueprint(channel.blueprint(echo), "/webhooks/rest") as base, aiohttp.ClientSession() as http:
        yield base, http


async def post(http, url, body, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    async with http.post(url, json=body, headers=headers) as resp:
        return resp.status, await resp.json(content_type=None)


async def test_missing_or_wrong_token_is_401(rest):
    base, http = rest
    body = {"sender": "zhangli", "message": "你好"}
    assert (await post(http, base + WEBHOOK, body))[0] == 401
    assert (await post(http, base + WEBHOOK, body, token="wrong"))[0] == 401
    assert (await post(http, base + WEBHOOK, body, token=""))[0] == 401
    async with http.post(base + WEBHOOK, json=body, headers={"Authorization": "Basic s3cret-token"}) as resp:
        assert resp.status == 401


async def test_right_token_passes_and_the_channel_name_cannot_be_claimed(rest):
    base, http = rest
    status, replies = await post(http, base + WEBHOOK, {"sender": "zhangli", "message": "你好", "input_channel": "wecom"},
                                 token="s3cret-token")
    assert status == 200
    assert replies == [{"recipient_id": "zhangli", "text": "rest:你好"}]
    async with http.get(base + "/webhooks/rest/") as resp:  # health stays open
        assert resp.status == 200


async def test_rate_limit_per_sender_is_429_with_a_chinese_reply(rest):
    base, http = rest
    for _ in range(3):
        assert (await post(http, base + WEBHOOK, {"sender": "zhangli", "message": "查客户"}, token="s3cret-token"))[0] == 200
    status, replies = await post(http, base + WEBHOOK, {"sender": "zhangli", "message": "查客户"}, token="s3cret-token")
    assert status == 429
    assert "太频繁" in replies[0]["text"]
    # another sender is not slowed down by the first
    assert (await post(http, base + WEBHOOK, {"sender": "lisi", "message": "查客户"}, token="s3cret-token"))[0] == 200


async def test_too_big_or_malformed_bodies(rest):
    base, http = rest
    status, replies = await post(http, base + WEBHOOK, {"sender": "zhangli", "message": "长" * 51}, token="s3cret-token")
    assert status == 413 and "消息太长" in replies[0]["text"]
    status, _ = await post(http, base + WEBHOOK, {"sender": "zhangli", "message": "x" * 2000}, token="s3cret-token")
    assert status == 413
    async with http.post(base + WEBHOOK, data=b"{not json", headers={"Authorization": "Bearer s3cret-token",
                                                                     "Content-Type": "application/json"}) as resp:
        assert resp.status == 400
    assert (await post(http, base + WEBHOOK, {"message": "无发送者"}, token="s3cret-token"))[0] == 400


async def test_without_a_token_it_stays_open_like_rasa_rest():
    channel = TokenRestInput.from_credentials(None)
    async with serve_blueprint(channel.blueprint(echo), "/webhooks/rest") as base, aiohttp.ClientSession() as http:
        status, replies = await post(http, base + WEBHOOK, {"sender": "zhangli", "message": "你好"})
    assert status == 200 and replies[0]["text"] == "rest:你好"

"""The local web chat channel without a browser or a model: the page, the demo staff, the webhook."""
from __future__ import annotations

import re

import aiohttp
import pytest

from bot.channels.webchat import WebChatInput
from tests.channels.conftest import serve_blueprint

PREFIX = "/webhooks/webchat"


async def echo_with_buttons(message):
    await message.output_channel.send_text_with_buttons(
        message.sender_id, f"{message.input_channel}:{message.text}\n第二行",
        [{"title": "王建国 139****5678", "payload": "1"}, {"title": "取消", "payload": "取消"}])


async def test_the_page_is_served_and_loads_nothing_from_another_host():
    channel = WebChatInput.from_credentials({"demo": True})
    async with serve_blueprint(channel.blueprint(echo_with_buttons), PREFIX) as base, aiohttp.ClientSession() as http:
        async with http.get(base + PREFIX + "/") as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"].startswith("text/html")
            assert "default-src 'none'" in resp.headers["Content-Security-Policy"]
            html = await resp.text()
    assert re.findall(r"https?://", html, flags=re.I) == []
    assert re.findall(r"(?:src|href)\s*=\s*[\"']?//", html, flags=re.I) == []  # protocol-relative URLs
    for element in ('id="staff"', 'id="input"', 'id="send"', 'id="messages"', "pre-wrap", "网点助手"):
        assert element in html


async def test_staff_lists_the_demo_staff_when_demo_is_on(bank):
    channel = WebChatInput.from_credentials({"demo": True})
    async with serve_blueprint(channel.blueprint(echo_with_buttons), PREFIX) as base, aiohttp.ClientSession() as http:
        async with http.get(base + PREFIX + "/staff") as resp:
            assert resp.status == 200
            staff = await resp.json()
    by_chat_id = {s["chat_id"]: s for s in staff}
    assert by_chat_id["zhangli"] == {"chat_id": "zhangli", "name": "张丽", "role": "柜员",
                                     "branch_id": "B001", "branch": "城关支行"}
    assert by_chat_id["suntao"]["role"] == "客户经理" and by_chat_id["suntao"]["branch"] == "河西支行"
    assert by_chat_id["liuwei"]["role"] == "网点负责人"
    assert {"zhaoqiang", "wangfang", "chenjing", "majun", "hexiaoyan"} <= set(by_chat_id)
    assert all(s["chat_id"] for s in staff)


@pytest.mark.parametrize("credentials", [None, {}, {"demo": False}, {"demo": "false"}])
def test_without_demo_true_the_web_chat_does_not_exist(credentials):
    with pytest.raises(ValueError, match="demo: true"):
        WebChatInput.from_credentials(credentials)


async def test_webhook_returns_the_collected_messages_with_buttons():
    channel = WebChatInput.from_credentials({"demo": True})
    async with serve_blueprint(channel.blueprint(echo_with_buttons), PREFIX) as base, aiohttp.ClientSession() as http:
        body = {"sender": "zhangli", "message": "查一下王建国", "input_channel": "wecom"}
        async with http.post(base + PREFIX + "/webhook", json=body) as resp:
            assert resp.status == 200
            replies = await resp.json()
    assert replies == [{
        "recipient_id": "zhangli",
        "text": "webchat:查一下王建国\n第二行",  # the client cannot claim another channel
        "buttons": [{"title": "王建国 139****5678", "payload": "1"}, {"title": "取消", "payload": "取消"}],
    }]


async def test_too_long_is_413_too_fast_is_429_malformed_is_400():
    seen = []

    async def record(message):
        seen.append(message.text)
        await message.output_channel.send_text_message(message.sender_id, "好的")

    channel = WebChatInput.from_credentials({"demo": True, "rate_limit_per_minute": 2})
    async with serve_blueprint(channel.blueprint(record), PREFIX) as base, aiohttp.ClientSession() as http:
        url = base + PREFIX + "/webhook"
        async with http.post(url, json={"sender": "zhangli", "message": "长" * 2001}) as resp:
            assert resp.status == 413
            assert "消息太长" in (await resp.json())[0]["text"]
        async with http.post(url, json={"sender": "zhangli", "message": "长" * 2000}) as resp:
            assert resp.status == 200
        async with http.post(url, json={"sender": "zhangli", "message": "你好"}) as resp:
            assert resp.status == 200
        async with http.post(url, json={"sender": "zhangli", "message": "你好"}) as resp:
            assert resp.status == 429 and "太频繁" in (await resp.json())[0]["text"]
        async with http.post(url, data=b"{not json", headers={"Content-Type": "application/json"}) as resp:
            assert resp.status == 400
        async with http.post(url, json={"message": "无发送者"}) as resp:
            assert resp.status == 400
    assert seen == ["长" * 2000, "你好"]

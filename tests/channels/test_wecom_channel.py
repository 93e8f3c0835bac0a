"""The WeCom channel over HTTP: URL verification, callbacks, replies through a local stand-in API."""
from __future__ import annotations

import asyncio
import logging
import time
from typing import List

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels.buttons import render_buttons
from bot.channels.wecom import (
    TEXT_ONLY_REPLY,
    WeComClient,
    WeComInput,
    parse_xml,
    split_content,
)
from bot.channels.wecom_crypto import WeComCrypto
from tests.channels.conftest import (
    SAMPLE_AES_KEY,
    SAMPLE_CORP_ID,
    SAMPLE_ECHO,
    SAMPLE_ENCRYPTED,
    SAMPLE_MSG,
    SAMPLE_TOKEN,
    SAMPLE_URL,
    envelope,
    serve_blueprint,
)

CALLBACK = "/webhooks/wecom/callback"


def make_channel(api_base: str = "http://127.0.0.1:9", now=time.time, **kwargs) -> WeComInput:
    crypto = WeComCrypto(SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_CORP_ID)
    client = WeComClient(SAMPLE_CORP_ID, "app-secret", 1000002, api_base=api_base)
    return WeComInput(crypto, client, now=now, **kwargs)


def text_callback(user: str, content: str, msg_id: str, msg_type: str = "text", timestamp: int | None = None):
    """Query parameters and body of a callback as WeCom would send it now."""
    timestamp = str(timestamp or int(time.time()))
    inner = (f"<xml><ToUserName><![CDATA[{SAMPLE_CORP_ID}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
             f"<CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[{msg_type}]]></MsgType>"
             f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId><AgentID>1000002</AgentID></xml>")
    encrypted, sig = WeComCrypto(SAMPLE_TOKEN, SAMPLE_AES_KEY, SAMPLE_CORP_ID).seal(inner, timestamp, "n0nce")
    return {"msg_signature": sig, "timestamp": timestamp, "nonce": "n0nce"}, envelope(encrypted)


class Recorder:
    """A stand-in for Rasa's agent: records messages, optionally answers through the output channel."""

    def __init__(self, answer=None) -> None:
        self.messages: List[UserMessage] = []
        self.answer = answer

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        if self.answer:
            await self.answer(message)


async def test_url_verification_with_the_official_vector():
    channel = make_channel(now=lambda: int(SAMPLE_URL["timestamp"]) + 1)
    async with serve_blueprint(channel.blueprint(Recorder()), "/webhooks/wecom") as base, \
            aiohttp.ClientSession() as http:
        async with http.get(base + CALLBACK, params=SAMPLE_URL) as resp:
            assert resp.status == 200
            assert await resp.text() == SAMPLE_ECHO
        forged = {**SAMPLE_URL, "msg_signature": "0" * 40}
        async with http.get(base + CALLBACK, params=forged) as resp:
            assert resp.status == 403
            assert SAMPLE_ECHO not in await resp.text()
        async with http.get(base + CALLBACK, params={"echostr": "x"}) as resp:
            assert resp.status == 400


async def test_official_message_callback_is_answered_at_once_and_processed_once():
    seen_while_processing = asyncio.Event()
    release = asyncio.Event()

    async def slow_agent(message):
        seen_while_processing.set()
        await release.wait()  # the HTTP answer must not wait for the bot's reply

    agent = Recorder(slow_agent)
    channel = make_channel(now=lambda: int(SAMPLE_MSG["timestamp"]) + 2)
    async with serve_blueprint(channel.blueprint(agent), "/webhooks/wecom") as base, \
            aiohttp.ClientSession() as http:
        for _ in range(2):  # WeCom retries a callback; the retry is acknowledged, not processed
            async with http.post(base + CALLBACK, params=SAMPLE_MSG, data=envelope(SAMPLE_ENCRYPTED)) as resp:
                assert resp.status == 200
                assert await resp.read() == b""
        await asyncio.wait_for(seen_while_processing.wait(), 5)
        release.set()
        await channel.drain()
    assert len(agent.messages) == 1
    message = agent.messages[0]
    assert (message.sender_id, message.text, message.input_channel) == ("ChenJiaShun", "你好", "wecom")
    assert message.metadata["wecom"]["msg_id"] == "1456453720"


async def test_forged_stale_and_garbled_callbacks_get_403_and_a_log_without_content(caplog):
    agent = Recorder()
    channel = make_channel()
    params, body = text_callback("zhangli", "查一下王芳 13812345678 身份证 110101199003071234", "9001")
    stale_params, stale_body = text_callback("zhangli", "13812345678", "9002", timestamp=int(time.time()) - 3600)
    other_corp = WeComCrypto(SAMPLE_TOKEN, SAMPLE_AES_KEY, "ww0000000000000000")
    wrong_receiver, wrong_sig = other_corp.seal("<xml><FromUserName>x</FromUserName></xml>", params["timestamp"], "n")
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            b"<xml><Encrypt>&lol2;</Encrypt></xml>")
    cases = [
        ({**params, "msg_signature": "f" * 40}, body),                       # forged signature
        (params, envelope(SAMPLE_ENCRYPTED)),                                # signature of another body
        (stale_params, stale_body),                                          # replayed an hour later
        ({"msg_signature": wrong_sig, "timestamp": params["timestamp"], "nonce": "n"}, envelope(wrong_receiver)),
        (params, b"<xml><Encrypt>!!!</Encrypt></xml>"),                      # garbage
        (params, bomb),                                                      # entity expansion
        (params, b"not xml at all"),
    ]
    caplog.set_level(logging.INFO, logger="bot.channels.wecom")
    async with serve_blueprint(channel.blueprint(agent), "/webhooks/wecom") as base, \
            aiohttp.ClientSession() as http:
        for query, data in cases:
            async with http.post(base + CALLBACK, params=query, data=data) as resp:
                assert resp.status == 403, query
        await channel.drain()
    assert agent.messages == []
    rejections = [r for r in caplog.records if "rejected" in r.getMessage()]
    assert len(rejections) == len(cases)
    logged = caplog.text
    for secret in ("13812345678", "110101199003071234", "王芳", SAMPLE_ENCRYPTED[:20]):
        assert secret not in logged


async def test_replies_go_through_message_send_with_one_cached_token(wecom_api):
    async def answer(message):
        await message.output_channel.send_response(message.sender_id, {"text": "找到 2 位王芳:"})
        await message.output_channel.send_response(message.sender_id, {
            "text": "您要找哪一位?",
            "buttons": [{"title": "王芳 尾号5678", "payload": "/choose{\"position\": 1}"},
                        {"title": "王芳 尾号1234", "payload": "/choose{\"position\": 2}"}],
        })

    agent = Recorder(answer)
    channel = make_channel(api_base=wecom_api.base_url)
    async with serve_blueprint(channel.blueprint(agent), "/webhooks/wecom") as base, \
            aiohttp.ClientSession() as http:
        params, body = text_callback("zhangli", "查一下王芳", "1001")
        async with http.post(base + CALLBACK, params=params, data=body) as resp:
            assert resp.status == 200 and await resp.read() == b""
        await channel.drain()
        # the user answers with the number of a button: the channel hands Rasa its payload
        agent.answer = None
        params, body = text_callback("zhangli", "２", "1002")
        async with http.post(base + CALLBACK, params=params, data=body) as resp:
            assert resp.status == 200
        await channel.drain()

    assert len(wecom_api.token_calls) == 1
    assert wecom_api.token_calls[0] == {"corpid": SAMPLE_CORP_ID, "corpsecret": "app-secret"}
    assert wecom_api.send_tokens == ["token-1", "token-1"]
    assert [m["touser"] for m in wecom_api.sent] == ["zhangli", "zhangli"]
    assert all(m["msgtype"] == "text" and m["agentid"] == 1000002 for m in wecom_api.sent)
    assert wecom_api.texts()[0] == "找到 2 位王芳:"
    assert wecom_api.texts()[1].splitlines()[:3] == ["您要找哪一位?", "1. 王芳 尾号5678", "2. 王芳 尾号1234"]
    assert [m.text for m in agent.messages] == ["查一下王芳", '/choose{"position": 2}']


async def test_expired_token_is_refreshed_once(wecom_api):
    channel = make_channel(api_base=wecom_api.base_url)
    output = channel.get_output_channel()
    await output.send_text_message("zhangli", "第一条")
    wecom_api.send_failures = [42001]  # WeCom expired the token early
    await output.send_text_message("zhangli", "第二条")
    await channel.client.close()
    assert len(wecom_api.token_calls) == 2
    assert wecom_api.texts() == ["第一条", "第二条"]
    assert wecom_api.send_tokens == ["token-1", "token-1", "token-2"]


async def test_non_text_too_long_and_too_fast_get_a_polite_reply_and_no_processing(wecom_api):
    agent = Recorder()
    channel = make_channel(api_base=wecom_api.base_url, rate_limit=3, max_message_chars=2000)
    async with serve_blueprint(channel.blueprint(agent), "/webhooks/wecom") as base, \
            aiohttp.ClientSession() as http:
        for query, data in [
            text_callback("zhangli", "", "2001", msg_type="image"),
            text_callback("zhangli", "长" * 2001, "2002"),
            text_callback("lisi", "一", "2003"),
            text_callback("lisi", "二", "2004"),
            text_callback("lisi", "三", "2005"),
            text_callback("lisi", "四", "2006"),
        ]:
            async with http.post(base + CALLBACK, params=query, data=data) as resp:
                assert resp.status == 200 and await resp.read() == b""
        await channel.drain()
    assert [m.text for m in agent.messages] == ["一", "二", "三"]
    replies = {(m["touser"], m["text"]["content"]) for m in wecom_api.sent}
    assert ("zhangli", TEXT_ONLY_REPLY) in replies
    assert any(user == "zhangli" and "消息太长" in text for user, text in replies)
    assert any(user == "lisi" and "太频繁" in text for user, text in replies)
    assert "长" * 50 not in str(wecom_api.sent)


async def test_failed_send_is_logged_not_raised(caplog):
    agent = Recorder(lambda m: m.output_channel.send_text_message(m.sender_id, "回复"))
    channel = make_channel(api_base="http://127.0.0.1:9")  # nothing listens there
    async with serve_blueprint(channel.blueprint(agent), "/webhooks/wecom") as base, \
            aiohttp.ClientSession() as http:
        params, body = text_callback("zhangli", "你好", "3001")
        async with http.post(base + CALLBACK, params=params, data=body) as resp:
            assert resp.status == 200
        await channel.drain()
    assert len(agent.messages) == 1
    assert "turn.failed channel=wecom error=ClientConnectorError" in caplog.text
    assert "app-secret" not in caplog.text


def test_buttons_render_as_numbered_lines_and_long_text_is_split():
    text = render_buttons("选哪个?", [{"title": "甲", "payload": "/a"}, {"title": "乙", "payload": "/b"}])
    assert text.splitlines()[:3] == ["选哪个?", "1. 甲", "2. 乙"]
    pieces = split_content(("一行客户信息\n" * 400).strip())
    assert len(pieces) > 1 and all(len(p.encode()) <= 2048 for p in pieces)
    assert "".join(p + "\n" for p in pieces).count("一行客户信息") == 400


def test_xml_with_doctype_or_entities_is_refused():
    with pytest.raises(ValueError):
        parse_xml('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><A>&e;</A></xml>')
    with pytest.raises(ValueError):
        parse_xml("<xml><A>")
    assert parse_xml("<xml><A><![CDATA[你好]]></A></xml>") == {"A": "你好"}

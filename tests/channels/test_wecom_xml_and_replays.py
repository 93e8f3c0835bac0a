"""WeCom callbacks: XML parsed only after the signature, and only as strict UTF-8 without DOCTYPE;
a MsgId processed once across processes through Redis (issue #24, point 6).

The Redis tests use the machine's Redis (127.0.0.1:6379, database 13) under a key prefix of their
own, and skip without it.
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import socket
import time
import uuid

import aiohttp
import pytest

import bot.channels.wecom as wecom
from bot.channels.wecom import RedisSeenOnce, UnsafeXml, WeComInput, parse_xml, redis_url_from
from tests.channels.conftest import (
    SAMPLE_AES_KEY,
    SAMPLE_CORP_ID,
    SAMPLE_ENCRYPTED,
    SAMPLE_MSG,
    SAMPLE_TOKEN,
    envelope,
    free_port,
    serve_blueprint,
)
from tests.channels.test_wecom_channel import CALLBACK, Recorder, make_channel, text_callback

REDIS_URL = "redis://127.0.0.1:6379/13"


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not redis_up(), reason="needs Redis on 127.0.0.1:6379")


def utf16_doctype_envelope(encrypted: str) -> bytes:
    """The signed Encrypt value smuggled in through an entity of a UTF-16 document: a DOCTYPE
    check on the bytes decoded as UTF-8 with replacement characters does not see it."""
    return (f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE xml [<!ENTITY e "{encrypted}">]>'
            f"<xml><ToUserName>{SAMPLE_CORP_ID}</ToUserName><Encrypt>&e;</Encrypt>"
            f"<AgentID>1000002</AgentID></xml>").encode("utf-16")


async def post_all(channel: WeComInput, agent: Recorder, calls, caplog=None) -> list[int]:
    statuses = []
    async with serve_blueprint(channel.blueprint(agent), "/webhooks/wecom") as base, \
            aiohttp.ClientSession() as http:
        for params, body in calls:
            async with http.post(base + CALLBACK, params=params, data=body) as resp:
                statuses.append(resp.status)
        await channel.drain()
    return statuses


# ---------------------------------------------------------------- XML after the signature, safely
def test_a_utf16_document_with_a_doctype_is_refused():
    with pytest.raises(UnsafeXml):
        parse_xml(utf16_doctype_envelope(SAMPLE_ENCRYPTED))
    with pytest.raises(UnsafeXml):  # no DOCTYPE, but not UTF-8 either: refused, not guessed at
        parse_xml("<xml><A>你好</A></xml>".encode("utf-16"))
    assert parse_xml("<xml><A><![CDATA[你好]]></A></xml>".encode("utf-8")) == {"A": "你好"}


async def test_a_signed_message_inside_a_utf16_doctype_is_answered_400_and_not_processed(caplog):
    params, body = text_callback("zhangli", "确认", "7001")
    encrypted = body.decode().split("<![CDATA[")[2].split("]]>")[0]
    signed_doctype_utf8 = (f'<!DOCTYPE xml [<!ENTITY x "y">]><xml><Encrypt><![CDATA[{encrypted}]]></Encrypt>'
                           f"</xml>").encode("utf-8")
    agent = Recorder()
    caplog.set_level(logging.INFO, logger="bot.channels.wecom")
    statuses = await post_all(make_channel(), agent, [(params, utf16_doctype_envelope(encrypted)),
                                                      (params, signed_doctype_utf8)])
    assert statuses == [400, 400]
    assert agent.messages == []
    reasons = [r.getMessage() for r in caplog.records if "rejected" in r.getMessage()]
    assert "not UTF-8" in reasons[0] and "DOCTYPE" in reasons[1]


async def test_two_encrypt_elements_are_refused_not_one_checked_and_the_other_read():
    params, body = text_callback("zhangli", "确认", "7002")
    _, other = text_callback("lisi", "确认", "7003")
    signed = body.decode().split("<![CDATA[")[2].split("]]>")[0]
    unsigned = other.decode().split("<![CDATA[")[2].split("]]>")[0]
    # the signed value hidden in a CDATA section of another element, the unsigned one as Encrypt
    hidden = (f"<xml><ToUserName><![CDATA[<Encrypt>{signed}</Encrypt>]]></ToUserName>"
              f"<Encrypt>{unsigned}</Encrypt></xml>").encode()
    hidden_alone = (f"<xml><ToUserName><![CDATA[<Encrypt>{signed}</Encrypt>]]></ToUserName>"
                    f"<Encrypt>{unsigned}!</Encrypt></xml>").encode()
    agent = Recorder()
    statuses = await post_all(make_channel(), agent, [(params, hidden), (params, hidden_alone)])
    assert statuses[0] == 403 and statuses[1] == 400
    assert agent.messages == []


async def test_a_bad_signature_is_refused_before_any_xml_is_parsed(monkeypatch, caplog):
    parsed = []
    real_fromstring = wecom.ET.fromstring

    def spy(text, *args, **kwargs):
        parsed.append(text)
        return real_fromstring(text, *args, **kwargs)

    monkeypatch.setattr(wecom.ET, "fromstring", spy)
    params, body = text_callback("zhangli", "确认", "7004")
    forged = {**params, "msg_signature": "0" * 40}
    malformed = body.replace(b"</xml>", b"<AgentID>")  # not well-formed XML
    caplog.set_level(logging.INFO, logger="bot.channels.wecom")
    agent = Recorder()
    statuses = await post_all(make_channel(), agent, [(forged, malformed), (forged, body)])
    assert statuses == [403, 403]
    assert parsed == []  # the XML parser never saw an unauthenticated body
    reasons = [r.getMessage() for r in caplog.records if "rejected" in r.getMessage()]
    assert len(reasons) == 2 and all("WeComSignatureError" in r for r in reasons)
    assert not any("malformed" in r for r in reasons)
    assert agent.messages == []


# ---------------------------------------------------------------- MsgId once across processes
def test_redis_is_found_in_the_credentials_or_the_lock_stores_environment():
    assert redis_url_from({"redis_url": "redis://r:6379/2"}, {}) == "redis://r:6379/2"
    assert redis_url_from({}, {"REDIS_HOST": "10.0.0.5", "REDIS_PORT": "6380", "REDIS_DB": "1"}) == \
        "redis://10.0.0.5:6380/1"
    assert redis_url_from({}, {"REDIS_HOST": "r", "REDIS_PASSWORD": "p@ss/word"}) == "redis://:p%40ss%2Fword@r:6379/0"
    assert redis_url_from({}, {}) is None
    channel = WeComInput.from_credentials({
        "corp_id": SAMPLE_CORP_ID, "agent_id": "1000002", "token": SAMPLE_TOKEN,
        "encoding_aes_key": SAMPLE_AES_KEY, "secret": "s", "redis_url": "redis://:secret@127.0.0.1:9/0"})
    assert isinstance(channel.seen, RedisSeenOnce) and "secret" not in repr(channel.seen)


def sample_channel(prefix: str, agent_id: str = "1000002") -> WeComInput:
    """A channel as credentials.yml builds it, with Redis, accepting the official sample's time."""
    channel = WeComInput.from_credentials({
        "corp_id": SAMPLE_CORP_ID, "agent_id": agent_id, "token": SAMPLE_TOKEN,
        "encoding_aes_key": SAMPLE_AES_KEY, "secret": "app-secret", "api_base": "http://127.0.0.1:9",
        "redis_url": REDIS_URL, "redis_key_prefix": prefix, "push_interval_seconds": 0})
    channel._now = lambda: int(SAMPLE_MSG["timestamp"]) + 2
    return channel


async def _forget(prefix: str) -> None:
    import redis.asyncio as aioredis

    red = aioredis.from_url(REDIS_URL)
    keys = [key async for key in red.scan_iter(match=prefix + "*")]
    if keys:
        await red.delete(*keys)
    await red.close()


@needs_redis
async def test_a_replay_to_another_worker_or_after_a_restart_is_processed_once():
    prefix = f"test:wecom:{uuid.uuid4().hex}:"
    try:
        agents = [Recorder(), Recorder(), Recorder()]
        first, second = sample_channel(prefix), sample_channel(prefix)  # two workers: no shared memory
        call = (SAMPLE_MSG, envelope(SAMPLE_ENCRYPTED))
        assert await post_all(first, agents[0], [call]) == [200]
        assert await post_all(second, agents[1], [call]) == [200]
        restarted = sample_channel(prefix)  # a new process after a restart
        assert await post_all(restarted, agents[2], [call]) == [200]
        assert [len(a.messages) for a in agents] == [1, 0, 0]
        assert agents[0].messages[0].text == "你好"
        # the key names the corp and the app: another app of the corp has its own MsgIds
        other_app = sample_channel(prefix, agent_id="1000003")
        other = Recorder()
        await post_all(other_app, other, [call])
        assert len(other.messages) == 1
    finally:
        await _forget(prefix)


async def test_without_redis_reachable_the_process_still_dedupes_in_memory(caplog):
    seen = RedisSeenOnce(f"redis://127.0.0.1:{free_port()}/0", ttl_seconds=600)
    caplog.set_level(logging.WARNING, logger="bot.channels.wecom")
    assert await seen.first_time("corp:1:m1") is True
    assert await seen.first_time("corp:1:m1") is False
    assert await seen.first_time("corp:1:m2") is True
    assert "wecom.dedupe.redis_unavailable" in caplog.text
    await seen.close()


def _worker(prefix: str, start, results) -> None:
    """One Rasa process: its own WeComInput, serving the callback on its own port."""
    async def main() -> int:
        channel = sample_channel(prefix)
        agent = Recorder()
        async with serve_blueprint(channel.blueprint(agent), "/webhooks/wecom") as base, \
                aiohttp.ClientSession() as http:
            start.wait(30)  # both processes ready: the callback reaches them at the same moment
            async with http.post(base + CALLBACK, params=SAMPLE_MSG, data=envelope(SAMPLE_ENCRYPTED)) as resp:
                assert resp.status == 200
            await channel.drain()
        return len(agent.messages)

    results.put(asyncio.run(main()))


@needs_redis
def test_the_same_callback_to_two_os_processes_at_once_is_processed_once():
    prefix = f"test:wecom:{uuid.uuid4().hex}:"
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_worker, args=(prefix, start, results)) for _ in range(2)]
    try:
        for worker in workers:
            worker.start()
        deadline = time.monotonic() + 60
        counts = [results.get(timeout=max(1, deadline - time.monotonic())) for _ in workers]
        for worker in workers:
            worker.join(10)
        assert all(worker.exitcode == 0 for worker in workers)
        assert sorted(counts) == [0, 1]
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
        asyncio.run(_forget(prefix))

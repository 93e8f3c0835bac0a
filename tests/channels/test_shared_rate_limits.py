"""WeCom and Matrix count each employee's messages once for all processes when Redis is configured
(issue #24, point 3): two workers or two Rasa servers do not give a sender twice the rate.

Uses the machine's Redis (127.0.0.1:6379) under sender names of its own, and skips without it.
"""
from __future__ import annotations

import uuid

import aiohttp

from bot.channels.limits import RedisWindowLimiter, SlidingWindowLimiter
from bot.channels.matrix import TOO_FAST_REPLY as MATRIX_TOO_FAST
from bot.channels.matrix import MatrixInput
from bot.channels.wecom import WeComInput
from tests.channels.conftest import SAMPLE_AES_KEY, SAMPLE_CORP_ID, SAMPLE_TOKEN, serve_blueprint
from tests.channels.test_matrix_channel import FakeConnection, receive, room, text_event
from tests.channels.test_wecom_channel import CALLBACK, Recorder, text_callback
from tests.channels.test_wecom_xml_and_replays import REDIS_URL, needs_redis


def wecom_worker(api_base: str, redis_url: str | None = REDIS_URL) -> WeComInput:
    """One worker's WeCom channel, built from credentials.yml as Rasa builds it."""
    credentials = {"corp_id": SAMPLE_CORP_ID, "agent_id": "1000002", "token": SAMPLE_TOKEN,
                   "encoding_aes_key": SAMPLE_AES_KEY, "secret": "app-secret", "api_base": api_base,
                   "rate_limit_per_minute": 2, "push_interval_seconds": 0,
                   "redis_key_prefix": f"test:wecom:{uuid.uuid4().hex}:"}
    if redis_url:
        credentials["redis_url"] = redis_url
    return WeComInput.from_credentials(credentials)


def matrix_worker(redis_url: str | None = REDIS_URL) -> MatrixInput:
    credentials = {"homeserver": "http://127.0.0.1:9", "user_id": "@wangdian:bank.example",
                   "access_token": "t", "staff_server": "bank.example", "rate_limit_per_minute": 2,
                   "push_interval_seconds": 0}
    if redis_url:
        credentials["redis_url"] = redis_url
    channel = MatrixInput.from_credentials(credentials)
    channel.connection = FakeConnection()  # no homeserver: the limit is decided before any send
    return channel


def test_without_redis_each_process_counts_alone():
    assert isinstance(wecom_worker("http://127.0.0.1:9", redis_url=None).rate_limiter, SlidingWindowLimiter)
    assert isinstance(matrix_worker(redis_url=None).rate_limiter, SlidingWindowLimiter)


@needs_redis
async def test_wecom_two_workers_share_one_limit_per_employee(wecom_api):
    user, other = f"u{uuid.uuid4().hex[:12]}", f"v{uuid.uuid4().hex[:12]}"
    first, second = wecom_worker(wecom_api.base_url), wecom_worker(wecom_api.base_url)
    assert isinstance(first.rate_limiter, RedisWindowLimiter)
    agents = [Recorder(), Recorder()]
    async with serve_blueprint(first.blueprint(agents[0]), "/webhooks/wecom") as a, \
            serve_blueprint(second.blueprint(agents[1]), "/webhooks/wecom") as b, \
            aiohttp.ClientSession() as http:
        for n, (base, sender) in enumerate([(a, user), (b, user), (a, user), (b, other)]):
            params, body = text_callback(sender, f"第{n}条", f"{uuid.uuid4().int % 10**12}")
            async with http.post(base + CALLBACK, params=params, data=body) as resp:
                assert resp.status == 200
        await first.drain()
        await second.drain()
    handled = [(m.sender_id, m.text) for agent in agents for m in agent.messages]
    assert sorted(handled) == sorted([(user, "第0条"), (user, "第1条"), (other, "第3条")])
    assert any(m["touser"] == user and "太频繁" in m["text"]["content"] for m in wecom_api.sent)


@needs_redis
async def test_matrix_two_servers_share_one_limit_per_employee():
    mxid = f"@m{uuid.uuid4().hex[:12]}:bank.example"
    first, second = matrix_worker(), matrix_worker()
    dm = room(mxid)
    assert len(await receive(first, dm, text_event(mxid, "你好"))) == 1
    assert len(await receive(second, dm, text_event(mxid, "查一下王建国"))) == 1
    assert await receive(first, dm, text_event(mxid, "再查一下")) == []
    assert first.connection.notices[-1][1] == MATRIX_TOO_FAST.format(limit=2)

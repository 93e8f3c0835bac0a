"""The production set-up: two Rasa servers (one of them with two Sanic workers) share one
conversation through the PostgreSQL tracker store and the Redis lock store
(endpoints.production.yml), as behind a load balancer. One teller's turns alternate between them,
two of them at the same moment; the dialogue state must follow and no event may be lost. Then
Redis goes down: a clear answer, the conversation untouched; Redis comes back: it goes on.

Needs TEST_DATABASE_URL (PostgreSQL) and Debian's redis-server, as in CI; skips otherwise. The
test runs its own redis-server on a free port, so that it can stop it.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.channels.answering import NO_ANSWER_REPLY
from bot.db import recreate_database
from tests.e2e.test_rest_conversation import say
from tests.servers import MODEL, REPO, action_server, free_port, rasa_servers, stop

TRACKER_DB = "wangdian_tracker_test"
REDIS_SERVER = shutil.which("redis-server")


class PrivateRedis:
    """A redis-server of this test's own, on a free port, that the test can stop and start again."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


@pytest.fixture
def redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


pytestmark = [
    pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make train`"),
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs TEST_DATABASE_URL (PostgreSQL)"),
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server (Debian package redis-server)"),
]


def fresh_tracker_database(url: sa.engine.URL) -> None:
    """No tracker database: Rasa creates it (through RASA_TRACKER_LOGIN_DB) on first use."""
    recreate_database(url.set(database=TRACKER_DB), create=False)


API_TOKEN = secrets.token_hex(16)  # Rasa's HTTP API is refused without one (bot/channels/edges.py)


def tracker_events(server: str, sender: str) -> list[dict]:
    with urllib.request.urlopen(f"{server}/conversations/{sender}/tracker?token={API_TOKEN}", timeout=30) as response:
        return json.loads(response.read())["events"]


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)  # the bank; the conversation is on PG + Redis
def test_one_conversation_alternating_between_two_servers(bank, redis, tmp_path):
    pg = sa.engine.make_url(os.environ["TEST_DATABASE_URL"])
    fresh_tracker_database(pg)
    env = {
        "RASA_TRACKER_DB_HOST": pg.host or "127.0.0.1", "RASA_TRACKER_DB_PORT": str(pg.port or 5432),
        "RASA_TRACKER_DB": TRACKER_DB, "RASA_TRACKER_DB_USER": pg.username or "postgres",
        "RASA_TRACKER_DB_PASSWORD": pg.password or "", "RASA_TRACKER_LOGIN_DB": pg.database,
        "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis.port), "REDIS_DB": "1",
    }
    credentials = (REPO / "credentials.yml").read_text(encoding="utf-8")
    endpoints = REPO / "endpoints.production.yml"
    with action_server(bank.url, tmp_path) as webhook:
        env["ACTION_SERVER_URL"] = webhook
        with rasa_servers(2, bank.url, tmp_path, credentials, endpoints, "/", [{**env, "SANIC_WORKERS": "2"}, env],
                          extra_args=("--enable-api", "--auth-token", API_TOKEN)) as (a, b):
            listing = say(a, "zhangli", "查一下王建国")
            assert "找到2位叫王建国的客户" in listing
            chosen = say(b, "zhangli", "2")  # B knows what A listed
            assert "【王建国】男 38岁" in chosen and "C00000002" in chosen
            holdings = say(a, "zhangli", "他名下有哪些产品")  # A knows what B chose
            assert holdings.startswith("王建国名下的产品")
            summary = say(b, "zhangli", "帮他转介给理财经理,想了解理财")
            assert summary.startswith("按上下文,客户是王建国。") and "请确认这条转介" in summary
            assert "王建国(C00000002)" in summary
            saved = say(a, "zhangli", "确认")
            assert re.search(r"转介编号 ZJ\d{8}-\d{4}", saved)
            by_phone = say(b, "zhangli", "13912345678是谁")
            assert "【王建国】男 60岁" in by_phone

            # Two messages of the same person at the same moment, one to each server: the lock
            # store makes one wait for the other; both are answered and both are in the history.
            with ThreadPoolExecutor(2) as pool:
                both = list(pool.map(lambda pair: say(pair[0], "zhangli", pair[1]), [(a, "我的转介"), (b, "我的待办")]))
            assert "我发出的转介(1条)" in both[0] and both[1]

            events = tracker_events(a, "zhangli")
            assert tracker_events(b, "zhangli") == events
            user_texts = [e["text"] for e in events if e["event"] == "user"]
            assert user_texts[:6] == ["查一下王建国", "2", "他名下有哪些产品", "帮他转介给理财经理,想了解理财", "确认",
                                      "139****5678是谁"]  # the phone is stored masked
            assert sorted(user_texts[6:]) == sorted(["我的转介", "我的待办"])
            assert sum(e["event"] == "bot" for e in events) >= 8

            # Redis goes down: each server says the message was not processed; nothing changes.
            redis.stop()
            for server in (a, b):
                assert say(server, "zhangli", "查下C00000005") == NO_ANSWER_REPLY
            assert tracker_events(a, "zhangli") == events
            # It comes back: the same conversation goes on, on both servers.
            redis.start()
            assert "【陈美玲】" in say(b, "zhangli", "查下C00000005")
            assert say(a, "zhangli", "她办没办过房贷").startswith("陈美玲")
            assert len(tracker_events(b, "zhangli")) > len(events)

    engine = sa.create_engine(pg.set(database=TRACKER_DB))
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT data FROM events WHERE sender_id = 'zhangli'")).scalars().all()
    engine.dispose()
    assert stored and not any("13912345678" in row for row in stored)

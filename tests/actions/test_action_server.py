"""The action server (actions/server.py) runs an action only for the Rasa server: the shared
secret is checked before anything else (issue #24)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from actions.server import SECRET_ENV, SECRET_HEADER, create_app
from bot.models import AuditEntry
from tests.actions.conftest import SLOTS
from tests.channels.conftest import free_port, serve_app

REPO = Path(__file__).resolve().parents[2]
SECRET = "s" * 64


def action_server():
    return serve_app(lambda: create_app(SECRET))


def action_call(sender: str, text: str, intent: str = "lookup_customer") -> dict:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": []}
    return {
        "next_action": "action_respond", "sender_id": sender, "version": "3.6.2", "domain": {},
        "tracker": {"sender_id": sender, "slots": dict(SLOTS), "latest_message": latest,
                    "events": [{"event": "user", "text": text, "parse_data": latest, "input_channel": "rest"}],
                    "latest_action_name": "action_listen", "active_loop": {}},
    }


def audit_rows(bank) -> int:
    with bank.unit_of_work() as session:
        return session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()


@pytest.fixture(autouse=True)
def no_periodic_jobs(monkeypatch):
    monkeypatch.setenv("SLA_CHECK_INTERVAL_SECONDS", "0")


async def test_no_action_runs_without_the_secret(bank):
    call = action_call("zhangli", "查一下13912345678")
    before = audit_rows(bank)
    async with action_server() as base, aiohttp.ClientSession() as http:
        for headers in [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET[:-1]}, {"Authorization": f"Bearer {SECRET}"}]:
            async with http.post(base + "/webhook", json=call, headers=headers) as resp:
                assert resp.status == 401, headers
                body = await resp.text()
            assert "139" not in body and "王建国" not in body
            async with http.get(base + "/actions", headers=headers) as resp:
                assert resp.status == 401  # not even the list of actions
        assert audit_rows(bank) == before  # the lookup never ran: nobody saw the customer

        async with http.get(base + "/health") as resp:  # the only open route
            assert resp.status == 200
        async with http.post(base + "/webhook", json=call, headers={SECRET_HEADER: SECRET}) as resp:
            assert resp.status == 200
            replies = [m.get("text") or "" for m in (await resp.json())["responses"]]
    assert any("王建国" in reply for reply in replies)
    assert audit_rows(bank) > before


async def test_an_error_answer_does_not_echo_the_conversation(bank):
    broken = {"next_action": "action_respond", "sender_id": "zhangli", "version": "3.6.2",
              "tracker": {"sender_id": "zhangli", "slots": "13912345678 王建国", "events": None}}
    async with action_server() as base, aiohttp.ClientSession() as http:
        async with http.post(base + "/webhook", json=broken, headers={SECRET_HEADER: SECRET}) as resp:
            assert resp.status >= 400
            body = await resp.text()
    assert "13912345678" not in body and "王建国" not in body and "request_body" not in body


def test_it_does_not_start_without_a_secret():
    env = {k: v for k, v in os.environ.items() if k != SECRET_ENV}
    for secret in [None, "", "short"]:
        if secret is not None:
            env[SECRET_ENV] = secret
        done = subprocess.run([sys.executable, "-m", "actions.server", "--port", str(free_port())], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 2
        assert SECRET_ENV in done.stderr and "未启动" in done.stderr

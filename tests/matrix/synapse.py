"""A throwaway Synapse homeserver on 127.0.0.1 for the Matrix channel's tests, and a minimal client.

Synapse (AGPL) is a test-time tool only: `make synapse` installs it into its own virtual
environment (var/synapse-venv, from tests/matrix/synapse-requirements.txt, Python 3.10+), never
into the project's. The homeserver runs on SQLite in a temporary directory, with registration
closed except through the shared secret, and no federation.

`MatrixUser` talks the client-server API directly over aiohttp, independently of the library
the bot uses (matrix-nio), so the tests check the protocol and not the library against itself.
"""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import os
import subprocess
import time
import urllib.parse
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import aiohttp

from tests.servers import REPO, free_port, stop, wait_for

SYNAPSE_VENV = REPO / os.environ.get("SYNAPSE_VENV", "var/synapse-venv")  # relative to the repository
SYNAPSE_PYTHON = SYNAPSE_VENV / "bin" / "python"
SHARED_SECRET = "wangdian-test-registration-secret"
SERVER_NAME = "localhost"

HOMESERVER_YAML = """\
server_name: "{server_name}"
pid_file: {dir}/homeserver.pid
listeners:
  - port: {port}
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: {dir}/homeserver.db
log_config: {dir}/log.config
media_store_path: {dir}/media
signing_key_path: {dir}/signing.key
registration_shared_secret: "{secret}"
enable_registration: false
report_stats: false
trusted_key_servers: []
suppress_key_server_warning: true
default_room_version: "10"
rc_message: {{per_second: 1000, burst_count: 1000}}
rc_login:
  address: {{per_second: 1000, burst_count: 1000}}
  account: {{per_second: 1000, burst_count: 1000}}
  failed_attempts: {{per_second: 1000, burst_count: 1000}}
rc_joins:
  local: {{per_second: 1000, burst_count: 1000}}
rc_invites:
  per_room: {{per_second: 1000, burst_count: 1000}}
  per_user: {{per_second: 1000, burst_count: 1000}}
  per_issuer: {{per_second: 1000, burst_count: 1000}}
"""

LOG_CONFIG = """\
version: 1
formatters:
  precise: {{format: '%(asctime)s - %(name)s - %(levelname)s - %(message)s'}}
handlers:
  file: {{class: logging.FileHandler, formatter: precise, filename: {dir}/homeserver.log}}
root: {{level: WARNING, handlers: [file]}}
disable_existing_loggers: false
"""


def synapse_missing() -> Optional[str]:
    """Why Synapse cannot run here, or None."""
    if not SYNAPSE_PYTHON.exists():
        return f"Synapse is not installed in {SYNAPSE_VENV}: run `make synapse`"
    probe = subprocess.run([str(SYNAPSE_PYTHON), "-c", "import synapse.app.homeserver"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return f"Synapse in {SYNAPSE_VENV} does not import: {probe.stderr.strip()[-300:]}"
    return None


@contextlib.contextmanager
def running_synapse(directory: Path) -> Iterator[str]:
    """A homeserver in `directory`; yields its base URL."""
    port = free_port()
    config = directory / "homeserver.yaml"
    config.write_text(HOMESERVER_YAML.format(server_name=SERVER_NAME, dir=directory, port=port,
                                             secret=SHARED_SECRET))
    (directory / "log.config").write_text(LOG_CONFIG.format(dir=directory))
    subprocess.run([str(SYNAPSE_PYTHON), "-m", "synapse.app.homeserver", "-c", str(config), "--generate-keys"],
                   check=True, capture_output=True, cwd=directory)
    log = directory / "synapse.out"
    process = subprocess.Popen([str(SYNAPSE_PYTHON), "-m", "synapse.app.homeserver", "-c", str(config)],
                               cwd=directory, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/_matrix/client/versions", process, log, timeout=90)
        yield url
    finally:
        stop(process)


async def register(homeserver: str, username: str, password: str) -> None:
    """Registers a user through the shared-secret admin API (what register_new_matrix_user does)."""
    endpoint = f"{homeserver}/_synapse/admin/v1/register"
    async with aiohttp.ClientSession() as http:
        async with http.get(endpoint) as resp:
            nonce = (await resp.json())["nonce"]
        mac = hmac.new(SHARED_SECRET.encode(), digestmod=hashlib.sha1)
        mac.update(b"\x00".join([nonce.encode(), username.encode(), password.encode(), b"notadmin"]))
        body = {"nonce": nonce, "username": username, "password": password, "admin": False,
                "mac": mac.hexdigest()}
        async with http.post(endpoint, json=body) as resp:
            assert resp.status == 200, await resp.text()


class MatrixUser:
    """One person on the homeserver: login, rooms, sending text, reading what arrives by /sync."""

    _txn = itertools.count()

    def __init__(self, homeserver: str, username: str, password: str) -> None:
        self.homeserver = homeserver
        self.username = username
        self.password = password
        self.user_id = f"@{username}:{SERVER_NAME}"
        self.token = ""
        self.since: Optional[str] = None
        self.http: Optional[aiohttp.ClientSession] = None
        self.invites: List[str] = []

    async def __aenter__(self) -> "MatrixUser":
        self.http = aiohttp.ClientSession()
        body = await self._call("POST", "/login", {
            "type": "m.login.password", "identifier": {"type": "m.id.user", "user": self.username},
            "password": self.password})
        self.token = body["access_token"]
        self.since = (await self._call("GET", "/sync?timeout=0"))["next_batch"]
        return self

    async def __aexit__(self, *exc: Any) -> None:
        if self.http is not None:
            await self.http.close()

    async def _call(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with self.http.request(method, f"{self.homeserver}/_matrix/client/v3{path}", json=body,
                                     headers=headers) as resp:
            data = await resp.json(content_type=None)
            assert resp.status == 200, f"{method} {path}: {resp.status} {data}"
            return data

    async def create_room(self, invite: List[str], is_direct: bool = True, encrypted: bool = False) -> str:
        body: Dict[str, Any] = {"preset": "trusted_private_chat", "is_direct": is_direct, "invite": invite}
        if encrypted:
            body["initial_state"] = [{"type": "m.room.encryption", "state_key": "",
                                      "content": {"algorithm": "m.megolm.v1.aes-sha2"}}]
        return (await self._call("POST", "/createRoom", body))["room_id"]

    async def join(self, room_id: str) -> None:
        await self._call("POST", f"/join/{urllib.parse.quote(room_id)}", {})

    async def joined_members(self, room_id: str) -> List[str]:
        body = await self._call("GET", f"/rooms/{urllib.parse.quote(room_id)}/joined_members")
        return sorted(body["joined"])

    async def wait_for_member(self, room_id: str, user_id: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while user_id not in await self.joined_members(room_id):
            assert time.monotonic() < deadline, f"{user_id} did not join {room_id}"
            await asyncio.sleep(0.3)

    async def send(self, room_id: str, text: str, msgtype: str = "m.text") -> str:
        path = f"/rooms/{urllib.parse.quote(room_id)}/send/m.room.message/t{time.time_ns()}{next(self._txn)}"
        return (await self._call("PUT", path, {"msgtype": msgtype, "body": text}))["event_id"]

    async def sync(self, timeout_ms: int) -> List[Dict[str, Any]]:
        """The new timeline events of joined rooms (each with its room_id); remembers new invites."""
        query = urllib.parse.urlencode({"since": self.since, "timeout": timeout_ms})
        body = await self._call("GET", f"/sync?{query}")
        self.since = body["next_batch"]
        rooms = body.get("rooms", {})
        self.invites += [room_id for room_id in rooms.get("invite", {}) if room_id not in self.invites]
        events = []
        for room_id, room in rooms.get("join", {}).items():
            for event in room.get("timeline", {}).get("events", []):
                events.append({**event, "room_id": room_id})
        return events

    async def notices_from(self, sender: str, room_id: Optional[str] = None, first_timeout: float = 60,
                           quiet: float = 2.0, until: Callable[[str], bool] = lambda text: True) -> List[Dict[str, Any]]:
        """The bot's messages that arrive next: waits for the first, then until `quiet` seconds pass
        with no more (a turn can have several replies) and `until(joined bodies)` holds."""
        received: List[Dict[str, Any]] = []
        deadline = time.monotonic() + first_timeout
        while True:
            done = bool(received) and until("\n".join(e["content"].get("body", "") for e in received))
            if done:
                wait = quiet
            else:
                wait = deadline - time.monotonic()
                if wait <= 0:
                    return received
            events = await self.sync(int(min(wait, 30) * 1000))
            new = [e for e in events if e.get("type") == "m.room.message" and e.get("sender") == sender
                   and (room_id is None or e["room_id"] == room_id)]
            if not new and done:
                return received
            received += new

    async def say(self, room_id: str, text: str, bot: str, **wait: Any) -> str:
        """Sends `text` and returns the bot's replies in that room, joined by newlines."""
        await self.send(room_id, text)
        replies = await self.notices_from(bot, room_id, **wait)
        assert replies, f"no reply to {text!r}"
        assert all(e["content"].get("msgtype") == "m.notice" for e in replies), replies
        return "\n".join(e["content"]["body"] for e in replies)


def dump(events: List[Dict[str, Any]]) -> str:
    return json.dumps([e.get("content", {}) for e in events], ensure_ascii=False)

"""Starting the real servers for the end-to-end tests: the action server and `rasa run`.

Shared by tests/e2e (REST), tests/browser (web chat) and tests/matrix (Matrix, with Synapse).
"""
from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator, Mapping

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / "models" / "wangdian.tar.gz"
RASA = str(Path(sys.executable).parent / "rasa")

# The secret Rasa sends with each action call and the action server requires (actions/server.py).
ACTION_SECRET = secrets.token_hex(32)


def action_endpoint_yaml(webhook: str) -> str:
    """endpoints.yml's action_endpoint for this webhook, with the secret."""
    return (f'action_endpoint:\n  url: "{webhook}"\n  enable_selective_domain: true\n'
            f'  headers:\n    X-Action-Secret: "{ACTION_SECRET}"\n')


# The process group of each server running, by the URL it was started for (bench/run.py reads
# their CPU time). Every server here is started in its own session: its group holds its workers.
PROCESS_GROUPS: dict[str, int] = {}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 300,
             ready=lambda body: True) -> None:
    """Until `url` answers (and `ready(body)` holds); fails with the log's tail if the process dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if ready(response.read()):
                    return
        except OSError:
            pass
        time.sleep(1)
    raise TimeoutError(f"{url} not ready after {timeout}s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    """Stop the process and everything it started (Sanic workers with SANIC_WORKERS > 1), if it
    was started in its own session (start_new_session=True, as the servers here are)."""
    try:
        group = os.getpgid(process.pid)
    except ProcessLookupError:
        group = None
    own_group = group is not None and group == process.pid
    if own_group:
        os.killpg(group, signal.SIGTERM)
    else:
        process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        pass
    if own_group:
        try:
            os.killpg(group, signal.SIGKILL)  # workers left behind
        except ProcessLookupError:
            pass
    elif process.poll() is None:
        process.kill()
    process.wait(timeout=10)


def bank_env(database_url: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    from tests.bank_fixtures import TODAY

    # No periodic SLA check and morning digest in the action server: a digest landing at the top of
    # some reply, depending on timing, is not what these tests check (tests/actions check it).
    return {**os.environ, "DATABASE_URL": database_url, "BOT_FROZEN_NOW": f"{TODAY.isoformat()}T10:00:00",
            "SLA_CHECK_INTERVAL_SECONDS": "0", "ACTION_SERVER_SECRET": ACTION_SECRET,
            **(extra or {})}


@contextlib.contextmanager
def action_server(database_url: str, directory: Path, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """The action server (actions/server.py, as `make serve` starts it) on this database; yields
    its webhook URL."""
    port = free_port()
    log = directory / f"actions-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "actions.server", "--actions", "actions", "--port", str(port)],
        cwd=REPO, env=bank_env(database_url, env), stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    webhook = f"http://127.0.0.1:{port}/webhook"
    try:
        wait_for(f"http://127.0.0.1:{port}/health", process, log, timeout=120)
        PROCESS_GROUPS[webhook] = process.pid
        yield webhook
    finally:
        PROCESS_GROUPS.pop(webhook, None)
        stop(process)


def start_rasa(database_url: str, directory: Path, credentials: str, endpoints: Path,
               env: Mapping[str, str] | None = None, extra_args: tuple[str, ...] = (),
               model: Path = MODEL) -> tuple[subprocess.Popen, str, Path]:
    """Starts `rasa run` (not waiting for it): the process, its base URL and its log."""
    port = free_port()
    (directory / f"credentials-{port}.yml").write_text(credentials)
    log = directory / f"rasa-{port}.log"
    process = subprocess.Popen(
        [RASA, "run", "-m", str(model), "--interface", "127.0.0.1", "--port", str(port), "--endpoints", str(endpoints),
         "--credentials", str(directory / f"credentials-{port}.yml"), "--log-file", str(directory / f"rasa-file-{port}.log"),
         *extra_args],
        cwd=REPO, env=bank_env(database_url, env), stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, f"http://127.0.0.1:{port}", log


@contextlib.contextmanager
def rasa_servers(count: int, database_url: str, directory: Path, credentials: str, endpoints: Path, ready_path: str,
                 envs: list[Mapping[str, str]] | None = None, ready=lambda body: True,
                 extra_args: tuple[str, ...] = (), model: Path = MODEL) -> Iterator[list[str]]:
    """`count` Rasa servers started together (loading a model takes most of a minute each)."""
    started = []
    try:
        for index in range(count):
            started.append(start_rasa(database_url, directory, credentials, endpoints,
                                      (envs or [{}] * count)[index], extra_args, model))
        for process, url, log in started:
            wait_for(f"{url}{ready_path}", process, log, ready=ready)
            PROCESS_GROUPS[url] = process.pid
        yield [url for _, url, _ in started]
    finally:
        for process, url, _ in started:
            PROCESS_GROUPS.pop(url, None)
            stop(process)


@contextlib.contextmanager
def rasa_server(database_url: str, directory: Path, credentials: str, endpoints: Path, ready_path: str,
                env: Mapping[str, str] | None = None, ready=lambda body: True,
                extra_args: tuple[str, ...] = (), model: Path = MODEL) -> Iterator[str]:
    """`rasa run` with these credentials and endpoints; yields its base URL once `ready_path` answers."""
    with rasa_servers(1, database_url, directory, credentials, endpoints, ready_path, [env or {}], ready,
                      extra_args, model) as (url,):
        yield url


@contextlib.contextmanager
def running_bot(database_url: str, directory: Path, credentials: str, ready_path: str,
                env: Mapping[str, str] | None = None, ready=lambda body: True) -> Iterator[str]:
    """The action server and `rasa run` with these credentials, both on this database.

    Yields the Rasa server's base URL once `ready_path` answers. The logs are in `directory`.
    """
    with action_server(database_url, directory, env) as webhook:
        endpoints = directory / "endpoints.yml"
        endpoints.write_text(action_endpoint_yaml(webhook))
        with rasa_server(database_url, directory, credentials, endpoints, ready_path, env, ready) as server:
            yield server

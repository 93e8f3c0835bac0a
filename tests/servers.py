"""Starting the real servers for the end-to-end tests: the action server and `rasa run`.

Shared by tests/e2e (REST), tests/browser (web chat) and tests/matrix (Matrix, with Synapse).
"""
from __future__ import annotations

import contextlib
import os
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
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@contextlib.contextmanager
def running_bot(database_url: str, directory: Path, credentials: str, ready_path: str,
                env: Mapping[str, str] | None = None, ready=lambda body: True) -> Iterator[str]:
    """The action server and `rasa run` with these credentials, both on this database.

    Yields the Rasa server's base URL once `ready_path` answers. The logs are in `directory`.
    """
    from tests.bank_fixtures import TODAY

    env = {**os.environ, "DATABASE_URL": database_url,
           "BOT_FROZEN_NOW": f"{TODAY.isoformat()}T10:00:00", **(env or {})}
    action_port, rasa_port = free_port(), free_port()
    (directory / "endpoints.yml").write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n')
    (directory / "credentials.yml").write_text(credentials)
    actions_log, rasa_log = directory / "actions.log", directory / "rasa.log"
    actions = subprocess.Popen(
        [RASA, "run", "actions", "--actions", "actions", "--port", str(action_port)],
        cwd=REPO, env=env, stdout=actions_log.open("w"), stderr=subprocess.STDOUT,
    )
    rasa = None
    try:
        rasa = subprocess.Popen(
            [RASA, "run", "-m", str(MODEL), "--port", str(rasa_port), "--endpoints", str(directory / "endpoints.yml"),
             "--credentials", str(directory / "credentials.yml"), "--log-file", str(directory / "rasa-file.log")],
            cwd=REPO, env=env, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT,
        )
        wait_for(f"http://127.0.0.1:{action_port}/health", actions, actions_log, timeout=120)
        wait_for(f"http://127.0.0.1:{rasa_port}{ready_path}", rasa, rasa_log, ready=ready)
        yield f"http://127.0.0.1:{rasa_port}"
    finally:
        if rasa is not None:
            stop(rasa)
        stop(actions)

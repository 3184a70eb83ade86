"""Helpers for the tests that need the real thing: an app served by waitress on 127.0.0.1 (a free
port, never another address), its own embedded FalkorDB in its own data dir (so killing it leaves
the session's server alone), and a small HTTP client with a hard timeout."""
from __future__ import annotations

import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.backends.embedded import EmbeddedServer
from socialekaart.shared.config import Settings
from tests.referrals.referral_helpers import SECRET_KEY
from web.bootstrap import Runtime

LOOPBACK = "127.0.0.1"


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


class Client:
    """urllib with a hard timeout; every answer (also 4xx/5xx) comes back as an Answer."""

    def __init__(self, base: str, timeout: float = 10.0):
        assert base.startswith(f"http://{LOOPBACK}:"), base  # loopback only
        self.base = base
        self.timeout = timeout

    def request(self, method: str, path: str, *, body: Any = None, headers: dict[str, str] | None = None,
                raw: bytes | None = None) -> Answer:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        sent = {"Accept": "application/json", **(headers or {})}
        if data is not None and "Content-Type" not in sent:
            sent["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=sent)
        started = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:
                return Answer(response.status, response.read(), dict(response.headers), time.monotonic() - started)
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read(), dict(error.headers), time.monotonic() - started)

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs) -> Answer:
        return self.request("POST", path, body=body, **kwargs)


def own_settings(data_dir: Path, **changes) -> Settings:
    return Settings(data_dir=data_dir, secret_key=SECRET_KEY, **changes)


@contextmanager
def served(app, threads: int = 8):
    """The app under waitress on 127.0.0.1 and a free port; yields the base URL."""
    from waitress.server import create_server

    server = create_server(app, host=LOOPBACK, port=0, threads=threads, channel_timeout=30)

    def run() -> None:
        try:
            server.run()
        except (OSError, ValueError):  # its sockets are closed under it when the test ends
            pass

    thread = threading.Thread(target=run, name="waitress-hardening", daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.effective_port}"
    finally:
        server.close()
        server.task_dispatcher.shutdown()
        thread.join(5)


def stop_own_server(data_dir: Path) -> None:
    server = EmbeddedServer(data_dir)
    pid = server.pid()
    if pid is not None:
        try:  # it may be stopped (SIGSTOP) by a test that failed halfway: let it go on, then stop it
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            return
    server.stop()


def wait_dead(pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        try:
            if Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z"):
                return
        except (OSError, IndexError):
            return
        time.sleep(0.02)
    raise AssertionError(f"process {pid} did not die")


def close_runtime(runtime: Runtime) -> None:
    try:
        runtime.close()
    except Exception:  # the store may be the thing a test broke
        pass

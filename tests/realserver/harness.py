"""The real server as a child process, and real Socket.IO clients that behave like the room page."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
import socketio

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """`flask --app wsgi serve` on a free port, with its own log file; stops by itself at the end."""

    def __init__(self, database_url: str, log_dir: Path, *, port: int | None = None, env: dict[str, str] | None = None,
                 name: str = "server") -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"{name}-{self.port}.log"
        self.env = {**os.environ, "PACT_DATABASE_URL": database_url, "PACT_SECRET_KEY": "real-server-test-key",
                    "PACT_DEMO": "0", "PACT_MAIL_WORKER": "off", "PORT": str(self.port), **(env or {})}
        self.env.pop("PACT_TEST_DATABASE_URL", None)
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> ServerProcess:
        with open(self.log_path, "ab") as log:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "wsgi", "serve", "--port", str(self.port)],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                if requests.get(self.url + "/", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"server did not answer within {timeout}s:\n{self.log()}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Stop the process (SIGKILL by default: no chance to tidy up, like a crash)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""


def staff_cookie(base_url: str, email: str, password: str) -> str:
    """Sign in through the real login form; returns the Cookie header a browser would send."""
    http = requests.Session()
    html = http.get(base_url + "/login", timeout=5).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = http.post(base_url + "/login", data={"email": email, "password": password, "csrf_token": token},
                         allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


class LiveClient:
    """A python-socketio client that rejoins with its resume token on every (re)connect, like room.js."""

    def __init__(self, base_url: str, meeting_id: int, *, name: str | None = None, cookie: str | None = None,
                 browser: bool = False) -> None:
        """`cookie`: a staff sign-in (joins as staff). `browser`: first open the room page, as a
        browser does, and keep its device cookie (the join limits for cookieless sockets are far lower)."""
        self.base_url, self.meeting_id, self.name, self.cookie = base_url, meeting_id, name, cookie
        self.device_cookie: str | None = None
        if browser:
            page = requests.get(f"{base_url}/meetings/{meeting_id}", timeout=10)
            self.device_cookie = "; ".join(f"{name}={value}" for name, value in page.cookies.items())
        self.sio = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        self.events: list[tuple[str, Any]] = []
        self.lock = threading.Lock()
        self.token: str | None = None
        self.participant: dict | None = None
        self.state: dict | None = None
        self.joins = 0
        self.joined = threading.Event()
        for event in ("issue_posted", "issue_updated", "tallies", "stage_changed", "presence", "state"):
            self.sio.on(event, self._recorder(event), namespace="/meeting")
        self.sio.on("connect", self._on_connect, namespace="/meeting")
        self.sio.on("resync", self._on_resync, namespace="/meeting")
        self.resyncs = 0

    def _recorder(self, event: str):
        def record(data=None):
            with self.lock:
                self.events.append((event, data))
        return record

    def _on_connect(self):
        threading.Thread(target=self._join, daemon=True).start()

    def _on_resync(self, data=None):
        """Like room.js: the server says we may have missed something, so fetch a fresh `state`."""
        threading.Thread(target=self._sync, daemon=True).start()

    def _sync(self):
        try:
            ack = self.sio.call("sync", {}, namespace="/meeting", timeout=10)
        except Exception:
            return
        if ack.get("ok"):
            with self.lock:
                self.state = ack["state"]
                self.events.append(("state", ack["state"]))
                self.resyncs += 1

    def _join(self):
        payload: dict[str, Any] = {"meeting_id": self.meeting_id}
        if self.token and self.cookie is None:
            payload["resume_token"] = self.token
        elif self.name and self.cookie is None:
            payload["display_name"] = self.name
        ack = self.sio.call("join", payload, namespace="/meeting", timeout=10)
        assert ack["ok"], ack
        self.token, self.participant, self.state = ack["resume_token"], ack["participant"], ack["state"]
        self.joins += 1
        self.joined.set()

    def connect(self) -> LiveClient:
        cookie = self.cookie or self.device_cookie
        headers = {"Cookie": cookie} if cookie else {}
        self.sio.connect(self.base_url, namespaces=["/meeting"], transports=["websocket"], headers=headers,
                         wait_timeout=10)
        assert self.joined.wait(10), "join was not acknowledged"
        return self

    def call(self, event: str, payload: dict) -> dict:
        return self.sio.call(event, payload, namespace="/meeting", timeout=10)

    def wait_for(self, event: str, predicate=lambda data: True, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for name, data in self.events:
                    if name == event and predicate(data):
                        return data
            time.sleep(0.02)
        with self.lock:
            seen = [name for name, _ in self.events]
        raise AssertionError(f"{event} not seen within {timeout}s; saw {seen[-20:]}")

    def rejoined(self, count: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while self.joins < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self.joins >= count, f"client did not rejoin (joins={self.joins})"

    def close(self) -> None:
        try:
            self.sio.disconnect()
        except Exception:
            pass


def close_all(clients) -> None:
    """Disconnect many clients at once (each may wait up to 3 s for the server's close frame)."""
    threads = [threading.Thread(target=client.close) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)


@contextmanager
def server_pool(database_url: str, log_dir: Path, **defaults: str):
    """Yield `start(name="server", env={...})`, which starts a real server process with `defaults`
    (PACT_* settings) plus `env`; every process started is killed at the end."""
    started: list[ServerProcess] = []

    def start(name: str = "server", env: dict[str, str] | None = None) -> ServerProcess:
        server = ServerProcess(database_url, log_dir, env={**defaults, **(env or {})}, name=name).start()
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            server.kill()

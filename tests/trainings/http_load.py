"""Drive the real HTTP stack: a gunicorn with several worker processes, many signed-in clients
booking the same session at the same instant. Shared by the concurrency test and the benchmark."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(*, database_url: str, redis_url: str, secret_key: str, instance_path: str, **extra) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "PASSERELLE_ENV": "testing",
            "SECRET_KEY": secret_key,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "PASSERELLE_INSTANCE_PATH": instance_path,
            "PASSERELLE_RATELIMIT_ENABLED": "false",
            "PASSERELLE_MAIL_BACKEND": "file",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


class Gunicorn:
    """``gunicorn -w N wsgi:app`` on a free port; stopped by ``stop()`` (only this process)."""

    def __init__(self, env: dict, workers: int = 3) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--backlog",
                "2048",
                "--timeout",
                "120",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited: " + self.proc.stderr.read().decode()[-2000:])
            try:
                status, _h, _b = request(self.base_url, "GET", "/connexion")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def request(
    base_url: str,
    method: str,
    path: str,
    *,
    cookie: str | None = None,
    form: dict | None = None,
    conn: http.client.HTTPConnection | None = None,
):
    parts = urlsplit(base_url)
    own = conn is None
    conn = conn or http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    headers = {}
    body = None
    if cookie:
        headers["Cookie"] = cookie
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, response.getheaders(), data
    finally:
        if own:
            conn.close()


@dataclass
class Client:
    cookie: str
    csrf: str


def _cookie(headers, previous: str | None = None) -> str | None:
    for name, value in headers:
        if name.lower() == "set-cookie" and value.split("=", 1)[0].startswith(("passerelle", "__Host")):
            return value.split(";", 1)[0]
    return previous


def sign_in(base_url: str, email: str, password: str, page: str) -> Client:
    """Sign in through the form (CSRF included) and read a token from ``page`` for later posts."""
    status, headers, body = request(base_url, "GET", "/connexion")
    cookie = _cookie(headers)
    token = _CSRF.search(body.decode()).group(1)
    status, headers, body = request(
        base_url,
        "POST",
        "/connexion",
        cookie=cookie,
        form={"email": email, "password": password, "csrf_token": token},
    )
    if status != 303:
        raise RuntimeError(f"sign-in of {email} answered {status}")
    cookie = _cookie(headers, cookie)
    status, headers, body = request(base_url, "GET", page, cookie=cookie)
    cookie = _cookie(headers, cookie)
    return Client(cookie=cookie, csrf=_CSRF.search(body.decode()).group(1))


def sign_in_all(base_url: str, emails: list[str], password: str, page: str, threads: int = 6) -> list[Client]:
    clients: list[Client | None] = [None] * len(emails)
    errors: list[BaseException] = []

    def work(indexes):
        for i in indexes:
            try:
                clients[i] = sign_in(base_url, emails[i], password, page)
            except BaseException as exc:  # reported to the caller below
                errors.append(exc)

    pool = [threading.Thread(target=work, args=(range(k, len(emails), threads),)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise errors[0]
    return clients  # type: ignore[return-value]


@dataclass
class Burst:
    statuses: list[int] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def server_errors(self) -> int:
        return sum(1 for s in self.statuses if s >= 500 or s == 0)


def burst(base_url: str, clients: list[Client], path: str) -> Burst:
    """Every client posts to ``path`` at the same instant (connections opened beforehand)."""
    parts = urlsplit(base_url)
    statuses = [0] * len(clients)
    conns = [http.client.HTTPConnection(parts.hostname, parts.port, timeout=120) for _ in clients]
    for conn in conns:
        conn.connect()
    barrier = threading.Barrier(len(clients) + 1)

    def work(i):
        barrier.wait()
        try:
            statuses[i] = request(
                base_url,
                "POST",
                path,
                cookie=clients[i].cookie,
                form={"csrf_token": clients[i].csrf},
                conn=conns[i],
            )[0]
        except OSError:
            statuses[i] = 0
        finally:
            conns[i].close()

    pool = [threading.Thread(target=work, args=(i,)) for i in range(len(clients))]
    for t in pool:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in pool:
        t.join()
    return Burst(statuses=statuses, seconds=time.perf_counter() - started)

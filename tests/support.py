"""Real parts for the tests: an SMTP server on loopback, database URLs per backend."""

from __future__ import annotations

import email
import email.policy
import os
import socket
import threading
import time

from aiosmtpd.controller import Controller


def wait_until(predicate, *, timeout: float = 10.0, interval: float = 0.05, what: str = "the condition"):
    """Call ``predicate`` until it returns something truthy, and return that; fail after ``timeout`` s.

    The one polling loop of the suite: workers, SMTP servers and pages that change on their own are
    waited for with it, never with a bare ``sleep``.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """Keeps every message the server accepted; addresses in ``refuse`` get a permanent 550."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"


class SMTPFixture:
    def __init__(self) -> None:
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, server_hostname="localhost"
        )
        self.controller.start()

    @property
    def messages(self):
        return list(self.handler.messages)

    def clear(self) -> None:
        with self.handler.lock:
            self.handler.messages.clear()
        self.handler.refuse.clear()

    def wait_for(self, count: int, timeout: float = 10.0):
        wait_until(lambda: len(self.handler.messages) >= count, timeout=timeout, what=f"{count} messages")
        return self.messages

    def stop(self) -> None:
        self.controller.stop()

    def restart(self) -> None:
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, server_hostname="localhost"
        )
        self.controller.start()


def worker_suffix() -> str:
    """Names this test process's database: one per xdist worker, and one per PASSERELLE_TEST_SUFFIX
    so that several developers (or helpers) on one machine never share a test database."""
    suffix = os.environ.get("PASSERELLE_TEST_SUFFIX", "main")
    return f"{suffix}_{os.environ.get('PYTEST_XDIST_WORKER', 'gw')}"


def postgres_url_for_worker(base: str) -> str:
    """Each xdist worker gets its own PostgreSQL database, created on demand."""
    import sqlalchemy as sa

    url = sa.engine.make_url(base)
    name = f"{url.database}_{worker_suffix()}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


# What a server adds to every response on the wire (its date, its name, keep-alive), and the blank
# line that ends the headers: the test client's responses lack them.
SERVER_LINES = len(
    "Date: Sun, 06 Dec 2026 21:31:17 GMT\r\nServer: gunicorn\r\nConnection: keep-alive\r\n\r\n"
)


def header_bytes(response) -> int:
    """The size of a response's status line and headers as a server sends them (HTTP/1.1)."""
    size = len(f"HTTP/1.1 {response.status}\r\n") + SERVER_LINES
    return size + sum(len(name) + len(value) + 4 for name, value in response.headers.items())


def guard_fingerprint(page: str) -> str:
    """The value of the guard's confirmation box in a page (what ticking it sends)."""
    import re

    match = re.search(r'name="confirm_personal" value="([0-9a-f]{20})"', page)
    assert match, "the page shows no confirmation box"
    return match.group(1)


class QueryCounter:
    """The SQL statements an engine runs while counting (``before_cursor_execute``).

    The test transaction's SAVEPOINTs (a commit inside a test) are not the page's queries: left out.
    Counting starts with the session's objects expired: in production each request has its own
    session, and here what the test or an earlier request loaded would hide a lazy load per row.
    """

    IGNORED = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")

    def __init__(self, engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.lstrip().upper().startswith(self.IGNORED):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __enter__(self) -> QueryCounter:
        from sqlalchemy import event

        from intranet.extensions import db

        db.session.expire_all()
        self.statements = []
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._record)

    def report(self) -> str:
        return f"{self.count} statements:\n" + "\n".join(
            f"- {s.splitlines()[0][:160]}" for s in self.statements
        )


def assert_flat_queries(client, url: str, count_queries, grow, budget: int) -> int:
    """The statements of ``GET url`` do not grow with what the page lists, and stay within ``budget``.

    Opens the page once (first-visit records, caches), counts a second opening, calls ``grow()``
    (more rows of what the page lists), opens it again and counts once more.
    """

    def counted():
        with count_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return queries

    client.get(url)
    before = counted()
    grow()
    client.get(url)
    after = counted()
    assert after.count == before.count, (
        f"{url}: {before.count} statements, then {after.count}. Before: "
        + before.report()
        + "\nAfter: "
        + after.report()
    )
    assert after.count <= budget, f"{url}: over its budget of {budget}. " + after.report()
    return after.count


def run_web_process(code: str, timeout: float = 120) -> str:
    """Run ``code`` in a new Python process started as a web worker is (it may ``import wsgi``),
    on the embedded defaults whatever the environment names; returns its standard output."""
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["PASSERELLE_ENV"] = "development"
    root = Path(__file__).resolve().parent.parent
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    ).stdout

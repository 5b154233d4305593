"""Another writer on the same SQLite database, holding its write transaction open for a moment."""

from __future__ import annotations

import sqlite3
import threading


class WriteLockHolder:
    """``with WriteLockHolder(path, hold=0.3):`` a second connection begins a write transaction
    (SQLite's write lock) and ends it after ``hold`` seconds, or when the block ends if sooner.

    A request run inside the block meets the lock whatever it does: one that began with the write
    intent waits for it (the busy timeout), one that read first and then tries to write cannot wait
    (SQLite refuses to upgrade a read transaction while another connection writes) and fails."""

    def __init__(self, path: str, hold: float = 0.3) -> None:
        self.path = path
        self.hold = hold
        self._guard = threading.Lock()
        self._open = False

    def __enter__(self) -> WriteLockHolder:
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        self.conn.execute("BEGIN IMMEDIATE")
        # A real write, so that readers' snapshots are older than the database once it commits.
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS _lock_probe (n INTEGER)")
        self.conn.execute("UPDATE user_account SET name = name WHERE id = (SELECT min(id) FROM user_account)")
        self._open = True
        self._timer = threading.Timer(self.hold, self.release)
        self._timer.start()
        return self

    def release(self) -> None:
        with self._guard:
            if self._open:
                self.conn.execute("COMMIT")
                self._open = False

    def __exit__(self, *_exc) -> None:
        self._timer.cancel()
        self.release()
        self.conn.close()

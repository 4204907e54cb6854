"""SQLite WAL checkpoints in a thread of their own, off the event loop.

A checkpoint copies the write-ahead log back into the database file and syncs it to disk: tens
of milliseconds that SQLite otherwise spends inside whichever commit crossed
``wal_autocheckpoint``, on the event loop, holding every request that arrived meanwhile (the
slowest 1% of /dialer/next calls were those). A server therefore turns automatic checkpoints off
(``Database(checkpoint_in_background=True)``) and runs a PASSIVE checkpoint every second from
this thread: PASSIVE never waits for readers or writers, and the driver releases the GIL while
SQLite works, so requests go on during it.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from openani.store.engine import Database

log = logging.getLogger(__name__)

CHECKPOINT_INTERVAL_S = 1.0


class WalCheckpointer:
    def __init__(self, db: Database, interval_s: float = CHECKPOINT_INTERVAL_S) -> None:
        if not db.is_sqlite:
            raise ValueError("WAL checkpoints are a SQLite matter")
        self._db = db
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # (busy, frames in the log, frames checkpointed) of the latest checkpoint, for tests.
        self.last: tuple[int, int, int] | None = None
        self.runs = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.checkpoint()  # what the last second wrote, so the log is empty at a clean exit

    def checkpoint(self) -> None:
        connection = self._db.engine.raw_connection()
        try:
            cursor: Any = connection.cursor()
            try:
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
                busy, frames, done = cursor.fetchone()
                self.last = (int(busy), int(frames), int(done))
                self.runs += 1
            finally:
                cursor.close()
        finally:
            connection.close()

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                self.checkpoint()
            except Exception:  # the next second tries again; the log only grows meanwhile
                log.exception("WAL checkpoint failed")

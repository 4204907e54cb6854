"""SQLite WAL checkpoints in a thread of their own, off the event loop.

A checkpoint copies the write-ahead log back into the database file and syncs it to disk: tens
of milliseconds that SQLite otherwise spends inside whichever commit crossed
``wal_autocheckpoint``, on the event loop, holding every request that arrived meanwhile (the
slowest 1% of /dialer/next calls were those). A server therefore turns automatic checkpoints off
(``Database(checkpoint_in_background=True)``) and runs a PASSIVE checkpoint every 3 seconds from
this thread: PASSIVE never waits for readers or writers, and the driver releases the GIL while
SQLite works, so requests go on during it.

PASSIVE alone is not enough: SQLite starts the log over only when a writer finds every frame
checkpointed, which never happens while writers keep appending during each checkpoint (the log
grew past 1 GB in a 15-second benchmark). Past ``RESTART_FRAMES`` a RESTART checkpoint follows:
it holds writers back while it copies what the PASSIVE one left (a few seconds' worth) and syncs,
after which the next writer starts the log over. It waits at most ``RESTART_WAIT_MS`` for
readers still on the old log, and otherwise tries again at the next pass. That is a short
pause every few seconds under full load instead of the long one of an automatic checkpoint,
with the same bound on the log.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from openani.store.engine import BUSY_TIMEOUT_MS, Database

log = logging.getLogger(__name__)

# Every second copied pages that later commits rewrote again: the callback benchmark lost 18%
# of its throughput against automatic checkpoints. Every 3 s: 2,517 requests/s against 2,775
# (within this machine's run-to-run noise), p99 27 ms against 72.
CHECKPOINT_INTERVAL_S = 3.0
# Past this many frames (4 KiB pages: the bound of automatic checkpoints before), a RESTART
# checkpoint follows the PASSIVE one.
RESTART_FRAMES = 20_000
# How long a RESTART may wait for readers (a refit or a report reading for seconds) while it
# holds writers back; past that it gives up until the next pass rather than stall every claim.
RESTART_WAIT_MS = 50


class WalCheckpointer:
    def __init__(
        self,
        db: Database,
        interval_s: float = CHECKPOINT_INTERVAL_S,
        restart_frames: int = RESTART_FRAMES,
        observe: Callable[[float], None] | None = None,
    ) -> None:
        """``observe``: told each background checkpoint's duration in seconds (metrics)."""
        if not db.is_sqlite:
            raise ValueError("WAL checkpoints are a SQLite matter")
        self._db = db
        self._interval_s = interval_s
        self._restart_frames = restart_frames
        self._observe = observe
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # (busy, frames in the log, frames checkpointed) of the latest checkpoint, for tests.
        self.last: tuple[int, int, int] | None = None
        self.runs = 0
        self.restarts = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.checkpoint()  # what the last seconds wrote, so the log is in the file at a clean exit

    def checkpoint(self) -> None:
        connection = self._db.engine.raw_connection()
        try:
            cursor: Any = connection.cursor()
            try:
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
                busy, frames, done = cursor.fetchone()
                if frames > self._restart_frames:
                    cursor.execute(f"PRAGMA busy_timeout={RESTART_WAIT_MS}")
                    try:
                        cursor.execute("PRAGMA wal_checkpoint(RESTART)")
                        busy, frames, done = cursor.fetchone()
                    finally:
                        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                    self.restarts += 0 if busy else 1
                self.last = (int(busy), int(frames), int(done))
                self.runs += 1
            finally:
                cursor.close()
        finally:
            connection.close()

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            start = time.perf_counter()
            try:
                self.checkpoint()
                if self._observe is not None:
                    self._observe(time.perf_counter() - start)
            except Exception:  # the next pass tries again; the log only grows meanwhile
                log.exception("WAL checkpoint failed")

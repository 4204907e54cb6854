"""One writer at a time per SQLite process, the claims of /dialer/next first.

SQLite lets one transaction write at a time; a connection that finds the lock taken sleeps and
polls (the busy timeout), so a steady stream of large writes (1,000-row results batches, a
health check's status changes) can keep a waiting claim out for seconds. Writers of one process
therefore queue here before they take the database's lock: an urgent writer (a claim) goes
before every ordinary one waiting, and an ordinary writer waits while a claim is waiting. Other
processes still meet at the database's own lock.

A thread already inside the gate passes again (a write transaction may open another).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class WriteGate:
    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._owner: int | None = None
        self._depth = 0
        self._urgent_waiting = 0

    @contextmanager
    def held(self, *, urgent: bool = False) -> Iterator[None]:
        me = threading.get_ident()
        with self._condition:
            if self._owner != me:
                if urgent:
                    self._urgent_waiting += 1
                try:
                    while self._owner is not None or (not urgent and self._urgent_waiting):
                        self._condition.wait()
                finally:
                    if urgent:
                        self._urgent_waiting -= 1
                self._owner = me
            self._depth += 1
        try:
            yield
        finally:
            with self._condition:
                self._depth -= 1
                if self._depth == 0:
                    self._owner = None
                    self._condition.notify_all()

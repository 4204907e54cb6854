"""Group commit: writes asked for in the same turn of the event loop share one transaction.

A request's item is queued and the queue is written at the next turn of the event loop, so the
requests that arrived together pay for one BEGIN and one COMMIT instead of one each. Each
request is answered only after the write holding its item returned, that is after its commit:
what is acknowledged is durable.

``write`` takes a batch of items and answers one outcome per item, in the items' order: the
item's result, or the exception that failed that item alone. An exception raised by ``write``
itself fails every item of the batch. With a ``key``, a batch is split into groups of equal key
(in order of first arrival, each keeping its items' order), written one after the other, so a
group's failure is its own.

Writes run in ``executor`` (None: the event loop's default one), never on the event loop,
unless ``inline``; at most ``max_in_flight`` at once (None: no limit). Items arriving while the
limit is reached gather into the next batch, written when a write in flight returns.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Executor
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

Outcomes = Sequence[R | BaseException]


class GroupCommit(Generic[T, R]):
    def __init__(
        self,
        write: Callable[[list[T]], Sequence[R | BaseException]],
        *,
        executor: Executor | None = None,
        max_in_flight: int | None = None,
        inline: bool = False,
        key: Callable[[T], Hashable] | None = None,
    ) -> None:
        self._write = write
        self._executor = executor
        self._max_in_flight = max_in_flight
        self._inline = inline
        self._key = key
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._scheduled = False
        self._in_flight = 0
        self._tasks: set[asyncio.Task[None]] = set()  # referenced until done (asyncio needs it)

    async def submit(self, item: T) -> R:
        """The item's outcome, once the write holding it has returned (its exception raised)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._pending.append((item, future))
        self._schedule(loop)
        return await future

    def _schedule(self, loop: asyncio.AbstractEventLoop) -> None:
        if not self._scheduled and self._pending:
            self._scheduled = True
            loop.call_soon(self._flush, loop)

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        self._scheduled = False
        if self._inline:
            batch, self._pending = self._pending, []
            for group in self._groups(batch):
                _settle(group, self._write_or_fail(group))
            return
        if self._max_in_flight is not None and self._in_flight >= self._max_in_flight:
            return  # the write finishing next takes the queue
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        self._in_flight += 1
        task = loop.create_task(self._flush_in_thread(loop, batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _flush_in_thread(
        self, loop: asyncio.AbstractEventLoop, batch: list[tuple[T, asyncio.Future[R]]]
    ) -> None:
        try:
            for group in self._groups(batch):
                try:
                    outcomes: Outcomes[R] = await loop.run_in_executor(
                        self._executor, self._write, [item for item, _ in group]
                    )
                except Exception as exc:  # the write, or the executor itself (shut down)
                    outcomes = [exc] * len(group)
                _settle(group, outcomes)
        finally:
            self._in_flight -= 1
        self._schedule(loop)

    def _write_or_fail(self, group: list[tuple[T, asyncio.Future[R]]]) -> Outcomes[R]:
        try:
            return self._write([item for item, _ in group])
        except Exception as exc:
            return [exc] * len(group)

    def _groups(
        self, batch: list[tuple[T, asyncio.Future[R]]]
    ) -> list[list[tuple[T, asyncio.Future[R]]]]:
        if self._key is None:
            return [batch]
        groups: dict[Hashable, list[tuple[T, asyncio.Future[R]]]] = {}
        for entry in batch:
            groups.setdefault(self._key(entry[0]), []).append(entry)
        return list(groups.values())


def _settle(batch: list[tuple[T, asyncio.Future[R]]], outcomes: Outcomes[R]) -> None:
    for (_, future), outcome in zip(batch, outcomes, strict=True):
        if future.done():  # the request gave up waiting (cancelled)
            continue
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)

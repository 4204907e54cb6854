"""Raw keep-alive HTTP/1.1 load on loopback for overload tests, and a server with a tuned env.

The load generator speaks HTTP/1.1 itself over ``asyncio.open_connection`` so that it costs
little CPU next to the server under test, and so that an *open-loop* burst is possible: requests
are written on a fixed schedule, pipelined on keep-alive connections, whether or not earlier
answers have arrived. A closed-loop generator (next request when the answer arrives) slows down
with the server and can never push it past its capacity.

Everything is bounded: a number of requests fixed in advance (rate x duration), a deadline for
the answers, and only 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, TypeVar

HOST = "127.0.0.1"
T = TypeVar("T")
READY_TIMEOUT_S = 60.0


def port_of(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


def encode_request(path: str, headers: Mapping[str, str], body: bytes) -> bytes:
    """One keep-alive HTTP/1.1 POST, ready to be written to a socket."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {HOST}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes


class ProtocolError(Exception):
    pass


async def read_answer(reader: asyncio.StreamReader) -> Answer:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *lines = head[:-4].decode("latin-1").split("\r\n")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
        raise ProtocolError(f"bad status line {status_line!r}")
    headers: dict[str, str] = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "transfer-encoding" in headers:
        raise ProtocolError(f"unexpected transfer-encoding {headers['transfer-encoding']!r}")
    length = int(headers.get("content-length", "0"))
    body = await reader.readexactly(length) if length else b""
    return Answer(int(parts[1]), headers, body)


RequestFactory = Callable[[int], bytes]  # request number -> encoded request
Judge = Callable[[Answer], str]  # answer -> a label to count it under ("200", "503", ...)


@dataclass
class LoadReport:
    sent: int = 0
    answered: int = 0
    elapsed_s: float = 0.0  # from the first request to the last answer
    sending_s: float = 0.0  # from the first request to the last one written
    labels: Counter[str] = field(default_factory=Counter)
    latencies_s: list[float] = field(default_factory=list)
    connection_errors: list[str] = field(default_factory=list)
    examples: dict[str, str] = field(default_factory=dict)  # label -> first answer seen

    @property
    def unanswered(self) -> int:
        return self.sent - self.answered

    def count(self, answer: Answer, judge: Judge, latency: float) -> None:
        label = judge(answer)
        self.labels[label] += 1
        self.examples.setdefault(label, f"{answer.status} {answer.headers} {answer.body[:200]!r}")
        self.latencies_s.append(latency)
        self.answered += 1

    def percentile_ms(self, q: float) -> float:
        if not self.latencies_s:
            return float("nan")
        ordered = sorted(self.latencies_s)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _connect(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout=5)


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with suppress(Exception):  # the peer may already be gone
        await asyncio.wait_for(writer.wait_closed(), timeout=1)


async def closed_loop(
    port: int, make: RequestFactory, judge: Judge, *, connections: int, duration_s: float
) -> LoadReport:
    """Each connection sends its next request when the previous answer arrived."""
    report = LoadReport()
    started = time.monotonic()
    stop_at = started + duration_s

    async def one(index: int) -> None:
        try:
            reader, writer = await _connect(port)
        except (OSError, TimeoutError) as exc:
            report.connection_errors.append(f"connect: {exc!r}")
            return
        try:
            while time.monotonic() < stop_at:
                n = report.sent
                report.sent += 1
                sent_at = time.monotonic()
                writer.write(make(n))
                answer = await asyncio.wait_for(read_answer(reader), timeout=10)
                report.count(answer, judge, time.monotonic() - sent_at)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ProtocolError) as exc:
            report.connection_errors.append(f"connection {index}: {exc!r}")
        finally:
            await _close(writer)

    await asyncio.gather(*(one(i) for i in range(connections)))
    report.elapsed_s = time.monotonic() - started
    return report


async def open_loop(
    port: int,
    make: RequestFactory,
    judge: Judge,
    *,
    connections: int,
    rate: float,
    duration_s: float,
    answer_timeout_s: float,
) -> LoadReport:
    """``rate`` requests a second for ``duration_s``, round-robin over keep-alive connections.

    Requests are written when they are due whatever the server has answered (HTTP/1.1
    pipelining), so the offered load does not slow down with the server. After the last one,
    answers are awaited for at most ``answer_timeout_s``; what is still missing then is left in
    ``unanswered``.
    """
    report = LoadReport()
    total = int(rate * duration_s)
    connected = await asyncio.gather(
        *(_connect(port) for _ in range(connections)), return_exceptions=True
    )
    opened = [c for c in connected if not isinstance(c, BaseException)]
    failed = [c for c in connected if isinstance(c, BaseException)]
    if failed:
        report.connection_errors += [f"connect: {exc!r}" for exc in failed]
        await asyncio.gather(*(_close(writer) for _, writer in opened))
        return report
    in_flight: list[list[float]] = [[] for _ in opened]  # per connection: send times, FIFO
    wakeups = [asyncio.Event() for _ in opened]
    sending_done = False
    all_answered = asyncio.Event()

    async def receive(index: int, reader: asyncio.StreamReader) -> None:
        queue, wakeup = in_flight[index], wakeups[index]
        try:
            while True:
                if not queue:
                    if sending_done:
                        return
                    wakeup.clear()
                    await wakeup.wait()
                    continue
                answer = await read_answer(reader)
                report.count(answer, judge, time.monotonic() - queue.pop(0))
                if sending_done and report.answered == report.sent:
                    all_answered.set()
        except (OSError, asyncio.IncompleteReadError, ProtocolError) as exc:
            report.connection_errors.append(f"connection {index}: {exc!r}")

    receivers = [asyncio.create_task(receive(i, reader)) for i, (reader, _) in enumerate(opened)]
    started = time.monotonic()
    try:
        while report.sent < total:
            due = min(total, int((time.monotonic() - started) * rate) + 1)
            while report.sent < due:
                index = report.sent % len(opened)
                writer = opened[index][1]
                if writer.is_closing():
                    report.connection_errors.append(f"connection {index}: closed by the server")
                    total -= 1
                    continue
                in_flight[index].append(time.monotonic())
                writer.write(make(report.sent))
                report.sent += 1
                wakeups[index].set()
            await asyncio.sleep(0.002)
        report.sending_s = time.monotonic() - started
        sending_done = True
        for wakeup in wakeups:
            wakeup.set()
        if report.answered < report.sent:
            with suppress(TimeoutError):
                await asyncio.wait_for(all_answered.wait(), timeout=answer_timeout_s)
        report.elapsed_s = time.monotonic() - started
    finally:
        for task in receivers:
            task.cancel()
        await asyncio.gather(*receivers, return_exceptions=True)
        await asyncio.gather(*(_close(writer) for _, writer in opened))
    return report


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on uvloop when it is installed (cheaper per request), else asyncio."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - Windows
        return asyncio.run(coroutine)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coroutine)

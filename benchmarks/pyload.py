"""Fallback load generator for benchmarks/next_ani.py and ingest.py when wrk is not installed.

Keep-alive HTTP/1.1 over raw asyncio streams (uvloop when available), one coroutine per
connection, each sending the next request as soon as the previous answer is read, for a fixed
duration. It sends what next_ani.lua (spec kind "next") or ingest_callback.lua (kind
"callback") sends. Less precise than wrk: it is Python, so on a single core it saturates a fast
server (the hello-world ceiling) less well than wrk does, which makes ratios to the ceiling look
better than they are. Prints one JSON line (a LoadResult).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

HOST = "127.0.0.1"
EXCHANGES = [str(n) for n in range(200, 1000) if n % 100 != 11 and n != 555]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    non_2xx: int = 0
    errors: dict[str, int] = field(
        default_factory=lambda: {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    )


class Requests:
    """Request bytes, built like next_ani.lua's request()."""

    def __init__(self, port: int, spec: dict[str, Any]) -> None:
        self._rng = random.Random()
        self._local = list(spec["local_npas"]) or ["212"]
        self._remote = list(spec["remote_npas"])
        self._remote_share = float(spec["remote_share"])
        self._head = (
            f"POST {spec['path']} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
            f"X-ApiKey: {spec['api_key']}\r\nContent-Type: application/json\r\n"
        ).encode()
        self._prefix = f'{{"outbound_campaign":"{spec["campaign"]}","prospect_phone":"'.encode()
        self._suffix = f'","assignment_type":"{spec["assignment_type"]}"}}'.encode()

    def next(self) -> bytes:
        rng = self._rng
        npas = self._local
        if self._remote and rng.random() < self._remote_share:
            npas = self._remote
        phone = f"{rng.choice(npas)}{rng.choice(EXCHANGES)}{rng.randrange(10000):04d}"
        body = self._prefix + phone.encode() + self._suffix
        return self._head + b"Content-Length: %d\r\n\r\n" % len(body) + body


# The seed callback's parameter names, as ingest_callback.lua spells them.
COMPANY = "0504bd2b-f9eb-4a72-b497-7c8cac8692a0"
CAMPAIGN = "ec4e634b-aa92-4859-9d16-46aece2b780b"
AGENT = "1eb3164f-2157-43d9-9aa8-ed1e20e97fa7"
ANI = "0be372ee-d1bf-42a4-8891-dbc5ee547a7c"
CALL_ID = "ddb195b9-1f3d-4775-a9b7-fcf9d7c46583"
DISPO = "e8ca4a68-d96e-4be8-8ac1-1114fec52cde"
PHONE = "12929e99-3266-4350-b2c8-592119ffd558"
CALL_TIME = "9a1f5867-157f-4620-ae43-b824bc4d81ee"
TYPE_OR_DURATION = "6be80ae8-72b5-4ac6-8871-c54fdce3ebbf"


def _items(text: str) -> list[str]:
    return [item for item in text.split(",") if item]


class CallbackRequests:
    """GET requests of the seed callback, built like ingest_callback.lua's request()."""

    def __init__(self, port: int, spec: dict[str, Any]) -> None:
        args = [str(a) for a in spec["args"]] + [""] * 11
        self._rng = random.Random()
        self._path = args[0] or "/"
        self._company = args[1]
        self._campaigns = _items(args[2]) or ["bench"]
        self._anis = _items(args[3]) or ["5615550100"]
        self._dispos = _items(args[4]) or ["sale"]
        self._unknown = _items(args[5])
        self._unknown_share = float(args[6] or 0.05)
        self._npas = _items(args[7]) or ["212"]
        self._now_local = int(args[8] or time.time())
        self._span_s = int(float(args[9] or 1) * 86400)
        self._agents = int(args[10] or 10)
        self._prefix = f"cb-{random.randbytes(8).hex()}-"
        self._counter = 0
        self._tail = f" HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n".encode()

    def next(self) -> bytes:
        rng = self._rng
        self._counter += 1
        if self._unknown and rng.random() < self._unknown_share:
            dispo = rng.choice(self._unknown)
        else:
            dispo = rng.choice(self._dispos)
        phone = f"{rng.choice(self._npas)}{rng.choice(EXCHANGES)}{rng.randrange(10000):04d}"
        when = time.strftime(
            "%Y-%m-%d%%20%H:%M:%S", time.gmtime(self._now_local - rng.randint(60, self._span_s))
        )
        query = (
            f"{COMPANY}={self._company}&{CAMPAIGN}={rng.choice(self._campaigns)}"
            f"&{AGENT}=agent{rng.randint(1, self._agents)}&{ANI}={rng.choice(self._anis)}"
            f"&{CALL_ID}={self._prefix}{self._counter}&{DISPO}={dispo}&{PHONE}={phone}"
            f"&{CALL_TIME}={when}&{TYPE_OR_DURATION}={rng.randint(0, 600)}"
        )
        return f"GET {self._path}?{query}".encode() + self._tail


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return status


async def _connection(
    port: int,
    requests: Requests | CallbackRequests,
    deadline: float,
    timeout_s: float,
    tally: Tally,
) -> None:
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout_s)
        except (OSError, TimeoutError):
            tally.errors["connect"] += 1
            await asyncio.sleep(0.01)
            continue
        try:
            while time.monotonic() < deadline:
                payload = requests.next()
                started = time.perf_counter()
                try:
                    writer.write(payload)
                    await writer.drain()
                except OSError:
                    tally.errors["write"] += 1
                    break
                try:
                    status = await asyncio.wait_for(_read_response(reader), timeout_s)
                except TimeoutError:
                    tally.errors["timeout"] += 1
                    break
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    tally.errors["read"] += 1
                    break
                tally.latencies.append(time.perf_counter() - started)
                if not 200 <= status < 300:
                    tally.non_2xx += 1
        finally:
            writer.close()


def _percentile(ordered: list[float], pct: float) -> float:
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


async def run(
    port: int, spec: dict[str, Any], duration_s: float, connections: int, timeout_s: float
) -> dict[str, Any]:
    kind = spec.get("kind", "next")
    requests: Requests | CallbackRequests
    if kind == "callback":
        requests = CallbackRequests(port, spec)
    elif kind == "next":
        requests = Requests(port, spec)
    else:
        raise SystemExit(f"unknown load kind {kind!r}")
    tally = Tally()
    started = time.monotonic()
    deadline = started + duration_s
    await asyncio.gather(
        *(_connection(port, requests, deadline, timeout_s, tally) for _ in range(connections))
    )
    elapsed = time.monotonic() - started
    ordered = sorted(tally.latencies)
    socket_errors = sum(tally.errors.values())
    return {
        "tool": "python-asyncio",
        "duration_s": elapsed,
        "requests": len(ordered) + tally.errors["timeout"],
        "requests_per_s": len(ordered) / elapsed if elapsed else 0.0,
        "p50_ms": _percentile(ordered, 50) * 1000,
        "p75_ms": _percentile(ordered, 75) * 1000,
        "p90_ms": _percentile(ordered, 90) * 1000,
        "p99_ms": _percentile(ordered, 99) * 1000,
        "max_ms": (ordered[-1] if ordered else 0.0) * 1000,
        "non_2xx": tally.non_2xx,
        "socket_errors": socket_errors,
        "error_detail": {**tally.errors, "status_4xx_5xx": tally.non_2xx},
    }


def print_result(load: Coroutine[Any, Any, dict[str, Any]]) -> int:
    """Run a load coroutine (on uvloop when installed) and print its result as one JSON line,
    which the benchmark that started this process reads."""
    try:
        import uvloop
    except ImportError:
        result = asyncio.run(load)
    else:
        result = uvloop.run(load)
    print(json.dumps(result))
    sys.stdout.flush()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--spec", required=True, help="a LoadSpec as JSON")
    args = parser.parse_args()
    load = run(args.port, json.loads(args.spec), args.duration, args.connections, args.timeout)
    return print_result(load)


if __name__ == "__main__":
    raise SystemExit(main())

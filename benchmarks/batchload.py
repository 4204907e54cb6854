"""Load generator of benchmarks/ingest.py for ``POST /dialer/results`` batches.

A few keep-alive HTTP/1.1 clients over raw asyncio streams (uvloop when available), each
POSTing its next batch of dial results as soon as the previous answer is read, until the
deadline; a batch in flight at the deadline is waited for, so every row sent is either
acknowledged or counted as failed. Rows are counted by their answered status (``stored``,
``duplicate``, ``updated``, ``error``).

The bodies are built before the clock starts: a few templates of ``rows`` results each, whose
call ids carry a fixed-width marker; each request replaces the marker with a unique batch tag
(random per process, then client and sequence number), so every row of every request is a new
call id and the client spends a bytes.replace per batch, not a JSON encoding.

    .venv/bin/python benchmarks/batchload.py --port P --duration 10 --clients 4 --spec JSON

Prints one JSON line (a common.LoadResult, with ``items`` = rows acknowledged as stored).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pyload import print_result

HOST = "127.0.0.1"
EXCHANGES = [str(n) for n in range(200, 1000) if n % 100 != 11 and n != 555]
MARKER = b"@@BATCH-MARKER@@"  # 16 bytes, replaced by a 16-byte tag: the body length stays
STATUSES = ("stored", "duplicate", "updated", "error")


def build_rows(spec: dict[str, Any], rng: random.Random, marker: str) -> list[dict[str, Any]]:
    """One template batch: ``spec["rows"]`` results whose call ids start with ``marker``."""
    zone = ZoneInfo(spec.get("time_zone", "America/New_York"))
    now_local = datetime.now(zone).replace(tzinfo=None)
    span_s = int(float(spec.get("days", 7)) * 86400)
    unknown = list(spec.get("unknown_dispos", []))
    share = float(spec.get("unknown_share", 0.0))
    rows = []
    for index in range(int(spec["rows"])):
        if unknown and rng.random() < share:
            dispo = rng.choice(unknown)
        else:
            dispo = rng.choice(spec["dispos"])
        phone = f"{rng.choice(spec['npas'])}{rng.choice(EXCHANGES)}{rng.randrange(10000):04d}"
        when = now_local - timedelta(seconds=rng.randint(60, span_s))
        rows.append(
            {
                "call_id": f"{marker}-{index:04d}",
                "campaign_id": rng.choice(spec["campaigns"]),
                "agent_id": f"agent{rng.randint(1, int(spec.get('agents', 10)))}",
                "ani": rng.choice(spec["anis"]),
                "dispo": dispo,
                "prospect_phone": phone,
                "call_datetime": when.strftime("%Y-%m-%d %H:%M:%S"),
                "call_type": "Outbound",
                "duration_s": rng.randint(0, 600),
            }
        )
    return rows


class Bodies:
    """Pre-built request bytes; ``next(client)`` gives a request whose call ids are all new."""

    def __init__(self, port: int, spec: dict[str, Any]) -> None:
        rng = random.Random()
        self._tag = os.urandom(4).hex()  # 8 characters, per process
        self._templates = []
        for _ in range(int(spec.get("templates", 8))):
            body = json.dumps(
                {"results": build_rows(spec, rng, MARKER.decode())}, separators=(",", ":")
            ).encode()
            head = (
                f"POST {spec['path']} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
                f"X-ApiKey: {spec['api_key']}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            self._templates.append(head + body)
        self.rows = int(spec["rows"])
        self._sequence = 0

    def next(self, client: int) -> bytes:
        self._sequence += 1
        tag = f"{self._tag}{client:02d}{self._sequence:06d}".encode()
        assert len(tag) == len(MARKER)
        template = self._templates[self._sequence % len(self._templates)]
        return template.replace(MARKER, tag)


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    non_2xx: int = 0
    rows_sent: int = 0
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    errors: dict[str, int] = field(
        default_factory=lambda: {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    )
    failures: list[str] = field(default_factory=list)


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return status, body


def count_rows(body: bytes, tally: Tally) -> None:
    """Rows by answered status; the fast count of the compact JSON, checked against the parse."""
    found = {s: body.count(b'"status":"' + s.encode() + b'"') for s in STATUSES}
    if sum(found.values()) == 0 or found["error"]:
        rows = json.loads(body)["results"]
        found = dict.fromkeys(STATUSES, 0)
        for row in rows:
            found[row["status"]] = found.get(row["status"], 0) + 1
            if row["status"] == "error" and len(tally.failures) < 5:
                tally.failures.append(json.dumps(row))
    for status, count in found.items():
        tally.rows[status] = tally.rows.get(status, 0) + count


async def _client(
    client: int, port: int, bodies: Bodies, deadline: float, timeout_s: float, tally: Tally
) -> None:
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout_s)
        except (OSError, TimeoutError):
            tally.errors["connect"] += 1
            await asyncio.sleep(0.05)
            continue
        try:
            while time.monotonic() < deadline:
                payload = bodies.next(client)
                started = time.perf_counter()
                try:
                    writer.write(payload)
                    await writer.drain()
                except OSError:
                    tally.errors["write"] += 1
                    break
                tally.rows_sent += bodies.rows
                try:
                    status, body = await asyncio.wait_for(_read_response(reader), timeout_s)
                except TimeoutError:
                    tally.errors["timeout"] += 1
                    break
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    tally.errors["read"] += 1
                    break
                tally.latencies.append(time.perf_counter() - started)
                if 200 <= status < 300:
                    count_rows(body, tally)
                else:
                    tally.non_2xx += 1
                    if len(tally.failures) < 5:
                        tally.failures.append(f"HTTP {status} {body[:300]!r}")
        finally:
            writer.close()


def _percentile(ordered: list[float], pct: float) -> float:
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


async def run(
    port: int, spec: dict[str, Any], duration_s: float, clients: int, timeout_s: float
) -> dict[str, Any]:
    bodies = Bodies(port, spec)
    tally = Tally()
    started = time.monotonic()
    deadline = started + duration_s
    await asyncio.gather(
        *(_client(c, port, bodies, deadline, timeout_s, tally) for c in range(clients))
    )
    elapsed = time.monotonic() - started
    ordered = sorted(tally.latencies)
    stored = tally.rows["stored"]
    return {
        "tool": "python-asyncio batches",
        "duration_s": elapsed,
        "requests": len(ordered) + tally.errors["timeout"],
        "requests_per_s": len(ordered) / elapsed if elapsed else 0.0,
        "p50_ms": _percentile(ordered, 50) * 1000,
        "p75_ms": _percentile(ordered, 75) * 1000,
        "p90_ms": _percentile(ordered, 90) * 1000,
        "p99_ms": _percentile(ordered, 99) * 1000,
        "max_ms": (ordered[-1] if ordered else 0.0) * 1000,
        "non_2xx": tally.non_2xx,
        "socket_errors": sum(tally.errors.values()),
        "error_detail": {**tally.errors, "status_4xx_5xx": tally.non_2xx},
        "items": stored,
        "items_per_s": stored / elapsed if elapsed else 0.0,
        "item_detail": {"sent": tally.rows_sent, **tally.rows},
        "failures": tally.failures,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--spec", required=True, help="rows, path, api_key, anis, ... as JSON")
    args = parser.parse_args()
    load = run(args.port, json.loads(args.spec), args.duration, args.clients, args.timeout)
    return print_result(load)


if __name__ == "__main__":
    raise SystemExit(main())

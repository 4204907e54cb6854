"""Durable: SUCCESS only after commit. A server killed (kill -9) under load loses no acknowledged
dial result, and what survives is consistent: one row per call id, statistics equal to the rows.

Client threads send seed callbacks and JSON batches (new call ids, identical retries and
re-dispositions of acknowledged ids) to a real `openani serve`; the whole process group is
SIGKILLed while requests are in flight, a new server starts on the same database, and the
database is compared with what each client was told. Every call id belongs to one thread, which
sends one request at a time, so for each id the client knows exactly which versions the database
may hold: the last acknowledged one, or one whose request was interrupted by the kill. The
assertions depend on those facts only, never on timing or on how many requests got through.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy import select

from openani.store.engine import Database
from openani.store.schema import daily_stats, dial_results
from tests.conftest import Tenant, make_tenant
from tests.support.load import KillableServer, killable_server
from tests.support.seed import (
    AGENT,
    ANI,
    CALL_ID,
    CALL_TIME,
    CALLBACK,
    CAMPAIGN,
    COMPANY,
    DISPO,
    PHONE,
    TYPE_OR_DURATION,
)

CALLBACK_THREADS = 4
BATCH_THREADS = 4
BATCH_SIZE = 20
MAX_REQUESTS_PER_THREAD = 5_000  # a bound on traffic; the kill comes long before it
LOAD_S = 1.5  # load before the kill...
MAX_LOAD_S = 10.0  # ...or longer, until both kinds of request were acknowledged at least once
REQUEST_TIMEOUT_S = 10.0

# "sale" counts a contact and a success; "na" a dial without contact (category no_answer).
SALE, NO_ANSWER = "sale", "na"
DISPOS = (
    {"id": SALE, "name": "Sale", "type": "Agent", "contact": True, "success": True},
    {
        "id": NO_ANSWER,
        "name": "No Answer",
        "type": "System",
        "contact": False,
        "success": False,
        "category": "no_answer",
    },
)
ANIS = ("5615550100", "2125550100")
CAMPAIGNS = ("c1", "c2")
PROSPECT_AREAS = ("561", "212", "305")


def _flip(dispo: str) -> str:
    return NO_ANSWER if dispo == SALE else SALE


@dataclass(frozen=True)
class Call:
    """The fixed facts of one call; only its dispo changes between versions."""

    call_id: str
    ani: str
    campaign: str
    prospect_phone: str
    call_datetime: str  # company-local
    duration_s: int

    def callback_params(self, company_guid: str, dispo: str) -> dict[str, str]:
        return {
            COMPANY: company_guid,
            CAMPAIGN: self.campaign,
            AGENT: "agent7",
            ANI: self.ani,
            CALL_ID: self.call_id,
            DISPO: dispo,
            PHONE: self.prospect_phone,
            CALL_TIME: self.call_datetime,
            TYPE_OR_DURATION: str(self.duration_s),
            "score": "7",  # any other name=value pair is a KPI
        }

    def json_row(self, dispo: str) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "campaign_id": self.campaign,
            "agent_id": "agent7",
            "ani": self.ani,
            "dispo": dispo,
            "prospect_phone": self.prospect_phone,
            "call_datetime": self.call_datetime,
            "duration_s": self.duration_s,
            "kpis": {"score": "7"},
        }


def _thread_of(call_id: str) -> int:
    return int(call_id[1:].split("-")[0])


def _call(thread: int, n: int, days: tuple[str, ...]) -> Call:
    return Call(
        call_id=f"t{thread}-{n}",
        ani=ANIS[n % len(ANIS)],
        campaign=CAMPAIGNS[(n // 2) % len(CAMPAIGNS)],
        prospect_phone=f"{PROSPECT_AREAS[n % len(PROSPECT_AREAS)]}777{n % 10_000:04d}",
        call_datetime=f"{days[n % len(days)]} 10:{n % 60:02d}:00",
        duration_s=5 + n % 120,
    )


@dataclass
class Ledger:
    """What one client thread sent and what it was told; merged after the kill."""

    calls: dict[str, Call] = field(default_factory=dict)  # every call id ever sent
    acked: dict[str, str] = field(default_factory=dict)  # call id -> last acknowledged dispo
    # Dispos sent for a call id after its last acknowledgement, with no acknowledgement back.
    uncertain: dict[str, set[str]] = field(default_factory=dict)
    acked_order: list[str] = field(default_factory=list)  # for picking retries
    requests: int = 0
    acknowledged: Counter[str] = field(default_factory=Counter)  # new / retry / redispo
    interrupted: int = 0  # requests that got no answer (the kill)
    # 5xx answers: not acknowledged, so allowed; but reported (see the test's warning).
    refused: list[str] = field(default_factory=list)
    # Any other answer that is not the acknowledgement the protocol promises: a failure.
    unexpected: list[str] = field(default_factory=list)

    def ack(self, call_id: str, dispo: str, kind: str) -> None:
        if call_id not in self.acked:
            self.acked_order.append(call_id)
        self.acked[call_id] = dispo
        # Sequential per thread: this commit came after any earlier unanswered request's.
        self.uncertain.pop(call_id, None)
        self.acknowledged[kind] += 1

    def unanswered(self, call_id: str, dispo: str) -> None:
        self.uncertain.setdefault(call_id, set()).add(dispo)

    def merge(self, other: Ledger) -> None:
        assert not self.calls.keys() & other.calls.keys(), "call ids are owned by one thread"
        self.calls.update(other.calls)
        self.acked.update(other.acked)
        self.uncertain.update(other.uncertain)
        self.requests += other.requests
        self.acknowledged += other.acknowledged
        self.interrupted += other.interrupted
        self.refused += other.refused
        self.unexpected += other.unexpected

    def not_acknowledged(self, what: str, response: httpx.Response) -> None:
        answer = f"{what}: {response.status_code} {response.text[:300]}"
        (self.refused if response.status_code >= 500 else self.unexpected).append(answer)


class Client(threading.Thread):
    """One dialer connection: a callback or a JSON-batch sender, one request at a time."""

    def __init__(
        self, index: int, batches: bool, base: str, tenant: Tenant, days: tuple[str, ...]
    ) -> None:
        super().__init__(name=f"durability-client-{index}", daemon=True)
        self.index = index
        self.batches = batches
        self.base = base
        self.tenant = tenant
        self.days = days
        self.ledger = Ledger()
        self.stop = threading.Event()
        self.rng = random.Random(index)
        self.next_n = 0
        self.error: BaseException | None = None

    def _new_call(self) -> Call:
        call = _call(self.index, self.next_n, self.days)
        self.next_n += 1
        self.ledger.calls[call.call_id] = call
        return call

    def _pick(self, kind: str, taken: set[str]) -> tuple[Call, str, str] | None:
        """(call, dispo, kind) for a retry or re-disposition of an acknowledged id.

        Only ids whose stored version is known (no refused request since their last
        acknowledgement), so that the answer expected for every row is known too.
        """
        candidates = self.ledger.acked_order[-200:]
        if not candidates:
            return None
        call_id = self.rng.choice(candidates)
        if call_id in taken or call_id in self.ledger.uncertain:
            return None
        dispo = self.ledger.acked[call_id]
        return self.ledger.calls[call_id], dispo if kind == "retry" else _flip(dispo), kind

    def _next_callback(self) -> tuple[Call, str, str]:
        roll = self.rng.random()
        picked = None
        if roll < 0.15:
            picked = self._pick("retry", set())
        elif roll < 0.30:
            picked = self._pick("redispo", set())
        return picked or (self._new_call(), self.rng.choice((SALE, NO_ANSWER)), "new")

    def _next_batch(self) -> list[tuple[Call, str, str]]:
        rows: list[tuple[Call, str, str]] = []
        taken: set[str] = set()
        for kind in ("retry", "retry", "redispo"):
            picked = self._pick(kind, taken)
            if picked is not None:
                rows.append(picked)
                taken.add(picked[0].call_id)
        while len(rows) < BATCH_SIZE:
            rows.append((self._new_call(), self.rng.choice((SALE, NO_ANSWER)), "new"))
        self.rng.shuffle(rows)
        return rows

    def run(self) -> None:
        try:
            with httpx.Client(
                base_url=self.base, headers=self.tenant.headers, timeout=REQUEST_TIMEOUT_S
            ) as client:
                while not self.stop.is_set() and self.ledger.requests < MAX_REQUESTS_PER_THREAD:
                    self.ledger.requests += 1
                    sent = self._send_batch(client) if self.batches else self._send_callback(client)
                    if not sent:
                        return
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.error = exc

    def _send_callback(self, client: httpx.Client) -> bool:
        call, dispo, kind = self._next_callback()
        params = call.callback_params(self.tenant.company.guid, dispo)
        try:
            response = client.get(CALLBACK, params=params)
        except httpx.TransportError:
            self.ledger.unanswered(call.call_id, dispo)
            self.ledger.interrupted += 1
            return False
        if response.status_code == 200 and response.json() == {"result": "SUCCESS"}:
            self.ledger.ack(call.call_id, dispo, kind)
        else:
            self.ledger.unanswered(call.call_id, dispo)
            self.ledger.not_acknowledged(f"callback {call.call_id}", response)
        return True

    def _send_batch(self, client: httpx.Client) -> bool:
        rows = self._next_batch()
        body = {"results": [call.json_row(dispo) for call, dispo, _ in rows]}
        try:
            response = client.post("/dialer/results", json=body)
        except httpx.TransportError:
            for call, dispo, _ in rows:
                self.ledger.unanswered(call.call_id, dispo)
            self.ledger.interrupted += 1
            return False
        answered = response.json().get("results") if response.status_code == 200 else None
        if not isinstance(answered, list) or len(answered) != len(rows):
            for call, dispo, _ in rows:
                self.ledger.unanswered(call.call_id, dispo)
            self.ledger.not_acknowledged("batch", response)
            return True
        expected_status = {"new": "stored", "retry": "duplicate", "redispo": "updated"}
        for (call, dispo, kind), row in zip(rows, answered, strict=True):
            if row == {"call_id": call.call_id, "status": expected_status[kind]}:
                self.ledger.ack(call.call_id, dispo, kind)
            else:
                self.ledger.unanswered(call.call_id, dispo)
                self.ledger.unexpected.append(f"batch row {call.call_id} ({kind}): {row}")
        return True


def _local_days(count: int) -> tuple[str, ...]:
    """Recent days, all safely in the past in any time zone."""
    today = datetime.now(UTC).date()
    return tuple((today - timedelta(days=2 + i)).isoformat() for i in range(count))


def _setup_inventory(base: str, tenant: Tenant) -> None:
    with httpx.Client(base_url=base, headers=tenant.headers, timeout=REQUEST_TIMEOUT_S) as api:
        for dispo in DISPOS:
            response = api.post("/dialer/dispos", json=dispo)
            assert response.status_code == 201, response.text
        for number in ANIS:
            ani = {"country_code": "+1", "number": number, "inbound_group_id": "g"}
            response = api.post("/dialer/anis", json=ani)
            assert response.status_code == 201, response.text


def _load_then_kill(server: KillableServer, tenant: Tenant) -> tuple[Ledger, float]:
    """Run the clients, SIGKILL the server under load; the merged ledger and the load time."""
    days = _local_days(2)
    clients = [Client(i, False, server.base, tenant, days) for i in range(CALLBACK_THREADS)]
    clients += [
        Client(CALLBACK_THREADS + i, True, server.base, tenant, days) for i in range(BATCH_THREADS)
    ]
    started = time.monotonic()
    for client in clients:
        client.start()
    try:
        while True:
            time.sleep(0.05)
            elapsed = time.monotonic() - started
            both_acked = all(
                any(c.ledger.acked_order for c in clients if c.batches == batches)
                for batches in (False, True)
            )
            if (elapsed >= LOAD_S and both_acked) or elapsed >= MAX_LOAD_S:
                break
            if not any(client.is_alive() for client in clients):
                break
        server.kill()
    finally:
        for client in clients:
            client.stop.set()
        for client in clients:
            client.join(timeout=REQUEST_TIMEOUT_S + 5)
    assert not [c.name for c in clients if c.is_alive()], "client threads did not stop"
    errors = [f"{c.name}: {c.error!r}" for c in clients if c.error is not None]
    assert not errors, errors
    ledger = Ledger()
    for client in clients:
        ledger.merge(client.ledger)
    return ledger, elapsed


@dataclass(frozen=True)
class Stored:
    results: list[dict[str, Any]]  # every dial_results row of the company, all columns
    stats: list[dict[str, Any]]  # every daily_stats row of the company


def _stored(db: Database, company_id: int) -> Stored:
    with db.read() as conn:  # one snapshot for both tables
        results = conn.execute(
            select(dial_results)
            .where(dial_results.c.company_id == company_id)
            .order_by(dial_results.c.id)
        )
        stats = conn.execute(
            select(daily_stats)
            .where(daily_stats.c.company_id == company_id)
            .order_by(daily_stats.c.dimension, daily_stats.c.key, daily_stats.c.day)
        )
        return Stored(
            [dict(row._mapping) for row in results], [dict(row._mapping) for row in stats]
        )


COUNTERS = ("dials", "contacts", "successes", "no_answers", "talk_seconds")


def _expected_stats(results: list[dict[str, Any]]) -> dict[tuple[str, str, str], tuple[int, ...]]:
    """daily_stats recomputed from the result rows (the keys stats.keys documents)."""
    expected: dict[tuple[str, str, str], Counter[str]] = {}
    for row in results:
        ani = row["ani_country_code"] + row["ani"]
        keys = [
            ("ani", ani, row["call_day"]),
            ("campaign", row["campaign"], row["call_day"]),
            ("ani_campaign", f"{row['campaign']}|{ani}", row["call_day"]),
        ]
        if row["prospect_area_code"]:
            keys.append(("area", row["prospect_area_code"], row["call_day"]))
            keys.append(("ani_area", f"{ani}|{row['prospect_area_code']}", row["call_day"]))
            if ani.startswith("+1") and ani[2:5] == row["prospect_area_code"]:
                keys.append(("area_local", row["prospect_area_code"], row["call_day"]))
        if row["agent_id"]:
            keys.append(("agent", row["agent_id"], row["call_day"]))
        contact = bool(row["counted_contact"])
        counted = Counter(
            dials=1,
            contacts=int(contact),
            successes=int(contact and bool(row["counted_success"])),
            no_answers=int(row["counted_category"] == "no_answer"),
            talk_seconds=row["duration_s"] or 0,
        )
        for key in keys:
            expected.setdefault(key, Counter()).update(counted)
    return {
        key: tuple(counts[c] for c in COUNTERS)
        for key, counts in expected.items()
        if any(counts.values())
    }


def _check_consistent(stored: Stored, ledger: Ledger) -> None:
    by_id = Counter(row["call_id"] for row in stored.results)
    assert not [i for i, n in by_id.items() if n > 1], "a call id is stored more than once"
    rows = {row["call_id"]: row for row in stored.results}

    lost = sorted(set(ledger.acked) - rows.keys())
    assert not lost, f"{len(lost)} acknowledged results lost after kill -9, e.g. {lost[:10]}"
    phantoms = sorted(rows.keys() - ledger.acked.keys() - ledger.uncertain.keys())
    assert not phantoms, f"stored, yet no request left without an answer had them: {phantoms[:10]}"

    wrong: list[str] = []
    for call_id, row in rows.items():
        allowed = ledger.uncertain.get(call_id, set()) | (
            {ledger.acked[call_id]} if call_id in ledger.acked else set()
        )
        call = ledger.calls[call_id]
        facts = (row["campaign"], row["ani"], row["prospect_phone"], row["duration_s"])
        if row["dispo"] not in allowed or facts != (
            call.campaign,
            call.ani,
            call.prospect_phone,
            call.duration_s,
        ):
            wrong.append(f"{call_id}: stored {row['dispo']} {facts}, allowed {sorted(allowed)}")
        sale = row["dispo"] == SALE
        if (bool(row["counted_contact"]), bool(row["counted_success"])) != (sale, sale):
            wrong.append(f"{call_id}: {row['dispo']} counted as {row['counted_contact']}")
    assert not wrong, f"{len(wrong)} stored results differ from what was sent: {wrong[:10]}"

    # The statistics are exactly the stored rows: per dimension, key and day...
    actual = {
        (s["dimension"], s["key"], s["day"]): tuple(s[c] for c in COUNTERS) for s in stored.stats
    }
    actual = {key: counts for key, counts in actual.items() if any(counts)}
    expected = _expected_stats(stored.results)
    differing = sorted(
        k for k in actual.keys() | expected.keys() if actual.get(k) != expected.get(k)
    )
    assert not differing, [(k, actual.get(k), expected.get(k)) for k in differing[:10]]
    # ...and in total: every row is one dial of its ANI, of its campaign, of both.
    contacts = sum(bool(row["counted_contact"]) for row in stored.results)
    for dimension in ("ani", "campaign", "ani_campaign"):
        of_dimension = [s for s in stored.stats if s["dimension"] == dimension]
        assert sum(s["dials"] for s in of_dimension) == len(stored.results), dimension
        assert sum(s["contacts"] for s in of_dimension) == contacts, dimension


def _retry_after_restart(base: str, tenant: Tenant, ledger: Ledger) -> int:
    """Acknowledged ids resent to the restarted server are recognised; returns how many."""
    certain = sorted(set(ledger.acked) - ledger.uncertain.keys())
    by_callback = [i for i in certain if _thread_of(i) < CALLBACK_THREADS][:10]
    by_batch = [i for i in certain if _thread_of(i) >= CALLBACK_THREADS][:50]
    with httpx.Client(base_url=base, headers=tenant.headers, timeout=REQUEST_TIMEOUT_S) as client:
        for call_id in by_callback:
            params = ledger.calls[call_id].callback_params(
                tenant.company.guid, ledger.acked[call_id]
            )
            response = client.get(CALLBACK, params=params)
            assert (response.status_code, response.json()) == (200, {"result": "SUCCESS"})
        if by_batch:
            body = {"results": [ledger.calls[i].json_row(ledger.acked[i]) for i in by_batch]}
            response = client.post("/dialer/results", json=body)
            assert response.status_code == 200, response.text
            assert response.json()["results"] == [
                {"call_id": i, "status": "duplicate"} for i in by_batch
            ]
    return len(by_callback) + len(by_batch)


def _exception_lines(log: str) -> list[str]:
    """The distinct "module.Error: message" lines of the tracebacks in a server log."""
    lines = [line for line in log.splitlines() if line and not line[0].isspace()]
    found = [line for line in lines if ": " in line and line.split(": ")[0].endswith(_ERRORS)]
    return sorted(set(found))[:5]


_ERRORS = ("Error", "Exception", "Detected", "Violation")


def test_acknowledged_results_survive_kill_9_under_load(db: Database, tmp_path: Path) -> None:
    tenant = make_tenant(db)
    with killable_server(db.url, workers=2, log_path=tmp_path / "server-1.log") as server:
        _setup_inventory(server.base, tenant)
        ledger, load_s = _load_then_kill(server, tenant)
        killed_log = server.log_tail()
    assert not ledger.unexpected, (ledger.unexpected[:10], killed_log)
    assert not ledger.refused, (ledger.refused[:3], _exception_lines(killed_log))
    assert ledger.acknowledged["new"] > 0, "nothing was acknowledged before the kill"

    with killable_server(db.url, workers=1, log_path=tmp_path / "server-2.log") as restarted:
        stored = _stored(db, tenant.company.id)
        _check_consistent(stored, ledger)
        retried = _retry_after_restart(restarted.base, tenant, ledger)
        assert retried > 0
        assert _stored(db, tenant.company.id) == stored, "a retry after restart changed data"

    print(  # a summary, shown with -s
        f"\n[{db.url.split(':')[0]}] load {load_s:.2f} s, {ledger.requests} requests, "
        f"acknowledged {dict(ledger.acknowledged)} "
        f"({len(ledger.acked)} call ids), {ledger.interrupted} interrupted by the kill, "
        f"{len(ledger.refused)} refused (5xx), "
        f"{len(ledger.uncertain)} ids uncertain, {len(stored.results)} rows stored, "
        f"{retried} retried after restart"
    )

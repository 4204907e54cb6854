"""Crash under mixed load: kill -9 of a 2-process server while /dialer/next and dial results are
in flight, restart on the same database, and check what the clients were told against the rows.

Inventory: campaign "capped" (strict daily cap 40) over 6 ANIs of its own pool, so its
assignments reach the caps long before the kill, and campaign "open" (strict, cap far away) over
3 other ANIs, so that claims are still being written when the server dies. Client threads ask
for ANIs of both campaigns and send dial results (seed callback and JSON batches, new call ids
only) for all 9 numbers, dated now, so that the very daily_stats rows that count assignments
also count dials. After the kill and a restart, the database must hold:

- every acknowledged result exactly once, and nothing that was never sent;
- daily_stats dials and contacts (dimensions ani and campaign) equal to a recount of the rows;
- per ANI: the live counter (ani_usage.dials_today) at most its strict cap and equal to its
  assignment rows, at least as many rows as /next answers naming it, and daily_stats
  'assigned' equal to the rows (also per campaign);

and the restarted server must go on from the stored counters: exactly the remaining headroom of
the capped pool is given out, then 404 no_available_ani.

The assertions depend on what each client was told, never on timing or on how much got through.
Only 127.0.0.1.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx2 as httpx
from sqlalchemy import func, select

from openani.store.engine import Database
from openani.store.schema import ani_usage, anis, assignments, campaigns, daily_stats, dial_results
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

CAP = 40
CAPPED, OPEN = "capped", "open"
CAPPED_ANIS = tuple(f"21255501{i:02d}" for i in range(6))
OPEN_ANIS = tuple(f"30555501{i:02d}" for i in range(3))
OPEN_CAP = 100_000
PROSPECT_AREA = {CAPPED: "212", OPEN: "305"}
SALE, NO_ANSWER = "sale", "na"
DISPOS = (
    {"id": SALE, "name": "Sale", "type": "Agent", "contact": True, "success": True},
    {"id": NO_ANSWER, "name": "No Answer", "type": "System", "contact": False, "success": False},
)

NEXT_THREADS = {CAPPED: 3, OPEN: 2}
CALLBACK_THREADS = 2
BATCH_THREADS = 2
BATCH_SIZE = 10
MAX_REQUESTS_PER_THREAD = 5_000  # a bound on traffic; the kill comes long before it
LOAD_S = 1.5  # load before the kill, and longer until every kind of request was answered (capped:
# a 404 too); the kill comes then. Hang guards, generous so that a busy machine passes:
MAX_LOAD_S = 120.0  # if some kind of request is never answered, the assertions below say which
REQUEST_TIMEOUT_S = 60.0


@dataclass
class Ledger:
    """What one client thread was told."""

    requests: int = 0
    assigned: Counter[str] = field(default_factory=Counter)  # ANI number -> 200 answers naming it
    refused: int = 0  # 404 no_available_ani
    sent_ids: set[str] = field(default_factory=set)
    acked_ids: set[str] = field(default_factory=set)
    unexpected: list[str] = field(default_factory=list)  # any other answer
    transport_errors: list[tuple[float, str]] = field(default_factory=list)  # (monotonic, why)


class Client(threading.Thread):
    """One dialer connection, one request at a time: /next for a campaign, or dial results."""

    def __init__(self, name: str, kind: str, base: str, tenant: Tenant) -> None:
        super().__init__(name=name, daemon=True)
        self.kind = kind  # "capped", "open", "callback" or "batch"
        self.base = base
        self.tenant = tenant
        self.ledger = Ledger()
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.n = 0

    def run(self) -> None:
        send = {
            CAPPED: self._next,
            OPEN: self._next,
            "callback": self._callback,
            "batch": self._batch,
        }[self.kind]
        try:
            with httpx.Client(
                base_url=self.base, headers=self.tenant.headers, timeout=REQUEST_TIMEOUT_S
            ) as client:
                while not self.stop.is_set() and self.ledger.requests < MAX_REQUESTS_PER_THREAD:
                    self.ledger.requests += 1
                    try:
                        send(client)
                    except httpx.TransportError as exc:  # the kill: the server is gone
                        self.ledger.transport_errors.append((time.monotonic(), repr(exc)))
                        return
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.error = exc

    def _next(self, client: httpx.Client) -> None:
        self.n += 1
        body = {
            "outbound_campaign": self.kind,
            "prospect_phone": f"{PROSPECT_AREA[self.kind]}777{self.n % 10_000:04d}",
        }
        response = client.post("/dialer/next", json=body)
        if response.status_code == 200 and response.json().get("ani"):
            self.ledger.assigned[response.json()["ani"]] += 1
        elif (
            response.status_code == 404
            and response.json().get("error", {}).get("code") == "no_available_ani"
        ):
            self.ledger.refused += 1
        else:
            self.ledger.unexpected.append(f"next: {response.status_code} {response.text[:300]}")

    def _new_result(self) -> dict[str, Any]:
        self.n += 1
        call_id = f"{self.name}-{self.n}"
        self.ledger.sent_ids.add(call_id)
        numbers = CAPPED_ANIS + OPEN_ANIS
        ani = numbers[self.n % len(numbers)]
        return {
            "call_id": call_id,
            "campaign_id": CAPPED if ani in CAPPED_ANIS else OPEN,
            "agent_id": "agent7",
            "ani": ani,
            "dispo": SALE if self.n % 3 == 0 else NO_ANSWER,
            "prospect_phone": f"{ani[:3]}888{self.n % 10_000:04d}",
            # Now (a minute ago): counted on the same daily_stats rows as the assignments.
            "call_datetime": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
            "duration_s": 5 + self.n % 90,
        }

    def _callback(self, client: httpx.Client) -> None:
        row = self._new_result()
        params = {
            COMPANY: self.tenant.company.guid,
            CAMPAIGN: row["campaign_id"],
            AGENT: row["agent_id"],
            ANI: row["ani"],
            CALL_ID: row["call_id"],
            DISPO: row["dispo"],
            PHONE: row["prospect_phone"],
            CALL_TIME: row["call_datetime"],
            TYPE_OR_DURATION: str(row["duration_s"]),
        }
        response = client.get(CALLBACK, params=params)
        if response.status_code == 200 and response.json() == {"result": "SUCCESS"}:
            self.ledger.acked_ids.add(row["call_id"])
        else:
            self.ledger.unexpected.append(f"callback: {response.status_code} {response.text[:300]}")

    def _batch(self, client: httpx.Client) -> None:
        rows = [self._new_result() for _ in range(BATCH_SIZE)]
        response = client.post("/dialer/results", json={"results": rows})
        answered = response.json().get("results") if response.status_code == 200 else None
        if not isinstance(answered, list) or len(answered) != len(rows):
            self.ledger.unexpected.append(f"batch: {response.status_code} {response.text[:300]}")
            return
        for row, answer in zip(rows, answered, strict=True):
            if answer == {"call_id": row["call_id"], "status": "stored"}:
                self.ledger.acked_ids.add(row["call_id"])
            else:
                self.ledger.unexpected.append(f"batch row {row['call_id']}: {answer}")


def _setup_inventory(base: str, tenant: Tenant) -> str:
    """The inventory; returns the company's time zone."""
    with httpx.Client(base_url=base, headers=tenant.headers, timeout=REQUEST_TIMEOUT_S) as api:
        for dispo in DISPOS:
            response = api.post("/dialer/dispos", json=dispo)
            assert response.status_code == 201, response.text
        for ext_id, pool, cap in ((CAPPED, "gcap", CAP), (OPEN, "gopen", OPEN_CAP)):
            campaign = {
                "id": ext_id,
                "name": ext_id.title(),
                "type": "Outbound",
                "inbound_pool_id": pool,
                "daily_cap": cap,
                "cap_mode": "strict",
            }
            response = api.post("/dialer/campaigns", json=campaign)
            assert response.status_code == 201, response.text
        for numbers, pool in ((CAPPED_ANIS, "gcap"), (OPEN_ANIS, "gopen")):
            for number in numbers:
                ani = {"country_code": "+1", "number": number, "inbound_group_id": pool}
                response = api.post("/dialer/anis", json=ani)
                assert response.status_code == 201, response.text
        settings = api.get("/dialer/settings")
        assert settings.status_code == 200, settings.text
        return str(settings.json()["time_zone"])


def _load_then_kill(server: KillableServer, tenant: Tenant) -> tuple[list[Client], float, float]:
    """Run the clients, SIGKILL the server group under load: (clients, load time, kill time)."""
    clients = [
        Client(f"{kind}-{i}", kind, server.base, tenant)
        for kind, count in (
            (CAPPED, NEXT_THREADS[CAPPED]),
            (OPEN, NEXT_THREADS[OPEN]),
            ("callback", CALLBACK_THREADS),
            ("batch", BATCH_THREADS),
        )
        for i in range(count)
    ]

    def ready() -> bool:
        capped = [c.ledger for c in clients if c.kind == CAPPED]
        opened = [c.ledger for c in clients if c.kind == OPEN]
        return (
            any(ledger.refused for ledger in capped)  # the caps were reached
            and any(ledger.assigned for ledger in opened)
            and all(
                any(c.ledger.acked_ids for c in clients if c.kind == kind)
                for kind in ("callback", "batch")
            )
        )

    started = time.monotonic()
    for client in clients:
        client.start()
    try:
        while True:
            time.sleep(0.05)
            elapsed = time.monotonic() - started
            if (elapsed >= LOAD_S and ready()) or elapsed >= MAX_LOAD_S:
                break
            if not any(client.is_alive() for client in clients):
                break
        killed_at = time.monotonic()
        server.kill()
    finally:
        for client in clients:
            client.stop.set()
        for client in clients:
            client.join(timeout=REQUEST_TIMEOUT_S + 5)
    assert not [c.name for c in clients if c.is_alive()], "client threads did not stop"
    errors = [f"{c.name}: {c.error!r}" for c in clients if c.error is not None]
    assert not errors, errors
    return clients, elapsed, killed_at


@dataclass(frozen=True)
class Stored:
    numbers: dict[int, str]  # ani id -> number
    usage: dict[str, tuple[str, int]]  # number -> (day, dials_today)
    assigned_rows: Counter[str]  # number -> assignments rows
    assigned_rows_by_campaign: Counter[str]  # campaign ext id -> assignments rows
    results: list[dict[str, Any]]
    stats: list[dict[str, Any]]


def _stored(db: Database, company_id: int) -> Stored:
    with db.read() as conn:  # one snapshot for every table
        numbers = {
            row.id: row.number
            for row in conn.execute(
                select(anis.c.id, anis.c.number).where(anis.c.company_id == company_id)
            )
        }
        usage = {
            numbers[row.ani_id]: (row.day, row.dials_today)
            for row in conn.execute(
                select(ani_usage.c.ani_id, ani_usage.c.day, ani_usage.c.dials_today).where(
                    ani_usage.c.company_id == company_id
                )
            )
        }
        per_ani = conn.execute(
            select(assignments.c.ani_id, func.count())
            .where(assignments.c.company_id == company_id)
            .group_by(assignments.c.ani_id)
        )
        assigned_rows = Counter({numbers[ani_id]: count for ani_id, count in per_ani})
        per_campaign = conn.execute(
            select(campaigns.c.ext_id, func.count())
            .select_from(assignments.join(campaigns, assignments.c.campaign_id == campaigns.c.id))
            .where(assignments.c.company_id == company_id)
            .group_by(campaigns.c.ext_id)
        )
        by_campaign = Counter({ext_id: count for ext_id, count in per_campaign})
        results = [
            dict(row._mapping)
            for row in conn.execute(
                select(dial_results).where(dial_results.c.company_id == company_id)
            )
        ]
        stats = [
            dict(row._mapping)
            for row in conn.execute(
                select(daily_stats).where(daily_stats.c.company_id == company_id)
            )
        ]
    return Stored(numbers, usage, assigned_rows, by_campaign, results, stats)


def _check_results(stored: Stored, sent: set[str], acked: set[str]) -> None:
    by_id = Counter(row["call_id"] for row in stored.results)
    twice = sorted(call_id for call_id, n in by_id.items() if n > 1)
    assert not twice, f"call ids stored more than once: {twice[:10]}"
    lost = sorted(acked - by_id.keys())
    assert not lost, f"{len(lost)} acknowledged results lost after kill -9, e.g. {lost[:10]}"
    phantoms = sorted(by_id.keys() - sent)
    assert not phantoms, f"stored but never sent: {phantoms[:10]}"
    miscounted = [
        row["call_id"]
        for row in stored.results
        if bool(row["counted_contact"]) != (row["dispo"] == SALE)
    ]
    assert not miscounted, f"results counted against their dispo: {miscounted[:10]}"

    # daily_stats dials and contacts, per dimension, key and day, equal a recount of the rows.
    for dimension in ("ani", "campaign"):
        expected: Counter[tuple[str, str, str]] = Counter()
        for row in stored.results:
            key = row["ani_country_code"] + row["ani"] if dimension == "ani" else row["campaign"]
            expected[(key, row["call_day"], "dials")] += 1
            expected[(key, row["call_day"], "contacts")] += int(bool(row["counted_contact"]))
        actual: Counter[tuple[str, str, str]] = Counter()
        for stat in stored.stats:
            if stat["dimension"] == dimension:
                for column in ("dials", "contacts"):
                    actual[(stat["key"], stat["day"], column)] += stat[column]
        differing = sorted(k for k in expected.keys() | actual.keys() if expected[k] != actual[k])
        assert not differing, [(k, actual[k], expected[k]) for k in differing[:10]]


def _check_assignments(stored: Stored, told: Counter[str], today: str) -> None:
    assigned_stats: Counter[str] = Counter()
    for stat in stored.stats:
        if stat["dimension"] in ("ani", "campaign"):
            assigned_stats[stat["key"]] += stat["assigned"]
    problems: list[str] = []
    for number in CAPPED_ANIS + OPEN_ANIS:
        day, dials_today = stored.usage.get(number, (today, 0))
        rows = stored.assigned_rows[number]
        cap = CAP if number in CAPPED_ANIS else OPEN_CAP
        if day != today:
            problems.append(f"{number}: counters of day {day}, expected {today}")
        if dials_today > cap:
            problems.append(f"{number}: {dials_today} dials today, over the strict cap {cap}")
        if dials_today != rows:
            problems.append(f"{number}: counter {dials_today} != {rows} assignment rows")
        if told[number] > rows:
            problems.append(f"{number}: {told[number]} answered /next, only {rows} rows")
        if assigned_stats["+1" + number] != rows:
            problems.append(
                f"{number}: daily_stats assigned {assigned_stats['+1' + number]} != {rows} rows"
            )
    for ext_id in (CAPPED, OPEN):
        rows = stored.assigned_rows_by_campaign[ext_id]
        if assigned_stats[ext_id] != rows:
            problems.append(f"campaign {ext_id}: stats assigned {assigned_stats[ext_id]} != {rows}")
    unknown = set(stored.assigned_rows) - set(CAPPED_ANIS + OPEN_ANIS)
    if unknown:
        problems.append(f"assignments of numbers outside the inventory: {unknown}")
    assert not problems, problems


def _after_restart(base: str, tenant: Tenant) -> tuple[int, int]:
    """/next on the restarted server: the capped pool's 200s until its first 404, then 404s.

    Returns (200 answers for the capped campaign, 404 answers after them).
    """
    granted = 0
    limit = CAP * len(CAPPED_ANIS) + 10
    with httpx.Client(base_url=base, headers=tenant.headers, timeout=REQUEST_TIMEOUT_S) as api:
        for n in range(limit):
            body = {"outbound_campaign": CAPPED, "prospect_phone": f"212666{n:04d}"}
            response = api.post("/dialer/next", json=body)
            if response.status_code == 404:
                assert response.json()["error"]["code"] == "no_available_ani", response.text
                break
            assert response.status_code == 200, response.text
            assert response.json()["ani"] in CAPPED_ANIS, response.text
            granted += 1
        else:
            raise AssertionError(f"{limit} answers and the capped pool is still giving out ANIs")
        refused = 1
        for n in range(3):
            body = {"outbound_campaign": CAPPED, "prospect_phone": f"212555{n:04d}"}
            response = api.post("/dialer/next", json=body)
            assert response.status_code == 404, response.text
            refused += 1
        response = api.post(
            "/dialer/next", json={"outbound_campaign": OPEN, "prospect_phone": "3056660000"}
        )
        assert response.status_code == 200, response.text
    return granted, refused


def _local_day(zone: str) -> str:
    return datetime.now(ZoneInfo(zone)).date().isoformat()


def test_kill_9_under_mixed_next_and_results_load(db: Database, tmp_path: Path) -> None:
    test_started = time.monotonic()
    tenant = make_tenant(db)
    with killable_server(db.url, workers=2, log_path=tmp_path / "server-1.log") as server:
        zone = _setup_inventory(server.base, tenant)
        clients, load_s, killed_at = _load_then_kill(server, tenant)
        killed_log = server.log_tail()
    ledgers = [c.ledger for c in clients]
    unexpected = [answer for ledger in ledgers for answer in ledger.unexpected]
    assert not unexpected, (unexpected[:10], killed_log)
    early = [
        (round(killed_at - at, 3), why)
        for ledger in ledgers
        for at, why in ledger.transport_errors
        if at < killed_at
    ]
    assert not early, f"connections failed before the kill (s before it, error): {early[:5]}"
    told: Counter[str] = sum((ledger.assigned for ledger in ledgers), Counter())
    sent = set().union(*(ledger.sent_ids for ledger in ledgers))
    acked = set().union(*(ledger.acked_ids for ledger in ledgers))
    refused_before = sum(c.ledger.refused for c in clients if c.kind == CAPPED)
    assert refused_before > 0, f"the capped pool never ran out in {load_s:.1f} s of load"
    assert acked, "no dial result was acknowledged before the kill"
    assert sum(told[n] for n in OPEN_ANIS) > 0, "the open campaign got no ANI before the kill"

    with killable_server(db.url, workers=1, log_path=tmp_path / "server-2.log") as restarted:
        stored = _stored(db, tenant.company.id)
        today = _local_day(zone)
        _check_results(stored, sent, acked)
        _check_assignments(stored, told, today)
        headroom = sum(CAP - stored.usage.get(n, (today, 0))[1] for n in CAPPED_ANIS)
        granted, refused_after = _after_restart(restarted.base, tenant)
        assert granted == headroom, f"restarted server gave {granted}, headroom was {headroom}"
        final = _stored(db, tenant.company.id)
        at_cap = {n: final.usage.get(n, (today, 0))[1] for n in CAPPED_ANIS}
        assert at_cap == dict.fromkeys(CAPPED_ANIS, CAP), at_cap
        # The open pool's counters went on from their stored values: one more dial, in total.
        open_dials = [
            sum(s.usage.get(n, (today, 0))[1] for n in OPEN_ANIS) for s in (stored, final)
        ]
        assert open_dials[1] == open_dials[0] + 1, open_dials
        _check_assignments(final, told, today)

    interrupted = sum(len(ledger.transport_errors) for ledger in ledgers)
    print(  # a summary, shown with -s
        f"\n[{db.url.split(':')[0]}] load {load_s:.2f} s, "
        f"{sum(ledger.requests for ledger in ledgers)} requests; /next answered: capped "
        f"{sum(told[n] for n in CAPPED_ANIS)} (+{refused_before} 404), open "
        f"{sum(told[n] for n in OPEN_ANIS)}; results acknowledged {len(acked)} of {len(sent)} "
        f"sent; {interrupted} requests interrupted by the kill; stored: "
        f"{len(stored.results)} results, {sum(stored.assigned_rows.values())} assignments "
        f"(capped {sum(stored.assigned_rows[n] for n in CAPPED_ANIS)}); after restart "
        f"{granted} more capped ANIs then {refused_after} x 404; "
        f"test {time.monotonic() - test_started:.1f} s"
    )

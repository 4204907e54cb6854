"""Statistics query benchmark: /dialer/stats/* over a company with 1,000,000 stored results.

    .venv/bin/python benchmarks/stats_query.py [--results 1000000] [--runs 20] [--db PATH]
                                               [--json PATH]

1. Builds a SQLite database (a fresh file; ``--db PATH`` keeps it there and reuses it on the
   next run of the same day): ``openani company create`` (which migrates), then through the
   HTTP API of a server on it 8 campaigns, 6 dispositions and 1,000 ANIs over 100 US area
   codes; then ``--results`` dial results loaded in-process through
   ``openani.results.service.ResultIngest`` in batches of 1,000 (the code path of
   ``POST /dialer/results``, so rows and daily statistics are written as in production): call
   times spread over the last 30 days of the company's calendar, in time order, prospects in
   200 US area codes, ~5% of results with a disposition the company never defined.
2. Times each query in-process through ``openani.stats.service.StatsService`` (a fresh
   process-wide database handle, one untimed call first), then over HTTP: a fresh single
   ``openani serve`` process pinned to CPU 0, sequential GETs on one keep-alive connection from
   this process (pinned to CPU 1), one untimed call first. ``--runs`` timed calls each:
   ``/dialer/stats/anis`` (window 30d, first page of 100; with ``campaign``; with
   ``window=7d``), ``/dialer/stats/campaigns``, ``/dialer/stats/areas``, ``/dialer/stats/states``.

Target: every call answers in <= 50 ms (the max of the runs, in-process and over HTTP). The
report gives median and max per query, and flags series during which other processes or the
hypervisor took more than 5% of the measured core (tick-based accounting: coarse over series of
well under a second). Exit status: 0 all targets met, 1 a target missed, 2 the benchmark could
not run. A sanity check compares the dials summed over the campaigns with the results loaded.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from common import (
    DISPOSITIONS,
    HOST,
    NOISE_PCT,
    BenchmarkError,
    ServerFailed,
    Target,
    choose_cpus,
    core_times,
    create_company_keys,
    machine_info,
    openani_server,
    post_many,
    process_cpu_s,
    send,
    source_state,
    step,
    targets_table,
)
from next_ani import EXCHANGES, ani_numbers, spread, us_area_codes

from openani.results.service import ResultIngest
from openani.stats.service import StatsService
from openani.store import companies as company_store
from openani.store.companies import Company
from openani.store.engine import Database

TIME_ZONE = "America/New_York"  # a new company's default
DAYS = 30
ANI_NPAS = 100
PROSPECT_NPAS = 200
CAMPAIGNS = [f"camp{i}" for i in range(1, 9)]
FILTER_CAMPAIGN = "camp3"
AGENTS = 50
BATCH = 1000
# Dispositions drawn with these weights (most dials reach nobody), then ~5% undefined ones.
DISPO_WEIGHTS = [5, 15, 20, 45, 10, 5]
UNKNOWN_DISPOS = ["XFER", "CALLBK", "DNC-LIST", "WRONGNUM", "HANGUP"]
UNKNOWN_SHARE = 0.05
MAX_MS = 50.0


@dataclass(frozen=True)
class Query:
    key: str
    label: str
    path: str
    params: dict[str, str]
    call: Callable[[StatsService, Company, dict[str, str]], dict[str, Any]]


def _anis(service: StatsService, company: Company, params: dict[str, str]) -> dict[str, Any]:
    return service.anis(company, params)


def _grouped(dimension: str, by_state: bool, label: str) -> Callable[..., dict[str, Any]]:
    def call(service: StatsService, company: Company, params: dict[str, str]) -> dict[str, Any]:
        return service.grouped(company, params, dimension=dimension, by_state=by_state, label=label)

    return call


QUERIES = [
    Query("anis", "anis (30d, first 100)", "/dialer/stats/anis", {}, _anis),
    Query(
        "anis-campaign",
        f"anis, campaign={FILTER_CAMPAIGN}",
        "/dialer/stats/anis",
        {"campaign": FILTER_CAMPAIGN},
        _anis,
    ),
    Query("anis-7d", "anis, window=7d", "/dialer/stats/anis", {"window": "7d"}, _anis),
    Query(
        "campaigns",
        "campaigns",
        "/dialer/stats/campaigns",
        {},
        _grouped("campaign", False, "campaign"),
    ),
    Query("areas", "areas", "/dialer/stats/areas", {}, _grouped("area", False, "area_code")),
    Query("states", "states", "/dialer/stats/states", {}, _grouped("area", True, "state")),
]


class MachineWatch:
    """Shares (%) of wall time over a series of calls, on both cores: what this process, the
    server (if any) and everything else used. Load on the other core counts too: on a small
    virtual machine the two cores may share a physical core or its caches."""

    def __init__(self, cpus: Sequence[int | None], server_pid: int | None) -> None:
        self._cpus = [c for c in cpus if c is not None]
        self._server_pid = server_pid
        self._wall = time.monotonic()
        self._own = time.process_time()
        self._server = process_cpu_s(server_pid) if server_pid is not None else 0.0
        self._cores = {c: core_times(c) for c in self._cpus}

    def stop(self) -> dict[str, float]:
        wall = time.monotonic() - self._wall
        own = time.process_time() - self._own
        server = 0.0
        if self._server_pid is not None:
            now = process_cpu_s(self._server_pid)
            server = (now or 0.0) - (self._server or 0.0)
        work = steal = 0.0
        for cpu, before in self._cores.items():
            after = core_times(cpu)
            if before is None or after is None:
                return {}
            work += after.work_s - before.work_s
            steal += after.steal_s - before.steal_s
        if wall <= 0 or not self._cpus:
            return {}

        def pct(seconds: float) -> float:
            return round(100 * max(0.0, seconds) / wall, 1)

        return {
            "own_process_pct": pct(own),
            "server_process_pct": pct(server),
            "others_pct": pct(work - own - server),
            "steal_pct": pct(steal),
        }


def taken(cpu: Mapping[str, float]) -> float:
    """Share of one core that other processes and the hypervisor took, over both cores."""
    return cpu.get("others_pct", 0.0) + cpu.get("steal_pct", 0.0)


@dataclass
class Series:
    """Timings (ms) of one query in one mode, and whether the core was ours meanwhile."""

    times_ms: list[float]
    first_ms: float
    items: int
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def max_ms(self) -> float:
        return max(self.times_ms)

    @property
    def clean(self) -> bool:
        return taken(self.cpu) <= NOISE_PCT

    def as_dict(self) -> dict[str, Any]:
        return {
            "median_ms": round(self.median_ms, 3),
            "max_ms": round(self.max_ms, 3),
            "first_ms": round(self.first_ms, 3),
            "times_ms": [round(t, 3) for t in self.times_ms],
            "items": self.items,
            "cpu": self.cpu,
            "clean": self.clean,
        }


@dataclass
class Built:
    """A database holding the benchmark company, described by a JSON file next to it."""

    db_path: Path
    company_guid: str
    api_key: str
    results: int
    built_day: str
    load_s: float | None = None

    @property
    def url(self) -> str:
        return f"sqlite:///{self.db_path}"

    @property
    def sidecar(self) -> Path:
        return self.db_path.with_suffix(self.db_path.suffix + ".json")

    def save(self) -> None:
        body = {
            "company_guid": self.company_guid,
            "api_key": self.api_key,
            "results": self.results,
            "built_day": self.built_day,
            "load_s": self.load_s,
        }
        self.sidecar.write_text(json.dumps(body, indent=2) + "\n")

    @classmethod
    def load(cls, db_path: Path) -> Built | None:
        sidecar = db_path.with_suffix(db_path.suffix + ".json")
        if not db_path.exists() or not sidecar.exists():
            return None
        body = json.loads(sidecar.read_text())
        return cls(db_path, body["company_guid"], body["api_key"], body["results"],
                   body["built_day"], body.get("load_s"))  # fmt: skip


# Building the data set


def local_today() -> date:
    return datetime.now(ZoneInfo(TIME_ZONE)).date()


def set_up_inventory(url: str, workdir: Path, api_key: str, cpu: int | None) -> None:
    numbers = ani_numbers(spread(us_area_codes(), ANI_NPAS), 1000)
    with openani_server(url, workdir, "openani-setup", cpu) as s:
        campaigns = [{"id": c, "name": f"Campaign {c}", "type": "Outbound"} for c in CAMPAIGNS]
        post_many(s.port, api_key, "/dialer/campaigns", campaigns)
        post_many(s.port, api_key, "/dialer/dispos", DISPOSITIONS)
        anis = [{"country_code": "+1", "number": n, "inbound_group_id": "g1"} for n in numbers]
        post_many(s.port, api_key, "/dialer/anis", anis)


def generate_batches(total: int, rng: random.Random) -> Iterator[list[dict[str, Any]]]:
    """``total`` results over the last DAYS local days up to now, in time order, by BATCH."""
    zone = ZoneInfo(TIME_ZONE)
    now = datetime.now(zone).replace(tzinfo=None) - timedelta(minutes=1)
    start = datetime.combine(now.date() - timedelta(days=DAYS - 1), datetime.min.time())
    span_s = (now - start).total_seconds()
    anis = [n.replace(" ", "") for n in ani_numbers(spread(us_area_codes(), ANI_NPAS), 1000)]
    npas = spread(us_area_codes(), PROSPECT_NPAS)
    dispos = [d["id"] for d in DISPOSITIONS]
    offsets = sorted(rng.random() * span_s for _ in range(total))
    batch: list[dict[str, Any]] = []
    for seq, offset in enumerate(offsets):
        when = start + timedelta(seconds=offset)
        if rng.random() < UNKNOWN_SHARE:
            dispo = rng.choice(UNKNOWN_DISPOS)
        else:
            dispo = rng.choices(dispos, DISPO_WEIGHTS)[0]
        batch.append(
            {
                "call_id": f"stats-{seq:08d}",
                "campaign_id": rng.choice(CAMPAIGNS),
                "agent_id": f"agent{rng.randint(1, AGENTS)}",
                "ani": rng.choice(anis),
                "dispo": dispo,
                "prospect_phone": f"{rng.choice(npas)}{rng.choice(EXCHANGES)}"
                f"{rng.randrange(10000):04d}",
                "call_datetime": when.strftime("%Y-%m-%d %H:%M:%S"),
                "call_type": "Outbound",
                "duration_s": rng.randint(0, 30) if dispo in ("na", "busy", "blk") else
                rng.randint(0, 900),
            }
        )  # fmt: skip
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def load_results(url: str, guid: str, total: int) -> float:
    """Ingest ``total`` results in-process, as POST /dialer/results would; seconds taken."""
    db = Database(url)
    try:
        with db.read() as conn:
            company = company_store.company_by_guid(conn, guid)
        if company is None:
            raise BenchmarkError(f"company {guid} not found")
        ingest = ResultIngest(db)
        rng = random.Random(20_260_101)
        stored = 0
        started = time.monotonic()
        report_every = max(BATCH, total // 10 // BATCH * BATCH)
        for batch in generate_batches(total, rng):
            outcomes = ingest.ingest(company, batch)
            bad = [o for o in outcomes if o.status != "stored"]
            if bad:
                raise BenchmarkError(f"results not stored: {bad[:3]}")
            stored += len(outcomes)
            if stored % report_every == 0 or stored == total:
                elapsed = time.monotonic() - started
                print(
                    f"    {stored:,} results stored in {elapsed:.0f} s ({stored / elapsed:,.0f}/s)",
                    file=sys.stderr,
                    flush=True,
                )
        return time.monotonic() - started
    finally:
        db.dispose()


def build(db_path: Path, workdir: Path, total: int, server_cpu: int | None) -> Built:
    with step(f"creating the company in {db_path}"):
        keys = create_company_keys(f"sqlite:///{db_path}", "stats-bench")
    built = Built(db_path, keys["company_guid"], keys["api_key"], total, str(local_today()))
    with step("creating 8 campaigns, 6 dispositions, 1,000 ANIs via HTTP"):
        set_up_inventory(built.url, workdir, built.api_key, server_cpu)
    with step(f"loading {total:,} results in-process (ResultIngest, batches of {BATCH:,})"):
        built.load_s = round(load_results(built.url, built.company_guid, total), 1)
    built.save()
    return built


# Timing


def time_in_process(built: Built, runs: int, cpus: Sequence[int | None]) -> dict[str, Series]:
    db = Database(built.url)
    try:
        with db.read() as conn:
            company = company_store.company_by_guid(conn, built.company_guid)
        assert company is not None
        service = StatsService(db)
        found: dict[str, Series] = {}
        for query in QUERIES:
            started = time.perf_counter()
            body = query.call(service, company, dict(query.params))
            first = (time.perf_counter() - started) * 1000
            watch = MachineWatch(cpus, None)
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                query.call(service, company, dict(query.params))
                times.append((time.perf_counter() - started) * 1000)
            found[query.key] = Series(times, first, len(body["items"]), watch.stop())
        return found
    finally:
        db.dispose()


def time_http(
    built: Built, workdir: Path, runs: int, cpus: tuple[int | None, int | None]
) -> tuple[dict[str, Series], dict[str, Any]]:
    server_cpu = cpus[0]
    headers = {"X-ApiKey": built.api_key}
    found: dict[str, Series] = {}
    bodies: dict[str, Any] = {}
    with openani_server(built.url, workdir, "openani-stats", server_cpu) as server:
        conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
        try:
            for query in QUERIES:
                target = query.path + (f"?{urlencode(query.params)}" if query.params else "")
                started = time.perf_counter()
                status, body = send(conn, "GET", target, None, headers)
                first = (time.perf_counter() - started) * 1000
                if status != 200 or not isinstance(body, dict) or "items" not in body:
                    raise BenchmarkError(f"GET {target} answered HTTP {status} {body!r:.600}")
                bodies[query.key] = body
                watch = MachineWatch(cpus, server.pid)
                times = []
                for _ in range(runs):
                    started = time.perf_counter()
                    status, _ = send(conn, "GET", target, None, headers)
                    times.append((time.perf_counter() - started) * 1000)
                    if status != 200:
                        raise BenchmarkError(f"GET {target} answered HTTP {status}")
                found[query.key] = Series(times, first, len(body["items"]), watch.stop())
        finally:
            conn.close()
    return found, bodies


def sanity(built: Built, bodies: Mapping[str, Any]) -> dict[str, Any]:
    """What the answers say about the data: dials over the campaigns, page sizes."""
    campaigns = bodies["campaigns"]["items"]
    dials = sum(item["dials"] for item in campaigns)
    anis = bodies["anis"]["items"]
    return {
        "results_loaded": built.results,
        "dials_over_campaigns_30d": dials,
        "campaigns": len(campaigns),
        "anis_page": len(anis),
        "anis_next_cursor": bodies["anis"]["next_cursor"],
        "areas_page": len(bodies["areas"]["items"]),
        "states": len(bodies["states"]["items"]),
        "ani_dials_first_page": sum(item["dials"] for item in anis),
        "window": bodies["anis"]["window"],
    }


# Report


def evaluate(local: Mapping[str, Series], remote: Mapping[str, Series]) -> list[Target]:
    targets = []
    for query in QUERIES:
        worst = max(local[query.key].max_ms, remote[query.key].max_ms)
        targets.append(
            Target(
                f"{query.label}: every call <= {MAX_MS:g} ms",
                f"{worst:.1f} ms",
                f"<= {MAX_MS:g} ms",
                worst <= MAX_MS,
            )
        )
    return targets


def table(local: Mapping[str, Series], remote: Mapping[str, Series]) -> str:
    rows = [
        "| query | items | in-process median (ms) | in-process max (ms) | HTTP median (ms) "
        "| HTTP max (ms) | HTTP first (ms) | result |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for query in QUERIES:
        a, b = local[query.key], remote[query.key]
        verdict = "PASS" if max(a.max_ms, b.max_ms) <= MAX_MS else "FAIL"
        rows.append(
            f"| {query.label} | {b.items} | {a.median_ms:.1f} | {a.max_ms:.1f} "
            f"| {b.median_ms:.1f} | {b.max_ms:.1f} | {b.first_ms:.1f} | {verdict} |"
        )
    return "\n".join(rows)


def report(
    built: Built,
    local: Mapping[str, Series],
    remote: Mapping[str, Series],
    targets: Sequence[Target],
    checks: Mapping[str, Any],
    runs: int,
    cpus: tuple[int | None, int | None],
    source: Mapping[str, Any],
) -> str:
    lines = [
        f"## /dialer/stats benchmark ({built.results:,} results, 1,000 ANIs, {DAYS} days, "
        f"{len(CAMPAIGNS)} campaigns; {runs} timed calls per query; SQLite)",
        "",
        table(local, remote),
        "",
        *targets_table(targets),
        "",
        f"Overall: **{'PASS' if all(t.passed for t in targets) else 'FAIL'}**",
        "",
        f"- Data: {checks['dials_over_campaigns_30d']:,} dials summed over the "
        f"{checks['campaigns']} campaigns in the 30-day window {checks['window']['from']} .. "
        f"{checks['window']['to']} (results loaded: {built.results:,}); "
        f"{checks['states']} states; anis page {checks['anis_page']} items "
        f"(next_cursor {checks['anis_next_cursor']}), areas page {checks['areas_page']} items.",
    ]
    if built.load_s:
        lines.append(
            f"- Loaded in-process through ResultIngest in {built.load_s:,.0f} s "
            f"({built.results / built.load_s:,.0f} results/s) on {built.built_day}."
        )
    for mode, series in (("in-process", local), ("HTTP", remote)):
        disturbed = [
            f"{q.label} ({taken(series[q.key].cpu):.0f}%)"
            for q in QUERIES
            if not series[q.key].clean
        ]
        if disturbed:
            lines.append(
                f"- WARNING: {mode}: other processes and steal took over {NOISE_PCT:g}% of a "
                "core (both cores counted) during: " + ", ".join(disturbed) + "; rerun on a "
                "quiet machine."
            )
        else:
            lines.append(
                f"- {mode}: every series clean (other processes and steal <= {NOISE_PCT:g}% of "
                "a core, both cores counted)."
            )
    server_cpu, client_cpu = cpus
    lines.append(
        f"- Server pinned to CPU {server_cpu}; this process (in-process queries, HTTP client) "
        f"to CPU {client_cpu}. HTTP times include the client (http.client, JSON decoding)."
    )
    dirty = " with uncommitted changes in src/" if source.get("src_dirty") else ""
    lines.append(f"- Measured commit {source.get('commit') or 'unknown'}{dirty}.")
    return "\n".join(lines)


# Main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--results", type=int, default=1_000_000, help="results loaded")
    parser.add_argument("--runs", type=int, default=20, help="timed calls per query and mode")
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        metavar="PATH",
        help="build the database at PATH and keep it; reuse it when it was built today with "
        "as many results (default: a temporary file)",
    )
    parser.add_argument("--json", type=Path, default=None, metavar="PATH", help="write results")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if not 1_000 <= args.results <= 5_000_000:
        parser.error("--results must be within 1,000..5,000,000")
    if not 3 <= args.runs <= 1000:
        parser.error("--runs must be within 3..1000")
    return args


def run(args: argparse.Namespace) -> int:
    server_cpu, client_cpu = choose_cpus()
    if client_cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {client_cpu})
    machine = machine_info()
    source = source_state()
    workdir = Path(tempfile.mkdtemp(prefix="openani-bench-stats-"))
    ok = False
    try:
        db_path = (args.db or workdir / "stats.db").resolve()
        built = Built.load(db_path) if args.db else None
        if built is not None and (
            built.results != args.results or built.built_day != str(local_today())
        ):
            raise BenchmarkError(
                f"{db_path} holds {built.results:,} results built on {built.built_day}: "
                "remove it (and its .json) to rebuild"
            )
        if built is None:
            if db_path.exists():
                raise BenchmarkError(f"{db_path} exists but was not built by this benchmark")
            db_path.parent.mkdir(parents=True, exist_ok=True)
            built = build(db_path, workdir, args.results, server_cpu)
        else:
            print(f"reusing {db_path} ({built.results:,} results)", file=sys.stderr)
        with step(f"timing {len(QUERIES)} queries in-process, {args.runs} calls each"):
            local = time_in_process(built, args.runs, (server_cpu, client_cpu))
        with step(f"timing {len(QUERIES)} queries over HTTP, {args.runs} calls each"):
            remote, bodies = time_http(built, workdir, args.runs, (server_cpu, client_cpu))
        checks = sanity(built, bodies)
        ok = True
    finally:
        if ok and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"temporary files (server logs, database) kept in {workdir}", file=sys.stderr)

    targets = evaluate(local, remote)
    print()
    print(
        report(built, local, remote, targets, checks, args.runs, (server_cpu, client_cpu), source)
    )
    passed = all(t.passed for t in targets)
    if args.json is not None:
        document = {
            "benchmark": "/dialer/stats queries",
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine,
            "source": source,
            "config": {
                "results": built.results,
                "anis": 1000,
                "days": DAYS,
                "campaigns": len(CAMPAIGNS),
                "prospect_area_codes": PROSPECT_NPAS,
                "runs": args.runs,
                "server_cpu": server_cpu,
                "client_cpu": client_cpu,
                "load_s": built.load_s,
            },
            "queries": [
                {
                    "key": q.key,
                    "label": q.label,
                    "path": q.path,
                    "params": q.params,
                    "in_process": local[q.key].as_dict(),
                    "http": remote[q.key].as_dict(),
                }
                for q in QUERIES
            ],
            "sanity": checks,
            "targets": [
                {"name": t.name, "measured": t.value, "threshold": t.threshold, "pass": t.passed}
                for t in targets
            ],
            "pass": passed,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(document, indent=2) + "\n")
        print(f"\nresults written to {args.json}", file=sys.stderr)
    return 0 if passed else 1


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except (BenchmarkError, ServerFailed) as exc:
        print(f"\nbenchmark aborted: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())

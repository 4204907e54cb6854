"""Dial-results ingestion benchmark: the seed callback and JSON batches, on one SQLite server.

    .venv/bin/python benchmarks/ingest.py [--duration 10] [--connections 32] [--repeat N]
                                          [--batch-clients 4] [--json PATH]

Three scenarios in one run, each server a single process pinned to CPU 0 (``taskset -c 0``)
and each load generator pinned to CPU 1:

1. ceiling: benchmarks/hello_app.py (bare Starlette returning ``{"hello": "world"}``, served
   with the uvicorn options of ``openani serve``), sent the very GET requests of scenario 2
   (path ``/``, the same query strings), by wrk ``-t 1`` and ingest_callback.lua;
2. the seed callback ``GET /api/595F21A2-84D1-4984-818E-3758A8485CC8.php?...`` at
   ``--connections`` connections, every request a new call id, by the same wrk script: the
   company GUID, one of 5 campaigns, one of 20 agents, one of 100 inventory ANIs, a
   disposition (6 defined, ~5% of calls one of 5 the company never defined), a prospect in one
   of 100 US area codes, a call time within the last 7 days (company time) and a duration;
3. ``POST /dialer/results`` (X-ApiKey) with ``{"results": [1,000 rows]}``, every row a new
   call id, from ``--batch-clients`` concurrent clients (batchload.py, Python, bodies built
   before the clock starts), measured as results/s: rows answered ``stored`` per second.

Scenarios 2 and 3 run on one ``openani serve`` process on a fresh SQLite file, each for its
own company (inventory created through the HTTP API). Before timing, one callback must answer
200 ``{"result": "SUCCESS"}`` (one with a defined and one with an unknown disposition) and one
small batch must answer every row ``stored``. Each measured run follows a 2 s warm-up; with
``--repeat N`` the median run counts. The servers run without rate limits (common.py sets
OPENANI_RATE_PER_KEY and OPENANI_RATE_PER_GUID to 0), so the benchmark measures capacity.

After the load the SQLite file is read directly (sqlite3): per company, the rows in
``dial_results`` must equal the results acknowledged (batches: exactly, as every batch in
flight at the deadline is waited for; the callback: wrk abandons up to one request per
connection when it stops, which the server may still store, so up to ``connections`` more
rows per wrk run are allowed), and the dials summed in ``daily_stats`` (per ANI and per
campaign) must equal the rows.

Targets: callback requests/s >= 50% of the ceiling's; batches >= 20,000 results/s; no socket
errors, no non-2xx answers, every batch row stored; the counts consistent. Exit status: 0 all
targets met, 1 a target missed, 2 the benchmark could not run (setup failed, an endpoint
misbehaved). Absolute numbers depend on the machine; the ratio to the ceiling is the figure
that matters for the callback. The report gives, per run, the share of the server's core its
process used and what other processes and the hypervisor (steal) took, and says which runs
were disturbed.
"""

from __future__ import annotations

import argparse
import calendar
import dataclasses
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from batchload import build_rows
from common import (
    BENCH_DIR,
    DISPOSITIONS,
    LOAD_GRACE_S,
    BenchmarkError,
    LoadResult,
    LoadRunner,
    Measured,
    RunConfig,
    ScriptSpec,
    ServerFailed,
    Target,
    choose_cpus,
    choose_tool,
    cpu_text,
    cpu_warnings,
    create_company_keys,
    disturbances,
    hello_server,
    machine_info,
    measure_runs,
    openani_server,
    pinned,
    post_many,
    request,
    run_notes,
    source_state,
    step,
    targets_table,
    wrk_runner,
)
from next_ani import ani_numbers, spread, us_area_codes

CALLBACK_PATH = "/api/595F21A2-84D1-4984-818E-3758A8485CC8.php"
CALLBACK_SCRIPT = BENCH_DIR / "ingest_callback.lua"
BATCHLOAD = BENCH_DIR / "batchload.py"

# The seed callback's parameters (as tests/support/seed.py spells them).
SEED_COMPANY = "0504bd2b-f9eb-4a72-b497-7c8cac8692a0"
SEED_CAMPAIGN = "ec4e634b-aa92-4859-9d16-46aece2b780b"
SEED_AGENT = "1eb3164f-2157-43d9-9aa8-ed1e20e97fa7"
SEED_ANI = "0be372ee-d1bf-42a4-8891-dbc5ee547a7c"
SEED_CALL_ID = "ddb195b9-1f3d-4775-a9b7-fcf9d7c46583"
SEED_DISPO = "e8ca4a68-d96e-4be8-8ac1-1114fec52cde"
SEED_PHONE = "12929e99-3266-4350-b2c8-592119ffd558"
SEED_CALL_TIME = "9a1f5867-157f-4620-ae43-b824bc4d81ee"
SEED_TYPE_OR_DURATION = "6be80ae8-72b5-4ac6-8871-c54fdce3ebbf"

TIME_ZONE = "America/New_York"  # a new company's default
ANI_COUNT = 100
ANI_NPAS = 20
PROSPECT_NPAS = 100
CAMPAIGNS = [f"camp{i}" for i in range(1, 6)]
AGENTS = 20
DAYS = 7
UNKNOWN_DISPOS = ["XFER", "CALLBK", "DNC-LIST", "WRONGNUM", "HANGUP"]
UNKNOWN_SHARE = 0.05

CALLBACK_RATIO_MIN = 0.50
BATCH_RESULTS_PER_S_MIN = 20_000
VERIFY_BATCH_ROWS = 10


@dataclass
class Scenario:
    key: str
    label: str
    measured: Measured | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def result(self) -> LoadResult:
        if self.measured is None:
            raise BenchmarkError(f"{self.label}: not measured")
        return self.measured.result


@dataclass
class Company:
    guid: str
    api_key: str
    acknowledged: int = 0  # results the server answered as stored (SUCCESS / "stored")
    unconfirmed_bound: int = 0  # results possibly stored but never answered (wrk's in-flight)


@dataclass(frozen=True)
class Workload:
    """What is dialled: numbers, prospects' area codes, campaigns, dispositions."""

    anis: tuple[str, ...]  # 10 digits
    prospect_npas: tuple[str, ...]

    @classmethod
    def build(cls) -> Workload:
        us = us_area_codes()
        numbers = ani_numbers(spread(us, ANI_NPAS), ANI_COUNT)
        return cls(
            anis=tuple(n.replace(" ", "") for n in numbers),
            prospect_npas=tuple(spread(us, PROSPECT_NPAS)),
        )


def local_now_epoch(time_zone: str = TIME_ZONE) -> int:
    """The company's wall clock now, as seconds since 1970 read as UTC (for os.date("!..."))."""
    local = datetime.now(ZoneInfo(time_zone)).replace(tzinfo=None)
    return calendar.timegm(local.timetuple())


def callback_spec(path: str, guid: str, work: Workload) -> ScriptSpec:
    """Arguments of ingest_callback.lua (and of pyload.py's "callback" kind), in its order."""
    args = (
        path,
        guid,
        ",".join(CAMPAIGNS),
        ",".join(work.anis),
        ",".join(d["id"] for d in DISPOSITIONS),
        ",".join(UNKNOWN_DISPOS),
        repr(UNKNOWN_SHARE),
        ",".join(work.prospect_npas),
        str(local_now_epoch()),
        str(DAYS),
        str(AGENTS),
    )
    return ScriptSpec("callback", CALLBACK_SCRIPT, path, args)


def batch_spec(api_key: str, work: Workload, rows: int) -> dict[str, Any]:
    return {
        "path": "/dialer/results",
        "api_key": api_key,
        "rows": rows,
        "templates": 8,
        "campaigns": CAMPAIGNS,
        "anis": list(work.anis),
        "dispos": [d["id"] for d in DISPOSITIONS],
        "unknown_dispos": UNKNOWN_DISPOS,
        "unknown_share": UNKNOWN_SHARE,
        "npas": list(work.prospect_npas),
        "time_zone": TIME_ZONE,
        "days": DAYS,
        "agents": AGENTS,
    }


# Setup and checks


def set_up_company(port: int, company: Company, work: Workload) -> None:
    campaigns = [{"id": c, "name": f"Campaign {c}", "type": "Outbound"} for c in CAMPAIGNS]
    post_many(port, company.api_key, "/dialer/campaigns", campaigns)
    post_many(port, company.api_key, "/dialer/dispos", DISPOSITIONS)
    anis = [{"country_code": "+1", "number": n, "inbound_group_id": "g1"} for n in work.anis]
    post_many(port, company.api_key, "/dialer/anis", anis)


def verify_callback(port: int, company: Company, work: Workload) -> None:
    """A callback with a defined and one with an unknown disposition must answer SUCCESS."""
    when = datetime.now(ZoneInfo(TIME_ZONE)).strftime("%Y-%m-%d %H:%M:%S")
    for index, dispo in enumerate((DISPOSITIONS[0]["id"], UNKNOWN_DISPOS[0])):
        params = {
            SEED_COMPANY: company.guid,
            SEED_CAMPAIGN: CAMPAIGNS[0],
            SEED_AGENT: "agent1",
            SEED_ANI: work.anis[0],
            SEED_CALL_ID: f"verify-callback-{index}",
            SEED_DISPO: dispo,
            SEED_PHONE: f"{work.prospect_npas[0]}2345678",
            SEED_CALL_TIME: when,
            SEED_TYPE_OR_DURATION: "42",
        }
        status, body = request(port, "GET", f"{CALLBACK_PATH}?{urlencode(params)}")
        if (status, body) != (200, {"result": "SUCCESS"}):
            raise BenchmarkError(
                f"GET {CALLBACK_PATH} (dispo {dispo}) answered HTTP {status} {json.dumps(body)}; "
                'expected 200 {"result": "SUCCESS"}. Not timing a misbehaving endpoint.'
            )
        company.acknowledged += 1


def verify_batch(port: int, company: Company, work: Workload) -> None:
    spec = batch_spec(company.api_key, work, VERIFY_BATCH_ROWS)
    rows = _batch_rows(spec)
    status, body = request(
        port, "POST", "/dialer/results", {"results": rows}, {"X-ApiKey": company.api_key}
    )
    statuses = (
        [row.get("status") for row in body.get("results", [])] if isinstance(body, dict) else []
    )
    if status != 200 or statuses != ["stored"] * len(rows):
        raise BenchmarkError(
            f"POST /dialer/results ({len(rows)} rows) answered HTTP {status} "
            f"{json.dumps(body)[:600]}; expected every row stored. Not timing it."
        )
    company.acknowledged += len(rows)


def _batch_rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return build_rows(spec, random.Random(7), f"verify-batch-{time.time_ns()}")


# Loads


def batch_runner(port: int, spec: dict[str, Any], clients: int, cpu: int | None) -> LoadRunner:
    def load(duration_s: float) -> tuple[LoadResult, str]:
        command = [
            sys.executable,
            str(BATCHLOAD),
            "--port",
            str(port),
            "--duration",
            str(duration_s),
            "--clients",
            str(clients),
            "--spec",
            json.dumps(spec),
        ]
        command, preexec = pinned(command, cpu)
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=duration_s + 60 + LOAD_GRACE_S,
            preexec_fn=preexec,
            check=False,
        )
        output = done.stdout + done.stderr
        if done.returncode != 0:
            raise BenchmarkError(f"batchload.py exited with status {done.returncode}:\n{output}")
        raw = json.loads(done.stdout.strip().splitlines()[-1])
        failures = raw.pop("failures", [])
        for failure in failures:
            print(f"    failed batch or row: {failure}", file=sys.stderr)
        return LoadResult(**raw), output

    return load


def acknowledged(measured: Measured, *, batches: bool) -> int:
    """Results the server answered as stored over the warm-up and every measured run."""
    results = [r.result for r in measured.runs]
    if measured.warmup is not None:
        results.append(measured.warmup)
    if batches:
        return sum(r.items or 0 for r in results)
    return sum(r.requests - r.non_2xx for r in results)


# Consistency, read from the SQLite file itself


def consistency(db_path: Path, company: Company) -> dict[str, Any]:
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        row = connection.execute("SELECT id FROM companies WHERE guid = ?", (company.guid,))
        found = row.fetchone()
        if found is None:
            raise BenchmarkError(f"company {company.guid} not in {db_path}")
        company_id = found[0]

        def scalar(sql: str, *params: Any) -> int:
            value = connection.execute(sql, (company_id, *params)).fetchone()[0]
            return int(value or 0)

        rows = scalar("SELECT count(*) FROM dial_results WHERE company_id = ?")
        unmapped = scalar(
            "SELECT count(*) FROM dial_results WHERE company_id = ? AND disposition_id IS NULL"
        )
        dials = {
            dimension: scalar(
                "SELECT sum(dials) FROM daily_stats WHERE company_id = ? AND dimension = ?",
                dimension,
            )
            for dimension in ("ani", "campaign", "area")
        }
    finally:
        connection.close()
    low, high = company.acknowledged, company.acknowledged + company.unconfirmed_bound
    return {
        "rows": rows,
        "acknowledged": company.acknowledged,
        "allowed_unacknowledged": company.unconfirmed_bound,
        "rows_match": low <= rows <= high,
        "unmapped_dispo_rows": unmapped,
        "stats_dials": dials,
        # Every result counts once per ANI and per campaign; per area only with an area code.
        "stats_match": dials["ani"] == rows and dials["campaign"] == rows,
    }


# Report


def rate_text(scenario: Scenario) -> str:
    r = scenario.result
    if r.items_per_s is not None:
        return f"{r.items_per_s:,.0f} results/s ({r.requests_per_s:,.1f} batches/s)"
    return f"{r.requests_per_s:,.0f} requests/s"


def table(ceiling: Scenario, callback: Scenario, batch: Scenario) -> str:
    top = ceiling.result.requests_per_s
    rows = [
        "| scenario | throughput | p50 (ms) | p99 (ms) | errors / non-2xx | ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for scenario in (ceiling, callback, batch):
        r = scenario.result
        if r.items_per_s is not None:
            ratio = f"{r.items_per_s / BATCH_RESULTS_PER_S_MIN:.2f}x target"
        else:
            ratio = f"{r.requests_per_s / top:.0%} of ceiling" if top else "-"
        rows.append(
            f"| {scenario.label} | {rate_text(scenario)} | {r.p50_ms:.2f} | {r.p99_ms:.2f} "
            f"| {r.socket_errors} / {r.non_2xx} | {ratio} |"
        )
    return "\n".join(rows)


def evaluate(
    ceiling: Scenario, callback: Scenario, batch: Scenario, checks: Mapping[str, dict[str, Any]]
) -> list[Target]:
    top = ceiling.result.requests_per_s
    ratio = callback.result.requests_per_s / top if top else 0.0
    results_per_s = batch.result.items_per_s or 0.0
    detail = batch.result.item_detail or {}
    not_stored = sum(detail.get(s, 0) for s in ("duplicate", "updated", "error"))
    errors = sum(s.result.errors for s in (ceiling, callback, batch))
    targets = [
        Target(
            f"callback requests/s >= {CALLBACK_RATIO_MIN:.0%} of the ceiling",
            f"{ratio:.0%}",
            f">= {CALLBACK_RATIO_MIN:.0%}",
            ratio >= CALLBACK_RATIO_MIN,
        ),
        Target(
            f"batches >= {BATCH_RESULTS_PER_S_MIN:,} results/s",
            f"{results_per_s:,.0f}",
            f">= {BATCH_RESULTS_PER_S_MIN:,}",
            results_per_s >= BATCH_RESULTS_PER_S_MIN,
        ),
        Target(
            "no socket errors, no non-2xx answers, every batch row stored",
            f"{errors} / {not_stored} rows",
            "0 / 0",
            errors == 0 and not_stored == 0,
        ),
    ]
    for name, check in checks.items():
        slack = (
            f" (+ up to {check['allowed_unacknowledged']:,} unanswered)"
            if check["allowed_unacknowledged"]
            else ""
        )
        targets.append(
            Target(
                f"{name}: rows in dial_results = results acknowledged{slack}",
                f"{check['rows']:,} = {check['acknowledged']:,}",
                "equal",
                check["rows_match"],
            )
        )
        targets.append(
            Target(
                f"{name}: dials in daily_stats (per ANI, per campaign) = rows",
                f"{check['stats_dials']['ani']:,}, {check['stats_dials']['campaign']:,}",
                f"{check['rows']:,}",
                check["stats_match"],
            )
        )
    return targets


def run_lines(scenario: Scenario) -> list[str]:
    measured = scenario.measured
    assert measured is not None
    lines = [f"- {scenario.label}: {cpu_text(measured.cpu)}"] if measured.cpu else []
    if len(measured.runs) > 1:
        parts = []
        for index, run in enumerate(measured.runs, 1):
            verdict = (
                "clean" if run.clean else "DISTURBED (" + "; ".join(disturbances(run.cpu)) + ")"
            )
            parts.append(f"run {index}: {run.result.rate:,.0f} ({verdict})")
        lines.append("  - each run (the median counts): " + ", ".join(parts))
    elif measured.cpu:
        lines.append("  - the run was " + ("clean" if measured.runs[0].clean else "DISTURBED"))
    return lines


def report(
    scenarios: Sequence[Scenario],
    targets: Sequence[Target],
    checks: Mapping[str, dict[str, Any]],
    config: RunConfig,
    batch_clients: int,
    source: dict[str, Any],
) -> str:
    ceiling, callback, batch = scenarios
    lines = [
        f"## Dial-results ingestion benchmark ({config.duration_s:.0f} s per scenario, "
        f"callback: {config.connections} connections, load: {config.tool}; batches: "
        f"{batch_clients} clients; SQLite)",
        "",
        table(ceiling, callback, batch),
        "",
        *targets_table(targets),
        "",
        f"Overall: **{'PASS' if all(t.passed for t in targets) else 'FAIL'}**",
        "",
    ]
    for name, check in checks.items():
        share = check["unmapped_dispo_rows"] / check["rows"] if check["rows"] else 0.0
        lines.append(
            f"- {name}: {check['rows']:,} rows in dial_results, {check['acknowledged']:,} "
            f"acknowledged; {check['unmapped_dispo_rows']:,} ({share:.1%}) with an undefined "
            f"disposition; dials in daily_stats per ANI / campaign / area: "
            f"{check['stats_dials']['ani']:,} / {check['stats_dials']['campaign']:,} / "
            f"{check['stats_dials']['area']:,}"
        )
    detail = batch.result.item_detail or {}
    if detail:
        lines.append(
            "- batch rows in the median run: "
            + ", ".join(f"{name} {count:,}" for name, count in detail.items())
        )
    warnings: list[str] = []
    for scenario in scenarios:
        lines += run_lines(scenario)
        if scenario.measured and scenario.measured.cpu:
            warnings += cpu_warnings(
                scenario.label, scenario.measured.cpu, ceiling=scenario.key == "ceiling"
            )
    lines += [f"- WARNING: {warning}" for warning in warnings]
    lines += run_notes(config, source)
    return "\n".join(lines)


# Main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of load before it")
    parser.add_argument(
        "--connections", type=int, default=32, help="keep-alive connections (ceiling, callback)"
    )
    parser.add_argument("--batch-clients", type=int, default=4, help="concurrent batch clients")
    parser.add_argument("--batch-rows", type=int, default=1000, help="results per batch")
    parser.add_argument(
        "--repeat", type=int, default=1, help="measured runs per scenario; the median counts"
    )
    parser.add_argument("--json", type=Path, default=None, metavar="PATH", help="write results")
    parser.add_argument(
        "--load",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="callback load generator; auto: wrk when installed, else the Python fallback",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--verbose", action="store_true", help="print the generators' output")
    args = parser.parse_args(argv)
    if args.duration < 1 or args.duration > 300:
        parser.error("--duration must be within 1..300 seconds")
    if args.warmup < 0 or args.warmup > 60:
        parser.error("--warmup must be within 0..60 seconds")
    if args.repeat < 1 or args.repeat > 9:
        parser.error("--repeat must be within 1..9")
    if args.connections < 1 or args.connections > 1000:
        parser.error("--connections must be within 1..1000")
    if args.batch_clients < 1 or args.batch_clients > 64:
        parser.error("--batch-clients must be within 1..64")
    if args.batch_rows < 1 or args.batch_rows > 1000:
        parser.error("--batch-rows must be within 1..1000 (the API's batch limit)")
    return args


def run(args: argparse.Namespace) -> int:
    server_cpu, load_cpu = choose_cpus()
    config = RunConfig(
        tool=choose_tool(args.load),
        duration_s=args.duration,
        warmup_s=args.warmup,
        connections=args.connections,
        server_cpu=server_cpu,
        load_cpu=load_cpu,
        repeat=args.repeat,
        verbose=args.verbose,
    )
    batch_config = dataclasses.replace(config, tool="batchload.py", connections=args.batch_clients)
    machine = machine_info()
    source = source_state()
    print(
        f"machine: {machine['cpu_model']}, {machine['cpus']} CPUs, Python {machine['python']}, "
        f"wrk: {machine['wrk']}",
        file=sys.stderr,
    )
    if server_cpu is None:
        print("warning: fewer than 2 usable CPUs, running unpinned", file=sys.stderr)
    work = Workload.build()
    ceiling = Scenario("ceiling", "ceiling: Starlette hello-world, same GETs")
    callback = Scenario("callback", "seed callback GET, a new call id each")
    batch = Scenario(
        "batch",
        f"POST /dialer/results, {args.batch_rows:,} rows a batch, {args.batch_clients} clients",
    )
    workdir = Path(tempfile.mkdtemp(prefix="openani-bench-ingest-"))
    db_path = workdir / "ingest.db"
    url = f"sqlite:///{db_path}"
    ok = False
    try:
        with step(f"creating two companies in {url}"):
            cb_keys = create_company_keys(url, f"bench-callback-{time.time():.0f}")
            bt_keys = create_company_keys(url, f"bench-batch-{time.time():.0f}")
        cb_company = Company(cb_keys["company_guid"], cb_keys["api_key"])
        bt_company = Company(bt_keys["company_guid"], bt_keys["api_key"])

        print(f"\n[{ceiling.label}]", file=sys.stderr)
        with hello_server(workdir, config.server_cpu) as hello:
            spec = callback_spec("/", cb_company.guid, work)
            ceiling.measured = measure_runs(
                hello, wrk_runner(config.tool, hello.port, spec, config), config
            )

        with openani_server(url, workdir, "openani-ingest", config.server_cpu) as s:
            print(f"\n[{callback.label}]", file=sys.stderr)
            with step(f"creating campaigns, dispositions, {ANI_COUNT} ANIs per company via HTTP"):
                set_up_company(s.port, cb_company, work)
                set_up_company(s.port, bt_company, work)
            with step("checking the callback answers SUCCESS"):
                verify_callback(s.port, cb_company, work)
            spec = callback_spec(CALLBACK_PATH, cb_company.guid, work)
            callback.measured = measure_runs(
                s, wrk_runner(config.tool, s.port, spec, config), config
            )
            cb_company.acknowledged += acknowledged(callback.measured, batches=False)
            runs = len(callback.measured.runs) + (callback.measured.warmup is not None)
            cb_company.unconfirmed_bound = config.connections * runs

            print(f"\n[{batch.label}]", file=sys.stderr)
            with step(f"checking a {VERIFY_BATCH_ROWS}-row batch is stored"):
                verify_batch(s.port, bt_company, work)
            runner = batch_runner(
                s.port,
                batch_spec(bt_company.api_key, work, args.batch_rows),
                args.batch_clients,
                config.load_cpu,
            )
            batch.measured = measure_runs(s, runner, batch_config)
            bt_company.acknowledged += acknowledged(batch.measured, batches=True)

        with step("counting rows in the SQLite file (sqlite3)"):
            checks = {
                "callback": consistency(db_path, cb_company),
                "batches": consistency(db_path, bt_company),
            }
        ok = True
    finally:
        if ok and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"temporary files (server logs, database) kept in {workdir}", file=sys.stderr)

    scenarios = [ceiling, callback, batch]
    targets = evaluate(ceiling, callback, batch, checks)
    print()
    print(report(scenarios, targets, checks, config, args.batch_clients, source))
    passed = all(t.passed for t in targets)
    if args.json is not None:
        write_json(args.json, scenarios, targets, checks, config, args, machine, source, passed)
        print(f"\nresults written to {args.json}", file=sys.stderr)
    return 0 if passed else 1


def write_json(
    path: Path,
    scenarios: Sequence[Scenario],
    targets: Sequence[Target],
    checks: Mapping[str, dict[str, Any]],
    config: RunConfig,
    args: argparse.Namespace,
    machine: dict[str, Any],
    source: dict[str, Any],
    passed: bool,
) -> None:
    def runs(scenario: Scenario) -> list[dict[str, Any]]:
        assert scenario.measured is not None
        return [
            {**run.result.as_dict(), "cpu": run.cpu, "clean": run.clean}
            for run in scenario.measured.runs
        ]

    document = {
        "benchmark": "dial-results ingestion",
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "source": source,
        "config": {
            "load_generator": config.tool,
            "duration_s": config.duration_s,
            "warmup_s": config.warmup_s,
            "connections": config.connections,
            "batch_clients": args.batch_clients,
            "batch_rows": args.batch_rows,
            "repeat": config.repeat,
            "server_cpu": config.server_cpu,
            "load_cpu": config.load_cpu,
            "database": "sqlite (fresh file)",
            "unknown_dispo_share": UNKNOWN_SHARE,
        },
        "scenarios": [
            {
                "key": s.key,
                "label": s.label,
                **s.result.as_dict(),
                "cpu": s.measured.cpu if s.measured else {},
                "runs": runs(s),
                **s.notes,
            }
            for s in scenarios
        ],
        "consistency": checks,
        "targets": [
            {"name": t.name, "measured": t.value, "threshold": t.threshold, "pass": t.passed}
            for t in targets
        ],
        "pass": passed,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except (BenchmarkError, ServerFailed) as exc:
        print(f"\nbenchmark aborted: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())

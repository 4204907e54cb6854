"""Play the issue-5 simulator against a live ``openani serve --simulated-clock`` over HTTP.

    .venv/bin/python -m benchmarks.sim.live --scenario baseline --days 3 --calls-per-day 500 \\
        --strategy highest_contact_rate[,area_code,...] [--seed 0] [--daily-cap N --cap-mode M]

The world, the prospects, the answer draws and the hidden reputation are exactly those of
``run.simulate()``; only the choice of the caller ID moves to the server: every call asks
``POST /dialer/next`` (with ``X-Simulated-Time``), the answer is drawn from the world for the
number the server named, and the outcome goes back through ``POST /dialer/results``. Setup uses
the API only (plus ``openani company create`` for the company and its key): company time zone,
an Outbound campaign whose ``default_assignment_type`` is the strategy under test (any string,
validated by the server), a contact disposition (category ``human``) and a no-answer one
(category ``no_answer``), and every ANI of the world (a number the API refuses stops the run).

Simulated time: business day ``d`` of the simulator (``run.business_time``, weekends skipped)
is mapped onto the calendar from Monday ``EPOCH`` (2026-01-05) in America/New_York, so calls
land on weekdays between 08:00 and 18:00 local time.

Deliberate approximation: results are posted in batches (``batch``, default 100, and always at
the end of a day), not one by one after each call, so a learner on the server sees the outcome
of a call up to ``batch - 1`` calls late. A real dialer reports a result when the call ends,
long after the next calls were placed, so the server never had instant feedback anyway.

After the run the driver reads ``GET /dialer/stats/anis`` over the simulated dates and checks
that the server counted exactly the dials and contacts it reported (total, per ANI, and the
assignments of each simulated day per ANI).

Each strategy runs in a company of its own on one server, so runs never share counters or
contact-rate evidence. ``/dialer/anis/health-check`` is called at the start of each simulated day
when the server has it (404/405: skipped).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import phonenumbers

from .run import CALLING_SECONDS, DAY_START, RunResult, business_time, simulate, table
from .world import (
    HOURS_PER_DAY,
    Ani,
    Reputation,
    Scenario,
    World,
    build_world,
    draw_scenario,
    scenarios,
)

TIME_ZONE = "America/New_York"
EPOCH = datetime(2026, 1, 5)  # a Monday; business day 0 starts here (local midnight)
SIMULATED_TIME = "X-Simulated-Time"
CONTACT_DISPO = "sim-contact"
NO_ANSWER_DISPO = "sim-no-answer"
INBOUND_GROUP = "sim"
MAX_PHONE_TRIES = 1000
READY_TIMEOUT_S = 60.0


class LiveError(RuntimeError):
    """The live run cannot go on: the server refused setup or answered something unexpected."""


# Simulated time on the calendar


def local_time(seconds: float) -> datetime:
    """Simulator seconds (``business_time(day) + offset``) as an aware New York wall-clock time."""
    return (EPOCH + timedelta(seconds=seconds)).replace(tzinfo=ZoneInfo(TIME_ZONE))


def day_date(day: int) -> date:
    return local_time(business_time(day)).date()


# HTTP: one keep-alive connection


class Api:
    """JSON over one persistent ``http.client`` connection, with the company's API key."""

    def __init__(self, base_url: str, api_key: str, timeout_s: float = 30.0) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or parts.hostname is None:
            raise ValueError(f"base_url must be http://host:port, got {base_url!r}")
        self._host = parts.hostname
        self._port = parts.port or 80
        self._timeout = timeout_s
        self._headers = {"X-ApiKey": api_key, "Content-Type": "application/json"}
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, Any]:
        target = f"{path}?{urlencode(query)}" if query else path
        payload = json.dumps(body).encode() if body is not None else None
        all_headers = {**self._headers, **(headers or {})}
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(
                    self._host, self._port, timeout=self._timeout
                )
            try:
                self._conn.request(method, target, body=payload, headers=all_headers)
                response = self._conn.getresponse()
                raw = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection the server closed while idle: reconnect once.
                self.close()
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                self.close()
            try:
                return response.status, json.loads(raw) if raw else None
            except ValueError:
                return response.status, raw.decode(errors="replace")
        raise AssertionError("unreachable")

    def expect(self, status: int, method: str, path: str, body: Any = None, **kw: Any) -> Any:
        got, answer = self.call(method, path, body, **kw)
        if got != status:
            raise LiveError(
                f"{method} {path} {json.dumps(body)[:300]}: expected HTTP {status}, "
                f"got {got} {json.dumps(answer)[:600]}"
            )
        return answer


# Setup through the API


def national(number: str) -> str:
    """The world's E.164 ``+1NXXNXXXXXX`` as the API stores it: ten digits."""
    if not (number.startswith("+1") and len(number) == 12 and number[2:].isdigit()):
        raise LiveError(f"world number {number!r} is not a +1 E.164 number")
    return number[2:]


def campaign_body(
    campaign_id: str,
    strategy: str,
    daily_cap: int | None,
    hourly_cap: int | None,
    cap_mode: str | None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": campaign_id,
        "name": f"Simulation {strategy}",
        "type": "Outbound",
        "default_assignment_type": strategy,  # validated by the server, whatever it is
    }
    for name, value in (("daily_cap", daily_cap), ("hourly_cap", hourly_cap)):
        if value is not None:
            body[name] = value
    if cap_mode is not None:
        body["cap_mode"] = cap_mode
    return body


DISPOSITIONS: tuple[dict[str, Any], ...] = (
    {"id": CONTACT_DISPO, "name": "Sim Contact", "type": "Agent", "contact": True,
     "success": False, "category": "human"},
    {"id": NO_ANSWER_DISPO, "name": "Sim No Answer", "type": "System", "contact": False,
     "success": False, "category": "no_answer"},
)  # fmt: skip


def set_up(
    api: Api,
    world: World,
    campaign: Mapping[str, Any],
) -> dict[str, Ani]:
    """Company settings, campaign, dispositions and every ANI; the ANIs by national number."""
    settings = api.expect(200, "PUT", "/dialer/settings", {"time_zone": TIME_ZONE})
    if settings.get("time_zone") != TIME_ZONE:
        raise LiveError(f"company time zone not set: {settings}")
    api.expect(201, "POST", "/dialer/campaigns", dict(campaign))
    for dispo in DISPOSITIONS:
        api.expect(201, "POST", "/dialer/dispos", dispo)
    by_number: dict[str, Ani] = {}
    for ani in world.anis:
        number = national(ani.number)
        if number in by_number:
            raise LiveError(f"the world holds {ani.number} twice")
        body = {"country_code": "+1", "number": number, "inbound_group_id": INBOUND_GROUP}
        created = api.expect(201, "POST", "/dialer/anis", body)
        if created.get("number") != number:
            raise LiveError(f"ANI {ani.number} stored as {created.get('number')!r}")
        by_number[number] = ani
    return by_number


# Prospects


def prospect_phones(seed: int, day: int, npas: Sequence[str]) -> list[str]:
    """One valid ten-digit number per call, inside its region's area code; deterministic.

    Exchanges 200-999 except N11 and 555; a number ``phonenumbers`` calls invalid is redrawn
    from the same stream, so the result depends on (seed, day, npas) only.
    """
    rng = random.Random(f"{seed}:live-phones:{day}")
    phones: list[str] = []
    for npa in npas:
        for _ in range(MAX_PHONE_TRIES):
            exchange = rng.randint(200, 999)
            line = rng.randint(0, 9999)
            if exchange % 100 == 11 or exchange == 555:
                continue
            text = f"{npa}{exchange}{line:04d}"
            if phonenumbers.is_valid_number(phonenumbers.parse("+1" + text)):
                phones.append(text)
                break
        else:
            raise LiveError(f"no valid prospect number found in area code {npa}")
    return phones


# The run


@dataclass
class LiveRun:
    """A live run: the simulator's figures, what the server answered, and the cross-check."""

    result: RunResult
    strategy: str
    days: list[date]
    refused: int = 0  # 404 no_available_ani (strict caps): no call placed
    over_cap: int = 0  # answers flagged over_cap (soft caps)
    fallbacks: int = 0
    matches: Counter[str] = field(default_factory=Counter)
    result_statuses: Counter[str] = field(default_factory=Counter)
    health_checks: int = 0  # health-check calls the server accepted (0: endpoint absent)
    health_signals: int = 0  # burned-number signals over those calls
    health_changes: int = 0  # status changes they made (rests, probations, returns)
    # The driver's own counts, by national number.
    dials: Counter[str] = field(default_factory=Counter)
    contacts: Counter[str] = field(default_factory=Counter)
    daily_dials: list[Counter[str]] = field(default_factory=list)
    daily_refused: list[int] = field(default_factory=list)
    # What the server reports in /dialer/stats/anis.
    server_dials: Counter[str] = field(default_factory=Counter)
    server_contacts: Counter[str] = field(default_factory=Counter)
    server_daily_assigned: list[Counter[str]] = field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def total_server_dials(self) -> int:
        return sum(self.server_dials.values())

    @property
    def total_server_contacts(self) -> int:
        return sum(self.server_contacts.values())

    def mismatches(self) -> list[str]:
        """Every difference between the driver's counts and the server's; empty: consistent."""
        found: list[str] = []
        for number in sorted(set(self.dials) | set(self.server_dials)):
            mine = (self.dials[number], self.contacts[number])
            theirs = (self.server_dials[number], self.server_contacts[number])
            if mine != theirs:
                found.append(f"{number}: driver dials/contacts {mine}, server {theirs}")
        for day, mine_day, theirs_day in zip(
            self.days, self.daily_dials, self.server_daily_assigned, strict=True
        ):
            for number in sorted(set(mine_day) | set(theirs_day)):
                if mine_day[number] != theirs_day[number]:
                    found.append(
                        f"{day} {number}: driver got it {mine_day[number]} times, "
                        f"server counts {theirs_day[number]} assignments"
                    )
        return found

    def summary(self) -> str:
        r = self.result
        ok = "equal" if not self.mismatches() else f"{len(self.mismatches())} MISMATCHES"
        health = (
            f"health checks {self.health_checks} ({self.health_signals} signals, "
            f"{self.health_changes} status changes)"
            if self.health_checks
            else "no health-check endpoint"
        )
        return (
            f"{r.scenario} {self.strategy}: {r.calls} calls, {r.contacts} contacts "
            f"({100 * r.contact_rate:.2f}%), labelled share {100 * r.labelled_share:.2f}%, "
            f"{r.labels} labels; refused {self.refused}, over_cap {self.over_cap}, "
            f"fallbacks {self.fallbacks}; server stats: {self.total_server_dials} dials, "
            f"{self.total_server_contacts} contacts ({ok}); {health}; {self.elapsed_s:.1f} s"
        )


def simulate_live(
    scenario: Scenario,
    seed: int,
    strategy: str,
    *,
    base_url: str,
    api_key: str,
    campaign_id: str = "sim",
    daily_cap: int | None = None,
    hourly_cap: int | None = None,
    cap_mode: str | None = None,
    batch: int = 100,
) -> LiveRun:
    """Play ``scenario`` for ``seed`` through the server, in a company of its own (``api_key``).

    The company must be fresh: its inventory, counters and statistics are the run's.
    """
    if not 1 <= batch <= 1000:
        raise ValueError("batch must be 1-1000")
    started = time.perf_counter()
    world = build_world(seed, scenario)
    rep = Reputation(world)
    n = scenario.calls_per_day
    per_hour = -(-n // HOURS_PER_DAY)
    step = CALLING_SECONDS / n
    calls = contacts = labelled_calls = labels = 0
    days = [day_date(d) for d in range(scenario.days)]
    run = LiveRun(RunResult(f"live:{strategy}", scenario.name, seed, 0, 0, 0, 0), strategy, days)
    with Api(base_url, api_key) as api:
        by_number = set_up(
            api, world, campaign_body(campaign_id, strategy, daily_cap, hourly_cap, cap_mode)
        )
        pending: list[dict[str, Any]] = []

        def flush() -> None:
            if not pending:
                return
            answer = api.expect(200, "POST", "/dialer/results", {"results": pending})
            rows = answer["results"]
            if len(rows) != len(pending):
                raise LiveError(f"{len(pending)} results sent, {len(rows)} acknowledged")
            for sent, row in zip(pending, rows, strict=True):
                run.result_statuses[row["status"]] += 1
                if row["status"] != "stored" or row["call_id"] != sent["call_id"]:
                    raise LiveError(f"result {sent} not stored: {row}")
            pending.clear()

        health_available = True
        for day in range(scenario.days):
            before = len(rep.labelled_on)
            rep.start_day(day)
            labels += max(0, len(rep.labelled_on) - before)
            t0 = business_time(day) + DAY_START
            if health_available:
                checked = _health_check(api, local_time(t0))
                health_available = checked is not None
                if checked is not None:
                    run.health_checks += 1
                    run.health_signals += len(checked.get("signals") or ())
                    run.health_changes += len(checked.get("changes") or ())
            prospects = world.prospects_for_day(day)
            draws = world.answer_draws_for_day(day)
            phones = prospect_phones(seed, day, [r.npa for r in prospects])
            durations = random.Random(f"{seed}:live-durations:{day}")
            today: Counter[str] = Counter()
            run.daily_dials.append(today)
            run.daily_refused.append(0)
            for i in range(n):
                if i and i % per_hour == 0:
                    before = len(rep.labelled_on)
                    rep.end_hour(day)
                    labels += len(rep.labelled_on) - before
                region = prospects[i]
                moment = local_time(t0 + i * step)
                status, answer = api.call(
                    "POST",
                    "/dialer/next",
                    {"outbound_campaign": campaign_id, "prospect_phone": phones[i]},
                    headers={SIMULATED_TIME: moment.isoformat()},
                )
                if status == 404 and _error_code(answer) == "no_available_ani":
                    run.refused += 1
                    run.daily_refused[-1] += 1
                    continue
                if status != 200:
                    raise LiveError(f"/dialer/next at {moment}: HTTP {status} {answer}")
                number = answer["ani"]
                ani = by_number.get(number)
                if ani is None or answer.get("country_code") != "+1":
                    raise LiveError(f"/dialer/next named a number not in the inventory: {answer}")
                run.over_cap += bool(answer.get("over_cap"))
                run.fallbacks += bool(answer.get("fallback"))
                run.matches[str(answer.get("match"))] += 1
                is_labelled = ani.ani_id in rep.labelled
                answered = draws[i] < world.answer_probability(ani, region, is_labelled)
                rep.record_dial(ani.ani_id)
                calls += 1
                contacts += answered
                labelled_calls += is_labelled
                today[number] += 1
                run.dials[number] += 1
                run.contacts[number] += answered
                duration = durations.randint(5, 600) if answered else 0
                pending.append(
                    {
                        "call_id": f"{campaign_id}-{day}-{i}",
                        "campaign_id": campaign_id,
                        "ani": number,
                        "dispo": CONTACT_DISPO if answered else NO_ANSWER_DISPO,
                        "prospect_phone": phones[i],
                        "call_datetime": moment.strftime("%Y-%m-%d %H:%M:%S"),
                        "call_type": "Outbound",
                        "duration_s": duration,
                    }
                )
                if len(pending) >= batch:
                    flush()
            flush()  # the day's results are in before the next day's health check
            before = len(rep.labelled_on)
            rep.end_hour(day)
            labels += len(rep.labelled_on) - before
            rep.end_day()
        run.result = RunResult(
            f"live:{strategy}", scenario.name, seed, calls, contacts, labelled_calls, labels
        )
        _read_server_counts(api, run)
    run.elapsed_s = time.perf_counter() - started
    return run


def _error_code(answer: Any) -> Any:
    error = answer.get("error") if isinstance(answer, dict) else None
    return error.get("code") if isinstance(error, dict) else None


def _health_check(api: Api, moment: datetime) -> dict[str, Any] | None:
    """Burned-number detection on simulated time; None when the server has no such endpoint."""
    status, answer = api.call(
        "POST", "/dialer/anis/health-check", {}, headers={SIMULATED_TIME: moment.isoformat()}
    )
    if status in (404, 405):
        return None
    if not 200 <= status < 300:
        raise LiveError(f"/dialer/anis/health-check at {moment}: HTTP {status} {answer}")
    return answer if isinstance(answer, dict) else {}


def _ani_stats(api: Api, start: date, end: date) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    query = {"from": start.isoformat(), "to": end.isoformat(), "limit": "1000"}
    while True:
        page = api.expect(200, "GET", "/dialer/stats/anis", query=query)
        items += page["items"]
        if not page["next_cursor"]:
            return items
        query = {**query, "cursor": page["next_cursor"]}


def _read_server_counts(api: Api, run: LiveRun) -> None:
    if not run.days:
        return
    for row in _ani_stats(api, run.days[0], run.days[-1]):
        if row["dials"] or row["contacts"]:
            run.server_dials[row["number"]] = row["dials"]
            run.server_contacts[row["number"]] = row["contacts"]
    for day in run.days:
        assigned: Counter[str] = Counter()
        for row in _ani_stats(api, day, day):
            if row["assigned"]:
                assigned[row["number"]] = row["assigned"]
        run.server_daily_assigned.append(assigned)


# A server of its own: temp SQLite, no rate limits, --simulated-clock


def openani_command() -> list[str]:
    script = Path(sys.executable).with_name("openani")
    return [str(script)] if script.exists() else [sys.executable, "-m", "openani.cli"]


def _free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    base_url: str
    database_url: str
    log_path: Path
    env: dict[str, str]

    def new_company(self, name: str) -> str:
        """A fresh company through ``openani company create --json``; its API key."""
        command = [*openani_command(), "company", "create", name, "--json"]
        command += ["--database-url", self.database_url]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=120, check=False, env=self.env
        )
        if done.returncode != 0:
            raise LiveError(f"openani company create failed:\n{done.stdout}{done.stderr}")
        created: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
        return created["api_key"]

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


@contextmanager
def live_server(workdir: Path | None = None) -> Iterator[LiveServer]:
    """``openani serve --simulated-clock`` on a temp SQLite database, rate limits off."""
    with tempfile.TemporaryDirectory(prefix="openani-live-") as tmp:
        root = workdir or Path(tmp)
        database_url = f"sqlite:///{root / 'openani.db'}"
        env = {**os.environ, "OPENANI_RATE_PER_KEY": "0", "OPENANI_RATE_PER_GUID": "0"}
        port = _free_port()
        log_path = root / "server.log"
        command = [*openani_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--database-url", database_url, "--simulated-clock"]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env
            )
        server = LiveServer(f"http://127.0.0.1:{port}", database_url, log_path, env)
        try:
            _wait_ready(process, port, server)
            yield server
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)


def _wait_ready(process: subprocess.Popen[bytes], port: int, server: LiveServer) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LiveError(f"server exited ({process.returncode}):\n{server.log_tail()}")
        with suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                conn.request("GET", "/readyz")
                response = conn.getresponse()
                if response.status == 200:
                    return
                last = f"HTTP {response.status} {response.read()[:300]!r}"
            finally:
                conn.close()
        time.sleep(0.05)
    raise LiveError(
        f"server not ready in {READY_TIMEOUT_S:.0f} s (/readyz: {last}):\n{server.log_tail()}"
    )


def run_strategies(
    scenario: Scenario,
    seed: int,
    strategies: Sequence[str],
    **options: Any,
) -> list[LiveRun]:
    """Each strategy in a company of its own, on one fresh server."""
    runs: list[LiveRun] = []
    with live_server() as server:
        for strategy in strategies:
            key = server.new_company(f"live {strategy}")
            runs.append(
                simulate_live(
                    scenario, seed, strategy, base_url=server.base_url, api_key=key, **options
                )
            )
    return runs


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--scenario", default="baseline")
    ap.add_argument(
        "--world", type=int, default=None, help="a drawn world of the family instead of --scenario"
    )
    ap.add_argument("--days", type=int, default=3, help="business days")
    ap.add_argument("--calls-per-day", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--strategy",
        default="highest_contact_rate",
        help="comma-separated campaign default_assignment_type values (the server validates)",
    )
    ap.add_argument("--daily-cap", type=int, default=None, help="campaign daily cap per ANI")
    ap.add_argument("--hourly-cap", type=int, default=None, help="campaign hourly cap per ANI")
    ap.add_argument("--cap-mode", choices=("soft", "strict"), default=None)
    ap.add_argument("--batch", type=int, default=100, help="results per POST /dialer/results")
    ap.add_argument(
        "--reference",
        default="oracle",
        help="in-process policies to print alongside (comma-separated; empty: none)",
    )
    args = ap.parse_args(argv)

    available = scenarios(args.days, args.calls_per_day)
    if args.world is not None:
        scenario = draw_scenario(args.world, args.days, args.calls_per_day)
    elif args.scenario not in available:
        ap.error(f"unknown scenario {args.scenario!r}; choose from {', '.join(available)}")
    else:
        scenario = available[args.scenario]
    strategies = [s for s in args.strategy.split(",") if s]
    references = [p for p in args.reference.split(",") if p]

    runs = run_strategies(
        scenario, args.seed, strategies, daily_cap=args.daily_cap, hourly_cap=args.hourly_cap,
        cap_mode=args.cap_mode, batch=args.batch,
    )  # fmt: skip
    in_process = [simulate(scenario, args.seed, p) for p in references]
    results = [*in_process, *(r.result for r in runs)]
    print(
        f"{scenario.name}: {args.days} business days x {args.calls_per_day} calls/day, "
        f"seed {args.seed}; {scenario.n_regions} regions; pool {scenario.n_anis} ANIs; "
        f"live through HTTP (results in batches of {args.batch})\n"
    )
    print(table(results, [*references, *(r.result.policy for r in runs)], [scenario.name]))
    print()
    failed = False
    for run in runs:
        print(run.summary())
        for line in run.mismatches()[:20]:
            failed = True
            print(f"  mismatch: {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

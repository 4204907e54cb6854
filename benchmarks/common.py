"""Shared machinery of the benchmarks: pinned server subprocesses, load generators, results.

Everything here talks to 127.0.0.1 only, and every load run is bounded in time: wrk by its own
``-d``, the Python fallback by its deadline, and both by a subprocess timeout on top.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"
WRK_SCRIPT = BENCH_DIR / "next_ani.lua"
PYLOAD = BENCH_DIR / "pyload.py"
# Seconds a load run may exceed its own duration before it is killed.
LOAD_GRACE_S = 30.0


# CPU pinning


def cpus_available() -> set[int]:
    try:
        return set(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return set(range(os.cpu_count() or 1))


def pinned(command: Sequence[str], cpu: int | None) -> tuple[list[str], Callable[[], None] | None]:
    """The command (prefixed with ``taskset -c CPU`` when available) and a pre-exec fallback."""
    if cpu is None:
        return list(command), None
    taskset = shutil.which("taskset")
    if taskset:
        return [taskset, "-c", str(cpu), *command], None

    def set_affinity() -> None:
        os.sched_setaffinity(0, {cpu})

    return list(command), set_affinity if hasattr(os, "sched_setaffinity") else None


# Servers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


class ServerFailed(RuntimeError):
    pass


# Benchmarks measure throughput, not the per-key rate limits that protect production servers;
# servers started here inherit this environment.
os.environ.setdefault("OPENANI_RATE_PER_KEY", "0")
os.environ.setdefault("OPENANI_RATE_PER_GUID", "0")


@dataclass
class Server:
    """A server subprocess on 127.0.0.1; ended (by its own pid) when the context exits."""

    name: str
    command: list[str]
    port: int
    ready_path: str
    log_path: Path
    cpu: int | None
    env: Mapping[str, str] | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def __enter__(self) -> Server:
        command, preexec = pinned(self.command, self.cpu)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=preexec,
                env=dict(self.env) if self.env is not None else None,
            )
        try:
            self._wait_ready(timeout_s=60.0)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def _wait_ready(self, timeout_s: float) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerFailed(
                    f"{self.name} exited with status {self.process.returncode} before it was "
                    f"ready; its log ({self.log_path}):\n{self.log_tail()}"
                )
            try:
                status, _body = request(self.port, "GET", self.ready_path, timeout_s=2.0)
            except OSError:
                time.sleep(0.1)
                continue
            if status == 200:
                return
            time.sleep(0.1)
        raise ServerFailed(f"{self.name} not ready after {timeout_s:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# Plain HTTP for setup and checks (http.client: one connection per call is fine here)


def request(
    port: int,
    method: str,
    path: str,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
    timeout_s: float = 10.0,
) -> tuple[int, Any]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout_s)
    try:
        return send(conn, method, path, body, headers)
    finally:
        conn.close()


def send(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
) -> tuple[int, Any]:
    """One request on a (keep-alive) connection; the body decoded as JSON when it is JSON."""
    all_headers = dict(headers or {})
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        all_headers.setdefault("Content-Type", "application/json")
    conn.request(method, path, body=payload, headers=all_headers)
    response = conn.getresponse()
    raw = response.read()
    try:
        decoded: Any = json.loads(raw) if raw else None
    except ValueError:
        decoded = raw.decode(errors="replace")
    return response.status, decoded


# Load generation


@dataclass
class LoadResult:
    tool: str
    duration_s: float
    requests: int
    requests_per_s: float
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non_2xx: int
    socket_errors: int
    error_detail: dict[str, int]
    # Batch loads (many items per request): items acknowledged, and per second.
    items: int | None = None
    items_per_s: float | None = None
    item_detail: dict[str, int] | None = None

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors

    @property
    def rate(self) -> float:
        """The figure runs are ranked by: items/s for batch loads, else requests/s."""
        return self.items_per_s if self.items_per_s is not None else self.requests_per_s

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LoadSpec:
    """What the load generator sends: POST ``path`` with a JSON body whose prospect_phone varies.

    ``local_npas`` are area codes the inventory has numbers in; a share ``remote_share`` of the
    prospects come from ``remote_npas`` (none there) to exercise the fallbacks.
    """

    path: str
    api_key: str
    campaign: str
    assignment_type: str
    local_npas: tuple[str, ...]
    remote_npas: tuple[str, ...]
    remote_share: float


@dataclass(frozen=True)
class ScriptSpec:
    """What the load generator sends, decided by a wrk Lua script of its own.

    ``args`` are the script's positional arguments (after ``--``); the Python fallback
    (pyload.py) reads the same ``args`` under ``kind`` and builds the same requests.
    """

    kind: str
    script: Path
    path: str
    args: tuple[str, ...]


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def wrk_version() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        return "absent"
    # `wrk -v` prints its banner and exits 1.
    done = subprocess.run([wrk, "-v"], capture_output=True, text=True, timeout=10, check=False)
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0] if first else "unknown"


def run_load(
    tool: str,
    port: int,
    spec: LoadSpec | ScriptSpec,
    duration_s: float,
    connections: int,
    cpu: int | None,
    timeout_s: float = 2.0,
) -> tuple[LoadResult, str]:
    """One timed run; returns the result and the generator's raw output (for the log)."""
    if tool == "wrk":
        return _run_wrk(port, spec, duration_s, connections, cpu, timeout_s)
    return _run_pyload(port, spec, duration_s, connections, cpu, timeout_s)


def _wrk_args(spec: LoadSpec | ScriptSpec) -> list[str]:
    if isinstance(spec, ScriptSpec):
        return list(spec.args)
    # Read by init() in next_ani.lua, positionally.
    return [
        spec.path,
        spec.api_key,
        spec.campaign,
        spec.assignment_type,
        ",".join(spec.local_npas),
        ",".join(spec.remote_npas),
        repr(spec.remote_share),
    ]


def _run_wrk(
    port: int,
    spec: LoadSpec | ScriptSpec,
    duration_s: float,
    connections: int,
    cpu: int | None,
    timeout_s: float,
) -> tuple[LoadResult, str]:
    wrk = shutil.which("wrk")
    assert wrk is not None
    seconds = max(1, round(duration_s))
    command = [
        wrk,
        "-t",
        "1",
        "-c",
        str(connections),
        "-d",
        f"{seconds}s",
        "--timeout",
        f"{max(1, round(timeout_s))}s",
        "--latency",
        "-s",
        str(spec.script if isinstance(spec, ScriptSpec) else WRK_SCRIPT),
        f"http://{HOST}:{port}{spec.path}",
        "--",
        *_wrk_args(spec),
    ]
    command, preexec = pinned(command, cpu)
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=seconds + LOAD_GRACE_S,
        preexec_fn=preexec,
        check=False,
    )
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise RuntimeError(f"wrk exited with status {done.returncode}:\n{output}")
    return parse_wrk(output), output


_WRK_JSON = re.compile(r"^WRK_JSON (\{.*\})$", re.MULTILINE)


def parse_wrk(output: str) -> LoadResult:
    """Read the JSON line that next_ani.lua's done() prints (exact counts, microseconds)."""
    found = _WRK_JSON.search(output)
    if found is None:
        raise RuntimeError(f"no WRK_JSON line in wrk's output:\n{output}")
    raw = json.loads(found.group(1))
    duration_s = raw["duration_us"] / 1e6
    socket_detail = {name: int(raw[name]) for name in ("connect", "read", "write", "timeout")}
    return LoadResult(
        tool="wrk",
        duration_s=duration_s,
        requests=int(raw["requests"]),
        requests_per_s=raw["requests"] / duration_s if duration_s else 0.0,
        p50_ms=raw["p50_us"] / 1000,
        p75_ms=raw["p75_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        non_2xx=int(raw["status"]),
        socket_errors=sum(socket_detail.values()),
        error_detail={**socket_detail, "status_4xx_5xx": int(raw["status"])},
    )


def _pyload_spec(spec: LoadSpec | ScriptSpec) -> dict[str, Any]:
    if isinstance(spec, ScriptSpec):
        return {"kind": spec.kind, "path": spec.path, "args": list(spec.args)}
    return {"kind": "next", **asdict(spec)}


def _run_pyload(
    port: int,
    spec: LoadSpec | ScriptSpec,
    duration_s: float,
    connections: int,
    cpu: int | None,
    timeout_s: float,
) -> tuple[LoadResult, str]:
    command = [
        sys.executable,
        str(PYLOAD),
        "--port",
        str(port),
        "--duration",
        str(duration_s),
        "--connections",
        str(connections),
        "--timeout",
        str(timeout_s),
        "--spec",
        json.dumps(_pyload_spec(spec)),
    ]
    command, preexec = pinned(command, cpu)
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=duration_s + LOAD_GRACE_S,
        preexec_fn=preexec,
        check=False,
    )
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise RuntimeError(f"pyload exited with status {done.returncode}:\n{output}")
    raw = json.loads(done.stdout.strip().splitlines()[-1])
    return LoadResult(**raw), output


# CPU accounting during a run: does the server saturate its core, and is anything else on
# either core? (Linux /proc; elsewhere the figures are simply absent.)

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class CoreTimes:
    work_s: float  # user + nice + system, every process included (interrupts left out)
    steal_s: float  # time the hypervisor gave the core to someone else
    iowait_s: float


def core_times(cpu: int | None) -> CoreTimes | None:
    label = f"cpu{cpu}" if cpu is not None else "cpu"
    try:
        for row in Path("/proc/stat").read_text().splitlines():
            fields = row.split()
            if fields and fields[0] == label:
                user, nice, system, _idle, iowait, _irq, _softirq, steal = (
                    int(v) / _TICK for v in fields[1:9]
                )
                return CoreTimes(user + nice + system, steal, iowait)
    except (OSError, ValueError):
        pass
    return None


def process_cpu_s(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, IndexError, ValueError):
        return None


def children_cpu_s() -> float:
    """CPU time of the children already waited for (the load generator, once it has ended)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class CpuWatch:
    """Shares (%) of wall time over a load run: the server on its core, the generator on its
    core, and what other processes and the hypervisor took from each."""

    def __init__(self, server_pid: int, server_cpu: int | None, load_cpu: int | None) -> None:
        self._pid = server_pid
        self._server_cpu = server_cpu
        self._load_cpu = load_cpu
        self._wall = time.monotonic()
        self._process = process_cpu_s(server_pid)
        self._children = children_cpu_s()
        self._server_core = core_times(server_cpu)
        self._load_core = core_times(load_cpu) if load_cpu is not None else None

    def stop(self) -> dict[str, float]:
        wall = time.monotonic() - self._wall
        process = process_cpu_s(self._pid)
        server_core = core_times(self._server_cpu)
        if wall <= 0 or process is None or self._process is None:
            return {}
        if server_core is None or self._server_core is None:
            return {}

        def pct(seconds: float) -> float:
            return round(100 * max(0.0, seconds) / wall, 1)

        served = process - self._process
        shares = {
            "server_process_pct": pct(served),
            "others_on_server_core_pct": pct(
                server_core.work_s - self._server_core.work_s - served
            ),
            "steal_on_server_core_pct": pct(server_core.steal_s - self._server_core.steal_s),
            "iowait_on_server_core_pct": pct(server_core.iowait_s - self._server_core.iowait_s),
        }
        load_core = core_times(self._load_cpu) if self._load_cpu is not None else None
        if load_core is not None and self._load_core is not None:
            generated = children_cpu_s() - self._children
            shares["load_generator_pct"] = pct(generated)
            shares["others_on_load_core_pct"] = pct(
                load_core.work_s - self._load_core.work_s - generated
            )
            shares["steal_on_load_core_pct"] = pct(load_core.steal_s - self._load_core.steal_s)
        return shares


# Machine description (numbers depend on it)


def machine_info() -> dict[str, Any]:
    cpu_model = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu_model": cpu_model,
        "cpus": os.cpu_count(),
        "cpus_usable": sorted(cpus_available()),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "wrk": wrk_version(),
    }


def source_state() -> dict[str, Any]:
    """The commit measured, and whether src/ had uncommitted changes (read-only git calls)."""
    root = BENCH_DIR.parent
    git = shutil.which("git")
    if git is None:
        return {"commit": None, "src_dirty": None}

    def output(*args: str) -> str | None:
        done = subprocess.run(
            [git, "-C", str(root), *args], capture_output=True, text=True, timeout=10, check=False
        )
        return done.stdout.strip() if done.returncode == 0 else None

    status = output("status", "--porcelain", "--", "src")
    return {
        "commit": output("rev-parse", "--short", "HEAD"),
        "src_dirty": None if status is None else bool(status),
    }


@contextlib.contextmanager
def step(message: str) -> Iterator[None]:
    """Print what is being done and how long it took (to stderr: stdout carries the report)."""
    print(f"... {message}", file=sys.stderr, flush=True)
    started = time.monotonic()
    yield
    print(f"    done in {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)


# The openani command and the servers the benchmarks start


class BenchmarkError(RuntimeError):
    """The benchmark cannot produce a meaningful figure (setup failed, endpoint misbehaved)."""


def openani_command() -> list[str]:
    script = Path(sys.executable).with_name("openani")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "openani.cli"]


def run_cli(args: Sequence[str]) -> str:
    done = subprocess.run(
        [*openani_command(), *args], capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise BenchmarkError(
            f"`openani {' '.join(args)}` failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        )
    return done.stdout


def create_company_keys(database_url: str, name: str) -> dict[str, str]:
    """A new company: ``{"company_guid": ..., "api_key": ...}`` (migrates SQLite first)."""
    output = run_cli(["company", "create", name, "--json", "--database-url", database_url])
    created: dict[str, str] = json.loads(output.strip().splitlines()[-1])
    return created


def create_company(database_url: str, name: str) -> str:
    """A new company; its API key."""
    return create_company_keys(database_url, name)["api_key"]


def openani_server(database_url: str, workdir: Path, name: str, cpu: int | None) -> Server:
    port = free_port()
    command = [*openani_command(), "serve", "--host", HOST, "--port", str(port)]
    command += ["--database-url", database_url]
    return Server(name, command, port, "/healthz", workdir / f"{name}.log", cpu)


def hello_server(workdir: Path, cpu: int | None) -> Server:
    port = free_port()
    command = [sys.executable, str(BENCH_DIR / "hello_app.py"), "--host", HOST]
    command += ["--port", str(port)]
    return Server("hello", command, port, "/", workdir / "hello.log", cpu)


def choose_tool(wanted: str) -> str:
    if wanted == "wrk" and not wrk_available():
        raise BenchmarkError("--load wrk: wrk is not installed (apt-get install -y wrk)")
    if wanted == "auto":
        return "wrk" if wrk_available() else "python"
    return wanted


def choose_cpus() -> tuple[int | None, int | None]:
    """(server CPU, load generator CPU), or (None, None) with fewer than 2 usable CPUs."""
    usable = sorted(cpus_available())
    if len(usable) < 2:
        return None, None
    return usable[0], usable[1]


# Measured runs: warm-up, repeats, the median run, and whether each run had its cores to itself

# Share of a core (%) other processes and steal may take before a run counts as disturbed.
NOISE_PCT = 5.0
# Below this share of its core, a ceiling server was not saturated by the load generator.
SATURATED_PCT = 90.0


@dataclass(frozen=True)
class RunConfig:
    tool: str
    duration_s: float
    warmup_s: float
    connections: int
    server_cpu: int | None
    load_cpu: int | None
    repeat: int
    verbose: bool


# One timed load of the given duration: its result and the generator's raw output.
LoadRunner = Callable[[float], tuple[LoadResult, str]]


@dataclass
class Run:
    result: LoadResult
    cpu: dict[str, float]

    @property
    def clean(self) -> bool:
        return not disturbances(self.cpu)


@dataclass
class Measured:
    """The median run (by ``LoadResult.rate``) and every run, warm-up apart."""

    result: LoadResult
    cpu: dict[str, float]
    runs: list[Run]
    warmup: LoadResult | None

    def notes(self) -> dict[str, Any]:
        notes: dict[str, Any] = {"cpu": self.cpu}
        if len(self.runs) > 1:
            notes["runs_requests_per_s"] = [round(r.result.requests_per_s, 1) for r in self.runs]
            notes["runs_clean"] = [r.clean for r in self.runs]
        return notes


def wrk_runner(tool: str, port: int, spec: LoadSpec | ScriptSpec, config: RunConfig) -> LoadRunner:
    def load(duration_s: float) -> tuple[LoadResult, str]:
        return run_load(tool, port, spec, duration_s, config.connections, config.load_cpu)

    return load


def measure_runs(server: Server, load: LoadRunner, config: RunConfig) -> Measured:
    """Warm up, then ``config.repeat`` measured runs; the median one (by rate) counts."""
    warm: LoadResult | None = None
    if config.warmup_s > 0:
        with step(f"warm-up {config.warmup_s:.0f} s"):
            warm, _ = load(config.warmup_s)
    runs: list[Run] = []
    for index in range(config.repeat):
        counter = f" ({index + 1}/{config.repeat})" if config.repeat > 1 else ""
        with step(f"measuring {config.duration_s:.0f} s with {config.tool}{counter}"):
            watch = CpuWatch(server.pid, config.server_cpu, config.load_cpu)
            result, output = load(config.duration_s)
            usage = watch.stop()
        if config.verbose:
            print(output, file=sys.stderr)
        if server.process is not None and server.process.poll() is not None:
            raise BenchmarkError(f"{server.name} died during the run:\n{server.log_tail()}")
        runs.append(Run(result, usage))
        if not runs[-1].clean:
            print("    disturbed: " + "; ".join(disturbances(usage)), file=sys.stderr)
    if warm is not None and warm.errors and not any(r.result.errors for r in runs):
        print(f"    note: {warm.errors} errors during the warm-up only", file=sys.stderr)
    ordered = sorted(runs, key=lambda run: run.result.rate)
    median = ordered[(len(ordered) - 1) // 2]
    return Measured(median.result, median.cpu, runs, warm)


def disturbances(cpu: Mapping[str, float]) -> list[str]:
    """What else used the server's or the generator's core during a run (empty: a clean run)."""
    found = []
    taken = cpu.get("others_on_server_core_pct", 0.0) + cpu.get("steal_on_server_core_pct", 0.0)
    if taken > NOISE_PCT:
        found.append(f"others and steal took {taken:.0f}% of the server's core")
    taken = cpu.get("others_on_load_core_pct", 0.0) + cpu.get("steal_on_load_core_pct", 0.0)
    if taken > NOISE_PCT:
        found.append(f"others and steal took {taken:.0f}% of the load generator's core")
    return found


def cpu_text(cpu: Mapping[str, float]) -> str:
    text = (
        f"server process {cpu['server_process_pct']:.0f}% of its core (others "
        f"{cpu['others_on_server_core_pct']:.0f}%, steal {cpu['steal_on_server_core_pct']:.0f}%, "
        f"iowait {cpu['iowait_on_server_core_pct']:.0f}%)"
    )
    if "load_generator_pct" in cpu:
        text += (
            f"; load generator {cpu['load_generator_pct']:.0f}% of its core (others "
            f"{cpu['others_on_load_core_pct']:.0f}%, steal {cpu['steal_on_load_core_pct']:.0f}%)"
        )
    return text


def cpu_warnings(label: str, cpu: Mapping[str, float], *, ceiling: bool = False) -> list[str]:
    """Signs that a run measured the machine rather than the server."""
    found = []
    taken = cpu["others_on_server_core_pct"] + cpu["steal_on_server_core_pct"]
    if taken > NOISE_PCT:
        found.append(
            f"{label}: other processes and the hypervisor took {taken:.0f}% of the "
            "server's core; rerun on a quiet machine."
        )
    taken = cpu.get("others_on_load_core_pct", 0.0) + cpu.get("steal_on_load_core_pct", 0.0)
    if taken > NOISE_PCT:
        found.append(
            f"{label}: other processes and the hypervisor took {taken:.0f}% of the "
            "load generator's core; rerun on a quiet machine."
        )
    if ceiling and cpu["server_process_pct"] < SATURATED_PCT:
        found.append(
            f"the ceiling server used only {cpu['server_process_pct']:.0f}% of its core: the load "
            "generator did not saturate it, so the ceiling reads low and the ratios high."
        )
    return found


@dataclass(frozen=True)
class Target:
    name: str
    value: str
    threshold: str
    passed: bool


def targets_table(targets: Sequence[Target]) -> list[str]:
    lines = ["| target | measured | threshold | result |", "| --- | ---: | ---: | --- |"]
    for target in targets:
        verdict = "PASS" if target.passed else "FAIL"
        lines.append(f"| {target.name} | {target.value} | {target.threshold} | {verdict} |")
    return lines


def post_many(
    port: int,
    api_key: str,
    path: str,
    bodies: Sequence[Any],
    *,
    expected: int = 201,
    threads: int = 8,
) -> None:
    """POST every body to ``path``, over a few keep-alive connections at once."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Lock, local

    state = local()
    connections: list[http.client.HTTPConnection] = []
    lock = Lock()
    headers = {"X-ApiKey": api_key}

    def connection() -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(state, "conn", None)
        if conn is None:
            conn = state.conn = http.client.HTTPConnection(HOST, port, timeout=30)
            with lock:
                connections.append(conn)
        return conn

    def post(body: Any) -> None:
        status, answer = send(connection(), "POST", path, body, headers)
        if status != expected:
            raise BenchmarkError(
                f"POST {path}: expected HTTP {expected}, got {status} {json.dumps(answer)}"
            )

    try:
        with ThreadPoolExecutor(threads) as pool:
            for future in [pool.submit(post, body) for body in bodies]:
                future.result()
    finally:
        for conn in connections:
            conn.close()


# The dispositions both result benchmarks define, one per category that the statistics count.
DISPOSITIONS: list[dict[str, Any]] = [
    {"id": "sale", "name": "Sale", "type": "Agent", "contact": True, "success": True,
     "category": "human"},
    {"id": "ni", "name": "Not Interested", "type": "Agent", "contact": True, "success": False,
     "category": "human"},
    {"id": "vm", "name": "Voicemail", "type": "System", "contact": False, "success": False,
     "category": "voicemail"},
    {"id": "na", "name": "No Answer", "type": "System", "contact": False, "success": False,
     "category": "no_answer"},
    {"id": "busy", "name": "Busy", "type": "System", "contact": False, "success": False,
     "category": "busy"},
    {"id": "blk", "name": "Blocked", "type": "System", "contact": False, "success": False,
     "category": "blocked"},
]  # fmt: skip


def run_notes(config: Any, source: Mapping[str, Any]) -> list[str]:
    """The closing lines of a report: how the load was made, the pinning, the commit measured.

    ``config`` is a benchmark's run configuration (``tool``, ``server_cpu``, ``load_cpu``).
    """
    lines = []
    if config.tool != "wrk":
        lines.append(
            "- Load came from the Python asyncio generator, not wrk: less precise; "
            "it saturates the ceiling less well than wrk, so ratios to it read high."
        )
    if config.server_cpu is None:
        lines.append("- CPU pinning was off (fewer than 2 usable CPUs): figures are noisier.")
    lines.append(
        f"- Servers pinned to CPU {config.server_cpu}, load generators to CPU {config.load_cpu}; "
        "no rate limits. Absolute numbers depend on the machine; the ratios are the figures "
        "that matter."
    )
    dirty = " with uncommitted changes in src/" if source.get("src_dirty") else ""
    lines.append(f"- Measured commit {source.get('commit') or 'unknown'}{dirty}.")
    return lines

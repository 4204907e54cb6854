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

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors

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
    spec: LoadSpec,
    duration_s: float,
    connections: int,
    cpu: int | None,
    timeout_s: float = 2.0,
) -> tuple[LoadResult, str]:
    """One timed run; returns the result and the generator's raw output (for the log)."""
    if tool == "wrk":
        return _run_wrk(port, spec, duration_s, connections, cpu, timeout_s)
    return _run_pyload(port, spec, duration_s, connections, cpu, timeout_s)


def _wrk_args(spec: LoadSpec) -> list[str]:
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
    spec: LoadSpec,
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
        str(WRK_SCRIPT),
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


def _run_pyload(
    port: int,
    spec: LoadSpec,
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
        json.dumps(asdict(spec)),
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

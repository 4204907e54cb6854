"""A real `openani serve` that a test can SIGKILL, for durability tests under load.

``running_server`` (tests/support/server.py) stops its server gracefully. Here the server runs in
its own session, so that ``kill()`` can SIGKILL the whole process group at once: the uvicorn
supervisor and every worker it spawned die together, mid-request, as in a crash or an OOM kill.
Only 127.0.0.1 is used.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx

from tests.support.postgres import _free_port
from tests.support.server import UNLIMITED_ENV

READY_TIMEOUT_S = 60.0
GONE_TIMEOUT_S = 10.0


def _group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, from /proc; [] when all are gone."""
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: ask the kernel about the group as a whole
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return []
        return [pgid]
    members: list[int] = []
    for stat in proc.glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # exited while we looked
            continue
        # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
        fields = text.rsplit(")", 1)[-1].split()
        if len(fields) >= 3 and int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            members.append(int(stat.parent.name))
    return members


@dataclass
class KillableServer:
    process: subprocess.Popen[bytes]
    base: str
    log_path: Path

    @property
    def pgid(self) -> int:
        return self.process.pid  # started with start_new_session: the group leader

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def kill(self) -> None:
        """SIGKILL every process of the server and wait until none is left running."""
        with suppress(ProcessLookupError):  # already gone
            os.killpg(self.pgid, signal.SIGKILL)
        self.process.wait(timeout=GONE_TIMEOUT_S)
        deadline = time.monotonic() + GONE_TIMEOUT_S
        while members := _group_members(self.pgid):
            if time.monotonic() > deadline:
                raise TimeoutError(f"server processes {members} survived SIGKILL")
            time.sleep(0.02)

    def stop(self) -> None:
        """Graceful stop (SIGTERM to the supervisor), then SIGKILL whatever is left."""
        if self.process.poll() is None:
            self.process.terminate()
            with suppress(subprocess.TimeoutExpired):  # then SIGKILL below
                self.process.wait(timeout=30)
        self.kill()


def start_server(
    database_url: str,
    *,
    workers: int,
    log_path: Path,
    env: Mapping[str, str] | None = None,
) -> KillableServer:
    """Start `openani serve` on a free loopback port and wait until /readyz answers 200."""
    port = _free_port()
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "openani.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--database-url",
                database_url,
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,  # a file, not a pipe: a full pipe would stall the server under load
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**UNLIMITED_ENV, **(env or {})},
        )
    server = KillableServer(process, f"http://127.0.0.1:{port}", log_path)
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited ({process.returncode}): {server.log_tail()}")
            try:
                if httpx.get(f"{server.base}/readyz", timeout=5).status_code == 200:
                    return server
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"server not ready in {READY_TIMEOUT_S:.0f} s")
            time.sleep(0.05)
    except BaseException:
        server.kill()
        raise


@contextmanager
def killable_server(
    database_url: str,
    *,
    workers: int,
    log_path: Path,
    env: Mapping[str, str] | None = None,
) -> Iterator[KillableServer]:
    """A started server; on leaving, stopped gracefully unless the test killed it already."""
    server = start_server(database_url, workers=workers, log_path=log_path, env=env)
    try:
        yield server
    finally:
        server.stop()

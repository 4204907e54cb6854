"""A throwaway PostgreSQL cluster on loopback for the tests (initdb + pg_ctl in a temp dir).

PostgreSQL refuses to run as root; when the tests run as root (CI, containers) the server runs as
the ``postgres`` system user, which the Debian package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    pass


def _find_bindir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for directory in candidates:
        if Path(directory, "initdb").exists():
            return Path(directory)
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install -y postgresql"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class PostgresCluster:
    bindir: Path
    root: Path
    port: int
    user: str
    _as_user: list[str]

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/openani_test"

    @classmethod
    def start(cls) -> PostgresCluster:
        bindir = _find_bindir()
        root = Path(tempfile.mkdtemp(prefix="openani-pg-"))
        as_user: list[str] = []
        user = pwd.getpwuid(os.getuid()).pw_name
        if os.geteuid() == 0:
            try:
                pg = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise PostgresUnavailable("running as root and no 'postgres' user exists") from exc
            os.chown(root, pg.pw_uid, pg.pw_gid)
            as_user = ["runuser", "-u", "postgres", "--"]
            user = "postgres"
        cluster = cls(bindir, root, _free_port(), user, as_user)
        cluster._run(
            "initdb",
            "-D",
            str(root / "data"),
            "-A",
            "trust",
            "-U",
            user,
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        )
        cluster._run(
            "pg_ctl",
            "-D",
            str(root / "data"),
            "-l",
            str(root / "log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {cluster.port} -k {root} "
            "-c fsync=off -c full_page_writes=off -c max_connections=200",
            "start",
        )
        cluster._run(
            "createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", user, "openani_test"
        )
        return cluster

    def _run(self, program: str, *args: str) -> None:
        command = [*self._as_user, str(self.bindir / program), *args]
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.root)
        if result.returncode != 0:
            log = (self.root / "log").read_text() if (self.root / "log").exists() else ""
            raise PostgresUnavailable(
                f"{program} failed ({result.returncode}): {result.stderr.strip()} {log[-2000:]}"
            )

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        finally:
            time.sleep(0.1)
            shutil.rmtree(self.root, ignore_errors=True)

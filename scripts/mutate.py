"""Mutation testing of the core modules with mutmut 2, one module at a time.

Each module is mutated against the few test files that exercise it (``TARGETS``), not the whole
suite, so a mutant costs seconds. Per module this prints mutants, killed, timeouts, survivors,
score and wall time, and writes each survivor's diff to ``.mutmut-reports/<module>.txt``.

    python scripts/mutate.py                       # every module of TARGETS
    python scripts/mutate.py selection/policy.py   # some of them (paths under src/openani/)
    python scripts/mutate.py --resume tenancy.py   # re-test only the survivors of the last run

Database tests run on SQLite unless OPENANI_MUTATE_DB says ``postgresql`` or ``both``; a
PostgreSQL cluster is then started once for the whole run (tests/support/postgres.py), or taken
from OPENANI_TEST_POSTGRES_URL.

mutmut 2 writes each mutant into the source file itself; the file's text is put back when a
module is done, even after an error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path("src/openani")
REPORTS = ROOT / ".mutmut-reports"
PYTEST = "--pytest"  # the runner of each mutant: scripts/mutate.py --pytest <pytest arguments>
MUTATED = "OPENANI_MUTATED_SOURCE"  # tells the runner which module's bytecode to drop
CACHE = ROOT / ".mutmut-cache"  # where mutmut 2 keeps its results (fixed name, in the cwd)

# The tests of choose_ani, which walks the ladder.
_CHOICE = (
    "tests/selection/test_ladder.py",
    "tests/selection/test_strategies.py",
    "tests/selection/test_caps.py",
    "tests/selection/test_lru.py",
    "tests/selection/test_brand_country.py",
    "tests/selection/test_random.py",
    "tests/selection/test_sticky.py",
    "tests/selection/test_winner_memo.py",
    "tests/selection/test_learned_passes.py",
    "tests/selection/test_scaling.py",
)
# Module (under src/openani) -> the test files that exercise it, fastest first: pytest runs them
# in this order with -x, so most mutants die in the first file. Example tests only: the
# randomised property tests (tests/selection/test_properties.py) would cost a minute per
# surviving mutant on a busy machine, and a kill should not depend on a random draw.
TARGETS: dict[str, tuple[str, ...]] = {
    "selection/policy.py": _CHOICE,
    "selection/ladder.py": _CHOICE,
    "selection/learner.py": (
        "tests/selection/test_learner_edges.py",
        "tests/selection/test_learner.py",
        "tests/selection/test_capacity.py",
        "tests/selection/test_burn.py",
        "tests/selection/test_burn_peers.py",
        "tests/selection/test_strategies.py",
    ),
    "selection/burn.py": (
        "tests/selection/test_burn.py",
        "tests/selection/test_burn_peers.py",
    ),
    "results/callback.py": ("tests/results/test_callback.py",),
    "tenancy.py": (
        "tests/test_tenancy.py",
        "tests/http/test_auth.py",
    ),
    "store/claims.py": ("tests/store/test_claims.py",),
    "results/service.py": (
        "tests/results/test_service.py",
        "tests/results/test_one_unit.py",
        "tests/http/test_results.py",
    ),
    "store/group_commit.py": (
        "tests/store/test_group_commit.py",
        "tests/store/test_claims.py",
        "tests/results/test_one_unit.py",
    ),
    "stats/keys.py": (
        "tests/stats/test_keys.py",
        "tests/stats/test_counting.py",
    ),
}

STATUSES = {
    "ok_killed": "killed",
    "bad_timeout": "timeout",
    "bad_survived": "survived",
    "ok_suspicious": "killed",  # killed, but the tests took much longer than without mutants
    "skipped": "skipped",
    "untested": "untested",
}


@dataclass
class Outcome:
    module: str
    counts: dict[str, int]
    wall_s: float

    @property
    def mutants(self) -> int:
        return sum(self.counts.values())

    @property
    def detected(self) -> int:
        # A timeout: the tests ran 10x longer than without the mutant (a hang) and were stopped.
        return self.counts["killed"] + self.counts["timeout"]

    @property
    def score(self) -> float:
        return 100.0 * self.detected / self.mutants if self.mutants else 0.0


def slug(module: str) -> str:
    return module.removesuffix(".py").replace("/", ".")


def runner(tests: tuple[str, ...], db: str) -> str:
    """The test command of each mutant. Only conftest.py files from the tests' common folder
    down are loaded (pure tests then skip the app's), and of pytest's plugins only hypothesis:
    half a second per mutant instead of several."""
    common = Path(os.path.commonpath([str(Path(t).parent) for t in tests]))
    # The nearest conftest.py at or above that folder holds the fixtures its tests use.
    while common != Path("tests") and not (ROOT / common / "conftest.py").exists():
        common = common.parent
    args = [sys.executable, __file__, PYTEST, "-x", "-q", "-p", "no:cacheprovider"]
    args += ["-p", "_hypothesis_pytestplugin", "--confcutdir", str(common)]
    if db == "sqlite":
        args += ["-k", "not postgresql"]
    elif db == "postgresql":
        args += ["-k", "not sqlite"]
    return shlex.join([*args, *tests])


def drop_bytecode(source: Path) -> None:
    """Remove the module's cached .pyc: a mutant of the same size written within the same second
    as the code before it passes Python's check of the cache (size and mtime in seconds), and
    the tests would run the code before it instead."""
    for cached in source.parent.glob(f"__pycache__/{source.stem}.*.pyc"):
        cached.unlink(missing_ok=True)


@contextmanager
def source_kept(path: Path) -> Iterator[None]:
    original = path.read_bytes()
    try:
        yield
    finally:
        if path.read_bytes() != original:
            path.write_bytes(original)
        path.with_name(f"{path.name}.bak").unlink(missing_ok=True)  # mutmut's copy
        drop_bytecode(path)


def run_group(command: list[str], env: dict[str, str]) -> int:
    """Run mutmut in a process group of its own, and end the whole group (mutmut, its workers,
    the test run) if this driver is interrupted or terminated, before the source is put back."""
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        return process.wait()
    except BaseException:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()
        raise


def read_cache(cache: Path, source: str) -> tuple[dict[str, int], list[tuple[int, int, str]]]:
    """Counts by status, and the (id, line number, status) of each mutant not detected."""
    counts = dict.fromkeys(STATUSES.values(), 0)
    undetected: list[tuple[int, int, str]] = []
    with sqlite3.connect(cache) as conn:
        rows = conn.execute(
            "SELECT m.id, l.line_number, m.status FROM Mutant m JOIN Line l ON m.line = l.id"
            " JOIN SourceFile f ON l.sourcefile = f.id WHERE f.filename = ? ORDER BY m.id",
            (source,),
        ).fetchall()
    for mutant_id, line_number, status in rows:
        name = STATUSES.get(status, status)
        counts[name] = counts.get(name, 0) + 1
        if name not in ("killed", "timeout"):
            undetected.append((mutant_id, line_number + 1, name))
    return counts, undetected


def mutmut(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "mutmut"
    return subprocess.run([str(exe), *args], cwd=ROOT, text=True, capture_output=True)


def run_module(module: str, db: str, resume: bool) -> Outcome:
    source = str(PACKAGE / module)
    saved = REPORTS / f"{slug(module)}.cache"
    CACHE.unlink(missing_ok=True)
    if resume and saved.exists():
        shutil.copy(saved, CACHE)
    command = [
        str(Path(sys.executable).parent / "mutmut"), "run",
        "--paths-to-mutate", source,
        "--runner", runner(TARGETS[module], db),
        "--tests-dir", "tests",
        "--simple-output", "--no-progress",
    ]  # fmt: skip
    print(f"== {module}: {runner(TARGETS[module], db)}", flush=True)
    env = {**os.environ, MUTATED: source, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    started = time.monotonic()
    with source_kept(ROOT / source):
        returncode = run_group(command, env)
    wall = time.monotonic() - started
    # Exit status 2/4/8 only says some mutants survived or timed out; 1 is a failure (e.g. the
    # tests fail without any mutation), which leaves no results to count.
    if returncode & 1:
        raise SystemExit(f"mutmut failed on {module} (exit {returncode})")
    shutil.move(CACHE, saved)
    counts, undetected = read_cache(saved, source)
    write_report(module, saved, undetected)
    return Outcome(module, counts, wall)


def write_report(module: str, saved: Path, undetected: list[tuple[int, int, str]]) -> None:
    shutil.copy(saved, CACHE)  # `mutmut show` reads the cache in the cwd
    try:
        parts = [f"# {module}: {len(undetected)} mutants not detected\n"]
        for mutant_id, line_number, status in undetected:
            diff = mutmut("show", str(mutant_id)).stdout.strip()
            parts.append(f"## mutant {mutant_id} ({status}) at {PACKAGE / module}:{line_number}")
            parts.append(diff + "\n")
        (REPORTS / f"{slug(module)}.txt").write_text("\n".join(parts))
    finally:
        CACHE.unlink(missing_ok=True)


def table(outcomes: list[Outcome]) -> str:
    lines = [
        "| module | mutants | killed | timeouts | survived | score | wall time |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for o in outcomes:
        c = o.counts
        not_detected = o.mutants - o.detected
        lines.append(
            f"| {o.module} | {o.mutants} | {c['killed']} | {c['timeout']} | {not_detected} "
            f"| {o.score:.1f}% | {o.wall_s / 60:.1f} min |"
        )
    return "\n".join(lines)


@contextmanager
def postgres_for(db: str) -> Iterator[None]:
    if db == "sqlite" or os.environ.get("OPENANI_TEST_POSTGRES_URL"):
        yield
        return
    sys.path.insert(0, str(ROOT))
    from tests.support.postgres import PostgresCluster

    cluster = PostgresCluster.start()
    os.environ["OPENANI_TEST_POSTGRES_URL"] = cluster.url
    try:
        yield
    finally:
        cluster.stop()


def run_pytest(args: list[str]) -> int:
    """pytest, failing with status 1 whatever went wrong: mutmut 2 counts only status 1 as a
    killed mutant, so a mutant that breaks an import (pytest's status 2) would survive.

    Bytecode is cached (compiling the app on every start would cost more than most tests),
    except the mutated module's, which is compiled afresh from the mutant each time."""
    drop_bytecode(ROOT / os.environ[MUTATED])
    sys.dont_write_bytecode = False
    import pytest

    return 0 if pytest.main(args) == 0 else 1


def main() -> int:
    if sys.argv[1:2] == [PYTEST]:
        return run_pytest(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="modules under src/openani (default: all)")
    parser.add_argument(
        "--resume", action="store_true", help="keep the last run's results; re-test survivors"
    )
    options = parser.parse_args()
    modules = options.modules or list(TARGETS)
    unknown = [m for m in modules if m not in TARGETS]
    if unknown:
        parser.error(f"unknown modules {unknown}; known: {', '.join(TARGETS)}")
    db = os.environ.get("OPENANI_MUTATE_DB", "sqlite")
    if db not in ("sqlite", "postgresql", "both"):
        parser.error(f"OPENANI_MUTATE_DB must be sqlite, postgresql or both, got {db!r}")
    # SIGTERM unwinds like Ctrl-C: the module being mutated gets its text back.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    REPORTS.mkdir(exist_ok=True)
    outcomes: list[Outcome] = []
    with postgres_for(db):
        for module in modules:
            outcomes.append(run_module(module, db, options.resume))
            print(table(outcomes[-1:]), flush=True)
    summary = table(outcomes)
    (REPORTS / "summary.md").write_text(f"database tests on: {db}\n\n{summary}\n")
    print(f"\n{summary}\n\nsurvivors: {REPORTS}/<module>.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())

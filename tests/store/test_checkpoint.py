"""WAL checkpoints off the request path: automatic ones off, a thread doing them instead."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from openani.http.app import create_app
from openani.settings import Settings
from openani.store.checkpoint import RESTART_WAIT_MS, WalCheckpointer
from openani.store.engine import BUSY_TIMEOUT_MS, Database


def _pragma(db: Database, name: str) -> int:
    with db.read() as conn:
        return int(conn.exec_driver_sql(f"PRAGMA {name}").scalar_one())


def _write_rows(db: Database, count: int) -> None:
    with db.write() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, v TEXT)")
        for i in range(count):
            conn.exec_driver_sql("INSERT INTO filler (v) VALUES (?)", (f"row {i} " * 40,))


@pytest.fixture
def sqlite_file(tmp_path: Path, sqlite_template: Path) -> Path:
    path = tmp_path / "openani.db"
    shutil.copy(sqlite_template, path)
    return path


def test_a_server_database_leaves_checkpoints_to_the_thread(sqlite_file: Path) -> None:
    url = f"sqlite:///{sqlite_file}"
    plain = Database(url)
    server = Database(url, checkpoint_in_background=True)
    try:
        assert _pragma(plain, "wal_autocheckpoint") == 20000
        assert _pragma(server, "wal_autocheckpoint") == 0
        _write_rows(server, 500)
        checkpointer = WalCheckpointer(server, interval_s=0.05)
        checkpointer.start()
        deadline = time.monotonic() + 10
        while checkpointer.runs < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        checkpointer.stop()
        assert checkpointer.last is not None
        busy, frames, done = checkpointer.last
        assert busy == 0 and frames > 0 and done == frames  # the whole log is in the file
    finally:
        plain.dispose()
        server.dispose()


def test_a_long_log_is_started_over(sqlite_file: Path) -> None:
    db = Database(f"sqlite:///{sqlite_file}", checkpoint_in_background=True)
    try:
        checkpointer = WalCheckpointer(db, restart_frames=20)
        _write_rows(db, 500)
        checkpointer.checkpoint()
        assert checkpointer.restarts == 1
        assert checkpointer.last is not None and checkpointer.last[1] > 20
        _write_rows(db, 1)  # this writer finds the log checkpointed and starts it over
        checkpointer.checkpoint()
        assert checkpointer.restarts == 1
        assert checkpointer.last is not None and 0 < checkpointer.last[1] < 20
    finally:
        db.dispose()


def test_a_restart_gives_up_quickly_while_a_long_reader_holds_the_old_log(
    sqlite_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database(f"sqlite:///{sqlite_file}", checkpoint_in_background=True)
    statements: list[str] = []
    raw_connection = db.engine.raw_connection

    def traced() -> Any:  # what the checkpointer says to SQLite, instead of timing it
        connection = raw_connection()
        connection.driver_connection.set_trace_callback(statements.append)
        return connection

    try:
        checkpointer = WalCheckpointer(db, restart_frames=20)
        _write_rows(db, 500)
        with db.read() as reader:  # a refit reading for seconds, on the old snapshot
            reader.exec_driver_sql("SELECT count(*) FROM filler").scalar_one()
            _write_rows(db, 500)
            monkeypatch.setattr(db.engine, "raw_connection", traced)
            checkpointer.checkpoint()
            said = list(statements)
            _write_rows(db, 1)  # writers go on
        # The RESTART waits at most RESTART_WAIT_MS for the reader, not the connection's own
        # busy timeout (10 s), which it gets back afterwards.
        assert said == [
            "PRAGMA wal_checkpoint(PASSIVE)",
            f"PRAGMA busy_timeout={RESTART_WAIT_MS}",
            "PRAGMA wal_checkpoint(RESTART)",
            f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
        ]
        assert checkpointer.restarts == 0 and checkpointer.last is not None
        assert checkpointer.last[0] == 1  # busy: the next pass tries again
        checkpointer.checkpoint()
        assert checkpointer.restarts == 1
    finally:
        db.dispose()


def test_postgres_has_no_checkpointer() -> None:
    db = Database("postgresql://nobody@127.0.0.1:1/none", checkpoint_in_background=True)
    assert not db.checkpoint_in_background
    with pytest.raises(ValueError, match="SQLite"):
        WalCheckpointer(db)


def test_the_server_app_runs_the_checkpointer_for_its_lifetime(sqlite_file: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{sqlite_file}", health_check_s=0))
    context = app.state.context
    assert context.db.checkpoint_in_background
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        _write_rows(context.db, 200)
    # Stopping checkpoints what the last second wrote: the log is in the file at a clean exit.
    checkpointer = app.state.checkpointer
    assert isinstance(checkpointer, WalCheckpointer) and checkpointer.last is not None
    busy, frames, done = checkpointer.last
    assert busy == 0 and frames > 0 and done == frames
    context.db.dispose()

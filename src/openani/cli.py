"""The ``openani`` command: serve, manage companies and keys, migrate the database."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from openani import cli_anis
from openani.observability import logs
from openani.settings import Settings, database_url_from_env
from openani.store import backup, migrate
from openani.store import companies as company_store
from openani.store.engine import Database


def _add_database_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        default=None,
        help="sqlite:///path or postgresql://user@host:port/db "
        "(default: $OPENANI_DATABASE_URL, else sqlite:///./data/openani.db)",
    )


def _database(args: argparse.Namespace) -> Database:
    return Database(args.database_url or database_url_from_env())


def _ensure_migrated(db: Database) -> None:
    if db.is_sqlite:
        before = migrate.current_revision(db)
        migrate.upgrade(db)
        after = migrate.current_revision(db)
        if after != before:
            logging.getLogger("openani").info(
                "database migrated from revision %s to %s", before or "(empty)", after
            )
    elif not migrate.is_up_to_date(db):
        # Several servers may start at once against one PostgreSQL; migrating is an explicit,
        # single step so that they never race each other.
        raise SystemExit("the database schema is not current: run `openani db upgrade` first")


def shown_database(url: str) -> str:
    """The database URL without user name or password, for the log."""
    try:
        parsed = make_url(url)
    except Exception:
        return "(unparsable database URL)"
    bare = URL.create(
        parsed.drivername,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return bare.render_as_string(hide_password=True)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    # Workers read their settings from the environment: flags given here go there.
    if args.log_level is not None:
        os.environ["OPENANI_LOG_LEVEL"] = args.log_level
    if args.access_log is not None:
        os.environ["OPENANI_ACCESS_LOG"] = "1" if args.access_log else "0"
    if args.development:
        os.environ["OPENANI_DEVELOPMENT"] = "1"
    settings = Settings.from_env(args.database_url)
    logs.configure(settings.log_level)
    db = Database(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
    _ensure_migrated(db)
    with db.write() as conn:
        if company_store.count_companies(conn) == 0:
            company = company_store.create_company(conn, "Default company")
            key = company_store.create_api_key(conn, company)
            print("First start: created a company. Save these now, the key is not shown again.")
            print(f"  company GUID: {company.guid}")
            print(f"  API key:      {key.plaintext}")
            sys.stdout.flush()
    db.dispose()
    # Workers build their own app from the environment (uvicorn forks/spawns them).
    os.environ["OPENANI_DATABASE_URL"] = settings.database_url
    if args.simulated_clock:
        print("Simulated clock: /dialer/next reads the time from X-Simulated-Time (tests only)")
        os.environ["OPENANI_SIMULATED_CLOCK"] = "1"
    metrics_dir = None
    if args.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Workers share their metrics through files here, so any worker answers a scrape for all.
        metrics_dir = tempfile.mkdtemp(prefix="openani-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    logging.getLogger("openani").info(
        "openani listening on http://%s:%d with %d worker%s",
        args.host,
        args.port,
        args.workers,
        "" if args.workers == 1 else "s",
        extra={
            "address": f"{args.host}:{args.port}",
            "database": shown_database(settings.database_url),
            "workers": args.workers,
            "log_level": settings.log_level,
            "access_log": settings.access_log,
        },
    )
    try:
        uvicorn.run(
            "openani.http.app:app_from_env",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level="warning",
            log_config=None,  # uvicorn's loggers go through openani's JSON writer
            access_log=False,  # openani writes its own access log (with request ids)
            # uvicorn's httptools protocol with limits on request heads (size and time).
            http="openani.http.protocol:BoundedHttpToolsProtocol",
            loop="uvloop" if sys.platform != "win32" else "asyncio",
        )
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0


def cmd_company_create(args: argparse.Namespace) -> int:
    db = _database(args)
    _ensure_migrated(db)
    with db.write() as conn:
        company = company_store.create_company(conn, args.name)
        key = company_store.create_api_key(conn, company)
    if args.json:
        print(json.dumps({"company_guid": company.guid, "api_key": key.plaintext}))
    else:
        print(f"company GUID: {company.guid}")
        print(f"API key:      {key.plaintext}  (shown once)")
    return 0


def _company(db: Database, guid: str) -> company_store.Company:
    with db.read() as conn:
        company = company_store.company_by_guid(conn, guid)
    if company is None:
        raise SystemExit(f"no company with GUID {guid}")
    return company


def cmd_key_create(args: argparse.Namespace) -> int:
    db = _database(args)
    company = _company(db, args.company)
    with db.write() as conn:
        key = company_store.create_api_key(conn, company)
    print(json.dumps({"key_id": key.key_id, "api_key": key.plaintext}))
    return 0


def cmd_key_list(args: argparse.Namespace) -> int:
    db = _database(args)
    company = _company(db, args.company)
    with db.read() as conn:
        records = company_store.list_api_keys(conn, company)
    for record in records:
        print(
            json.dumps(
                {
                    "key_id": record.key_id,
                    "created_at": record.created_at.isoformat(),
                    "revoked_at": record.revoked_at.isoformat() if record.revoked_at else None,
                    "last_used_at": record.last_used_at.isoformat()
                    if record.last_used_at
                    else None,
                }
            )
        )
    return 0


def cmd_key_revoke(args: argparse.Namespace) -> int:
    db = _database(args)
    with db.write() as conn:
        revoked = company_store.revoke_api_key(conn, args.key_id)
    if not revoked:
        raise SystemExit(f"no active key with id {args.key_id}")
    print(f"revoked {args.key_id}")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    db = _database(args)
    migrate.upgrade(db)
    print(f"database at revision {migrate.current_revision(db)}")
    return 0


def cmd_db_backup(args: argparse.Namespace) -> int:
    db = _database(args)
    try:
        backup.backup(db, Path(args.path))
    except backup.BackupError as exc:
        raise SystemExit(str(exc)) from None
    print(f"backed up to {args.path}")
    return 0


def cmd_db_restore(args: argparse.Namespace) -> int:
    db = _database(args)
    try:
        backup.restore(db, Path(args.path))
    except backup.BackupError as exc:
        raise SystemExit(str(exc)) from None
    # A backup taken before an upgrade is brought to the current schema.
    migrate.upgrade(db)
    print(f"restored from {args.path}; database at revision {migrate.current_revision(db)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="openani", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--log-level",
        choices=logs.LEVELS,
        default=None,
        help="log level (default: $OPENANI_LOG_LEVEL, else info)",
    )
    serve.add_argument(
        "--access-log",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="one JSON log line per request (default: $OPENANI_ACCESS_LOG, else on)",
    )
    serve.add_argument(
        "--development",
        action="store_true",
        help="development mode: webhooks may use http:// to a loopback address",
    )
    serve.add_argument(
        "--simulated-clock",
        action="store_true",
        help="let /dialer/next take the current time from the X-Simulated-Time header "
        "(ISO 8601), for simulations; never in production",
    )
    _add_database_url(serve)
    serve.set_defaults(func=cmd_serve)

    company = commands.add_parser("company", help="manage companies").add_subparsers(
        dest="action", required=True
    )
    create = company.add_parser("create", help="create a company and its first API key")
    create.add_argument("name")
    create.add_argument("--json", action="store_true", help="print one JSON line")
    _add_database_url(create)
    create.set_defaults(func=cmd_company_create)

    key = commands.add_parser("key", help="manage API keys").add_subparsers(
        dest="action", required=True
    )
    key_create = key.add_parser("create", help="issue another key for a company")
    key_create.add_argument("--company", required=True, metavar="GUID")
    _add_database_url(key_create)
    key_create.set_defaults(func=cmd_key_create)
    key_list = key.add_parser("list", help="list a company's keys (never their secrets)")
    key_list.add_argument("--company", required=True, metavar="GUID")
    _add_database_url(key_list)
    key_list.set_defaults(func=cmd_key_list)
    key_revoke = key.add_parser("revoke", help="revoke a key by its id")
    key_revoke.add_argument("key_id")
    _add_database_url(key_revoke)
    key_revoke.set_defaults(func=cmd_key_revoke)

    db = commands.add_parser("db", help="database maintenance").add_subparsers(
        dest="action", required=True
    )
    upgrade = db.add_parser("upgrade", help="apply migrations up to the newest")
    _add_database_url(upgrade)
    upgrade.set_defaults(func=cmd_db_upgrade)
    db_backup = db.add_parser(
        "backup", help="online backup of a SQLite database (PostgreSQL: use pg_dump)"
    )
    db_backup.add_argument("path", help="new file to write")
    _add_database_url(db_backup)
    db_backup.set_defaults(func=cmd_db_backup)
    db_restore = db.add_parser(
        "restore", help="replace a SQLite database with a backup (stop the servers first)"
    )
    db_restore.add_argument("path", help="a file written by `openani db backup`")
    _add_database_url(db_restore)
    db_restore.set_defaults(func=cmd_db_restore)

    def company_and_database(command: argparse.ArgumentParser) -> None:
        command.add_argument("--company", required=True, help="company GUID")
        _add_database_url(command)
        command.set_defaults(func=cmd_anis)

    cli_anis.add_commands(commands, company_and_database)
    return parser


def cmd_anis(args: argparse.Namespace) -> int:
    db = _database(args)
    _ensure_migrated(db)
    try:
        result: int = args.anis_func(args, db, _company(db, args.company))
        return result
    finally:
        db.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())

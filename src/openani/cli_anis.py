"""``openani anis import FILE`` and ``openani anis export``: the inventory from and to CSV on
the command line, with a progress bar on the terminal for long runs."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from openani.errors import OpenAniError
from openani.inventory import ani_export
from openani.inventory.ani_import import AniImportService, read_csv, read_json
from openani.learning.service import LearningService
from openani.store import daily_stats as stats_store
from openani.store.companies import Company
from openani.store.engine import Database


class Progress:
    """A bar on stderr when it is a terminal, redrawn at most 10 times a second."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.shown = self.stream.isatty()
        self._last = 0.0

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if not self.shown or (now - self._last < 0.1 and done != total):
            return
        self._last = now
        if total:
            filled = int(30 * done / total)
            bar = "#" * filled + "." * (30 - filled)
            self.stream.write(f"\r{self.label} [{bar}] {done:,}/{total:,}")
        else:
            self.stream.write(f"\r{self.label} {done:,}")
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def cmd_import(args: argparse.Namespace, db: Database, company: Company) -> int:
    data = Path(args.file).read_bytes()
    progress = Progress("validating")
    try:
        source = (
            read_json(data)
            if args.file.lower().endswith(".json")
            else read_csv(data, default_group=args.inbound_group_id)
        )
        report = AniImportService(db).run(company, source, dry_run=args.dry_run, progress=progress)
    except OpenAniError as exc:
        progress.close()
        fields = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        raise SystemExit(f"refused: {fields or exc.message}") from None
    progress(report["rows"], report["rows"])
    progress.close()
    if args.json:
        print(json.dumps(report, default=str))
    else:
        for row in report["report"]:
            if row["outcome"] == "error":
                fields = "; ".join(f"{k}: {v}" for k, v in row["fields"].items())
                print(f"line {row['line']}: {row['number'] or ''}: {fields}")
        verb = "checked" if args.dry_run else "loaded"
        print(
            f"{verb} {report['rows']:,} rows ({report['layout']}): {report['created']:,} created, "
            f"{report['updated']:,} updated, {report['unchanged']:,} unchanged, "
            f"{report['error']:,} in error"
        )
    return 1 if report["error"] else 0


def cmd_export(args: argparse.Namespace, db: Database, company: Company) -> int:
    model = LearningService(db).model(company.id, company.time_zone, datetime.now(UTC))
    with db.read() as conn:
        total = stats_store.count_anis(conn, company.id, None)
    progress = Progress("exporting")
    out = open(args.output, "w", newline="") if args.output else sys.stdout  # noqa: SIM115
    written = 0
    try:
        pages = ani_export.csv_pages(db, company, {}, model.healthy_volume)
        for index, chunk in enumerate(pages):
            out.write(chunk)
            if index:  # the first chunk is the header
                written += chunk.count("\r\n")
                progress(min(written, total), total)
    finally:
        if out is not sys.stdout:
            out.close()
        progress.close()
    return 0


def add_commands(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """``common`` adds --company and --database-url."""
    anis = commands.add_parser("anis", help="load or export a company's numbers").add_subparsers(
        dest="anis_command", required=True
    )
    load = anis.add_parser("import", help="load numbers from CSV (or a .json list)")
    load.add_argument("file", help="CSV with a header row, or a JSON list (*.json)")
    load.add_argument("--dry-run", action="store_true", help="validate and report only")
    load.add_argument("--inbound-group-id", help="group of rows that name none")
    load.add_argument("--json", action="store_true", help="print the whole report as JSON")
    common(load)
    load.set_defaults(anis_func=cmd_import)
    out = anis.add_parser("export", help="write the numbers as CSV (stdout or --output)")
    out.add_argument("--output", "-o", help="file to write (default: standard output)")
    common(out)
    out.set_defaults(anis_func=cmd_export)

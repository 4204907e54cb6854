"""Migration 0012 fills the area_local statistics in from the results already counted."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import insert, select

from openani.store import companies as company_store
from openani.store import migrate
from openani.store.engine import Database
from openani.store.schema import daily_stats


def test_backfill_counts_only_calls_from_the_prospects_own_area_code(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    migrate.upgrade(db, "0011_holdout")
    with db.write() as conn:
        company = company_store.create_company(conn, "Acme")
        rows = [
            ("+15615550100|561", "2026-11-02", 10, 3),  # local
            ("+15615550101|561", "2026-11-02", 5, 1),  # local, another number
            ("+12125550100|561", "2026-11-02", 7, 2),  # from New York: not local
            ("+15615550100|561", "2026-11-03", 4, 0),  # local, another day
            ("+442079460000|020", "2026-11-02", 9, 9),  # +44: left out
        ]
        for key, day, dials, contacts in rows:
            conn.execute(
                insert(daily_stats).values(
                    company_id=company.id, dimension="ani_area", key=key, day=day,
                    dials=dials, contacts=contacts,
                )
            )  # fmt: skip
    migrate.upgrade(db)
    with db.read() as conn:
        found = conn.execute(
            select(
                daily_stats.c.key, daily_stats.c.day, daily_stats.c.dials, daily_stats.c.contacts
            )
            .where(daily_stats.c.dimension == "area_local")
            .order_by(daily_stats.c.day)
        ).all()
    assert [tuple(r) for r in found] == [("561", "2026-11-02", 15, 4), ("561", "2026-11-03", 4, 0)]
    db.dispose()

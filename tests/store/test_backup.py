"""`openani db backup` and `openani db restore`: a round trip through the real CLI."""

from __future__ import annotations

from pathlib import Path

from openani.inventory.service import ResourceService
from openani.inventory.specs import CAMPAIGNS
from openani.store import migrate
from openani.store.engine import Database
from tests.conftest import make_tenant
from tests.test_cli import openani


def test_backup_and_restore_round_trip(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/live.db"
    db = Database(url)
    migrate.upgrade(db)
    tenant = make_tenant(db)
    campaigns = ResourceService(db, CAMPAIGNS)
    campaigns.create(tenant.company, {"id": "c1", "name": "Before", "type": "Outbound"})

    backup_file = tmp_path / "backup.db"
    taken = openani("db", "backup", str(backup_file), "--database-url", url)
    assert taken.returncode == 0, taken.stderr
    assert openani("db", "backup", str(backup_file), "--database-url", url).returncode != 0

    campaigns.update(tenant.company, {"id": "c1", "name": "After"})
    campaigns.create(tenant.company, {"id": "c2", "name": "Later", "type": "Outbound"})
    db.dispose()

    restored = openani("db", "restore", str(backup_file), "--database-url", url)
    assert restored.returncode == 0, restored.stderr
    db = Database(url)
    page = ResourceService(db, CAMPAIGNS).list(tenant.company, {}, limit=10, cursor=None)
    assert [(c["id"], c["name"]) for c in page.items] == [("c1", "Before")]


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/live.db"
    stray = tmp_path / "stray.db"
    stray.write_bytes(b"")
    result = openani("db", "restore", str(stray), "--database-url", url)
    assert result.returncode != 0
    assert "not an openani database" in result.stderr


def test_postgresql_points_to_pg_dump(postgres_url: str, tmp_path: Path) -> None:
    result = openani("db", "backup", str(tmp_path / "x"), "--database-url", postgres_url)
    assert result.returncode != 0
    assert "pg_dump" in result.stderr

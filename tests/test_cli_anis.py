"""``openani anis import`` and ``openani anis export`` on both databases."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from openani.store.engine import Database
from tests.test_cli import openani

NUMBERS = (
    "country_code,number,inbound_group_id,is_branded,brand_name,carrier_id\n"
    "+1,5617778888,ing1,true,BrandX,carr1\n"
    "+1,2125550143,ing1,false,,\n"
    "+1,561-CALL-NOW,ing1,false,,\n"
)


def test_import_then_export_from_the_command_line(db: Database, tmp_path: Path) -> None:
    created = openani("company", "create", "Acme", "--json", "--database-url", db.url)
    guid = json.loads(created.stdout.strip())["company_guid"]
    path = tmp_path / "numbers.csv"
    path.write_text(NUMBERS)
    target = ("--company", guid, "--database-url", db.url)

    checked = openani("anis", "import", str(path), "--dry-run", *target)
    assert "checked 3 rows" in checked.stdout and "2 created" in checked.stdout
    loaded = openani("anis", "import", str(path), *target)
    assert loaded.returncode == 1  # a row in error
    assert "line 4: 561-CALL-NOW: number:" in loaded.stdout
    assert "2 created" in loaded.stdout and "1 in error" in loaded.stdout
    again = openani("anis", "import", str(path), "--json", *target)
    assert json.loads(again.stdout)["unchanged"] == 2

    exported = openani("anis", "export", *target)
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert {r["number"] for r in rows} == {"5617778888", "2125550143"}
    out = tmp_path / "out.csv"
    assert openani("anis", "export", "--output", str(out), *target).returncode == 0
    assert list(csv.DictReader(io.StringIO(out.read_text()))) == rows

    bad = tmp_path / "bad.csv"
    bad.write_text("number,colour\n5617778888,red\n")
    refused = openani("anis", "import", str(bad), *target)
    assert refused.returncode != 0 and "colour" in refused.stderr
    unknown = openani("anis", "export", "--company", "nope", "--database-url", db.url)
    assert unknown.returncode != 0 and "no company" in unknown.stderr

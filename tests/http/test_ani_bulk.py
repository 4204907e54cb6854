"""POST /dialer/anis/import and GET /dialer/anis/export on both databases: the two CSV layouts,
a JSON list, per-row reports, idempotent re-imports, dry runs, malformed files refused whole,
an export loaded back unchanged, and each company alone with its numbers."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.conftest import Api
from tests.support.errors import refused

IMPORT = "/dialer/anis/import"
EXPORT = "/dialer/anis/export"
CSV = {"Content-Type": "text/csv"}

STANDARD = (
    "country_code,number,inbound_group_id,is_branded,brand_name,carrier_id\n"
    "+1,(561) 777-8888,ing1,true,BrandX,carr1\n"
    "+1,2125550143,ing1,false,,\n"
    "+1,561-CALL-NOW,ing1,false,,\n"
    "+44,020 7946 0000,uk,no,,\n"
)


def load(api: Api, text: str, **params: str) -> Any:
    response = api.post(IMPORT, content=text.encode(), headers=CSV, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def outcomes(report: Any) -> list[str]:
    return [row["outcome"] for row in report["report"]]


def listed(api: Api) -> dict[str, dict[str, Any]]:
    items = api.get("/dialer/anis", params={"limit": "1000"}).json()["items"]
    return {item["number"]: item for item in items}


def exported(api: Api) -> list[dict[str, str]]:
    response = api.get(EXPORT)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_standard_layout_reports_each_row_and_a_second_load_changes_nothing(api: Api) -> None:
    report = load(api, STANDARD)
    assert report["layout"] == "openani"
    assert outcomes(report) == ["created", "created", "error", "created"]
    assert (report["created"], report["error"], report["rows"]) == (3, 1, 4)
    bad = report["report"][2]
    assert bad["line"] == 4 and "number" in bad["fields"]
    assert report["report"][0]["number"] == "5617778888"
    stored = listed(api)
    assert set(stored) == {"5617778888", "2125550143", "2079460000"}
    assert stored["5617778888"]["brand_name"] == "BrandX"
    assert stored["5617778888"]["is_branded"] is True
    assert stored["2079460000"]["country_code"] == "+44"
    assert stored["5617778888"]["state"] == "FL"

    again = load(api, STANDARD)
    assert outcomes(again) == ["unchanged", "unchanged", "error", "unchanged"]
    audit = api.get("/dialer/audit", params={"resource": "ani"}).json()["items"]
    imports = [entry for entry in audit if entry["action"] == "import"]
    assert len(imports) == 1  # the second load wrote nothing


def test_changed_columns_update_and_absent_columns_stay(api: Api) -> None:
    load(api, STANDARD)
    report = load(
        api,
        "number,brand_name,daily_cap\n5617778888,BrandY,40\n2125550143,,\n",
    )
    assert outcomes(report) == ["updated", "unchanged"]
    stored = listed(api)
    assert stored["5617778888"]["brand_name"] == "BrandY"
    assert stored["5617778888"]["daily_cap"] == 40
    assert stored["5617778888"]["carrier_id"] == "carr1"  # not a column of this file
    assert stored["5617778888"]["inbound_group_id"] == "ing1"


def test_dry_run_validates_without_writing(api: Api) -> None:
    report = load(api, STANDARD, dry_run="true")
    assert report["dry_run"] is True
    assert outcomes(report) == ["created", "created", "error", "created"]
    assert listed(api) == {}


def test_a_malformed_file_is_refused_whole(api: Api) -> None:
    cases = {
        "unknown column": (b"number,inbound_group_id,colour\n5617778888,g,red\n", "colour"),
        "no number column": (b"inbound_group_id\ng\n", "number"),
        "not UTF-8": (b"number,inbound_group_id\n561777\xff8888,g\n", "body"),
        "broken quoting": (b'number,inbound_group_id\n"5617778888,g\n', "body"),
        "empty": (b"\n\n", "body"),
    }
    for name, (body, field) in cases.items():
        response = api.post(IMPORT, content=body, headers=CSV)
        assert response.status_code == 422, name
        assert field in response.json()["error"]["fields"], (name, response.text)
    assert listed(api) == {}


def test_too_many_rows_are_refused_whole(api: Api) -> None:
    lines = "".join(f"{2000000000 + i},g\n" for i in range(100_001))
    response = api.post(IMPORT, content=f"number,inbound_group_id\n{lines}".encode(), headers=CSV)
    assert response.status_code == 422
    assert "100000" in response.json()["error"]["fields"]["body"]
    assert listed(api) == {}


def test_rows_in_error_name_the_field(api: Api) -> None:
    report = load(
        api,
        "number,inbound_group_id,is_branded,daily_cap\n"
        "5617778888,g,maybe,\n"
        "5617778889,,false,\n"
        "5617778890,g,false,lots\n"
        "5617778891,g,false,10\n"
        "561-777-8891,g,false,10\n"
        "5617778892,g\n",
    )
    fields = [row.get("fields") for row in report["report"]]
    assert outcomes(report) == ["error", "error", "error", "created", "error", "error"]
    assert fields[0] is not None and "is_branded" in fields[0]
    assert fields[1] is not None and "inbound_group_id" in fields[1]
    assert fields[2] is not None and "daily_cap" in fields[2]
    assert fields[4] is not None and "line 5" in fields[4]["number"]
    assert fields[5] is not None and "row" in fields[5]
    # The file-wide group fills the rows that name none.
    report = load(api, "number\n5617778889\n", inbound_group_id="fallback")
    assert outcomes(report) == ["created"]
    assert listed(api)["5617778889"]["inbound_group_id"] == "fallback"


def test_vicidial_layout_and_its_active_column(api: Api) -> None:
    text = (
        "areacode,outbound_cid,description,active\n"
        "561,5617778888,Palm Beach,Y\n"
        "212,2125550143,Manhattan,N\n"
    )
    report = load(api, text, inbound_group_id="vici")
    assert report["layout"] == "vicidial"
    assert outcomes(report) == ["created", "created"]
    stored = listed(api)
    assert stored["5617778888"]["status"] == "active"
    assert stored["2125550143"]["status"] == "paused"
    assert stored["2125550143"]["inbound_group_id"] == "vici"
    assert outcomes(load(api, text, inbound_group_id="vici")) == ["unchanged", "unchanged"]

    flipped = text.replace(",Y\n", ",N\n", 1).replace("Manhattan,N", "Manhattan,Y")
    assert outcomes(load(api, flipped, inbound_group_id="vici")) == ["updated", "updated"]
    stored = listed(api)
    assert stored["5617778888"]["status"] == "paused"
    assert stored["2125550143"]["status"] == "active"
    history = api.get("/dialer/anis/history", params={"number": "5617778888"}).json()["items"]
    assert history[0]["to"] == "paused" and "imported" in history[0]["reason"]

    missing_group = load(api, "areacode,outbound_cid,description,active\n305,3055550100,x,Y\n")
    assert "inbound_group_id" in missing_group["report"][0]["fields"]


def test_a_json_list_and_a_deleted_number_revived(api: Api) -> None:
    api.post(
        "/dialer/anis", json={"country_code": "+1", "number": "5617778888", "inbound_group_id": "g"}
    )
    api.request("PUT", "/dialer/anis", json={"number": "5617778888"})
    assert api.delete("/dialer/anis", params={"number": "5617778888"}).status_code == 200
    body = [
        {"country_code": "+1", "number": "5617778888", "inbound_group_id": "g2"},
        {"country_code": "+1", "number": "2125550143", "inbound_group_id": "g", "is_branded": 1},
        "not an object",
    ]
    response = api.post(IMPORT, json=body)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["layout"] == "json"
    assert outcomes(report) == ["created", "error", "error"]
    assert "is_branded" in report["report"][1]["fields"]
    assert listed(api)["5617778888"]["inbound_group_id"] == "g2"
    wrong_type = api.post(IMPORT, content=b"<xml/>", headers={"Content-Type": "application/xml"})
    assert wrong_type.status_code == 415


def test_export_has_status_and_figures_and_loads_back_unchanged(api: Api) -> None:
    load(api, STANDARD)
    api.post("/dialer/anis/pause", json={"number": "2125550143", "note": "test"})
    rows = {row["number"]: row for row in exported(api)}
    assert set(rows) == {"5617778888", "2125550143", "2079460000"}
    assert rows["2125550143"]["status"] == "paused"
    assert rows["5617778888"]["brand_name"] == "BrandX"
    assert rows["5617778888"]["dials_30d"] == "0"
    assert rows["5617778888"]["healthy_volume"].isdigit()
    paused_only = api.get(EXPORT, params={"status": "paused"}).text
    assert "2125550143" in paused_only and "5617778888" not in paused_only
    refused(api.get(EXPORT, params={"colour": "red"}), 422, "validation_error", "colour")

    text = api.get(EXPORT).text
    assert set(outcomes(load(api, text))) == {"unchanged"}


def test_companies_never_see_each_others_numbers(api: Api, other_api: Api) -> None:
    load(api, STANDARD)
    assert exported(other_api) == []
    # The same digits are a new number for the other company.
    report = load(other_api, STANDARD)
    assert outcomes(report) == ["created", "created", "error", "created"]
    assert listed(api)["5617778888"]["brand_name"] == "BrandX"
    load(other_api, "number,brand_name\n5617778888,Other\n")
    assert listed(api)["5617778888"]["brand_name"] == "BrandX"

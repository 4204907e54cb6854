"""The store queries of the inventory side (bulk reads, remediations and schedules, status
history, the audit log, the learner's and the planner's reads, the generic resource reads, a
company's keys and settings) answer for one company the same before and after another company
stores the very same data."""

from __future__ import annotations

from datetime import timedelta

from openani.lifecycle.status import DETECTOR_ACTOR
from openani.store import (
    ani_bulk,
    audit,
    companies,
    daily_stats,
    learning,
    lifecycle,
    planner,
    resources,
)
from openani.store.engine import Database
from openani.store.schema import ani_schedules, anis, campaigns, dispositions
from tests.conftest import Api
from tests.store.company_scope import (
    CALL_DAY,
    NOW,
    NUMBERS,
    PROSPECTS,
    TODAY,
    UNKNOWN,
    ConnQueries,
    assert_scoped,
    every_id,
    populate,
)

TOLL_FREE = "8005550123"


def seed(db: Database, api: Api) -> None:
    """populate, and a toll-free number that made a call, a remediation request, a pause now
    and one scheduled, a flag raised by the burned-number detector."""
    populate(api)
    ani = {"country_code": "+1", "number": TOLL_FREE, "inbound_group_id": "g"}
    assert api.post("/dialer/anis", json=ani).status_code == 201
    call = {"call_id": "u3", "campaign_id": "c1", "ani": TOLL_FREE, "dispo": "sale",
            "prospect_phone": PROSPECTS[0], "call_datetime": CALL_DAY}  # fmt: skip
    assert api.post("/dialer/results", json={"results": [call]}).status_code == 200
    remediate = {"ani": NUMBERS[0], "carrier": "carr1", "note": "labelled"}
    assert api.post("/dialer/anis/remediate", json=remediate).status_code == 201
    assert api.post("/dialer/anis/pause", json={"ani": NUMBERS[1]}).status_code == 200
    later = {"ani": NUMBERS[0], "date": (NOW + timedelta(days=2)).isoformat()}
    assert api.post("/dialer/anis/pause", json=later).status_code == 200
    company_id = api.tenant.company.id
    with db.write() as conn:
        flagged = ani_bulk.ids_by_key(conn, company_id, [("+1", NUMBERS[0])])["+1", NUMBERS[0]]
        lifecycle.record(
            conn, company_id, flagged, "active", "suspected_label", "test", DETECTOR_ACTOR, NOW
        )


def queries() -> ConnQueries:
    key = [("+1", number) for number in (*NUMBERS, TOLL_FREE, UNKNOWN)]
    return {
        "inventory_by_key": ani_bulk.inventory_by_key,
        "ids_by_key": lambda c, co: ani_bulk.ids_by_key(c, co, key),
        "rows_by_id": lambda c, co: ani_bulk.rows_by_id(c, co, every_id(c, anis.c.id)),
        "remediation_page": lambda c, co: lifecycle.remediation_page(
            c, co, match={}, before_id=None, limit=100
        ),
        "schedule_page": lambda c, co: lifecycle.schedule_page(
            c, co, match={}, pending_only=True, before_id=None, limit=100
        ),
        "find_schedule": lambda c, co: [
            found
            for schedule_id in every_id(c, ani_schedules.c.id)
            if (found := lifecycle.find_schedule(c, co, schedule_id)) is not None
        ],
        "company_anis": lifecycle.company_anis,
        "history_page": lambda c, co: lifecycle.history_page(
            c, co, match={}, before_id=None, limit=100
        ),
        "audit page": lambda c, co: audit.page(c, co, resource=None, before_id=None, limit=100),
        "ani_area_days": lambda c, co: daily_stats.ani_area_days(c, co, "2026-11-01"),
        "flags_since": lambda c, co: learning.flags_since(
            c, co, DETECTOR_ACTOR, NOW - timedelta(days=1)
        ),
        **{
            f"dials_by_region {group_by}": (
                lambda c, co, g=group_by: sorted(
                    planner.dials_by_region(
                        c,
                        co,
                        "2026-11-01",
                        TODAY,
                        group_by=g,
                        only_campaigns=None,
                        except_campaigns=None,
                    )
                )
            )
            for group_by in ("area_code", "ani", "zip")
        },
        **{
            f"dials_by_region_from_stats {group_by}": (
                lambda c, co, g=group_by: sorted(
                    daily_stats.dials_by_region_from_stats(c, co, "2026-11-01", TODAY, group_by=g),
                    key=repr,
                )
            )
            for group_by in ("area_code", "ani")
        },
        "known_campaigns": lambda c, co: planner.known_campaigns(c, co, ["c1", "c2"]),
        "campaign_list": planner.campaign_list,
        "usable_numbers": lambda c, co: planner.usable_numbers(c, co, NOW, {"active"}),
        **{
            f"{table.name} find": lambda c, co, t=table: resources.find(c, t, co, {})
            for table in (anis, campaigns, dispositions)
        },
        **{
            f"{table.name} page": lambda c, co, t=table: resources.page(
                c, t, co, {}, after_id=None, limit=100
            )
            for table in (anis, campaigns, dispositions)
        },
        "company_settings": companies.company_settings,
        "list_api_keys": lambda c, co: companies.list_api_keys(
            c, next(found for found in companies.all_companies(c) if found.id == co)
        ),
    }


def test_no_inventory_query_answers_with_another_companys_rows(
    db: Database, api: Api, other_api: Api
) -> None:
    assert_scoped(db, api, other_api, lambda tenant_api: seed(db, tenant_api), queries())

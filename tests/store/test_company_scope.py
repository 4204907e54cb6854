"""Every store query that takes a company answers the same before and after another company
stores the very same data (same numbers, campaign, dispositions, call ids and prospects): no
row of another company gets into its answer, whichever query drops its company filter."""

from __future__ import annotations

from openani.store import assignment_log, console, result_lists, results, selection
from openani.store import daily_stats as stats
from openani.store.engine import Database
from tests.conftest import Api
from tests.store.company_scope import (
    NOW,
    NUMBERS,
    PROSPECTS,
    TODAY,
    ConnQueries,
    TxQueries,
    assert_scoped,
    populate,
)

NOVEMBER_ON = stats.Window("2026-11-01", TODAY, TODAY)
WINDOW = {"start": "2026-11-01", "end": TODAY}


def conn_queries() -> ConnQueries:
    return {
        "unmapped_dispositions": lambda c, co: result_lists.unmapped_dispositions(
            c, co, limit=100, offset=0
        ),
        "unknown_anis": lambda c, co: result_lists.unknown_anis(c, co, limit=100, offset=0),
        "result_page": lambda c, co: result_lists.result_page(
            c, co, match={}, start=None, end=None, before_id=None, limit=100
        ),
        "ani_stats": lambda c, co: stats.ani_stats(
            c,
            co,
            NOVEMBER_ON,
            campaign=None,
            number_prefix=None,
            area_code=None,
            state=None,
            status=None,
            after_id=None,
            limit=100,
        ),
        "count_anis": lambda c, co: stats.count_anis(c, co, None),
        **{
            f"grouped_stats {dimension} {by_state}": (
                lambda c, co, d=dimension, s=by_state: stats.grouped_stats(
                    c, co, NOVEMBER_ON, dimension=d, by_state=s, after=None, limit=100
                )
            )
            for dimension, by_state in (("campaign", False), ("area", False), ("area", True))
        },
        "inventory_version": selection.inventory_version,
        "company_defaults": selection.company_defaults,
        "campaign_configs": selection.campaign_configs,
        "selectable_anis": selection.selectable_anis,
        "usage_rows": selection.usage_rows,
        "last_ani_for_prospect": lambda c, co: selection.last_ani_for_prospect(c, co, PROSPECTS[0]),
        "daily_series": lambda c, co: stats.daily_series(c, co, "ani", None, **WINDOW),
        "status_counts": lambda c, co: console.status_counts(c, co, NOW),
        "numbers_by_area": console.numbers_by_area,
        "local_dials_by_area": lambda c, co: stats.local_dials_by_area(c, co, **WINDOW),
        "area_states": lambda c, co: stats.area_states(c, co, **WINDOW),
        "areas_called": lambda c, co: stats.areas_called(c, co, "+1" + NUMBERS[0], **WINDOW),
        "ani_id": lambda c, co: console.ani_id(c, co, "+1", NUMBERS[0]),
        "console unmapped_dispositions": lambda c, co: console.unmapped_dispositions(c, co, 100),
        "assignment page": lambda c, co: assignment_log.page(
            c,
            co,
            prospect_phone=None,
            ani_match=None,
            campaign=None,
            start=None,
            end=None,
            before_id=None,
            limit=100,
        ),
    }


def tx_queries() -> TxQueries:
    return {
        "dispositions": results.dispositions,
        "ani_ids": lambda tx, co: results.ani_ids(tx, co, list(NUMBERS)),
        "existing_results": lambda tx, co: results.existing_results(tx, co, ["u0", "u1", "u2"]),
        "prospect_arms": lambda tx, co: results.prospect_arms(tx, co, list(PROSPECTS)),
        "results_with_dispo_lookups": lambda tx, co: results.results_with_dispo_lookups(
            tx, co, ["sale", "xfer"]
        ),
    }


def test_no_query_answers_with_another_companys_rows(
    db: Database, api: Api, other_api: Api
) -> None:
    assert_scoped(db, api, other_api, populate, conn_queries(), tx_queries())

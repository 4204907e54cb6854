"""Shared by the company-scope tests: what both companies store, and the check that a query
for one company answers the same before and after the other stores the very same data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from openani.store.engine import Database
from openani.store.raw import RawTransaction, raw_transaction
from tests.conftest import Api

ConnQueries = Mapping[str, Callable[[Connection, int], Any]]
TxQueries = Mapping[str, Callable[[RawTransaction, int], Any]]

NOW = datetime.now(UTC)
TODAY = NOW.date().isoformat()
NUMBERS = ("5615550100", "2125550101")
PROSPECTS = ("5617778888", "2127778888")
UNKNOWN = "7185550199"  # a number both companies dial without holding it
CALL_DAY = "2026-11-20T10:00:00-05:00"
# How an answer that found nothing prints.
EMPTY = {"[]", "{}", "None", "0", "()", "set()"}


def populate(api: Api) -> None:
    """What both companies store, identically."""
    sale = {"id": "sale", "name": "Sale", "type": "Agent", "contact": True, "success": True}
    assert api.post("/dialer/dispos", json=sale).status_code == 201
    campaign = {"id": "c1", "name": "C", "type": "Outbound", "daily_cap": 5}
    assert api.post("/dialer/campaigns", json=campaign).status_code == 201
    for number in NUMBERS:
        ani = {"country_code": "+1", "number": number, "inbound_group_id": "g"}
        assert api.post("/dialer/anis", json=ani).status_code == 201
    for prospect in PROSPECTS:
        body = {"outbound_campaign": "c1", "prospect_phone": prospect}
        assert api.post("/dialer/next", json=body).status_code == 200
    rows = [
        {"call_id": f"u{i}", "campaign_id": "c1", "ani": ani, "dispo": dispo,
         "prospect_phone": prospect, "call_datetime": CALL_DAY}
        for i, (ani, dispo, prospect) in enumerate((
            (NUMBERS[0], "sale", PROSPECTS[0]),
            (NUMBERS[1], "sale", PROSPECTS[1]),
            (UNKNOWN, "XFER", PROSPECTS[0]),  # an unknown number, an unmapped dispo
        ))
    ]  # fmt: skip
    assert api.post("/dialer/results", json={"results": rows}).status_code == 200


def set_apart(api: Api) -> None:
    """What the second company stores besides, so that a query that mixes in its rows answers
    differently even where identical rows would merge: the number the first one only dialled,
    a campaign c2 and a name of its own for c1, half its prospects in the holdout arm (the first
    of PROSPECTS for the second company made), a call to an area code the first never called
    from a number of its own, unknown, with a disposition of its own, unmapped, which its call
    u0 gets as well."""
    ani = {"country_code": "+1", "number": UNKNOWN, "inbound_group_id": "g"}
    assert api.post("/dialer/anis", json=ani).status_code == 201
    two = {"id": "c2", "name": "Two", "type": "Outbound"}
    assert api.post("/dialer/campaigns", json=two).status_code == 201
    assert api.put("/dialer/campaigns", json={"id": "c1", "name": "Theirs"}).status_code == 200
    assert api.put("/dialer/settings", json={"holdout_share": 0.5}).status_code == 200
    for prospect in PROSPECTS:
        body = {"outbound_campaign": "c1", "prospect_phone": prospect}
        assert api.post("/dialer/next", json=body).status_code == 200
    calls = [
        {"call_id": "theirs", "campaign_id": "c1", "ani": "9175550142", "dispo": "CALLBK",
         "prospect_phone": "3055550123", "call_datetime": CALL_DAY},
        {"call_id": "u0", "campaign_id": "c1", "ani": NUMBERS[0], "dispo": "CALLBK",
         "prospect_phone": PROSPECTS[0], "call_datetime": CALL_DAY},
    ]  # fmt: skip
    assert api.post("/dialer/results", json={"results": calls}).status_code == 200


def every_id(conn: Connection, column: Any) -> list[Any]:
    """Keys of every company's rows: a lookup by key must find only its own company's."""
    return [row[0] for row in conn.execute(select(column).order_by(column))]


def printed(answer: Any) -> str:
    """An answer as text to compare; a mapping in key order, whatever order the rows came in."""
    if isinstance(answer, dict):
        return repr(sorted(answer.items()))
    return repr(answer)


def answers(
    db: Database, company_id: int, conn_queries: ConnQueries, tx_queries: TxQueries | None = None
) -> dict[str, str]:
    """Each query's answer for the company, as text (query name -> answer)."""
    with db.read() as conn:
        found = {name: printed(query(conn, company_id)) for name, query in conn_queries.items()}
    with raw_transaction(db) as tx:
        found |= {
            name: printed(query(tx, company_id)) for name, query in (tx_queries or {}).items()
        }
    return found


def assert_scoped(
    db: Database,
    api: Api,
    other_api: Api,
    seed: Callable[[Api], None],
    conn_queries: ConnQueries,
    tx_queries: TxQueries | None = None,
) -> None:
    """``seed`` both companies alike, and the second one with ``set_apart`` besides: the
    queries' answers for the first company must not change, and every query must find
    something of either company's, so that none passes by finding nothing."""
    seed(api)
    before = answers(db, api.tenant.company.id, conn_queries, tx_queries)
    seed(other_api)
    set_apart(other_api)
    after = answers(db, api.tenant.company.id, conn_queries, tx_queries)
    changed = {name: (before[name], after[name]) for name in after if after[name] != before[name]}
    assert not changed, changed
    theirs = answers(db, other_api.tenant.company.id, conn_queries, tx_queries)
    found_nothing = [name for name in before if EMPTY & {before[name], theirs[name]}]
    assert not found_nothing, found_nothing

"""Result ingestion without HTTP: call times and the clock, rows the database refuses, rows
that are not objects, single results grouped per company, statistics that follow a
disposition renamed after the fact."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from openani.errors import ValidationFailed
from openani.results.service import ResultIngest, UnstorableValue
from openani.store.companies import Company
from openani.store.engine import Database
from openani.store.raw import RawTransaction
from openani.store.schema import (
    anis,
    assignments,
    daily_stats,
    dial_results,
    dispositions,
    webhook_events,
)
from tests.conftest import Api, Tenant
from tests.webhooks.test_delivery import result


def _field_error(outcome: Any) -> dict[str, str]:
    assert outcome.status == "error" and isinstance(outcome.error, ValidationFailed)
    fields: dict[str, str] = outcome.error.fields
    return fields


def _counted(db: Database, company_id: int, dimension: str = "ani") -> list[tuple[Any, ...]]:
    with db.read() as conn:
        rows = conn.execute(
            select(
                daily_stats.c.key, daily_stats.c.day, daily_stats.c.dials, daily_stats.c.contacts
            ).where(daily_stats.c.company_id == company_id, daily_stats.c.dimension == dimension)
        ).all()
    return sorted(tuple(row) for row in rows)


def test_a_call_up_to_a_day_ahead_is_taken_and_later_ones_refused(
    db: Database, tenant: Tenant
) -> None:
    now = datetime.now(UTC)
    rows = [
        result("soon", call_datetime=(now + timedelta(hours=23)).isoformat()),
        result("later", call_datetime=(now + timedelta(hours=25)).isoformat()),
        result("garbled", call_datetime="20th of November"),
        result("year one", call_datetime="0001-01-01T00:00:00+00:00"),
    ]
    soon, later, garbled, year_one = ResultIngest(db).ingest(tenant.company, rows)
    assert soon.status == "stored"
    assert _field_error(later) == {"call_datetime": "is more than a day in the future"}
    assert _field_error(garbled) == {
        "call_datetime": "must be YYYY-MM-DD HH:MM:SS (company time zone) or ISO 8601"
    }
    assert list(_field_error(year_one)) == ["call_datetime"]
    assert [o.call_id for o in (soon, later, garbled, year_one)] == [
        "soon", "later", "garbled", "year one",
    ]  # fmt: skip


def test_a_time_without_offset_is_the_companys_local_time(db: Database, tenant: Tenant) -> None:
    [stored] = ResultIngest(db).ingest(
        tenant.company, [result("late", call_datetime="2026-11-20 23:30:00")]
    )
    assert stored.status == "stored"
    with db.read() as conn:
        call_at, call_day = conn.execute(
            select(dial_results.c.call_at, dial_results.c.call_day)
        ).one()
    assert (call_at.astimezone(UTC), call_day) == (
        datetime(2026, 11, 21, 4, 30, tzinfo=UTC),
        "2026-11-20",
    )


def test_rows_that_are_not_objects_or_have_bad_numbers_fail_alone(
    db: Database, tenant: Tenant
) -> None:
    rows: list[Any] = [
        "u0",
        result("u1", ani="call me"),
        result("u2", prospect_phone="12"),
        result("u3"),
        {"campaign_id": "c123"},
    ]
    outcomes = ResultIngest(db).ingest(tenant.company, rows, lenient=True)
    assert [(o.call_id, o.status) for o in outcomes] == [
        (None, "error"), ("u1", "error"), ("u2", "error"), ("u3", "stored"), (None, "error"),
    ]  # fmt: skip
    assert _field_error(outcomes[0]) == {"result": "must be a JSON object"}
    assert list(_field_error(outcomes[1])) == ["ani"]
    assert list(_field_error(outcomes[2])) == ["prospect_phone"]


def test_a_value_the_database_refuses_fails_its_row_alone(
    db: Database, tenant: Tenant, caplog: pytest.LogCaptureFixture
) -> None:
    """Validation refuses such values first; should one get through, its neighbours are stored,
    it answers an error of its own and the log names the driver's error, not the values."""
    ingest = ResultIngest(db)
    zone = ZoneInfo(tenant.company.time_zone)
    good = ResultIngest._prepare(result("good"), zone, True)
    bad = {**ResultIngest._prepare(result("bad"), zone, True), "attempts": 2**70}
    with caplog.at_level(logging.WARNING, logger="openani.results"):
        outcomes = ingest._store_each_alone(tenant.company, [(0, bad), (1, good)])
    assert [(i, o.call_id, o.status) for i, o in outcomes] == [
        (0, "bad", "error"),
        (1, "good", "stored"),
    ]
    error = outcomes[0][1].error
    assert isinstance(error, UnstorableValue)
    assert (error.code, error.status, error.message) == (
        "unstorable_value",
        422,
        "the database cannot store a value of this result (out of its range)",
    )
    [record] = [r for r in caplog.records if r.name == "openani.results"]
    assert record.getMessage().startswith("the database refused a dial result: ")
    assert str(2**70) not in record.getMessage()
    with db.read() as conn:
        assert list(conn.execute(select(dial_results.c.call_id)).scalars()) == ["good"]


def test_single_results_of_two_companies_in_one_turn_are_stored_each_for_its_own(
    db: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    ingest = ResultIngest(db)

    async def together() -> list[Any]:
        return list(
            await asyncio.gather(
                ingest.ingest_one(tenant.company, result("g1")),
                ingest.ingest_one(other_tenant.company, result("g1")),
                ingest.ingest_one(tenant.company, result("g2")),
                ingest.ingest_one(tenant.company, {"call_id": "g3"}),
            )
        )

    outcomes = asyncio.run(together())
    assert [(o.call_id, o.status) for o in outcomes] == [
        ("g1", "stored"), ("g1", "stored"), ("g2", "stored"), ("g3", "error"),
    ]  # fmt: skip
    with db.read() as conn:
        stored = conn.execute(select(dial_results.c.company_id, dial_results.c.call_id)).all()
    ours, theirs = tenant.company.id, other_tenant.company.id
    assert sorted(stored) == sorted([(ours, "g1"), (ours, "g2"), (theirs, "g1")])


def test_statistics_follow_a_disposition_renamed_after_the_fact(
    api: Api, db: Database, tenant: Tenant
) -> None:
    """Results name the disposition "Closed"; it is defined with that name, then renamed to
    "Won": the results count as contacts while their name matches, those named "Won" from the
    rename on."""
    rows = [result("r1", dispo="Closed"), result("r2", dispo="closed")]
    assert api.post("/dialer/results", json={"results": rows}).status_code == 200
    company = tenant.company.id
    assert _counted(db, company) == [("+15615550100", "2026-11-20", 2, 0)]
    sale = {"id": "s1", "name": "Closed", "type": "Agent", "contact": True, "success": True}
    assert api.post("/dialer/dispos", json=sale).status_code == 201
    assert _counted(db, company) == [("+15615550100", "2026-11-20", 2, 2)]
    won = result("r3", dispo="Won")
    assert api.post("/dialer/results", json={"results": [won]}).status_code == 200
    assert _counted(db, company) == [("+15615550100", "2026-11-20", 3, 2)]
    assert api.put("/dialer/dispos", json={"id": "s1", "name": "Won"}).status_code == 200
    assert _counted(db, company) == [("+15615550100", "2026-11-20", 3, 1)]


@pytest.mark.parametrize("agent", ["agent7", None])
def test_a_re_disposition_moves_the_agents_statistics(
    db: Database, tenant: Tenant, api: Api, agent: str | None
) -> None:
    sale = {"id": "sale", "name": "Sale", "type": "Agent", "contact": True, "success": True}
    assert api.post("/dialer/dispos", json=sale).status_code == 201
    ingest = ResultIngest(db)
    first = result("a1", dispo="na", agent_id=agent)
    assert [o.status for o in ingest.ingest(tenant.company, [first, first])] == [
        "stored",
        "duplicate",
    ]
    assert [o.status for o in ingest.ingest(tenant.company, [{**first, "dispo": "sale"}])] == [
        "updated"
    ]
    expected = [("agent7", "2026-11-20", 1, 1)] if agent else []
    assert _counted(db, tenant.company.id, "agent") == expected


def test_types_are_strict_and_fields_exact_unless_asked_otherwise(
    db: Database, tenant: Tenant
) -> None:
    """The seed callback asks for loose types (its values are all text) and the JSON API for
    lenient rows; by default a number sent as text and an unknown field are refused."""
    ingest = ResultIngest(db)
    as_text = result("t1", duration_s="42")
    unknown = result("t2", colour="blue")
    strict, exact = ingest.ingest(tenant.company, [as_text, unknown])
    assert list(_field_error(strict)) == ["duration_s"]
    assert list(_field_error(exact)) == ["colour"]
    loose = ingest.ingest(tenant.company, [as_text], strict_types=False)
    lenient = ingest.ingest(tenant.company, [unknown, result("t3")], lenient=True)
    assert [(o.status, o.warnings) for o in (*loose, *lenient)] == [
        ("stored", ()),
        ("stored", ("colour: unknown field, ignored",)),
        ("stored", ()),
    ]

    async def one(raw: dict[str, Any], **options: bool) -> Any:
        return await ingest.ingest_one(tenant.company, raw, **options)

    assert list(_field_error(asyncio.run(one(result("t4", duration_s="42"))))) == ["duration_s"]
    single = asyncio.run(one(result("t4", duration_s="42"), strict_types=False))
    assert (single.status, single.warnings) == ("stored", ())


def test_a_retry_with_the_kpis_in_another_order_is_a_duplicate(
    db: Database, tenant: Tenant
) -> None:
    ingest = ResultIngest(db)
    first = result("k1", kpis={"score": "9", "revenue": "120"})
    again = result("k1", kpis={"revenue": "120", "score": "9"})
    assert [o.status for o in ingest.ingest(tenant.company, [first])] == ["stored"]
    assert [o.status for o in ingest.ingest(tenant.company, [again])] == ["duplicate"]
    with db.read() as conn:
        kpis = conn.execute(select(dial_results.c.kpis)).scalar_one()
    assert kpis == '{"revenue": "120", "score": "9"}'


def test_a_result_counts_in_the_arm_of_its_prospects_assignment(
    api: Api, db: Database, tenant: Tenant
) -> None:
    ani = {"country_code": "+1", "number": "5615550100", "inbound_group_id": "g"}
    assert api.post("/dialer/anis", json=ani).status_code == 201
    campaign = {"id": "c123", "name": "C", "type": "Outbound"}
    assert api.post("/dialer/campaigns", json=campaign).status_code == 201
    ask = {"outbound_campaign": "c123", "prospect_phone": "5617778888"}
    assert api.post("/dialer/next", json=ask).status_code == 200
    with db.read() as conn:
        arm = conn.execute(select(assignments.c.arm)).scalar_one()
    assert arm in ("default", "holdout")
    assert api.post("/dialer/results", json={"results": [result("a1")]}).status_code == 200
    # (Today's row holds the assignment.)
    on_the_call_day = [r for r in _counted(db, tenant.company.id, "arm") if r[1] == "2026-11-20"]
    assert on_the_call_day == [(arm, "2026-11-20", 1, 0)]


def test_stored_results_are_told_to_the_webhook_outbox(api: Api, db: Database) -> None:
    hook = {"url": "https://hooks.example.com/x", "events": ["dial.batch"]}
    assert api.post("/dialer/webhooks", json=hook).status_code == 201
    assert api.post("/dialer/results", json={"results": [result("w1")]}).status_code == 200
    again = result("w1", dispo="na")  # a re-disposition
    assert api.post("/dialer/results", json={"results": [again]}).status_code == 200
    with db.read() as conn:
        events = conn.execute(
            select(webhook_events.c.type, webhook_events.c.payload).order_by(webhook_events.c.id)
        ).all()
    assert [event.type for event in events] == ["dial.batch", "dial.batch"]
    told = [[row["status"] for row in json.loads(e.payload)["data"]["results"]] for e in events]
    assert told == [["stored"], ["updated"]]


def test_results_link_their_number_and_disposition_and_a_resend_compares_what_was_sent(
    api: Api, db: Database, tenant: Tenant
) -> None:
    """A stored result links the inventory's number and the company's disposition. Sent again
    it is a duplicate even when the number was added to the inventory since (the link is not
    what the dialer sent), and updated when a value it sent changed."""
    sale = {"id": "sale", "name": "Sale", "type": "Agent", "contact": True, "success": True}
    assert api.post("/dialer/dispos", json=sale).status_code == 201
    ani = {"country_code": "+1", "number": "5615550100", "inbound_group_id": "g"}
    assert api.post("/dialer/anis", json=ani).status_code == 201
    ingest = ResultIngest(db)
    unknown_number = result("l2", ani="2125550177")
    assert [o.status for o in ingest.ingest(tenant.company, [result("l1"), unknown_number])] == [
        "stored",
        "stored",
    ]
    with db.read() as conn:
        links = conn.execute(
            select(dial_results.c.call_id, anis.c.number, dispositions.c.ext_id)
            .outerjoin(anis, anis.c.id == dial_results.c.ani_id)
            .outerjoin(dispositions, dispositions.c.id == dial_results.c.disposition_id)
            .order_by(dial_results.c.call_id)
        ).all()
    assert [tuple(link) for link in links] == [
        ("l1", "5615550100", "sale"),
        ("l2", None, "sale"),
    ]
    ani = {"country_code": "+1", "number": "2125550177", "inbound_group_id": "g"}
    assert api.post("/dialer/anis", json=ani).status_code == 201
    longer = result("l1", duration_s=43)
    outcomes = ingest.ingest(tenant.company, [unknown_number, longer])
    assert [o.status for o in outcomes] == ["duplicate", "updated"]


def test_a_disposition_recategorised_recategorises_its_results(
    api: Api, db: Database, tenant: Tenant
) -> None:
    sale = {"id": "sale", "name": "Sale", "type": "Agent", "contact": True, "success": True,
            "category": "human"}  # fmt: skip
    assert api.post("/dialer/dispos", json=sale).status_code == 201
    assert [o.status for o in ResultIngest(db).ingest(tenant.company, [result("c1")])] == ["stored"]
    assert (
        api.put("/dialer/dispos", json={"id": "sale", "category": "voicemail"}).status_code == 200
    )
    with db.read() as conn:
        category = conn.execute(select(dial_results.c.counted_category)).scalar_one()
    assert category == "voicemail"


class _SentMeanwhile:
    """Stores the same result from another connection while the first send's transaction is
    under way (PostgreSQL's row locks let both run): the race of a dialer's resend."""

    def __init__(self, db: Database, company: Company, raw: dict[str, Any]) -> None:
        self._other = ResultIngest(db)
        self._company, self._raw = company, raw
        self.raced = False

    def processed(self, tx: RawTransaction, company_id: int, rows: Any, at: datetime) -> None:
        if not self.raced:
            self.raced = True
            assert [o.status for o in self._other.ingest(self._company, [self._raw])] == ["stored"]


def test_a_resend_stored_meanwhile_by_another_transaction_answers_duplicate(
    db: Database, tenant: Tenant
) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite writes one transaction at a time: the race cannot happen")
    raw = result("race")
    hook = _SentMeanwhile(db, tenant.company, raw)
    outcomes = ResultIngest(db, events=hook).ingest(tenant.company, [raw])
    assert hook.raced and [o.status for o in outcomes] == ["duplicate"]
    assert _counted(db, tenant.company.id) == [("+15615550100", "2026-11-20", 1, 0)]

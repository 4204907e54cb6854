"""The webhook store's queries (subscriptions, webhooks, the signing secret, dial events, the
delivery log) answer for one company the same before and after another company stores the very
same data; deliveries leased for several companies carry each their own company's secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from openani.store import webhooks
from openani.store.engine import Database
from openani.store.schema import webhook_deliveries
from openani.store.schema import webhooks as webhook_table
from tests.conftest import Api
from tests.store.company_scope import ConnQueries, TxQueries, assert_scoped, every_id, populate


def seed(api: Api) -> None:
    populate(api)
    add_webhook(api)


def add_webhook(api: Api) -> None:
    """A webhook (the first makes the signing secret) with a test delivery pending."""
    created = api.post("/dialer/webhooks", json={"url": "https://hooks.example.com/x"})
    assert created.status_code == 201, created.text
    sent = api.post("/dialer/webhooks/test", json={"id": created.json()["id"]})
    assert sent.status_code == 202, sent.text


def tx_queries() -> TxQueries:
    return {
        "subscriptions": webhooks.subscriptions,
        "unmapped_dispos_known": lambda tx, co: webhooks.unmapped_dispos_known(
            tx, co, ["XFER", "CALLBK", "sale"]
        ),
    }


def conn_queries() -> ConnQueries:
    return {
        "count_webhooks": webhooks.count_webhooks,
        "find_webhook": lambda c, co: [
            found
            for public_id in every_id(c, webhook_table.c.public_id)
            if (found := webhooks.find_webhook(c, co, public_id)) is not None
        ],
        "list_webhooks": webhooks.list_webhooks,
        "signing_secret": webhooks.signing_secret,
        "enabled_webhooks": lambda c, co: webhooks.enabled_webhooks(c, [co]),
        "dial_events": lambda c, co: webhooks.dial_events(c, co, ["u0", "u1", "u2"]),
        "delivery_page": lambda c, co: webhooks.delivery_page(
            c, co, webhook_id=None, status=None, before_id=None, limit=100
        ),
        "find_delivery": lambda c, co: [
            found
            for public_id in every_id(c, webhook_deliveries.c.public_id)
            if (found := webhooks.find_delivery(c, co, public_id)) is not None
        ],
    }


def test_no_webhook_query_answers_with_another_companys_rows(
    db: Database, api: Api, other_api: Api
) -> None:
    assert_scoped(db, api, other_api, seed, conn_queries(), tx_queries())


def test_leased_deliveries_carry_their_own_companys_secret(
    db: Database, api: Api, other_api: Api
) -> None:
    seed(api)
    seed(other_api)
    now = datetime.now(UTC) + timedelta(seconds=1)
    with db.write() as conn:
        due = webhooks.lease_due(conn, now, now + timedelta(minutes=1), 100)
        secrets = {
            company_id: webhooks.signing_secret(conn, company_id)
            for company_id in (api.tenant.company.id, other_api.tenant.company.id)
        }
    assert sorted(d.company_id for d in due) == sorted(secrets)
    assert len({row.secret for row in secrets.values() if row is not None}) == 2
    for delivery in due:
        found = secrets[delivery.company_id]
        assert found is not None and delivery.secret == found.secret

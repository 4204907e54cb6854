"""The store's writes that take a company change that company's rows only: a campaign created
on the fly or anew where another company has one of the same id, settings (and the inventory
version), the webhook signing secret. Every read query of the other company answers as before."""

from __future__ import annotations

from openani.store import campaigns, companies, planner, resources, webhooks
from openani.store.engine import Database
from openani.store.schema import campaigns as campaign_table
from tests.conftest import Api
from tests.store import test_company_scope as core
from tests.store import test_company_scope_inventory as inventory
from tests.store import test_company_scope_webhooks as hooks
from tests.store.company_scope import NOW, answers, set_apart


def everything(db: Database, company_id: int) -> dict[str, str]:
    """Every read query's answer for the company."""
    return answers(
        db,
        company_id,
        {**core.conn_queries(), **inventory.queries(), **hooks.conn_queries()},
        {**core.tx_queries(), **hooks.tx_queries()},
    )


def test_writes_for_one_company_leave_the_other_untouched(
    db: Database, api: Api, other_api: Api
) -> None:
    for tenant_api in (api, other_api):
        inventory.seed(db, tenant_api)
        hooks.add_webhook(tenant_api)
    ours, theirs = api.tenant.company.id, other_api.tenant.company.id
    set_apart(other_api)  # among others, a campaign c2
    with db.write() as conn:
        campaigns.create_unknown(conn, theirs, "auto1", NOW)
    before = everything(db, theirs)
    with db.write() as conn:
        campaigns.create_unknown(conn, ours, "auto1", NOW)
        resources.create_or_revive(
            conn,
            campaign_table,
            ours,
            {"ext_id": "c2"},
            {"name": "Ours", "type": "Outbound"},
            label="campaign",
        )
        companies.update_company_settings(conn, ours, {"daily_cap": 9})
        webhooks.save_signing_secret(conn, ours, {"secret": "whsec_ours", "created_at": NOW})
    changed = {name: text for name, text in everything(db, theirs).items() if text != before[name]}
    assert changed == {}
    with db.read() as conn:
        assert planner.known_campaigns(conn, ours, ["auto1", "c2"]) == {"auto1", "c2"}
        assert companies.company_settings(conn, ours)["daily_cap"] == 9
        secret = webhooks.signing_secret(conn, ours)
        assert secret is not None and secret.secret == "whsec_ours"

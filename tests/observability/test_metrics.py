"""GET /metrics on both databases: every family the service promises, moving as it should."""

from __future__ import annotations

from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from openani.http.app import create_app
from openani.settings import Settings
from openani.store.engine import Database
from tests.conftest import Api, Tenant
from tests.http.test_next_ani import add_ani, add_campaign
from tests.support.seed import CALLBACK
from tests.webhooks.conftest import create_webhook, fast_settings
from tests.webhooks.test_delivery import post_results, result, wait_status


def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_by_route_and_status(client: TestClient, api: Api) -> None:
    api.put("/dialer/settings", json={"unknown_campaign": "reject"})  # "nope" is then a 404
    before = scrape(client)
    add_campaign(api)
    add_ani(api, "5615550100")
    for _ in range(3):
        assert api.post("/dialer/next", json={"outbound_campaign": "c123",
                        "prospect_phone": "5617778888"}).status_code == 200  # fmt: skip
    api.post("/dialer/next", json={"outbound_campaign": "nope", "prospect_phone": "5617778888"})
    client.get("/no/such/path")
    after = scrape(client)
    route = {"route": "/dialer/next", "method": "POST"}

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("openani_http_requests_total", **route, status="200") == 3
    assert delta("openani_http_requests_total", **route, status="404") == 1
    assert delta("openani_http_request_duration_seconds_count", **route, status="200") == 3
    assert delta("openani_http_request_duration_seconds_bucket", **route, status="200",
                 le="+Inf") == 3  # fmt: skip
    assert delta("openani_http_requests_total", route="unmatched", method="GET",
                 status="404") == 1  # fmt: skip
    assert delta("openani_picks_total", assignment_type="area_code", match="area_code",
                 fallback="false") == 3  # fmt: skip


def test_no_number_answers_by_reason(client: TestClient, api: Api) -> None:
    add_campaign(api, daily_cap=1, cap_mode="strict")
    add_ani(api, "5615550100")
    ask = {"outbound_campaign": "c123", "prospect_phone": "5617778888"}
    before = scrape(client)
    assert api.post("/dialer/next", json=ask).status_code == 200
    assert api.post("/dialer/next", json=ask).status_code == 404
    batch = api.post("/dialer/next/batch", json={"outbound_campaign": "c123", "leads": [
        {"row_id": 1, "prospect_phone": "5617778888"}]})  # fmt: skip
    assert batch.json()["results"][0]["error"]["code"] == "no_available_ani"
    after = scrape(client)
    reason = value(after, "openani_no_ani_total", reason="all_capped") - value(
        before, "openani_no_ani_total", reason="all_capped"
    )
    assert reason == 2


def test_results_ingested_and_refused(client: TestClient, api: Api, tenant: Tenant) -> None:
    before = scrape(client)
    post_results(api, result("c1"), result("c2"), {"call_id": "bad"})
    post_results(api, result("c1"))
    client.get(CALLBACK, params={"0504bd2b-f9eb-4a72-b497-7c8cac8692a0": tenant.company.guid})
    after = scrape(client)

    def delta(source: str, outcome: str) -> float:
        return value(after, "openani_results_total", source=source, outcome=outcome) - value(
            before, "openani_results_total", source=source, outcome=outcome
        )

    assert delta("api", "stored") == 2
    assert delta("api", "refused") == 1
    assert delta("api", "duplicate") == 1
    assert delta("callback", "refused") == 1


def test_numbers_per_status(client: TestClient, api: Api) -> None:
    for number in ("5615550100", "5615550101", "5615550102"):
        add_ani(api, number)
    api.post("/dialer/anis/pause", json={"number": "5615550101"})
    samples = scrape(client)
    # Counts cover every company in the database; this test's company is the only one.
    assert value(samples, "openani_anis", status="active") == 2
    assert value(samples, "openani_anis", status="paused") == 1
    assert value(samples, "openani_anis", status="resting") == 0


def test_webhook_deliveries_and_job_durations(db: Database, tenant: Tenant) -> None:
    from tests.support.receiver import receiver

    with receiver() as sink, TestClient(create_app(fast_settings(db), db)) as client:
        api = Api(client, tenant)
        before = scrape(client)
        sink.statuses = [500]
        create_webhook(api, sink.url)
        post_results(api, result("c1"))
        received = sink.wait_for(lambda r: any(x.status == 200 for x in r), "an accepted attempt")
        wait_status(api, received[0].json["delivery_id"], "delivered")
        after = scrape(client)
        for outcome, count in (("retry", 1), ("delivered", 1)):
            name = "openani_webhook_attempts_total"
            assert (
                value(after, name, outcome=outcome) - value(before, name, outcome=outcome) >= count
            )
        assert value(after, "openani_webhook_events_total", event="dial.batch") >= 1
        assert value(after, "openani_job_duration_seconds_count", job="webhook_pass") >= 1
        assert ("openani_webhook_deliveries_pending", ()) in after


def test_a_metrics_token_is_asked_for_when_set(db: Database) -> None:
    settings = Settings(database_url=db.url, metrics_token="s3cret")
    with TestClient(create_app(settings, db)) as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
        ok = client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200
        assert "openani_http_requests_total" in ok.text


def test_request_ids_are_echoed_or_made(client: TestClient, api: Api) -> None:
    given = client.get("/healthz", headers={"X-Request-Id": "dialer-42.a:b"})
    assert given.headers["x-request-id"] == "dialer-42.a:b"
    made = client.get("/healthz").headers["x-request-id"]
    assert len(made) == 32 and made != client.get("/healthz").headers["x-request-id"]
    # Ids that could put a number, a GUID or a key into the log are replaced.
    for hiding in ("5617778888", "0504bd2b-f9eb-4a72-b497-7c8cac8692a0", api.tenant.api_key,
                   "has space", "x" * 200):  # fmt: skip
        echoed = client.get("/healthz", headers={"X-Request-Id": hiding}).headers["x-request-id"]
        assert echoed != hiding and len(echoed) == 32
    # Errors carry it too.
    assert "x-request-id" in api.get("/dialer/campaigns", params={"id": "nope"}).headers

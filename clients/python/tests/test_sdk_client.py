"""The blocking client against a live server: inventory, /dialer/next, results, pagination."""

from __future__ import annotations

import uuid

import pytest

from conftest import Live
from openani_client import ANIS, CAMPAIGNS, DISPOS, Client, NoAvailableAni, OpenAniError


def _campaign(client: Client) -> str:
    campaign = "c-" + uuid.uuid4().hex[:8]
    client.create(CAMPAIGNS, id=campaign, name="SDK", type="Outbound")
    return campaign


def test_the_dialer_calls(live: Live) -> None:
    with Client(live.url, live.api_key) as client:
        campaign = _campaign(client)
        created = client.create(ANIS, country_code="+1", number="561-555-0142",
                                inbound_group_id="sdk")  # fmt: skip
        assert (created.number, created.status, created.area_code) == (
            "5615550142",
            "active",
            "561",
        )
        choice = client.next_ani(campaign, "5617778888", "33432", inventory_group_ids=["sdk"])
        assert choice.ani == "5615550142"
        assert choice.e164 == "+15615550142"
        assert choice.match in ("zip", "area_code") and choice.fallback is False
        assert choice.raw["prospect_phone"] == "5617778888"
        rows = client.next_batch(campaign, [{"row_id": 1, "prospect_phone": "5617778888"},
                                            {"row_id": 2, "prospect_phone": "12"}],
                                 inventory_group_ids=["sdk"])  # fmt: skip
        assert rows[0].ok and rows[0].ani == "5615550142"
        assert not rows[1].ok and rows[1].error is not None
        with pytest.raises(NoAvailableAni) as refused:
            client.next_ani(campaign, "5617778888", inventory_group_ids=["nobody"])
        assert refused.value.status == 404 and "nobody" in refused.value.message


def test_results_and_reading_them_back(live: Live) -> None:
    with Client(live.url, live.api_key) as client:
        campaign = _campaign(client)
        client.create(DISPOS, id="sale-" + campaign, name="Sale " + campaign, type="Agent",
                      contact=True, success=True)  # fmt: skip
        call_id = "call-" + uuid.uuid4().hex
        outcome = client.report_result(
            call_id=call_id, campaign_id=campaign, ani="5615550142", dispo="sale-" + campaign,
            prospect_phone="5617778888", call_datetime="2026-11-20 10:15:00",
            kpis={"revenue": "99"},
        )  # fmt: skip
        assert (outcome.call_id, outcome.status) == (call_id, "stored")
        again = client.report_results([outcome.raw | {}])  # not a result: refused by row
        assert again[0].status == "error"
        stored = list(client.results(call_id=call_id))
        assert stored[0]["kpis"] == {"revenue": "99"} and stored[0]["contact"] is True


def test_errors_carry_the_field_and_the_reason(live: Live) -> None:
    with Client(live.url, live.api_key) as client:
        with pytest.raises(OpenAniError) as bad:
            client.create(CAMPAIGNS, id="x", name="y", type="Sideways")
        assert bad.value.status == 422 and "type" in bad.value.fields
    with (
        Client(live.url, "oak_0000000000000000_nope") as stranger,
        pytest.raises(OpenAniError) as who,
    ):
        stranger.get(CAMPAIGNS, "x")
    assert who.value.status == 401


def test_pagination_follows_every_cursor(live: Live) -> None:
    with Client(live.url, live.api_key) as client:
        group = "page-" + uuid.uuid4().hex[:6]
        numbers = [f"21255502{i:02d}" for i in range(23)]
        for number in numbers:
            client.create(ANIS, country_code="+1", number=number, inbound_group_id=group)
        seen = [a.number for a in client.iter(ANIS, inbound_group_id=group, limit=5)]
        assert seen == numbers
        campaign = _campaign(client)
        for i in range(7):
            client.next_ani(campaign, f"212777{i:04d}", inventory_group_ids=[group])
        logged = list(client.assignments(campaign=campaign, limit=3))
        assert len(logged) == 7 and all("why" in row for row in logged)

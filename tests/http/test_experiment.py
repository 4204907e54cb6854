"""The default strategy's holdout through HTTP on both databases: arms in the assignment log,
results attributed to their prospect's arm, and GET /dialer/stats/experiment."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from openani.assign.holdout import arm_of
from openani.stats.experiment import ArmCounts, report
from openani.store.engine import Database
from openani.store.schema import assignments
from tests.conftest import Api, Tenant

NEXT = "/dialer/next"
EXPERIMENT = "/dialer/stats/experiment"


def setup(api: Api, holdout_share: float) -> None:
    assert api.put("/dialer/settings", json={"holdout_share": holdout_share}).status_code == 200
    body = {"id": "c1", "name": "Sales", "type": "Outbound"}
    assert api.post("/dialer/campaigns", json=body).status_code == 201
    for dispo in (("yes", True), ("no", False)):
        dispo_body = {"id": dispo[0], "name": dispo[0], "type": "Agent", "contact": dispo[1],
                      "success": False}  # fmt: skip
        assert api.post("/dialer/dispos", json=dispo_body).status_code == 201
    for i in range(4):
        ani = {"country_code": "+1", "number": f"56155501{i:02d}", "inbound_group_id": "g"}
        assert api.post("/dialer/anis", json=ani).status_code == 201


def arms_logged(db: Database, tenant: Tenant) -> dict[str, str | None]:
    with db.read() as conn:
        rows = conn.execute(
            select(assignments.c.prospect_phone, assignments.c.arm).where(
                assignments.c.company_id == tenant.company.id
            )
        ).all()
    return {phone: arm for phone, arm in rows}


def test_holdout_share_is_validated(api: Api) -> None:
    for bad in (0.51, -0.1, "half"):
        response = api.put("/dialer/settings", json={"holdout_share": bad})
        assert response.status_code == 422, response.text
        assert "holdout_share" in response.json()["error"]["fields"]
    assert api.put("/dialer/settings", json={"holdout_share": 0.5}).status_code == 200
    assert api.get("/dialer/settings").json()["holdout_share"] == 0.5


def test_arms_are_logged_and_results_counted_per_arm(
    api: Api, other_api: Api, tenant: Tenant, db: Database
) -> None:
    setup(api, 0.5)
    phones = [f"5617{i:06d}" for i in range(60)]
    for phone in phones:
        response = api.post(NEXT, json={"outbound_campaign": "c1", "prospect_phone": phone})
        assert response.status_code == 200, response.text
        # Both arms show the local-presence strategy the default walked.
        assert response.json()["assignment_type"] == "area_code"
    expected = {p: arm_of(tenant.company.id, p, 0.5) for p in phones}
    assert arms_logged(db, tenant) == expected
    assert set(expected.values()) == {"default", "holdout"}  # 60 prospects: both arms occur

    # A result per prospect, at the company's local now; default-arm prospects answer more.
    now = datetime.now(ZoneInfo("America/New_York")).replace(microsecond=0).isoformat()
    rows = []
    for i, phone in enumerate(phones):
        answered = i % 2 == 0 if expected[phone] == "default" else i % 4 == 0
        rows.append({"call_id": f"k{i}", "campaign_id": "c1", "ani": "5615550100",
                     "dispo": "yes" if answered else "no", "prospect_phone": phone,
                     "call_datetime": now})  # fmt: skip
    stored = api.post("/dialer/results", json={"results": rows})
    assert stored.status_code == 200, stored.text
    # A re-disposition stays in its arm and moves the counts by the difference.
    first = {**rows[0], "dispo": "no" if rows[0]["dispo"] == "yes" else "yes"}
    assert api.post("/dialer/results", json=first).json()["results"][0]["status"] == "updated"
    rows[0] = first

    counts: dict[str, list[int]] = {"default": [0, 0, 0], "holdout": [0, 0, 0]}
    for row in rows:
        arm = expected[str(row["prospect_phone"])]
        counts[arm][0] += 1
        counts[arm][1] += 1
        counts[arm][2] += row["dispo"] == "yes"
    got = api.get(EXPERIMENT, params={"window": "today"})
    assert got.status_code == 200, got.text
    body = got.json()
    want = report(ArmCounts(*counts["default"]), ArmCounts(*counts["holdout"]))
    assert {k: body[k] for k in want} == want
    assert body["holdout_share"] == 0.5
    # The other company sees nothing of it.
    other = other_api.get(EXPERIMENT, params={"window": "today"}).json()
    assert other["arms"]["default"]["dials"] == other["arms"]["holdout"]["dials"] == 0
    assert other["uplift"] is None and other["significant"] is False


def test_only_the_default_strategy_has_arms(api: Api, tenant: Tenant, db: Database) -> None:
    setup(api, 0.5)
    asked = api.post(NEXT, json={"outbound_campaign": "c1", "prospect_phone": "5617000001",
                                 "assignment_type": "area_code"})  # fmt: skip
    assert asked.status_code == 200
    assert api.put("/dialer/settings", json={"holdout_share": 0}).status_code == 200
    off = api.post(NEXT, json={"outbound_campaign": "c1", "prospect_phone": "5617000002"})
    assert off.status_code == 200
    assert arms_logged(db, tenant) == {"5617000001": None, "5617000002": "default"}


def test_experiment_window_is_validated(api: Api) -> None:
    bad = api.get(EXPERIMENT, params={"window": "9d"})
    assert bad.status_code == 422 and "window" in bad.json()["error"]["fields"]
    unknown = api.get(EXPERIMENT, params={"arm": "x"})
    assert unknown.status_code == 422 and "arm" in unknown.json()["error"]["fields"]

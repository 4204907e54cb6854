"""POST /ani-planner/generate: the anchor edition's ANI planner over openani's planner (the
service of POST /dialer/planner), in its SDKs' camelCase request and ``Plan``.

``inventoryMode`` picks what counts as a region's current numbers: ``managed`` (the default)
the numbers in rotation now, ``all`` every number held. Campaigns are named by their ids
(``internalIdentifier``); ``id`` and ``selectedCampaigns`` are openani's numeric ids of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

from openani.geo.area_codes import area_code
from openani.geo.zips import UnknownPostalCode, lookup_zip
from openani.http.anchor.envelope import FAILURES, anchor_route
from openani.http.context import AppContext
from openani.http.offload import in_worker
from openani.http.operations import Operation
from openani.http.planner import plan_in_thread
from openani.planner.plan import MIN_DAILY_DIALS, TOLL_FREE, UNKNOWN, GroupBy, Plan, PlanRow
from openani.store.companies import Company
from openani.validation import validate
from openani.wire import Identifier, Input, Output

Day = Annotated[date, Field(strict=False)]
InventoryMode = Literal["managed", "all"]
NAMES = {"campaignsExclude": "campaigns_exclude", "dateStart": "date_start", "dateEnd": "date_end",
         "dailyDialsTarget": "daily_dials_target", "groupBy": "group_by"}  # fmt: skip


class AniPlannerRequest(Input):
    dateStart: Day | None = Field(default=None, description="Default: the first of this month")
    dateEnd: Day | None = Field(default=None, description="Default: yesterday")
    # Checked by the planner, whose message names the three targets.
    dailyDialsTarget: str | int | None = Field(
        default=None,
        description="BEST 50, BETTER 75 (the default), GOOD 100 dials a day, or a number",
    )
    groupBy: GroupBy = "area_code"
    inventoryMode: InventoryMode = Field(
        default="managed", description="managed: numbers in rotation now; all: every number held"
    )
    campaigns: list[Identifier] | None = Field(default=None, description="Only these campaigns")
    campaignsExclude: list[Identifier] | None = Field(default=None, description="All but these")


class AniPlannerRegionStat(Output):
    region: str
    state: str
    areaCodes: list[str]
    dailyDialsAverage: int
    currentAnis: int
    proposedAnis: int
    difference: int
    belowThreshold: bool


class AniPlannerCampaign(Output):
    id: int
    name: str
    internalIdentifier: str
    campaignType: str
    inboundCampaignIds: list[int]
    inboundCampaignNames: list[str]


class AniPlannerPlan(Output):
    country: str
    dateStart: str
    dateEnd: str
    bizDays: int
    dailyDialsTarget: int
    groupBy: GroupBy
    inventoryMode: InventoryMode
    regionStats: list[AniPlannerRegionStat]
    totalDials: int
    totalContacts: int
    overallContactRate: float
    totalCurrentAnis: int
    totalProposedAnis: int
    aniDifference: int
    missingZipData: bool
    tollFreeRecommendation: int
    selectedCampaigns: list[int]
    campaigns: list[AniPlannerCampaign]


class AniPlannerAnswer(Output):
    success: bool
    data: AniPlannerPlan


def _area_codes(row: PlanRow, group_by: GroupBy) -> list[str]:
    if row.region in (TOLL_FREE, UNKNOWN):
        return []
    if group_by != "zip":
        return [row.region]
    try:
        return list(lookup_zip(row.region).area_codes)
    except (ValueError, UnknownPostalCode):
        return []


def _city(zip_code: str) -> str | None:
    try:
        return lookup_zip(zip_code).city
    except (ValueError, UnknownPostalCode):
        return None


def _country(codes: str) -> str:
    """us, ca or uk: the country of an area code (UK dialling codes start with 0)."""
    if codes.startswith("0"):
        return "uk"
    known = area_code(codes)
    return "ca" if known is not None and known.region == "CA" else "us"


def _region_stat(row: PlanRow, group_by: GroupBy, mode: InventoryMode) -> dict[str, Any]:
    codes = _area_codes(row, group_by)
    current = row.usable if mode == "managed" else row.current
    if row.region == TOLL_FREE:
        name, state = "Toll-free", "TF"
    elif row.region == UNKNOWN:
        name, state = "Unknown", ""
    elif codes and codes[0].startswith("0"):
        name, state = row.region, codes[0]
    elif group_by == "zip":
        name, state = _city(row.region) or row.region, row.state or ""
    else:
        known = area_code(codes[0]) if codes else None
        if known is None:
            name, state = row.region, row.state or ""
        else:
            name, state = known.place or row.region, row.state or known.state or ""
    return {
        "region": name,
        "state": state,
        "areaCodes": codes,
        "dailyDialsAverage": row.daily_dials_average,
        "currentAnis": current,
        "proposedAnis": row.proposed,
        "difference": row.proposed - current,
        "belowThreshold": row.daily_dials_average < MIN_DAILY_DIALS,
    }


def _campaigns(
    listed: Sequence[dict[str, Any]], only: list[str] | None, but: list[str] | None
) -> tuple[list[int], list[dict[str, Any]]]:
    outbound = [c for c in listed if c["type"] != "Inbound"]
    chosen = [
        c["number"]
        for c in outbound
        if (only is None or c["id"] in only) and (but is None or c["id"] not in but)
    ]
    shown = [
        {
            "id": c["number"],
            "name": c["name"],
            "internalIdentifier": c["id"],
            "campaignType": c["type"],
            "inboundCampaignIds": [],
            "inboundCampaignNames": [],
        }
        for c in outbound
    ]
    return chosen, shown


def plan_of(
    plan: Plan, request: AniPlannerRequest, campaigns: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """The SDKs' Plan of one of openani's plans."""
    stats = [_region_stat(row, request.groupBy, request.inventoryMode) for row in plan.rows]
    stats.sort(key=lambda s: -s["dailyDialsAverage"])
    dials = sum(row.dials for row in plan.rows)
    contacts = sum(row.contacts for row in plan.rows)
    weight: Counter[str] = Counter()
    for row in plan.rows:
        for codes in _area_codes(row, request.groupBy)[:1]:
            weight[_country(codes)] += row.dials or 1
    current = sum(s["currentAnis"] for s in stats)
    proposed = sum(s["proposedAnis"] for s in stats)
    selected, shown = _campaigns(campaigns, request.campaigns, request.campaignsExclude)
    located = any(_area_codes(row, request.groupBy) for row in plan.rows if row.dials)
    return {
        "country": weight.most_common(1)[0][0] if weight else "us",
        "dateStart": plan.start.isoformat(),
        "dateEnd": plan.end.isoformat(),
        "bizDays": plan.business_days,
        "dailyDialsTarget": plan.daily_dials_target,
        "groupBy": request.groupBy,
        "inventoryMode": request.inventoryMode,
        "regionStats": stats,
        "totalDials": dials,
        "totalContacts": contacts,
        "overallContactRate": round(100.0 * contacts / dials, 2) if dials else 0.0,
        "totalCurrentAnis": current,
        "totalProposedAnis": proposed,
        "aniDifference": proposed - current,
        "missingZipData": request.groupBy == "zip" and dials > 0 and not located,
        "tollFreeRecommendation": 0,
        "selectedCampaigns": selected,
        "campaigns": shown,
    }


async def generate(context: AppContext, company: Company, body: dict[str, Any]) -> dict[str, Any]:
    request = validate(AniPlannerRequest, body)
    plan = await plan_in_thread(
        context,
        company,
        date_start=request.dateStart,
        date_end=request.dateEnd,
        daily_dials_target=request.dailyDialsTarget,
        group_by=request.groupBy,
        campaigns=request.campaigns,
        campaigns_exclude=request.campaignsExclude,
    )
    campaigns = await in_worker(context.planner.campaigns, company)
    return {"success": True, "data": plan_of(plan, request, campaigns)}


OPERATIONS = [
    Operation(
        "POST",
        "/ani-planner/generate",
        "How many numbers are needed where (the anchor's current edition)",
        anchor_route(generate, names=NAMES, body_optional=True),
        "anchor",
        request_model=AniPlannerRequest,
        request_required=False,
        responses={200: AniPlannerAnswer, 400: FAILURES[422], **FAILURES},
        description="The plan of POST /dialer/planner in the SDKs' shape. Unknown campaign "
        "ids: 400.",
    ),
]

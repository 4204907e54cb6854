"""GET /dialer/campaigns/unknown: campaigns /dialer/next served before anyone defined them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from openani.errors import ValidationFailed
from openani.http.context import company_of, context_of
from openani.http.operations import PAGE_QUERY, Operation
from openani.http.resources import ERROR_RESPONSES
from openani.http.responses import JSONResponse
from openani.inventory.models import Campaign
from openani.paging import page_limit
from openani.wire import Output


class UnknownCampaignPage(Output):
    items: list[Campaign]
    next_cursor: str | None


async def unknown_campaigns(request: Request) -> Response:
    company = company_of(request)
    unknown = [name for name in request.query_params if name not in ("limit", "cursor")]
    if unknown:
        raise ValidationFailed({name: "unknown query parameter (known: limit, cursor)"
                                for name in unknown})  # fmt: skip
    limit = page_limit(request.query_params.get("limit"))
    page = (
        context_of(request)
        .resources["campaigns"]
        .list(
            company,
            {"auto_created": "true"},
            limit=limit,
            cursor=request.query_params.get("cursor"),
        )
    )
    return JSONResponse({"items": page.items, "next_cursor": page.next_cursor})


OPERATIONS = [
    Operation(
        "GET",
        "/dialer/campaigns/unknown",
        "Campaigns the dialer named before they were defined (served with the company's "
        "defaults); define each with PUT /dialer/campaigns",
        unknown_campaigns,
        "campaigns",
        query=(*PAGE_QUERY,),
        responses={200: UnknownCampaignPage, **ERROR_RESPONSES},
    )
]

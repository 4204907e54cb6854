"""GET/PUT /dialer/settings."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from openani.http.context import company_of, context_of, json_handler
from openani.http.operations import Operation
from openani.http.resources import ERROR_RESPONSES
from openani.http.responses import JSONResponse
from openani.inventory.models import CompanySettings, CompanySettingsUpdate


async def get_settings(request: Request) -> Response:
    company = company_of(request)
    return JSONResponse(context_of(request).company_settings.get(company))


put_settings = json_handler(
    lambda context, company, body: context.company_settings.update(company, body)
)


OPERATIONS = [
    Operation(
        "GET",
        "/dialer/settings",
        "The company's selection settings",
        get_settings,
        "settings",
        responses={200: CompanySettings, **ERROR_RESPONSES},
    ),
    Operation(
        "PUT",
        "/dialer/settings",
        "Change the company's selection settings (partial)",
        put_settings,
        "settings",
        request_model=CompanySettingsUpdate,
        responses={200: CompanySettings, **ERROR_RESPONSES},
    ),
]

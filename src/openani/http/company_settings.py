"""GET/PUT /dialer/settings and the ANI pause/activate actions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from openani.http.context import company_of, context_of, json_handler
from openani.http.operations import Operation
from openani.http.resources import ERROR_RESPONSES
from openani.http.responses import JSONResponse
from openani.inventory import ani_status
from openani.inventory.models import (
    AniActionResult,
    AniActivate,
    AniPause,
    CompanySettings,
    CompanySettingsUpdate,
)


async def get_settings(request: Request) -> Response:
    company = company_of(request)
    return JSONResponse(context_of(request).company_settings.get(company))


put_settings = json_handler(
    lambda context, company, body: context.company_settings.update(company, body)
)
pause_ani = json_handler(
    lambda context, company, body: ani_status.pause(context.resources["anis"], company, body)
)
activate_ani = json_handler(
    lambda context, company, body: ani_status.activate(context.resources["anis"], company, body)
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
    Operation(
        "POST",
        "/dialer/anis/pause",
        "Take an ANI out of rotation, now or from a date, optionally until a time",
        pause_ani,
        "anis",
        request_model=AniPause,
        responses={200: AniActionResult, **ERROR_RESPONSES},
        description="The number may be given as number or as ani. A date in the future "
        "schedules the pause (answered with the ANI as it is and the scheduled change); it is "
        "applied within seconds of that date. The note goes into the status history.",
    ),
    Operation(
        "POST",
        "/dialer/anis/activate",
        "Put an ANI back into rotation, now or on a date",
        activate_ani,
        "anis",
        request_model=AniActivate,
        responses={200: AniActionResult, **ERROR_RESPONSES},
        description="Ends a pause, a rest, a suspicion or a probation. A date in the future "
        "schedules the activation instead.",
    ),
]

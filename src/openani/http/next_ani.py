"""POST /dialer/next and /dialer/next/batch."""

from __future__ import annotations

from openani.assign.models import NextAni, NextAniBatch, NextAniBatchRequest, NextAniRequest
from openani.http.context import json_handler
from openani.http.operations import Operation
from openani.http.resources import ERROR_RESPONSES

next_ani = json_handler(lambda context, company, body: context.next_ani.next_ani(company, body))
next_batch = json_handler(
    lambda context, company, body: {"results": context.next_ani.next_batch(company, body)}
)


OPERATIONS = [
    Operation(
        "POST",
        "/dialer/next",
        "Select the next ANI for an outbound call",
        next_ani,
        "next",
        request_model=NextAniRequest,
        responses={200: NextAni, **ERROR_RESPONSES},
        description="404 with code no_available_ani (and the reason) when no ANI can be given.",
    ),
    Operation(
        "POST",
        "/dialer/next/batch",
        "Select ANIs for up to 1,000 leads (list loading); each row succeeds or fails alone",
        next_batch,
        "next",
        request_model=NextAniBatchRequest,
        responses={200: NextAniBatch, **ERROR_RESPONSES},
    ),
]

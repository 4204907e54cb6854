"""Every operation of the anchor's current edition, served at the root beside /dialer."""

from __future__ import annotations

from starlette.responses import Response

from openani.errors import OpenAniError
from openani.http.anchor import assignment, custom, dials, nrm, planner
from openani.http.anchor.envelope import failure
from openani.http.operations import Operation
from openani.http.responses import error_response

OPERATIONS: list[Operation] = [
    *assignment.OPERATIONS,
    *dials.OPERATIONS,
    *custom.OPERATIONS,
    *nrm.OPERATIONS,
    *planner.OPERATIONS,
]
PATHS = frozenset(op.path for op in OPERATIONS)


def refusal(path: str, exc: OpenAniError) -> Response:
    """A refusal made before any route (a middleware's): in the SDKs' failure envelope on these
    routes, in openani's error shape elsewhere."""
    if path.rstrip("/") in PATHS:
        return failure(exc)
    return error_response(exc.status, exc.code, exc.message, exc.fields, exc.headers, exc.extra)

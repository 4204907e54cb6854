"""Each HTTP operation is declared once: its handler and what OpenAPI says about it.

Routes and the OpenAPI document are both built from the same list, so the document cannot drift
from what the server actually serves.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from openani.paging import DEFAULT_PAGE, MAX_PAGE

Handler = Callable[[Request], Awaitable[Response]]
ResponseShape = type[BaseModel] | tuple[type[BaseModel], ...] | None


@dataclass(frozen=True, slots=True)
class QueryParam:
    name: str
    schema: dict[str, Any]
    description: str = ""
    required: bool = False


# The query parameters of every paged listing (openani.paging reads them).
PAGE_QUERY = (
    QueryParam(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": DEFAULT_PAGE},
        "Page size of a listing",
    ),
    QueryParam("cursor", {"type": "string"}, "next_cursor of the previous page"),
)


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    summary: str
    handler: Handler
    tag: str
    # One model, or several the body may match (documented as oneOf).
    request_model: type[BaseModel] | tuple[type[BaseModel], ...] | None = None
    request_required: bool = True
    # Status code -> model, several models (any one of them), or None (no documented body).
    responses: dict[int, ResponseShape] = field(default_factory=dict)
    query: tuple[QueryParam, ...] = ()
    authenticated: bool = True
    description: str = ""
    # Extra non-JSON request body media types (e.g. the seed's urlencoded dial-results callback).
    form_model: type[BaseModel] | None = None
    # A media type other than JSON the success answer may have (e.g. text/csv), as text.
    text_media: str | None = None

    @property
    def operation_id(self) -> str:
        slug = self.path.strip("/").replace("/", "_").replace("{", "").replace("}", "")
        return f"{self.method.lower()}_{slug or 'root'}"


def routes(operations: list[Operation]) -> list[Route]:
    return [Route(op.path, op.handler, methods=[op.method]) for op in operations]

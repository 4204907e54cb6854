"""What each API call sends and how its answer is read: one place for both clients."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from openani_client.models import (
    Ani,
    BatchRow,
    Campaign,
    Dispo,
    Model,
    NextAni,
    Page,
    ResultOutcome,
    Webhook,
)

T = TypeVar("T")
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Call(Generic[T]):
    method: str
    path: str
    parse: Callable[[Any], T]
    json: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)


def _body(**fields: Any) -> dict[str, Any]:
    """The fields that were given (None: leave the server's default)."""
    return {name: value for name, value in fields.items() if value is not None}


def _raw(data: Any) -> Any:
    return data


def page_of(model: Callable[[dict[str, Any]], T]) -> Callable[[Any], Page[T]]:
    def parse(data: Any) -> Page[T]:
        return Page([model(item) for item in data["items"]], data.get("next_cursor"))

    return parse


def next_ani(
    outbound_campaign: str,
    prospect_phone: str,
    prospect_zip: str | None = None,
    *,
    use_branded: bool | None = None,
    assignment_type: str | None = None,
    inventory_group_ids: Sequence[str] | None = None,
) -> Call[NextAni]:
    body = _body(
        outbound_campaign=outbound_campaign,
        prospect_phone=prospect_phone,
        prospect_zip=prospect_zip,
        use_branded=use_branded,
        assignment_type=assignment_type,
        inventory_group_ids=list(inventory_group_ids) if inventory_group_ids else None,
    )
    return Call("POST", "/dialer/next", NextAni.from_json, json=body)


def next_batch(
    outbound_campaign: str, leads: Sequence[Mapping[str, Any]], **options: Any
) -> Call[list[BatchRow]]:
    body = {"outbound_campaign": outbound_campaign, "leads": list(leads), **_body(**options)}
    return Call(
        "POST",
        "/dialer/next/batch",
        lambda data: [BatchRow.from_json(row) for row in data["results"]],
        json=body,
    )


def report_results(results: Sequence[Mapping[str, Any]]) -> Call[list[ResultOutcome]]:
    return Call(
        "POST",
        "/dialer/results",
        lambda data: [ResultOutcome.from_json(row) for row in data["results"]],
        json={"results": list(results)},
    )


@dataclass(frozen=True)
class Resource(Generic[M]):
    """Campaigns, dispositions, ANIs: one CRUD shape under /dialer/<path>."""

    path: str
    key: str
    model: type[M]

    def create(self, **fields: Any) -> Call[M]:
        return Call("POST", f"/dialer/{self.path}", self.model.from_json, json=fields)

    def update(self, key: str, **fields: Any) -> Call[M]:
        return Call(
            "PUT", f"/dialer/{self.path}", self.model.from_json, json={self.key: key, **fields}
        )

    def get(self, key: str) -> Call[M]:
        return Call("GET", f"/dialer/{self.path}", self.model.from_json, params={self.key: key})

    def delete(self, key: str) -> Call[M]:
        return Call("DELETE", f"/dialer/{self.path}", self.model.from_json, params={self.key: key})

    def list(self, **filters: Any) -> Call[Page[M]]:
        return Call("GET", f"/dialer/{self.path}", page_of(self.model.from_json), params=filters)


CAMPAIGNS = Resource("campaigns", "id", Campaign)
DISPOS = Resource("dispos", "id", Dispo)
ANIS = Resource("anis", "number", Ani)


def ani_action(action: str, ani: str, **fields: Any) -> Call[Any]:
    """pause, activate or remediate one number (``date``, ``until``, ``note``, ``carrier``)."""
    parse = _raw if action == "remediate" else Ani.from_json
    return Call("POST", f"/dialer/anis/{action}", parse, json={"ani": ani, **_body(**fields)})


def listing(path: str, **filters: Any) -> Call[Page[dict[str, Any]]]:
    """Any paginated listing (assignments, results, deliveries, history, audit, stats)."""
    return Call("GET", path, page_of(_raw), params=_body(**filters))


def create_webhook(url: str, **fields: Any) -> Call[Webhook]:
    return Call("POST", "/dialer/webhooks", Webhook.from_json, json={"url": url, **fields})


def rotate_secret(grace_hours: int | None = None) -> Call[dict[str, Any]]:
    return Call("POST", "/dialer/webhooks/secret/rotate", _raw, json=_body(grace_hours=grace_hours))


def raw(
    method: str, path: str, json: Any = None, params: Mapping[str, Any] | None = None
) -> Call[Any]:
    return Call(method, path, _raw, json=json, params=params or {})

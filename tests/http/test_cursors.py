"""List cursors are opaque and belong to one company.

Regression: on the main of the time ``next_cursor`` was the global row id, so a company paging
its own lists could count what other companies created between its pages (and another
company's cursor was read as a place in one's own list). Fails there; passes with cursors
enciphered per company and checked on the way back.
"""

from __future__ import annotations

from tests.conftest import Api
from tests.support.errors import refused


def _campaign(api: Api, name: str) -> None:
    body = {"id": name, "name": name, "type": "Outbound"}
    assert api.post("/dialer/campaigns", json=body).status_code == 201


def _pages(api: Api, path: str) -> tuple[list[str], list[str]]:
    """Every item id of a list read one at a time, and the cursors that led there."""
    ids, cursors, cursor = [], [], None
    while True:
        params = {"limit": "1", **({"cursor": cursor} if cursor else {})}
        body = api.get(path, params=params).json()
        ids += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return ids, cursors
        cursors.append(cursor)


def test_cursors_show_nothing_of_other_companies(api: Api, other_api: Api) -> None:
    _campaign(api, "first")
    for i in range(30):
        _campaign(other_api, f"theirs-{i}")
    _campaign(api, "second")
    _campaign(api, "third")
    ids, cursors = _pages(api, "/dialer/campaigns")
    assert ids == ["first", "second", "third"]
    for cursor in cursors:
        assert not cursor.isdigit()
        assert cursor.isascii() and len(cursor) == 11
    # Another company's cursor is no place in one's own list, nor is a made-up one.
    for cursor in (*cursors, "AAAAAAAAAAA", "1", "-_-_-_-_-_-"):
        refused = other_api.get("/dialer/campaigns", params={"cursor": cursor})
        assert refused.status_code == 422, (cursor, refused.text)
        assert "cursor" in refused.json()["error"]["fields"]
    # The same rows give the same cursors: they can be kept and reused.
    assert _pages(api, "/dialer/campaigns")[1] == cursors


def test_log_cursors_are_opaque_too(api: Api, other_api: Api) -> None:
    for name in ("a", "b", "c"):
        _campaign(api, name)
    page = api.get("/dialer/audit", params={"limit": "1"}).json()
    cursor = page["next_cursor"]
    assert cursor is not None and not cursor.isdigit()
    following = api.get("/dialer/audit", params={"limit": "1", "cursor": cursor})
    assert following.status_code == 200
    assert following.json()["items"] != page["items"]
    refused(
        other_api.get("/dialer/audit", params={"cursor": cursor}), 422, "validation_error", "cursor"
    )

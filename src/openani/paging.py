"""Pages for list endpoints: limit and cursor.

Newest-first pages over an append-only log (audit log, status history) continue below an id;
pages of a ranked report (the most frequent first) continue at an offset.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row

from openani.errors import ValidationFailed

MAX_PAGE = 1000
DEFAULT_PAGE = 100


@dataclass(frozen=True, slots=True)
class LogPage:
    limit: int
    before_id: int | None  # the cursor: entries older than this id

    def body(
        self, rows: Sequence[Row[Any]], item: Callable[[Row[Any]], dict[str, Any]]
    ) -> dict[str, Any]:
        """The answer from up to limit + 1 rows (one more tells whether another page follows)."""
        limit = self.limit
        return {
            "items": [item(row) for row in rows[:limit]],
            "next_cursor": str(rows[limit - 1].id) if len(rows) > limit else None,
        }


def log_page(query: Mapping[str, str], filters: tuple[str, ...]) -> LogPage:
    """Read limit and cursor; any parameter that is neither nor one of ``filters`` is refused."""
    known = (*filters, "limit", "cursor")
    unknown = {k: "unknown query parameter" for k in query if k not in known}
    if unknown:
        raise ValidationFailed(unknown)
    limit_text = query.get("limit", str(DEFAULT_PAGE))
    if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_PAGE:
        raise ValidationFailed({"limit": f"must be a whole number between 1 and {MAX_PAGE}"})
    cursor = query.get("cursor")
    if cursor is not None and not cursor.isdigit():
        raise ValidationFailed({"cursor": "is not a cursor returned by this API"})
    return LogPage(int(limit_text), int(cursor) if cursor else None)


@dataclass(frozen=True, slots=True)
class RankPage:
    limit: int
    offset: int  # the cursor: how many items earlier pages held

    def body(self, items: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """The answer from up to limit + 1 items (one more tells whether another page follows)."""
        return {
            "items": list(items[: self.limit]),
            "next_cursor": str(self.offset + self.limit) if len(items) > self.limit else None,
        }


def rank_page(query: Mapping[str, str]) -> RankPage:
    """Read limit and cursor of a ranked report; any other parameter is refused."""
    page = log_page(query, ())
    return RankPage(page.limit, page.before_id or 0)

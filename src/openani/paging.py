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
# Row ids are PostgreSQL integers; no cursor this API returns names a larger one.
MAX_ROW_ID = 2**31 - 1
NOT_A_CURSOR = "is not a cursor returned by this API"


def whole_number(field: str, text: str, low: int, high: int) -> int:
    """``text`` as a whole number within [low, high], or ValidationFailed naming ``field``.

    ASCII digits only: str.isdigit() also accepts superscripts and other scripts' digits, which
    int() then refuses; and the length is checked before int() is asked to read 5,000 digits.
    """
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(high)):
        raise ValidationFailed({field: f"must be a whole number between {low} and {high}"})
    value = int(text)
    if not low <= value <= high:
        raise ValidationFailed({field: f"must be a whole number between {low} and {high}"})
    return value


def page_limit(text: str | None, default: int = DEFAULT_PAGE, top: int = MAX_PAGE) -> int:
    return default if text is None else whole_number("limit", text, 1, top)


def row_cursor(text: str | None) -> int | None:
    """The row id a cursor names; None for no cursor."""
    if text is None or text == "":
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or int(text) > MAX_ROW_ID:
        raise ValidationFailed({"cursor": NOT_A_CURSOR})
    return int(text)


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
    return LogPage(page_limit(query.get("limit")), row_cursor(query.get("cursor")))


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

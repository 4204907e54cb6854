"""Pages for list endpoints: limit and cursor.

Newest-first pages over an append-only log (audit log, status history) continue below an id,
and pages of a list in id order after one, named by an opaque cursor of the company; pages of a
ranked report (the most frequent first) continue at an offset.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
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
    return within(field, int(text), low, high)


def within(field: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise ValidationFailed({field: f"must be a whole number between {low} and {high}"})
    return value


def page_limit(text: str | None, default: int = DEFAULT_PAGE, top: int = MAX_PAGE) -> int:
    return default if text is None else whole_number("limit", text, 1, top)


# Cursors name a row id, but must not show it: ids are shared by all companies, so a company
# reading them could count what others create between its pages. A cursor is the id enciphered
# by a 4-round Feistel network (a pseudo-random permutation of 64-bit blocks) keyed per company
# from the installation's secret: opaque, different for each company, and checked on the way
# back (half of each block must decipher to zero), so a made-up or another company's cursor is
# refused rather than read.
_ROUNDS = 4
_secret = b""


def use_cursor_secret(secret: str) -> None:
    """The installation's cursor key (store.installation), set once when the application starts."""
    global _secret
    _secret = secret.encode()
    _company_key.cache_clear()


@lru_cache(maxsize=4096)
def _company_key(company_id: int) -> bytes:
    return hmac.new(_secret, b"cursor:%d" % company_id, hashlib.sha256).digest()


def _round(key: bytes, number: int, half: int) -> int:
    digest = hmac.new(key, bytes((number,)) + half.to_bytes(4, "big"), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big")


def encode_cursor(company_id: int, row_id: int) -> str:
    key = _company_key(company_id)
    left, right = 0, row_id
    for number in range(_ROUNDS):
        left, right = right, left ^ _round(key, number, right)
    block = left.to_bytes(4, "big") + right.to_bytes(4, "big")
    return base64.urlsafe_b64encode(block).rstrip(b"=").decode()


def decode_cursor(company_id: int, text: str | None) -> int | None:
    """The row id a cursor of this company names; None for no cursor."""
    if text is None or text == "":
        return None
    try:
        if len(text) != 11:
            raise ValueError
        block = base64.urlsafe_b64decode(text + "=")
    except ValueError:
        raise ValidationFailed({"cursor": NOT_A_CURSOR}) from None
    key = _company_key(company_id)
    left, right = int.from_bytes(block[:4], "big"), int.from_bytes(block[4:], "big")
    for number in reversed(range(_ROUNDS)):
        left, right = right ^ _round(key, number, left), left
    if left != 0 or right > MAX_ROW_ID:
        raise ValidationFailed({"cursor": NOT_A_CURSOR})
    return right


@dataclass(frozen=True, slots=True)
class IdPage:
    """A page of rows named by id: newest first below the cursor's id (logs), or in id order
    after it (lists)."""

    company_id: int
    limit: int
    cursor_id: int | None  # the id of the previous page's last row; None: the first page

    def body(
        self, rows: Sequence[Row[Any]], item: Callable[[Row[Any]], dict[str, Any]]
    ) -> dict[str, Any]:
        """The answer from up to limit + 1 rows (one more tells whether another page follows)."""
        limit = self.limit
        return {
            "items": [item(row) for row in rows[:limit]],
            "next_cursor": (
                encode_cursor(self.company_id, rows[limit - 1].id) if len(rows) > limit else None
            ),
        }


def id_page(company_id: int, limit: int, cursor: str | None) -> IdPage:
    """The page a caller names by a page size and the cursor text it was given."""
    cursor_id = decode_cursor(company_id, cursor)
    return IdPage(company_id, within("limit", limit, 1, MAX_PAGE), cursor_id)


def log_page(company_id: int, query: Mapping[str, str], filters: tuple[str, ...]) -> IdPage:
    """Read limit and cursor; any parameter that is neither nor one of ``filters`` is refused."""
    _known_only(query, filters)
    cursor = decode_cursor(company_id, query.get("cursor"))
    return IdPage(company_id, page_limit(query.get("limit")), cursor)


def _known_only(query: Mapping[str, str], filters: tuple[str, ...]) -> None:
    known = (*filters, "limit", "cursor")
    unknown = {k: "unknown query parameter" for k in query if k not in known}
    if unknown:
        raise ValidationFailed(unknown)


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
    """Read limit and cursor of a ranked report (an offset into the company's own ranking,
    which shows nothing of other companies); any other parameter is refused."""
    _known_only(query, ())
    cursor = query.get("cursor")
    offset = whole_number("cursor", cursor, 0, MAX_ROW_ID) if cursor else 0
    return RankPage(page_limit(query.get("limit")), offset)

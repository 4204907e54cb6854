"""One page of a query over rows named by id (openani.paging reads the limit and the cursor).

Callers ask for limit + 1 rows, to learn whether another page follows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select


def newest_first(
    query: Select[Any], id_column: ColumnElement[int], before_id: int | None, limit: int
) -> Select[Any]:
    """A log's page: up to ``limit`` rows below ``before_id`` (None: from the newest), newest
    first."""
    if before_id is not None:
        query = query.where(id_column < before_id)
    return query.order_by(id_column.desc()).limit(limit)


def in_id_order(
    query: Select[Any], id_column: ColumnElement[int], after_id: int | None, limit: int
) -> Select[Any]:
    """A list's page: up to ``limit`` rows after ``after_id`` (None: from the first), in id
    order."""
    if after_id is not None:
        query = query.where(id_column > after_id)
    return query.order_by(id_column).limit(limit)

"""Per-ANI, per-campaign, per-area-code and per-state statistics over today, 7d, 30d or a range.

Definitions (DOMAIN.md, the anchor's): contact rate = contacts / dials; success rate =
successes / contacts; block rate = blocked / dials; no-answer rate = no-answers / dials; each a
percentage with two decimals, null when its denominator is zero.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Row

from openani import clock
from openani.errors import ValidationFailed
from openani.lifecycle.status import effective_status, status_view
from openani.paging import IdPage, decode_cursor, page_limit
from openani.stats.experiment import ArmCounts, report
from openani.stats.keys import ALL_COUNTERS
from openani.store import companies as company_store
from openani.store import daily_stats as store
from openani.store.companies import Company
from openani.store.daily_stats import Window
from openani.store.engine import Database

MAX_WINDOW_DAYS = 366
WINDOWS = {"today": 1, "7d": 7, "30d": 30}
# A window's first day that no statistic precedes: "all time".
EARLIEST_DAY = "0001-01-01"


def _rate(numerator: int, denominator: int) -> float | None:
    return round(100.0 * numerator / denominator, 2) if denominator else None


def _figures(row: Any, prefix: str = "") -> dict[str, Any]:
    values: dict[str, Any] = {name: int(getattr(row, prefix + name)) for name in ALL_COUNTERS}
    values["contact_rate"] = _rate(values["contacts"], values["dials"])
    values["success_rate"] = _rate(values["successes"], values["contacts"])
    values["block_rate"] = _rate(values["blocked"], values["dials"])
    values["no_answer_rate"] = _rate(values["no_answers"], values["dials"])
    return values


def _shape(row: Any, read_time: Any = None) -> dict[str, Any]:
    last = row.last_dialed
    if isinstance(last, str):  # SQLite hands aggregates of datetimes back as text
        last = datetime.fromisoformat(last).replace(tzinfo=UTC)
    elif isinstance(last, datetime) and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return {**_figures(row), "last_dialed": last, "today": _figures(row, "today_")}


def parse_window(query: Mapping[str, str], time_zone: str) -> Window:
    today = clock.today(time_zone)
    start_text, end_text = query.get("from"), query.get("to")
    if start_text or end_text:
        if "window" in query:
            raise ValidationFailed({"window": "give either window or from/to, not both"})
        start = _day("from", start_text or "")
        end = _day("to", end_text) if end_text else today
        if end < start:
            raise ValidationFailed({"to": "must not be before from"})
        if (end - start).days >= MAX_WINDOW_DAYS:
            raise ValidationFailed({"from": f"a range may span at most {MAX_WINDOW_DAYS} days"})
    else:
        name = query.get("window", "30d")
        if name not in WINDOWS:
            raise ValidationFailed({"window": "must be today, 7d or 30d"})
        start, end = today - timedelta(days=WINDOWS[name] - 1), today
    return Window(start.isoformat(), end.isoformat(), today.isoformat())


def _day(name: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed({name: "must be a date YYYY-MM-DD"}) from None


def _limit(query: Mapping[str, str]) -> int:
    return page_limit(query.get("limit"))


def _check_known(query: Mapping[str, str], known: tuple[str, ...]) -> None:
    allowed = ("window", "from", "to", "limit", "cursor", *known)
    unknown = {
        k: f"unknown query parameter (known: {', '.join(allowed)})"
        for k in query
        if k not in allowed
    }
    if unknown:
        raise ValidationFailed(unknown)


class StatsService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def anis(
        self,
        company: Company,
        query: Mapping[str, str],
        healthy_volume: Callable[[int], int] | None = None,
    ) -> dict[str, Any]:
        """``healthy_volume``: the learner's healthy daily volume of a number (by ani id), shown
        with its figures when given."""
        _check_known(query, ("number", "area_code", "state", "campaign", "status"))
        window = parse_window(query, company.time_zone)
        page = IdPage(company.id, _limit(query), decode_cursor(company.id, query.get("cursor")))
        status = query.get("status")
        if status is not None and status not in ("active", "paused"):
            raise ValidationFailed({"status": "must be active or paused"})
        prefix = query.get("number")
        if prefix is not None and not prefix.isdigit():
            raise ValidationFailed({"number": "must be digits (a prefix of the national number)"})
        with self._db.read() as conn:
            rows = store.ani_stats(
                conn, company.id, window,
                campaign=query.get("campaign"), number_prefix=prefix,
                area_code=query.get("area_code"), state=query.get("state"), status=status,
                after_id=page.cursor_id, limit=page.limit + 1,
            )  # fmt: skip
        now = datetime.now(UTC)

        def item(row: Row[Any]) -> dict[str, Any]:
            return {
                "number": row.number,
                "country_code": row.country_code,
                "area_code": row.area_code,
                "state": row.state,
                "status": effective_status(row.status, _aware(row.paused_until), now),
                **_shape(row),
                **({} if healthy_volume is None else {"healthy_volume": healthy_volume(row.id)}),
            }

        return {"window": _window_body(window), **page.body(rows, item)}

    def anis_by_page(
        self, company: Company, number_prefix: str | None, page: int, page_size: int
    ) -> tuple[int, list[dict[str, Any]]]:
        """How many ANIs there are (of a number prefix), and page ``page`` (from 1) of them in
        id order: each number with its figures of the last 30 days (``recent``) and of all
        time (``ever``), and its status as shown (a StatusView)."""
        today = clock.today(company.time_zone)
        recent = Window(
            (today - timedelta(days=WINDOWS["30d"] - 1)).isoformat(),
            today.isoformat(),
            today.isoformat(),
        )
        ever = Window(EARLIEST_DAY, today.isoformat(), today.isoformat())
        chosen = {
            "campaign": None, "number_prefix": number_prefix, "area_code": None, "state": None,
            "status": None, "after_id": None, "limit": page_size, "offset": (page - 1) * page_size,
        }  # fmt: skip
        with self._db.read() as conn:
            total = store.count_anis(conn, company.id, number_prefix)
            rows = store.ani_stats(conn, company.id, recent, **chosen)  # type: ignore[arg-type]
            all_time = {
                row.id: row
                for row in store.ani_stats(conn, company.id, ever, **chosen)  # type: ignore[arg-type]
            }
        now = datetime.now(UTC)
        items = [
            {
                "id": row.id,
                "country_code": row.country_code,
                "number": row.number,
                "area_code": row.area_code,
                "state": row.state,
                "place": row.place,
                "brand_name": row.brand_name,
                "created_at": _aware(row.created_at),
                "status": status_view(
                    row.status,
                    _aware(row.paused_until),
                    row.status_reason,
                    _aware(row.status_changed_at),
                    now,
                ),
                "recent": _shape(row),
                "ever": _shape(all_time[row.id]) if row.id in all_time else _shape(row),
            }
            for row in rows
        ]
        return total, items

    def experiment(self, company: Company, query: Mapping[str, str]) -> dict[str, Any]:
        """The default strategy against its holdout over the window (see stats/experiment)."""
        _check_known(query, ())
        window = parse_window(query, company.time_zone)
        with self._db.read() as conn:
            rows = store.grouped_stats(
                conn, company.id, window, dimension="arm", by_state=False, after=None,
                limit=8,  # two arms; a few more would only be names from a later version
            )  # fmt: skip
            share = company_store.company_settings(conn, company.id)["holdout_share"]
        found = {row.key: ArmCounts(row.assigned, row.dials, row.contacts) for row in rows}
        empty = ArmCounts(0, 0, 0)
        return {
            "window": _window_body(window),
            "holdout_share": share,
            **report(found.get("default", empty), found.get("holdout", empty)),
        }

    def grouped(
        self,
        company: Company,
        query: Mapping[str, str],
        *,
        dimension: str,
        by_state: bool,
        label: str,
    ) -> dict[str, Any]:
        _check_known(query, ())
        window = parse_window(query, company.time_zone)
        limit = _limit(query)
        with self._db.read() as conn:
            rows = store.grouped_stats(
                conn, company.id, window, dimension=dimension, by_state=by_state,
                after=query.get("cursor"), limit=limit + 1,
            )  # fmt: skip
        more = len(rows) > limit
        return {
            "window": _window_body(window),
            "items": [{label: row.key, **_shape(row)} for row in rows[:limit]],
            "next_cursor": rows[limit - 1].key if more else None,
        }


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _window_body(window: Window) -> dict[str, str]:
    return {"from": window.start, "to": window.end, "today": window.today}

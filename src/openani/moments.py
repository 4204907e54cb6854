"""Moments as operators write them: ISO 8601 with an offset, without one (the company's time
zone), or a date alone (its midnight); within the years openani accepts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from openani.errors import ValidationFailed

# The moments openani accepts, in UTC. Nothing before 2000 is a call a dialer could have placed
# through it (a 1970 or year-1 date is a default value, not a time). Far-future dates are fine
# ("paused until 2999"), but the last year is left out: the time-zone arithmetic of 9999-12-31
# (and of 0001-01-01) overflows, and a pause's end may still have days added to it.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)
OUT_OF_RANGE = "must be between 2000-01-01 and 9998-12-31"


def in_range(value: datetime) -> datetime:
    """``value`` (aware) in UTC; ValueError when it is outside [EARLIEST, LATEST)."""
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        raise ValueError(OUT_OF_RANGE) from None
    if not EARLIEST <= utc < LATEST:
        raise ValueError(OUT_OF_RANGE)
    return utc


def moment(field: str, text: str, time_zone: str) -> datetime:
    """The UTC moment ``text`` names; ValidationFailed naming ``field`` otherwise."""
    try:
        if len(text) == 10:
            parsed = datetime.combine(date.fromisoformat(text), time.min)
        else:
            parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            {field: "must be ISO 8601: 2026-12-24, 2026-12-24T08:00 or 2026-12-24T08:00:00-05:00"}
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(time_zone))
    try:
        return in_range(parsed)
    except ValueError as exc:
        raise ValidationFailed({field: str(exc)}) from None

"""Moments as operators write them: ISO 8601 with an offset, without one (the company's time
zone), or a date alone (its midnight)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from openani.errors import ValidationFailed


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
    return parsed.astimezone(UTC)

"""IANA time-zone name checks shared by the ZIP index and the NPA table builder."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@cache
def iana_zone(name: str | None) -> str | None:
    """`name` if it is a zone this machine's tz database knows, else None.

    zipcodes carries a few non-zones (empty strings for military ZIPs, a town name in one
    record) and phonenumbers answers "Etc/Unknown" when it has no data; neither may reach
    calling-hours logic as if it were a real zone.
    """
    if not name or name == "Etc/Unknown":
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name

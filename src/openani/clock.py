"""The company's clock: which local day and hour a moment falls in, in the company's time zone.

Caps count dials per local day and hour, statistics are kept per local day, and windows such as
"today" or "the last 30 days" end on the company's local today; each of them asks here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import cache, lru_cache
from zoneinfo import ZoneInfo


@cache
def zone(name: str) -> ZoneInfo:
    """The time zone named ``name`` (an IANA name the company settings validated)."""
    return ZoneInfo(name)


def local_day_hour(now: datetime, time_zone: str) -> tuple[str, str]:
    """The local day (``2026-12-24``) and hour (``2026-12-24T08``) of ``now``; every zone offset
    in use is a whole number of minutes, so the answer is the same for a whole UTC minute and is
    computed once per minute (the hot path asks for every request)."""
    return _local_day_hour(int(now.timestamp()) // 60, time_zone)


@lru_cache(maxsize=1024)
def _local_day_hour(epoch_minute: int, time_zone: str) -> tuple[str, str]:
    local = datetime.fromtimestamp(epoch_minute * 60, zone(time_zone))
    return local.strftime("%Y-%m-%d"), local.strftime("%Y-%m-%dT%H")


def local_date(moment: datetime, time_zone: str | tzinfo) -> date:
    """The local date of ``moment`` (aware) in ``time_zone`` (a name or a zone)."""
    return moment.astimezone(zone(time_zone) if isinstance(time_zone, str) else time_zone).date()


def local_day(moment: datetime, time_zone: str | tzinfo) -> str:
    """The local day of ``moment`` as statistics name it (``2026-12-24``)."""
    return local_date(moment, time_zone).isoformat()


def today(time_zone: str) -> date:
    """The company's local date now."""
    return local_date(datetime.now(UTC), time_zone)

"""The company's clock: local day and hour by time zone, across offsets and daylight saving."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from openani import clock


def test_the_local_day_and_hour_follow_the_company_time_zone() -> None:
    moment = datetime(2026, 12, 24, 3, 30, tzinfo=UTC)
    assert clock.local_day_hour(moment, "UTC") == ("2026-12-24", "2026-12-24T03")
    assert clock.local_day_hour(moment, "America/New_York") == ("2026-12-23", "2026-12-23T22")
    assert clock.local_day_hour(moment, "Pacific/Kiritimati") == ("2026-12-24", "2026-12-24T17")
    # Half-hour offsets keep their minutes: 03:30 UTC is 09:00 in Kolkata, 08:59 a minute before.
    assert clock.local_day_hour(moment, "Asia/Kolkata")[1] == "2026-12-24T09"
    before = moment - timedelta(minutes=1)
    assert clock.local_day_hour(before, "Asia/Kolkata")[1] == "2026-12-24T08"


def test_the_hour_follows_daylight_saving_time() -> None:
    # 2026-03-08: New York moves from 01:59 EST to 03:00 EDT (07:00 UTC).
    assert clock.local_day_hour(datetime(2026, 3, 8, 6, 59, tzinfo=UTC), "America/New_York") == (
        "2026-03-08",
        "2026-03-08T01",
    )
    assert clock.local_day_hour(datetime(2026, 3, 8, 7, 0, tzinfo=UTC), "America/New_York") == (
        "2026-03-08",
        "2026-03-08T03",
    )


def test_the_local_day_of_a_moment_by_zone_name_or_zone() -> None:
    moment = datetime(2026, 1, 1, 4, 59, tzinfo=UTC)
    assert clock.local_day(moment, "America/New_York") == "2025-12-31"
    assert clock.local_day(moment, ZoneInfo("America/New_York")) == "2025-12-31"
    assert clock.local_day(moment + timedelta(minutes=1), "America/New_York") == "2026-01-01"
    assert clock.local_date(moment, "Asia/Tokyo").isoformat() == "2026-01-01"


def test_today_is_the_local_date_now() -> None:
    for name in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        before = datetime.now(ZoneInfo(name)).date()
        today = clock.today(name)
        after = datetime.now(ZoneInfo(name)).date()
        assert before <= today <= after

"""Each number's healthy daily volume: found by creeping up, backed off when it gets labelled.

Carriers label a number once its daily volume passes a threshold of its own (practitioners see
anything from 50 to 150 dials a day), and that threshold cannot be seen until it is crossed. A
fixed healthy volume of 50 wastes the capacity of most numbers; a fixed 100 burns a third of
them. So each number starts at the learner's ``healthy_daily`` and, every day it filled its
volume without being flagged, may take ``volume_step`` more dials the next day. Creeping slowly
crosses a threshold only slightly, where the labelling risk is small, and the burned-number
detector's flag then shows where the ceiling is: the number comes back at ``volume_backoff``
times its busiest recent day (never under ``healthy_daily``) and creeps no further.

Everything is replayed from the evidence window (daily dials and the detector's flags), oldest
day first, so the volume is a pure function of what the database holds: every server process
computes the same numbers and nothing extra is stored. A ceiling is remembered while its flag is
in the window; after that the number is probed again, slowly, as carriers re-evaluate numbers.

The hard daily cap still applies: a number held at its hard cap never fills a larger healthy
volume, so it stops creeping there by itself.
"""

from __future__ import annotations

from collections.abc import Mapping

# Days before a flag whose dials say how busy the number was when it got labelled.
BUSIEST_LOOKBACK_DAYS = 3


def healthy_volumes(
    daily_dials: Mapping[int, Mapping[int, int]],
    flagged_at: Mapping[int, int],
    *,
    base: int,
    step: int,
    backoff: float,
) -> dict[int, int]:
    """Today's healthy volume of every number whose volume is not ``base``.

    ``daily_dials``: age in days (0 = today) -> ani_id -> dials that day. ``flagged_at``: ani_id
    -> age in days of the number's latest burned-number flag in the window. Today's dials are
    not a full day, so only a flag counts on day 0.
    """
    oldest = max((*daily_dials, *flagged_at.values()), default=0)
    volumes: dict[int, int] = {}
    found: set[int] = set()
    for age in range(oldest, -1, -1):
        for ani_id, flag_age in flagged_at.items():
            if flag_age == age:
                busiest = max(
                    daily_dials.get(a, {}).get(ani_id, 0)
                    for a in range(age, age + BUSIEST_LOOKBACK_DAYS)
                )
                volumes[ani_id] = max(base, round(backoff * busiest))
                found.add(ani_id)
        if age == 0:
            break
        for ani_id, dials in daily_dials.get(age, {}).items():
            if ani_id in found:
                continue
            volume = volumes.get(ani_id, base)
            if dials >= volume:
                volumes[ani_id] = volume + step
    return {n: v for n, v in volumes.items() if v != base}

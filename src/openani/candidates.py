"""The selection core's view of a stored number: a selectable ANI row as a ``Candidate``.

Both users of the core read numbers from the store, /dialer/next (with the caps that apply to
the request) and the learner (which reads only the number's facts).
"""

from __future__ import annotations

from openani.selection import Candidate
from openani.store.selection import SelectableAni


def candidate_of(ani: SelectableAni, *, daily_cap: int, hourly_cap: int | None) -> Candidate:
    return Candidate(
        ani_id=ani.id,
        number=ani.number,
        country_code=ani.country_code,
        area_code=ani.area_code,
        state=ani.state,
        toll_free=ani.toll_free,
        branded=ani.is_branded,
        daily_cap=daily_cap,
        hourly_cap=hourly_cap,
    )

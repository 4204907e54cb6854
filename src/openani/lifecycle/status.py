"""An ANI's effective status: a pause or a rest whose end has passed is over, written down or not.

The lifecycle of a number, stored in ``anis.status`` with ``paused_until`` as the end of a pause
or of a rest:

- ``active``: in rotation.
- ``paused``: taken out by hand, until activated or until ``paused_until``; then ``active``.
- ``suspected_label``: the burned-number test flagged it; still in rotation, flagged for people.
- ``resting``: out of rotation until ``paused_until``; then ``probation``.
- ``probation``: back in rotation and watched; ``active`` again after the company's probation
  days without a new signal, rested again on one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

AniStatus = Literal["active", "paused", "suspected_label", "resting", "probation"]
STATUSES: tuple[AniStatus, ...] = ("active", "paused", "suspected_label", "resting", "probation")
# What /dialer/next may choose from.
SELECTABLE_STATUSES: frozenset[str] = frozenset({"active", "suspected_label", "probation"})
# What a stored status becomes once its ``paused_until`` has passed.
AFTER_END: dict[str, AniStatus] = {"paused": "active", "resting": "probation"}
# Who made a change, when not the holder of an API key (whose key id is written instead): the
# burned-number check, or the system (the command line, the service itself).
DETECTOR_ACTOR = "detector"
SYSTEM_ACTOR = "system"
_END_REASON = {"paused": "pause ended", "resting": "rest ended; on probation"}


def ended(status: str, paused_until: datetime | None, now: datetime) -> bool:
    """Whether a timed pause or rest is over at ``now``."""
    return status in AFTER_END and paused_until is not None and paused_until <= now


def effective_status(status: str, paused_until: datetime | None, now: datetime) -> str:
    if ended(status, paused_until, now):
        return AFTER_END[status]
    return status


@dataclass(frozen=True, slots=True)
class StatusView:
    """What the API shows of a number's status at one moment."""

    status: str
    until: datetime | None  # end of the pause or rest, while it lasts
    reason: str | None
    changed_at: datetime | None  # None: never changed since the number was created


def status_view(
    status: str,
    paused_until: datetime | None,
    reason: str | None,
    changed_at: datetime | None,
    now: datetime,
) -> StatusView:
    if ended(status, paused_until, now):
        # The change happened when the pause or rest ended, whether or not anything wrote it.
        return StatusView(AFTER_END[status], None, _END_REASON[status], paused_until)
    until = paused_until if status in AFTER_END else None
    return StatusView(status, until, reason, changed_at)

"""An ANI's effective status: a pause whose end has passed is over, written down or not."""

from __future__ import annotations

from datetime import datetime


def effective_status(status: str, paused_until: datetime | None, now: datetime) -> str:
    if status == "paused" and paused_until is not None and paused_until <= now:
        return "active"
    return status

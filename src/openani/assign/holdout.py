"""The default strategy's built-in holdout: which prospects get the plain local-presence rule.

A company's ``holdout_share`` of prospects is served, for calls of the default strategy
(``auto``), by the rule every dialer already has (local presence with least-recently-used
rotation), and each call is logged with its arm. Comparing the arms' contact rates
(``GET /dialer/stats/experiment``) shows what the default earns on the company's own traffic.

The arm is a hash of the company and the prospect's number, not a coin flip per call: a
prospect called five times stays in one arm, so a result is attributed to the arm of its
prospect without doubt, and the arms do not share prospects (whose answers are correlated).
"""

from __future__ import annotations

import hashlib
from typing import Literal

Arm = Literal["default", "holdout"]
ARMS: tuple[Arm, ...] = ("default", "holdout")
_SCALE = float(1 << 64)


def arm_of(company_id: int, prospect_phone: str, holdout_share: float) -> Arm:
    """``holdout`` for a stable ``holdout_share`` of each company's prospects."""
    if holdout_share <= 0.0:
        return "default"
    digest = hashlib.blake2b(f"{company_id}:{prospect_phone}".encode(), digest_size=8).digest()
    return "holdout" if int.from_bytes(digest, "big") / _SCALE < holdout_share else "default"

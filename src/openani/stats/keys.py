"""Where a call counts: the dimensions of the daily statistics, their counters and row keys.

A row of ``daily_stats`` is (company, dimension, key, the company's local day) with its
counters. The keys of each dimension:

- ``ani``: the number with its country code, ``+15615550100``
- ``campaign``: the campaign's id, ``c123``
- ``ani_campaign``: ``c123|+15615550100``, per-number statistics of one campaign
- ``area``: the prospect's area code, ``561`` (the row also keeps the area's state)
- ``area_local``: the prospect's area code, for the calls placed from a number of that area code
- ``ani_area``: ``+15615550100|561``, each number's calls per prospect area code (the learner's
  evidence)
- ``agent``: the result's agent id
- ``arm``: ``default`` or ``holdout``, calls of the default strategy by experiment arm

Pure: no storage. Adding a dimension means adding it here (and to ``keys_of`` or
``assignment_keys``); the store writes whatever keys it is given.
"""

from __future__ import annotations

from typing import Literal

Dimension = Literal[
    "ani", "campaign", "area", "area_local", "ani_campaign", "ani_area", "agent", "arm"
]

# The counters a dial result adds to, in the order counting.contribution() returns them. Plain
# tuples and lists: ingestion adds a result to several rows, a thousand results a batch.
COUNTERS = (
    "dials", "contacts", "successes", "blocked", "no_answers", "talk_seconds", "short_calls",
)  # fmt: skip
# Every counter of a row: the numbers /dialer/next handed out, then the results' counters.
ALL_COUNTERS = ("assigned", *COUNTERS)

# Between the two parts of a composite key. "}" sorts right after it: the keys of one number's
# ``ani_area`` rows are those from ``prefix`` up to, not including, ``number + "}"``.
SEPARATOR = "|"
_AFTER_SEPARATOR = "}"

StatsKey = tuple[Dimension, str, str]  # (dimension, key, day)
# Where an assignment counts: (dimension, key, the area's state for the area dimension).
AssignmentKey = tuple[Dimension, str, str | None]


def ani_campaign_key(campaign: str, ani: str) -> str:
    return f"{campaign}{SEPARATOR}{ani}"


def ani_area_key(ani: str, area_code: str) -> str:
    return f"{ani}{SEPARATOR}{area_code}"


def split_ani_area_key(key: str) -> tuple[str, str]:
    """The number and the prospect's area code of an ``ani_area`` key."""
    ani, _, area = key.rpartition(SEPARATOR)
    return ani, area


def ani_area_range(ani: str) -> tuple[str, str]:
    """``(first, after)``: the ``ani_area`` keys of ``ani`` are ``first <= key < after``."""
    return ani + SEPARATOR, ani + _AFTER_SEPARATOR


def is_local(ani: str, area_code: str) -> bool:
    """A +1 caller ID ("+1NPA...") of the prospect's own area code."""
    return ani.startswith("+1") and ani[2:5] == area_code


def result_keys(
    ani: str,
    campaign: str,
    area_code: str | None,
    day: str,
    agent: str | None = None,
    arm: str | None = None,
) -> list[StatsKey]:
    """The rows a dial result counts in."""
    keys: list[StatsKey] = [
        ("ani", ani, day),
        ("campaign", campaign, day),
        ("ani_campaign", ani_campaign_key(campaign, ani), day),
    ]
    if area_code:
        keys.append(("area", area_code, day))
        # What the selection learner reads: each number's results per prospect area code.
        keys.append(("ani_area", ani_area_key(ani, area_code), day))
        if is_local(ani, area_code):
            # The part of an area's calls placed from a number of its own area code (coverage).
            keys.append(("area_local", area_code, day))
    if agent:
        keys.append(("agent", agent, day))
    if arm:
        keys.append(("arm", arm, day))
    return keys


def assignment_keys(
    ani: str, campaign: str, area_code: str | None, area_state: str | None, arm: str | None
) -> tuple[AssignmentKey, ...]:
    """The rows whose ``assigned`` counter a number handed out by /dialer/next adds to."""
    keys: list[AssignmentKey] = [
        ("ani", ani, None),
        ("campaign", campaign, None),
        ("ani_campaign", ani_campaign_key(campaign, ani), None),
    ]
    if area_code:
        keys.append(("area", area_code, area_state))
    if arm is not None:
        keys.append(("arm", arm, None))
    return tuple(keys)

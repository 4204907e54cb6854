"""How one dial result counts into the daily statistics. Pure: no storage.

A result contributes to several dimensions (the ANI that was shown, the campaign, the prospect's
area code) on the company's local day of the call. Changing a result (a re-disposition, or a
disposition defined after the fact) moves the statistics by ``new - old`` contributions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

# What happened on the line, as a disposition may declare it.
Category = Literal["human", "voicemail", "no_answer", "busy", "blocked", "invalid_number", "other"]
Dimension = Literal[
    "ani", "campaign", "area", "area_local", "ani_campaign", "ani_area", "agent", "arm"
]

# Carriers' analytics treat answered calls shorter than this as a spam signal.
SHORT_CALL_S = 10


@dataclass(frozen=True, slots=True)
class Classification:
    """What a disposition says about a call; an unknown disposition is a dial, nothing more."""

    contact: bool = False
    success: bool = False
    category: str | None = None


UNMAPPED = Classification()


# The daily_stats counters a result adds to, in the order contribution() returns them. Plain
# tuples and lists: ingestion adds a result to four rows, a thousand results a batch.
COUNTERS = (
    "dials", "contacts", "successes", "blocked", "no_answers", "talk_seconds", "short_calls",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CountedResult:
    """The parts of a stored result that decide where and how it is counted."""

    ani: str
    campaign: str
    area_code: str | None
    area_state: str | None
    day: str
    call_at: datetime
    duration_s: int | None
    classification: Classification
    agent: str | None = None
    arm: str | None = None  # the default strategy's experiment arm of the call, if any


StatsKey = tuple[Dimension, str, str]  # (dimension, key, day)


def contribution(classification: Classification, duration_s: int | None) -> tuple[int, ...]:
    """What one result adds to each counter of COUNTERS."""
    contact = classification.contact
    return (
        1,
        int(contact),
        int(contact and classification.success),
        int(classification.category == "blocked"),
        int(classification.category == "no_answer"),
        duration_s or 0,
        int(contact and duration_s is not None and duration_s < SHORT_CALL_S),
    )


def ani_campaign_key(campaign: str, ani: str) -> str:
    return f"{campaign}|{ani}"


def keys_of(result: CountedResult) -> list[StatsKey]:
    keys: list[StatsKey] = [
        ("ani", result.ani, result.day),
        ("campaign", result.campaign, result.day),
        ("ani_campaign", ani_campaign_key(result.campaign, result.ani), result.day),
    ]
    if result.area_code:
        keys.append(("area", result.area_code, result.day))
        # What the selection learner reads: each number's results per prospect area code.
        keys.append(("ani_area", ani_area_key(result.ani, result.area_code), result.day))
        if is_local(result.ani, result.area_code):
            # The part of an area's calls placed from a number of its own area code (coverage).
            keys.append(("area_local", result.area_code, result.day))
    if result.agent:
        keys.append(("agent", result.agent, result.day))
    if result.arm:
        keys.append(("arm", result.arm, result.day))
    return keys


def is_local(ani: str, area_code: str) -> bool:
    """A +1 caller ID ("+1NPA...") of the prospect's own area code."""
    return ani.startswith("+1") and ani[2:5] == area_code


def ani_area_key(ani: str, area_code: str) -> str:
    return f"{ani}|{area_code}"


@dataclass(slots=True)
class StatsDelta:
    """Accumulated changes to daily_stats rows, applied in one write at the end of a batch."""

    counters: dict[StatsKey, list[int]]  # by COUNTERS
    states: dict[StatsKey, str | None]
    last_dialed: dict[StatsKey, datetime]

    @classmethod
    def empty(cls) -> StatsDelta:
        return cls({}, {}, {})

    def add(self, result: CountedResult, sign: int = 1) -> None:
        counted = contribution(result.classification, result.duration_s)
        if sign != 1:
            counted = tuple(sign * value for value in counted)
        counters = self.counters
        for key in keys_of(result):
            totals = counters.get(key)
            # One list per key and result rather than seven in-place additions: this runs five
            # times per ingested result, and the comprehension is about twice as fast.
            if totals is None:
                counters[key] = list(counted)
            else:
                counters[key] = [a + b for a, b in zip(totals, counted, strict=True)]
            if key[0] == "area":
                self.states[key] = result.area_state
            if sign > 0 and (key not in self.last_dialed or result.call_at > self.last_dialed[key]):
                self.last_dialed[key] = result.call_at

    def replace(self, old: CountedResult, new: CountedResult) -> None:
        self.add(old, -1)
        self.add(new, 1)

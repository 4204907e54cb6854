"""How one dial result counts into the daily statistics. Pure: no storage.

A result contributes to several dimensions (the ANI that was shown, the campaign, the prospect's
area code) on the company's local day of the call. Changing a result (a re-disposition, or a
disposition defined after the fact) moves the statistics by ``new - old`` contributions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from openani.stats.keys import COUNTERS, StatsKey, result_keys

# What happened on the line, as a disposition may declare it.
Category = Literal["human", "voicemail", "no_answer", "busy", "blocked", "invalid_number", "other"]

# Carriers' analytics treat answered calls shorter than this as a spam signal.
SHORT_CALL_S = 10


@dataclass(frozen=True, slots=True)
class Classification:
    """What a disposition says about a call; an unknown disposition is a dial, nothing more."""

    contact: bool = False
    success: bool = False
    category: str | None = None


UNMAPPED = Classification()


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


def keys_of(result: CountedResult) -> list[StatsKey]:
    return result_keys(
        result.ani, result.campaign, result.area_code, result.day, result.agent, result.arm
    )


@dataclass(frozen=True, slots=True)
class StatsChange:
    """A change to one daily row, as the store writes it."""

    dimension: str
    key: str
    day: str
    state: str | None
    counters: dict[str, int]  # by counter name (keys.COUNTERS); missing ones are 0
    assigned: int = 0
    last_dialed_at: datetime | None = None


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

    def changes(self) -> list[StatsChange]:
        """The rows to write: those whose counters moved, or whose last dial may have."""
        return [
            StatsChange(
                dimension=dimension,
                key=key,
                day=day,
                state=self.states.get((dimension, key, day)),
                counters=dict(zip(COUNTERS, c, strict=True)),
                last_dialed_at=self.last_dialed.get((dimension, key, day)),
            )
            for (dimension, key, day), c in self.counters.items()
            if any(c) or (dimension, key, day) in self.last_dialed
        ]

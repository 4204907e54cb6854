"""How one dial result counts into the daily statistics. Pure: no storage.

A result contributes to three dimensions (the ANI that was shown, the campaign, the prospect's
area code) on the company's local day of the call. Changing a result (a re-disposition, or a
disposition defined after the fact) moves the statistics by ``new - old`` contributions.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Literal

# What happened on the line, as a disposition may declare it.
Category = Literal["human", "voicemail", "no_answer", "busy", "blocked", "invalid_number", "other"]
Dimension = Literal["ani", "campaign", "area", "ani_campaign"]

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
class Counters:
    dials: int = 0
    contacts: int = 0
    successes: int = 0
    blocked: int = 0
    no_answers: int = 0
    talk_seconds: int = 0
    short_calls: int = 0

    def __add__(self, other: Counters) -> Counters:
        return Counters(*(a + b for a, b in zip(self._values(), other._values(), strict=True)))

    def __neg__(self) -> Counters:
        return Counters(*(-a for a in self._values()))

    def __bool__(self) -> bool:
        return any(self._values())

    def as_columns(self) -> dict[str, int]:
        """By daily_stats column name."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def _values(self) -> tuple[int, ...]:
        return (
            self.dials, self.contacts, self.successes, self.blocked, self.no_answers,
            self.talk_seconds, self.short_calls,
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


StatsKey = tuple[Dimension, str, str]  # (dimension, key, day)


def contribution(classification: Classification, duration_s: int | None) -> Counters:
    contact = classification.contact
    return Counters(
        dials=1,
        contacts=int(contact),
        successes=int(contact and classification.success),
        blocked=int(classification.category == "blocked"),
        no_answers=int(classification.category == "no_answer"),
        talk_seconds=duration_s or 0,
        short_calls=int(contact and duration_s is not None and duration_s < SHORT_CALL_S),
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
    return keys


@dataclass(slots=True)
class StatsDelta:
    """Accumulated changes to daily_stats rows, applied in one write at the end of a batch."""

    counters: dict[StatsKey, Counters]
    states: dict[StatsKey, str | None]
    last_dialed: dict[StatsKey, datetime]

    @classmethod
    def empty(cls) -> StatsDelta:
        return cls({}, {}, {})

    def add(self, result: CountedResult, sign: int = 1) -> None:
        counted = contribution(result.classification, result.duration_s)
        if sign < 0:
            counted = -counted
        for key in keys_of(result):
            self.counters[key] = self.counters.get(key, Counters()) + counted
            if key[0] == "area":
                self.states[key] = result.area_state
            if sign > 0 and (key not in self.last_dialed or result.call_at > self.last_dialed[key]):
                self.last_dialed[key] = result.call_at

    def replace(self, old: CountedResult, new: CountedResult) -> None:
        self.add(old, -1)
        self.add(new, 1)

"""Value types of the selection policy.

Static facts (``Candidate``) and mutable counters (``Usage``) are separate on purpose: the
inventory changes rarely, so it is indexed once in a ``CandidatePool``, while the counters change
on every dial and are read from a caller-owned mapping at choice time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, Protocol, get_args

if TYPE_CHECKING:
    from .learner import ContactModel

AssignmentType = Literal[
    "zip", "area_code", "state", "tfn", "random", "highest_contact_rate", "auto"
]
Match = Literal["zip", "area_code", "overlay", "state", "nearest", "tfn", "any", "sticky"]
CapMode = Literal["soft", "strict"]
NoChoiceCode = Literal["no_inventory", "no_brand_match", "all_capped"]

ASSIGNMENT_TYPES: Final[frozenset[str]] = frozenset(get_args(AssignmentType))
CAP_MODES: Final[frozenset[str]] = frozenset(get_args(CapMode))


def normalize_country_code(code: str) -> str:
    """``"1"``, ``" +1 "`` and ``"+1"`` all mean +1: inventories and prospects disagree on the +."""
    code = code.strip()
    return code if code.startswith("+") else "+" + code


@dataclass(frozen=True, slots=True)
class Candidate:
    """Static facts of one eligible ANI; changes only when the inventory changes."""

    ani_id: int
    number: str
    country_code: str
    area_code: str | None
    state: str | None
    toll_free: bool
    branded: bool
    daily_cap: int
    hourly_cap: int | None = None

    def __post_init__(self) -> None:
        # A zero cap is allowed (it parks a number without removing it); negatives are data bugs.
        if self.daily_cap < 0:
            raise ValueError(f"ANI {self.ani_id}: daily_cap must be >= 0, got {self.daily_cap}")
        if self.hourly_cap is not None and self.hourly_cap < 0:
            raise ValueError(f"ANI {self.ani_id}: hourly_cap must be >= 0, got {self.hourly_cap}")


@dataclass(slots=True)
class Usage:
    """Mutable counters of one ANI, kept current by the caller (an absent entry means unused)."""

    dials_today: int = 0
    dials_this_hour: int = 0
    last_assigned_at: float | None = None  # epoch seconds; only compared, never read from a clock


# How a choice reads the counters: ``usage.get`` of the caller's mapping.
UsageGetter = Callable[[int], Usage | None]


@dataclass(frozen=True, slots=True)
class Prospect:
    """Who is being called, already resolved by the caller.

    ``state`` is the ZIP's state when a ZIP was given, else the area code's state; ``lat``/``lon``
    likewise come from the ZIP, else the area-code centroid.
    """

    country_code: str
    area_code: str | None
    state: str | None
    zip_area_codes: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class SelectionOptions:
    """Per-request knobs.

    ``strict_brand`` is an extension of the product issue: by default a brand restriction that
    matches no ANI is ignored (and reported); with ``strict_brand=True`` it yields ``NoChoice``
    instead, for campaigns where showing an unbranded number is worse than not calling.
    """

    assignment_type: AssignmentType | None
    default_assignment_type: AssignmentType | None = None
    use_branded: bool | None = None
    cap_mode: CapMode = "soft"
    nearest_radius_km: float = 250.0
    strict_brand: bool = False
    # Sticky caller ID: the ANI this prospect was shown last; kept while it is still eligible
    # (in the pool, same country, brand filter, under cap) so callbacks reach a familiar number.
    preferred_ani_id: int | None = None
    # What the learner knows (``auto`` and ``highest_contact_rate``); None: nothing yet.
    model: ContactModel | None = None

    def __post_init__(self) -> None:
        # Options often come straight from request JSON, where Literal types are not enforced.
        for name in ("assignment_type", "default_assignment_type"):
            value = getattr(self, name)
            if value is not None and value not in ASSIGNMENT_TYPES:
                raise ValueError(f"unknown {name} {value!r}")
        if self.cap_mode not in CAP_MODES:
            raise ValueError(f"unknown cap_mode {self.cap_mode!r}")
        if not self.nearest_radius_km >= 0.0:
            raise ValueError(f"nearest_radius_km must be >= 0, got {self.nearest_radius_km}")


class AreaCodeMap(Protocol):
    """Geo knowledge injected by the caller (the geo module provides the production adapter)."""

    def overlays_of(self, npa: str) -> tuple[str, ...]:
        """Area codes overlaying ``npa`` (``npa`` itself may or may not be included)."""
        ...

    def nearest_to(self, lat: float, lon: float, radius_km: float) -> list[tuple[str, float]]:
        """``(npa, km)`` pairs within ``radius_km`` of the point, nearest first."""
        ...


_MATCH_TEXT: Final[dict[str, str]] = {
    "zip": "area code {npa} serves the prospect's ZIP",
    "area_code": "same area code {npa}",
    "overlay": "area code {npa} overlays the prospect's area code",
    "state": "same state {state}",
    "nearest": "nearest area code {npa}",
    "tfn": "toll-free number",
    "any": "any eligible number",
    "sticky": "the number this prospect was shown last",
}


@dataclass(frozen=True, slots=True)
class Choice:
    """The chosen ANI and why it was chosen (logged per call, like VICIdial does)."""

    candidate: Candidate
    assignment_type: AssignmentType
    requested_assignment_type: AssignmentType | None
    match: Match
    fallback: bool
    over_cap: bool
    brand_filter_ignored: bool
    distance_km: float | None = None  # set for match == "nearest"

    @property
    def explanation(self) -> str:
        """One human-readable line; built on demand so the hot path pays nothing for it."""
        c = self.candidate
        text = _MATCH_TEXT[self.match].format(npa=c.area_code, state=c.state)
        if self.distance_km is not None:
            text += f" ({self.distance_km:.0f} km)"
        parts = [f"{c.number} by {self.assignment_type}: {text}"]
        if self.fallback:
            parts.append(f"fallback from {self.requested_assignment_type or 'default'}")
        if self.over_cap:
            parts.append("every eligible ANI is at its cap; least used one taken")
        if self.brand_filter_ignored:
            parts.append("no ANI matched the brand filter, so it was ignored")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class NoChoice:
    """No ANI can be given; ``reason`` is shown to the dialer as is."""

    reason: str
    code: NoChoiceCode | None = None

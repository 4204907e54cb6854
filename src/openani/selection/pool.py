"""The candidate index, built once per inventory and reused across calls.

Only static facts are indexed. Usage counters are deliberately not part of the index: they change
on every dial. Each choice scans just the cells its ladder level needs, or asks a
``CellWinnerMemo`` that the owner of the counters keeps valid for the cells nobody dialled since.

Candidates are grouped into *cells* keyed by (area code, state, toll-free). Every ladder level is
a union of cells (an area code, a state, the toll-free set, everything), so a level is a short
list of cell ids, and a choice can skip cells an earlier level already scanned.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol

from .types import Candidate, normalize_country_code

Cell = tuple[Candidate, ...]
_CellKey = tuple[str | None, str | None, bool]


class CellWinnerMemo(Protocol):
    """Remembered least-recently-used winners of cells, kept valid by whoever owns the usage
    counters: an entry must be dropped when the counters of any number of its cell change, or
    when the day or hour rolls over. A large level (a state, "any") then costs one lookup per
    cell instead of a scan of every number; ``choose_ani`` works the same without one."""

    def winner(self, cell: Cell) -> tuple[bool, Candidate | None]:
        """(known, the cell's LRU number under cap, or None if all are capped)."""
        ...

    def remember(self, cell: Cell, winner: Candidate | None) -> None: ...


class Segment:
    """Index over the candidates of one country and one brand restriction."""

    __slots__ = ("all", "by_npa", "by_state", "cells", "country_code", "toll_free")

    def __init__(self, country_code: str, candidates: Sequence[Candidate]) -> None:
        self.country_code = country_code
        # Sorted by ani_id so that uniform sampling and "any" scans are reproducible for a seed.
        self.all: Cell = tuple(sorted(candidates, key=lambda c: c.ani_id))
        grouped: dict[_CellKey, list[Candidate]] = {}
        for c in self.all:
            grouped.setdefault((c.area_code, c.state, c.toll_free), []).append(c)
        self.cells: tuple[Cell, ...] = tuple(tuple(v) for v in grouped.values())
        by_npa: dict[str, list[int]] = {}
        by_state: dict[str, list[int]] = {}
        toll_free: list[int] = []
        for i, (npa, state, tf) in enumerate(grouped):
            if npa is not None:
                by_npa.setdefault(npa, []).append(i)
            if state is not None:
                by_state.setdefault(state, []).append(i)
            if tf:
                toll_free.append(i)
        self.by_npa: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in by_npa.items()}
        self.by_state: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in by_state.items()}
        self.toll_free: tuple[int, ...] = tuple(toll_free)

    def __len__(self) -> int:
        return len(self.all)

    def take(self, cell_ids: Iterable[int], visited: set[int]) -> list[Cell]:
        """The cells not scanned yet, marking them scanned."""
        out: list[Cell] = []
        for i in cell_ids:
            if i not in visited:
                visited.add(i)
                out.append(self.cells[i])
        return out


class CandidatePool:
    """All eligible candidates, indexed by country x brand, then area code / state / toll-free.

    Build it when the inventory changes and share it between calls; it is never mutated after
    construction, so concurrent readers need no lock.
    """

    __slots__ = ("_by_id", "_segments")

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        by_id: dict[int, Candidate] = {}
        for c in candidates:
            if c.ani_id in by_id:
                raise ValueError(f"duplicate ani_id {c.ani_id} in candidate pool")
            by_id[c.ani_id] = c
        self._by_id = by_id
        by_country: dict[str, list[Candidate]] = {}
        for c in by_id.values():
            by_country.setdefault(normalize_country_code(c.country_code), []).append(c)
        # All three brand views are built up front: tripling a few tuples of references is cheap
        # next to deciding the brand split on every call.
        self._segments: dict[tuple[str, bool | None], Segment] = {}
        for cc, members in by_country.items():
            self._segments[(cc, None)] = Segment(cc, members)
            for branded in (True, False):
                subset = [c for c in members if bool(c.branded) == branded]
                if subset:
                    self._segments[(cc, branded)] = Segment(cc, subset)

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self._by_id.values())

    def __contains__(self, ani_id: object) -> bool:
        return ani_id in self._by_id

    def get(self, ani_id: int) -> Candidate | None:
        return self._by_id.get(ani_id)

    def segment(self, country_code: str, branded: bool | None = None) -> Segment | None:
        """The index for one country (already normalized) and brand view; None when empty."""
        return self._segments.get((country_code, branded))

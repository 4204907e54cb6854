"""Every operation of the anchor's current edition, served at the root beside /dialer."""

from __future__ import annotations

from openani.http.anchor import assignment, custom, dials, nrm, planner
from openani.http.operations import Operation

OPERATIONS: list[Operation] = [
    *assignment.OPERATIONS,
    *dials.OPERATIONS,
    *custom.OPERATIONS,
    *nrm.OPERATIONS,
    *planner.OPERATIONS,
]

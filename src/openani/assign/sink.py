"""What /dialer/next reports as it answers: a sink the service is given.

Kept to two calls made at the service's boundary, so metrics and webhook observations stay
out of the claim path itself; ``NO_SINK`` when nobody listens. Implementations run on the
event loop and must only do in-memory work (count, buffer).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from openani.selection import Candidate, Choice
from openani.store.companies import Company


class AssignSink(Protocol):
    def picked(
        self,
        company: Company,
        campaign: str,
        candidate: Candidate,
        choice: Choice,
        counters: tuple[int, int],
        now: datetime,
    ) -> None:
        """A number was claimed; ``counters``: its dials today and this hour, after the claim."""
        ...

    def refused(
        self,
        company: Company,
        campaign: str,
        groups: frozenset[str] | None,
        reason: str,
        message: str,
        now: datetime,
    ) -> None:
        """A call (or a batch row) got no number; ``reason`` is a code, ``message`` the text
        the dialer was answered."""
        ...


class _NoSink:
    def picked(
        self,
        company: Company,
        campaign: str,
        candidate: Candidate,
        choice: Choice,
        counters: tuple[int, int],
        now: datetime,
    ) -> None:
        pass

    def refused(
        self,
        company: Company,
        campaign: str,
        groups: frozenset[str] | None,
        reason: str,
        message: str,
        now: datetime,
    ) -> None:
        pass


NO_SINK: AssignSink = _NoSink()

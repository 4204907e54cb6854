"""What ingestion tells the rest of the service about results, inside its own transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from openani.store.raw import RawTransaction


class ResultEvents(Protocol):
    def processed(
        self,
        tx: RawTransaction,
        company_id: int,
        rows: Sequence[Mapping[str, Any]],
        at: datetime,
    ) -> None:
        """Results about to be stored or replaced in ``tx`` (a retry that changes nothing is
        not among them): each row has the stored columns and ``status`` (stored, updated).
        Whatever this writes commits or rolls back with the results."""
        ...

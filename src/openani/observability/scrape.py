"""The text a Prometheus scrape receives: the process's (or all workers') metrics, plus gauges
read from the database at scrape time (numbers per status, webhook deliveries waiting).

A scrape runs in a worker thread: the gauges are database reads, which must not run on the
event loop that serves /dialer/next.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from openani.lifecycle.status import STATUSES, effective_status
from openani.observability.metrics import multiprocess as in_multiprocess_mode
from openani.store import gauges as store
from openani.store.engine import Database

# A scrape every few seconds from several Prometheus servers should not mean as many counts.
GAUGE_CACHE_S = 5.0


class DatabaseGauges(Collector):
    def __init__(self, db: Database, extra: Callable[[], Iterable[Metric]] | None = None) -> None:
        self._db = db
        # More gauges from other features (the webhook outbox), read in the same scrape.
        self._extra = extra
        self._lock = threading.Lock()
        self._cached: tuple[float, list[Metric]] | None = None

    def collect(self) -> Iterable[Metric]:
        with self._lock:
            cached = self._cached
            if cached is None or time.monotonic() - cached[0] > GAUGE_CACHE_S:
                cached = self._cached = (time.monotonic(), self._read())
        return list(cached[1])

    def _read(self) -> list[Metric]:
        now = datetime.now(UTC)
        with self._db.read() as conn:
            rows = store.anis_by_stored_status(conn)
        counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for status, until, count in rows:
            shown = effective_status(status, until, now)
            counts[shown] = counts.get(shown, 0) + count
        numbers = GaugeMetricFamily(
            "openani_anis", "ANIs of every company (not deleted), by status", labels=["status"]
        )
        for status, count in counts.items():
            numbers.add_metric([status], count)
        metrics: list[Metric] = [numbers]
        if self._extra is not None:
            metrics.extend(self._extra())
        return metrics


class Exposition:
    def __init__(self, gauges: DatabaseGauges) -> None:
        if in_multiprocess_mode():
            self._process = CollectorRegistry()
            multiprocess.MultiProcessCollector(self._process)  # type: ignore[no-untyped-call]
        else:
            self._process = REGISTRY
        self._database = CollectorRegistry()
        self._database.register(gauges)

    def render(self) -> bytes:
        return generate_latest(self._process) + generate_latest(self._database)

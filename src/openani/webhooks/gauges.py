"""Webhook backlog gauges for the metrics scrape."""

from __future__ import annotations

from prometheus_client.metrics_core import GaugeMetricFamily, Metric

from openani.store import webhooks as store
from openani.store.engine import Database


def backlog_gauges(db: Database) -> list[Metric]:
    with db.read() as conn:
        events, pending = store.backlog(conn)
    outbox = GaugeMetricFamily(
        "openani_webhook_outbox_events", "Events not yet turned into deliveries (all companies)"
    )
    outbox.add_metric([], events)
    waiting = GaugeMetricFamily(
        "openani_webhook_deliveries_pending",
        "Webhook deliveries waiting for a first or a further attempt (all companies)",
    )
    waiting.add_metric([], pending)
    return [outbox, waiting]

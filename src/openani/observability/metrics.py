"""The process's Prometheus metrics and the small calls that record them.

Every recording call sits on a request path, so each keeps its labelled children in a dict:
``labels()`` validates and hashes its arguments on every call, a dict lookup does not. Label
values come from closed sets (route templates, strategies, statuses), never from request data,
so the number of series stays bounded whatever clients send.

With several worker processes, ``openani serve`` points ``PROMETHEUS_MULTIPROC_DIR`` at a
directory of its own before the workers start; ``prometheus_client`` then keeps these values
in shared files and a scrape of any worker reports the sum of all of them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Histogram, disable_created_metrics

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
JOB_BUCKETS = (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0)
# The *_created series double the exposition and tell Prometheus nothing it uses here.
disable_created_metrics()  # type: ignore[no-untyped-call]

_METHODS = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"})

REQUESTS = Counter(
    "openani_http_requests",
    "HTTP requests answered, by route template, method and status code",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "openani_http_request_duration_seconds",
    "Time from the request's arrival to the end of its answer, by route, method and status",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)
PICKS = Counter(
    "openani_picks",
    "ANIs given by /dialer/next and /dialer/next/batch, by strategy, match level and fallback",
    ["assignment_type", "match", "fallback"],
)
NO_ANI = Counter(
    "openani_no_ani",
    "Calls of /dialer/next (or batch rows) answered without a number, by reason",
    ["reason"],
)
RESULTS = Counter(
    "openani_results",
    "Dial results received, by source (callback, api) and outcome "
    "(stored, duplicate, updated, refused)",
    ["source", "outcome"],
)
WEBHOOK_EVENTS = Counter(
    "openani_webhook_events", "Events written to the webhook outbox, by type", ["event"]
)
WEBHOOK_ATTEMPTS = Counter(
    "openani_webhook_attempts",
    "Webhook delivery attempts, by outcome: delivered, retry (failed, will be retried), "
    "failed (failed, retries exhausted)",
    ["outcome"],
)
JOB_SECONDS = Histogram(
    "openani_job_duration_seconds",
    "Durations of background jobs (burn_check, learner_refit, wal_checkpoint, webhook_pass)",
    ["job"],
    buckets=JOB_BUCKETS,
)

_requests: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}
_picks: dict[tuple[str, str, bool], Counter] = {}
_no_ani: dict[str, Counter] = {}
_results: dict[tuple[str, str], Counter] = {}


def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    key = (route, method, status)
    children = _requests.get(key)
    if children is None:
        shown = method if method in _METHODS else "other"
        labels = (route, shown, str(status))
        children = _requests[key] = (REQUESTS.labels(*labels), REQUEST_SECONDS.labels(*labels))
    children[0].inc()
    children[1].observe(seconds)


def picked(assignment_type: str, match: str, fallback: bool) -> None:
    key = (assignment_type, match, fallback)
    child = _picks.get(key)
    if child is None:
        child = _picks[key] = PICKS.labels(assignment_type, match, "true" if fallback else "false")
    child.inc()


def no_ani(reason: str) -> None:
    child = _no_ani.get(reason)
    if child is None:
        child = _no_ani[reason] = NO_ANI.labels(reason)
    child.inc()


def results(source: str, outcome: str, count: int = 1) -> None:
    key = (source, outcome)
    child = _results.get(key)
    if child is None:
        child = _results[key] = RESULTS.labels(source, outcome)
    child.inc(count)


@contextmanager
def timed(job: str) -> Iterator[None]:
    """Observe how long the block takes as one run of ``job``, whether it fails or not."""
    start = time.perf_counter()
    try:
        yield
    finally:
        JOB_SECONDS.labels(job).observe(time.perf_counter() - start)

"""Where what /dialer/next reports goes: the metrics, and webhook observations
(``cap.reached`` when a claim fills a number's daily or hourly cap, ``pool.exhausted`` when a
call gets no number). In-memory work only: this runs on the event loop for every call."""

from __future__ import annotations

from datetime import datetime

from openani.observability import metrics
from openani.selection import Candidate, Choice
from openani.store.companies import Company
from openani.webhooks.outbox import WebhookOutbox


class AssignSignals:
    def __init__(self, outbox: WebhookOutbox) -> None:
        self._outbox = outbox

    def picked(
        self,
        company: Company,
        campaign: str,
        candidate: Candidate,
        choice: Choice,
        counters: tuple[int, int],
        now: datetime,
    ) -> None:
        metrics.picked(choice.assignment_type, choice.match, choice.fallback)
        daily, hourly = counters
        # Counters grow by one per claim, so each cap is met exactly once per day or hour.
        if daily == candidate.daily_cap:
            self._cap_reached(company, campaign, candidate, "daily", daily, now)
        if hourly == candidate.hourly_cap:
            self._cap_reached(company, campaign, candidate, "hourly", hourly, now)

    def _cap_reached(
        self,
        company: Company,
        campaign: str,
        candidate: Candidate,
        cap: str,
        limit: int,
        now: datetime,
    ) -> None:
        data = {
            "number": candidate.number,
            "country_code": candidate.country_code,
            "cap": cap,
            "limit": limit,
            "campaign": campaign,
            "at": now.isoformat(),
        }
        self._outbox.observe(company.id, "cap.reached", data, now)

    def refused(
        self,
        company: Company,
        campaign: str,
        groups: frozenset[str] | None,
        reason: str,
        message: str,
        now: datetime,
    ) -> None:
        metrics.no_ani(reason)
        group_list = sorted(groups) if groups is not None else None
        data = {
            "campaign": campaign,
            "inventory_group_ids": group_list,
            "reason": reason,
            "message": message,
            "at": now.isoformat(),
        }
        throttle = (campaign, reason, tuple(group_list or ()))
        self._outbox.observe(company.id, "pool.exhausted", data, now, throttle=throttle)

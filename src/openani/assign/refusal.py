"""Why /dialer/next had no number: the company's numbers for the call, counted by what kept
each one out (another country, another inbound group, paused, resting, at a cap).

Cold path: it runs once per refusal and reads the whole inventory of the snapshot.
"""

from __future__ import annotations

from datetime import datetime

from openani.assign.snapshot import CompanySnapshot
from openani.lifecycle.status import effective_status
from openani.selection import NoChoice, normalize_country_code
from openani.store.selection import CampaignConfig


def refusal(
    snapshot: CompanySnapshot,
    campaign: CampaignConfig,
    groups: frozenset[str] | None,
    country: str,
    outcome: NoChoice,
    now: datetime,
) -> tuple[str, dict[str, int]]:
    """The message of the 404 and its counts."""
    defaults = snapshot.defaults
    daily = campaign.daily_cap if campaign.daily_cap is not None else defaults.daily_cap
    hourly = campaign.hourly_cap if campaign.hourly_cap is not None else defaults.hourly_cap
    counts = dict.fromkeys(
        ("held", "other_country", "other_groups", "paused", "resting", "capped", "available"), 0
    )
    paused_ids = {a.id for a in snapshot.paused_anis}
    for ani in (*snapshot.anis, *snapshot.paused_anis):
        if normalize_country_code(ani.country_code) != country:
            counts["other_country"] += 1
            continue
        counts["held"] += 1
        if groups is not None and ani.inbound_group_id not in groups:
            counts["other_groups"] += 1
        elif ani.id in paused_ids:
            status = effective_status(ani.status, ani.paused_until, now)
            counts["resting" if status == "resting" else "paused"] += 1
        else:
            usage = snapshot.usage.get(ani.id)
            day_cap = ani.daily_cap if ani.daily_cap is not None else daily
            hour_cap = ani.hourly_cap if ani.hourly_cap is not None else hourly
            capped = usage is not None and (
                usage.dials_today >= day_cap
                or (hour_cap is not None and usage.dials_this_hour >= hour_cap)
            )
            counts["capped" if capped else "available"] += 1
    where = f" in inbound group {', '.join(sorted(groups))}" if groups else ""
    if outcome.code == "all_capped":
        message = f"{outcome.reason}{where}"
    elif counts["held"] == 0:
        others = counts["other_country"]
        message = f"no {country} ANIs held" + (f" ({others} of other countries)" if others else "")
    else:
        parts = [
            f"{counts[key]} {label}"
            for key, label in (
                ("other_groups", "in other inbound groups"),
                ("paused", "paused"),
                ("resting", "resting (burned-number rest)"),
                ("capped", "at a daily or hourly cap"),
                ("available", "filtered out by use_branded"),
            )
            if counts[key]
        ]
        message = f"no {country} ANI available{where}: {counts['held']} held, " + ", ".join(parts)
    return message, counts

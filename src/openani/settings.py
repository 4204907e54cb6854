"""Runtime settings: where the database is and how the server listens.

Everything has a default that works on a fresh clone (SQLite under ./data), and every default can
be overridden by an environment variable so that containers and CI need no flags.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///./data/openani.db"
# Per process; one process serves a few thousand calls a second, so a single dialer is only
# limited once it runs away, and several worker processes multiply the allowance.
DEFAULT_RATE = 2000.0
DEFAULT_BURST = 4000.0
DEFAULT_MAX_IN_FLIGHT = 512
# The detector's shortest window is today: checking every 15 minutes rests a burned number
# within a quarter hour of the evidence being there, at the cost of one read per company.
DEFAULT_HEALTH_CHECK_S = 900.0


def database_url_from_env() -> str:
    return os.environ.get("OPENANI_DATABASE_URL") or DEFAULT_DATABASE_URL


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    # Request bodies above this size are refused with 413 before they are parsed.
    max_body_bytes: int = 1024 * 1024
    # WAL + NORMAL survives a killed process (the WAL is in the OS page cache); FULL also survives
    # power loss at the price of an fsync per commit. Operators choose; NORMAL is the default.
    sqlite_synchronous: str = "NORMAL"
    # Requests per second (and burst) per API key and per company GUID, in each process; 0: off.
    rate_per_key: float = DEFAULT_RATE
    burst_per_key: float = DEFAULT_BURST
    rate_per_company_guid: float = DEFAULT_RATE
    burst_per_company_guid: float = DEFAULT_BURST
    # Requests being served at once in a process before new ones are turned away with 503.
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT
    # For simulations only: /dialer/next takes "now" from the X-Simulated-Time header.
    simulated_clock: bool = False
    # Seconds between automatic burned-number checks of every company; 0: only on request.
    health_check_s: float = DEFAULT_HEALTH_CHECK_S

    @classmethod
    def from_env(cls, database_url: str | None = None) -> Settings:
        return cls(
            database_url=database_url or database_url_from_env(),
            max_body_bytes=int(os.environ.get("OPENANI_MAX_BODY_BYTES", 1024 * 1024)),
            sqlite_synchronous=os.environ.get("OPENANI_SQLITE_SYNCHRONOUS", "NORMAL").upper(),
            rate_per_key=_number("OPENANI_RATE_PER_KEY", DEFAULT_RATE),
            burst_per_key=_number("OPENANI_BURST_PER_KEY", DEFAULT_BURST),
            rate_per_company_guid=_number("OPENANI_RATE_PER_GUID", DEFAULT_RATE),
            burst_per_company_guid=_number("OPENANI_BURST_PER_GUID", DEFAULT_BURST),
            max_in_flight=int(_number("OPENANI_MAX_IN_FLIGHT", DEFAULT_MAX_IN_FLIGHT)),
            simulated_clock=os.environ.get("OPENANI_SIMULATED_CLOCK") == "1",
            health_check_s=_number("OPENANI_HEALTH_CHECK_S", DEFAULT_HEALTH_CHECK_S),
        )


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {raw!r}")
    return value

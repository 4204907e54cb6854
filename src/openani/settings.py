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
DEFAULT_WEBHOOK_POLL_S = 1.0
DEFAULT_WEBHOOK_RETRY_BASE_S = 30.0
DEFAULT_WEBHOOK_RETRY_MAX_S = 3600.0
DEFAULT_WEBHOOK_RETRY_WINDOW_S = 24 * 3600.0
DEFAULT_WEBHOOK_TIMEOUT_S = 10.0
DEFAULT_SCHEDULE_CHECK_S = 15.0
# A body of the largest size allowed arrives in well under a second from any dialer; a client
# still sending after this long is stalled or trickling bytes on purpose, and gets 408.
DEFAULT_BODY_TIMEOUT_S = 15.0
# A request line and headers: real ones are a few hundred bytes, the largest proxies pass 32 KiB.
DEFAULT_MAX_HEADER_BYTES = 32 * 1024
# How long a connection may take to send a request's head (silent connections are closed).
DEFAULT_HEADER_TIMEOUT_S = 10.0


def database_url_from_env() -> str:
    return os.environ.get("OPENANI_DATABASE_URL") or DEFAULT_DATABASE_URL


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    # Request bodies above this size are refused with 413 before they are parsed.
    max_body_bytes: int = 1024 * 1024
    # Seconds a request body may take to arrive before the request is refused with 408; 0: none.
    body_timeout_s: float = DEFAULT_BODY_TIMEOUT_S
    # A request's line and headers: at most this many bytes (else 431), complete within this
    # many seconds of the connection opening or the request starting (else 408); 0: no limit.
    max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES
    header_timeout_s: float = DEFAULT_HEADER_TIMEOUT_S
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
    # Logs: the level (debug, info, warning, error) and one JSON line per request.
    log_level: str = "info"
    access_log: bool = True
    # When set, GET /metrics asks for "Authorization: Bearer <token>".
    metrics_token: str | None = None
    # Development only: webhooks may then use http:// to a loopback address.
    development: bool = False
    # Webhook delivery: how often the outbox is polled, the first retry delay (doubled at each
    # failure up to the maximum), how long a delivery is retried, the timeout of one attempt.
    webhook_poll_s: float = DEFAULT_WEBHOOK_POLL_S
    webhook_retry_base_s: float = DEFAULT_WEBHOOK_RETRY_BASE_S
    webhook_retry_max_s: float = DEFAULT_WEBHOOK_RETRY_MAX_S
    webhook_retry_window_s: float = DEFAULT_WEBHOOK_RETRY_WINDOW_S
    webhook_timeout_s: float = DEFAULT_WEBHOOK_TIMEOUT_S
    # Seconds between passes applying pauses and activations scheduled for a date; 0: none.
    schedule_check_s: float = DEFAULT_SCHEDULE_CHECK_S

    @classmethod
    def from_env(cls, database_url: str | None = None) -> Settings:
        return cls(
            database_url=database_url or database_url_from_env(),
            max_body_bytes=int(os.environ.get("OPENANI_MAX_BODY_BYTES", 1024 * 1024)),
            body_timeout_s=_number("OPENANI_BODY_TIMEOUT_S", DEFAULT_BODY_TIMEOUT_S),
            max_header_bytes=int(_number("OPENANI_MAX_HEADER_BYTES", DEFAULT_MAX_HEADER_BYTES)),
            header_timeout_s=_number("OPENANI_HEADER_TIMEOUT_S", DEFAULT_HEADER_TIMEOUT_S),
            sqlite_synchronous=os.environ.get("OPENANI_SQLITE_SYNCHRONOUS", "NORMAL").upper(),
            rate_per_key=_number("OPENANI_RATE_PER_KEY", DEFAULT_RATE),
            burst_per_key=_number("OPENANI_BURST_PER_KEY", DEFAULT_BURST),
            rate_per_company_guid=_number("OPENANI_RATE_PER_GUID", DEFAULT_RATE),
            burst_per_company_guid=_number("OPENANI_BURST_PER_GUID", DEFAULT_BURST),
            max_in_flight=int(_number("OPENANI_MAX_IN_FLIGHT", DEFAULT_MAX_IN_FLIGHT)),
            simulated_clock=os.environ.get("OPENANI_SIMULATED_CLOCK") == "1",
            health_check_s=_number("OPENANI_HEALTH_CHECK_S", DEFAULT_HEALTH_CHECK_S),
            log_level=os.environ.get("OPENANI_LOG_LEVEL", "info").lower(),
            access_log=_flag("OPENANI_ACCESS_LOG", True),
            metrics_token=os.environ.get("OPENANI_METRICS_TOKEN") or None,
            development=_flag("OPENANI_DEVELOPMENT", False),
            webhook_poll_s=_number("OPENANI_WEBHOOK_POLL_S", DEFAULT_WEBHOOK_POLL_S),
            webhook_retry_base_s=_number(
                "OPENANI_WEBHOOK_RETRY_BASE_S", DEFAULT_WEBHOOK_RETRY_BASE_S
            ),
            webhook_retry_max_s=_number("OPENANI_WEBHOOK_RETRY_MAX_S", DEFAULT_WEBHOOK_RETRY_MAX_S),
            webhook_retry_window_s=_number(
                "OPENANI_WEBHOOK_RETRY_WINDOW_S", DEFAULT_WEBHOOK_RETRY_WINDOW_S
            ),
            webhook_timeout_s=_number("OPENANI_WEBHOOK_TIMEOUT_S", DEFAULT_WEBHOOK_TIMEOUT_S),
            schedule_check_s=_number("OPENANI_SCHEDULE_CHECK_S", DEFAULT_SCHEDULE_CHECK_S),
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


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be true or false (1/0, yes/no, on/off), got {raw!r}")

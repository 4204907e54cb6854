"""Structured logs: one JSON object a line, with the request id, and nothing secret in them.

Records are handed to a queue and written by a thread of their own: writing to stderr blocks
when whatever reads it falls behind, and that must never stall the event loop serving
/dialer/next. The calling thread only attaches the request id (a context variable, so it must
be read there) and enqueues; formatting and writing happen in the writer thread.

No log line may carry an API key, a company GUID or a prospect's number. Messages are written
not to contain them; as a second line of defence every message and traceback is scrubbed of
anything shaped like one (API keys and webhook secrets by their prefixes, GUIDs, runs of 10-15
digits) before it is written.
"""

from __future__ import annotations

import atexit
import itertools
import logging
import queue
import re
import secrets
import sys
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from logging.handlers import QueueHandler, QueueListener
from typing import Any, TextIO

import orjson

REQUEST_ID: ContextVar[str | None] = ContextVar("openani_request_id", default=None)
ACCESS_LOGGER = "openani.access"
LEVELS = ("debug", "info", "warning", "error")
# Records waiting for the writer thread; past this they are dropped (and counted).
MAX_QUEUED = 10_000

_SECRETS = (
    (re.compile(r"\b(oak_[0-9a-f]{16})_[A-Za-z0-9_\-]+"), r"\1_[redacted]"),
    (re.compile(r"\bwhsec_[A-Za-z0-9_\-]+"), "whsec_[redacted]"),
    (
        re.compile(
            r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
        ),
        "[guid]",
    ),
    (re.compile(r"\+?(?<![\w])\d{10,15}(?![\w])"), "[number]"),
)
_REQUEST_ID_SHAPE = re.compile(r"[A-Za-z0-9._:\-]{1,128}")

# LogRecord's own attributes; anything else on a record came through ``extra=`` and is logged.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "taskName",
}


_DATABASE_MODULES = ("psycopg", "sqlite3", "sqlalchemy", "_sqlite3")


def _message(exc: BaseException) -> str:
    if type(exc).__module__.split(".")[0] not in _DATABASE_MODULES:
        return str(exc)
    original = getattr(exc, "orig", None)
    sqlstate = getattr(exc, "sqlstate", None) or getattr(original, "sqlstate", None)
    return "[database message withheld]" + (f" SQLSTATE {sqlstate}" if sqlstate else "")


def scrub(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


# Made request ids: 16 random hex digits per process, then a counter (32 hex digits in all).
# Unique without a system call per request, as uuid4 would make.
_ID_PREFIX = secrets.token_hex(8)
_ID_COUNTER = itertools.count(1)


def request_id_from(header: str | None) -> str:
    """The caller's X-Request-Id when it is a plain token that hides nothing, else a new id."""
    if header is not None and _REQUEST_ID_SHAPE.fullmatch(header) and scrub(header) == header:
        return header
    return f"{_ID_PREFIX}{next(_ID_COUNTER):016x}"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None)
        if request_id is not None:
            entry["request_id"] = request_id
        for name, value in record.__dict__.items():
            if name not in _STANDARD and not name.startswith("_"):
                entry[name] = scrub(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return orjson.dumps(entry, default=str).decode()

    def formatException(self, ei: Any) -> str:
        """The traceback of each exception in the chain, with the message of every database
        driver's or SQLAlchemy's exception withheld: theirs quote the values of the statement
        (a key's DETAIL, an invalid input), which may be anything a request sent."""
        exc: BaseException | None = ei[1]
        chain: list[BaseException] = []
        while exc is not None and exc not in chain:
            chain.append(exc)
            exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
        parts: list[str] = []
        for exc in reversed(chain):
            if parts:
                parts.append("\nThe above exception led to the following:\n\n")
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_tb(exc.__traceback__))
            parts.append(f"{type(exc).__module__}.{type(exc).__qualname__}: {_message(exc)}")
        return "".join(parts).rstrip("\n")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = REQUEST_ID.get()
        return True


# An access line waiting for the writer: (time, method, route, path, status, duration in
# seconds, client address, request id). Tuples, not LogRecords: making a LogRecord on the event
# loop (it looks up its caller's frame) cost more than the rest of the request's observation.
AccessLine = tuple[float, str, str, str, int, float, str | None, str]


def access(line: AccessLine) -> None:
    """Queue one access log line, when the access log is on (see ``configure``)."""
    if _queue is None:
        return
    try:
        _queue.put_nowait(line)
    except queue.Full:
        _Enqueue.dropped += 1


def _access_record(line: AccessLine) -> logging.LogRecord:
    at, method, route, path, status, seconds, client, request_id = line
    record = logging.LogRecord(
        ACCESS_LOGGER, logging.INFO, "", 0, "%s %s %d", (method, route, status), None
    )
    record.created = at
    record.request_id = request_id
    record.method, record.route, record.path = method, route, scrub(path)
    record.status, record.duration_ms, record.client = status, round(seconds * 1000, 3), client
    return record


class _Writer(QueueListener):
    def handle(self, record: logging.LogRecord | AccessLine) -> None:
        super().handle(_access_record(record) if isinstance(record, tuple) else record)


class _Enqueue(QueueHandler):
    dropped = 0

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        # Formatting waits for the writer thread; records carry plain values only.
        return record

    def enqueue(self, record: logging.LogRecord) -> None:
        try:
            self.queue.put_nowait(record)
        except queue.Full:
            # Whatever reads stderr stopped reading: drop rather than grow without bound.
            _Enqueue.dropped += 1


_listener: QueueListener | None = None
_handler: logging.Handler | None = None
_queue: queue.Queue[logging.LogRecord | AccessLine] | None = None  # set when access lines go


def configure(
    level: str = "info", *, stream: TextIO | None = None, access_log: bool = False
) -> None:
    """Route every logger (uvicorn's included) through one JSON writer thread at ``level``;
    ``access_log``: whether ``access`` lines are written (at info level and below).

    Calling it again replaces the previous set-up (the level or the stream changed)."""
    global _listener, _handler, _queue
    if level.lower() not in LEVELS:
        raise ValueError(f"log level must be one of {', '.join(LEVELS)}, not {level!r}")
    shutdown()
    writer = logging.StreamHandler(stream or sys.stderr)
    writer.setFormatter(JsonFormatter())
    records: queue.Queue[logging.LogRecord | AccessLine] = queue.Queue(MAX_QUEUED)
    handler = _Enqueue(records)
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # Alembic narrates every run at INFO; the server says itself when it migrated.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    listener = _Writer(records, writer, respect_handler_level=False)
    listener.start()
    _listener, _handler = listener, handler
    wanted = access_log and logging.getLogger(ACCESS_LOGGER).isEnabledFor(logging.INFO)
    _queue = records if wanted else None


def shutdown() -> None:
    """Write what is queued and stop the writer thread."""
    global _listener, _handler, _queue
    _queue = None
    if _listener is not None:
        _listener.stop()
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
    _listener = _handler = None


atexit.register(shutdown)

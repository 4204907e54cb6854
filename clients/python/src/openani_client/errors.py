"""Errors the client raises: the server's error model, kept whole."""

from __future__ import annotations


class OpenAniError(Exception):
    """An answer other than 2xx: ``{"error": {"code", "message", "fields"?}}``."""

    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}


class NoAvailableAni(OpenAniError):
    """404 no_available_ani: no number could be given (the message says why)."""


class RetriesExhausted(OpenAniError):
    """Still 429 or 503 after every retry."""

"""The errors the service raises, independent of HTTP.

The HTTP layer maps each to a status code and the one error shape of the API:
``{"error": {"code": ..., "message": ..., "fields": {...}}}``.
"""

from __future__ import annotations


class OpenAniError(Exception):
    code = "error"
    status = 500

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        # More members of the error object, beside code, message and fields (e.g. counts).
        self.extra: dict[str, object] = {}

    @property
    def headers(self) -> dict[str, str] | None:
        """Extra response headers (e.g. Retry-After)."""
        return None


class ValidationFailed(OpenAniError):
    """Input that names a field and the reason it was refused."""

    code = "validation_error"
    status = 422

    def __init__(self, fields: dict[str, str], message: str | None = None) -> None:
        if message is None:
            message = "; ".join(f"{name}: {reason}" for name, reason in fields.items())
        super().__init__(message, fields=fields)


class NotFound(OpenAniError):
    code = "not_found"
    status = 404


class Conflict(OpenAniError):
    code = "conflict"
    status = 409


class Unauthorized(OpenAniError):
    code = "unauthorized"
    status = 401


class PayloadTooLarge(OpenAniError):
    code = "payload_too_large"
    status = 413


class RequestTimeout(OpenAniError):
    """The client did not finish sending its request in time."""

    code = "request_timeout"
    status = 408

    @property
    def headers(self) -> dict[str, str] | None:
        # The rest of the body may still arrive: this connection cannot carry another request.
        return {"Connection": "close"}


class ClientDisconnected(OpenAniError):
    """The client went away before its request was read: nobody will read the answer."""

    code = "client_disconnected"
    status = 499  # as proxies log it: "client closed request"


class UnsupportedMediaType(OpenAniError):
    code = "unsupported_media_type"
    status = 415

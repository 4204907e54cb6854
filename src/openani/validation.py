"""Turning pydantic's validation errors into the API's field -> reason map."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from openani.errors import ValidationFailed

M = TypeVar("M", bound=BaseModel)

_MESSAGES = {
    "extra_forbidden": "unknown field",
    "missing": "is required",
}


def field_errors(exc: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        name = ".".join(str(part) for part in error["loc"]) or "body"
        reason = _MESSAGES.get(error["type"]) or str(error["msg"])
        fields.setdefault(name, reason)
    return fields


def validate(model: type[M], data: Mapping[str, Any], *, strict: bool | None = None) -> M:
    """Validate or raise ValidationFailed; ``strict=False`` accepts text for numbers."""
    try:
        return model.model_validate(data, strict=strict)
    except ValidationError as exc:
        raise ValidationFailed(field_errors(exc)) from None

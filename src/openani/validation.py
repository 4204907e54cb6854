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


def field_errors(exc: ValidationError, data: Any = None) -> dict[str, str]:
    """Field path -> reason. Given the input, paths stop where the input does: a value that may
    be one of several types fails once per type, and pydantic names each type as if it were a
    field ("target.literal['BEST']", "target.constrained-int"); the caller sent "target"."""
    fields: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        loc = error["loc"] if data is None else _input_path(error["loc"], data)
        name = ".".join(str(part) for part in loc) or "body"
        reason = _MESSAGES.get(error["type"]) or str(error["msg"]).removeprefix("Value error, ")
        if name not in fields:
            fields[name] = reason
        elif reason not in fields[name]:
            fields[name] = f"{fields[name]}, or {reason[:1].lower()}{reason[1:]}"
    return fields


def _input_path(loc: tuple[int | str, ...], data: Any) -> tuple[int | str, ...]:
    value = data
    for depth, part in enumerate(loc):
        present = (isinstance(value, Mapping) and part in value) or (
            isinstance(value, list | tuple) and isinstance(part, int) and 0 <= part < len(value)
        )
        if present:
            value = value[part]
        elif isinstance(value, Mapping):
            # A field the input lacks (missing) or has not got here: it is the caller's name.
            return loc[: depth + 1]
        else:
            return loc[:depth]
    return loc


def plain_digits(text: str) -> bool:
    """ASCII digits only. ``str.isdigit()`` alone also accepts superscripts ("²") and other
    scripts' digits, which ``int()`` then refuses: a 500 where a 422 was meant."""
    return text.isascii() and text.isdigit()


NUL_REASON = "must not contain NUL characters (\\u0000)"


def nul_fields(value: Any, path: str = "") -> dict[str, str]:
    """The fields (dotted paths, keys included) whose text holds a NUL character.

    PostgreSQL cannot store NUL in text, and no identifier, name or phone number has one: such
    input is refused at validation, naming the field, on every database alike.
    """
    found: dict[str, str] = {}
    if isinstance(value, str):
        if "\x00" in value:
            found[path or "body"] = NUL_REASON
    elif isinstance(value, Mapping):
        for key, item in value.items():
            shown = str(key).replace("\x00", "\\u0000")
            name = f"{path}.{shown}" if path else shown
            if isinstance(key, str) and "\x00" in key:
                found[name] = NUL_REASON
            found.update(nul_fields(item, name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found.update(nul_fields(item, f"{path}.{index}" if path else str(index)))
    return found


def validate(model: type[M], data: Mapping[str, Any], *, strict: bool | None = None) -> M:
    """Validate or raise ValidationFailed; ``strict=False`` accepts text for numbers.

    A model whose rows each succeed or fail alone names them in ``ROWS_VALIDATED_ALONE``: they
    are left to the validation of each row.
    """
    alone: frozenset[str] = getattr(model, "ROWS_VALIDATED_ALONE", frozenset())
    refused = nul_fields({k: v for k, v in data.items() if k not in alone} if alone else data)
    if refused:
        raise ValidationFailed(refused)
    try:
        return model.model_validate(data, strict=strict)
    except ValidationError as exc:
        raise ValidationFailed(field_errors(exc, data)) from None

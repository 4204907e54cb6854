"""The dialer's hot path forgives: unknown fields are ignored, unambiguous values are read.

A dialer that sends ``"real_time": true``, ``"prospect_zip": 33432`` or ``"use_branded":
"true"`` still needs a caller ID. Before the strict models validate a request of
/dialer/next, /dialer/next/batch or /dialer/results, ``clean`` drops the fields the endpoint
does not know and rewrites the values whose meaning is beyond doubt, and says what it did in
``warnings`` (returned to the dialer, so integrators can fix their side). What stays ambiguous
(``"use_branded": "maybe"``, a ZIP of 7 digits) is still refused, naming the field.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from openani.validation import plain_digits

# A rule returns the value to validate, and a warning when it changed the value.
Rule = Callable[[str, Any], tuple[Any, str | None]]

_TRUE = frozenset({"true"})
_FALSE = frozenset({"false"})


def text(name: str, value: Any) -> tuple[Any, str | None]:
    """A number where text is expected (an id, a phone number) is that text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value), f"{name}: the number {value} was read as the text {str(value)!r}"
    return value, None


def zip_code(name: str, value: Any) -> tuple[Any, str | None]:
    """A US ZIP sent as a number lost its leading zeros (2134 is "02134")."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 99999:
        shown = f"{value:05d}"
        return shown, f"{name}: the number {value} was read as the ZIP {shown!r}"
    return text(name, value)


def boolean(name: str, value: Any) -> tuple[Any, str | None]:
    """ "true" and "false" (any case) are the booleans; "yes", 1 and the like stay refused."""
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        read = value.strip().lower() in _TRUE
        return read, f"{name}: {value!r} was read as {str(read).lower()}"
    return value, None


def whole_number(name: str, value: Any) -> tuple[Any, str | None]:
    """Seconds or counts sent as text ("42") or as a float with nothing after the point."""
    if isinstance(value, str) and plain_digits(value.strip()):
        return int(value.strip()), f"{name}: {value!r} was read as {int(value.strip())}"
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value), f"{name}: {value} was read as {int(value)}"
    return value, None


def text_list(name: str, value: Any) -> tuple[Any, str | None]:
    """One id where a list is expected is a list of one; numbers in it are text."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        return [str(value)], f"{name}: {value!r} was read as the list [{str(value)!r}]"
    if isinstance(value, list) and any(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        read = [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
        return read, f"{name}: numbers in the list were read as text"
    return value, None


def choice_of(options: frozenset[str]) -> Rule:
    """Names compared without case or surrounding spaces; an empty one means absent."""

    def rule(name: str, value: Any) -> tuple[Any, str | None]:
        if isinstance(value, str):
            folded = value.strip().lower()
            if folded == "":
                return None, f"{name}: an empty value was read as absent"
            if folded != value and folded in options:
                return folded, f"{name}: {value!r} was read as {folded!r}"
        return value, None

    return rule


def text_map(name: str, value: Any) -> tuple[Any, str | None]:
    """KPI values sent as numbers or booleans are kept as their text."""
    if not isinstance(value, dict):
        return value, None
    changed = False
    read: dict[Any, Any] = {}
    for key, item in value.items():
        if isinstance(item, bool):
            read[key], changed = str(item).lower(), True
        elif isinstance(item, int | float):
            read[key], changed = str(item), True
        else:
            read[key] = item
    return (
        (read, f"{name}: numbers among the values were read as text")
        if changed
        else (
            value,
            None,
        )
    )


def keep(name: str, value: Any) -> tuple[Any, str | None]:
    return value, None


def clean(
    data: Mapping[str, Any], rules: Mapping[str, Rule], *, prefix: str = ""
) -> tuple[dict[str, Any], list[str]]:
    """``data`` without unknown fields and with the rules applied; the warnings, in order."""
    cleaned: dict[str, Any] = {}
    warnings: list[str] = []
    for name, value in data.items():
        rule = rules.get(name)
        if rule is None:
            warnings.append(f"{prefix}{name}: unknown field, ignored")
            continue
        read, warning = rule(f"{prefix}{name}", value)
        if warning is not None:
            warnings.append(warning)
        cleaned[name] = read
    return cleaned, warnings

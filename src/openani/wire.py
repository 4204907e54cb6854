"""The base types every JSON wire shape builds on: strict inputs, closed outputs, the error body
and the field types several features share.

Update models give every optional field ``default=None`` while keeping its non-null type (see
``optional``): an absent field stays as it is, an explicit ``null`` on a field that cannot be
empty is refused by name.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Identifier = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
PhoneText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
CountryCode = Literal["+1", "+44"]


def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def optional(description: str | None = None) -> Any:
    """An update field that may be left out but, when sent, must not be null.

    Typed Any so that the field keeps its non-null type for pydantic and mypy alike; the schema
    shows no default, because null is not a value the client may send.
    """
    return Field(default=None, description=description, json_schema_extra=_without_default)


class Input(BaseModel):
    # strict: JSON "true" is a boolean, "yes" and 1 are not; "123" is not a number.
    model_config = ConfigDict(extra="forbid", strict=True)


class Output(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(Output):
    code: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict)
    counts: dict[str, int] | None = Field(
        default=None,
        description="no_available_ani: the numbers behind the answer (held, paused, resting, "
        "capped, in other inbound groups, of other countries)",
    )
    warnings: list[str] | None = Field(
        default=None, description="A refused dial result: what was ignored or read another way"
    )


class ErrorResponse(Output):
    error: ErrorBody

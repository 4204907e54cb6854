"""Field paths in refusals are the caller's names, not pydantic's internal ones."""

from __future__ import annotations

from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from openani.errors import ValidationFailed
from openani.validation import validate


class Row(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ani: str


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target: Literal["BEST", "GOOD"] | Annotated[int, Field(ge=1)] | None = None
    rows: list[Row] = []
    headers: dict[str, Annotated[str, Field(max_length=3)]] = {}


def fields_of(data: dict[str, object]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        validate(Body, data)
    return refused.value.fields


def test_a_value_of_several_types_is_named_once_with_every_reason() -> None:
    fields = fields_of({"target": "GREAT"})
    assert list(fields) == ["target"]
    assert "'BEST' or 'GOOD'" in fields["target"] and "valid integer" in fields["target"]
    assert "greater than or equal to 1" in fields_of({"target": 0})["target"]


def test_nested_paths_keep_indices_missing_fields_and_dashed_keys() -> None:
    assert fields_of({"rows": [{"ani": "1"}, {}]}) == {"rows.1.ani": "is required"}
    assert list(fields_of({"rows": [{"ani": "1", "colour": "red"}]})) == ["rows.0.colour"]
    assert list(fields_of({"headers": {"X-Trace-Id": "long"}})) == ["headers.X-Trace-Id"]
    assert fields_of({"colour": "red"}) == {"colour": "unknown field"}

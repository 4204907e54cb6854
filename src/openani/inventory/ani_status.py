"""Taking an ANI out of rotation for a while (cool-off) and putting it back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from openani.errors import ValidationFailed
from openani.inventory.models import AniActivate, AniPause
from openani.inventory.service import ResourceService
from openani.store.companies import Company
from openani.validation import validate


def _key(command: AniPause | AniActivate) -> dict[str, Any]:
    return command.model_dump(include={"number", "country_code"}, exclude_none=True)


def pause(anis: ResourceService, company: Company, body: Mapping[str, Any]) -> dict[str, Any]:
    command = validate(AniPause, body)
    if command.until is not None and command.until <= datetime.now(UTC):
        raise ValidationFailed({"until": "must be in the future"})
    return anis.set_columns(
        company, _key(command), {"status": "paused", "paused_until": command.until}, action="pause"
    )


def activate(anis: ResourceService, company: Company, body: Mapping[str, Any]) -> dict[str, Any]:
    command = validate(AniActivate, body)
    return anis.set_columns(
        company, _key(command), {"status": "active", "paused_until": None}, action="activate"
    )

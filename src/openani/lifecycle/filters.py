"""The number filter of the lifecycle's listings (history, remediations, scheduled changes)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from openani.validation import validate
from openani.wire import CountryCode, Input, PhoneText, optional


class HistoryFilter(Input):
    number: PhoneText = optional("Only this number's changes (any formatting)")
    country_code: CountryCode = optional("Only numbers of this country code")


# The ANI columns a number (and country code) given in a filter may mean: the inventory's key
# of ANIs (inventory.specs.ANIS.key_match), which the application passes in.
NumberKey = Callable[[HistoryFilter], dict[str, Any]]


def number_match(query: Mapping[str, str], number_key: NumberKey) -> dict[str, Any]:
    """The ANI columns a ``number`` / ``country_code`` filter of a listing narrows to."""
    wanted = validate(
        HistoryFilter, {k: v for k, v in query.items() if k in HistoryFilter.model_fields}
    )
    if wanted.number is not None:
        return number_key(wanted)
    if wanted.country_code is not None:
        return {"country_code": wanted.country_code}
    return {}

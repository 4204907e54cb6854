"""Who is being called: phone and postal code resolved into what the policy compares against."""

from __future__ import annotations

from dataclasses import dataclass

from openani.errors import ValidationFailed
from openani.geo import (
    InvalidPhoneNumber,
    ProspectLocation,
    UnknownPostalCode,
    area_code,
    locate_prospect,
    lookup_postal_code,
)
from openani.selection import Prospect

# Postal codes whose country can serve a prospect of each calling code.
_POSTAL_COUNTRIES = {"+1": ("US", "CA"), "+44": ("GB",)}


@dataclass(frozen=True, slots=True)
class ResolvedProspect:
    phone: ProspectLocation
    prospect: Prospect
    postal_code: str | None  # normalised, when it was known and usable
    # Why a postal code that was sent could not be used (None: it was, or none was sent).
    postal_ignored: str | None = None


def resolve_prospect(
    phone: str,
    postal_code: str | None,
    *,
    phone_field: str = "prospect_phone",
    zip_field: str = "prospect_zip",
) -> ResolvedProspect:
    """Raise ValidationFailed naming the field for input that cannot be a phone or postal code.

    A well-formed postal code that is simply unknown (a new ZIP, a typo of a real one) does not
    block the call: the phone number's own area code and state are used instead.
    """
    try:
        facts = locate_prospect(phone)
    except InvalidPhoneNumber as exc:
        raise ValidationFailed({phone_field: str(exc)}) from None

    state = facts.state
    zip_area_codes: tuple[str, ...] = ()
    lat = lon = None
    normalised = None
    ignored = None
    if postal_code:
        try:
            postal = lookup_postal_code(postal_code)
        except UnknownPostalCode:
            postal = None
            ignored = "is not a known ZIP or postal code"
        except ValueError as exc:
            raise ValidationFailed({zip_field: str(exc)}) from None
        if postal is not None and postal.country not in _POSTAL_COUNTRIES.get(
            facts.country_code, ()
        ):
            ignored = f"is a postal code of {postal.country}, not of the phone's country"
        elif postal is not None:
            normalised = postal.postal_code
            state = postal.state or state
            zip_area_codes = postal.area_codes
            lat, lon = postal.lat, postal.lon
    if lat is None and facts.area_code:
        known = area_code(facts.area_code)
        if known is not None:
            lat, lon = known.lat, known.lon

    return ResolvedProspect(
        phone=facts,
        prospect=Prospect(
            country_code=facts.country_code,
            area_code=facts.area_code,
            state=state,
            zip_area_codes=zip_area_codes,
            lat=lat,
            lon=lon,
        ),
        postal_code=normalised,
        postal_ignored=ignored,
    )

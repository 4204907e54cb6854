"""Geographic knowledge for caller-ID selection: phone numbers, area codes and postal codes.

Pure lookups over data indexed in memory (phonenumbers, zipcodes, us, py-uk-postcode and the
generated data/npa.json). Indexes build on first use; call warm_up() at start-up to pay that
cost (about half a second, mostly zipcodes) before the first call instead of during it.
"""

from __future__ import annotations

from openani.geo.area_codes import (
    AreaCode,
    AreaCodeIndex,
    all_area_codes,
    area_code,
    area_codes_in_state,
    haversine_km,
    nearest_area_codes,
    nearest_to_area_code,
    overlays_of,
    state_of_area_code,
    time_zones_of_state,
)
from openani.geo.phone import (
    TOLL_FREE_NPAS,
    InvalidPhoneNumber,
    PhoneFacts,
    ProspectLocation,
    is_toll_free_npa,
    locate_prospect,
    normalize_number,
    parse_prospect_phone,
)
from openani.geo.postal import PostalFacts, lookup_postal_code
from openani.geo.zips import UnknownPostalCode, ZipFacts, all_zips, lookup_zip

__all__ = [
    "TOLL_FREE_NPAS",
    "AreaCode",
    "AreaCodeIndex",
    "InvalidPhoneNumber",
    "PhoneFacts",
    "PostalFacts",
    "ProspectLocation",
    "UnknownPostalCode",
    "ZipFacts",
    "all_area_codes",
    "all_zips",
    "area_code",
    "area_codes_in_state",
    "haversine_km",
    "is_toll_free_npa",
    "locate_prospect",
    "lookup_postal_code",
    "lookup_zip",
    "nearest_area_codes",
    "nearest_to_area_code",
    "normalize_number",
    "overlays_of",
    "parse_prospect_phone",
    "state_of_area_code",
    "time_zones_of_state",
    "warm_up",
]


def warm_up() -> None:
    """Build every index now (ZIPs, area codes, phonenumbers' lazily loaded metadata)."""
    all_zips()
    all_area_codes()
    normalize_number("2125550000", "+1")
    normalize_number("2079460000", "+44")

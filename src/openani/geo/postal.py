"""Postal codes a prospect may send: US ZIP, Canadian postal code or UK postcode."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import postcode

from openani.geo.area_codes import time_zones_of_state
from openani.geo.canada import province_of_fsa
from openani.geo.zips import UnknownPostalCode, lookup_zip

__all__ = ["PostalFacts", "UnknownPostalCode", "lookup_postal_code"]

# Canada Post never uses D, F, I, O, Q or U, nor W or Z as the first letter.
_CANADIAN: Final = re.compile(
    r"([ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z])[ -]?([0-9][ABCEGHJ-NPRSTV-Z][0-9])"
)
# The whole +44 postcode space (UK and the Crown Dependencies) keeps London's clock.
_UK_ZONE: Final = "Europe/London"


@dataclass(frozen=True, slots=True)
class PostalFacts:
    country: str
    postal_code: str
    state: str | None
    area_codes: tuple[str, ...]
    time_zone: str | None
    lat: float | None
    lon: float | None
    uk_postcode_area: str | None


def lookup_postal_code(raw: str) -> PostalFacts:
    """Facts for a US ZIP ("33432", "33432-1234"), a Canadian code ("K1A 0B1") or a UK postcode
    ("SW1A 1AA"). ValueError with the reason if malformed; UnknownPostalCode for an unknown ZIP.
    """
    text = raw.strip().upper()
    if not text:
        raise ValueError("postal code is empty")
    facts = _lookup(text)
    if facts is None:
        raise ValueError(f"{raw!r} is not a US ZIP code, Canadian postal code or UK postcode")
    return facts


# Cached because the UK parser costs ~13 us and prospects' postcodes repeat.
@lru_cache(maxsize=65536)
def _lookup(text: str) -> PostalFacts | None:
    if text[0].isdigit():
        # Only US ZIPs start with a digit; let the ZIP parser give its precise reason.
        zip_facts = lookup_zip(text)
        return PostalFacts(
            country="US",
            postal_code=zip_facts.zip_code,
            state=zip_facts.state,
            area_codes=zip_facts.area_codes,
            time_zone=zip_facts.time_zone,
            lat=zip_facts.lat,
            lon=zip_facts.lon,
            uk_postcode_area=None,
        )
    canadian = _CANADIAN.fullmatch(text)
    if canadian is not None:
        fsa, ldu = canadian.groups()
        province = province_of_fsa(fsa)
        return PostalFacts(
            country="CA",
            postal_code=f"{fsa} {ldu}",
            state=province,
            area_codes=(),
            time_zone=_province_zone(province) if province else None,
            lat=None,
            lon=None,
            uk_postcode_area=None,
        )
    uk = postcode.parse(text)
    if uk.valid:
        return PostalFacts(
            country="GB",
            postal_code=uk.postcode,
            state=None,
            area_codes=(),
            time_zone=_UK_ZONE,
            lat=None,
            lon=None,
            uk_postcode_area=uk.area,
        )
    return None


@lru_cache(maxsize=32)
def _province_zone(province: str) -> str | None:
    """The province's zone when all its NPAs ring in one zone (AB, MB, NS, ...); None for the
    provinces that span several (ON, QC, BC, NL, ...), where a guess could break calling hours.
    """
    zones = time_zones_of_state(province)
    return zones[0] if len(zones) == 1 else None

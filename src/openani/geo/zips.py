"""US ZIP codes: state, area codes, time zone and coordinates from the `zipcodes` package.

`zipcodes.matching` scans its data on every call (~0.5 ms); this module copies the package's
records once into a dict of frozen ZipFacts, so a lookup on the call path is a dict access.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import zipcodes

from openani.geo.tz import iana_zone

__all__ = ["UnknownPostalCode", "ZipFacts", "all_zips", "lookup_zip", "normalize_zip"]

_ZIP = re.compile(r"(\d{5})(?:-?\d{4})?")


@dataclass(frozen=True, slots=True)
class ZipFacts:
    zip_code: str
    state: str
    area_codes: tuple[str, ...]
    time_zone: str | None
    # None for the ~870 ZIPs (mostly military APO/FPO) that zipcodes places at 0,0.
    lat: float | None
    lon: float | None
    city: str | None


class UnknownPostalCode(LookupError):
    """A well-formed postal code that the data does not know."""


_index: Mapping[str, ZipFacts] | None = None
_index_lock = threading.Lock()


def _coordinate(text: str) -> float | None:
    value = float(text)
    # zipcodes writes "0" / "0.0000" for ZIPs without a location; no US ZIP lies on the
    # equator or the prime meridian, so a zero is never a real coordinate.
    return value if value != 0.0 else None


def _facts(record: Mapping[str, Any]) -> ZipFacts:
    lat, lon = _coordinate(record["lat"]), _coordinate(record["long"])
    if lat is None or lon is None:
        lat = lon = None
    return ZipFacts(
        zip_code=record["zip_code"],
        state=record["state"],
        area_codes=tuple(record["area_codes"]),
        time_zone=iana_zone(record["timezone"]),
        lat=lat,
        lon=lon,
        city=record["city"] or None,
    )


def all_zips() -> Mapping[str, ZipFacts]:
    """Every ZIP the package knows, indexed once (about 0.5 s) on first use."""
    global _index
    if _index is None:
        with _index_lock:
            if _index is None:
                # zipcodes' Python wrapper carries no annotations (only its Rust core does).
                records = zipcodes.list_all()  # type: ignore[no-untyped-call]
                _index = MappingProxyType({r["zip_code"]: _facts(r) for r in records})
    return _index


def normalize_zip(zip_code: str) -> str:
    """The 5-digit ZIP of "33432", "33432-1234" or "334321234"; ValueError with the reason."""
    match = _ZIP.fullmatch(zip_code.strip())
    if match is None:
        raise ValueError(f"ZIP code must be 5 digits or ZIP+4 (12345-6789), got {zip_code!r}")
    return match.group(1)


def lookup_zip(zip_code: str) -> ZipFacts:
    """Facts for a US ZIP; ValueError if malformed, UnknownPostalCode if not a known ZIP."""
    five = normalize_zip(zip_code)
    facts = all_zips().get(five)
    if facts is None:
        raise UnknownPostalCode(f"ZIP {five} is not a known US ZIP code")
    return facts

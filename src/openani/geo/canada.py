"""Canadian provinces and territories: their names and Canada Post's postal-code letters.

These are official administrative lists (13 jurisdictions, 18 postal letters), not telephony
data, so they are written out here rather than derived from a package: none of the installed
packages (`us`, `zipcodes`, `phonenumbers`) carries them.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

# Names as phonenumbers' geocoder spells them (it writes "Quebec" without the accent).
PROVINCE_CODES: Final = MappingProxyType(
    {
        "Alberta": "AB",
        "British Columbia": "BC",
        "Manitoba": "MB",
        "New Brunswick": "NB",
        "Newfoundland and Labrador": "NL",
        "Northwest Territories": "NT",
        "Nova Scotia": "NS",
        "Nunavut": "NU",
        "Ontario": "ON",
        "Prince Edward Island": "PE",
        "Quebec": "QC",
        "Saskatchewan": "SK",
        "Yukon": "YT",
    }
)

PROVINCE_ABBREVIATIONS: Final = frozenset(PROVINCE_CODES.values())

# Canada Post assigns the first letter of a postal code (the start of the FSA) by province.
# D, F, I, O, Q, U, W and Z are never used as a first letter.
_FIRST_LETTER: Final = MappingProxyType(
    {
        "A": "NL",
        "B": "NS",
        "C": "PE",
        "E": "NB",
        "G": "QC",
        "H": "QC",
        "J": "QC",
        "K": "ON",
        "L": "ON",
        "M": "ON",
        "N": "ON",
        "P": "ON",
        "R": "MB",
        "S": "SK",
        "T": "AB",
        "V": "BC",
        "X": "NT",
        "Y": "YT",
    }
)

# X is shared by the two territories split in 1999: Nunavut kept FSAs X0A, X0B and X0C.
_NUNAVUT_FSAS: Final = frozenset({"X0A", "X0B", "X0C"})


def province_of_fsa(fsa: str) -> str | None:
    """Province/territory code for a forward sortation area ("K1A" -> "ON"), None if unassigned."""
    if fsa[:3] in _NUNAVUT_FSAS:
        return "NU"
    return _FIRST_LETTER.get(fsa[:1])

"""Phone numbers of the two supported plans, +1 (NANP) and +44 (UK): normalisation and facts.

Strict about shape (a wrong digit count is an error with a precise reason) and lenient about
plausibility: a well-formed number that phonenumbers rejects, or that falls in a reserved range,
is accepted with warnings, because operators legitimately hold such numbers in their pools (the
seed API's own example ANI, 561-123-4567, has an exchange starting with 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import phonenumbers
from phonenumbers import PhoneNumberType
from phonenumbers import timezone as pn_timezone

from openani.geo.area_codes import area_code
from openani.geo.tz import iana_zone

__all__ = [
    "TOLL_FREE_NPAS",
    "InvalidPhoneNumber",
    "PhoneFacts",
    "ProspectLocation",
    "is_toll_free_npa",
    "locate_prospect",
    "normalize_number",
    "parse_prospect_phone",
]

TOLL_FREE_NPAS: Final = frozenset({"800", "833", "844", "855", "866", "877", "888"})

_FORMATTING: Final = str.maketrans("", "", " \t-.()")
_UK_ZONE: Final = "Europe/London"

# Ofcom's ranges for TV and radio drama ("Telephone numbers for use in TV and radio drama"),
# written as national-number prefixes: each prefix covers a block of 1,000 numbers. They are the
# UK counterpart of 555-01xx: never assigned, so never a number that can be called back.
_OFCOM_DRAMA_PREFIXES: Final = (
    "1134960", "1144960", "1154960", "1164960", "1174960", "1184960",  # Leeds..Reading
    "1214960", "1314960", "1414960", "1514960", "1614960",  # Birmingham..Manchester
    "2079460",  # London
    "1914980",  # Tyneside
    "2890180",  # Northern Ireland
    "2920180",  # Cardiff
    "1632960",  # no area
    "7700900",  # mobile
    "8081570",  # freephone
    "9098790",  # premium rate
    "3069990",  # UK-wide
)  # fmt: skip


class InvalidPhoneNumber(ValueError):
    """The input cannot be a number of the country; str(exc) is the reason."""


@dataclass(frozen=True, slots=True)
class PhoneFacts:
    country_code: str
    number: str
    region: str | None
    area_code: str | None
    state: str | None
    place: str | None
    time_zone: str | None
    toll_free: bool
    warnings: tuple[str, ...]

    @property
    def e164(self) -> str:
        return f"{self.country_code}{self.number}"


def is_toll_free_npa(npa: str) -> bool:
    return npa in TOLL_FREE_NPAS


def _digits(raw: str) -> tuple[bool, str]:
    """(had a leading "+", the digits) once formatting is removed; rejects anything else."""
    text = raw.strip()
    if not text:
        raise InvalidPhoneNumber("number is empty")
    plus = text.startswith("+")
    digits = (text[1:] if plus else text).translate(_FORMATTING)
    # isascii() as well: str.isdigit() accepts superscripts and other scripts' digits.
    if digits.isascii() and digits.isdigit():
        return plus, digits
    if not digits:
        raise InvalidPhoneNumber("number has no digits")
    bad = next(c for c in digits if not (c.isascii() and c.isdigit()))
    if bad.isalpha():
        raise InvalidPhoneNumber(f"number contains letters ({bad!r}); give it as digits only")
    raise InvalidPhoneNumber(
        f"number contains {bad!r}; only digits, spaces, dashes, dots, parentheses and a "
        "leading + are allowed"
    )


def _calling_code(digits: str) -> str:
    """The country calling code that international digits start with, for error messages."""
    for length in (1, 2, 3):
        prefix = digits[:length]
        if prefix and phonenumbers.region_code_for_country_code(int(prefix)) != "ZZ":
            return prefix
    return digits[:3]


def _nanp_national(international: bool, digits: str) -> str:
    if international:
        if not digits.startswith("1"):
            raise InvalidPhoneNumber(f"number has country code +{_calling_code(digits)}, not +1")
        digits = digits[1:]
    elif len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        raise InvalidPhoneNumber(f"must have 10 digits after +1, got {len(digits)}")
    if digits[0] in "01":
        raise InvalidPhoneNumber(f"area code {digits[:3]} cannot start with {digits[0]}")
    return digits


def _uk_national(international: bool, digits: str) -> str:
    if international:
        if not digits.startswith("44"):
            raise InvalidPhoneNumber(f"number has country code +{_calling_code(digits)}, not +44")
        digits = digits[2:]
    elif digits.startswith("0044"):
        digits = digits[4:]
    elif digits.startswith("44") and len(digits) in (11, 12):
        # UK national numbers never start with 4, so this is +44 typed without the plus.
        digits = digits[2:]
    if digits.startswith("0"):
        # The trunk 0 of national dialling; also written in "+44 (0)20 ..." by habit.
        digits = digits[1:]
    if len(digits) not in (9, 10):
        raise InvalidPhoneNumber(f"must have 9 or 10 digits after +44, got {len(digits)}")
    if digits.startswith("0"):
        raise InvalidPhoneNumber("UK number cannot start with 00 after the country code")
    return digits


def normalize_number(raw: str, country_code: str) -> PhoneFacts:
    """Facts about an ANI of the given plan ("+1" or "+44"); InvalidPhoneNumber if malformed."""
    code = country_code.strip()
    if code == "+1":
        plus, digits = _digits(raw)
        return _nanp_facts(_nanp_national(plus, digits))
    if code == "+44":
        plus, digits = _digits(raw)
        return _uk_facts(_uk_national(plus, digits))
    raise InvalidPhoneNumber(f"country code must be +1 or +44, got {country_code!r}")


def parse_prospect_phone(raw: str) -> PhoneFacts:
    """Facts about a prospect's number given without a country code; North America by default."""
    plan, national = _prospect_national(raw)
    return _nanp_facts(national) if plan == "+1" else _uk_facts(national)


@dataclass(frozen=True, slots=True)
class ProspectLocation:
    """The little that choosing a caller ID needs to know about the number being called."""

    country_code: str
    number: str
    area_code: str | None
    state: str | None


def locate_prospect(raw: str) -> ProspectLocation:
    """Like parse_prospect_phone, minus validation and place text: for the hot path.

    Prospects are rarely called twice within a cache's lifetime, so phonenumbers' validation
    (tens of microseconds per new number) would be paid on every call; a +1 number's area code
    and state come straight from the area-code table instead. Same errors for malformed input.
    """
    plan, national = _prospect_national(raw)
    if plan == "+44":
        facts = _uk_facts(national)
        return ProspectLocation("+44", national, facts.area_code, facts.state)
    known = area_code(national[:3])
    return ProspectLocation(
        "+1", national, national[:3], known.state if known is not None else None
    )


def _prospect_national(raw: str) -> tuple[str, str]:
    """(plan, national digits) of a number written with or without its country code."""
    plus, digits = _digits(raw)
    if plus:
        if digits.startswith("1"):
            return "+1", _nanp_national(True, digits)
        if digits.startswith("44"):
            return "+44", _uk_national(True, digits)
        raise InvalidPhoneNumber(
            f"country code +{_calling_code(digits)} is not supported; only +1 and +44"
        )
    if digits.startswith("00"):
        # International prefix as dialled from the UK and most of Europe.
        if digits.startswith("001"):
            return "+1", _nanp_national(True, digits[2:])
        if digits.startswith("0044"):
            return "+44", _uk_national(True, digits[2:])
        raise InvalidPhoneNumber(
            f"country code +{_calling_code(digits[2:])} is not supported; only +1 and +44"
        )
    if (len(digits) == 11 and digits.startswith("1")) or (
        len(digits) == 10 and not digits.startswith("0")
    ):
        return "+1", _nanp_national(False, digits)
    if (digits.startswith("0") and len(digits) in (10, 11)) or (
        digits.startswith("44") and len(digits) in (11, 12)
    ):
        return "+44", _uk_national(False, digits)
    raise InvalidPhoneNumber(
        f"cannot tell the country of a {len(digits)}-digit number: expected 10 digits "
        "(North America), 11 starting with 1, or a UK number starting with 0 or +44"
    )


def _place(number: phonenumbers.PhoneNumber) -> str | None:
    # Imported here because phonenumbers.geocoder loads all its place data on import (~0.3 s),
    # which modules that merely import openani.geo should not pay; warm_up() pays it up front.
    from phonenumbers import geocoder

    return geocoder.description_for_valid_number(number, "en") or None


def _single_zone(zones: tuple[str, ...]) -> str | None:
    valid = [z for z in (iana_zone(z) for z in zones) if z is not None]
    return valid[0] if len(valid) == 1 else None


# Cached on the national digits: a pool holds a few thousand ANIs and prospects repeat, and
# phonenumbers' validation costs tens of microseconds per call.
@lru_cache(maxsize=65536)
def _nanp_facts(national: str) -> PhoneFacts:
    number = phonenumbers.PhoneNumber(country_code=1, national_number=int(national))
    npa, nxx, line = national[:3], national[3:6], national[6:]
    known = area_code(npa)
    toll_free = npa in TOLL_FREE_NPAS
    valid = phonenumbers.is_valid_number(number)

    warnings = []
    if not valid:
        warnings.append("phonenumbers reports the number as not valid")
    if npa[1:] == "11":
        warnings.append(f"area code {npa} is an N11 service code")
    elif known is None and not toll_free:
        if valid and phonenumbers.number_type(number) == PhoneNumberType.PREMIUM_RATE:
            warnings.append(f"area code {npa} is premium rate; call-backs would be charged")
        else:
            warnings.append(f"area code {npa} is not a geographic area code")
    if nxx[0] in "01":
        warnings.append(f"exchange {nxx} cannot start with {nxx[0]} under the NANP plan")
    elif nxx[1:] == "11":
        warnings.append(f"exchange {nxx} is an N11 service code")
    if nxx == "555" and "0100" <= line <= "0199":
        warnings.append("555-01xx numbers are reserved for fiction")

    region = phonenumbers.region_code_for_number(number) if valid else None
    place = _place(number) if valid else None
    # Per-exchange zone from phonenumbers when it names exactly one, which is finer than the
    # NPA's (850 spans two zones); otherwise the NPA's ZIP-derived zone.
    zone = None
    if not toll_free:
        zone = _single_zone(pn_timezone.time_zones_for_geographical_number(number))
    if known is not None:
        # An implausible number still belongs to its NPA's area, so the NPA fills the gaps.
        region = region or known.region
        place = place or known.place
        zone = zone or known.time_zone
    return PhoneFacts(
        country_code="+1",
        number=national,
        region=region,
        area_code=npa,
        state=known.state if known is not None else None,
        place=place or None,
        time_zone=zone,
        toll_free=toll_free,
        warnings=tuple(warnings),
    )


@lru_cache(maxsize=65536)
def _uk_facts(national: str) -> PhoneFacts:
    number = phonenumbers.PhoneNumber(country_code=44, national_number=int(national))
    valid = phonenumbers.is_valid_number(number)
    warnings = []
    if not valid:
        warnings.append("phonenumbers reports the number as not valid")
    if national.startswith(_OFCOM_DRAMA_PREFIXES):
        warnings.append("Ofcom reserves this range for TV and radio drama (fictional numbers)")
    if valid and phonenumbers.number_type(number) == PhoneNumberType.PREMIUM_RATE:
        warnings.append("the number is premium rate (09); call-backs would be charged")

    area: str | None = None
    if valid:
        length = phonenumbers.length_of_geographical_area_code(number)
        area = "0" + national[:length] if length else None
    zones = pn_timezone.time_zones_for_number(number)
    # The whole +44 plan (UK, Guernsey, Jersey, Isle of Man) keeps London's clock, so London is
    # right whenever phonenumbers names several zones or none.
    zone = _single_zone(zones) or _UK_ZONE
    return PhoneFacts(
        country_code="+44",
        number=national,
        region=phonenumbers.region_code_for_number(number) if valid else None,
        area_code=area,
        state=None,
        place=_place(number) if valid else None,
        time_zone=zone,
        toll_free=national.startswith("80"),
        warnings=tuple(warnings),
    )

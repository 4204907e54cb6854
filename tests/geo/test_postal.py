"""Postal codes of the three supported countries."""

from __future__ import annotations

import pytest

from openani.geo import UnknownPostalCode, lookup_postal_code


def test_us_zip() -> None:
    facts = lookup_postal_code(" 33432-1234 ")
    assert (facts.country, facts.postal_code, facts.state) == ("US", "33432", "FL")
    assert "561" in facts.area_codes
    assert facts.uk_postcode_area is None


@pytest.mark.parametrize(
    ("raw", "normalised", "province"),
    [
        ("K1A 0B1", "K1A 0B1", "ON"),
        ("k1a0b1", "K1A 0B1", "ON"),
        ("H2X 1Y4", "H2X 1Y4", "QC"),
        ("V6B 4Y8", "V6B 4Y8", "BC"),
        ("T2P-1J9", "T2P 1J9", "AB"),
        ("X0A 0H0", "X0A 0H0", "NU"),
        ("X1A 2L9", "X1A 2L9", "NT"),
    ],
)
def test_canadian_province_from_first_letter(raw: str, normalised: str, province: str) -> None:
    facts = lookup_postal_code(raw)
    assert (facts.country, facts.postal_code, facts.state) == ("CA", normalised, province)
    assert facts.area_codes == ()


def test_canadian_zone_only_when_the_province_has_one() -> None:
    assert lookup_postal_code("T2P 1J9").time_zone == "America/Edmonton"
    # Ontario spans Eastern and Central time: no guess.
    assert lookup_postal_code("K1A 0B1").time_zone is None


def test_uk_postcode() -> None:
    facts = lookup_postal_code("sw1a 1aa")
    assert (facts.country, facts.postal_code, facts.uk_postcode_area) == ("GB", "SW1A 1AA", "SW")
    assert facts.state is None
    assert facts.time_zone == "Europe/London"


@pytest.mark.parametrize("raw", ["abc", "", "D1A 0B1", "SW1A", "1234"])
def test_malformed_postal_code(raw: str) -> None:
    with pytest.raises(ValueError):
        lookup_postal_code(raw)


def test_unknown_us_zip() -> None:
    with pytest.raises(UnknownPostalCode, match="00000"):
        lookup_postal_code("00000")

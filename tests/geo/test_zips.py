"""US ZIP lookups on the real zipcodes data."""

from __future__ import annotations

import pytest

from openani.geo import UnknownPostalCode, lookup_zip


def test_boca_raton() -> None:
    facts = lookup_zip("33432")
    assert facts.state == "FL"
    assert "561" in facts.area_codes
    assert facts.time_zone == "America/New_York"
    assert facts.city == "Boca Raton"
    assert facts.lat is not None and 26 < facts.lat < 27
    assert facts.lon is not None and -81 < facts.lon < -80


def test_manhattan_lists_its_overlays() -> None:
    facts = lookup_zip("10001")
    assert facts.state == "NY"
    assert {"212", "646", "332", "917"} <= set(facts.area_codes)


def test_zip_plus_four_is_accepted() -> None:
    assert lookup_zip("33432-1234").zip_code == "33432"


def test_unknown_zip_has_a_clear_reason() -> None:
    with pytest.raises(UnknownPostalCode, match="ZIP 00000 is not a known US ZIP code"):
        lookup_zip("00000")


@pytest.mark.parametrize("raw", ["abc", "1234", "123456", "33432-12", ""])
def test_malformed_zip_is_a_value_error(raw: str) -> None:
    with pytest.raises(ValueError, match="5 digits or ZIP\\+4"):
        lookup_zip(raw)


def test_military_zip_has_no_coordinates_rather_than_zero() -> None:
    facts = lookup_zip("09001")  # APO AE: zipcodes stores 0,0
    assert facts.state == "AE"
    assert (facts.lat, facts.lon, facts.time_zone) == (None, None, None)

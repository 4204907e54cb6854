"""Phone number normalisation on real phonenumbers data."""

from __future__ import annotations

import re

import pytest

from openani.geo import (
    InvalidPhoneNumber,
    is_toll_free_npa,
    locate_prospect,
    normalize_number,
    parse_prospect_phone,
)


@pytest.mark.parametrize(
    "raw", ["(561) 777-8888", "+1 561.777.8888", "1-561-777-8888", " 5617778888 ", "15617778888"]
)
def test_nanp_formatting_is_stripped(raw: str) -> None:
    facts = normalize_number(raw, "+1")
    assert facts.number == "5617778888"
    assert facts.country_code == "+1"
    assert facts.e164 == "+15617778888"


def test_nanp_facts_of_a_florida_number() -> None:
    facts = normalize_number("5617778888", "+1")
    assert (facts.region, facts.area_code, facts.state) == ("US", "561", "FL")
    assert facts.place == "Florida"
    assert facts.time_zone == "America/New_York"
    assert not facts.toll_free
    assert facts.warnings == ()


def test_seed_example_with_exchange_starting_with_1_is_accepted_with_warnings() -> None:
    facts = normalize_number("5611234567", "+1")
    assert facts.number == "5611234567"
    assert facts.state == "FL"
    assert "phonenumbers reports the number as not valid" in facts.warnings
    assert any("exchange 123" in w for w in facts.warnings)
    # The NPA still places an implausible number.
    assert (facts.region, facts.time_zone) == ("US", "America/New_York")


def test_n11_exchange_warns() -> None:
    facts = normalize_number("2124115555", "+1")
    assert "exchange 411 is an N11 service code" in facts.warnings


def test_fiction_555_01xx_warns_but_other_555_lines_do_not() -> None:
    assert (
        "555-01xx numbers are reserved for fiction"
        in normalize_number("212-555-0123", "+1").warnings
    )
    assert not any("fiction" in w for w in normalize_number("2125550200", "+1").warnings)


def test_toll_free() -> None:
    facts = normalize_number("1-800-555-1212", "+1")
    assert facts.toll_free
    assert facts.state is None
    assert facts.area_code == "800"
    assert is_toll_free_npa("800") and is_toll_free_npa("833")
    assert not is_toll_free_npa("561")


def test_canadian_number() -> None:
    facts = normalize_number("416 555 0199", "+1")
    assert (facts.region, facts.state, facts.time_zone) == ("CA", "ON", "America/Toronto")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("0561777888", "area code 056 cannot start with 0"),
        ("1561777888", "area code 156 cannot start with 1"),
        ("561777888", "must have 10 digits after +1, got 9"),
        ("561-777-88889", "must have 10 digits after +1, got 11"),
        ("561-FLOWERS", "letters"),
        ("+33 1 23 45 67 89", "country code +33, not +1"),
        ("", "empty"),
        ("561#7778888", "'#'"),
        ("+ -", "no digits"),
    ],
)
def test_nanp_rejections_give_the_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidPhoneNumber, match=re.escape(reason)) as caught:
        normalize_number(raw, "+1")
    assert isinstance(caught.value, ValueError)


def test_non_ascii_digits_are_rejected() -> None:
    with pytest.raises(InvalidPhoneNumber):
        # Fullwidth digits, which str.isdigit() accepts.
        normalize_number("\uff15\uff16\uff11\uff17\uff17\uff17\uff18\uff18\uff18\uff18", "+1")


def test_only_plus1_and_plus44_are_country_codes() -> None:
    with pytest.raises(InvalidPhoneNumber, match="country code must be \\+1 or \\+44"):
        normalize_number("5617778888", "+33")


@pytest.mark.parametrize(
    "raw", ["+44 20 7946 0000", "020 7946 0000", "0044 20 7946 0000", "+44 (0)20 7946 0000"]
)
def test_uk_london_number(raw: str) -> None:
    facts = normalize_number(raw, "+44")
    assert facts.number == "2079460000"
    assert (facts.area_code, facts.place, facts.region) == ("020", "London", "GB")
    assert facts.time_zone == "Europe/London"
    assert facts.state is None
    # 020 7946 0xxx is Ofcom's drama range, the UK counterpart of 555-01xx.
    assert any("drama" in w for w in facts.warnings)


def test_uk_area_code_keeps_the_trunk_zero() -> None:
    assert normalize_number("0161 496 0000", "+44").area_code == "0161"


def test_uk_non_geographic_numbers() -> None:
    freephone = normalize_number("0800 123 4567", "+44")
    assert freephone.toll_free
    assert freephone.area_code is None
    mobile = normalize_number("07911 123456", "+44")
    assert (mobile.area_code, mobile.toll_free, mobile.time_zone) == (None, False, "Europe/London")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("020 7946", "must have 9 or 10 digits after \\+44, got 6"),
        ("+1 561 777 8888", "country code \\+1, not \\+44"),
        ("020 7946 OOOO", "letters"),
    ],
)
def test_uk_rejections(raw: str, reason: str) -> None:
    with pytest.raises(InvalidPhoneNumber, match=reason):
        normalize_number(raw, "+44")


@pytest.mark.parametrize(
    ("raw", "country_code", "number"),
    [
        ("+44 20 7946 0000", "+44", "2079460000"),
        ("0044 20 7946 0000", "+44", "2079460000"),
        ("020 7946 0000", "+44", "2079460000"),
        ("07911 123456", "+44", "7911123456"),
        ("+1 561 777 8888", "+1", "5617778888"),
        ("15617778888", "+1", "5617778888"),
        ("(561) 777-8888", "+1", "5617778888"),
    ],
)
def test_prospect_country_detection(raw: str, country_code: str, number: str) -> None:
    facts = parse_prospect_phone(raw)
    assert (facts.country_code, facts.number) == (country_code, number)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("+33 6 12 34 56 78", "country code \\+33 is not supported"),
        ("561777888", "cannot tell the country of a 9-digit number"),
        ("1561777888", "area code 156 cannot start with 1"),
        ("call me", "letters"),
    ],
)
def test_prospect_rejections(raw: str, reason: str) -> None:
    with pytest.raises(InvalidPhoneNumber, match=reason):
        parse_prospect_phone(raw)


def test_prospect_numbers_get_the_same_warnings() -> None:
    assert any("N11" in w for w in parse_prospect_phone("212-411-5555").warnings)


@pytest.mark.parametrize(
    "raw",
    [
        "5617778888",
        "+1 (212) 555-0100",
        "1-800-555-0199",
        "+44 20 7946 0999",
        "0161 496 0000",
        "5611234567",
        "4165550123",
    ],
)
def test_locate_prospect_agrees_with_the_full_parse(raw: str) -> None:
    full = parse_prospect_phone(raw)
    located = locate_prospect(raw)
    assert (located.country_code, located.number, located.area_code, located.state) == (
        full.country_code,
        full.number,
        full.area_code,
        full.state,
    )


@pytest.mark.parametrize("raw", ["12", "+33 1 42 68 53 00", "555-CALL", ""])
def test_locate_prospect_rejects_what_the_full_parse_rejects(raw: str) -> None:
    with pytest.raises(InvalidPhoneNumber):
        parse_prospect_phone(raw)
    with pytest.raises(InvalidPhoneNumber):
        locate_prospect(raw)

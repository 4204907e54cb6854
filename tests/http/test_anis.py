"""ANIs: normalisation, validation, warnings, derived facts and lookups by number."""

from __future__ import annotations

import pytest

from tests.conftest import Api
from tests.support.errors import refused

PATH = "/dialer/anis"
SEED = {
    "country_code": "+1",
    "number": "5611234567",
    "inbound_group_id": "ing1",
    "is_branded": True,
    "brand_name": "BrandX",
    "carrier_id": "carr1",
}


def test_seed_examples_verbatim(api: Api) -> None:
    created = api.post(PATH, json=SEED)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["number"] == "5611234567"
    assert body["country_code"] == "+1"
    assert body["is_branded"] is True
    assert body["brand_name"] == "BrandX"
    assert body["carrier_id"] == "carr1"
    # Exchange 123 cannot exist in NANP: accepted, but the operator is told.
    assert body["warnings"]
    assert body["area_code"] == "561"
    assert body["state"] == "FL"
    assert body["toll_free"] is False
    assert body["status"] == "active"

    updated = api.put(PATH, json={"number": "5611234567", "is_branded": False})
    assert updated.status_code == 200
    assert updated.json()["is_branded"] is False
    assert updated.json()["brand_name"] == "BrandX"

    assert api.get(PATH, json={"number": "5611234567"}).status_code == 200
    assert api.delete(PATH, json={"number": "5611234567"}).status_code == 200
    assert api.get(PATH, params={"number": "5611234567"}).status_code == 404


@pytest.mark.parametrize(
    "written", ["(561) 777-8888", "+1 561.777.8888", "1-561-777-8888", "15617778888"]
)
def test_formatting_is_stripped(api: Api, written: str) -> None:
    created = api.post(
        PATH, json={"country_code": "+1", "number": written, "inbound_group_id": "g"}
    )
    assert created.status_code == 201, created.text
    assert created.json()["number"] == "5617778888"
    assert created.json()["warnings"] == []
    assert created.json()["time_zone"] == "America/New_York"


def test_lookup_accepts_any_formatting(api: Api) -> None:
    api.post(PATH, json={"country_code": "+1", "number": "5617778888", "inbound_group_id": "g"})
    for written in ("561-777-8888", "+15617778888", "1 (561) 777 8888"):
        assert api.get(PATH, params={"number": written}).status_code == 200, written


@pytest.mark.parametrize(
    ("country_code", "number"),
    [
        ("+1", "561777888"),  # 9 digits
        ("+1", "56177788889"),  # 11 digits not starting with 1
        ("+1", "561-CALL-NOW"),  # letters
        ("+1", "0617778888"),  # area code starting with 0
        ("+1", "1234567890"),  # area code starting with 1 after the prefix is read
    ],
)
def test_impossible_numbers_are_refused(api: Api, country_code: str, number: str) -> None:
    response = api.post(
        PATH, json={"country_code": country_code, "number": number, "inbound_group_id": "g"}
    )
    assert response.status_code == 422, response.text
    assert "number" in response.json()["error"]["fields"]


def test_other_country_codes_are_refused(api: Api) -> None:
    response = api.post(
        PATH, json={"country_code": "+33", "number": "142685300", "inbound_group_id": "g"}
    )
    assert response.status_code == 422
    assert "country_code" in response.json()["error"]["fields"]


@pytest.mark.parametrize("number", ["2124115555", "2125550123"])
def test_unlikely_caller_ids_get_warnings(api: Api, number: str) -> None:
    response = api.post(
        PATH, json={"country_code": "+1", "number": number, "inbound_group_id": "g"}
    )
    assert response.status_code == 201
    assert response.json()["warnings"]


def test_toll_free_and_uk_numbers(api: Api) -> None:
    tfn = api.post(
        PATH, json={"country_code": "+1", "number": "8005551234", "inbound_group_id": "g"}
    )
    assert tfn.status_code == 201
    assert tfn.json()["toll_free"] is True
    assert tfn.json()["state"] is None
    uk = api.post(
        PATH, json={"country_code": "+44", "number": "020 7946 0000", "inbound_group_id": "g"}
    )
    assert uk.status_code == 201, uk.text
    assert uk.json()["number"] == "2079460000"
    assert uk.json()["area_code"] == "020"
    assert uk.json()["place"] == "London"
    assert uk.json()["country"] == "GB"


def test_duplicate_number_conflicts_whatever_the_formatting(api: Api) -> None:
    api.post(PATH, json={"country_code": "+1", "number": "5617778888", "inbound_group_id": "g"})
    again = api.post(
        PATH, json={"country_code": "+1", "number": "(561) 777-8888", "inbound_group_id": "h"}
    )
    refused(again, 409, "conflict", "number")


def test_same_digits_in_two_countries_need_country_code(api: Api) -> None:
    api.post(PATH, json={"country_code": "+1", "number": "2079460000", "inbound_group_id": "us"})
    api.post(PATH, json={"country_code": "+44", "number": "2079460000", "inbound_group_id": "uk"})
    ambiguous = api.get(PATH, params={"number": "2079460000"})
    refused(ambiguous, 409, "conflict", "country_code")
    uk = api.get(PATH, params={"number": "2079460000", "country_code": "+44"})
    assert uk.status_code == 200
    assert uk.json()["inbound_group_id"] == "uk"
    updated = api.put(PATH, json={"number": "2079460000", "country_code": "+1", "carrier_id": "c9"})
    assert updated.status_code == 200
    assert updated.json()["country_code"] == "+1"


def test_list_filters(api: Api) -> None:
    api.post(
        PATH,
        json={
            "country_code": "+1",
            "number": "5617778888",
            "inbound_group_id": "fl",
            "is_branded": True,
        },
    )
    api.post(PATH, json={"country_code": "+1", "number": "2125557777", "inbound_group_id": "ny"})
    api.post(PATH, json={"country_code": "+1", "number": "3055557777", "inbound_group_id": "fl"})

    def numbers(**params: str) -> list[str]:
        response = api.get(PATH, params=params)
        assert response.status_code == 200, response.text
        return [a["number"] for a in response.json()["items"]]

    assert numbers(state="FL") == ["5617778888", "3055557777"]
    assert numbers(area_code="212") == ["2125557777"]
    assert numbers(inbound_group_id="fl", branded="true") == ["5617778888"]
    assert numbers(branded="false") == ["2125557777", "3055557777"]
    assert numbers(status="active") == ["5617778888", "2125557777", "3055557777"]


def test_a_number_created_again_after_deletion_starts_active(api: Api) -> None:
    body = {"country_code": "+1", "number": "2125550101", "inbound_group_id": "g"}
    api.post(PATH, json=body)
    api.post("/dialer/anis/pause", json={"number": "2125550101"})
    api.delete(PATH, params={"number": "2125550101"})
    again = api.post(PATH, json=body)
    assert again.status_code == 201
    assert (again.json()["status"], again.json()["paused_until"]) == ("active", None)

"""Area-code table queries on the committed npa.json."""

from __future__ import annotations

import pytest

from openani.geo import (
    AreaCodeIndex,
    all_area_codes,
    area_code,
    area_codes_in_state,
    haversine_km,
    nearest_area_codes,
    nearest_to_area_code,
    overlays_of,
    state_of_area_code,
)

BOCA_RATON = (26.3587, -80.0831)


def test_every_us_and_canadian_npa_has_a_state() -> None:
    codes = [c for c in all_area_codes().values() if c.region in ("US", "CA")]
    assert len(codes) >= 415
    assert all(c.state is not None for c in codes)


@pytest.mark.parametrize(
    ("npa", "state"),
    [
        ("561", "FL"),
        ("212", "NY"),
        ("206", "WA"),  # phonenumbers: "Washington State"
        ("202", "DC"),  # phonenumbers: "Washington D.C."
        ("416", "ON"),
        ("257", "BC"),  # phonenumbers misspells it "British Colombia"
        ("902", "NS"),
        ("787", "PR"),
    ],
)
def test_state_of_area_code(npa: str, state: str) -> None:
    assert state_of_area_code(npa) == state


def test_shared_npas_count_for_every_province_they_serve() -> None:
    assert "902" in area_codes_in_state("PE")
    assert "902" in area_codes_in_state("NS")
    assert "867" in area_codes_in_state("yt")


def test_toll_free_and_unknown_npas_are_not_in_the_table() -> None:
    assert area_code("800") is None
    assert state_of_area_code("800") is None
    assert overlays_of("999") == ()


def test_manhattan_overlays() -> None:
    assert {"646", "332", "917"} <= set(overlays_of("212"))
    assert "212" in overlays_of("646")


def test_overlays_are_symmetric() -> None:
    for npa, code in all_area_codes().items():
        for other in code.overlays:
            assert npa in overlays_of(other), (npa, other)


def test_palm_beach_overlay_without_zip_data() -> None:
    # zipcodes does not list 728 yet; the city fallback ties it to 561.
    code = area_code("728")
    assert code is not None
    assert code.state == "FL" and "561" in code.overlays and code.lat is not None


def test_area_codes_in_state() -> None:
    florida = area_codes_in_state("FL")
    assert {"305", "561", "954"} <= set(florida)
    assert list(florida) == sorted(florida)
    assert area_codes_in_state("ZZ") == ()


def test_nearest_area_codes_around_boca_raton() -> None:
    found = dict(nearest_area_codes(*BOCA_RATON, 100))
    assert {"561", "954"} <= set(found)
    assert all(d <= 100 for d in found.values())
    distances = [d for _, d in nearest_area_codes(*BOCA_RATON, 100)]
    assert distances == sorted(distances)


def test_nearest_area_codes_respects_limit_and_radius() -> None:
    assert len(nearest_area_codes(*BOCA_RATON, 5000, limit=3)) == 3
    assert nearest_area_codes(*BOCA_RATON, 100, limit=0) == []
    assert nearest_area_codes(0.0, 0.0, 500) == []  # mid-Atlantic


def test_nearest_area_codes_matches_a_brute_force_scan() -> None:
    lat, lon, radius = 40.7, -74.0, 150.0
    expected = sorted(
        (haversine_km(lat, lon, c.lat, c.lon), c.npa)
        for c in all_area_codes().values()
        if c.lat is not None
        and c.lon is not None
        and haversine_km(lat, lon, c.lat, c.lon) <= radius
    )
    got = nearest_area_codes(lat, lon, radius, limit=1000)
    assert [npa for npa, _ in got] == [npa for _, npa in expected]


def test_nearest_to_area_code() -> None:
    found = nearest_to_area_code("561", 100)
    npas = [npa for npa, _ in found]
    assert "561" not in npas
    assert {"954", "754"} <= set(npas)
    assert nearest_to_area_code("561", 100, limit=1) == found[:1]
    assert nearest_to_area_code("416", 100) == []  # no centroid for Canadian NPAs


def test_haversine() -> None:
    assert haversine_km(0, 0, 0, 0) == 0
    # New York to Los Angeles is about 3,940 km.
    assert 3900 < haversine_km(40.7128, -74.0060, 34.0522, -118.2437) < 3990


def test_area_code_index_adapter() -> None:
    index = AreaCodeIndex()
    assert index.overlays_of("212") == overlays_of("212")
    assert index.nearest_to(*BOCA_RATON, 100) == nearest_area_codes(*BOCA_RATON, 100)


def test_area_code_index_remembers_without_sharing_its_answer() -> None:
    index = AreaCodeIndex()
    first = index.nearest_to(*BOCA_RATON, 100)
    first.clear()  # a caller changing its list must not change the next caller's
    assert index.nearest_to(*BOCA_RATON, 100) == nearest_area_codes(*BOCA_RATON, 100) != []
    assert index.nearest_to(*BOCA_RATON, 50) == nearest_area_codes(*BOCA_RATON, 50)

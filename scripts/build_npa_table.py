"""Generate src/openani/geo/data/npa.json: each geographic NANP area code's state, centroid,
overlays and time zones, derived from the installed `phonenumbers`, `zipcodes` and `us`.

    .venv/bin/python scripts/build_npa_table.py          # rewrite the committed table
    .venv/bin/python scripts/build_npa_table.py --check  # exit 1 if the committed table drifts

Re-run it after upgrading any of those packages; tests/geo/test_npa_table.py fails until then.

How each field is derived
-------------------------
NPAs
    Every NPA (200-999) for which phonenumbers reports at least one valid *geographic* number.
    Exchanges are probed with a stride of 10 (NXX 200, 210, ... 990), which finds every NPA
    with a reasonable share of valid exchanges (983 has only 7xx) in a fifth of the time of a
    full probe; an NPA the stride misses is probed in full when phonenumbers' metadata or
    geocoder names it (sparse NPAs of small NANP members: 264 Anguilla, 684 American Samoa).
region
    phonenumbers.region_code_for_number of the probed numbers ("US", "CA", "PR", "JM", ...).
state / states
    The geocoder text most often returned for the probed numbers, mapped to USPS / Canada Post
    codes: a state or territory name through `us` (exact name), a province name through
    openani.geo.canada, or the 2-letter suffix of a "City, ST" text. `states` lists every
    jurisdiction the NPA serves; `state` is the first one phonenumbers names. US NPAs are
    cross-checked against the majority state of the ZIPs that zipcodes lists them on; any
    disagreement stops the build. Special cases, each with its reason:
      * "Washington State" (206, 253, 360, 425, 509, 564): phonenumbers adds "State" to tell it
        from the capital; `us` says "Washington".
      * "Washington D.C." (202, 771): `us` names it "District of Columbia".
      * "U.S. Virgin Islands" (340): `us` names it "Virgin Islands".
      * "British Colombia" (257): misspelt in phonenumbers' data.
      * "Nova Scotia/Prince Edward Island" (782, 902) and "Northwest Territories/Nunavut/Yukon"
        (867): one NPA shared by several jurisdictions; all go to `states`.
      * City-level texts for a whole NPA ("New York, NY" for 212/332/934, "Chicago, IL",
        "Los Angeles, CA", "San Antonio, TX", "Philadelphia, PA", "Palm Beach, FL" for 728,
        "Toronto, ON", "Montreal, QC"): the state is the 2-letter suffix.
      * Canadian NPAs: zipcodes lists them only on US ZIPs along the border (e.g. 204 on North
        Dakota ZIPs), so there is no state cross-check and no centroid for them.
      * Non-US/CA NANP countries (Jamaica, Bahamas, ...) keep their region but have no state.
lat / lon / zip_count
    Mean coordinates of the ZIPs that list the NPA *and* lie in one of its states (border ZIPs
    that list a neighbour's NPA would drag the centroid across the line). An NPA that no ZIP lists
    yet (zipcodes lags the newest overlays, e.g. 728) but whose geocoder text is a US city falls
    back to the ZIPs of that city ("Palm Beach, FL" -> 33480).
overlays
    B overlays A when both serve a common state and they share at least OVERLAY_SHARE of the ZIPs
    of the smaller of the two (overlap coefficient |A & B| / min(|A|, |B|)), with at least
    OVERLAY_MIN_SHARED ZIPs in common (or the whole smaller set, when it is that small). Using
    the smaller set matters because zipcodes lists new overlays on only part of their area (332
    is on 84 of 212's 199 ZIPs). All ZIPs count here,
    not only in-state ones: the US border ZIPs that list Canadian NPAs list a province's overlay
    group together, which is the only overlay evidence available for Canada. NPAs with a city
    fallback (above) take that city's ZIPs as their set.
time_zone / time_zones
    time_zone: the most common zone of the NPA's in-state ZIPs; without ZIPs, the most common
    single zone phonenumbers gives per exchange; None when phonenumbers only ever gives several
    (709 Newfoundland/Labrador). time_zones: every zone either source gives for the NPA, for
    callers that must respect calling hours wherever the number may ring.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import phonenumbers
import us
from phonenumbers import geocoder
from phonenumbers import timezone as pn_timezone

from openani.geo.canada import PROVINCE_ABBREVIATIONS, PROVINCE_CODES
from openani.geo.tz import iana_zone
from openani.geo.zips import ZipFacts, all_zips

OUTPUT = Path(__file__).resolve().parent.parent / "src" / "openani" / "geo" / "data" / "npa.json"

OVERLAY_SHARE = 0.5
OVERLAY_MIN_SHARED = 3
PROBE_STRIDE = 10
COORD_DECIMALS = 4

# Texts phonenumbers writes differently from `us` / the province list (see module docstring).
TEXT_ALIASES: Mapping[str, tuple[str, ...]] = {
    "Washington State": ("WA",),
    "Washington D.C.": ("DC",),
    "U.S. Virgin Islands": ("VI",),
    "British Colombia": ("BC",),
}

_US_NAMES: dict[str, str] = {s.name: s.abbr for s in us.states.STATES_AND_TERRITORIES}
_US_ABBRS = frozenset(_US_NAMES.values())


@dataclass
class _Npa:
    npa: str
    region: str
    place: str
    states: tuple[str, ...]
    texts: frozenset[str] = frozenset()
    zone_votes: Counter[str] = field(default_factory=Counter)
    zones: set[str] = field(default_factory=set)


def jurisdictions_of(text: str) -> tuple[str, ...]:
    """State/province codes named by one geocoder text; () for a foreign country or place."""
    if text in TEXT_ALIASES:
        return TEXT_ALIASES[text]
    if "/" in text:
        return tuple(code for part in text.split("/") for code in jurisdictions_of(part))
    if ", " in text:
        suffix = text.rsplit(", ", 1)[1]
        return (suffix,) if suffix in _US_ABBRS or suffix in PROVINCE_ABBREVIATIONS else ()
    if text in _US_NAMES:
        return (_US_NAMES[text],)
    if text in PROVINCE_CODES:
        return (PROVINCE_CODES[text],)
    return ()


def _number(npa: int, nxx: int) -> phonenumbers.PhoneNumber:
    # The line number is arbitrary: validity, place and zone are decided by the NPA-NXX prefix.
    return phonenumbers.PhoneNumber(country_code=1, national_number=int(f"{npa}{nxx}0123"))


def _geographic(numbers: Iterable[phonenumbers.PhoneNumber]) -> list[phonenumbers.PhoneNumber]:
    return [n for n in numbers if phonenumbers.is_number_geographical(n)]


def _may_be_sparse(npa: int) -> bool:
    """Whether an NPA the stride missed deserves a full probe.

    Smaller NANP countries' metadata names their NPAs in leading_digits (264 Anguilla, 684
    American Samoa, ...), and the geocoder names NPAs it has places for; either is cheap to ask.
    """
    for region in phonenumbers.region_codes_for_country_code(1):
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        if (
            metadata is not None
            and metadata.leading_digits
            and re.match(metadata.leading_digits, str(npa))
        ):
            return True
    return bool(geocoder.description_for_valid_number(_number(npa, 200), "en"))


def _probe(npa: int) -> _Npa | None:
    found = _geographic(_number(npa, nxx) for nxx in range(200, 1000, PROBE_STRIDE))
    if not found and _may_be_sparse(npa):
        found = _geographic(_number(npa, nxx) for nxx in range(200, 1000))
    if not found:
        return None
    regions = {phonenumbers.region_code_for_number(n) or "" for n in found}
    if len(regions) != 1 or "" in regions:
        raise SystemExit(f"NPA {npa}: phonenumbers gives no single region: {sorted(regions)}")
    texts = Counter(geocoder.description_for_valid_number(n, "en") for n in found)
    # Most common text wins; ties go to the alphabetically first so reruns agree.
    place = min(texts, key=lambda t: (-texts[t], t))
    result = _Npa(
        npa=str(npa),
        region=regions.pop(),
        place=place,
        states=jurisdictions_of(place),
        texts=frozenset(texts),
    )
    for nxx in range(200, 1000):
        zones = [
            z
            for z in (
                iana_zone(z)
                for z in pn_timezone.time_zones_for_geographical_number(_number(npa, nxx))
            )
            if z is not None
        ]
        result.zones.update(zones)
        if len(zones) == 1:
            result.zone_votes[zones[0]] += 1
    return result


def _located_zips_by_npa() -> dict[str, list[ZipFacts]]:
    by_npa: dict[str, list[ZipFacts]] = defaultdict(list)
    for facts in all_zips().values():
        for npa in facts.area_codes:
            by_npa[npa].append(facts)
    return by_npa


def _city_zips(place: str, states: tuple[str, ...]) -> list[ZipFacts]:
    """ZIPs of the US city a whole NPA is named after, for NPAs zipcodes does not list yet."""
    if ", " not in place or not states or states[0] not in _US_ABBRS:
        return []
    city = place.rsplit(", ", 1)[0]
    return [z for z in all_zips().values() if z.city == city and z.state == states[0]]


def _majority(counts: Counter[str]) -> str | None:
    if not counts:
        return None
    return min(counts, key=lambda k: (-counts[k], k))


def _check_state(entry: _Npa, rows: list[ZipFacts]) -> None:
    if entry.region != "US" or not rows:
        return
    zip_state = _majority(Counter(r.state for r in rows))
    if zip_state not in entry.states:
        raise SystemExit(
            f"NPA {entry.npa}: phonenumbers says {entry.place!r} {entry.states}, but most ZIPs "
            f"listing it are in {zip_state}; resolve (and document) the conflict before rebuilding"
        )


def build_table() -> dict[str, Any]:
    """The whole table as plain JSON-ready data (deterministic for given package versions)."""
    entries = [e for e in (_probe(npa) for npa in range(200, 1000)) if e is not None]
    zip_rows = _located_zips_by_npa()
    unresolved = [e.npa for e in entries if e.region in ("US", "CA") and not e.states]
    if unresolved:
        raise SystemExit(f"US/CA NPAs without a state: {unresolved}")

    rows_of: dict[str, list[ZipFacts]] = {}
    for entry in entries:
        rows = zip_rows.get(entry.npa, [])
        _check_state(entry, rows)
        if not rows:
            rows = _city_zips(entry.place, entry.states)
        rows_of[entry.npa] = rows

    zip_sets = {npa: {r.zip_code for r in rows} for npa, rows in rows_of.items()}
    overlays = _overlays(entries, zip_sets)
    npas: dict[str, Any] = {}
    for entry in entries:
        in_state = [r for r in rows_of[entry.npa] if r.state in entry.states]
        zip_zones = Counter(r.time_zone for r in in_state if r.time_zone is not None)
        points = [(r.lat, r.lon) for r in in_state if r.lat is not None and r.lon is not None]
        lat = lon = None
        if points:
            lat = round(sum(p[0] for p in points) / len(points), COORD_DECIMALS)
            lon = round(sum(p[1] for p in points) / len(points), COORD_DECIMALS)
        npas[entry.npa] = {
            "region": entry.region,
            "state": entry.states[0] if entry.states else None,
            "states": list(entry.states),
            "place": entry.place or None,
            "lat": lat,
            "lon": lon,
            "zip_count": len(in_state),
            "overlays": sorted(overlays[entry.npa]),
            "time_zone": _majority(zip_zones) or _majority(entry.zone_votes),
            "time_zones": sorted(entry.zones | set(zip_zones)),
        }
    return {
        "about": {
            "generated_by": "scripts/build_npa_table.py",
            "sources": {pkg: version(pkg) for pkg in ("phonenumbers", "zipcodes", "us")},
            "overlay_rule": (
                f"same state/province and shares >= {OVERLAY_SHARE:.0%} of the smaller NPA's "
                f"ZIPs and >= {OVERLAY_MIN_SHARED} ZIPs (or all of a smaller set); else same "
                "geocoder city for whole-city NPAs; NANP countries outside US/CA: same country"
            ),
        },
        "npas": npas,
    }


def _zip_overlap(mine: set[str], theirs: set[str]) -> bool:
    if not mine or not theirs:
        return False
    shared = len(mine & theirs)
    smaller = min(len(mine), len(theirs))
    return shared >= min(OVERLAY_MIN_SHARED, smaller) and shared >= OVERLAY_SHARE * smaller


def _overlays(entries: list[_Npa], zip_sets: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """Overlay sets, symmetric: if B overlays A then A overlays B."""
    found: dict[str, set[str]] = {e.npa: set() for e in entries}
    for a in entries:
        for b in entries:
            if a.npa >= b.npa:
                continue
            if a.region in ("US", "CA") or b.region in ("US", "CA"):
                if not set(a.states) & set(b.states):
                    continue
                linked = _zip_overlap(zip_sets[a.npa], zip_sets[b.npa]) or _named_city(
                    a, b, zip_sets
                )
            else:
                # The other NANP members are single countries each dialled as one area.
                linked = a.region == b.region
            if linked:
                found[a.npa].add(b.npa)
                found[b.npa].add(a.npa)
    return found


def _named_city(a: _Npa, b: _Npa, zip_sets: Mapping[str, set[str]]) -> bool:
    """Fallback for NPAs with no ZIP evidence at all whose whole area is one named city
    (437/942 "Toronto, ON", 263 "Montreal, QC"): the NPAs that phonenumbers places in that city.
    """
    for one, other in ((a, b), (b, a)):
        whole_city = ", " in one.place and len(one.texts) == 1
        if whole_city and not zip_sets[one.npa] and one.place in other.texts:
            return True
    return False


def render(table: Mapping[str, Any]) -> str:
    # One NPA per line keeps diffs of a rebuild readable while the file stays small.
    lines = ["{", f' "about": {json.dumps(table["about"], sort_keys=True)},', ' "npas": {']
    items = sorted(table["npas"].items())
    for i, (npa, data) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        lines.append(f"  {json.dumps(npa)}: {json.dumps(data, sort_keys=True)}{comma}")
    lines += [" }", "}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail if the committed file drifts")
    args = parser.parse_args(argv)
    text = render(build_table())
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT} is out of date; run scripts/build_npa_table.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {len(json.loads(text)['npas'])} NPAs to {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

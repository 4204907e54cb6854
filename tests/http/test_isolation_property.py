"""Tenant isolation as a property: two companies that share every identifier never meet.

A hypothesis state machine gives each example two new companies and drives both through the
whole API with one small pool of identifiers: campaigns c1-c3, dispositions d1-d3, the same four
ANI numbers (written in several formats), the same prospects and the same call ids. It keeps a
model of what each company should see: its objects with every field, its settings, the live
counters of its numbers, its dial results and assignments. Every answer is checked against the
acting company's model and no answer may be a 5xx. After every step that may write, the company
that did not act must still read exactly its own model (its three lists, settings, statistics
per ANI, campaign and area code, unmapped dispositions and unknown ANIs), so one company's
writes never show up in, nor change, the other's data. At the end of each example both
companies' full views are checked, per-state and per-campaign ANI statistics included.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import httpx2
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from starlette.testclient import TestClient

from openani.store.engine import Database
from tests.conftest import Api, make_tenant
from tests.support.seed import (
    ANI,
    CALL_ID,
    CALL_TIME,
    CALLBACK,
    CAMPAIGN,
    COMPANY,
    DISPO,
    PHONE,
    TYPE_OR_DURATION,
)

CAMPAIGN_IDS = ("c1", "c2", "c3")
DISPO_IDS = ("d1", "d2", "d3")
# Every ANI of both companies, each as stored and in the other ways a client may write it.
NUMBERS: dict[str, tuple[str, ...]] = {
    "2125550101": ("2125550101", "(212) 555-0101", "+1 212 555 0101"),
    "2125550102": ("2125550102", "212.555.0102", "1-212-555-0102"),
    "5615550101": ("5615550101", "+1 (561) 555-0101", "15615550101"),
    "8885550100": ("8885550100", "888-555-0100", "+1 888 555 0100"),
}
NUMBER_OF_FORM = {form: number for number, forms in NUMBERS.items() for form in forms}
# area code, state, toll-free
ANI_FACTS = {
    "2125550101": ("212", "NY", False),
    "2125550102": ("212", "NY", False),
    "5615550101": ("561", "FL", False),
    "8885550100": ("888", None, True),
}
NOT_IN_INVENTORY = "3055550199"  # dialled in results, never created
PROSPECTS = {"2127778888": ("212", "NY"), "5617778888": ("561", "FL"), "3057778888": ("305", "FL")}
STATE_OF_AREA = dict(PROSPECTS.values())
CALL_IDS = ("k1", "k2", "k3")
DISPO_NAMES = ("Sale", "No Answer", "Blocked")
# What dialers report as the dispo: ids, names in other cases, and one nobody defines.
DISPO_TEXTS = ("d1", "d2", "d3", "D2", "sale", "SALE", "no answer", "blocked", "APPT")
GROUPS = ("g1", "g2")
TIME_ZONES = ("America/New_York", "America/Chicago", "Europe/London", "Asia/Tokyo")
COUNTERS = (
    "assigned", "dials", "contacts", "successes", "blocked", "no_answers", "talk_seconds",
    "short_calls",
)  # fmt: skip
PAUSE_UNTIL = "2099-01-01T00:00:00Z"  # the latest moment the API accepts is 2099-12-31

CAMPAIGN_DEFAULTS: dict[str, Any] = {
    "inbound_pool_id": None,
    "daily_cap": None,
    "hourly_cap": None,
    "cap_mode": None,
    "default_assignment_type": None,
    "sticky_ani": False,
    "auto_created": False,
}
ANI_DEFAULTS: dict[str, Any] = {
    "is_branded": False,
    "brand_name": None,
    "carrier_id": None,
    "daily_cap": None,
    "hourly_cap": None,
}

# What each run exercised, printed at its end (pytest -s shows it).
TALLY: Counter[str] = Counter()


# Strategies


def _some(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Any subset of ``fields``: the optional fields of a create, or a partial update."""
    return st.fixed_dictionaries({}, optional=fields)


WHO = st.sampled_from((0, 1))
VIA = st.sampled_from(("query", "body"))
CAMPAIGN_ID = st.sampled_from(CAMPAIGN_IDS)
DISPO_ID = st.sampled_from(DISPO_IDS)
NUMBER_FORM = st.sampled_from(sorted(NUMBER_OF_FORM))
CAMPAIGN_TYPE = st.sampled_from(("Outbound", "Outbound", "Blended", "Inbound"))
CAMPAIGN_OPTIONS = _some(
    inbound_pool_id=st.sampled_from((None, *GROUPS)),
    daily_cap=st.sampled_from((None, 1, 2)),
    cap_mode=st.sampled_from((None, "soft", "strict")),
    default_assignment_type=st.sampled_from((None, "area_code", "tfn", "random")),
    sticky_ani=st.booleans(),
)
CAMPAIGN_CHANGES = _some(
    name=st.sampled_from(("Sales", "Renewals", "stolen")),
    type=CAMPAIGN_TYPE,
    inbound_pool_id=st.sampled_from((None, *GROUPS)),
    daily_cap=st.sampled_from((None, 1, 3)),
    cap_mode=st.sampled_from((None, "soft", "strict")),
    default_assignment_type=st.sampled_from((None, "zip", "state")),
    sticky_ani=st.booleans(),
)
CATEGORY = st.sampled_from((None, "human", "no_answer", "blocked", "voicemail"))
DISPO_BODY = st.fixed_dictionaries(
    {
        "name": st.sampled_from(DISPO_NAMES),
        "type": st.sampled_from(("Agent", "System")),
        "contact": st.booleans(),
        "success": st.booleans(),
    },
    optional={"category": CATEGORY},
)
DISPO_CHANGES = _some(
    name=st.sampled_from((*DISPO_NAMES, "Appt")),
    type=st.sampled_from(("Agent", "System")),
    contact=st.booleans(),
    success=st.booleans(),
    category=CATEGORY,
)
ANI_OPTIONS = _some(
    is_branded=st.booleans(),
    brand_name=st.sampled_from((None, "BrandX")),
    carrier_id=st.sampled_from((None, "carr1")),
    daily_cap=st.sampled_from((None, 1, 3)),
)
ANI_CHANGES = _some(
    inbound_group_id=st.sampled_from(GROUPS),
    is_branded=st.booleans(),
    brand_name=st.sampled_from((None, "BrandY")),
    carrier_id=st.sampled_from((None, "stolen")),
    daily_cap=st.sampled_from((None, 1, 2)),
)
SETTINGS_CHANGES = _some(
    time_zone=st.sampled_from(TIME_ZONES),
    daily_cap=st.sampled_from((1, 2, 75)),
    hourly_cap=st.sampled_from((None, 500)),  # never reached: the model has no hourly cap
    cap_mode=st.sampled_from(("soft", "strict")),
    nearest_radius_km=st.sampled_from((100.0, 250.0)),
)
NEXT_OPTIONS = _some(
    prospect_zip=st.sampled_from(("33432", "10001")),
    use_branded=st.booleans(),
    inventory_group_ids=st.sampled_from((["g1"], ["g2"], ["g1", "g2"], ["g3"])),
    assignment_type=st.sampled_from(
        (None, "zip", "area_code", "state", "tfn", "random", "highest_contact_rate")
    ),
)
# One number, written one way by each company.
SAME_NUMBER_TWICE = st.sampled_from(sorted(NUMBERS)).flatmap(
    lambda number: st.tuples(st.sampled_from(NUMBERS[number]), st.sampled_from(NUMBERS[number]))
)
TARGET = st.one_of(
    st.tuples(st.just("campaigns"), CAMPAIGN_ID),
    st.tuples(st.just("dispos"), DISPO_ID),
    st.tuples(st.just("anis"), NUMBER_FORM),
)
CHANGE = st.one_of(
    st.tuples(st.just("campaigns"), CAMPAIGN_ID, CAMPAIGN_CHANGES),
    st.tuples(st.just("dispos"), DISPO_ID, DISPO_CHANGES),
    st.tuples(st.just("anis"), NUMBER_FORM, ANI_CHANGES),
)
KEY_FIELD = {"campaigns": "id", "dispos": "id", "anis": "number"}
NEXT_CAMPAIGN = st.sampled_from(("c1", *CAMPAIGN_IDS, "c9"))
PROSPECT = st.sampled_from(sorted(PROSPECTS))
RESULT_ANI = st.sampled_from((*sorted(NUMBER_OF_FORM), NOT_IN_INVENTORY))
RESULT_CAMPAIGN = st.sampled_from((*CAMPAIGN_IDS, "c9"))
CHANNEL = st.sampled_from(("json", "json-batch", "callback-get", "callback-post"))
CALL_ID_DRAWN = st.sampled_from(CALL_IDS)
RESULT_DISPO = st.sampled_from(DISPO_TEXTS)
CALL_TIME_INDEX = st.sampled_from((0, 1))
DURATION = st.sampled_from((None, 5, 95))
# The arguments of post_result, in order (for the results drawn at the start of an example).
RESULT_FIELDS = (
    CALL_ID_DRAWN, RESULT_CAMPAIGN, RESULT_ANI, RESULT_DISPO, PROSPECT, CALL_TIME_INDEX, DURATION,
    CHANNEL,
)  # fmt: skip


def _day(offset: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


def _call_times() -> tuple[str, str]:
    # Noon UTC is the same local date in every zone of TIME_ZONES, so the local day of a call
    # never depends on which time zone the company had when the result arrived.
    return f"{_day(-3)}T12:00:00+00:00", f"{_day(-2)}T12:00:00+00:00"


# The model


@dataclass(frozen=True, slots=True)
class Result:
    """One dial result as stored: what makes a resend a duplicate or a re-disposition."""

    campaign: str
    ani: str
    dispo: str
    prospect: str
    call_at: str
    duration_s: int | None


@dataclass(slots=True)
class Tenancy:
    """One company and everything it should see."""

    label: str
    api: Api
    guid: str
    settings: dict[str, Any]
    # Live objects as the API last answered them (timestamps included).
    campaigns: dict[str, dict[str, Any]] = field(default_factory=dict)
    dispos: dict[str, dict[str, Any]] = field(default_factory=dict)
    anis: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Creation order of dispositions (row order, kept across delete and revival): the first
    # disposition of a name wins a match by name.
    dispo_rank: dict[str, int] = field(default_factory=dict)
    # The status an ANI had when it was deleted (creating it again revives the row).
    status_at_delete: dict[str, str] = field(default_factory=dict)
    # Live counters per number: (local day, dials that day), rolled over like the server's.
    usage: dict[str, tuple[str, int]] = field(default_factory=dict)
    results: dict[str, Result] = field(default_factory=dict)
    # Whether the result's ANI was outside the inventory when the result was last written.
    unknown_at_write: dict[str, bool] = field(default_factory=dict)
    assignments: list[tuple[str, str, str]] = field(default_factory=list)  # campaign, ani, phone
    # Every statistics row (dimension, key) ever written: rows stay when their counts return to 0.
    touched: set[tuple[str, str]] = field(default_factory=set)

    def objects(self, kind: str) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = getattr(self, kind)
        return found

    # Dispositions and statistics

    def find_dispo(self, text: str) -> dict[str, Any] | None:
        if text in self.dispos:
            return self.dispos[text]
        for dispo_id in sorted(self.dispos, key=self.dispo_rank.__getitem__):
            if self.dispos[dispo_id]["name"].casefold() == text.casefold():
                return self.dispos[dispo_id]
        return None

    def counters(self) -> dict[tuple[str, str], dict[str, int]]:
        rows: dict[tuple[str, str], dict[str, int]] = {
            key: dict.fromkeys(COUNTERS, 0) for key in self.touched
        }
        for result in self.results.values():
            dispo = self.find_dispo(result.dispo)
            contact = bool(dispo and dispo["contact"])
            category = dispo["category"] if dispo else None
            duration = result.duration_s
            figures = {
                "dials": 1,
                "contacts": int(contact),
                "successes": int(contact and bool(dispo and dispo["success"])),
                "blocked": int(category == "blocked"),
                "no_answers": int(category == "no_answer"),
                "talk_seconds": duration or 0,
                "short_calls": int(contact and duration is not None and duration < 10),
            }
            for key in _stats_keys(result.campaign, result.ani, result.prospect):
                for name, value in figures.items():
                    rows[key][name] += value
        for campaign, ani, prospect in self.assignments:
            for key in _stats_keys(campaign, ani, prospect):
                rows[key]["assigned"] += 1
        return rows

    def unknown_anis(self, *, only_unknown_at_write: bool) -> dict[str, int]:
        return dict(
            Counter(
                result.ani
                for call_id, result in self.results.items()
                if result.ani not in self.anis
                and (self.unknown_at_write[call_id] or not only_unknown_at_write)
            )
        )

    # Selection

    def today(self) -> str:
        return datetime.now(ZoneInfo(self.settings["time_zone"])).strftime("%Y-%m-%d")

    def dials_today(self, number: str) -> int:
        day, dials = self.usage.get(number, ("", 0))
        return dials if day == self.today() else 0

    def count_dial(self, campaign: str, number: str, prospect: str) -> None:
        day, dials = self.usage.get(number, ("", 0))
        today = self.today()
        self.usage[number] = (today, dials + 1 if day == today else 1)
        self.assignments.append((campaign, number, prospect))
        self.touched.update(_stats_keys(campaign, number, prospect))


def _stats_keys(campaign: str, ani: str, prospect: str) -> list[tuple[str, str]]:
    return [
        ("ani", f"+1{ani}"),
        ("campaign", campaign),
        ("ani_campaign", f"{campaign}|+1{ani}"),
        ("area", PROSPECTS[prospect][0]),
    ]


def _dimension(
    counters: dict[tuple[str, str], dict[str, int]], dimension: str
) -> dict[str, dict[str, int]]:
    return {key: values for (dim, key), values in counters.items() if dim == dimension}


@dataclass(frozen=True, slots=True)
class NextExpectation:
    """What /dialer/next may answer for one prospect, from the model."""

    status: int
    code: str | None = None
    choices: frozenset[str] = frozenset()
    over_cap: bool = False
    brand_filter_ignored: bool = False


def _check(response: httpx2.Response) -> httpx2.Response:
    request = response.request
    assert response.status_code < 500, (
        f"{request.method} {request.url.path}: {response.status_code} {response.text}"
    )
    return response


def _name_taken(company: Tenancy, name: str | None, own: str | None) -> bool:
    """Whether another live disposition of the company has this name, case aside."""
    return name is not None and any(
        dispo_id != own and dispo["name"].casefold() == name.casefold()
        for dispo_id, dispo in company.dispos.items()
    )


def _assert_not_found(response: httpx2.Response) -> None:
    """The 404 a company gets for an identifier it does not have, whoever else has it."""
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "not_found", response.text


def _without(body: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in names}


def _stored_key(kind: str, written: str) -> str:
    """The key an object is stored under: ANIs by their digits, whatever the formatting."""
    return NUMBER_OF_FORM[written] if kind == "anis" else written


def _identify(kind: str, written: str, via: str) -> dict[str, Any]:
    """GET and DELETE name the object in the query string or in a JSON body."""
    key = {KEY_FIELD[kind]: written}
    return {"params": key} if via == "query" else {"json": key}


class IsolationMachine(RuleBasedStateMachine):
    """Two fresh companies per example; rules act as either one with the same identifiers."""

    # The test's database and client, bound by a subclass in each test run.
    db: ClassVar[Database]
    client: ClassVar[TestClient]

    def __init__(self) -> None:
        super().__init__()
        TALLY["examples"] += 1
        serial = TALLY["examples"]
        self.companies: list[Tenancy] = []
        for label in ("alpha", "beta"):
            tenant = make_tenant(self.db, f"{label}-{serial}")
            api = Api(self.client, tenant)
            # The model has no auto-created campaigns: an unknown one is refused.
            refuse = _check(api.put("/dialer/settings", json={"unknown_campaign": "reject"}))
            assert refuse.status_code == 200, refuse.text
            current = _check(api.get("/dialer/settings"))
            assert current.status_code == 200, current.text
            self.companies.append(
                Tenancy(label, api, tenant.company.guid, _without(current.json(), "company_guid"))
            )
        self.last_actor: int | None = None
        self.call_times = _call_times()
        self.window = {"from": _day(-20), "to": _day(2)}

    def acting(self, who: int, *, writes: bool = True) -> Tenancy:
        """The company a step acts as; only steps that may write are followed by a check of the
        other company (the end of the example checks both in any case)."""
        self.last_actor = who if writes else None
        TALLY["steps"] += 1
        return self.companies[who]

    @initialize(
        shared=st.tuples(
            st.tuples(CAMPAIGN_OPTIONS, CAMPAIGN_OPTIONS),
            SAME_NUMBER_TWICE,
            st.tuples(st.sampled_from(GROUPS), st.sampled_from(GROUPS)),
        ),
        campaigns=st.lists(
            st.tuples(WHO, CAMPAIGN_ID, CAMPAIGN_TYPE, CAMPAIGN_OPTIONS), max_size=4
        ),
        dispos=st.lists(st.tuples(WHO, DISPO_ID, DISPO_BODY), max_size=5),
        anis=st.lists(
            st.tuples(WHO, NUMBER_FORM, st.sampled_from(GROUPS), ANI_OPTIONS), max_size=6
        ),
        calls=st.lists(st.tuples(WHO, NEXT_CAMPAIGN, PROSPECT, NEXT_OPTIONS), max_size=4),
        results=st.lists(st.tuples(WHO, *RESULT_FIELDS), max_size=4),
    )
    def stock_both_companies(
        self,
        shared: tuple[tuple[dict[str, Any], ...], tuple[str, ...], tuple[str, ...]],
        campaigns: list[tuple[int, str, str, dict[str, Any]]],
        dispos: list[tuple[int, str, dict[str, Any]]],
        anis: list[tuple[int, str, str, dict[str, Any]]],
        calls: list[tuple[int, str, str, dict[str, Any]]],
        results: list[tuple[Any, ...]],
    ) -> None:
        """Start from overlapping inventories, some assignments and dial results counted.

        Both companies have an outbound campaign c1 and the same ANI number; the rest of the
        inventory is drawn from the shared identifiers.
        """
        options, forms, groups = shared
        for who in (0, 1):
            self.create_campaign(who, "c1", "Outbound", options[who])
            self.create_ani(who, forms[who], groups[who], {})
        for campaign in campaigns:
            self.create_campaign(*campaign)
        for dispo in dispos:
            self.create_dispo(*dispo)
        for ani in anis:
            self.create_ani(*ani)
        for call in calls:
            self.next_ani(*call)
        for result in results:
            self.post_result(*result)

    # Creating: 201, or 409 when the company already has the identifier (never the other's)

    @rule(who=WHO, campaign_id=CAMPAIGN_ID, kind=CAMPAIGN_TYPE, options=CAMPAIGN_OPTIONS)
    def create_campaign(
        self, who: int, campaign_id: str, kind: str, options: dict[str, Any]
    ) -> None:
        company = self.acting(who)
        body = {"id": campaign_id, "name": f"{company.label} {campaign_id}", "type": kind}
        response = _check(company.api.post("/dialer/campaigns", json={**body, **options}))
        if campaign_id in company.campaigns:
            assert response.status_code == 409, response.text
            return
        assert response.status_code == 201, response.text
        created = response.json()
        expected = {**CAMPAIGN_DEFAULTS, **body, **options}
        assert _without(created, "created_at", "updated_at") == expected
        company.campaigns[campaign_id] = created

    @rule(who=WHO, dispo_id=DISPO_ID, body=DISPO_BODY)
    def create_dispo(self, who: int, dispo_id: str, body: dict[str, Any]) -> None:
        company = self.acting(who)
        response = _check(company.api.post("/dialer/dispos", json={"id": dispo_id, **body}))
        if dispo_id in company.dispos or _name_taken(company, body["name"], None):
            assert response.status_code == 409, response.text
            return
        assert response.status_code == 201, response.text
        created = response.json()
        expected = {"category": None, "id": dispo_id, **body}
        assert _without(created, "created_at", "updated_at") == expected
        company.dispos[dispo_id] = created
        company.dispo_rank.setdefault(dispo_id, len(company.dispo_rank))

    @rule(who=WHO, form=NUMBER_FORM, group=st.sampled_from(GROUPS), options=ANI_OPTIONS)
    def create_ani(self, who: int, form: str, group: str, options: dict[str, Any]) -> None:
        company = self.acting(who)
        number = NUMBER_OF_FORM[form]
        body = {"country_code": "+1", "number": form, "inbound_group_id": group, **options}
        response = _check(company.api.post("/dialer/anis", json=body))
        if number in company.anis:
            assert response.status_code == 409, response.text
            return
        assert response.status_code == 201, response.text
        created = response.json()
        area_code, state, toll_free = ANI_FACTS[number]
        expected = {
            **ANI_DEFAULTS,
            **options,
            "country_code": "+1",
            "number": number,
            "inbound_group_id": group,
            "country": "US",
            "area_code": area_code,
            "state": state,
            "toll_free": toll_free,
        }
        assert {k: created[k] for k in expected} == expected
        # A new number is active. Creating a deleted one again revives its row, which today keeps
        # the pause it had (reported separately); either way never another company's status.
        assert created["status"] in {"active", company.status_at_delete.get(number, "active")}
        if created["status"] == "active":
            assert created["paused_until"] is None, created
        company.anis[number] = created

    # Reading, updating and deleting by an identifier both companies use

    @rule(who=WHO, named=TARGET, via=VIA)
    def get_object(self, who: int, named: tuple[str, str], via: str) -> None:
        company = self.acting(who, writes=False)
        kind, written = named
        response = _check(company.api.get(f"/dialer/{kind}", **_identify(kind, written, via)))
        current = company.objects(kind).get(_stored_key(kind, written))
        if current is None:
            _assert_not_found(response)
            return
        assert response.status_code == 200, response.text
        assert response.json() == current

    @rule(who=WHO, change=CHANGE)
    def update_object(self, who: int, change: tuple[str, str, dict[str, Any]]) -> None:
        company = self.acting(who)
        kind, written, changes = change
        body = {KEY_FIELD[kind]: written, **changes}
        response = _check(company.api.put(f"/dialer/{kind}", json=body))
        objects = company.objects(kind)
        key = _stored_key(kind, written)
        if key not in objects:
            _assert_not_found(response)
            return
        if kind == "dispos" and _name_taken(company, changes.get("name"), key):
            assert response.status_code == 409, response.text  # names are unique without case
            return
        assert response.status_code == 200, response.text
        updated = response.json()
        # A change moves updated_at; an empty update changes nothing at all.
        ignored = ("updated_at",) if changes else ()
        assert _without(updated, *ignored) == _without({**objects[key], **changes}, *ignored)
        objects[key] = updated

    @rule(who=WHO, named=TARGET, via=VIA)
    def delete_object(self, who: int, named: tuple[str, str], via: str) -> None:
        company = self.acting(who)
        kind, written = named
        response = _check(company.api.delete(f"/dialer/{kind}", **_identify(kind, written, via)))
        objects = company.objects(kind)
        key = _stored_key(kind, written)
        if key not in objects:
            _assert_not_found(response)
            return
        assert response.status_code == 200, response.text
        deleted = response.json()
        assert deleted["deleted_at"] is not None
        before = objects.pop(key)
        assert _without(deleted, "deleted_at", "updated_at") == _without(before, "updated_at")
        if kind == "anis":
            company.status_at_delete[key] = before["status"]

    @rule(who=WHO, form=NUMBER_FORM, action=st.sampled_from(("pause", "pause-until", "activate")))
    def pause_or_activate(self, who: int, form: str, action: str) -> None:
        company = self.acting(who)
        body: dict[str, Any] = {"number": form}
        if action == "pause-until":
            body["until"] = PAUSE_UNTIL
        path = "/dialer/anis/activate" if action == "activate" else "/dialer/anis/pause"
        response = _check(company.api.post(path, json=body))
        number = NUMBER_OF_FORM[form]
        if number not in company.anis:
            _assert_not_found(response)
            return
        assert response.status_code == 200, response.text
        changed = response.json()
        assert changed["status"] == ("active" if action == "activate" else "paused")
        assert (changed["paused_until"] is not None) is (action == "pause-until")
        ignored = ("status", "paused_until", "status_reason", "status_changed_at", "updated_at")
        assert _without(changed, *ignored) == _without(company.anis[number], *ignored)
        company.anis[number] = changed

    @rule(who=WHO, changes=SETTINGS_CHANGES)
    def put_settings(self, who: int, changes: dict[str, Any]) -> None:
        company = self.acting(who)
        response = _check(company.api.put("/dialer/settings", json=changes))
        assert response.status_code == 200, response.text
        company.settings.update(changes)
        assert response.json() == {"company_guid": company.guid, **company.settings}

    # Selection: only the company's own numbers, under its own caps and settings

    @rule(who=WHO, campaign_id=NEXT_CAMPAIGN, phone=PROSPECT, options=NEXT_OPTIONS)
    def next_ani(self, who: int, campaign_id: str, phone: str, options: dict[str, Any]) -> None:
        company = self.acting(who)
        body = {"outbound_campaign": campaign_id, "prospect_phone": phone, **options}
        response = _check(company.api.post("/dialer/next", json=body))
        if self._campaign_refused(company, campaign_id, response):
            return
        assert response.status_code in (200, 404), response.text
        self._check_assignment(company, campaign_id, phone, options, response.json())
        assert response.status_code == (404 if "error" in response.json() else 200)

    @rule(
        who=WHO,
        campaign_id=NEXT_CAMPAIGN,
        phones=st.lists(PROSPECT, min_size=1, max_size=3),
        options=NEXT_OPTIONS,
    )
    def next_ani_batch(
        self, who: int, campaign_id: str, phones: list[str], options: dict[str, Any]
    ) -> None:
        company = self.acting(who)
        zip_code = options.get("prospect_zip")
        leads = [
            {"row_id": f"r{i}", "prospect_phone": phone, "prospect_zip": zip_code}
            for i, phone in enumerate(phones)
        ]
        body = {"outbound_campaign": campaign_id, **_without(options, "prospect_zip")}
        response = _check(company.api.post("/dialer/next/batch", json={**body, "leads": leads}))
        if self._campaign_refused(company, campaign_id, response):
            return
        assert response.status_code == 200, response.text
        rows = response.json()["results"]
        assert [row["row_id"] for row in rows] == [lead["row_id"] for lead in leads]
        for phone, row in zip(phones, rows, strict=True):
            self._check_assignment(company, campaign_id, phone, options, row)

    @staticmethod
    def _campaign_refused(company: Tenancy, campaign_id: str, response: httpx2.Response) -> bool:
        """Whether the company's own campaigns (not the other's) make the call fail as a whole."""
        campaign = company.campaigns.get(campaign_id)
        if campaign is None:
            _assert_not_found(response)
            return True
        if campaign["type"] == "Inbound":
            assert response.status_code == 422, response.text
            assert "outbound_campaign" in response.json()["error"]["fields"]
            return True
        return False

    def _check_assignment(
        self,
        company: Tenancy,
        campaign_id: str,
        phone: str,
        options: dict[str, Any],
        answer: dict[str, Any],
    ) -> None:
        expected = self._expect_next(company, company.campaigns[campaign_id], options)
        if expected.status == 404:
            assert answer.get("error", {}).get("code") == expected.code, (answer, expected)
            TALLY["assignments refused"] += 1
            return
        assert "error" not in answer, (answer, expected)
        assert answer["ani"] in expected.choices, (answer, expected)
        assert answer["country_code"] == "+1"
        assert answer["prospect_phone"] == phone
        assert answer["over_cap"] is expected.over_cap, (answer, expected)
        assert answer["brand_filter_ignored"] is expected.brand_filter_ignored, answer
        assert answer["branded"] is company.anis[answer["ani"]]["is_branded"]
        company.count_dial(campaign_id, answer["ani"], phone)
        TALLY["assignments"] += 1

    @staticmethod
    def _expect_next(
        company: Tenancy, campaign: dict[str, Any], options: dict[str, Any]
    ) -> NextExpectation:
        groups = options.get("inventory_group_ids") or (
            [campaign["inbound_pool_id"]] if campaign["inbound_pool_id"] else None
        )
        eligible = [
            number
            for number, ani in company.anis.items()
            if ani["status"] == "active" and (groups is None or ani["inbound_group_id"] in groups)
        ]
        if not eligible:
            return NextExpectation(404, "no_available_ani")
        brand_ignored = False
        use_branded = options.get("use_branded")
        if use_branded is not None:
            matching = [n for n in eligible if company.anis[n]["is_branded"] is use_branded]
            if matching:
                eligible = matching
            else:
                brand_ignored = True

        def cap(number: str) -> int:
            # The most specific cap wins: the number's, the campaign's, the company's.
            for source in (company.anis[number], campaign, company.settings):
                if source["daily_cap"] is not None:
                    value: int = source["daily_cap"]
                    return value
            raise AssertionError("a company always has a daily cap")

        under_cap = [n for n in eligible if company.dials_today(n) < cap(n)]
        if under_cap:
            return NextExpectation(200, None, frozenset(under_cap), False, brand_ignored)
        if (campaign["cap_mode"] or company.settings["cap_mode"]) == "strict":
            return NextExpectation(404, "no_available_ani")
        return NextExpectation(200, None, frozenset(eligible), True, brand_ignored)

    # Dial results: the JSON API (API key) and the seed callback (company GUID)

    @rule(
        who=WHO,
        call_id=CALL_ID_DRAWN,
        campaign=RESULT_CAMPAIGN,
        ani_form=RESULT_ANI,
        dispo=RESULT_DISPO,
        prospect=PROSPECT,
        when=CALL_TIME_INDEX,
        duration=DURATION,
        channel=CHANNEL,
    )
    def post_result(
        self,
        who: int,
        call_id: str,
        campaign: str,
        ani_form: str,
        dispo: str,
        prospect: str,
        when: int,
        duration: int | None,
        channel: str,
    ) -> None:
        company = self.acting(who)
        call_at = self.call_times[when]
        ani = NUMBER_OF_FORM.get(ani_form, ani_form)
        result = Result(campaign, ani, dispo, prospect, call_at, duration)
        before = company.results.get(call_id)
        status = "stored" if before is None else "duplicate" if before == result else "updated"
        if channel.startswith("json"):
            row: dict[str, Any] = {
                "call_id": call_id,
                "campaign_id": campaign,
                "ani": ani_form,
                "dispo": dispo,
                "prospect_phone": prospect,
                "call_datetime": call_at,
            }
            if duration is not None:
                row["duration_s"] = duration
            body = {"results": [row]} if channel == "json-batch" else row
            response = _check(company.api.post("/dialer/results", json=body))
            assert response.status_code == 200, response.text
            assert response.json() == {"results": [{"call_id": call_id, "status": status}]}
        else:
            params = {
                COMPANY: company.guid,
                CAMPAIGN: campaign,
                ANI: ani_form,
                CALL_ID: call_id,
                DISPO: dispo,
                PHONE: prospect,
                CALL_TIME: call_at,
            }
            if duration is not None:
                params[TYPE_OR_DURATION] = str(duration)
            if channel == "callback-get":
                response = _check(self.client.get(CALLBACK, params=params))
            else:
                response = _check(self.client.post(CALLBACK, data=params))
            assert (response.status_code, response.json()) == (200, {"result": "SUCCESS"})
        if status != "duplicate":
            company.results[call_id] = result
            company.unknown_at_write[call_id] = ani not in company.anis
            company.touched.update(_stats_keys(campaign, ani, prospect))
        TALLY["dial results"] += 1

    # Whole views

    @rule(who=WHO)
    def read_everything(self, who: int) -> None:
        self.check_view(self.acting(who, writes=False))

    @invariant()
    def the_other_company_is_untouched(self) -> None:
        """After each write the company that did not act still sees exactly its own model."""
        if self.last_actor is None:
            return
        self.check_view(self.companies[1 - self.last_actor], full=False)
        TALLY["cross-company checks"] += 1

    def teardown(self) -> None:
        for company in self.companies:
            self.check_view(company)

    def check_view(self, company: Tenancy, *, full: bool = True) -> None:
        """Lists, settings, statistics and result lists equal the company's model exactly.

        Not ``full``: without the per-state and per-campaign-and-ANI statistics, which add up
        rows the other statistics already show (and cost a query each after every step).
        """
        api = company.api
        for kind, key in KEY_FIELD.items():
            listed = _check(api.get(f"/dialer/{kind}"))
            assert listed.status_code == 200, listed.text
            items = listed.json()["items"]
            assert len(items) == len(company.objects(kind)), (company.label, kind, items)
            assert {item[key]: item for item in items} == company.objects(kind), company.label
        current = _check(api.get("/dialer/settings"))
        assert current.json() == {"company_guid": company.guid, **company.settings}

        counters = company.counters()
        zero = dict.fromkeys(COUNTERS, 0)
        for campaign in (None, CAMPAIGN_IDS[0]) if full else (None,):
            query = {**self.window, **({"campaign": campaign} if campaign else {})}
            expected = {
                number: {
                    **counters.get(
                        ("ani", f"+1{number}")
                        if campaign is None
                        else ("ani_campaign", f"{campaign}|+1{number}"),
                        zero,
                    ),
                    "status": ani["status"],
                }
                for number, ani in company.anis.items()
            }
            got = {
                item["number"]: {name: item[name] for name in (*COUNTERS, "status")}
                for item in self._stats(company, "anis", query)
            }
            assert got == expected, (company.label, "stats/anis", campaign)

        by_state: dict[str, dict[str, int]] = {}
        for (dimension, area), values in counters.items():
            if dimension == "area":
                total = by_state.setdefault(STATE_OF_AREA[area], dict(zero))
                for name in COUNTERS:
                    total[name] += values[name]
        grouped = {
            ("campaigns", "campaign"): _dimension(counters, "campaign"),
            ("areas", "area_code"): _dimension(counters, "area"),
        }
        if full:
            grouped[("states", "state")] = by_state
        for (path, label), expected_rows in grouped.items():
            got = {
                item[label]: {name: item[name] for name in COUNTERS}
                for item in self._stats(company, path, self.window)
            }
            assert got == expected_rows, (company.label, f"stats/{path}")

        every = {"limit": "1000"}  # one page holds them all (the lists are paged)
        unmapped = _check(api.get("/dialer/results/unmapped-dispositions", params=every))
        assert unmapped.status_code == 200, unmapped.text
        assert unmapped.json()["next_cursor"] is None
        got_unmapped = {item["dispo"]: item["results"] for item in unmapped.json()["items"]}
        expected_unmapped = Counter(
            r.dispo for r in company.results.values() if company.find_dispo(r.dispo) is None
        )
        assert got_unmapped == dict(expected_unmapped), company.label

        unknown = _check(api.get("/dialer/results/unknown-anis", params=every))
        assert unknown.status_code == 200, unknown.text
        assert unknown.json()["next_cursor"] is None
        items = unknown.json()["items"]
        assert {item["country_code"] for item in items} <= {"+1"}
        got_unknown = {item["number"]: item["results"] for item in items}
        # Results whose number was deleted after they arrived may or may not be listed (reported
        # separately); everything else must be exactly this company's own.
        assert got_unknown in (
            company.unknown_anis(only_unknown_at_write=True),
            company.unknown_anis(only_unknown_at_write=False),
        ), company.label

    def _stats(self, company: Tenancy, path: str, query: dict[str, str]) -> list[dict[str, Any]]:
        response = _check(company.api.get(f"/dialer/stats/{path}", params=query))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["next_cursor"] is None
        items: list[dict[str, Any]] = body["items"]
        return items


def test_companies_never_see_or_change_each_other(client: TestClient, db: Database) -> None:
    """Up to 25 examples of up to 20 steps each, on SQLite and on PostgreSQL."""
    TALLY.clear()
    started = time.perf_counter()

    class OnThisDatabase(IsolationMachine):
        pass

    OnThisDatabase.db, OnThisDatabase.client = db, client
    run_state_machine_as_test(
        OnThisDatabase,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
    elapsed = time.perf_counter() - started
    print(
        f"\nisolation cases: {TALLY['examples']} examples, {TALLY['steps']} actions by one "
        f"company, {TALLY['cross-company checks']} steps followed by a check of the other "
        f"company's whole view; {TALLY['assignments']} assignments "
        f"({TALLY['assignments refused']} refused), {TALLY['dial results']} dial results; "
        f"{elapsed:.1f} s"
    )

"""The seed callback's parameters to a dial result (pure: no HTTP, no database)."""

from __future__ import annotations

import pytest

from openani.results.callback import (
    COMPANY_PARAM,
    FIELD_OF_PARAM,
    PARAM_OF_FIELD,
    REQUIRED_FIELDS,
    TYPE_OR_DURATION_PARAM,
    CallbackError,
    CallbackResult,
    describe,
    parse_callback,
)
from openani.results.models import MAX_KPIS

GUID = "8d7e9a52-5d0c-4f4e-9a43-4c1b5d2e6f70"
REQUIRED = {
    "campaign_id": "c1",
    "ani": "5125550100",
    "call_id": "call-1",
    "dispo": "SALE",
    "prospect_phone": "5125550199",
    "call_datetime": "2026-11-02T10:00:00",
}


def pairs(**fields: str) -> list[tuple[str, str]]:
    return [(COMPANY_PARAM, GUID)] + [(PARAM_OF_FIELD[k], v) for k, v in fields.items()]


def test_the_parameter_names_are_the_seeds() -> None:
    # Dialers are configured with these GUIDs: any change breaks every installed callback.
    assert COMPANY_PARAM == "0504bd2b-f9eb-4a72-b497-7c8cac8692a0"
    assert TYPE_OR_DURATION_PARAM == "6be80ae8-72b5-4ac6-8871-c54fdce3ebbf"
    assert FIELD_OF_PARAM == {
        "ec4e634b-aa92-4859-9d16-46aece2b780b": "campaign_id",
        "1eb3164f-2157-43d9-9aa8-ed1e20e97fa7": "agent_id",
        "0be372ee-d1bf-42a4-8891-dbc5ee547a7c": "ani",
        "ddb195b9-1f3d-4775-a9b7-fcf9d7c46583": "call_id",
        "e8ca4a68-d96e-4be8-8ac1-1114fec52cde": "dispo",
        "12929e99-3266-4350-b2c8-592119ffd558": "prospect_phone",
        "9a1f5867-157f-4620-ae43-b824bc4d81ee": "call_datetime",
        "82d8779e-ce8f-4e8c-928f-280a45fe1c02": "zip",
        "514167c4-1011-4cc8-bbed-3708e0a4b772": "lead_created",
        "1ac05504-659d-4e8c-ad1d-c4d2da3ab1be": "attempts",
        "b6fd9680-7f93-44e0-a534-a3b9e717b7c7": "skill",
        "ea9aec00-4170-47c6-a187-b0c0f71b4400": "lead_source",
    }
    assert REQUIRED_FIELDS == (
        "campaign_id", "ani", "call_id", "dispo", "prospect_phone", "call_datetime"
    )  # fmt: skip


def test_a_result_without_fields_has_an_empty_dict_of_its_own() -> None:
    first, second = CallbackResult(GUID), CallbackResult(GUID)
    first.fields["dispo"] = "SALE"
    assert second.fields == {}


def test_every_field_is_read_under_its_guid() -> None:
    values = {name: f"v-{name}" for name in FIELD_OF_PARAM.values()}
    result = parse_callback(pairs(**values))
    assert result.company_guid == GUID
    assert result.fields == values


@pytest.mark.parametrize(
    ("values", "call_type", "duration"),
    [
        (["Outbound", "95"], "Outbound", "95"),
        (["95", "Outbound"], "Outbound", "95"),
        (["SMS"], "SMS", None),
        (["0"], None, "0"),
        # Digits of another script are no duration: they are kept as text, the call type.
        (["9²"], "9²", None),
    ],
)
def test_the_shared_parameter_is_a_duration_when_it_is_seconds_else_the_call_type(
    values: list[str], call_type: str | None, duration: str | None
) -> None:
    result = parse_callback(pairs(**REQUIRED) + [(TYPE_OR_DURATION_PARAM, v) for v in values])
    assert result.fields.get("call_type") == call_type
    assert result.fields.get("duration_s") == duration


def test_names_and_values_are_stripped_and_empty_values_are_absent() -> None:
    raw = [(f"  {name} ", f" {value}\t") for name, value in pairs(**REQUIRED)]
    raw += [(PARAM_OF_FIELD["agent_id"], "  "), (TYPE_OR_DURATION_PARAM, " ")]
    result = parse_callback(raw)
    assert result.company_guid == GUID
    assert result.fields == REQUIRED


def test_other_names_are_kpis_kept_as_text_and_empty_names_are_dropped() -> None:
    result = parse_callback([*pairs(**REQUIRED), ("Revenue", " 12.5 "), ("", "x"), ("Empty", "")])
    assert result.fields["kpis"] == {"Revenue": "12.5", "Empty": ""}


def test_no_kpis_means_no_kpi_field() -> None:
    assert "kpis" not in parse_callback(pairs(**REQUIRED)).fields


def test_kpis_are_limited_but_a_repeated_name_at_the_limit_is_no_new_kpi() -> None:
    kpis = [(f"K{i}", str(i)) for i in range(MAX_KPIS)]
    result = parse_callback([*pairs(**REQUIRED), *kpis, ("K0", "again")])
    assert len(result.fields["kpis"]) == MAX_KPIS
    assert result.fields["kpis"]["K0"] == "again"
    with pytest.raises(CallbackError) as caught:
        parse_callback([*pairs(**REQUIRED), *kpis, ("One more", "1")])
    assert str(caught.value) == f"too many KPI parameters: at most {MAX_KPIS}"


@pytest.mark.parametrize("company", [None, "", "   "])
def test_the_company_guid_is_required(company: str | None) -> None:
    raw = [(PARAM_OF_FIELD[k], v) for k, v in REQUIRED.items()]
    if company is not None:
        raw.append((COMPANY_PARAM, company))
    with pytest.raises(CallbackError) as caught:
        parse_callback(raw)
    assert str(caught.value) == f"{COMPANY_PARAM} (company GUID) is required"


def test_every_missing_required_parameter_is_named_in_order() -> None:
    partial = {k: v for k, v in REQUIRED.items() if k not in ("ani", "dispo")}
    with pytest.raises(CallbackError) as caught:
        parse_callback(pairs(**partial))
    assert str(caught.value) == (
        f"missing required parameter: {PARAM_OF_FIELD['ani']} (ani), "
        f"{PARAM_OF_FIELD['dispo']} (dispo)"
    )
    for name in REQUIRED_FIELDS:
        short = {k: v for k, v in REQUIRED.items() if k != name}
        with pytest.raises(CallbackError, match=rf"^missing required parameter: \S+ \({name}\)$"):
            parse_callback(pairs(**short))


@pytest.mark.parametrize("where", ["name", "value"])
def test_nul_characters_are_refused_naming_the_parameter(where: str) -> None:
    param = PARAM_OF_FIELD["dispo"]
    bad = (param + "\x00", "SALE") if where == "name" else (param, "SA\x00LE")
    with pytest.raises(CallbackError) as caught:
        parse_callback([*pairs(**REQUIRED), bad])
    shown = f"{param}\\u0000" if where == "name" else f"{param} (dispo)"
    assert str(caught.value) == f"{shown}: must not contain NUL characters (\\u0000)"


def test_a_nul_in_a_kpi_is_refused_too() -> None:
    with pytest.raises(CallbackError, match=r"^Rev\\u0000: must not contain NUL"):
        parse_callback([*pairs(**REQUIRED), ("Rev\x00", "1")])


def test_describe_names_the_guid_and_the_field() -> None:
    assert describe("dispo") == f"{PARAM_OF_FIELD['dispo']} (dispo)"
    assert describe("call_type") == f"{TYPE_OR_DURATION_PARAM} (call_type)"
    assert describe("duration_s.x") == f"{TYPE_OR_DURATION_PARAM} (duration_s.x)"
    assert describe("kpis") == "kpis"

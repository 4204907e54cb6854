"""The console's configuration pages: campaigns, dispositions and company settings, with the
forms that create and edit them (the same validation as the API stands behind each)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openani.console.html import esc, field, hidden, select, table, text_input, url

CAMPAIGN_TYPES = [("Outbound", "Outbound"), ("Inbound", "Inbound"), ("Blended", "Blended")]
STRATEGIES = [("", "company default (auto)")] + [
    (s, s) for s in ("auto", "zip", "area_code", "state", "tfn", "random", "highest_contact_rate")
]
CAP_MODES = [("", "company default"), ("soft", "soft"), ("strict", "strict")]
CATEGORIES = [("", "none")] + [
    (c, c.replace("_", " "))
    for c in ("human", "voicemail", "no_answer", "busy", "blocked", "invalid_number", "other")
]


def _checkbox(name: str, checked: bool) -> str:
    return (
        f'<input type="checkbox" name="{esc(name)}" id="{esc(name)}" value="true"'
        f"{' checked' if checked else ''}>"
    )


def campaign_form(csrf: str, campaign: Mapping[str, Any] | None) -> str:
    c = campaign or {}
    editing = campaign is not None
    ident = (
        hidden("id", c["id"]) + f"<p>Campaign <b>{esc(c['id'])}</b></p>"
        if editing
        else field("Id", text_input("id", extra=" required"))
    )
    return (
        '<form method="post" action="/console/campaigns" class="card" id="campaign-form">'
        + hidden("csrf", csrf)
        + hidden("mode", "update" if editing else "create")
        + ident
        + field("Name", text_input("name", c.get("name", ""), extra=" required"))
        + field("Type", select("type", CAMPAIGN_TYPES, c.get("type", "Outbound")))
        + field("Inbound pool", text_input("inbound_pool_id", c.get("inbound_pool_id") or ""))
        + field("Daily cap", text_input("daily_cap", c.get("daily_cap") or "", kind="number"))
        + field("Hourly cap", text_input("hourly_cap", c.get("hourly_cap") or "", kind="number"))
        + field("Cap mode", select("cap_mode", CAP_MODES, c.get("cap_mode") or ""))
        + field(
            "Strategy",
            select("default_assignment_type", STRATEGIES, c.get("default_assignment_type") or ""),
        )
        + field("Sticky caller ID", _checkbox("sticky_ani", bool(c.get("sticky_ani"))))
        + f'<button type="submit">{"Save" if editing else "Create campaign"}</button></form>'
    )


def campaigns(
    items: Sequence[Mapping[str, Any]], csrf: str, editing: Mapping[str, Any] | None
) -> str:
    rows = [
        [
            esc(c["id"]),
            esc(c["name"]),
            esc(c["type"]),
            esc(c["inbound_pool_id"]),
            esc(c["default_assignment_type"] or "auto"),
            esc(c["daily_cap"] or ""),
            "created by the dialer" if c["auto_created"] else "",
            f'<a href="{esc(url("/console/campaigns", {"edit": c["id"]}))}">edit</a>',
        ]
        for c in items
    ]
    return (
        table(
            ["id", "name", "type", "inbound pool", "strategy", "daily cap", "", ""],
            rows,
            id_="campaigns",
        )
        + "<h2>" + ("Edit campaign" if editing else "New campaign") + "</h2>"
        + campaign_form(csrf, editing)
    )  # fmt: skip


def dispo_form(csrf: str, dispo: Mapping[str, Any] | None, new_name: str = "") -> str:
    d = dispo or {}
    editing = dispo is not None
    ident = (
        hidden("id", d["id"]) + f"<p>Disposition <b>{esc(d['id'])}</b></p>"
        if editing
        else field("Id", text_input("id", new_name, extra=" required"))
    )
    return (
        '<form method="post" action="/console/dispositions" class="card" id="dispo-form">'
        + hidden("csrf", csrf)
        + hidden("mode", "update" if editing else "create")
        + ident
        + field("Name", text_input("name", d.get("name", new_name), extra=" required"))
        + field(
            "Type",
            select("type", [("Agent", "Agent"), ("System", "System")], d.get("type", "Agent")),
        )
        + field("Contact (the prospect was reached)", _checkbox("contact", bool(d.get("contact"))))
        + field("Success", _checkbox("success", bool(d.get("success"))))
        + field("Category", select("category", CATEGORIES, d.get("category") or ""))
        + f'<button type="submit">{"Save" if editing else "Create disposition"}</button></form>'
    )


def dispositions(
    items: Sequence[Mapping[str, Any]], csrf: str, editing: Mapping[str, Any] | None, new_name: str
) -> str:
    rows = [
        [
            esc(d["id"]),
            esc(d["name"]),
            esc(d["type"]),
            "yes" if d["contact"] else "",
            "yes" if d["success"] else "",
            esc(d["category"]),
            f'<a href="{esc(url("/console/dispositions", {"edit": d["id"]}))}">edit</a>',
        ]
        for d in items
    ]
    return (
        table(["id", "name", "type", "contact", "success", "category", ""], rows,
              id_="dispositions")
        + "<h2>" + ("Edit disposition" if editing else "New disposition") + "</h2>"
        + dispo_form(csrf, editing, new_name)
    )  # fmt: skip


def settings(values: Mapping[str, Any], csrf: str) -> str:
    return (
        '<form method="post" action="/console/settings" class="card" id="settings-form">'
        + hidden("csrf", csrf)
        + f"<p>Company <b>{esc(values['name'])}</b> · "
        + f"GUID <code>{esc(values['company_guid'])}</code></p>"
        + field("Time zone", text_input("time_zone", values["time_zone"]))
        + field("Daily cap per number", text_input("daily_cap", values["daily_cap"], kind="number"))
        + field("Hourly cap per number (empty: none)",
                text_input("hourly_cap", values["hourly_cap"] or "", kind="number"))
        + field("Cap mode", select("cap_mode", CAP_MODES[1:], values["cap_mode"]))
        + field("Nearest area codes within (km)",
                text_input("nearest_radius_km", values["nearest_radius_km"], kind="number"))
        + field("Burned numbers", select(
            "automation", [("auto", "rest them (auto)"), ("recommend", "flag only (recommend)")],
            values["automation"]))
        + field("Rest days", text_input("rest_days", values["rest_days"], kind="number"))
        + field("Largest share resting (0-1)",
                text_input("max_resting_share", values["max_resting_share"],
                           extra=' inputmode="decimal"'))
        + field("Probation days",
                text_input("probation_days", values["probation_days"], kind="number"))
        + field("Campaigns nobody defined", select(
            "unknown_campaign", [("serve", "serve with the defaults"), ("reject", "refuse (404)")],
            values["unknown_campaign"]))
        + '<button type="submit" id="save-settings">Save</button></form>'
        + "<p>Each campaign's strategy, caps and cap mode are on the "
        '<a href="/console/campaigns">campaigns</a> page.</p>'
    )  # fmt: skip

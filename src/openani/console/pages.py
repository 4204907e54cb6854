"""The console's pages as HTML, from data already read (no storage here)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from openani.console.html import (
    Day,
    chart,
    esc,
    field,
    hidden,
    rate,
    select,
    table,
    text_input,
    url,
)
from openani.lifecycle.status import STATUSES

STATUS_OPTIONS = [("", "any status"), *((s, s.replace("_", " ")) for s in STATUSES)]
BRANDED_OPTIONS = [("", "branded or not"), ("true", "branded"), ("false", "unbranded")]


def sign_in(token: str) -> str:
    return (
        '<form method="post" action="/console/sign-in" class="card sign-in">'
        f"{hidden('csrf', token)}"
        "<p>Sign in with one of your company's API keys (as printed by <code>openani company "
        "create</code> or <code>openani key create</code>). The key is not kept in the browser: "
        "a session of 12 hours is.</p>"
        + field(
            "API key",
            text_input("api_key", kind="password", extra=' autocomplete="off" required'),
        )
        + '<button type="submit" id="sign-in">Sign in</button></form>'
    )


def figures_cards(windows: Mapping[str, Mapping[str, int]]) -> str:
    cards = []
    for label, f in windows.items():
        contact = rate(_pct(f["contacts"], f["dials"]))
        success = rate(_pct(f["successes"], f["contacts"]))
        cards.append(
            f'<div class="card figure"><h2>{esc(label)}</h2>'
            f"<p><b>{f['dials']:,}</b> dials · <b>{f['contacts']:,}</b> contacts</p>"
            f"<p>contact rate <b>{contact}</b> · success rate <b>{success}</b></p></div>"
        )
    return f'<section class="cards">{"".join(cards)}</section>'


def _pct(numerator: int, denominator: int) -> float | None:
    return 100.0 * numerator / denominator if denominator else None


def overview(
    windows: Mapping[str, Mapping[str, int]],
    days: Sequence[Day],
    statuses: Mapping[str, int],
    unmapped: Sequence[Mapping[str, Any]],
    unknown: Sequence[Mapping[str, Any]],
) -> str:
    status_rows = [
        [
            f'<a href="{esc(url("/console/numbers", {"status": s}))}">{esc(s)}</a>',
            f"{statuses.get(s, 0):,}",
        ]
        for s in STATUSES
    ]
    unmapped_rows = [
        [
            esc(item.get("dispo")),
            f"{item.get('results', 0):,}",
            f'<a href="{esc(url("/console/dispositions", {"new": item.get("dispo")}))}">'
            "define it</a>",
        ]
        for item in unmapped[:20]
    ]
    unknown_rows = [
        [
            esc(f"{item.get('country_code', '')} {item.get('number', '')}"),
            f"{item.get('results', 0):,}",
            '<a href="/console/numbers/import">add it</a>',
        ]
        for item in unknown[:20]
    ]
    return (
        figures_cards(windows)
        + chart(days, title="Last 30 days")
        + '<section class="columns"><div><h2>Numbers by status</h2>'
        + table(["status", "numbers"], status_rows, id_="statuses")
        + "</div><div><h2>Dispositions not defined</h2>"
        + table(["disposition", "results", ""], unmapped_rows, id_="unmapped")
        + "</div><div><h2>Caller IDs not in the inventory</h2>"
        + table(["number", "results", ""], unknown_rows, id_="unknown-anis")
        + "</div></section>"
    )


def number_filters(query: Mapping[str, str]) -> str:
    return (
        '<form method="get" action="/console/numbers" class="filters">'
        + field("Number", text_input("number", query.get("number", ""), extra=' size="10"'))
        + field("Area code", text_input("area_code", query.get("area_code", ""), extra=' size="4"'))
        + field("State", text_input("state", query.get("state", ""), extra=' size="3"'))
        + field("Group", text_input("group", query.get("group", ""), extra=' size="10"'))
        + field("Status", select("status", STATUS_OPTIONS, query.get("status", "")))
        + field("Branded", select("branded", BRANDED_OPTIONS, query.get("branded", "")))
        + '<button type="submit">Filter</button></form>'
        + '<p class="links"><a href="/console/numbers/import">Load numbers from CSV</a> · '
        + f'<a href="{esc(url("/console/numbers/export", _export_filters(query)))}">'
        + "Export as CSV</a></p>"
    )


def _export_filters(query: Mapping[str, str]) -> dict[str, str]:
    return {k: query[k] for k in ("area_code", "state", "status", "number") if query.get(k)}


def number_link(country_code: str, number: str) -> str:
    return f"/console/numbers/{country_code.lstrip('+')}/{number}"


def actions(csrf: str, country_code: str, number: str, status: str, back: str) -> str:
    """Pause (with an end date and a note), activate, rest: one small form each."""
    common = hidden("csrf", csrf) + hidden("number", number) + hidden("country_code", country_code)
    common += hidden("back", back)
    forms = []
    if status in ("paused", "resting"):
        forms.append(
            '<form method="post" action="/console/numbers/action" class="inline">'
            f"{common}{hidden('action', 'activate')}"
            '<input type="date" name="date" title="activate on (empty: now)">'
            '<input type="text" name="note" placeholder="note" size="8">'
            f'<button type="submit" data-action="activate" data-number="{esc(number)}">'
            "Activate</button></form>"
        )
    if status != "paused":
        forms.append(
            '<form method="post" action="/console/numbers/action" class="inline">'
            f"{common}{hidden('action', 'pause')}"
            '<input type="date" name="until" title="paused until (empty: until activated)">'
            '<input type="text" name="note" placeholder="note" size="8">'
            f'<button type="submit" data-action="pause" data-number="{esc(number)}">'
            "Pause</button></form>"
        )
    if status not in ("resting", "paused"):
        forms.append(
            '<form method="post" action="/console/numbers/action" class="inline">'
            f"{common}{hidden('action', 'rest')}"
            f'<button type="submit" data-action="rest" data-number="{esc(number)}">'
            "Rest</button></form>"
        )
    return "".join(forms)


def numbers(
    rows: Sequence[Mapping[str, Any]],
    query: Mapping[str, str],
    next_cursor: str | None,
    csrf: str,
    back: str,
) -> str:
    body_rows = []
    for r in rows:
        link = number_link(r["country_code"], r["number"])
        body_rows.append(
            [
                f'<a href="{esc(link)}">{esc(r["country_code"])} {esc(r["number"])}</a>',
                esc(r["area_code"]),
                esc(r["state"]),
                esc(r["inbound_group_id"]),
                "yes" if r["is_branded"] else "",
                f'<span class="status {esc(r["status"])}">{esc(r["status"])}</span>',
                f"{r['dials_today']} / {r['cap']}",
                rate(r["contact_rate_today"]),
                rate(r["contact_rate_30d"]),
                str(r["healthy_volume"]),
                actions(csrf, r["country_code"], r["number"], r["status"], back),
            ]
        )
    pager = ""
    if next_cursor is not None:
        pager = (
            f'<p class="pager"><a id="next-page" href="'
            f'{esc(url("/console/numbers", {**query, "cursor": next_cursor}))}">Next page</a></p>'
        )
    headers = [
        "number", "area", "state", "group", "branded", "status", "today / cap",
        "contact rate today", "contact rate 30 days", "healthy volume", "",
    ]  # fmt: skip
    return number_filters(query) + table(headers, body_rows, id_="numbers") + pager


def number_page(
    ani: Mapping[str, Any],
    days: Sequence[Day],
    history: Sequence[Mapping[str, Any]],
    areas: Sequence[Mapping[str, Any]],
    healthy_volume: int,
    csrf: str,
) -> str:
    link = number_link(ani["country_code"], ani["number"])
    facts = [
        ("Status", ani["status"]),
        ("Until", ani.get("paused_until")),
        ("Why", ani.get("status_reason")),
        ("Inbound group", ani["inbound_group_id"]),
        ("Branded", f"yes ({ani.get('brand_name') or 'no name'})" if ani["is_branded"] else "no"),
        ("Carrier", ani.get("carrier_id")),
        ("Area code", ani.get("area_code")),
        ("State", ani.get("state")),
        ("Place", ani.get("place")),
        ("Time zone", ani.get("time_zone")),
        ("Toll-free", "yes" if ani.get("toll_free") else "no"),
        ("Healthy volume", f"{healthy_volume} dials a day"),
        ("Daily cap", ani.get("daily_cap") or "the campaign's or the company's"),
    ]
    fact_list = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts if v is not None)
    history_rows = [
        [esc(h["at"]), esc(h["from"]), esc(h["to"]), esc(h["reason"]), esc(h["actor"])]
        for h in history
    ]
    area_rows = [
        [esc(a["area_code"]), f"{a['dials']:,}", f"{a['contacts']:,}", rate(a["contact_rate"])]
        for a in areas
    ]
    return (
        f'<section class="columns"><dl class="facts" id="facts">{fact_list}</dl>'
        '<div class="card">'
        + actions(csrf, ani["country_code"], ani["number"], ani["status"], link)
        + "</div></section>"
        + chart(days, title="Last 30 days")
        + "<h2>Status history</h2>"
        + table(["when", "from", "to", "why", "by"], history_rows, id_="history")
        + "<h2>Prospect areas called, last 30 days</h2>"
        + table(["area code", "dials", "contacts", "contact rate"], area_rows, id_="areas")
    )


def coverage(by_state: Sequence[Mapping[str, Any]], by_area: Sequence[Mapping[str, Any]]) -> str:
    def rows(items: Sequence[Mapping[str, Any]], key: str) -> list[list[str]]:
        return [
            [
                esc(item[key])
                + (
                    f" <small>{esc(item['state'])}</small>"
                    if key != "state" and item.get("state")
                    else ""
                ),
                f"{item['dials']:,}",
                rate(item["contact_rate"]),
                rate(item["local_share"]),
                rate(item["local_answered"]),
                f"{item['numbers']:,}",
                '<span class="warn">no local number</span>'
                if item["dials"] and not item["numbers"]
                else "",
            ]
            for item in items
        ]

    headers = ["", "prospects called (30 days)", "contact rate", "called from a local number",
               "answered calls from a local number", "numbers held", ""]  # fmt: skip
    return (
        "<p>Calls of the last 30 days by the prospect's area code, against the numbers held "
        "there. <em>Local</em>: the caller ID had the prospect's area code.</p>"
        "<h2>By state</h2>"
        + table(["state", *headers[1:]], rows(by_state, "state"), id_="by-state")
        + "<h2>By area code</h2>"
        + table(["area code", *headers[1:]], rows(by_area, "area_code"), id_="by-area")
    )


def planner_form(query: Mapping[str, str]) -> str:
    return (
        '<form method="get" action="/console/planner" class="filters">'
        + field("From", text_input("date_start", query.get("date_start", ""), kind="date"))
        + field("To", text_input("date_end", query.get("date_end", ""), kind="date"))
        + field(
            "Dials a day per number",
            select(
                "daily_dials_target",
                [("BETTER", "BETTER (75)"), ("BEST", "BEST (50)"), ("GOOD", "GOOD (100)")],
                query.get("daily_dials_target", "BETTER"),
            ),
        )
        + field(
            "Group by",
            select(
                "group_by",
                [
                    ("area_code", "prospect area code"),
                    ("ani", "number's area code"),
                    ("zip", "prospect ZIP"),
                ],
                query.get("group_by", "area_code"),
            ),
        )
        + field("Campaigns (comma-separated)", text_input("campaigns", query.get("campaigns", "")))
        + '<button type="submit" id="plan">Plan</button></form>'
    )


def _difference_class(difference: int) -> str:
    return "buy" if difference > 0 else "surplus" if difference < 0 else ""


def planner(body: Mapping[str, Any], query: Mapping[str, str]) -> str:
    regions = body["regions"]
    rows = [
        [
            esc(r["region"]),
            esc(r["state"]),
            f"{r['dials']:,}",
            rate(r["contact_rate"]),
            str(r["daily_dials_average"]),
            str(r["current"]),
            str(r["proposed"]),
            f'<span class="{_difference_class(r["difference"])}">{r["difference"]:+d}</span>',
            str(r["healthy_capacity"]),
            f"{r['one_more_number_contacts_per_day']:.1f}",
        ]
        for r in regions
    ]
    totals = body["totals"]
    best = ", ".join(
        f"{esc(b['region'])} (+{b['one_more_number_contacts_per_day']:.1f} contacts a day)"
        for b in body["best_additions"]
    )
    return (
        planner_form(query) + f"<p>{esc(body['date_start'])} to {esc(body['date_end'])}: "
        f"{body['business_days']} business days at {body['daily_dials_target']} dials a day per "
        f"number. Held {totals['current']:,}, proposed {totals['proposed']:,}, difference "
        f"{totals['difference']:+,}. "
        f'<a id="plan-csv" href="{esc(url("/console/planner.csv", query))}">Download as CSV</a></p>'
        + (
            f'<p class="card" id="best-additions">One more number would earn most in: {best}</p>'
            if best
            else ""
        )
        + table(
            [
                "region",
                "state",
                "dials",
                "contact rate",
                "dials a business day",
                "held",
                "proposed",
                "difference",
                "healthy capacity",
                "contacts a day from one more",
            ],
            rows,
            id_="plan",
        )
    )


def import_form(csrf: str) -> str:
    return (
        '<form method="post" action="/console/numbers/import" enctype="multipart/form-data" '
        f'class="card">{hidden("csrf", csrf)}'
        "<p>CSV with a header row: <code>country_code, number, inbound_group_id, is_branded, "
        "brand_name, carrier_id</code>, or VICIdial's <code>areacode, outbound_cid, description, "
        "active</code>. Loading the same file twice changes nothing.</p>"
        + field("File", '<input type="file" name="file" id="file" accept=".csv,text/csv" required>')
        + field("Inbound group for rows without one", text_input("inbound_group_id"))
        + field("Check only", '<input type="checkbox" name="dry_run" value="true">')
        + '<button type="submit" id="upload">Load</button></form>'
    )


def import_report(report: Mapping[str, Any], csrf: str) -> str:
    shown = [r for r in report["report"] if r["outcome"] != "unchanged"][:1000]
    rows = [
        [
            str(r["line"]),
            f'<span class="outcome {esc(r["outcome"])}">{esc(r["outcome"])}</span>',
            esc(r["country_code"]),
            esc(r["number"]),
            esc("; ".join(f"{k}: {v}" for k, v in (r.get("fields") or {}).items())),
            esc("; ".join(r.get("warnings") or [])),
        ]
        for r in shown
    ]
    summary = (
        f'<p class="card" id="import-summary">{"Checked" if report["dry_run"] else "Loaded"} '
        f"{report['rows']:,} rows ({esc(report['layout'])} layout): "
        f"{report['created']:,} created, {report['updated']:,} updated, "
        f"{report['unchanged']:,} unchanged, {report['error']:,} in error.</p>"
    )
    return (
        summary
        + table(["line", "outcome", "country", "number", "errors", "warnings"], rows, id_="report")
        + import_form(csrf)
    )


def audit(items: Sequence[Mapping[str, Any]], next_cursor: str | None, resource: str) -> str:
    rows = [
        [
            esc(item["at"]),
            esc(item["key_id"] or "system"),
            esc(item["action"]),
            esc(item["resource"]),
            esc(item["id"]),
            f"<code>{esc(json.dumps(item['changes'], default=str))[:300]}</code>",
        ]
        for item in items
    ]
    pager = ""
    if next_cursor is not None:
        pager = (
            f'<p class="pager"><a href="'
            f'{esc(url("/console/audit", {"resource": resource, "cursor": next_cursor}))}">'
            "Older</a></p>"
        )
    resources = [
        ("", "everything"),
        *((r, r) for r in ("ani", "campaign", "disposition", "settings", "webhook")),
    ]
    return (
        '<form method="get" action="/console/audit" class="filters">'
        + field("Show", select("resource", resources, resource))
        + '<button type="submit">Show</button></form>'
        + table(["when", "key", "action", "what", "id", "changes"], rows, id_="audit")
        + pager
    )

"""HTML building blocks of the console: escaping, the page frame, tables, forms, a chart.

Everything is rendered on the server; every value passes through ``esc`` on its way in.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

NAV = (
    ("overview", "/console/", "Overview"),
    ("numbers", "/console/numbers", "Numbers"),
    ("coverage", "/console/coverage", "Coverage"),
    ("planner", "/console/planner", "Planner"),
    ("campaigns", "/console/campaigns", "Campaigns"),
    ("dispositions", "/console/dispositions", "Dispositions"),
    ("audit", "/console/audit", "Audit log"),
    ("settings", "/console/settings", "Settings"),
)


def esc(value: Any) -> str:
    if value is None:
        return ""
    return html.escape(str(value), quote=True)


def url(path: str, params: Mapping[str, Any] | None = None) -> str:
    query = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    return f"{path}?{urlencode(query)}" if query else path


def frame(title: str, body: str, *, active: str = "", company: str | None = None,
          csrf: str | None = None, notice: str | None = None,
          error: str | None = None) -> str:  # fmt: skip
    """A whole page; the navigation and the sign-out button only when signed in."""
    header = ""
    if company is not None and csrf is not None:
        links = "".join(
            f'<a href="{href}"{" class=active" if name == active else ""}>{esc(label)}</a>'
            for name, href, label in NAV
        )
        header = (
            f'<header><span class="brand">openani</span><nav>{links}</nav>'
            f'<span class="company">{esc(company)}</span>'
            f'<form method="post" action="/console/sign-out">{hidden("csrf", csrf)}'
            '<button type="submit" id="sign-out">Sign out</button></form></header>'
        )
    flash = ""
    if notice:
        flash += f'<p class="notice" role="status">{esc(notice)}</p>'
    if error:
        flash += f'<p class="error" role="alert">{esc(error)}</p>'
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} · openani</title>"
        '<link rel="stylesheet" href="/console/static/console.css">'
        '<script src="/console/static/console.js" defer></script></head>'
        f"<body>{header}<main><h1>{esc(title)}</h1>{flash}{body}</main></body></html>"
    )


def hidden(name: str, value: Any) -> str:
    return f'<input type="hidden" name="{esc(name)}" value="{esc(value)}">'


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, id_: str = "") -> str:
    """``rows`` hold HTML already escaped (cells may carry links and forms)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    if not body:
        body = f'<tr><td colspan="{len(headers)}" class="empty">Nothing here yet.</td></tr>'
    ident = f' id="{esc(id_)}"' if id_ else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def select(name: str, options: Sequence[tuple[str, str]], chosen: Any = None) -> str:
    items = "".join(
        f'<option value="{esc(value)}"{" selected" if str(chosen) == value else ""}>'
        f"{esc(label)}</option>"
        for value, label in options
    )
    return f'<select name="{esc(name)}" id="{esc(name)}">{items}</select>'


def field(label: str, control: str) -> str:
    return f"<label>{esc(label)} {control}</label>"


def text_input(name: str, value: Any = "", *, kind: str = "text", extra: str = "") -> str:
    return f'<input type="{kind}" name="{esc(name)}" id="{esc(name)}" value="{esc(value)}"{extra}>'


def rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def percent(numerator: int, denominator: int) -> float | None:
    return 100.0 * numerator / denominator if denominator else None


@dataclass(frozen=True, slots=True)
class Day:
    day: str
    dials: int
    contacts: int


def chart(days: Sequence[Day], *, title: str) -> str:
    """Dials per day as bars and the contact rate as a line, in inline SVG."""
    width, height, pad = 720, 180, 30
    if not days:
        return f'<p class="empty">{esc(title)}: no calls in this period.</p>'
    most = max(max(d.dials for d in days), 1)
    step = (width - 2 * pad) / len(days)
    bars, points = [], []
    for i, d in enumerate(days):
        x = pad + i * step
        h = (height - 2 * pad) * d.dials / most
        bars.append(
            f'<rect x="{x + 1:.1f}" y="{height - pad - h:.1f}" width="{max(step - 2, 1):.1f}" '
            f'height="{h:.1f}"><title>{esc(d.day)}: {d.dials} dials, {d.contacts} contacts'
            "</title></rect>"
        )
        r = percent(d.contacts, d.dials)
        if r is not None:
            y = height - pad - (height - 2 * pad) * r / 100
            points.append(f"{x + step / 2:.1f},{y:.1f}")
    line = f'<polyline class="rate" points="{" ".join(points)}"/>' if points else ""
    first, last = esc(days[0].day), esc(days[-1].day)
    return (
        f'<figure class="chart"><svg viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{esc(title)}">'
        f'<g class="bars">{"".join(bars)}</g>{line}'
        f'<text x="{pad}" y="{height - 8}">{first}</text>'
        f'<text x="{width - pad}" y="{height - 8}" text-anchor="end">{last}</text>'
        f'<text x="{pad}" y="16">{most} dials</text></svg>'
        f"<figcaption>{esc(title)}: bars dials a day, line contact rate (0-100%)</figcaption>"
        "</figure>"
    )

"""/netwerk: the referral network for coordinators (and admins). Aggregates only, from
NetworkService: key figures, the headline figures per month, the network as a picture laid out
here as SVG (``network_picture``) with tables beside it, who refers to whom, bar charts per month,
and the same figures as CSV (``/netwerk/cijfers.csv``). Counts from 1 to 4 (and 0) show as "<5".
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, render_template, request
from werkzeug.exceptions import BadRequest

from socialekaart.places.codes import CBS_CODE_PATTERNS
from socialekaart.referrals.figures import THRESHOLD
from socialekaart.referrals.lifecycle import DECLINE_REASONS, OUTCOMES
from socialekaart.shared import taxonomy
from socialekaart.shared.clock import parse_iso
from socialekaart.shared.errors import ValidationError
from socialekaart.shared.hours import LOCAL_TZ
from web.api.network.exports import network_csv, network_filename
from web.bootstrap import referral_runtime
from web.pages.network_picture import layout
from web.pages.session import current_account, login_required, protect_forms, register_page_errors

bp = Blueprint("network_pages", __name__, template_folder="../templates")
protect_forms(bp)
register_page_errors(bp)

GEMEENTE = CBS_CODE_PATTERNS["gemeente"]
MONTH_NAMES = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
# The bar chart's drawing area (SVG user units; the CSS scales it to the page width).
CHART_WIDTH, CHART_HEIGHT, CHART_TOP, CHART_BOTTOM, CHART_LEFT = 720, 200, 16, 36, 8


def _rr():
    return referral_runtime(current_app._get_current_object())


# -- numbers as text ---------------------------------------------------------------------------
def count_text(value: int | None) -> str:
    """A count; a suppressed one (under 5, zero too, or what would reveal one) is '<5'."""
    return f"<{THRESHOLD}" if value is None else f"{value:,}".replace(",", ".")


def rate_text(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def hours_text(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 48:
        return f"{value:.0f} uur"
    return f"{value / 24:.1f} dagen".replace(".", ",")


# -- the month charts --------------------------------------------------------------------------
def months_between(start: datetime, end: datetime) -> list[str]:
    """'YYYY-MM' of every local month the half-open period [start, end) touches."""
    first = start.astimezone(LOCAL_TZ)
    last = (end - timedelta(microseconds=1)).astimezone(LOCAL_TZ)
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_chart(groups: list[dict[str, Any]], months: list[str], key: str) -> dict[str, Any]:
    """Bars for one figure (``referrals`` or ``accepted``) per month, positioned for an SVG.

    A month not in the groups (fewer than 5, zero too, or pooled under 'overig') and a suppressed
    value are drawn as a dashed bar of height 4 and labelled '<5', so the chart never tells more
    than the tables."""
    by_month = {g["key"]: g for g in groups}
    values: list[int | None] = []
    for month in months:
        group = by_month.get(month)
        if group is None or group.get("suppressed"):
            values.append(None)
        else:
            values.append(group.get(key))
    top = max([v for v in values if v is not None] + [THRESHOLD])
    plot = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    step = (CHART_WIDTH - CHART_LEFT) / max(1, len(months))
    bars = []
    for i, (month, value) in enumerate(zip(months, values)):
        shown = THRESHOLD - 1 if value is None else value
        height = round(plot * shown / top, 1)
        year, number = int(month[:4]), int(month[5:])
        bars.append({"month": month, "value": value, "text": count_text(value), "suppressed": value is None,
                     "x": round(CHART_LEFT + i * step + step * 0.15, 1), "width": round(step * 0.7, 1),
                     "y": round(CHART_TOP + plot - height, 1), "height": height,
                     "label": MONTH_NAMES[number - 1], "year": year if number == 1 or i == 0 else None,
                     "label_x": round(CHART_LEFT + i * step + step / 2, 1),
                     "long": f"{MONTH_NAMES[number - 1]} {year}"})
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT, "base_y": CHART_TOP + plot,
            "top": top, "show_values": len(months) <= 24}


# -- the page ----------------------------------------------------------------------------------
def _filters() -> tuple[dict[str, Any], dict[str, str]]:
    args, problems = {"gemeente": None, "since": None, "until": None, "leefgebied": None}, {}
    gemeente = request.args.get("gemeente", "").strip()
    if gemeente:
        if GEMEENTE.match(gemeente):
            args["gemeente"] = gemeente
        else:
            problems["gemeente"] = "Kies een gemeente uit de lijst."
    leefgebied = request.args.get("leefgebied", "").strip()
    if leefgebied:
        if leefgebied in taxonomy.LIFE_DOMAIN_BY_CODE:
            args["leefgebied"] = leefgebied
        else:
            problems["leefgebied"] = "Kies een leefgebied uit de lijst."
    for name, key in (("van", "since"), ("tot", "until")):
        raw = request.args.get(name, "").strip()
        if raw:
            try:
                args[key] = date.fromisoformat(raw)
            except ValueError:
                problems[name] = "Geef een datum als JJJJ-MM-DD, bijvoorbeeld 2026-01-31."
    return args, problems


def _gemeente_choices(actor) -> list[tuple[str, str]]:
    scope = _rr().network.scope(actor)
    catalog = _rr().runtime.catalog
    codes = scope.gemeenten if scope.gemeenten is not None else [a.code for a in catalog.areas(kind="gemeente")]
    index = catalog.area_index()
    return sorted(((code, (index.area(code) or {}).get("name") or code) for code in codes), key=lambda c: c[1])


@bp.get("/netwerk")
@login_required(roles=("coordinator", "admin"))
def network():
    actor = current_account()
    args, problems = _filters()
    gemeenten = _gemeente_choices(actor)
    figures = None
    if not problems:
        try:
            figures = _figures(actor, args)
        except ValidationError as error:
            field = {"from": "van", "until": "tot", "leefgebied": "leefgebied"}.get(error.field or "", "gemeente")
            problems[field] = error.message
    status = 400 if problems else 200
    return render_template("network.html", args=args, problems=problems, gemeenten=gemeenten, f=figures,
                           count_text=count_text, rate_text=rate_text, hours_text=hours_text,
                           decline_reasons=DECLINE_REASONS, outcomes=OUTCOMES, threshold=THRESHOLD,
                           life_domains=taxonomy.LIFE_DOMAINS, rungs=taxonomy.RUNG_BY_CODE,
                           active="netwerk"), status


@bp.get("/netwerk/cijfers.csv")
@login_required(roles=("coordinator", "admin"))
def network_download():
    """The network's figures as CSV: the same publication as the page for the same filters."""
    args, problems = _filters()
    if problems:
        raise BadRequest(" ".join(problems.values()))
    view = _rr().network.network(current_account(), **args)
    return network_csv(view, network_filename(view))


def _figures(actor, args: dict[str, Any]) -> dict[str, Any]:
    # One protected publication for all of it: counted once, and consistent by construction.
    network = _rr().network
    overview = network.overview(actor, group_bys=("total", "month", "partner", "leefgebied"), **args)
    total, by_month, by_partner, by_domain = (overview["figures"][g] for g in ("total", "month", "partner",
                                                                              "leefgebied"))
    flows = overview["flows"]
    graph = network.graph_of(overview)
    months = months_between(parse_iso(total["period"]["from"]), parse_iso(total["period"]["until"]))
    index = _rr().runtime.catalog.area_index()
    return {
        "period": total["period"], "total": total["total"], "closure_days": total["closureDays"],
        "partners": by_partner["groups"], "domains": by_domain["groups"],
        "charts": {"referrals": month_chart(by_month["groups"], months, "referrals"),
                   "accepted": month_chart(by_month["groups"], months, "accepted")},
        "flows": flows, "graph": graph, "picture": layout(graph["nodes"], graph["edges"]),
        "names": {o["id"]: o["name"] for o in graph["nodes"]},
        "gemeente_names": {g["gemeente"]: (index.area(g["gemeente"]) or {}).get("name") or g["gemeente"]
                           for g in graph["rarelyReferredTo"]}
        | {n["gemeente"]: (index.area(n["gemeente"]) or {}).get("name") or n["gemeente"]
           for n in graph["nodes"] + graph["informalWithoutFormalLink"]},
    }

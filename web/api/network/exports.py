"""The referral network (``NetworkService.network``) as CSV, for a spreadsheet: the same numbers as
the JSON and the page, one figure per row (``onderdeel;sleutel;naam;cijfer;waarde``).

Like the other exports: ``;`` between cells, decimal comma, a BOM so Excel reads UTF-8, and no cell
a spreadsheet would run as a formula. A hidden count reads "<5"; a share or median that is not
given (it would rest on a hidden count) is empty.
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterator

from flask import Response

from importers.exports import CSV_DELIMITER, neutralise
from socialekaart.referrals.disclosure import THRESHOLD

CSV = "text/csv"
COLUMNS = ("onderdeel", "sleutel", "naam", "cijfer", "waarde")
COUNTS = {"referrals", "formalToInformal", "informalToFormal", "count"}  # hidden: "<5"
HEADLINE = ("referrals", "socialeBasisShare", "formalToInformal", "informalToFormal", "loopClosureRate")
PARTNER = ("referrals", "loopClosureRate", "medianHoursToReceived", "medianHoursToAccepted", "medianHoursToStarted")


def value_text(name: str, value: Any) -> str:
    if value is None:
        return f"<{THRESHOLD}" if name in COUNTS else ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return neutralise(str(value))


def network_rows(view: dict[str, Any]) -> Iterator[tuple[str, str, str, str, Any]]:
    """(onderdeel, sleutel, naam, cijfer, value) for every figure of the view."""
    for row in view["headline"]:
        for name in HEADLINE:
            # A month without figures of its own (under 5, or in "overig") is empty, not "<5".
            yield "kerncijfers", row["key"], row["label"], name, row[name] if row["shown"] else ""
    names = {node["id"]: node["name"] for node in view["nodes"]}
    for node in view["nodes"]:
        for name in ("formal", "rung", "gemeente", "bridge"):
            yield "organisatie", node["id"], node["name"], name, node[name]
    for edge in view["edges"]:
        yield ("stroom", f"{edge['from']} > {edge['to']}", f"{names[edge['from']]} > {names[edge['to']]}", "count",
               edge["count"])
    for group in view["rarelyReferredTo"]:
        for partner in group["partners"]:
            yield "weinig-verwezen", partner["id"], partner["name"], "gemeente", group["gemeente"]
            yield "weinig-verwezen", partner["id"], partner["name"], "formal", partner["formal"]
    for partner in view["informalWithoutFormalLink"]:
        yield "informeel-zonder-formele-stroom", partner["id"], partner["name"], "gemeente", partner["gemeente"]
    for partner in view["partners"]:
        for name in PARTNER:
            yield "partner", partner["key"], partner["label"], name, partner[name]


def network_csv(view: dict[str, Any], filename: str) -> Response:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for part, key, label, name, value in network_rows(view):
        writer.writerow([part, neutralise(key), neutralise(label or ""), name, value_text(name, value)])
    response = Response(out.getvalue(), mimetype=CSV)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def network_filename(view: dict[str, Any]) -> str:
    scope = view["scope"]
    area = scope.get("wijk") or ("-".join(scope["gemeenten"]) if scope.get("gemeenten") else "alles")
    if len(area) > 40:
        area = "gebied"
    parts = ["netwerk", area, view["headline"][0]["key"]]
    if scope.get("leefgebied"):
        parts.append(scope["leefgebied"])
    return "-".join(parts) + ".csv"

"""/inventarisatie: the dashboard of the lokale inventarisatie, for coordinators (and admins) signed
in on the pages (``web.pages.session``).

- ``/inventarisatie``: the page; its script draws the map, the charts, the gap list and the table.
- ``/inventarisatie/gegevens``: the figures the script reads (JSON): coverage of the area and the
  areas in it for one leefgebied, its top gaps and the map.
- ``/inventarisatie/download/<bestand>``: the exports as plain links (CSV, GeoJSON, the report as HTML
  and as PDF for the chosen area and leefgebied).

Who sees what is the coverage service's rule (a coordinator its own gemeenten or regio; aggregates
only). The API (/api/v1/coverage, /api/v1/gaps) gives the same with a personal access token.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from socialekaart.places.codes import area_kind_of
from socialekaart.shared import taxonomy
from socialekaart.shared.errors import SocialeKaartError
from web.api.coverage.exports import (
    coverage_csv,
    coverage_geojson,
    coverage_report,
    gaps_csv,
    geojson_body,
    map_codes,
    report_map_codes,
)
from web.api.coverage.shaping import coverage_body, gaps_body
from web.bootstrap import coverage_service, current_runtime
from web.pages.session import current_account, login_required, register_page_errors
from web.problems import STATUS_FOR, problem

bp = Blueprint("dashboard", __name__, url_prefix="/inventarisatie", template_folder="../templates")
register_page_errors(bp)

ROLES = ("coordinator", "admin")
DEFAULT_LIFE_DOMAIN = "sociaal-netwerk"
TOP_GAPS = 10
DOWNLOADS = ("cijfers.csv", "knelpunten.csv", "kaart.geojson", "rapport.html", "rapport.pdf")


def _service():
    return coverage_service(current_app._get_current_object())


def _choice() -> tuple[str | None, str]:
    """The area (None: the account's own) and leefgebied asked for; unknown values are ignored."""
    area = request.args.get("gebied", "")
    domain = request.args.get("leefgebied", "")
    return (area if area_kind_of(area) else None,
            domain if domain in taxonomy.LIFE_DOMAIN_BY_CODE else DEFAULT_LIFE_DOMAIN)


@bp.get("")
@login_required(roles=ROLES)
def dashboard():
    area, domain = _choice()
    settings = current_runtime().settings
    return render_template(
        "dashboard.html", active="inventarisatie",
        life_domains=[(t.code, t.label) for t in taxonomy.LIFE_DOMAINS], start_area=area or "",
        start_domain=domain, tile_url=settings.tile_url or "",
        reach_km=f"{settings.reach_threshold_m / 1000:g}".replace(".", ","))


@bp.get("/gegevens")
def data():
    """For the page's script: JSON, with errors as problem+json (401 when the session is gone)."""
    account = current_account()
    if account is None:
        return problem(401, "U bent niet (meer) aangemeld. Laad de pagina opnieuw en meld u aan.")
    area, domain = _choice()
    only_domain = request.args.get("alleenLeefgebied", "1") != "0"
    service = _service()
    try:
        view = service.area_view(account, area=area, life_domains=[domain])
        code, gaps, analysis = service.gaps(account, area=view.area.code,
                                           life_domains=[domain] if only_domain else (), analysis=view.analysis)
        geometries = service.geometries(map_codes(view))
    except SocialeKaartError as error:
        status = next((s for kind, s in STATUS_FOR.items() if isinstance(error, kind)), 500)
        return problem(status, error.message)
    return jsonify({"coverage": coverage_body(view), "gaps": gaps_body(analysis, code, gaps, 1, TOP_GAPS),
                    "map": geojson_body(view, geometries)})


@bp.get("/download/<any(" + ", ".join(f"'{name}'" for name in DOWNLOADS) + "):name>")
@login_required(roles=ROLES)
def download(name: str):
    area, domain = _choice()
    service = _service()
    account = current_account()
    if name == "kaart.geojson":
        view = service.area_view(account, area=area, life_domains=[domain])
        return coverage_geojson(view, service.geometries(map_codes(view)))
    if name.startswith("rapport."):  # the report of the leefgebied on screen
        view = service.area_view(account, area=area, life_domains=[domain])
        _code, gaps, _analysis = service.gaps(account, area=view.area.code, life_domains=[domain],
                                              analysis=view.analysis)
        return coverage_report(view, gaps, service.geometries(report_map_codes(view)), pdf=name == "rapport.pdf")
    view = service.area_view(account, area=area)
    if name == "cijfers.csv":
        return coverage_csv(view)
    code, gaps, _analysis = service.gaps(account, area=view.area.code, analysis=view.analysis)
    return gaps_csv(code, gaps)

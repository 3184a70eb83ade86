"""Views of the public pages. The search works without JavaScript; the map is an extra."""
from __future__ import annotations

import logging

import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from flask import redirect, render_template, request, send_from_directory, url_for
from werkzeug.exceptions import HTTPException

from socialekaart.places.nearest import NearestPostcode
from socialekaart.shared import taxonomy
from socialekaart.shared.errors import NotFound, StoreCorrupt, StoreUnavailable, ValidationError
from socialekaart.shared.hours import now_local
from socialekaart.shared.validation import ID_PATTERN
from web.bootstrap import current_runtime
from web.pages import bp, formatting
from web.pages.cards import map_point, service_card
from web.pages.finder import DISTANCES_KM, TOPICS, SearchForm, form_was_sent, run_search
from web.pages.public import crisis_of, national_lines, outside_region_of

log = logging.getLogger(__name__)
VENDOR_DIRS = {"leaflet": xstatic.pkg.leaflet.BASE_DIR,
               "leaflet-markercluster": xstatic.pkg.leaflet_markercluster.BASE_DIR}
VENDOR_MAX_AGE = 7 * 24 * 3600


def _runtime():
    return current_runtime()


_NEAREST: list[NearestPostcode] = []


def nearest_postcode() -> NearestPostcode:
    """One lookup for the process: the tables are read once, on first use."""
    if not _NEAREST:
        _NEAREST.append(NearestPostcode())
    return _NEAREST[0]


@bp.context_processor
def text_helpers() -> dict:
    """Small text helpers the templates use."""
    return {"national_lines": national_lines(), "count_text": formatting.count_text,
            "postcode_text": formatting.postcode_text,
            "phone_href": formatting.phone_href, "website_text": formatting.website_text,
            "first_upper": formatting.first_upper,
            "target_group_label": lambda code: taxonomy.TARGET_GROUP_BY_CODE[code].label}


def _default_km() -> int:
    return max(1, round(_runtime().settings.search_radius_default / 1000))


def _distances() -> tuple[int, ...]:
    """The distances to choose from, always with the configured default among them."""
    return tuple(sorted({*DISTANCES_KM, _default_km()}))


def _choices() -> dict:
    """What the form offers: doelgroepen (not 'iedereen', that is the empty choice) and distances."""
    groups = [(t.code, t.label) for t in taxonomy.TARGET_GROUPS if t.code != "iedereen"]
    return {"target_groups": groups, "distances": _distances(), "topics": TOPICS, "default_km": _default_km()}


def _map_data(cards: list[dict], link_args: dict, *, origin=None, gemeente: str | None = None,
              wijk: str | None = None, radius_m: int | None = None) -> dict:
    """The data block the map script reads: plain JSON, no executable inline script."""
    points = [map_point(card, url_for("pages.service", service_id=card["id"], **link_args)) for card in cards]
    return {
        "points": [p for p in points if p],
        "origin": {"lat": origin.lat, "lon": origin.lon, "label": f"Uw postcode {origin.postcode}"}
        if origin else None,
        "wijk": wijk,
        "radiusM": radius_m if origin else None,
        "areasUrl": f"/api/v1/areas?kind=wijk&parent={gemeente}&format=geojson" if gemeente else None,
        "tileUrl": _runtime().settings.tile_url or None,
    }


@bp.get("/")
def search():
    form, problems = SearchForm.from_args(request.args, _distances())
    outcome = None
    # The form sent without a postcode and without words: a friendly word instead of the same page again.
    empty_search = form_was_sent(request.args) and not form.what_or_where and not problems
    if form.submitted and not problems and not empty_search:
        try:
            outcome = run_search(_runtime().catalog, form)
        except (ValidationError, NotFound) as error:
            problems[error.field if error.field in ("postcode", "vraag") else "algemeen"] = error.message
    crisis = crisis_of(form.vraag, outcome.page if outcome else None)
    outside = outside_region_of(outcome.page) if outcome else None
    map_data = None
    if outcome is not None and outcome.cards and outside is None:
        place = outcome.place
        map_data = _map_data(outcome.cards, form.args(), origin=outcome.origin,
                             gemeente=place.gemeente_code if place else None, wijk=place.wijk_code if place else None,
                             radius_m=outcome.radius_m)
    status = 400 if problems else 200
    share_url = url_for("pages.search", _external=True, **form.args(pagina=1)) if outcome else None
    return render_template("search.html", form=form, problems=problems, outcome=outcome, map_data=map_data,
                           empty_search=empty_search, crisis=crisis, outside=outside, share_url=share_url,
                           **_choices()), status


@bp.get("/mijn-locatie")
def my_location():
    """'Gebruik mijn locatie': the browser's point becomes the nearest postcode, computed here from the
    shipped tables, and the search runs with that postcode. The point itself is not kept or sent on."""
    form, _ = SearchForm.from_args(request.args, _distances())
    try:
        lat = float(request.args.get("lat", ""))
        lon = float(request.args.get("lon", ""))
    except ValueError:
        lat = lon = float("nan")
    try:
        found = nearest_postcode().nearest(lat, lon)
    except (ValidationError, NotFound) as error:
        problems = {"postcode": error.message}
        return render_template("search.html", form=form, problems=problems, outcome=None, map_data=None,
                               empty_search=False, crisis=None, outside=None, share_url=None, **_choices()), 400
    return redirect(url_for("pages.search", **form.args(postcode=found.postcode, pagina=1)), 303)


@bp.get("/hulp/<service_id>")
def service(service_id: str):
    back, _ = SearchForm.from_args(request.args, _distances())
    if not ID_PATTERN.match(service_id):
        return _not_found()
    catalog = _runtime().catalog
    try:
        found = catalog.service(service_id)
    except NotFound:
        return _not_found()
    card = service_card(found, now=now_local())
    serves = _werkgebied(catalog, card["serves"])
    map_data = None
    if card["position"]:
        map_data = _map_data([card], {}, gemeente=found.gemeente_code,
                             wijk=found.wijk_code)
    return render_template("service.html", card=card, serves=serves, map_data=map_data,
                           back_args=back.args() if back.submitted else None)


def _werkgebied(catalog, codes: list[str]) -> list[str]:
    """Names of the areas a service serves; all wijken of a gemeente read as 'heel Goes'."""
    index = catalog.area_index()

    def name(code: str) -> str:
        return (index.area(code) or {}).get("name") or code

    wijken_by_gemeente: dict[str, set[str]] = {}
    for code in codes:
        if code.startswith("WK"):
            wijken_by_gemeente.setdefault(f"GM{code[2:6]}", set()).add(code)
    whole = {code for code in codes if code.startswith("GM")}
    for gemeente, wijken in wijken_by_gemeente.items():
        try:
            all_wijken = {area.code for area in catalog.areas(kind="wijk", parent=gemeente)}
        except NotFound:
            continue
        if all_wijken and all_wijken <= wijken:
            whole.add(gemeente)
    names = [f"heel {name(code)}" for code in sorted(whole)]
    names += [name(code) for code in codes if not code.startswith("GM") and f"GM{code[2:6]}" not in whole]
    return names


def _not_found():
    return render_template("not_found.html"), 404


@bp.get("/static/vendor/<any(leaflet, 'leaflet-markercluster'):package>/<path:filename>")
def vendor(package: str, filename: str):
    """Leaflet and its marker clusters from the installed xstatic wheels: no CDN, no copies."""
    return send_from_directory(VENDOR_DIRS[package], filename, max_age=VENDOR_MAX_AGE)


@bp.errorhandler(StoreUnavailable)
@bp.errorhandler(StoreCorrupt)
def store_down(error):
    log.warning("store problem on %s: %s", request.path, error.message)
    return render_template("error.html", status=503), 503, {"Retry-After": "30"}


@bp.errorhandler(Exception)
def unexpected(error):
    if isinstance(error, HTTPException):
        if error.code == 404:
            return _not_found()
        return render_template("error.html", status=error.code), error.code
    log.exception("unexpected error on %s", request.path)
    return render_template("error.html", status=500), 500

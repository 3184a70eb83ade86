"""The Open Referral HSDS 3.0 read API under /hsds, with the HSDS names so HSDS clients work.

Views stay short: check the parameters, read through the catalog's ``HsdsReads`` (paging in the
store), map with ``socialekaart.catalog.hsds``. Errors are domain errors; web/problems.py answers them as problem+json.
"""
from __future__ import annotations

from importlib import resources
from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from socialekaart.catalog import hsds
from socialekaart.catalog.ports import HsdsReads
from socialekaart.catalog.records import HsdsService
from socialekaart.catalog.search import ServiceFilter, search_words
from socialekaart.shared import taxonomy
from socialekaart.shared.errors import NotFound
from socialekaart.shared.paging import page_count, skip_for
from web.bootstrap import current_runtime
from web.hsds.schemas import (
    HsdsArgsSchema,
    OrganizationArgsSchema,
    OrganizationListArgsSchema,
    SearchArgsSchema,
    ServiceFilterArgsSchema,
    ServiceListArgsSchema,
    TaxonomyTermArgsSchema,
    load_args,
)

bp = Blueprint("hsds", __name__, url_prefix="/hsds")
SERVICE_LIST_ARGS = ServiceListArgsSchema()  # one for all requests: building it costs more than loading


def _runtime():
    return current_runtime()


def _reads() -> HsdsReads:
    return current_runtime().hsds_reads


def page_body(total: int, page: int, per_page: int, contents: list[dict[str, Any]]) -> dict[str, Any]:
    """The HSDS Page fields around one page of results."""
    pages = page_count(total, per_page)
    return {"total_items": total, "total_pages": pages, "page_number": page, "size": len(contents),
            "first_page": page == 1, "last_page": page >= pages, "empty": not contents, "contents": contents}


def _skip(args: dict[str, Any]) -> int:
    return skip_for(args["page"], args["per_page"])


# -- about this API ----------------------------------------------------------------------------------
@bp.get("/")
def root():
    load_args(HsdsArgsSchema(), request.args)
    return jsonify({"version": hsds.HSDS_VERSION, "profile": hsds.HSDS_PROFILE,
                    "openapi_url": url_for("hsds.openapi", _external=True)})


@bp.get("/openapi.json")
def openapi():
    text = resources.files("web.hsds").joinpath("openapi.json").read_text(encoding="utf-8")
    return Response(text, mimetype="application/json")


# -- services ----------------------------------------------------------------------------------------
def _service_filter(args: dict[str, Any], *, located_only: bool = False) -> ServiceFilter:
    catalog = _runtime().catalog
    point, radius, near = None, None, ()
    if args.get("postcode"):
        origin = catalog.locator.locate(args["postcode"])  # an unknown one: 404, as in /api/v1/services
        point = (origin.lat, origin.lon)
        radius = args.get("proximity") or catalog.default_radius
        placement = catalog.area_index().place(*point)
        near = tuple(placement.codes()) if placement else ()
    return ServiceFilter(
        words=tuple(search_words(args.get("search") or "")),
        term=hsds.parse_term_id(args["taxonomy_term_id"]) if args.get("taxonomy_term_id") else None,
        taxonomy=hsds.VOCABULARY_OF_TAXONOMY[args["taxonomy_id"]] if args.get("taxonomy_id") else None,
        organization_id=_reads().our_id("organization", args["organization_id"]) if args.get("organization_id")
        else None, modified_after=args.get("modified_after"),
        point=point, radius=radius, near_areas=near, located_only=located_only)


def _area_names(services: list[HsdsService]) -> dict[str, str]:
    codes = {code for s in services for code in s.serves}
    if not codes:
        return {}
    index = _runtime().catalog.area_index()
    return {code: area["name"] for code in codes if (area := index.area(code))}


@bp.get("/services")
def services():
    args = load_args(SERVICE_LIST_ARGS, request.args)
    f, skip = _service_filter(args), _skip(args)
    if args["minimal"]:
        total, stamps = _reads().service_stamps(f, skip=skip, limit=args["per_page"])
        contents = [hsds.minimal_service_to_hsds(s) for s in stamps]
    else:
        total, rows = _reads().search_services(f, skip=skip, limit=args["per_page"])
        names = _area_names(rows) if args["full"] else {}
        contents = [hsds.service_to_hsds(s, full=args["full"], area_names=names) for s in rows]
    return jsonify(page_body(total, args["page"], args["per_page"], contents))


@bp.get("/services/<string:service_id>")
def service(service_id: str):
    load_args(HsdsArgsSchema(), request.args)
    reads = _reads()
    found = reads.service(reads.our_id("service", service_id))
    if found is None:
        raise NotFound(f"Er is geen dienst met id {service_id[:80]!r}.", field="id")
    return jsonify(hsds.service_to_hsds(found, full=True, area_names=_area_names([found])))


@bp.get("/service_at_locations")
def service_at_locations():
    args = load_args(ServiceFilterArgsSchema(), request.args)
    total, rows = _reads().search_services(_service_filter(args, located_only=True), skip=_skip(args),
                                           limit=args["per_page"])
    contents = [hsds.service_at_location_to_hsds(s, full=args["full"]) for s in rows]
    return jsonify(page_body(total, args["page"], args["per_page"], [c for c in contents if c]))


@bp.get("/service_at_locations/<string:sal_id>")
def service_at_location(sal_id: str):
    load_args(HsdsArgsSchema(), request.args)
    reads = _reads()
    found = reads.service(reads.our_id("service_at_location", sal_id))
    body = hsds.service_at_location_to_hsds(found, full=True) if found else None
    if body is None:
        raise NotFound(f"Er is geen dienst op een locatie met id {sal_id[:80]!r}.", field="id")
    return jsonify(body)


# -- organisations -----------------------------------------------------------------------------------
@bp.get("/organizations")
def organizations():
    args = load_args(OrganizationListArgsSchema(), request.args)
    reads = _reads()
    total, rows = reads.search_organizations(words=tuple(search_words(args.get("search") or "")),
                                             skip=_skip(args), limit=args["per_page"])
    services_of = reads.services_of_organizations([o.id for o in rows]) \
        if args["full_service"] else {}
    contents = [hsds.organization_to_hsds(o, services_of.get(o.id) if args["full_service"] else None,
                                          full=args["full"], full_services=True) for o in rows]
    return jsonify(page_body(total, args["page"], args["per_page"], contents))


@bp.get("/organizations/<string:organization_id>")
def organization(organization_id: str):
    args = load_args(OrganizationArgsSchema(), request.args)
    reads = _reads()
    found = reads.organization(reads.our_id("organization", organization_id))
    if found is None:
        raise NotFound(f"Er is geen organisatie met id {organization_id[:80]!r}.", field="id")
    services_of = reads.services_of_organizations([found.id])
    return jsonify(hsds.organization_to_hsds(found, services_of[found.id], full=True,
                                             full_services=args["full_service"]))


# -- taxonomies: our vocabularies, fixed in code (a few dozen terms, so paged here) ------------------
def _matches(words: str | None, *texts: str) -> bool:
    if not words:
        return True
    haystack = taxonomy.fold(" ".join(texts))
    return all(word in haystack for word in taxonomy.fold(words).split())


def _static_page(items: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
    skip = _skip(args)
    return page_body(len(items), args["page"], args["per_page"], items[skip:skip + args["per_page"]])


@bp.get("/taxonomies")
def taxonomies():
    args = load_args(SearchArgsSchema(), request.args)
    items = [t for t in hsds.ALL_TAXONOMIES if _matches(args.get("search"), t["name"], t["description"])]
    return jsonify(_static_page(items, args))


@bp.get("/taxonomies/<string:taxonomy_id>")
def taxonomy_by_id(taxonomy_id: str):
    load_args(HsdsArgsSchema(), request.args)
    found = next((t for t in hsds.ALL_TAXONOMIES if taxonomy_id in (t["id"], t["uri"].rpartition("#")[2])), None)
    if found is None:
        raise NotFound(f"Er is geen taxonomie met id {taxonomy_id[:80]!r}.", field="id")
    return jsonify(found)


@bp.get("/taxonomy_terms")
def taxonomy_terms():
    args = load_args(TaxonomyTermArgsSchema(), request.args)
    items = [t for t in hsds.taxonomy_terms()
             if (not args.get("taxonomy_id") or t["taxonomy_id"] == hsds.taxonomy_uuid(args["taxonomy_id"]))
             # Our taxonomies are flat: no term has a parent, so every term is a top term.
             and (not args.get("parent_id") or t.get("parent_id") == args["parent_id"])
             and _matches(args.get("search"), t["code"], t["name"], t["description"])]
    return jsonify(_static_page(items, args))


@bp.get("/taxonomy_terms/<string:term_id>")
def taxonomy_term(term_id: str):
    load_args(HsdsArgsSchema(), request.args)
    if term_id in (hsds.OWN_ID_TERM["id"], hsds.OWN_ID_TERM["code"]):
        return jsonify(hsds.OWN_ID_TERM)
    parsed = hsds.parse_term_id(term_id)
    if parsed is None:
        raise NotFound(f"Er is geen term met id {term_id[:80]!r}.", field="id")
    return jsonify(hsds.taxonomy_term(*parsed))

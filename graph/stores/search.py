"""Cypher for service search, built from a ServiceQuery. Only fixed text and ``$parameters``."""
from __future__ import annotations

from typing import Any, Sequence

from graph.dialect import Dialect
from graph.schema import SERVICE_TEXT
from graph.stores.rows import columns, field_names
from socialekaart.catalog.records import ServiceDetail, ServiceRecord, StoredHit
from socialekaart.catalog.search import ServiceQuery

# What a search hit and a detail carry; the web layer shapes them further.
SERVICE_FIELDS = (
    ".id, .name, .description, .organization_id, .org_name, .org_kind, .formal, .rung, .rung_level, "
    ".life_domains, .target_groups, .age_min, .age_max, .cost, .free, .cost_note, .hours, .hours_text, "
    ".phone, .email, .website, .crisis_24h, .independent_support, .wait_weeks, .capacity_note, "
    ".confidential, .serves, .last_verified, .modified, .source, .address, .postcode, .city, "
    ".point_kind, .lat, .lon, .buurt_code, .buurt_name, .wijk_code, .wijk_name, .gemeente_code, .gemeente_name"
)


# What ranking the inwoner's words reads of each candidate (socialekaart.catalog.ranking): up to
# MAX_CANDIDATES rows, so only these columns; the page's services are read whole afterwards.
CANDIDATE_FIELDS = ".id, .name, .rung, .organization_id, .description, .org_name, .rung_level, " \
                   ".life_domains, .target_groups, .crisis_24h"

SERVICE_NAMES = field_names(SERVICE_FIELDS)
# Stored lists (null when never set) become tuples on the record.
LIST_FIELDS = frozenset({"life_domains", "target_groups", "hours", "serves"})


ORDERINGS = {
    # "zo licht als mogelijk": lightest fitting rung, then nearest, then best text match.
    "licht": "s.rung_level, effective, score DESC, s.name, s.id",
    "distance": "effective, s.rung_level, score DESC, s.name, s.id",
    "relevance": "score DESC, s.rung_level, effective, s.name, s.id",
    "name": "s.name, s.id",
}


def candidates(dialect: Dialect, params: dict[str, Any], *, words: tuple[str, ...] | list[str] = (),
               area_code: str | None = None, area_and_above: Sequence[str] = (), area_prefixes: Sequence[str] = (),
               point: tuple[float, float] | None = None, radius: int | None = None,
               near_areas: tuple[str, ...] = (), any_life_domains: Sequence[str] = (),
               any_target_groups: Sequence[str] = (), any_terms: Sequence[str] = ()) -> str:
    """The clause that yields ``s`` and ``score``: the services a search starts from, through an index.

    Only a quick superset: every condition (area, place, ...) is still applied after it, so the
    result is the same as starting from all services. An OR of an indexed field and a list
    predicate makes the store scan every service, hence the separate index-backed parts.
    """
    words = dialect.fulltext_words(words)
    if words:
        params["text"] = dialect.fulltext_expression(words)
        return f"{dialect.fulltext_call(SERVICE_TEXT, 'text')} WITH node AS s, score"
    parts: list[str] = []
    if area_code:
        # Located in the area (indexed property), or serving it, an area around it or one inside
        # it through the SERVES relationships (areas found by code range: the index answers that).
        location_prop = {"GM": "gemeente_code", "WK": "wijk_code", "BU": "buurt_code"}[area_code[:2]]
        params["fromArea"], params["fromAreaAndAbove"] = area_code, list(area_and_above)
        parts += [f"MATCH (s:Service) WHERE s.{location_prop} = $fromArea RETURN s",
                  "MATCH (a:Area)<-[:SERVES]-(s:Service) WHERE a.code IN $fromAreaAndAbove RETURN DISTINCT s"]
        for i, prefix in enumerate(area_prefixes):
            params[f"fromPrefix{i}"], params[f"toPrefix{i}"] = prefix, prefix_end(prefix)
            parts.append(f"MATCH (a:Area)<-[:SERVES]-(s:Service) WHERE a.code >= $fromPrefix{i} "
                         f"AND a.code < $toPrefix{i} RETURN DISTINCT s")
    elif point is not None:
        # Within the radius (the point index answers a plain distance condition), or serving the place.
        params["fromLat"], params["fromLon"] = point
        params["fromRadius"], params["fromNearAreas"] = radius, list(near_areas)
        here = "point({latitude: $fromLat, longitude: $fromLon})"
        parts += [f"MATCH (s:Service) WHERE {dialect.distance('s.point', here)} <= $fromRadius RETURN s",
                  "MATCH (a:Area)<-[:SERVES]-(s:Service) WHERE a.code IN $fromNearAreas RETURN DISTINCT s"]
    elif any_life_domains or any_target_groups or any_terms:
        # What the inwoner's words ask for: services linked to a recognised leefgebied or doelgroep
        # (through their relationships: no scan), and those whose text holds a key (one pass over
        # the stored lower-case text; a substring has no index on FalkorDB).
        if any_life_domains:
            params["fromDomains"] = list(any_life_domains)
            parts.append("MATCH (d:LifeDomain)<-[:ADDRESSES]-(s:Service) WHERE d.code IN $fromDomains RETURN s")
        if any_target_groups:
            params["fromGroups"] = list(any_target_groups)
            parts.append("MATCH (g:TargetGroup)<-[:FOR]-(s:Service) WHERE g.code IN $fromGroups RETURN s")
        if any_terms:
            params["fromTerms"] = list(any_terms)
            parts.append("MATCH (s:Service) WHERE any(t IN $fromTerms WHERE s.search_text CONTAINS t) RETURN s")
    if not parts:
        return "MATCH (s:Service) WITH s, 0.0 AS score"
    return f"CALL {{ {' UNION '.join(parts)} }} WITH s, 0.0 AS score"


def prefix_end(prefix: str) -> str:
    """The first string after every string that starts with ``prefix``: 'WK0664' -> 'WK0665'."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def place_clause(dialect: Dialect, params: dict[str, Any], point: tuple[float, float] | None, radius: int | None,
                 near_areas: tuple[str, ...]) -> str:
    """Near a place: within the radius, or serving the place through a werkgebied, which counts as
    right here (distance 0). Carries ``s, score, dist, servesArea, effective``; the same for the
    search API and the HSDS API."""
    if point is None:
        return " WITH s, score, null AS dist, false AS servesArea, null AS effective"
    params["lat"], params["lon"] = point
    params["radius"] = radius
    params["nearAreas"] = list(near_areas)
    here = "point({latitude: $lat, longitude: $lon})"
    distance = f"CASE WHEN s.point IS NULL THEN null ELSE {dialect.distance('s.point', here)} END"
    return (f" WITH s, score, {distance} AS dist,"
            " any(c IN coalesce(s.serves, []) WHERE c IN $nearAreas) AS servesArea"
            " WHERE servesArea OR (dist IS NOT NULL AND dist <= $radius)"
            " WITH s, score, dist, servesArea, CASE WHEN servesArea THEN 0.0 ELSE dist END AS effective")


def build_search(dialect: Dialect, query: ServiceQuery,
                 fields: str = SERVICE_FIELDS) -> tuple[str, str, dict[str, Any]]:
    """The count query, the page query and their parameters; the page carries ``fields`` of each service."""
    params: dict[str, Any] = {}
    conditions: list[str] = []

    head = candidates(dialect, params, words=query.words, area_code=query.area_code,
                      area_and_above=query.area_and_above, area_prefixes=query.area_descendant_prefixes,
                      point=query.point, radius=query.radius, near_areas=query.near_areas,
                      any_life_domains=query.any_life_domains, any_target_groups=query.any_target_groups,
                      any_terms=query.any_terms)

    if query.life_domains:
        params["lifeDomains"] = list(query.life_domains)
        conditions.append("any(d IN s.life_domains WHERE d IN $lifeDomains)")
    if query.any_life_domains or query.any_target_groups or query.any_terms:
        # What the inwoner's words ask for: one of the recognised leefgebieden or doelgroepen, or a
        # text key in the name, description or organisation (the catalog ranks and explains them).
        params["anyDomains"], params["anyGroups"] = list(query.any_life_domains), list(query.any_target_groups)
        params["anyTerms"] = list(query.any_terms)
        conditions.append("(any(d IN coalesce(s.life_domains, []) WHERE d IN $anyDomains)"
                          " OR any(g IN coalesce(s.target_groups, []) WHERE g IN $anyGroups)"
                          " OR any(t IN $anyTerms WHERE s.search_text CONTAINS t))")
    if query.target_groups:
        params["targetGroups"] = list(query.fitting_target_groups)
        conditions.append("any(t IN s.target_groups WHERE t IN $targetGroups)")
    if query.rungs:
        params["rungs"] = list(query.rungs)
        conditions.append("s.rung IN $rungs")
    for name, value, prop in (("formal", query.formal, "formal"), ("free", query.free, "free"),
                              ("crisis", query.crisis, "crisis_24h"),
                              ("independent", query.independent_support, "independent_support")):
        if value is not None:
            params[name] = value
            conditions.append(f"s.{prop} = ${name}")
    if query.max_wait_weeks is not None:
        params["maxWait"] = query.max_wait_weeks
        conditions.append("coalesce(s.wait_weeks, 0) <= $maxWait")
    if query.age is not None:
        params["age"] = query.age
        conditions.append("(s.age_min IS NULL OR s.age_min <= $age) AND (s.age_max IS NULL OR s.age_max >= $age)")
    if query.open_minute is not None:
        params["minute"] = query.open_minute
        conditions.append("any(i IN range(0, size(coalesce(s.hours, [])) - 2, 2) "
                          "WHERE s.hours[i] <= $minute AND $minute < s.hours[i + 1])")
    if query.area_code:
        # In the area, or serving it: the area itself, an area around it, or one inside it.
        params["areaCode"] = query.area_code
        params["areaAndAbove"] = list(query.area_and_above)
        params["areaPrefixes"] = query.area_descendant_prefixes
        location_prop = {"gemeente": "gemeente_code", "wijk": "wijk_code", "buurt": "buurt_code"}[query.area_kind or ""]
        conditions.append(f"(s.{location_prop} = $areaCode OR any(c IN coalesce(s.serves, []) "
                          "WHERE c IN $areaAndAbove OR any(p IN $areaPrefixes WHERE c STARTS WITH p)))")

    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    place = place_clause(dialect, params, query.point, query.radius, query.near_areas)

    body = f"{head}{where}{place}"
    count_cypher = f"{body} RETURN count(s) AS total"
    params["skip"], params["limit"] = query.skip, query.limit
    # Order and cut first, then read the fields: only the shown page is projected. The WITH *
    # keeps the many columns out of the sort's rows (FalkorDB: 100,000 rows sort 1.7 times slower).
    order = f"ORDER BY {ORDERINGS[query.sort]} SKIP $skip LIMIT $limit WITH *"
    returned = (f"{columns('s', fields)}, effective AS distance, dist AS officeDistance, "
                "servesArea AS servesArea, score AS score")
    if query.words or not (query.area_code or query.point):
        page_cypher = f"{body} WITH s, score, dist, servesArea, effective {order} RETURN {returned}"
    else:
        # Area and place: the total comes with the page, from one run of the filter (a count
        # query costs ~40 % more store time). Not for text (the full-text count is cheap) nor all
        # services (collecting 100,000 hits costs more than counting them).
        page_cypher = (f"{body} WITH collect([s, score, dist, servesArea, effective]) AS hits, count(*) AS total "
                       "UNWIND hits AS h "
                       "WITH total, h[0] AS s, h[1] AS score, h[2] AS dist, h[3] AS servesArea, h[4] AS effective "
                       f"{order} RETURN total, {returned}")
    return count_cypher, page_cypher, params


def service_values(row: dict[str, Any]) -> dict[str, Any]:
    """The SERVICE_FIELDS of a row (or a map projection) as a record's arguments; a field the row
    does not carry (a candidate's row) is left at the record's default."""
    return {name: tuple(row[name] or ()) if name in LIST_FIELDS else row[name] for name in SERVICE_NAMES
            if name in row}


def service_record(row: dict[str, Any]) -> ServiceRecord:
    return ServiceRecord(**service_values(row))


def search_hit(row: dict[str, Any]) -> StoredHit:
    """A row of the page query as the catalog takes it: the service and the place and score."""
    return StoredHit(service_record(row), distance=row["distance"], office_distance=row["officeDistance"],
                     serves_area=bool(row["servesArea"]), score=row["score"] or 0.0)


def build_services_by_id() -> str:
    return f"MATCH (s:Service) WHERE s.id IN $ids RETURN {columns('s', SERVICE_FIELDS)}"


def build_service_detail() -> str:
    return f"MATCH (s:Service {{id: $id}}) RETURN s {{{SERVICE_FIELDS}, version: coalesce(s.version, 0)}} AS service"


def service_detail(projected: dict[str, Any]) -> ServiceDetail:
    """The map ``build_service_detail`` returns as a ServiceDetail."""
    return ServiceDetail(**service_values(projected), version=projected["version"])

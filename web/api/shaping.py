"""Turn stored service records into API JSON (lowerCamelCase) and GeoJSON features."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import request

from socialekaart.catalog.records import SearchHit, ServiceDetail, ServiceRecord
from socialekaart.shared import taxonomy
from socialekaart.shared.clock import zulu

API_PREFIX = "/api/v1"


def _term(code: str, table: dict) -> dict[str, str]:
    term = table.get(code)
    return {"code": code, "label": term.label if term else code}


def service_etag(s: ServiceDetail) -> str:
    """The listing's version as an entity tag; If-Match on a beheerder's edit names it (listings/versions.py)."""
    return f'"{s.version}"'


def service_json(s: ServiceRecord) -> dict[str, Any]:
    rung = taxonomy.RUNG_BY_CODE[s.rung]
    located = s.lat is not None
    return {
        "id": s.id,
        "name": s.name,
        "description": s.description or "",
        "organization": {"id": s.organization_id, "name": s.org_name, "kind": s.org_kind,
                         "formal": bool(s.formal)},
        "rung": {"code": rung.code, "label": rung.label, "level": rung.level},
        "lifeDomains": [_term(c, taxonomy.LIFE_DOMAIN_BY_CODE) for c in s.life_domains or []],
        "targetGroups": [_term(c, taxonomy.TARGET_GROUP_BY_CODE) for c in s.target_groups or []],
        "ageMin": s.age_min,
        "ageMax": s.age_max,
        "cost": s.cost,
        "free": bool(s.free),
        "costNote": s.cost_note,
        "openingHours": s.hours_text,
        "crisis": bool(s.crisis_24h),
        "independentClientSupport": bool(s.independent_support),
        "waitWeeks": s.wait_weeks,
        "capacityNote": s.capacity_note,
        "contact": {"phone": s.phone, "email": s.email, "website": s.website},
        "confidential": bool(s.confidential),
        # Confidential: no address and no point of its own; only the wijk and its centroid.
        "address": None if s.confidential or not s.address else
        {"street": s.address, "postcode": s.postcode, "city": s.city},
        "position": {"lat": s.lat, "lon": s.lon, "precision": s.point_kind} if located else None,
        "area": {
            "buurt": {"code": s.buurt_code, "name": s.buurt_name} if s.buurt_code else None,
            "wijk": {"code": s.wijk_code, "name": s.wijk_name} if s.wijk_code else None,
            "gemeente": {"code": s.gemeente_code, "name": s.gemeente_name}
            if s.gemeente_code else None,
        },
        "serves": list(s.serves or []),
        "lastVerified": s.last_verified,
        "modified": zulu(s.modified) if s.modified else None,
        "_links": {"self": {"href": f"{API_PREFIX}/services/{s.id}"}},
    }


def hit_json(hit: SearchHit) -> dict[str, Any]:
    body = service_json(hit.service)
    service = hit.service
    if hit.serves_area:
        distance_to = "werkgebied"
    elif service.point_kind == "wijk":
        distance_to = "wijk"  # measured to the wijk centroid: the real place stays secret
    else:
        distance_to = "locatie"
    body.update({
        # Metres; 0 when the service serves this place through its werkgebied.
        "distance": hit.distance,
        "distanceTo": distance_to if hit.distance is not None else None,
        "officeDistance": hit.office_distance,
        "servesYourArea": hit.serves_area,
        "matchedLifeDomains": list(hit.matched_life_domains),
        "relevance": round(hit.score, 4),
        "matchReasons": list(hit.match_reasons),
    })
    return body


def line_json(line: Any) -> dict[str, Any]:
    """A national line (socialekaart.catalog.crisis.NationalLine) as the API writes it."""
    return line.as_dict()


def crisis_json(answer: Any, hit_keys: list[str]) -> dict[str, Any] | None:
    """The crisis object of a search page (CrisisSchema), or None."""
    if answer is None:
        return None
    services = [hit_json(hit) for hit in answer.services]
    return {"categories": list(answer.categories), "categoryLabels": answer.category_labels,
            "matchedPhrases": list(answer.phrases), "lines": [line_json(line) for line in answer.lines],
            "linesCheckedOn": answer.checked_on, "advice": list(answer.advice),
            "services": [{key: s[key] for key in hit_keys if key in s} for s in services]}


def outside_region_json(outside: Any) -> dict[str, Any] | None:
    if outside is None:
        return None
    return {"place": outside.place, "covers": list(outside.covers), "advice": outside.advice,
            "lines": [line_json(line) for line in outside.lines]}


def understood_json(understood: Any) -> dict[str, Any] | None:
    if understood is None:
        return None
    return {"lifeDomains": list(understood.life_domains), "targetGroups": list(understood.target_groups),
            "words": list(dict.fromkeys(understood.term_words.values())),
            "corrections": dict(understood.corrections), "summary": understood.summary()}


def feature(body: dict[str, Any]) -> dict[str, Any]:
    position = body.get("position")
    geometry = {"type": "Point", "coordinates": [position["lon"], position["lat"]]} if position else None
    return {"type": "Feature", "id": body["id"], "geometry": geometry, "properties": body}


def feature_collection(bodies: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [feature(b) for b in bodies], **extra}


def page_links(page: int, pages: int) -> dict[str, dict[str, str]]:
    """HAL-style links for a paginated list: the same query with another page number."""
    def href(number: int) -> str:
        args = request.args.to_dict(flat=False)
        args["page"] = [str(number)]
        return f"{request.path}?{urlencode(args, doseq=True)}"

    links = {"self": {"href": href(page)}}
    if page > 1:
        links["prev"] = {"href": href(page - 1)}
    if page < pages:
        links["next"] = {"href": href(page + 1)}
    if pages:
        links["first"], links["last"] = {"href": href(1)}, {"href": href(pages)}
    return links

"""A stored service turned into what a result card or the detail page shows, in plain Dutch.

Confidential services never get an address or a point of their own here: only their wijk.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from socialekaart.catalog.readability import explanations, plain_words
from socialekaart.catalog.records import SearchHit, ServiceRecord
from socialekaart.shared import taxonomy
from web.pages import formatting


def service_card(service: ServiceRecord, *, now: datetime, number: int | None = None) -> dict[str, Any]:
    rung = taxonomy.RUNG_BY_CODE[service.rung]
    rung_label, rung_explanation = formatting.rung_text(rung.code)
    description = service.description or ""
    kind = taxonomy.ORGANIZATION_KIND_BY_CODE.get(service.org_kind or "")
    confidential = bool(service.confidential)
    located = service.lat is not None and service.lon is not None
    address = None
    if not confidential and service.address:
        address = {"street": service.address, "postcode": service.postcode, "city": service.city}
    return {
        "id": service.id,
        "number": number,
        "name": service.name,
        "description": plain_words(description),
        "terms": explanations(description),  # jargon that had to stay, with a short explanation
        "organization": service.org_name or "",
        "organization_id": service.organization_id,
        "organization_kind": kind.label if kind else None,
        "informal": service.formal is False,
        "rung": {"code": rung.code, "label": rung_label, "explanation": rung_explanation, "level": rung.level},
        "life_domains": [taxonomy.LIFE_DOMAIN_BY_CODE[c].label for c in service.life_domains or []
                         if c in taxonomy.LIFE_DOMAIN_BY_CODE],
        "contact": {
            "phone": service.phone,
            "phone_href": formatting.phone_href(service.phone),
            "email": service.email,
            "website": service.website,
            "website_text": formatting.website_text(service.website),
        },
        "hours": formatting.hours_lines(service.hours_text),
        "open_now": formatting.is_open_at(service.hours_text, now),
        "cost": formatting.cost_text(service.cost, service.cost_note),
        "free": service.cost == "gratis",
        "for_whom": formatting.for_whom_text(service.target_groups, service.age_min,
                                             service.age_max),
        "crisis": bool(service.crisis_24h),
        "independent_support": bool(service.independent_support),
        "wait_weeks": service.wait_weeks,
        "capacity_note": service.capacity_note,
        "confidential": confidential,
        "address": address,
        "wijk": service.wijk_name,
        "gemeente": service.gemeente_name,
        "serves": list(service.serves or []),
        "last_verified": formatting.date_text(service.last_verified),
        "position": {"lat": service.lat, "lon": service.lon,
                     "approximate": confidential or service.point_kind == "wijk"} if located else None,
        "distance": None,
    }


def hit_card(hit: SearchHit, near_areas: tuple[str, ...], *, number: int, now: datetime) -> dict[str, Any]:
    card = service_card(hit.service, now=now, number=number)
    card["distance"] = formatting.hit_distance_text(hit, near_areas)
    card["why"] = hit.match_line  # why it matched, in one short line ("Past bij geldzaken, om 'huur'")
    return card


def map_point(card: dict[str, Any], url: str) -> dict[str, Any] | None:
    """What the map needs for one card: only plain data, the script builds the marker.

    A confidential service gets no point on the map: its wijk is all that may be shown."""
    position = card["position"]
    if position is None or position["approximate"]:
        return None
    return {"number": card["number"], "name": card["name"], "organization": card["organization"],
            "rung": card["rung"]["label"], "distance": card["distance"], "url": url,
            "lat": position["lat"], "lon": position["lon"]}

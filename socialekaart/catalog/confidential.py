"""Confidential locations (a shelter, a safe house): the public never sees the address or the point.

Only the wijk shows, with its centroid standing in for the point. Every path that stores or shows
a service goes through these two functions.
"""
from __future__ import annotations

from typing import Any

from socialekaart.catalog.model import Location, Service
from socialekaart.places.geo import AreaIndex


def public_location(service: Service) -> Location | None:
    """The location as anyone may see it: None when it is confidential."""
    return None if service.confidential else service.location


def placement_of(service: Service, index: AreaIndex) -> dict[str, Any]:
    """Where a service's location lies (buurt, wijk, gemeente) and the point to store for it:
    the wijk centroid instead of the real point when the location is confidential."""
    location = service.location
    if location is None:
        return {}
    placement: dict[str, Any] = {"lat": location.lat, "lon": location.lon, "point_kind": "locatie"}
    where = index.place(location.lat, location.lon)
    if where is not None:
        location.buurt_code = where.buurt_code
        placement.update(buurt_code=where.buurt_code, buurt_name=where.buurt_name,
                         wijk_code=where.wijk_code, wijk_name=where.wijk_name,
                         gemeente_code=where.gemeente_code, gemeente_name=where.gemeente_name)
    if service.confidential:
        # Never the real point: the wijk centroid stands in, and is marked as such.
        centre = index.centroid(where.wijk_code) if where and where.wijk_code else None
        placement.update(lat=centre[0] if centre else None, lon=centre[1] if centre else None,
                         point_kind="wijk" if centre else None, buurt_code=None, buurt_name=None)
    return placement

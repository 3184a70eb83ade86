"""Where a listing is, from what a person filled in: the one rule the CSV import and the werkplek
(and its API) share. Lat and lon go together; without them a postcode is looked up; an address or
place needs one of the two. Problems name the field: ``lat``, ``lon`` or ``postcode``."""
from __future__ import annotations

from socialekaart.catalog.model import Location
from socialekaart.catalog.ports import Locator
from socialekaart.places.geocoding import normalise_postcode
from socialekaart.shared.errors import NotFound, ValidationError

LAT_AND_LON = "Vul lat én lon in, of laat ze allebei leeg."
ADDRESS_NEEDS_A_POINT = "Bij een adres hoort een postcode (of lat en lon)."


def display_postcode(text: str) -> str:
    """``4461 AB`` (or ``4461``) for a Dutch postcode; ValidationError (field ``postcode``) otherwise."""
    code = normalise_postcode(text)
    return f"{code[:4]} {code[4:]}" if len(code) == 6 else code


def location_from(location_id: str, *, lat: float | None, lon: float | None, postcode: str | None,
                  address: str | None, city: str | None, locator: Locator) -> Location | None:
    """The location, or None when nothing places it (then the service needs a werkgebied)."""
    if (lat is None) != (lon is None):
        raise ValidationError(LAT_AND_LON, field="lon" if lon is None else "lat")
    if lat is None and postcode:
        try:
            point = locator.locate(postcode)
        except (NotFound, ValidationError) as error:
            raise ValidationError(f"{error.message} Of vul lat en lon in.", field="postcode") from None
        lat, lon = point.lat, point.lon
    if lat is None or lon is None:
        if address or city:
            raise ValidationError(ADDRESS_NEEDS_A_POINT, field="postcode")
        return None
    return Location(location_id, lat, lon, address, postcode, city)

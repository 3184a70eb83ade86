"""Places: CBS area codes and areas (``codes``, ``model``), geometry with shapely (``geo``: which buurt
a point lies in) and postcode geocoding through geopy (``geocoding``)."""

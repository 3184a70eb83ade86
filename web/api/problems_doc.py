"""How error responses are documented in OpenAPI: always application/problem+json."""
PROBLEM = {
    "description": "Fout, als application/problem+json (RFC 9457) met type, title, status, detail en "
                   "invalidParams per parameter.",
    "content": {"application/problem+json": {"schema": {
        "type": "object",
        "properties": {
            "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
            "detail": {"type": "string"}, "instance": {"type": "string"},
            "invalidParams": {"type": "array", "items": {"type": "object", "properties": {
                "name": {"type": "string"}, "reason": {"type": "string"}}}},
        },
    }}},
}

# A GeoJSON answer (format=geojson or Accept: application/geo+json), documented beside the JSON one.
GEOJSON_OK = {"content": {"application/geo+json": {"schema": {
    "type": "object", "required": ["type", "features"],
    "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                   "features": {"type": "array", "items": {"type": "object"}}},
}}}}

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

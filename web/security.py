"""Security headers on every response, and an explicit CORS policy for the public read API.

The Content-Security-Policy allows no inline scripts: all JavaScript lives in static files.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request

# Public, anonymous, read-only: other sites may call these from a browser.
PUBLIC_READ_PREFIXES = ("/api/v1/services", "/api/v1/organizations", "/api/v1/areas", "/api/v1/taxonomies",
                        "/api/v1/geocode", "/api/v1/openapi.json", "/hsds")


def content_security_policy(tile_url: str, *, docs: bool) -> str:
    images = f"'self' data: {_tile_source(tile_url)}".strip()
    # Swagger UI sets style attributes while it renders; only the docs page allows that.
    styles = "'self' 'unsafe-inline'" if docs else "'self'"
    return (f"default-src 'self'; script-src 'self'; style-src {styles}; img-src {images}; "
            "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'")


def _tile_source(tile_url: str) -> str:
    """'https://{s}.tile.example/{z}/{x}/{y}.png' -> 'https://*.tile.example' (the host tiles come from)."""
    parts = urlsplit(tile_url)
    host = parts.netloc.replace("{s}", "*")
    return f"{parts.scheme}://{host}" if parts.scheme in ("https", "http") and host else ""


def register_security(app: Flask, tile_url: str) -> None:
    policies = {docs: content_security_policy(tile_url, docs=docs) for docs in (False, True)}

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policies[request.path.startswith("/api/v1/docs")])
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.path.startswith(PUBLIC_READ_PREFIXES) and request.method in ("GET", "HEAD", "OPTIONS"):
            headers["Access-Control-Allow-Origin"] = "*"
            headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            headers["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
            headers["Access-Control-Expose-Headers"] = ("API-Version, X-Total-Count, X-Pagination-Page, "
                                                        "X-Pagination-Limit, Link")
            headers["Access-Control-Max-Age"] = "3600"
        return response

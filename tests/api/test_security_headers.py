"""Security headers everywhere; CORS only on the public read API."""
from __future__ import annotations

from web.security import content_security_policy


def test_security_headers_on_pages_and_api(client):
    for path in ("/api/v1/services?postcode=4461AB", "/health", "/api/v1/nope"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "Strict-Transport-Security" not in headers  # only behind TLS


def test_hsts_behind_tls(client):
    response = client.get("/health", base_url="https://socialekaart.example.nl")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_cors_is_open_for_public_reads_only(client):
    public = client.get("/api/v1/taxonomies", headers={"Origin": "https://andere-site.example"})
    assert public.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in public.headers
    assert "X-Total-Count" in public.headers["Access-Control-Expose-Headers"]
    private = client.get("/health", headers={"Origin": "https://andere-site.example"})
    assert "Access-Control-Allow-Origin" not in private.headers


def test_tile_host_is_allowed_for_images_only():
    csp = content_security_policy("https://{s}.tiles.example.nl/{z}/{x}/{y}.png", docs=False)
    assert "img-src 'self' data: https://*.tiles.example.nl;" in csp
    assert "tiles.example.nl" not in csp.split("img-src")[0]
    assert content_security_policy("", docs=False).count("img-src 'self' data:;") == 1

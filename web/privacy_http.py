"""Personal data over HTTP: never cached, and the operational endpoints closed to the public.

- ``Cache-Control: no-store`` on every answer, except static assets and the anonymous public read
  API (``web.security.PUBLIC_READ_PREFIXES``): referrals, werkplek pages, accounts, sign-in and
  even a public page with a typed postcode stay out of browser and proxy caches.
- ``/metrics`` only with ``Authorization: Bearer <SOCIALEKAART_METRICS_TOKEN>``; without that
  setting it is off (404).
- Behind a reverse proxy ``socialekaart serve`` takes the client address from ``X-Forwarded-For``
  only when the request comes from ``SOCIALEKAART_TRUSTED_PROXY`` (``proxy_options``), so sign-in
  limits count per visitor, not per proxy.

App config keys with the same names (tests) win over the environment.
"""
from __future__ import annotations

import hmac
import os
from typing import Any, Mapping

from flask import Flask, Response, request

from socialekaart.shared.errors import ConfigError
from web.security import PUBLIC_READ_PREFIXES

METRICS_TOKEN = "SOCIALEKAART_METRICS_TOKEN"
TRUSTED_PROXY = "SOCIALEKAART_TRUSTED_PROXY"
TRUSTED_PROXY_COUNT = "SOCIALEKAART_TRUSTED_PROXY_COUNT"
CACHEABLE_PREFIXES = ("/static/",)


def setting(app: Flask | None, name: str, environ: Mapping[str, str] | None = None) -> str:
    if app is not None and app.config.get(name) is not None:
        return str(app.config[name]).strip()
    return (os.environ if environ is None else environ).get(name, "").strip()


def may_be_cached() -> bool:
    if request.path.startswith(CACHEABLE_PREFIXES):
        return True
    anonymous = "Authorization" not in request.headers
    return anonymous and request.method in ("GET", "HEAD") and request.path.startswith(PUBLIC_READ_PREFIXES)


def metrics_allowed(app: Flask) -> bool | None:
    """None: /metrics is off; else whether this request carries the metrics token."""
    expected = setting(app, METRICS_TOKEN)
    if not expected:
        return None
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected.encode())


def proxy_options(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """waitress options: trust X-Forwarded-For/-Proto only from the configured proxy."""
    proxy = setting(None, TRUSTED_PROXY, environ)
    if not proxy:
        return {"clear_untrusted_proxy_headers": True}
    raw_count = setting(None, TRUSTED_PROXY_COUNT, environ) or "1"
    if not raw_count.isdigit() or not 1 <= int(raw_count) <= 10:
        raise ConfigError(f"{TRUSTED_PROXY_COUNT} moet een geheel getal van 1 tot 10 zijn, niet {raw_count!r}.")
    return {"trusted_proxy": proxy, "trusted_proxy_count": int(raw_count),
            "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
            "clear_untrusted_proxy_headers": True}


def register_privacy_http(app: Flask) -> None:
    @app.after_request
    def no_store(response: Response) -> Response:
        if not may_be_cached():
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response

"""Rate limits (flask-limiter): token use per token, and sign-in attempts per client address.

- **Per token**: every request that carries ``Authorization: Bearer …`` counts against that token
  (keyed by its SHA-256, never the token itself), across all endpoints together.
  ``SOCIALEKAART_RATE_LIMIT_TOKEN``, default ``300 per minute``.
- **Sign-in per client address**: every POST to the sign-in page (``session.sign_in``) counts
  against the client address, whatever e-mail address it tries. ``SOCIALEKAART_RATE_LIMIT_SIGN_IN``,
  default ``20 per minute``. This comes on top of the domain's ``SignInLimiter`` (failures per
  e-mail address and per address, socialekaart/accounts.py): that one counts failures, this one
  every attempt, so guessing many addresses from one place is slowed down too.
- Public reads without a token are not limited here: that is the reverse proxy's job (see
  docs/operations.md).

A limit is a flask-limiter string ("300 per minute", "20/minute; 200/hour"); empty or ``off``
turns it off. The counts live in memory (``SOCIALEKAART_RATE_LIMIT_STORAGE``, default
``memory://``): right for one process. With several worker processes each counts on its own, so
the effective limit is the limit times the number of processes; give them a shared store such as
``redis://host:6379`` (any storage URI the ``limits`` package knows) to count together.

Over the limit: ``429`` with ``Retry-After`` — problem+json for the API, a short Dutch page for the
pages. App config keys with the same names (tests) win over the environment.
"""
from __future__ import annotations

import hashlib
import math
import os
import time
from typing import Mapping

from flask import Flask, Response, current_app, request
from flask_limiter import ApplicationLimit, Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits import parse_many
from markupsafe import escape

from socialekaart.shared.errors import ConfigError
from web.problems import problem

TOKEN_LIMIT = "SOCIALEKAART_RATE_LIMIT_TOKEN"
SIGN_IN_LIMIT = "SOCIALEKAART_RATE_LIMIT_SIGN_IN"
STORAGE = "SOCIALEKAART_RATE_LIMIT_STORAGE"
DEFAULTS = {TOKEN_LIMIT: "300 per minute", SIGN_IN_LIMIT: "20 per minute", STORAGE: "memory://"}
SIGN_IN_ENDPOINTS = frozenset({"session.sign_in"})
EXTENSION = "socialekaart.limiter"
PAGE = ('<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Even geduld</title></head>'
        "<body><main><h1>Even geduld</h1><p>{text}</p></main></body></html>")


def limit_settings(app: Flask, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The three settings, from the app config or else the environment; checked, so a typo stops start-up."""
    env = os.environ if environ is None else environ
    found = {}
    for name, default in DEFAULTS.items():
        value = app.config.get(name)
        if value is None:
            value = env.get(name, "")
        value = str(value).strip() or default
        found[name] = value
    for name in (TOKEN_LIMIT, SIGN_IN_LIMIT):
        if found[name].lower() in ("off", "uit", "0"):
            found[name] = ""
            continue
        try:
            parse_many(found[name])
        except ValueError:
            raise ConfigError(f"{name} is geen geldige grens: {found[name]!r}; gebruik bijvoorbeeld "
                              "'300 per minute' of 'off'.") from None
    return found


def bearer_key() -> str:
    """The token as a key for the limiter: its SHA-256, so the token text is never held here."""
    header = request.headers.get("Authorization", "")
    _, _, token = header.partition(" ")
    return "token:" + hashlib.sha256(token.strip().encode("utf-8", "replace")).hexdigest()


def has_bearer_token() -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def is_sign_in() -> bool:
    return request.method == "POST" and request.endpoint in SIGN_IN_ENDPOINTS


def client_key() -> str:
    return "client:" + (get_remote_address() or "onbekend")


def _retry_after(limiter: Limiter) -> int:
    current = limiter.current_limit
    if current is None:
        return 60
    wait = max(1, math.ceil(current.reset_at - time.time()))
    expiry = getattr(current.limit, "get_expiry", None)
    return min(wait, expiry()) if expiry else wait


def register_limits(app: Flask, environ: Mapping[str, str] | None = None) -> Limiter:
    settings = limit_settings(app, environ)
    limits = []
    if settings[TOKEN_LIMIT]:
        limits.append(ApplicationLimit(settings[TOKEN_LIMIT], key_function=bearer_key, scope="token",
                                       exempt_when=lambda: not has_bearer_token()))
    if settings[SIGN_IN_LIMIT]:
        limits.append(ApplicationLimit(settings[SIGN_IN_LIMIT], key_function=client_key, scope="sign-in",
                                       exempt_when=lambda: not is_sign_in()))
    limiter = Limiter(get_remote_address, app=app, application_limits=limits, storage_uri=settings[STORAGE],
                      headers_enabled=False, strategy="moving-window", key_prefix="socialekaart",
                      enabled=bool(limits))
    app.extensions[EXTENSION] = limiter

    @app.errorhandler(429)
    def too_many(error):
        wait = _retry_after(limiter) if isinstance(error, RateLimitExceeded) else 60
        minutes = (wait + 59) // 60
        text = (f"U heeft te veel verzoeken gedaan in korte tijd. Probeer het over {wait} seconden opnieuw."
                if wait < 120 else f"U heeft te veel verzoeken gedaan. Probeer het over {minutes} minuten opnieuw.")
        if request.path.startswith(("/api/", "/hsds", "/health", "/metrics")):
            return problem(429, text, headers={"Retry-After": str(wait)})
        body = PAGE.format(text=escape(text))
        return Response(body, status=429, mimetype="text/html", headers={"Retry-After": str(wait)})

    return limiter


def limiter_of(app: Flask | None = None) -> Limiter:
    return (app or current_app).extensions[EXTENSION]

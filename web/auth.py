"""Authentication for the API: a personal access token as ``Authorization: Bearer <token>``.

``@signed_in`` on a view (or MethodView method) checks the token before the view runs and puts
the caller in ``g.principal``; ``principal()`` gives it back. API views use it through
``@blp.login_required`` (``web.api.blueprint``), which also documents it in OpenAPI. A missing,
unknown, expired or revoked token is a 401 problem with ``WWW-Authenticate: Bearer``; role and
organisation rules (403/404) are the domain services' business. Sign-in with a password for the pages uses
``AccountService.sign_in`` (argon2 hashes, rate-limited) and comes with the pages.
"""
from __future__ import annotations

import functools

from flask import current_app, g, request

from socialekaart.accounts.service import Principal
from socialekaart.shared.errors import Unauthorized
from web.bootstrap import referral_runtime

BEARER_SCHEME = {"type": "http", "scheme": "bearer",
                 "description": "Persoonlijk toegangstoken (maak er een met `socialekaart accounts token`)."}
SECURITY = [{"bearerAuth": []}]


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        return None
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Gebruik 'Authorization: Bearer <token>' met een persoonlijk toegangstoken.")
    return token.strip()


def authenticate() -> Principal:
    found = getattr(g, "principal", None)
    if found is None:
        found = referral_runtime(current_app._get_current_object()).accounts.authenticate(bearer_token())
        g.principal = found
    return found


def principal() -> Principal:
    return authenticate()


def signed_in(view):
    """Only for a caller with a valid token."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        authenticate()
        return view(*args, **kwargs)

    return wrapper

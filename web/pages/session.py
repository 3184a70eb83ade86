"""Sign-in for the pages: a password, Flask's signed session cookie, and CSRF tokens on forms.

For a page blueprint (the referral pages, the network page, the dashboard):

    from web.pages.session import current_account, login_required, protect_forms, register_page_errors

    protect_forms(bp)           # every POST on bp must carry the form's CSRF token (else 400)
    register_page_errors(bp)    # domain errors become Dutch HTML pages, not problem+json

    @bp.get("/netwerk")
    @login_required(roles=("coordinator", "admin"))
    def network():
        who = current_account()   # a socialekaart.accounts.Principal
        ...

In a template, ``{{ csrf_field() }}`` goes inside every ``<form method="post">``; ``page_account`` is
the signed-in Principal (or None) in every template. The sign-in page is ``/aanmelden`` (this
module's blueprint, endpoint ``session.sign_in``); signing out is a POST to ``/afmelden``.

The rules:
- The password is checked by ``AccountService.sign_in``: argon2id hashes, and failed attempts
  limited per e-mail address and per client address (a Dutch message and 429 when blocked).
- The session is Flask's signed cookie ``sessie``: HttpOnly, SameSite=Lax, and Secure except for
  plain http to this machine itself (host 127.0.0.1, ::1 or localhost, as with ``make run``).
  It holds the account id, the sign-in time and the CSRF token; nothing about inwoners.
- A session lasts at most ``SESSION_HOURS`` after signing in, however active. Every request
  reads the account again, so a disabled or removed account is signed out at once.
- The signing key is derived from the app's secret key (``SOCIALEKAART_SECRET_KEY``, ``…_FILE``
  or ``secret.key`` in the data dir; see ``socialekaart.crypto``), the first time a cookie is
  read or written. Never a fixed key in code. A Flask ``SECRET_KEY`` in the app config wins.
- Signing in starts a fresh session (new CSRF token), so a session made before sign-in is not
  carried over.
"""
from __future__ import annotations

import functools
import hmac
import logging
import secrets
import time
from datetime import timedelta
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, flash, g, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from socialekaart.accounts.service import ROLE_LABELS, Principal, principal_of
from socialekaart.shared.errors import (
    Conflict,
    Forbidden,
    NotFound,
    SocialeKaartError,
    StoreCorrupt,
    StoreUnavailable,
    TooManyRequests,
    Unauthorized,
    ValidationError,
)
from web.bootstrap import referral_runtime

log = logging.getLogger(__name__)

SESSION_HOURS = 8
COOKIE_NAME = "sessie"
CSRF_FIELD = "csrf_token"
# Keys in the session cookie.
ACCOUNT_KEY = "account"
SIGNED_IN_KEY = "aangemeld_om"
VERSION_KEY = "sessieversie"  # the account's session version at sign-in ("log out everywhere" raises it)
CSRF_KEY = "csrf"
# The session signing key is an HMAC (keyed by the app's secret key) of this text. The scope holds a
# '/' and a space, which no organisation id may (ID_PATTERN), so it never equals a stored client-reference hash.
KEY_PURPOSE = "flask-session-signing-key"
KEY_SCOPE = "pages/session key"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_EMAIL = 320
MAX_PASSWORD_INPUT = 1000
# Where each role lands after signing in (when no page was asked for).
HOME_ENDPOINTS = {"professional": "referral_pages.inbox", "coordinator": "network_pages.network",
                  "admin": "network_pages.network", "beheerder": "organization_pages.own_organization"}

bp = Blueprint("session", __name__, template_folder="../templates")


# -- the cookie --------------------------------------------------------------------------------
def plain_http_on_this_machine() -> bool:
    """True for an http (not https) request to 127.0.0.1, ::1 or localhost: the only case without Secure."""
    host = (urlsplit(f"//{request.host}").hostname or "").lower()
    return not request.is_secure and host in LOOPBACK_HOSTS


def session_signing_key(app: Flask) -> str:
    return referral_runtime(app).cipher.blind_index(KEY_PURPOSE, KEY_SCOPE)


class PageSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session with our rules: the key is derived when first needed (a request
    without a cookie needs none), and Secure follows ``plain_http_on_this_machine``."""

    def open_session(self, app, request):
        if not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def get_signing_serializer(self, app):
        if not app.secret_key:
            app.secret_key = session_signing_key(app)
        return super().get_signing_serializer(app)

    def get_cookie_secure(self, app) -> bool:
        return not plain_http_on_this_machine()


def configure_sessions(app: Flask) -> None:
    app.session_interface = PageSessionInterface()
    app.config.update(SESSION_COOKIE_NAME=COOKIE_NAME, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
                      SESSION_REFRESH_EACH_REQUEST=False)
    app.context_processor(lambda: {"page_account": _account_for_template(), "csrf_field": csrf_field,
                                   "role_label": role_label})


def _account_for_template() -> Principal | None:
    """For the page header: an error page shown because the store is down must still render."""
    try:
        return current_account()
    except (StoreUnavailable, StoreCorrupt):
        return None


@bp.record_once
def _setup(state) -> None:
    configure_sessions(state.app)


# -- who is signed in --------------------------------------------------------------------------
def _accounts():
    return referral_runtime(current_app._get_current_object()).accounts


def session_values(principal: Principal, *, now: float | None = None) -> dict[str, Any]:
    """What a fresh session holds after signing in (also used by tests to start a session)."""
    return {ACCOUNT_KEY: principal.account_id, SIGNED_IN_KEY: int(time.time() if now is None else now),
            VERSION_KEY: principal.session_version, CSRF_KEY: secrets.token_urlsafe(32)}


def current_account() -> Principal | None:
    """The signed-in account (read again from the store once per request), or None."""
    if "page_account" in g:
        return g.page_account
    found: Principal | None = None
    account_id = session.get(ACCOUNT_KEY)
    if account_id:
        signed_in_at = session.get(SIGNED_IN_KEY) or 0
        if time.time() - signed_in_at < SESSION_HOURS * 3600:
            try:
                account = _accounts().account(account_id)
            except NotFound:
                account = None
            if account is not None and account.get("active", True) \
                    and account.get("session_version", 0) == session.get(VERSION_KEY, 0):
                found = principal_of(account)
        if found is None:  # expired, removed, disabled or logged out everywhere: sign out
            session.clear()
    g.page_account = found
    return found


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def home_url(principal: Principal) -> str:
    return url_for(HOME_ENDPOINTS.get(principal.role, "pages.search"))


def safe_next(target: str | None) -> str | None:
    """A page on this site to return to after signing in; anything else (another host) is dropped."""
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//") \
            or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


def login_required(view: Callable | None = None, *, roles: str | Iterable[str] | None = None):
    """Only for a signed-in account, and with ``roles`` only for those roles.

    Not signed in: a GET goes to the sign-in page (and comes back after); anything else gets 401.
    Signed in with another role: 403 with a page that says who may see it."""
    allowed = (roles,) if isinstance(roles, str) else tuple(roles or ())

    def decorate(inner: Callable) -> Callable:
        @functools.wraps(inner)
        def wrapper(*args, **kwargs):
            account = current_account()
            if account is None:
                if request.method in ("GET", "HEAD"):
                    return redirect(url_for("session.sign_in", volgende=request.full_path.rstrip("?")))
                return message_page(401, "U bent niet (meer) aangemeld",
                                    "Meld u opnieuw aan en probeer het nog eens.", sign_in_link=True)
            if allowed and account.role not in allowed:
                names = " of ".join(role_label(r).lower() for r in allowed)
                return message_page(403, "Geen toegang",
                                    f"Deze pagina is voor een {names}. U bent aangemeld als "
                                    f"{role_label(account.role).lower()}.")
            return inner(*args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


# -- CSRF --------------------------------------------------------------------------------------
def csrf_token() -> str:
    token = session.get(CSRF_KEY)
    if not token:
        token = session[CSRF_KEY] = secrets.token_urlsafe(32)
    return token


def csrf_field() -> Markup:
    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf_token())}">')


def csrf_ok() -> bool:
    expected = session.get(CSRF_KEY)
    sent = request.form.get(CSRF_FIELD, "")
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


def protect_forms(blueprint: Blueprint) -> None:
    """Every POST (PUT, PATCH, DELETE) on this blueprint needs the session's CSRF token in the form."""

    @blueprint.before_request
    def check_csrf():
        if request.method not in ("GET", "HEAD", "OPTIONS") and not csrf_ok():
            log.info("form without a valid CSRF token on %s", request.path)
            return message_page(400, "Het formulier is verlopen",
                                "Er is niets opgeslagen. Ga terug, laad de pagina opnieuw en probeer het nog eens. "
                                "Staan cookies uit in uw browser? Zet ze dan aan voor deze site.")


# -- pages for errors --------------------------------------------------------------------------
def message_page(status: int, title: str, text: str, *, sign_in_link: bool = False,
                 headers: dict[str, str] | None = None):
    account = _account_for_template() if not sign_in_link else None
    return render_template("partials/pro_message.html", status=status, title=title, text=text,
                           sign_in_link=sign_in_link, home=home_url(account) if account else None), \
        status, headers or {}


def register_page_errors(blueprint: Blueprint) -> None:
    """Errors on these pages as Dutch HTML pages (the API keeps its problem+json)."""

    @blueprint.errorhandler(SocialeKaartError)
    def domain_error(error: SocialeKaartError):
        if isinstance(error, (StoreUnavailable, StoreCorrupt)):
            log.warning("store problem on %s: %s", request.path, error.message)
            return message_page(503, "De sociale kaart is even niet bereikbaar",
                                "Probeer het over een paar minuten opnieuw.", headers={"Retry-After": "30"})
        for kind, status, title in ((NotFound, 404, "Niet gevonden"), (Forbidden, 403, "Geen toegang"),
                                    (Conflict, 409, "Dat kan nu niet"), (ValidationError, 400, "Controleer uw invoer"),
                                    (TooManyRequests, 429, "Even geduld"), (Unauthorized, 401, "Niet aangemeld")):
            if isinstance(error, kind):
                return message_page(status, title, error.message, sign_in_link=status == 401)
        log.error("unmapped domain error on %s: %s", request.path, error.message)
        return message_page(500, "Er ging iets mis", "Probeer het later opnieuw.")

    # Only these codes: a 429 from the rate limiter (web/limits.py) keeps its own page and Retry-After.
    @blueprint.errorhandler(400)
    @blueprint.errorhandler(404)
    @blueprint.errorhandler(405)
    @blueprint.errorhandler(413)
    def http_error(error: HTTPException):
        titles = {400: ("Dat begrijpen we niet", "Het formulier kwam niet goed aan. Probeer het opnieuw."),
                  404: ("Niet gevonden", "Deze pagina bestaat niet."),
                  405: ("Dat kan hier niet", "Gebruik de knoppen op de pagina."),
                  413: ("Te veel tekst", "Het formulier is te groot. Maak de tekst korter.")}
        title, text = titles[error.code]
        return message_page(error.code, title, text)


# -- sign in and out ---------------------------------------------------------------------------
protect_forms(bp)
register_page_errors(bp)


def _sign_in_page(status: int = 200, *, email: str = "", problems: dict[str, str] | None = None,
                  next_url: str | None = None, headers: dict[str, str] | None = None):
    return render_template("signin.html", email=email, problems=problems or {}, next_url=next_url), status, \
        headers or {}


@bp.route("/aanmelden", methods=["GET", "POST"])
def sign_in():
    next_url = safe_next(request.values.get("volgende"))
    if request.method == "GET":
        account = current_account()
        if account is not None and next_url is None:
            return redirect(home_url(account))
        return _sign_in_page(next_url=next_url)
    email = request.form.get("email", "").strip()[:MAX_EMAIL]
    password = request.form.get("wachtwoord", "")[:MAX_PASSWORD_INPUT]
    problems = {}
    if not email:
        problems["email"] = "Vul uw e-mailadres in."
    if not password:
        problems["wachtwoord"] = "Vul uw wachtwoord in."
    if problems:
        return _sign_in_page(400, email=email, problems=problems, next_url=next_url)
    try:
        principal = _accounts().sign_in(email, password, client=request.remote_addr or "")
    except TooManyRequests as exc:
        return _sign_in_page(429, email=email, problems={"algemeen": exc.message}, next_url=next_url,
                             headers={"Retry-After": str(exc.retry_after)})
    except Unauthorized as exc:
        return _sign_in_page(401, email=email, problems={"algemeen": exc.message}, next_url=next_url)
    session.clear()
    session.update(session_values(principal))
    session.permanent = True
    g.pop("page_account", None)
    log.info("page sign-in: account %s (%s)", principal.account_id, principal.role)
    return redirect(next_url or home_url(principal), 303)


@bp.post("/afmelden")
def sign_out():
    session.clear()
    g.pop("page_account", None)
    flash("U bent afgemeld.", "ok")
    return redirect(url_for("session.sign_in"), 303)

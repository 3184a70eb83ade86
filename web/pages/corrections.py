"""'Klopt er iets niet?': the short correction form for one service, for anyone, without an account.

- The form lives on its own page, so the service page itself sets no cookie; showing the form sets
  the session cookie that carries its CSRF token (``web.pages.session``), and a POST without that
  token stores nothing.
- POSTs are rate-limited per client address with the app's flask-limiter (``web.limits``):
  ``SOCIALEKAART_RATE_LIMIT_CORRECTIONS`` in the app config or environment, default ``5 per hour``
  (``off`` turns it off). Over the limit: the limiter's Dutch 429 page with Retry-After.
- The domain (``socialekaart.catalog.corrections``) checks and stores; one write, or nothing.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Callable

from flask import Flask, current_app, redirect, render_template, request, session, url_for

from socialekaart.catalog.corrections import MAX_TEXT
from socialekaart.catalog.records import ServiceDetail
from socialekaart.shared.errors import NotFound, ValidationError
from socialekaart.shared.validation import ID_PATTERN
from web.bootstrap import current_runtime
from web.limits import client_key, limiter_of
from web.pages import bp
from web.pages.session import csrf_ok

log = logging.getLogger(__name__)
LIMIT_SETTING = "SOCIALEKAART_RATE_LIMIT_CORRECTIONS"
DEFAULT_LIMIT = "5 per hour"
EXTENSION = "socialekaart.corrections.limited"
THANKS_KEY = "correctie_verstuurd"
MAX_INPUT = 20_000  # longer input is cut before checking: the domain reports it as too long


def correction_limit(app: Flask) -> str:
    value = app.config.get(LIMIT_SETTING)
    if value is None:
        value = os.environ.get(LIMIT_SETTING, "")
    value = str(value).strip() or DEFAULT_LIMIT
    return "" if value.lower() in ("off", "uit", "0") else value


def _limited(app: Flask, view: Callable[[], Any]) -> Callable[[], Any]:
    """The POST handler behind the app's limiter (made once per app, on first use)."""
    found = app.extensions.get(EXTENSION)
    if found is None:
        limit = correction_limit(app)
        found = limiter_of(app).limit(limit, key_func=client_key, scope="correction")(view) if limit else view
        app.extensions[EXTENSION] = found
    return found


def _service_or_404(service_id: str) -> ServiceDetail | None:
    if not ID_PATTERN.match(service_id):
        return None
    try:
        return current_runtime().catalog.service(service_id)
    except NotFound:
        return None


def _form_page(service: ServiceDetail, *, status: int = 200, problems: dict[str, str] | None = None,
               text: str = "", email: str = ""):
    return render_template("correction.html", service_id=service.id, service_name=service.name,
                           organization=service.org_name, problems=problems or {}, text=text, email=email,
                           max_text=MAX_TEXT), status


def _submit() -> Any:
    service_id = request.view_args["service_id"] if request.view_args else ""
    service = _service_or_404(service_id)
    if service is None:
        return render_template("not_found.html"), 404
    text = request.form.get("tekst", "")[:MAX_INPUT]
    email = request.form.get("email", "")[:MAX_INPUT]
    if not csrf_ok():
        return _form_page(service, status=400, text=text[:MAX_TEXT], email=email[:254], problems={
            "algemeen": "Het formulier is verlopen. Er is niets verstuurd. Klik nog een keer op Verstuur. "
                        "Staan cookies uit in uw browser? Zet ze dan aan voor deze site."})
    try:
        correction = current_runtime().corrections().submit(service_id, text, email)
    except ValidationError as error:
        problems = {field: messages[0] for field, messages in (error.errors or {}).items()} \
            or {error.field or "algemeen": error.message}
        return _form_page(service, status=400, problems=problems, text=text[:MAX_TEXT + 100], email=email[:254])
    except NotFound:
        return render_template("not_found.html"), 404
    log.info("correction %s stored for service %s", correction.id, service_id)
    session[THANKS_KEY] = {"service_id": service_id, "email": bool(correction.email)}
    return redirect(url_for("pages.correction_thanks", service_id=service_id), 303)


@bp.route("/hulp/<service_id>/klopt-er-iets-niet", methods=["GET", "POST"])
def correction(service_id: str):
    if request.method == "POST":
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        return _limited(app, _submit)()
    service = _service_or_404(service_id)
    if service is None:
        return render_template("not_found.html"), 404
    return _form_page(service)


@bp.get("/hulp/<service_id>/bedankt")
def correction_thanks(service_id: str):
    service = _service_or_404(service_id)
    sent = session.get(THANKS_KEY) or {}
    if service is None or sent.get("service_id") != service_id:
        return redirect(url_for("pages.service", service_id=service_id) if service else url_for("pages.search"))
    return render_template("correction_thanks.html", service_id=service_id, service_name=service.name,
                           with_email=sent.get("email")), 200

"""Errors as ``application/problem+json`` (RFC 9457), as the NL GOV API Design Rules ask.

Domain errors carry Dutch messages; here they get an HTTP status. Nothing else leaks out:
an unexpected error is logged and answered with a plain 500 problem, never a stack trace.
"""
from __future__ import annotations

import logging
import uuid
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException

from socialekaart.shared.errors import (
    ConfigError,
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    SocialeKaartError,
    StoreCorrupt,
    StoreUnavailable,
    TooManyRequests,
    Unauthorized,
    ValidationError,
)

log = logging.getLogger(__name__)
GENERIC_DETAIL = {500: "Er ging iets mis aan onze kant. Probeer het later opnieuw.",
                  503: "De database is niet bereikbaar. Probeer het over een minuut opnieuw."}
PROBLEM_JSON = "application/problem+json"
# PreconditionFailed before Conflict: the first class that matches gives the status.
STATUS_FOR = {ValidationError: 400, NotFound: 404, PreconditionFailed: 412, Conflict: 409, StoreUnavailable: 503,
              StoreCorrupt: 503, ConfigError: 503, Unauthorized: 401, Forbidden: 403, TooManyRequests: 429}
DUTCH_TITLES = {400: "Ongeldige invoer", 401: "Niet aangemeld", 403: "Geen toegang", 404: "Niet gevonden",
                405: "Methode niet toegestaan", 406: "Formaat niet beschikbaar", 409: "Conflict",
                412: "Versie verouderd",
                413: "Verzoek te groot", 415: "Verkeerd inhoudstype", 422: "Ongeldige invoer",
                429: "Te veel verzoeken", 500: "Interne fout", 503: "Dienst niet beschikbaar"}


def problem(status: int, detail: str, *, invalid_params: list[dict[str, str]] | None = None,
            headers: dict[str, str] | None = None, extensions: dict[str, Any] | None = None) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": DUTCH_TITLES.get(status, HTTPStatus(status).phrase),
        "status": status,
        "detail": detail,
        "instance": request.path if request else None,
    }
    if invalid_params:
        body["invalidParams"] = invalid_params
    for key, value in (extensions or {}).items():
        body.setdefault(key, value)
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON)
    if status == 503:
        response.headers["Retry-After"] = "30"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _invalid_params(errors: dict[str, Any]) -> list[dict[str, str]]:
    """Flatten webargs/marshmallow messages {'query': {'age': ['...']}} to [{name, reason}]."""
    flat: list[dict[str, str]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix and not str(key).isdigit() else (prefix or str(key)), inner)
        elif isinstance(value, list):
            for item in value:
                walk(prefix, item)
        else:
            flat.append({"name": prefix, "reason": _dutch(str(value))})

    for location, fields in errors.items():
        if isinstance(fields, dict):
            for name, messages in fields.items():
                walk(str(name), messages)
        else:
            walk(location, fields)
    return flat


_TRANSLATIONS = {
    "Unknown field.": "Onbekende parameter.",
    "Not a valid integer.": "Geen geheel getal.",
    "Not a valid number.": "Geen getal.",
    "Not a valid boolean.": "Geen geldige waarde: gebruik true of false.",
    "Not a valid datetime.": "Geen geldig tijdstip: gebruik ISO 8601, zoals 2026-11-23T10:00:00+01:00.",
    "Not a valid string.": "Geen tekst.",
    "Missing data for required field.": "Is verplicht.",
    "Field may not be null.": "Mag niet leeg zijn.",
    "Invalid input type.": "Verkeerd type invoer.",
    "Not a valid list.": "Geen lijst.",
}


def _dutch(message: str) -> str:
    if message in _TRANSLATIONS:
        return _TRANSLATIONS[message]
    if message.startswith("Must be one of"):
        return "Moet een van deze zijn: " + message.split(":", 1)[-1].strip().rstrip(".")
    if message.startswith(("Must be greater", "Must be less", "Shorter than", "Longer than", "Length must")):
        return "Buiten het toegestane bereik (" + message + ")."
    return message


def register_problem_handlers(app: Flask) -> None:
    @app.errorhandler(SocialeKaartError)
    def domain_error(error: SocialeKaartError):
        status = next((code for kind, code in STATUS_FOR.items() if isinstance(error, kind)), 500)
        if status >= 500:
            return server_side(status, error)
        params = [{"name": name, "reason": reason} for name, reasons in error.errors.items() for reason in reasons]
        headers = {"WWW-Authenticate": 'Bearer realm="socialekaart"'} if status == 401 else {}
        if isinstance(error, TooManyRequests):
            headers["Retry-After"] = str(error.retry_after)
        return problem(status, error.message, invalid_params=params or None, headers=headers,
                       extensions=getattr(error, "extensions", None))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        messages = data.get("messages") if isinstance(data, dict) else None
        if messages:
            params = _invalid_params(messages)
            names = ", ".join(sorted({p["name"] for p in params}))
            return problem(400 if status == 422 else status, f"Controleer deze invoer: {names}.",
                           invalid_params=params)
        detail = {404: "Deze pagina of dit adres bestaat niet.",
                  405: "Deze methode is hier niet toegestaan.",
                  413: "Het verzoek is te groot."}.get(status, error.description or HTTPStatus(status).phrase)
        # Keep what the error says in its headers (405: Allow), but the body is ours.
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        return problem(status, detail, headers=headers)

    @app.before_request
    def json_bodies_only():
        """The API takes JSON bodies only: another content type is 415, and a PATCH needs a body (an
        empty one would otherwise count as 'no changes' and still be written)."""
        if request.method not in ("POST", "PUT", "PATCH") or not request.path.startswith("/api/"):
            return None
        if request.routing_exception is not None:  # no such operation: its 404 or 405 comes first
            return None
        has_body = bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "")
        if has_body and not request.is_json:
            return problem(415, "Stuur de gegevens als JSON, met Content-Type: application/json.")
        if request.method == "PATCH" and not has_body:
            return problem(400, "Geef de wijzigingen op als JSON.")
        return None

    @app.errorhandler(RecursionError)
    def too_deep(error: RecursionError):
        if request.mimetype and "json" in request.mimetype:  # the JSON parser gives up on nesting this deep
            return problem(400, "De JSON in het verzoek is te diep genest.")
        return unexpected(error)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        correlation = uuid.uuid4().hex
        log.exception("unexpected error on %s [correlationId=%s]", request.path, correlation)
        return problem(500, GENERIC_DETAIL[500], extensions={"correlationId": correlation})


def server_side(status: int, error: SocialeKaartError) -> Response:
    """A store or server fault: the database's own words, file paths and log lines go to the server
    log only; the client gets a generic Dutch problem and the correlation id to quote."""
    correlation = uuid.uuid4().hex
    log.error("%s on %s [correlationId=%s]: %s", type(error).__name__, request.path, correlation, error.message)
    return problem(status, GENERIC_DETAIL.get(status, GENERIC_DETAIL[500]), extensions={"correlationId": correlation})

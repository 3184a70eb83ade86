"""Content negotiation for the API operations (RFC 9110 §15.5.7): an ``Accept`` that allows none of
the media types an operation answers with (as its OpenAPI description documents them) nor
problem+json gets a 406 problem. No ``Accept`` or ``*/*`` is fine; pages are left alone. The OpenAPI
descriptions and the HSDS read API (``json_only``) answer JSON only."""
from __future__ import annotations

import re
from functools import cache

from flask import Flask, request
from flask_smorest import Api

from web.problems import PROBLEM_JSON, problem

JSON = "application/json"
_PARAMETER = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")


def register_negotiation(app: Flask, api: Api, prefix: str) -> None:
    @cache
    def offered() -> dict[tuple[str, str], frozenset[str]]:
        spec = api.spec.to_dict()
        return {(prefix + path, method): frozenset(
                    media for status, response in operation.get("responses", {}).items()
                    if str(status).startswith("2") for media in response.get("content", {"application/json": {}}))
                for path, item in spec["paths"].items() for method, operation in item.items()
                if isinstance(operation, dict) and "responses" in operation}

    @app.before_request
    def acceptable():
        if request.url_rule is None or not request.path.startswith(prefix + "/"):
            return None
        if request.path == f"{prefix}/openapi.json":
            return _refuse_unless(frozenset({JSON}))
        method = "get" if request.method == "HEAD" else request.method.lower()
        media = offered().get((_PARAMETER.sub(r"{\1}", request.url_rule.rule), method))
        return None if media is None else _refuse_unless(media)


def json_only(app: Flask, prefix: str) -> None:
    """Every address under ``prefix`` answers JSON (or a problem): 406 for an Accept without it."""
    @app.before_request
    def acceptable():
        if request.url_rule is None or not (request.path == prefix or request.path.startswith(prefix + "/")):
            return None
        return _refuse_unless(frozenset({JSON}))


def _refuse_unless(media: frozenset[str]):
    if not request.accept_mimetypes.provided:
        return None
    if request.accept_mimetypes.best_match(sorted(media | {PROBLEM_JSON})) is None:
        return problem(406, "Dit adres kan antwoorden als " + ", ".join(sorted(media)) +
                       ". Vraag daar een van in de Accept-header (of */*).")
    return None

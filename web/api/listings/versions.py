"""A listing's version as an HTTP entity tag: ``ETag: "7"`` on reads and writes, ``If-Match`` on writes.

A write without If-Match stays allowed (clients from before versions; they overwrite as before).
With it, a write based on another version answers 412 with the listing as it is now."""
from __future__ import annotations

from flask import Response, request

from socialekaart.shared.errors import PreconditionFailed
from web.api.shaping import service_etag as etag
from web.api.shaping import service_json
from web.problems import problem

NO_VERSION = -1  # an If-Match that names no version of ours never matches


def expected_version() -> int | None:
    """The version named by If-Match; None without the header or with ``*`` (any version)."""
    header = (request.headers.get("If-Match") or "").strip()
    if not header or header == "*":
        return None
    tag = header.split(",")[0].strip().removeprefix("W/").strip('"')
    return int(tag) if tag.isdigit() else NO_VERSION


def conflict_response(error: PreconditionFailed) -> Response:
    current = error.current  # the listing as it is now (a ServiceDetail), when known
    extensions = {"currentVersion": current.version, "current": service_json(current)} if current else {}
    headers = {"ETag": etag(current)} if current else {}
    return problem(412, error.message, headers=headers, extensions=extensions)

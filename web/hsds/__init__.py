"""The Open Referral HSDS 3.0 read API under /hsds (a plain Flask blueprint; OpenAPI at /hsds/openapi.json)."""
from __future__ import annotations

from flask import Flask

from web.api.negotiation import json_only
from web.hsds.routes import bp

__all__ = ["bp", "register_hsds"]


def register_hsds(app: Flask) -> None:
    app.register_blueprint(bp)
    json_only(app, bp.url_prefix or "/hsds")

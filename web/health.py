"""GET /health: status only for everyone (one cheap ping); backend, version and counts for an admin token."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from socialekaart.shared.errors import SocialeKaartError
from web.auth import authenticate, bearer_token
from web.bootstrap import current_runtime

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    runtime = current_runtime()
    if bearer_token() is not None and authenticate().role == "admin":
        return _details(runtime)
    try:
        up = runtime.store.ping()
    except SocialeKaartError:
        up = False
    return (jsonify(status="ok"), 200) if up else (jsonify(status="unavailable"), 503)


def _details(runtime):
    body = {"status": "ok", "backend": runtime.location.backend, "store": runtime.location.describe(),
            "version": current_app.config["SOCIALEKAART_VERSION"]}
    try:
        body["nodes"] = runtime.store.counts()
    except SocialeKaartError as exc:
        body.update(status="unavailable", detail=exc.message)
        return jsonify(body), 503
    return jsonify(body)

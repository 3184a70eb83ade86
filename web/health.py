"""GET /health: is the store reachable, which backend, how much is in it."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from socialekaart.shared.errors import SocialeKaartError
from web.bootstrap import current_runtime

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    runtime = current_runtime()
    body = {"status": "ok", "backend": runtime.location.backend, "store": runtime.location.describe(),
            "version": current_app.config["SOCIALEKAART_VERSION"]}
    try:
        body["nodes"] = runtime.store.counts()
    except SocialeKaartError as exc:
        body.update(status="unavailable", detail=exc.message)
        return jsonify(body), 503
    return jsonify(body)

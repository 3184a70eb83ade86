"""Interactive API docs at /api/v1/docs, with Swagger UI served from the swagger-ui-bundle package."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("api_docs", __name__)
PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>socialekaart API</title>
<link rel="stylesheet" href="/api/v1/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/v1/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/v1/docs/init.js"></script></body></html>"""
INIT = "window.ui = SwaggerUIBundle({url: '/api/v1/openapi.json', dom_id: '#swagger-ui'});"


@bp.get("/api/v1/docs")
def docs_page():
    return Response(PAGE, mimetype="text/html")


@bp.get("/api/v1/docs/init.js")
def docs_init():
    return Response(INIT, mimetype="text/javascript")


@bp.get("/api/v1/docs/assets/<path:filename>")
def docs_asset(filename: str):
    return send_from_directory(Path(swagger_ui_path), filename, max_age=86400)

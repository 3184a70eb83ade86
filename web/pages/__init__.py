"""The public pages for inwoners: search (/) and one service (/hulp/<id>), server-rendered.

Templates live in ``web/templates`` and static files in ``web/static`` (the app's own
folders, served at /static). Leaflet comes from the xstatic wheels, under /static/vendor.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pages", __name__, template_folder="../templates")

from web.pages import corrections, routes  # noqa: E402,F401  (register the views on bp)

"""The dashboard of the lokale inventarisatie for regio coordinators: /inventarisatie.

The page is a shell: its figures come from /api/v1/coverage and /api/v1/gaps, which check who
is asking (coordinators see their own gemeenten or regio; aggregates only). Until the pages have
a password sign-in with a session, the coordinator signs in on the page with a personal access
token (``socialekaart accounts token``), kept for this browser tab only.
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from socialekaart import taxonomy
from socialekaart.model import area_kind_of

bp = Blueprint("dashboard", __name__, url_prefix="/inventarisatie", template_folder="../templates")
DEFAULT_LIFE_DOMAIN = "sociaal-netwerk"


@bp.get("")
def dashboard():
    area = request.args.get("gebied", "")
    domain = request.args.get("leefgebied", "")
    runtime = current_app.extensions["socialekaart"]
    return render_template(
        "dashboard.html",
        life_domains=[(t.code, t.label) for t in taxonomy.LIFE_DOMAINS],
        start_area=area if area_kind_of(area) else "",
        start_domain=domain if domain in taxonomy.LIFE_DOMAIN_BY_CODE else DEFAULT_LIFE_DOMAIN,
        tile_url=runtime.settings.tile_url or "",
        reach_km=str(runtime.settings.reach_threshold_m / 1000).replace(".", ",").removesuffix(",0"),
    )

"""/organisatie: the beheerder's werkplek page, the services of its own organisation.

Where a beheerder lands after signing in (not on the public page). Changing a listing goes through
the API (PATCH /api/v1/services/{id}) for now; this page says so.
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

from web.bootstrap import referral_runtime
from web.pages.formatting import rung_text
from web.pages.session import current_account, login_required, protect_forms, register_page_errors

bp = Blueprint("organization_pages", __name__, template_folder="../templates")
protect_forms(bp)
register_page_errors(bp)


@bp.get("/organisatie")
@login_required(roles="beheerder")
def own_organization():
    account = current_account()
    catalog = referral_runtime(current_app._get_current_object()).runtime.catalog
    organization, services = catalog.organization(account.organization_id or "")
    rows = [{**s, "rung_label": rung_text(s["rung"])[0]} for s in services]
    return render_template("organization.html", organization=organization, services=rows, active="organisatie")

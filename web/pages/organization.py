"""/organisatie: the beheerder's werkplek page, the services of its own organisation.

Where a beheerder lands after signing in (not on the public page). Each listing with when it was
last checked, flagged when that is longer ago than ``stale_after_days`` (SOCIALEKAART_STALE_AFTER_DAYS),
a link to edit it and a 'gecontroleerd' button (web/pages/listings.py); and the corrections inwoners
sent ('Klopt er iets niet?') that still wait for the beheerder's answer.
"""
from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, current_app, render_template

from socialekaart.catalog.listings import is_stale
from socialekaart.coverage.gaps import period_text
from socialekaart.shared.clock import local_date
from web.bootstrap import referral_runtime
from web.pages.formatting import date_text, rung_text
from web.pages.session import current_account, login_required, protect_forms, register_page_errors

bp = Blueprint("organization_pages", __name__, template_folder="../templates")
protect_forms(bp)
register_page_errors(bp)


@bp.get("/organisatie")
@login_required(roles="beheerder")
def own_organization():
    account = current_account()
    rr = referral_runtime(current_app._get_current_object())
    catalog = rr.runtime.catalog
    organization, services = catalog.organization(account.organization_id or "")
    today = local_date(rr.clock())
    stale_days = rr.runtime.settings.stale_after_days
    rows = []
    for summary in services:
        service = catalog.service(summary.id)
        verified = service.last_verified
        rows.append({**asdict(summary), "rung_label": rung_text(summary.rung)[0], "version": service.version,
                     "verified_text": date_text(verified),
                     "stale": is_stale(verified, today=today, stale_after_days=stale_days)})
    names = {row["id"]: row["name"] for row in rows}
    corrections = [{**c.as_dict(), "service_name": names.get(c.service_id), "date_text": date_text(c.created_at)}
                   for c in rr.runtime.corrections(clock=rr.clock).open_for(account)]
    return render_template("organization.html", organization=organization, services=rows, active="organisatie",
                           stale_text=period_text(stale_days), corrections=corrections)

"""E-mail preferences in the werkplek (/werkplek/meldingen), status links for the inwoner on a
referral (make: POST /verwijzingen/<id>/statuslink, revoke: …/statuslink/<link>/intrekken) and the
public status page the inwoner opens (/status/<token>).

The token is shown once, on the page that answers the POST (never in a flash or redirect). The
public page is never cached, sends no referrer and is not indexed.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for

from socialekaart.notifications.messages import KINDS
from socialekaart.shared.clock import parse_iso
from socialekaart.shared.errors import NotFound
from socialekaart.shared.hours import LOCAL_TZ
from web.bootstrap import referral_runtime
from web.pages.formatting import MONTHS
from web.pages.session import current_account, login_required, protect_forms, register_page_errors

bp = Blueprint("notification_pages", __name__, template_folder="../templates")
protect_forms(bp)
register_page_errors(bp)
status_bp = Blueprint("status_page", __name__, template_folder="../templates")


def _rr():
    return referral_runtime(current_app._get_current_object())


def day_text(stored: str) -> str:
    moment = parse_iso(stored).astimezone(LOCAL_TZ)
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


@bp.route("/werkplek/meldingen", methods=["GET", "POST"])
@login_required
def preferences():
    actor = current_account()
    service = _rr().notifications
    if request.method == "POST":
        wanted = {kind: request.form.get(f"melding-{kind}") == "aan" for kind in KINDS}
        service.set_preferences(actor, wanted)
        flash("Uw meldingen zijn opgeslagen.", "ok")
        return redirect(url_for(".preferences"), 303)
    return render_template("notification_preferences.html", kinds=KINDS, current=service.preferences(actor),
                           email=actor.email, active="meldingen")


def made_page(referral_id: str, *, status: int = 201):
    """Make a status link and show it, once."""
    made = _rr().status_links.create(current_account(), referral_id)
    url = _rr().settings.public_url + url_for("status_page.status", token=made["token"])
    return render_template("status_link_made.html", link=made, url=url, referral_id=referral_id,
                           expires_text=day_text(made["expires_at"]), active="inbox"), status


@bp.post("/verwijzingen/<referral_id>/statuslink")
@login_required(roles="professional")
def make_link(referral_id: str):
    return made_page(referral_id)


@bp.post("/verwijzingen/<referral_id>/statuslink/<link_id>/intrekken")
@login_required(roles="professional")
def revoke_link(referral_id: str, link_id: str):
    _rr().status_links.revoke(current_account(), referral_id, link_id)
    flash("De statuslink is ingetrokken. Hij werkt niet meer.", "ok")
    return redirect(url_for("referral_pages.referral", referral_id=referral_id), 303)


@bp.get("/verwijzingen/<referral_id>/statuslinks")
@login_required(roles="professional")
def links(referral_id: str):
    found = _rr().status_links.links(current_account(), referral_id)
    return render_template("status_links.html", links=found, referral_id=referral_id, day_text=day_text,
                           active="inbox")


@status_bp.get("/status/<token>")
def status(token: str):
    try:
        shown = _rr().status_links.status(token)
        page, code = render_template("status.html", s=shown), 200
    except NotFound as gone:
        page, code = render_template("status.html", s=None, gone=gone.message), 404
    response = make_response(page, code)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response

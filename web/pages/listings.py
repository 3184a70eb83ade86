"""The beheerder's werkplek pages for its own listings: add one, edit every field of it, mark it
'gecontroleerd', remove it; and the coordinator's list of listings nobody checked lately
(/werkplek/verouderd).

Every change goes through the same domain path as the API (``ListingService``): the same
validation, and the version the form was opened on. When someone else saved in between, nothing is
written and the page shows their values next to the beheerder's, who then chooses.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from socialekaart.catalog.corrections import CorrectionService
from socialekaart.catalog.listings import ListingService
from socialekaart.catalog.records import ServiceDetail, ServiceRecord
from socialekaart.coverage.gaps import period_text
from socialekaart.shared.errors import Conflict, NotFound, PreconditionFailed, ValidationError
from web.bootstrap import referral_runtime
from web.pages.formatting import date_text
from web.pages.listing_form import (
    FIELDS,
    NOT_ASKED,
    REQUIRED,
    SECTIONS,
    changes_of,
    empty_form,
    form_values,
    page_problems,
    read_form,
    shown,
)
from web.pages.session import current_account, login_required, protect_forms, register_page_errors

bp = Blueprint("listing_pages", __name__, template_folder="../templates")
protect_forms(bp)
register_page_errors(bp)


def _listings() -> ListingService:
    rr = referral_runtime(current_app._get_current_object())
    return rr.runtime.listings(clock=rr.clock)


def _stored_form(listings: ListingService, service: ServiceRecord) -> dict[str, Any]:
    stored = listings.read_service(service.id)
    return form_values(service, stored.location if stored else None)


def _version() -> int | None:
    text = request.form.get("versie", "")
    return int(text) if text.isdigit() else None


@bp.route("/organisatie/voorzieningen/nieuw", methods=["GET", "POST"])
@login_required(roles="beheerder")
def new():
    account = current_account()
    if request.method == "GET":
        return _edit_page(None, empty_form(), version=None)
    form = read_form(request.form)
    changes, problems = changes_of(form)
    if problems:
        return _edit_page(None, form, version=None, problems=problems, status=400)
    try:
        saved = _listings().create(account, account.organization_id or "", changes)
    except ValidationError as error:
        return _edit_page(None, form, version=None, problems=page_problems(error.errors, error.message), status=400)
    flash(f"{saved.name} staat op de kaart, gecontroleerd op {date_text(saved.last_verified)}.", "ok")
    return redirect(url_for("organization_pages.own_organization"), 303)


@bp.route("/organisatie/voorzieningen/<service_id>", methods=["GET", "POST"])
@login_required(roles="beheerder")
def edit(service_id: str):
    listings = _listings()
    service = listings.catalog.service(service_id)
    listings.check_may_edit(current_account(), service.organization_id)
    correction = _correction(request.values.get("correctie"))
    if request.method == "GET":
        return _edit_page(service, _stored_form(listings, service), version=service.version, correction=correction)
    form = read_form(request.form)
    changes, problems = changes_of(form)
    if problems:
        return _edit_page(service, form, version=_version(), problems=problems, status=400, correction=correction)
    try:
        saved = listings.update(current_account(), service_id, changes, expected_version=_version())
    except ValidationError as error:
        return _edit_page(service, form, version=_version(), problems=page_problems(error.errors, error.message),
                          status=400, correction=correction)
    except PreconditionFailed as error:
        current = error.current or listings.catalog.service(service_id)
        theirs = _stored_form(listings, current)
        changed = [{"name": name, "label": f.label, "theirs": shown(theirs[name], f), "yours": shown(form[name], f)}
                   for name, f in FIELDS.items() if theirs[name] != form[name]]
        # The form keeps the beheerder's values on the new version: saving again overwrites theirs.
        return _edit_page(current, form, version=current.version, conflict=changed, status=409,
                          correction=correction)
    if correction is not None:
        try:
            _corrections().accept(current_account(), correction["id"])
        except Conflict:
            pass  # someone else settled it meanwhile; the change itself is saved
        flash("De correctie is verwerkt.", "ok")
    flash(f"Opgeslagen en gecontroleerd op {date_text(saved.last_verified)}.", "ok")
    return redirect(url_for("organization_pages.own_organization"), 303)


def _corrections() -> CorrectionService:
    rr = referral_runtime(current_app._get_current_object())
    return rr.runtime.corrections(clock=rr.clock)


def _correction(correction_id: str | None) -> dict[str, Any] | None:
    """The open correction the beheerder is working on (?correctie=…), checked: its own and still open."""
    if not correction_id:
        return None
    found = _corrections().check_open(current_account(), correction_id)
    return {**found.as_dict(), "date_text": date_text(found.created_at)}


@bp.post("/organisatie/correcties/<correction_id>/afwijzen")
@login_required(roles="beheerder")
def reject_correction(correction_id: str):
    try:
        _corrections().reject(current_account(), correction_id, request.form.get("reden", "")[:2000])
    except ValidationError as error:
        flash(f"Niet afgewezen: {error.message}", "fout")
    except Conflict as error:
        flash(error.message, "fout")
    else:
        flash("De correctie is afgewezen.", "ok")
    return redirect(url_for("organization_pages.own_organization"), 303)


@bp.route("/organisatie/voorzieningen/<service_id>/verwijderen", methods=["GET", "POST"])
@login_required(roles="beheerder")
def remove(service_id: str):
    listings = _listings()
    service = listings.catalog.service(service_id)
    listings.check_may_edit(current_account(), service.organization_id)
    if request.method == "GET":
        return render_template("listing_remove.html", service=service, version=service.version,
                               active="organisatie")
    try:
        listings.remove(current_account(), service_id, expected_version=_version())
    except PreconditionFailed:
        flash("Deze voorziening is intussen gewijzigd. Bekijk de nieuwe gegevens; er is niets verwijderd.", "fout")
        return redirect(url_for("listing_pages.edit", service_id=service_id), 303)
    except NotFound:
        flash("Deze voorziening was al verwijderd.", "ok")
        return redirect(url_for("organization_pages.own_organization"), 303)
    flash(f"{service.name} is van de kaart gehaald. Doorverwijzingen ernaar blijven zichtbaar.", "ok")
    return redirect(url_for("organization_pages.own_organization"), 303)


@bp.get("/werkplek/verouderd")
@login_required(roles=("coordinator", "admin"))
def stale():
    """The coordinator's list of listings to chase, per gemeente of its area."""
    rr = referral_runtime(current_app._get_current_object())
    report = rr.runtime.stale_listings(clock=rr.clock).per_gemeente(current_account())
    for group in report["gemeenten"]:
        group["services"] = [{**asdict(service), "verified_text": date_text(service.last_verified)}
                             for service in group["services"]]
    return render_template("stale_listings.html", report=report, stale_text=period_text(report["staleAfterDays"]),
                           active="verouderd")


@bp.post("/organisatie/voorzieningen/<service_id>/gecontroleerd")
@login_required(roles="beheerder")
def verify(service_id: str):
    try:
        saved = _listings().update(current_account(), service_id, expected_version=_version())
    except PreconditionFailed:
        flash("Deze voorziening is intussen gewijzigd. Bekijk de nieuwe gegevens en controleer opnieuw.", "fout")
        return redirect(url_for("listing_pages.edit", service_id=service_id), 303)
    flash(f"{saved.name}: gecontroleerd op {date_text(saved.last_verified)}.", "ok")
    return redirect(url_for("organization_pages.own_organization"), 303)


def _edit_page(service: ServiceDetail | None, form: dict[str, Any], *, version: int | None,
               problems: dict[str, str] | None = None, conflict: list[dict[str, str]] | None = None,
               status: int = 200, correction: dict[str, Any] | None = None):
    return render_template("listing_edit.html", service=service, form=form, version=version, sections=SECTIONS,
                           fields=FIELDS, not_asked=NOT_ASKED,
                           verified_text=date_text(service.last_verified) if service else None,
                           required=REQUIRED, problems=problems or {}, conflict=conflict, correction=correction,
                           active="organisatie"), status

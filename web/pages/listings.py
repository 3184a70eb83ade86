"""The beheerder's werkplek pages for its own listings: edit one and mark it 'gecontroleerd'; and the
coordinator's list of listings nobody checked lately (/werkplek/verouderd).

Every change goes through the same domain path as the API (``ListingService.update``): the same
validation, and the version the form was opened on. When someone else saved in between, nothing is
written and the page shows their values next to the beheerder's, who then chooses.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from socialekaart.catalog.listings import ListingService
from socialekaart.coverage.gaps import period_text
from socialekaart.shared.errors import PreconditionFailed, ValidationError
from web.bootstrap import referral_runtime
from web.pages.formatting import date_text
from web.pages.session import current_account, login_required, protect_forms, register_page_errors

bp = Blueprint("listing_pages", __name__, template_folder="../templates")
protect_forms(bp)
register_page_errors(bp)

# Form field (the API's name) -> (label, key in the stored listing, hint, maxlength, several lines)
FIELDS: dict[str, tuple[str, str, str | None, int, bool]] = {
    "name": ("Naam", "name", None, 200, False),
    "description": ("Omschrijving", "description", "Wat u doet en voor wie, in gewone woorden.", 4000, True),
    "phone": ("Telefoon", "phone", "Bijvoorbeeld 0113 123456", 30, False),
    "email": ("E-mailadres", "email", None, 320, False),
    "website": ("Website", "website", "Met https://", 500, False),
    "openingHours": ("Openingstijden", "hours_text", "Zoals ma-vr 09:00-17:00; za 10:00-12:00", 500, False),
    "waitWeeks": ("Wachttijd in weken", "wait_weeks", "Een heel getal; leeg als u het niet weet.", 3, False),
    "capacityNote": ("Plaats en capaciteit", "capacity_note", None, 500, True),
    "costNote": ("Kosten", "cost_note", None, 500, True),
}
REQUIRED = {"name"}


def _listings() -> ListingService:
    rr = referral_runtime(current_app._get_current_object())
    return rr.runtime.listings(clock=rr.clock)


def form_values(service: dict[str, Any]) -> dict[str, str]:
    """The stored listing as the form shows it."""
    values = {}
    for name, (_, key, *_rest) in FIELDS.items():
        value = service.get(key)
        values[name] = "" if value is None else str(value)
    return values


def _changes(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The form as changes for ListingService (an empty field clears it), and problems found here."""
    changes: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name in FIELDS:
        text = form.get(name, "").strip()
        if name == "waitWeeks" and text:
            if not text.isdigit():
                problems[name] = "Vul een heel aantal weken in, zoals 3."
                continue
            changes[name] = int(text)
        elif name in REQUIRED and not text:
            problems[name] = "Vul dit in."
        else:
            changes[name] = text or None
    return changes, problems


def _version() -> int | None:
    text = request.form.get("versie", "")
    return int(text) if text.isdigit() else None


@bp.route("/organisatie/voorzieningen/<service_id>", methods=["GET", "POST"])
@login_required(roles="beheerder")
def edit(service_id: str):
    listings = _listings()
    service = listings.catalog.service(service_id)
    listings.check_may_edit(current_account(), service)
    if request.method == "GET":
        return _edit_page(service, form_values(service), version=service["version"])
    form = {name: request.form.get(name, "") for name in FIELDS}
    changes, problems = _changes(form)
    if problems:
        return _edit_page(service, form, version=_version(), problems=problems, status=400)
    try:
        saved = listings.update(current_account(), service_id, changes, expected_version=_version())
    except ValidationError as error:
        problems = {name: reasons[0] for name, reasons in error.errors.items()} or {"algemeen": error.message}
        return _edit_page(service, form, version=_version(), problems=problems, status=400)
    except PreconditionFailed as error:
        current = error.current or listings.catalog.service(service_id)
        theirs = form_values(current)
        changed = [{"name": name, "label": FIELDS[name][0], "theirs": theirs[name], "yours": form[name].strip()}
                   for name in FIELDS if theirs[name] != form[name].strip()]
        # The form keeps the beheerder's values on the new version: saving again overwrites theirs.
        return _edit_page(current, form, version=current["version"], conflict=changed, status=409)
    flash(f"Opgeslagen en gecontroleerd op {date_text(saved.get('last_verified'))}.", "ok")
    return redirect(url_for("organization_pages.own_organization"), 303)


@bp.get("/werkplek/verouderd")
@login_required(roles=("coordinator", "admin"))
def stale():
    """The coordinator's list of listings to chase, per gemeente of its area."""
    rr = referral_runtime(current_app._get_current_object())
    report = rr.runtime.stale_listings(clock=rr.clock).per_gemeente(current_account())
    for group in report["gemeenten"]:
        for service in group["services"]:
            service["verified_text"] = date_text(service.get("last_verified"))
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
    flash(f"{saved['name']}: gecontroleerd op {date_text(saved.get('last_verified'))}.", "ok")
    return redirect(url_for("organization_pages.own_organization"), 303)


def _edit_page(service: dict[str, Any], form: dict[str, str], *, version: int | None,
               problems: dict[str, str] | None = None, conflict: list[dict[str, str]] | None = None,
               status: int = 200):
    return render_template("listing_edit.html", service=service, form=form, version=version, fields=FIELDS,
                           verified_text=date_text(service.get("last_verified")),
                           required=REQUIRED, problems=problems or {}, conflict=conflict,
                           active="organisatie"), status

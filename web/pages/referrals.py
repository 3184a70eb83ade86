"""The referral pages for professionals: refer from a search hit (/verwijzen/<service id>), the inbox
(/inbox), one referral with its history and messages (/verwijzingen/<id>), status changes (POST
/verwijzingen/<id>/status), messages (POST /verwijzingen/<id>/berichten), passing a referral on
(/verwijzingen/<id>/doorverwijzen) and referring again (/verwijzen/<service id>?opnieuw=<id>).

Views parse the form, call ReferralService (the rules, the audit and the privacy live there) and
shape the answer. Every form works without JavaScript; every POST carries a CSRF token.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from socialekaart.catalog.records import ServiceDetail
from socialekaart.referrals.lifecycle import (
    CANCEL_REASONS,
    CONSENT_METHODS,
    DECLINE_REASONS,
    LEGAL_BASES,
    MAX_MESSAGE,
    OUTCOMES,
    RECEIVER,
    SENDER,
    STATE_LABELS,
    URGENCIES,
    consent_covers,
    next_states,
    parse_new_referral,
    refuse_confidential,
)
from socialekaart.shared import taxonomy
from socialekaart.shared.clock import local_date, parse_iso
from socialekaart.shared.errors import Conflict, Forbidden, NotFound, ValidationError
from socialekaart.shared.hours import LOCAL_TZ
from socialekaart.shared.validation import ID_PATTERN
from web.bootstrap import referral_runtime
from web.pages.formatting import MONTHS
from web.pages.notifications import made_page
from web.pages.referral_forms import ReferForm, choices, form_problems
from web.pages.session import current_account, login_required, protect_forms, register_page_errors, safe_next

bp = Blueprint("referral_pages", __name__, template_folder="../templates")
protect_forms(bp)
register_page_errors(bp)

PAGE_SIZE = 20
BOXES = {"ontvangen": "received", "verstuurd": "sent"}
# The buttons for each next status: (label, what the step needs besides the button).
STEPS = {
    "verzonden": ("Versturen", None),
    # Never a tab's name ("Ontvangen", "Verstuurd"): a button says what it does.
    "ontvangen": ("Ontvangst bevestigen", None),
    "geaccepteerd": ("Accepteren", None),
    "wachtlijst": ("Op de wachtlijst", None),
    "gestart": ("Hulp is gestart", None),
    "afgewezen": ("Afwijzen", "reason"),
    "afgerond": ("Afronden", "outcome"),
    "geannuleerd": ("Annuleren", "cancel"),
    "doorverwezen": ("Doorverwijzen", "forward"),
}
OVERDUE_LABELS = {"niet-ontvangen": "Te laat: nog niet ontvangen",
                  "niet-geaccepteerd": "Te laat: nog niet geaccepteerd"}
SIDE_LABELS = {SENDER: "verwijzer", RECEIVER: "ontvanger", "systeem": "systeem"}


def _rr():
    return referral_runtime(current_app._get_current_object())


def _today() -> date:
    return local_date(_rr().clock())


def when_text(value: str | None) -> str:
    """'2026-01-12T09:00:00.000+00:00' -> '12 januari 2026, 10.00 uur' (Dutch time)."""
    if not value:
        return ""
    moment = parse_iso(value).astimezone(LOCAL_TZ)
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}, {moment:%H.%M} uur"


def day_text(value: str | None) -> str:
    if not value:
        return ""
    day = date.fromisoformat(value[:10])
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def domain_labels(codes: list[str]) -> str:
    return ", ".join(taxonomy.LIFE_DOMAIN_BY_CODE[c].label if c in taxonomy.LIFE_DOMAIN_BY_CODE else c
                     for c in codes or [])


@bp.context_processor
def labels() -> dict[str, Any]:
    return {"when_text": when_text, "day_text": day_text, "domain_labels": domain_labels,
            "state_labels": STATE_LABELS, "overdue_labels": OVERDUE_LABELS, "steps": STEPS,
            "decline_reasons": DECLINE_REASONS, "cancel_reasons": CANCEL_REASONS, "outcomes": OUTCOMES,
            "urgency_labels": URGENCIES, "consent_method_labels": CONSENT_METHODS, "legal_basis_labels": LEGAL_BASES,
            "side_labels": SIDE_LABELS, "max_message": MAX_MESSAGE}


def _actions(status: str, sides: list[str]) -> list[str]:
    """The steps this organisation may take now (the domain's table), in the table's order."""
    return [t for side in sides for t in next_states(status, side)]


# -- refer -------------------------------------------------------------------------------------
def _service_or_404(service_id: str) -> ServiceDetail:
    if not ID_PATTERN.match(service_id):
        raise NotFound("Deze voorziening bestaat niet.")
    return _rr().runtime.catalog.service(service_id)


def _refer_page(service: ServiceDetail, form: ReferForm, *, problems: dict[str, str] | None = None,
                original: dict[str, Any] | None = None, rerefer: dict[str, Any] | None = None,
                consent_carried: bool = False, status: int = 200):
    return render_template("refer.html", service=service, form=form, problems=problems or {}, original=original,
                           rerefer=rerefer, consent_carried=consent_carried, active="inbox", **choices()), status


@bp.route("/verwijzen/<service_id>", methods=["GET", "POST"])
@login_required(roles="professional")
def refer(service_id: str):
    """The refer form for one service; with ?van=<referral id> it passes that referral on (doorverwijzen)."""
    actor = current_account()
    service = _service_or_404(service_id)
    if request.values.get("opnieuw"):
        return _rerefer(actor, service, request.values["opnieuw"])
    original_id = request.values.get("van") or None
    original = _rr().referrals.get(actor, original_id) if original_id else None
    if original is not None and "doorverwezen" not in original["allowed_next"]:
        raise Conflict(f"Deze doorverwijzing kan nu niet worden doorverwezen: de status is "
                       f"'{STATE_LABELS[original['status']]}'.")
    refuse_confidential(service.name, service.confidential)
    if request.method == "GET":
        return _refer_page(service, _blank_form(service, original), original=original)

    form = ReferForm.from_form(request.form)
    data = form.referral_data(service.id, service.organization_id)
    problems = form.own_problems()
    try:
        parse_new_referral(data, today=_today())  # checks only; nothing is written while anything is wrong
    except ValidationError as error:
        problems = {**form_problems(error), **problems}
    if problems:
        return _refer_page(service, form, problems=problems, original=original, status=400)
    try:
        if original is not None:
            changed = _rr().referrals.transition(actor, original["id"], "doorverwezen", forward=data,
                                                 expected_version=original["version"])
            flash(f"Doorverwezen naar {service.org_name or service.name}. De nieuwe doorverwijzing is "
                  "verstuurd.", "ok")
            return redirect(url_for(".referral", referral_id=changed["forwarded_to"]), 303)
        send = form.action == "versturen"
        created = _rr().referrals.create(actor, data, send=send)
    except ValidationError as error:
        return _refer_page(service, form, problems=form_problems(error), original=original, status=400)
    except (Forbidden, Conflict, NotFound) as error:
        status = 403 if isinstance(error, Forbidden) else 409 if isinstance(error, Conflict) else 404
        return _refer_page(service, form, problems={"algemeen": error.message}, original=original, status=status)
    if send and request.form.get("statuslink") == "ja":  # opt-in: the link is shown once, on this answer
        flash(f"Verstuurd naar {service.org_name or service.name}.", "ok")
        return made_page(created["id"], status=200)
    if send:
        flash(f"Verstuurd naar {service.org_name or service.name}.", "ok")
    else:
        flash("Opgeslagen als concept. Nog niet verstuurd: de ontvanger ziet het pas na versturen.", "ok")
    return redirect(url_for(".referral", referral_id=created["id"]), 303)


def _rerefer(actor, service: ServiceDetail, original_id: str):
    """The refer form pre-filled from a closed referral of the sender (opnieuw verwijzen). The recorded
    consent is filled in only when it covers this service's organisation; otherwise it is asked again."""
    original = _rr().referrals.get(actor, original_id)
    if not original["can_rerefer"]:
        raise Conflict("Deze doorverwijzing kan nu niet opnieuw worden verwezen: dat kan alleen door de verwijzer, "
                       "één keer, na afwijzen, verlopen of afronden met 'niet geholpen'.")
    refuse_confidential(service.name, service.confidential)
    consent = original.get("consent") or {}
    covered = consent_covers(consent, service.organization_id)
    page = {"rerefer": original, "consent_carried": covered}
    if request.method == "GET":
        contact = original.get("contact") or {}
        values: dict[str, Any] = {
            "urgency": original.get("urgency") or "normaal", "request_text": original.get("request_text") or "",
            "contact_name": contact.get("name", ""), "contact_phone": contact.get("phone", ""),
            "contact_email": contact.get("email", ""), "contact_reachable": contact.get("reachable", ""),
            "client_ref": original.get("client_ref") or "", "action": "versturen"}
        if covered:
            values.update(consent_purpose=consent.get("purpose") or "",
                          consent_method=consent.get("method") or "", consent_confirmed=True)
        form = ReferForm.blank(list(original["life_domains"]), **values)
        return _refer_page(service, form, **page)

    form = ReferForm.from_form(request.form)
    data = form.referral_data(service.id, service.organization_id)
    problems = form.own_problems()
    try:
        parse_new_referral(data, today=_today())  # checks only; nothing is written while anything is wrong
    except ValidationError as error:
        problems = {**form_problems(error), **problems}
    if problems:
        return _refer_page(service, form, problems=problems, status=400, **page)
    raw_version = request.form.get("versie", "")
    try:
        created = _rr().referrals.rerefer(actor, original["id"], data,
                                          expected_version=int(raw_version) if raw_version.isdigit() else None)
    except ValidationError as error:
        return _refer_page(service, form, problems=form_problems(error), status=400, **page)
    except (Forbidden, Conflict, NotFound) as error:
        status = 403 if isinstance(error, Forbidden) else 409 if isinstance(error, Conflict) else 404
        return _refer_page(service, form, problems={"algemeen": error.message}, status=status, **page)
    flash(f"Opnieuw verwezen naar {service.org_name or service.name}. De nieuwe doorverwijzing is verstuurd.",
          "ok")
    return redirect(url_for(".referral", referral_id=created["id"]), 303)


def _blank_form(service: ServiceDetail, original: dict[str, Any] | None) -> ReferForm:
    if original is None:
        wanted = [c for c in request.args.getlist("leefgebied") if c in service.life_domains]
        return ReferForm.blank(wanted or list(service.life_domains))
    contact = original.get("contact") or {}
    return ReferForm.blank(list(original["life_domains"]), urgency=original.get("urgency") or "normaal",
                           request_text=original.get("request_text") or "", contact_name=contact.get("name", ""),
                           contact_phone=contact.get("phone", ""), contact_email=contact.get("email", ""),
                           contact_reachable=contact.get("reachable", ""), client_ref=original["id"],
                           action="versturen")


# -- inbox -------------------------------------------------------------------------------------
SORT_LABELS = {"nieuwste": "Nieuwste eerst", "oudste": "Oudste eerst", "termijn": "Termijn het eerst voorbij",
               "urgentie": "Spoed eerst"}


def _inbox_filters(folder: str) -> dict[str, Any]:
    """The filters asked for in the query string; unknown values are left out."""
    allowed = [s for s in STATE_LABELS if not (folder == "ontvangen" and s == "concept")]
    status = request.args.get("status", "")
    urgency = request.args.get("urgentie", "")
    sort = request.args.get("sorteer", "")
    return {"status": status if status in allowed else "", "urgentie": urgency if urgency in URGENCIES else "",
            "sorteer": sort if sort in SORT_LABELS else "nieuwste", "te-laat": request.args.get("te-laat") == "ja"}


def _inbox_query(folder: str, filters: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The query string of this inbox view, without the defaults."""
    merged = {**filters, **changes}
    query: dict[str, Any] = {"map": folder}
    for key in ("status", "urgentie"):
        if merged[key]:
            query[key] = merged[key]
    if merged["sorteer"] != "nieuwste":
        query["sorteer"] = merged["sorteer"]
    if merged["te-laat"]:
        query["te-laat"] = "ja"
    if merged.get("pagina", 1) > 1:
        query["pagina"] = merged["pagina"]
    return query


@bp.get("/inbox")
@login_required(roles="professional")
def inbox():
    folder = request.args.get("map", "ontvangen")
    if folder not in BOXES:
        folder = "ontvangen"
    raw_page = request.args.get("pagina", "1")
    page_number = int(raw_page) if raw_page.isdigit() and 1 <= int(raw_page) <= 10_000 else 1
    filters = _inbox_filters(folder)
    actor = current_account()
    found = _rr().referrals.list(actor, box=BOXES[folder], overdue=filters["te-laat"], page=page_number,
                                 page_size=PAGE_SIZE, statuses=[filters["status"]] if filters["status"] else [],
                                 urgencies=[filters["urgentie"]] if filters["urgentie"] else [],
                                 sort=filters["sorteer"])
    counts = _rr().referrals.counts(actor)
    side = RECEIVER if folder == "ontvangen" else SENDER
    items = [{**item, "actions": _actions(item["status"], [side])} for item in found.items]
    back = url_for(".inbox", **_inbox_query(folder, filters, pagina=page_number))
    statuses = [s for s in STATE_LABELS if not (folder == "ontvangen" and s == "concept")]
    return render_template("inbox.html", folder=folder, filters=filters, overdue=filters["te-laat"], page=found,
                           items=items, back=back, counts=counts, statuses=statuses, sort_labels=SORT_LABELS,
                           query=lambda **changes: _inbox_query(folder, filters, **changes), active="inbox")


# -- one referral ------------------------------------------------------------------------------
def _detail_page(referral_id: str, *, problem: str | None = None, status: int = 200,
                 referral: dict[str, Any] | None = None, typed: str = ""):
    referral = referral or _rr().referrals.get(current_account(), referral_id)
    sides = [s for s in (SENDER, RECEIVER) if referral["side"] in (s, "beide")]
    actions = [t for t in referral["allowed_next"] if t in STEPS]
    return render_template("referral.html", r=referral, sides=sides, actions=actions, problem=problem,
                           timeline=timeline(referral), typed=typed,
                           back=url_for(".referral", referral_id=referral_id), active="inbox"), status


def timeline(referral: dict[str, Any]) -> list[dict[str, Any]]:
    """The history and the messages together, oldest first (a step before a message at the same moment)."""
    items = [{"kind": "stap", **e} for e in referral["events"]]
    items += [{"kind": "bericht", **m} for m in referral.get("messages") or []]
    order = {id(item): n for n, item in enumerate(items)}
    return sorted(items, key=lambda item: (item["at"], order[id(item)]))


@bp.get("/verwijzingen/<referral_id>")
@login_required(roles="professional")
def referral(referral_id: str):
    return _detail_page(referral_id, referral=_opened(referral_id))


def _opened(referral_id: str) -> dict[str, Any] | None:
    """The referral as opened. Opening a sent referral as its receiver confirms it arrived: the step
    verzonden → ontvangen, once (after that the status is no longer 'verzonden')."""
    actor = current_account()
    found = _rr().referrals.get(actor, referral_id)
    if found["status"] != "verzonden" or found["side"] not in (RECEIVER, "beide"):
        return found
    try:
        received = _rr().referrals.transition(actor, referral_id, "ontvangen", expected_version=found["version"])
    except Conflict:
        return None  # changed meanwhile (a colleague, or the sender cancelled): read it as it is now
    flash("Ontvangst bevestigd: de verwijzer ziet nu dat u de doorverwijzing heeft geopend.", "ok")
    return received


@bp.post("/verwijzingen/<referral_id>/berichten")
@login_required(roles="professional")
def post_message(referral_id: str):
    """A short message to the other organisation; an error keeps the text in the form."""
    text = request.form.get("bericht", "")[:MAX_MESSAGE * 4]
    try:
        _rr().referrals.post_message(current_account(), referral_id, text)
    except ValidationError as error:
        return _detail_page(referral_id, problem=error.message, status=400, typed=text)
    except Conflict as error:
        return _detail_page(referral_id, problem=error.message, status=409, typed=text)
    flash("Uw bericht is verstuurd.", "ok")
    return redirect(url_for(".referral", referral_id=referral_id, _anchor="berichten"), 303)


@bp.post("/verwijzingen/<referral_id>/status")
@login_required(roles="professional")
def change_status(referral_id: str):
    target = request.form.get("naar", "")
    if target == "doorverwezen":
        return redirect(url_for(".forward", referral_id=referral_id), 303)
    raw_version = request.form.get("versie", "")
    version = int(raw_version) if raw_version.isdigit() else None
    try:
        _rr().referrals.transition(current_account(), referral_id, target,
                                   reason=request.form.get("reden") or None,
                                   outcome=request.form.get("uitkomst") or None, expected_version=version)
    except ValidationError as error:
        return _detail_page(referral_id, problem=error.message, status=400)
    except Conflict as error:
        return _detail_page(referral_id, problem=error.message, status=409)
    except Forbidden as error:
        return _detail_page(referral_id, problem=error.message, status=403)
    flash(f"De status is nu: {STATE_LABELS[target]}.", "ok")
    return redirect(safe_next(request.form.get("terug")) or url_for(".referral", referral_id=referral_id), 303)


@bp.get("/verwijzingen/<referral_id>/doorverwijzen")
@login_required(roles="professional")
def forward(referral_id: str):
    """Pass a referral on: find another service; the refer form then asks for new consent."""
    referral = _rr().referrals.get(current_account(), referral_id)
    if "doorverwezen" not in referral["allowed_next"]:
        raise Conflict(f"Deze doorverwijzing kan nu niet worden doorverwezen: de status is "
                       f"'{STATE_LABELS[referral['status']]}'.")
    words = " ".join(request.args.get("zoek", "").split())[:100]
    catalog = _rr().runtime.catalog
    found = catalog.search(q=words or None, life_domains=[] if words else referral["life_domains"][:1],
                           area=referral.get("gemeente_code") or None, page_size=20)
    hits = [hit.service for hit in found.hits
            if hit.service.id != referral["to"]["service_id"] and not hit.service.confidential]
    return render_template("forward.html", r=referral, words=words, hits=hits[:15], active="inbox")


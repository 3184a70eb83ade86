"""/werkplek/zoeken: search for professionals, in the werkplek layout.

The same catalog search and the same understanding of the words as the public page
(``Catalog.search``), with the filters a professional needs: wijk or buurt, trede, formeel/informeel,
doelgroep, wachttijd, nu open and onafhankelijke cliëntondersteuning. Each hit says its wachttijd
and how an inwoner gets access, and offers "Doorverwijzen" to a professional.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping

from flask import Blueprint, current_app, render_template, request

from socialekaart.catalog.search import MAX_QUERY_LENGTH
from socialekaart.shared import taxonomy
from socialekaart.shared.errors import NotFound, ValidationError
from socialekaart.shared.hours import now_local
from socialekaart.shared.validation import ID_PATTERN
from web.bootstrap import referral_runtime
from web.pages.cards import hit_card
from web.pages.session import current_account, login_required, protect_forms, register_page_errors

bp = Blueprint("pro_search_pages", __name__, template_folder="../templates")
protect_forms(bp)
register_page_errors(bp)

PAGE_SIZE = 20
WAITS = {"0": "Geen wachttijd", "2": "Hoogstens 2 weken", "4": "Hoogstens 4 weken", "8": "Hoogstens 8 weken"}
FORMALITY = {"formeel": True, "informeel": False}
# How an inwoner gets this help, per trede of the steunladder.
ACCESS = {"eigen-kracht": "Vrij toegankelijk: de inwoner kan zelf aan de slag.",
          "informeel": "Vrij toegankelijk, zonder verwijzing.",
          "voorliggend": "Vrij toegankelijk, zonder verwijzing of indicatie.",
          "licht": "Direct of via het sociaal wijkteam, zonder indicatie.",
          "maatwerk": "Via het sociaal wijkteam: na een gesprek en een besluit van de gemeente (beschikking)."}


@dataclass(frozen=True)
class ProSearchForm:
    vraag: str = ""
    postcode: str = ""
    wijk: str = ""
    buurt: str = ""  # narrower than the wijk: when both are given, the buurt counts
    trede: str = ""
    soort: str = ""  # formeel | informeel
    doelgroep: str = ""
    wachttijd: str = ""
    nu_open: bool = False
    clientondersteuning: bool = False
    pagina: int = 1
    opnieuw: str = ""  # the id of a referral the professional refers again (opnieuw verwijzen)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "ProSearchForm":
        """The form as asked; a value not in its list is left out (the list is all the page offers)."""
        def pick(name: str, allowed) -> str:
            value = (args.get(name) or "").strip()
            return value if value in allowed else ""

        raw_page = (args.get("pagina") or "1").strip()
        return cls(vraag=" ".join((args.get("vraag") or "").split())[:MAX_QUERY_LENGTH],
                   postcode=(args.get("postcode") or "").strip()[:40],
                   wijk=(args.get("wijk") or "").strip()[:12], buurt=(args.get("buurt") or "").strip()[:12],
                   trede=pick("trede", taxonomy.RUNG_BY_CODE),
                   soort=pick("soort", FORMALITY), doelgroep=pick("doelgroep", taxonomy.TARGET_GROUP_BY_CODE),
                   wachttijd=pick("wachttijd", WAITS), nu_open=args.get("nuOpen") == "ja",
                   clientondersteuning=args.get("clientondersteuning") == "ja",
                   pagina=int(raw_page) if raw_page.isdigit() and 1 <= int(raw_page) <= 500 else 1,
                   opnieuw=again if ID_PATTERN.match(again := (args.get("opnieuw") or "").strip()[:64]) else "")

    @property
    def submitted(self) -> bool:
        return any((self.vraag, self.postcode, self.wijk, self.buurt, self.trede, self.soort, self.doelgroep,
                    self.wachttijd, self.nu_open, self.clientondersteuning))

    def args(self, **changes: Any) -> dict[str, Any]:
        form = replace(self, **changes)
        values = {"vraag": form.vraag, "postcode": form.postcode, "wijk": form.wijk, "buurt": form.buurt,
                  "trede": form.trede,
                  "soort": form.soort, "doelgroep": form.doelgroep, "wachttijd": form.wachttijd,
                  "nuOpen": "ja" if form.nu_open else "",
                  "clientondersteuning": "ja" if form.clientondersteuning else "",
                  "pagina": form.pagina if form.pagina > 1 else "", "opnieuw": form.opnieuw}
        return {k: v for k, v in values.items() if v}


def _catalog():
    return referral_runtime(current_app._get_current_object()).runtime.catalog


def _grouped(kind: str, parent_kind: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The areas of ``kind`` per parent (wijken per gemeente, buurten per wijk), for a select."""
    catalog = _catalog()
    parents = {a.code: a.name for a in catalog.areas(kind=parent_kind)}
    grouped: dict[str, list[tuple[str, str]]] = {}
    for area in catalog.areas(kind=kind):
        grouped.setdefault(area.parent_code or "", []).append((area.code, area.name))
    return [(parents.get(code, code), sorted(areas, key=lambda a: a[1]))
            for code, areas in sorted(grouped.items(), key=lambda item: parents.get(item[0], item[0]))]


@bp.get("/werkplek/zoeken")
@login_required
def search():
    form = ProSearchForm.from_args(request.args)
    problem, page, cards = None, None, []
    # Opnieuw verwijzen: the referral this search is for (the sender's own; anyone else gets a 404).
    again = referral_runtime(current_app._get_current_object()).referrals.get(current_account(), form.opnieuw) \
        if form.opnieuw and current_account().role == "professional" else None
    if again is not None and not form.submitted:
        # Before any words: the services for the hulpvraag's first leefgebied where the inwoner lives.
        now = now_local()
        page = _catalog().search(life_domains=again["life_domains"][:1], area=again.get("gemeente_code") or None,
                                 page=form.pagina, page_size=PAGE_SIZE)
        first = (page.page - 1) * page.page_size + 1
        cards = [{**hit_card(hit, page.query.near_areas, number=first + i, now=now),
                  "access": ACCESS.get(hit.service.rung, "")} for i, hit in enumerate(page.hits)]
    elif form.submitted:
        now = now_local()
        try:
            page = _catalog().search(
                q=form.vraag or None, postcode=form.postcode or None, area=form.buurt or form.wijk or None,
                rungs=[form.trede] if form.trede else [], formal=FORMALITY.get(form.soort),
                target_groups=[form.doelgroep] if form.doelgroep else [],
                max_wait_weeks=int(form.wachttijd) if form.wachttijd else None,
                open_at=now if form.nu_open else None, independent_support=True if form.clientondersteuning else None,
                page=form.pagina, page_size=PAGE_SIZE)
        except (ValidationError, NotFound) as error:
            problem = error.message
        else:
            first = (page.page - 1) * page.page_size + 1
            cards = [{**hit_card(hit, page.query.near_areas, number=first + i, now=now),
                      "access": ACCESS.get(hit.service.rung, "")} for i, hit in enumerate(page.hits)]
    status = 400 if problem else 200
    return render_template("pro_search.html", form=form, page=page, cards=cards, problem=problem, again=again,
                           wijken=_grouped("wijk", "gemeente"),
                           buurten=_grouped("buurt", "wijk"), rungs=taxonomy.RUNGS,
                           target_groups=taxonomy.TARGET_GROUPS, waits=WAITS, active="zoeken"), status

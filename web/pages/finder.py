"""The inwoner's search: the form as typed, and running it against the catalog.

The words are mapped onto leefgebieden ("ik heb geldzorgen" -> geldzaken); when no leefgebied
is recognised the words are searched as full text. The postcode gives the place, its gemeente
and so the sociaal wijkteam, which is always shown as the door for help.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from socialekaart.catalog.model import Organization
from socialekaart.catalog.search import MAX_QUERY_LENGTH
from socialekaart.catalog.service import Catalog, SearchPage
from socialekaart.places.geo import Placement
from socialekaart.shared import taxonomy
from socialekaart.shared.hours import now_local
from socialekaart.shared.paging import skip_for
from web.pages.cards import hit_card

PAGE_SIZE = 20
DISTANCES_KM = (2, 5, 10, 25, 50)

YES = ("ja", "on", "true", "1")
# The parameters of the search form: any of them in the URL means the form was sent.
FORM_FIELDS = ("postcode", "vraag", "voorWie", "afstand", "gratis", "nuOpen")

# Topics to pick with one click: (words for the search box, label on the link).
TOPICS: tuple[tuple[str, str], ...] = (
    ("geldzorgen", "Geld en schulden"),
    ("eenzaam", "Eenzaam of alleen"),
    ("opvoeding", "Opvoeding"),
    ("wonen", "Wonen"),
    ("somber", "Somber of angstig"),
    ("werk", "Werk en opleiding"),
    ("huishouden", "Huishouden en post"),
    ("huiselijk geweld", "Ruzie of geweld thuis"),
)


@dataclass(frozen=True)
class SearchForm:
    """What the inwoner filled in. Parameter names are the ones in the page's URL."""
    postcode: str = ""
    vraag: str = ""
    voor_wie: str = ""
    gratis: bool = False
    afstand_km: int | None = None  # None: the default radius
    pagina: int = 1
    nu_open: bool = False  # only help that is open right now

    @classmethod
    def from_args(cls, args: Mapping[str, str],
                  distances_km: tuple[int, ...] = DISTANCES_KM) -> tuple["SearchForm", dict[str, str]]:
        """The form and the problems with it, per field, in plain Dutch."""
        problems: dict[str, str] = {}
        postcode = (args.get("postcode") or "").strip()[:40]
        vraag = " ".join((args.get("vraag") or "").split())
        if len(vraag) > MAX_QUERY_LENGTH:
            problems["vraag"] = f"Uw vraag is te lang. Gebruik hoogstens {MAX_QUERY_LENGTH} tekens."
            vraag = vraag[:MAX_QUERY_LENGTH]
        voor_wie = (args.get("voorWie") or "").strip()
        if voor_wie and voor_wie not in taxonomy.TARGET_GROUP_BY_CODE:
            problems["voorWie"] = "Kies bij 'Voor wie is de hulp?' iets uit de lijst."
            voor_wie = ""
        afstand_km = None
        raw_distance = (args.get("afstand") or "").strip()
        if raw_distance:
            if raw_distance.isdigit() and int(raw_distance) in distances_km:
                afstand_km = int(raw_distance)
            else:
                problems["afstand"] = "Kies bij 'Hoe ver weg mag het zijn?' een afstand uit de lijst."
        raw_page = (args.get("pagina") or "1").strip()
        pagina = int(raw_page) if raw_page.isdigit() and 1 <= int(raw_page) <= 500 else 1
        gratis = (args.get("gratis") or "") in YES
        nu_open = (args.get("nuOpen") or "") in YES
        return cls(postcode, vraag, voor_wie, gratis, afstand_km, pagina, nu_open), problems

    @property
    def submitted(self) -> bool:
        return bool(self.postcode or self.vraag or self.voor_wie or self.gratis or self.nu_open)

    @property
    def what_or_where(self) -> bool:
        """A postcode or words: without either a search has nothing to go on."""
        return bool(self.postcode or self.vraag)

    def args(self, **changes: Any) -> dict[str, Any]:
        """URL parameters for a link to this search (or a changed one); defaults are left out."""
        form = replace(self, **changes)
        values = {"postcode": form.postcode, "vraag": form.vraag, "voorWie": form.voor_wie,
                  "gratis": "ja" if form.gratis else "", "nuOpen": "ja" if form.nu_open else "",
                  "afstand": form.afstand_km or "",
                  "pagina": form.pagina if form.pagina > 1 else ""}
        return {key: value for key, value in values.items() if value}


@dataclass
class Outcome:
    """A search that ran: the page of hits turned into cards, and what we understood."""
    form: SearchForm
    page: SearchPage
    cards: list[dict[str, Any]]
    life_domains: list[str]
    words: str | None
    radius_m: int | None
    place: Placement | None = None
    wijkteams: list[Organization] = field(default_factory=list)

    @property
    def origin(self):
        return self.page.origin

    @property
    def life_domain_labels(self) -> list[str]:
        return [taxonomy.LIFE_DOMAIN_BY_CODE[code].label for code in self.life_domains]

    @property
    def wider_distances(self) -> list[int]:
        """Larger radii to offer when little was found (only with a postcode)."""
        if self.origin is None or self.radius_m is None:
            return []
        return [km for km in DISTANCES_KM if km * 1000 > self.radius_m]

    @property
    def other_topics(self) -> list[tuple[str, str]]:
        return [(words, label) for words, label in TOPICS
                if not set(taxonomy.life_domains_in_words(words)) & set(self.life_domains)]


def form_was_sent(args: Mapping[str, str]) -> bool:
    return any(name in args for name in FORM_FIELDS)


def run_search(catalog: Catalog, form: SearchForm) -> Outcome:
    """Search the catalog the way the form asks. Raises ValidationError/NotFound on bad input."""
    now = now_local()
    radius = form.afstand_km * 1000 if form.afstand_km else catalog.default_radius
    # The inwoner's words go in as the API's q does: one understanding (socialekaart.catalog.understanding).
    page = catalog.search(q=form.vraag or None,
                          target_groups=[form.voor_wie] if form.voor_wie else [],
                          free=True if form.gratis else None, open_at=now if form.nu_open else None,
                          postcode=form.postcode or None,
                          radius=radius if form.postcode else None, page=form.pagina, page_size=PAGE_SIZE)
    place = None
    if page.origin is not None:
        place = catalog.area_index().place(page.origin.lat, page.origin.lon)
    wijkteams: list[Organization] = []
    if place is not None and place.gemeente_code:
        _, listed = catalog.organizations(kind="sociaal-wijkteam", gemeente=place.gemeente_code)
        wijkteams = [organization for organization, _ in listed]
    understood = page.understood
    life_domains = list(understood.life_domains) if understood else []
    words = form.vraag if form.vraag and not life_domains else None
    first_number = skip_for(page.page, page.page_size) + 1
    cards = [hit_card(hit, page.query.near_areas, number=first_number + i, now=now)
             for i, hit in enumerate(page.hits)]
    return Outcome(form, page, cards, life_domains, words, radius if page.origin else None, place, wijkteams)

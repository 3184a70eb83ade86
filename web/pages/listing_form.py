"""The beheerder's listing form: every column of the providers CSV template that belongs to the service
(docs/import-providers.md), as fields of a page, and the form read back as the API's changes.

The page only turns text into types (a number, a list of codes, yes/no); the rules themselves are
the domain's (``ListingService``, ``Service.validate``), the same ones an import checks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from socialekaart.catalog.model import Location
from socialekaart.catalog.records import ServiceRecord
from socialekaart.shared import taxonomy

LIST_SEPARATORS = re.compile(r"[,;|\s]+")
TRUE = "ja"


@dataclass(frozen=True)
class Field:
    name: str  # the API's name, also the form field's
    label: str
    kind: str = "text"  # text | textarea | number | select | checks | flag
    hint: str | None = None
    maxlength: int = 200
    choices: tuple[tuple[str, str], ...] = ()
    csv: str = ""  # the column of the CSV template


def _choices(terms) -> tuple[tuple[str, str], ...]:
    return tuple((term.code, term.label) for term in terms)


SECTIONS: tuple[tuple[str, tuple[Field, ...]], ...] = (
    ("Over de voorziening", (
        Field("name", "Naam", csv="naam"),
        Field("description", "Omschrijving", "textarea", "Wat u doet en voor wie, in gewone woorden.", 4000,
              csv="omschrijving"),
        Field("rung", "Trede op de steunladder", "select", maxlength=0, choices=_choices(taxonomy.RUNGS), csv="trede"),
        Field("lifeDomains", "Leefgebieden", "checks", "Kies er minstens één.", choices=_choices(taxonomy.LIFE_DOMAINS),
              csv="leefgebieden"),
        Field("targetGroups", "Doelgroepen", "checks", choices=_choices(taxonomy.TARGET_GROUPS), csv="doelgroepen"),
        Field("ageMin", "Leeftijd vanaf", "number", "In hele jaren, 0 tot 120.", 3, csv="leeftijd van"),
        Field("ageMax", "Leeftijd tot en met", "number", "In hele jaren, 0 tot 120.", 3, csv="leeftijd tot"),
    )),
    ("Waar", (
        Field("street", "Straat en huisnummer", hint="Met een adres hoort een postcode.", csv="adres"),
        Field("postcode", "Postcode", hint="Bijvoorbeeld 4461 AB. Hiermee zoeken we het punt op de kaart.",
              maxlength=7, csv="postcode"),
        Field("city", "Plaats", csv="plaats"),
        Field("lat", "Breedtegraad", "text", "Alleen als de postcode niet precies genoeg is, zoals 51.5045.", 20,
              csv="lat"),
        Field("lon", "Lengtegraad", "text", "Hoort bij de breedtegraad, zoals 3.8897.", 20, csv="lon"),
        Field("serves", "Werkgebied", "text", "CBS-codes van gemeenten, wijken of buurten, zoals GM0664, WK066401. "
              "Een voorziening heeft een adres, een werkgebied of allebei.", 500, csv="werkgebied"),
        Field("confidential", "Geheim adres: toon alleen de wijk (zoals bij een opvang)", "flag",
              csv="vertrouwelijk adres"),
    )),
    ("Contact en openingstijden", (
        Field("phone", "Telefoon", hint="Bijvoorbeeld 0113 123456", maxlength=30, csv="telefoon"),
        Field("email", "E-mailadres", maxlength=320, csv="e-mail"),
        Field("website", "Website", hint="Met https://", maxlength=500, csv="website"),
        Field("openingHours", "Openingstijden", hint="Zoals ma-vr 09:00-17:00; za 10:00-12:00", maxlength=500,
              csv="openingstijden"),
    )),
    ("Toegang en kosten", (
        Field("cost", "Kosten", "select", maxlength=0, choices=_choices(taxonomy.COSTS), csv="kosten"),
        Field("costNote", "Uitleg over de kosten", "textarea", maxlength=500, csv="kosten toelichting"),
        Field("waitWeeks", "Wachttijd in weken", "number", "Een heel getal; leeg als u het niet weet.", 3,
              csv="wachttijd (weken)"),
        Field("capacityNote", "Plaats en capaciteit", "textarea", maxlength=500, csv="capaciteit"),
        Field("crisis", "24 uur per dag crisishulp", "flag", csv="crisishulp"),
        Field("independentClientSupport", "Onafhankelijke cliëntondersteuning", "flag",
              csv="onafhankelijke cliëntondersteuning"),
    )),
)
FIELDS: dict[str, Field] = {f.name: f for _, fields in SECTIONS for f in fields}
REQUIRED = {"name", "rung", "lifeDomains"}
LOCATION_FIELDS = ("street", "postcode", "city", "lat", "lon")
# Columns of the CSV template the page does not ask: the organisation's, and what we set ourselves.
NOT_ASKED = {"id": "gemaakt door de sociale kaart", "bron": "werkplek", "organisatie": "uw organisatie",
             "organisatie id": "uw organisatie", "soort organisatie": "van uw organisatie",
             "formeel/informeel": "van uw organisatie", "laatst gecontroleerd": "de dag van opslaan"}


def empty_form() -> dict[str, Any]:
    form: dict[str, Any] = {name: ([] if f.kind == "checks" else "") for name, f in FIELDS.items()}
    form["cost"] = "gratis"
    return form


def form_values(service: ServiceRecord, location: Location | None) -> dict[str, Any]:
    """The stored listing as the form shows it (``location``: the real one, also when confidential)."""
    def text(value: Any) -> str:
        return "" if value is None else str(value)

    return {
        "name": text(service.name), "description": text(service.description),
        "rung": text(service.rung), "lifeDomains": list(service.life_domains or []),
        "targetGroups": list(service.target_groups or []), "ageMin": text(service.age_min),
        "ageMax": text(service.age_max), "street": text(location.address if location else None),
        "postcode": text(location.postcode if location else None), "city": text(location.city if location else None),
        "lat": text(location.lat if location else None), "lon": text(location.lon if location else None),
        "serves": ", ".join(service.serves or []), "confidential": TRUE if service.confidential else "",
        "phone": text(service.phone), "email": text(service.email),
        "website": text(service.website), "openingHours": text(service.hours_text),
        "cost": text(service.cost or "gratis"), "costNote": text(service.cost_note),
        "waitWeeks": text(service.wait_weeks), "capacityNote": text(service.capacity_note),
        "crisis": TRUE if service.crisis_24h else "",
        "independentClientSupport": TRUE if service.independent_support else "",
    }


def read_form(form) -> dict[str, Any]:
    """The posted form (a werkzeug MultiDict), as the page shows it again."""
    values: dict[str, Any] = {}
    for name, f in FIELDS.items():
        if f.kind == "checks":
            values[name] = [v for v in form.getlist(name) if v]
        elif f.kind == "flag":
            values[name] = TRUE if form.get(name) == TRUE else ""
        else:
            values[name] = (form.get(name) or "").strip()
    return values


def changes_of(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The form as changes for ListingService (an empty field clears it), and what the page could not read."""
    changes: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, f in FIELDS.items():
        value = values[name]
        if name in LOCATION_FIELDS:
            continue
        if name in REQUIRED and not value:
            problems[name] = "Kies minstens één." if f.kind == "checks" else "Vul dit in."
        elif f.kind == "number":
            if value and not value.isdigit():
                problems[name] = "Vul een heel getal in, zoals 3."
            else:
                changes[name] = int(value) if value else None
        elif f.kind == "checks":
            changes[name] = list(value)
        elif f.kind == "flag":
            changes[name] = value == TRUE
        elif name == "serves":
            changes[name] = [code.upper() for code in LIST_SEPARATORS.split(value) if code]
        else:
            changes[name] = value or None
    location: dict[str, Any] = {key: values[key] or None for key in LOCATION_FIELDS}
    for key in ("lat", "lon"):
        if location[key] is not None:
            try:
                location[key] = float(location[key].replace(",", "."))
            except ValueError:
                problems[key] = "Vul een getal in, zoals 51.5045."
    changes["location"] = location if any(v is not None for v in location.values()) else None
    return changes, problems


def page_problems(errors: dict[str, list[str]], message: str) -> dict[str, str]:
    """The domain's problems (API names such as ``location.postcode``) on the form's fields."""
    problems: dict[str, str] = {}
    for name, reasons in errors.items():
        field = name.split(".", 1)[1] if name.startswith("location.") else name
        if field == "location":
            field = "postcode"
        problems.setdefault(field if field in FIELDS else "algemeen", reasons[0] if reasons else message)
    return problems or {"algemeen": message}


def shown(value: Any, f: Field) -> str:
    """A value as text, to show side by side in the conflict view."""
    labels = dict(f.choices)
    if isinstance(value, list):
        return ", ".join(labels.get(v, v) for v in value)
    if f.kind == "flag":
        return "ja" if value == TRUE else "nee"
    return labels.get(value, value) if f.choices else str(value or "")

"""Open Referral HSDS 3.0: our data as HSDS objects. Pure mapping: no Flask, no database.

The input is the stored service dict as ``Catalog.service()`` and search hits return it (a few
optional keys make the output richer: ``location_id``, ``organization`` with the provider's own
fields). Our leefgebieden, doelgroepen, treden, soorten organisaties and a few kenmerken appear as
HSDS taxonomies; a service links to their terms through HSDS attributes.

Ids are stable and deterministic: services, organisations and locations keep our own ids, a
service-at-location has the id of its service (a service has at most one location), and the ids
of child objects (schedules, phones, attributes ...) are uuid5 values derived from the owner's id,
so every export of the same data is identical. Our ids are not UUIDs although HSDS suggests them;
docs/hsds.md (the profile) says so.

A confidential location is never exposed: no address, no point, not even its id. HSDS gets a
virtual location that names only the wijk.
"""
from __future__ import annotations

import uuid
from typing import Any, Mapping

from socialekaart.shared import taxonomy
from socialekaart.shared.hours import MINUTES_PER_DAY, WeeklyHours
from socialekaart.shared.taxonomy import Term

HSDS_VERSION = "3.0"
HSDS_PROFILE = "https://socialekaart.example.nl/hsds-profile"
LANGUAGE = "nld"  # ISO 639-2
COUNTRY = "NL"
CURRENCY = "EUR"
# Namespace of every derived id: the same input gives the same ids, in every export.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, HSDS_PROFILE)
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
TIME_NOTE = "Tijden in Nederlandse tijd (Europe/Amsterdam)."

# Properties of a service or its organisation that HSDS has no field for.
FEATURES: tuple[Term, ...] = (
    Term("crisis-24-uur", "24-uurs crisishulp", "Dag en nacht bereikbaar bij een crisis."),
    Term("onafhankelijke-clientondersteuning", "Onafhankelijke cliëntondersteuning",
         "Iemand die onafhankelijk met u meedenkt en naast u staat."),
    Term("informeel", "Informele hulp", "Hulp van vrijwilligers, ervaringsdeskundigen of inwoners zelf."),
    Term("vertrouwelijk", "Vertrouwelijk adres", "Het adres blijft geheim; alleen de wijk wordt getoond."),
)

# Our vocabularies as HSDS taxonomies: vocabulary -> (term id prefix, taxonomy, terms).
_TAXONOMY_SPECS: tuple[tuple[str, str, str, str, str, tuple[Term, ...]], ...] = (
    ("lifeDomain", "leefgebied", "socialekaart-leefgebieden", "Leefgebieden",
     "De leefgebieden van de Zelfredzaamheid-Matrix (ZRM), met opvoeding erbij.", taxonomy.LIFE_DOMAINS),
    ("targetGroup", "doelgroep", "socialekaart-doelgroepen", "Doelgroepen",
     "Voor wie de hulp bedoeld is.", taxonomy.TARGET_GROUPS),
    ("rung", "trede", "socialekaart-treden", "Treden",
     "De ondersteuningsladder: zo licht als mogelijk, zo zwaar als nodig.", taxonomy.RUNGS),
    ("organizationKind", "organisatiesoort", "socialekaart-organisatiesoorten", "Soorten organisaties",
     "Wat voor organisatie de hulp biedt.", taxonomy.ORGANIZATION_KINDS),
    ("feature", "kenmerk", "socialekaart-kenmerken", "Kenmerken",
     "Kenmerken van hulp waar HSDS geen eigen veld voor heeft.", FEATURES),
)

TAXONOMIES: list[dict[str, str]] = [
    {"id": tax_id, "name": name, "description": description, "uri": f"{HSDS_PROFILE}#{tax_id}", "version": "1"}
    for _vocabulary, _prefix, tax_id, name, description, _terms in _TAXONOMY_SPECS
]
_PREFIX = {spec[0]: spec[1] for spec in _TAXONOMY_SPECS}
_VOCABULARY_OF_PREFIX = {spec[1]: spec[0] for spec in _TAXONOMY_SPECS}
_TAXONOMY_OF = {spec[0]: tax for spec, tax in zip(_TAXONOMY_SPECS, TAXONOMIES)}
_TERMS = {spec[0]: {t.code: t for t in spec[5]} for spec in _TAXONOMY_SPECS}
# Vocabulary per taxonomy id: socialekaart-leefgebieden -> lifeDomain.
VOCABULARY_OF_TAXONOMY = {spec[2]: spec[0] for spec in _TAXONOMY_SPECS}


def derived_id(*parts: str) -> str:
    """A uuid5 from the owner's id and the path to the child: the same every export."""
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(parts)))


# -- taxonomies and terms ----------------------------------------------------------------------------
def term_id(vocabulary: str, code: str) -> str:
    """('lifeDomain', 'geldzaken') -> 'leefgebied-geldzaken'. Raises ValueError for an unknown term."""
    if vocabulary not in _PREFIX or code not in _TERMS[vocabulary]:
        raise ValueError(f"unknown term {vocabulary}/{code}")
    return f"{_PREFIX[vocabulary]}-{code}"


def parse_term_id(value: str) -> tuple[str, str] | None:
    """'leefgebied-geldzaken' -> ('lifeDomain', 'geldzaken'); None when it is not one of our terms."""
    prefix, _, code = (value or "").partition("-")
    vocabulary = _VOCABULARY_OF_PREFIX.get(prefix)
    if vocabulary is None or code not in _TERMS[vocabulary]:
        return None
    return vocabulary, code


def taxonomy_term(vocabulary: str, code: str) -> dict[str, Any]:
    """One HSDS taxonomy_term object."""
    term = _TERMS[vocabulary][code]
    tax = _TAXONOMY_OF[vocabulary]
    tid = term_id(vocabulary, code)
    return {"id": tid, "code": code, "name": term.label, "description": term.explanation,
            "taxonomy": tax["uri"], "taxonomy_id": tax["id"], "language": LANGUAGE,
            "term_uri": f"{HSDS_PROFILE}#{tid}"}


def taxonomy_terms() -> list[dict[str, Any]]:
    """Every term of every taxonomy, in taxonomy order and then in vocabulary order."""
    return [taxonomy_term(spec[0], term.code) for spec in _TAXONOMY_SPECS for term in spec[5]]


def _attribute(link_entity: str, link_id: str, vocabulary: str, code: str) -> dict[str, Any]:
    tid = term_id(vocabulary, code)
    return {"id": derived_id(link_entity, link_id, "attribute", tid), "link_id": link_id,
            "link_type": _PREFIX[vocabulary], "link_entity": link_entity, "taxonomy_term_id": tid,
            "taxonomy_term": taxonomy_term(vocabulary, code)}


def _service_terms(s: Mapping[str, Any]) -> list[tuple[str, str]]:
    terms = [("rung", s["rung"])]
    terms += [("lifeDomain", c) for c in s.get("life_domains") or [] if c in _TERMS["lifeDomain"]]
    terms += [("targetGroup", c) for c in s.get("target_groups") or [] if c in _TERMS["targetGroup"]]
    for flag, code in (("crisis_24h", "crisis-24-uur"), ("independent_support", "onafhankelijke-clientondersteuning"),
                       ("confidential", "vertrouwelijk")):
        if s.get(flag):
            terms.append(("feature", code))
    if s.get("formal") is False:
        terms.append(("feature", "informeel"))
    return terms


# -- services ----------------------------------------------------------------------------------------
def _compact(body: dict[str, Any]) -> dict[str, Any]:
    """HSDS fields are never null: leave out what we do not know."""
    return {key: value for key, value in body.items() if value is not None}


def _wait_time(s: Mapping[str, Any]) -> str | None:
    weeks, note = s.get("wait_weeks"), s.get("capacity_note")
    parts = []
    if weeks is not None:
        parts.append(f"{weeks} week" if weeks == 1 else f"{weeks} weken")
    if note:
        parts.append(note)
    return ". ".join(parts) or None


def _eligibility(s: Mapping[str, Any]) -> str | None:
    groups = [taxonomy.TARGET_GROUP_BY_CODE[c].label for c in s.get("target_groups") or []
              if c in taxonomy.TARGET_GROUP_BY_CODE]
    low, high = s.get("age_min"), s.get("age_max")
    parts = [f"Voor: {', '.join(groups)}."] if groups else []
    if low is not None and high is not None:
        parts.append(f"Leeftijd {low} tot en met {high} jaar.")
    elif low is not None:
        parts.append(f"Vanaf {low} jaar.")
    elif high is not None:
        parts.append(f"Tot en met {high} jaar.")
    return " ".join(parts) or None


def _fees_description(s: Mapping[str, Any]) -> str | None:
    if s.get("cost_note"):
        return s["cost_note"]
    cost = taxonomy.COST_BY_CODE.get(s.get("cost") or "")
    return cost.label if cost else None


def schedules(service_id: str, hours: list[int] | None) -> list[dict[str, Any]]:
    """Minute-of-week pairs as weekly HSDS schedules: one per opening time, with the days it holds."""
    weekly = WeeklyHours.from_minutes(hours)
    groups: dict[tuple[int, int], list[int]] = {}
    for start, end in weekly.ranges:
        while start < end:  # split at midnight, so every piece lies within one day
            day = start // MINUTES_PER_DAY
            piece_end = min(end, (day + 1) * MINUTES_PER_DAY)
            groups.setdefault((start - day * MINUTES_PER_DAY, piece_end - day * MINUTES_PER_DAY), []).append(day)
            start = piece_end
    ordered = sorted(groups.items(), key=lambda item: (min(item[1]), item[0]))
    result = []
    for index, ((opens, closes), days) in enumerate(ordered):
        days = sorted(set(days))
        text = WeeklyHours(tuple((d * MINUTES_PER_DAY + opens, d * MINUTES_PER_DAY + closes) for d in days)).text()
        if weekly.always_open:
            text = "24/7: dag en nacht"
        result.append({
            "id": derived_id("service", service_id, "schedule", str(index)), "service_id": service_id,
            "freq": "WEEKLY", "wkst": "MO", "byday": ",".join(ICAL_DAYS[d] for d in days),
            "opens_at": _clock(opens), "closes_at": _clock(closes), "description": text, "notes": TIME_NOTE,
        })
    return result


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _phones(owner: str, owner_id: str, number: str | None) -> list[dict[str, Any]]:
    if not number:
        return []
    return [{"id": derived_id(owner, owner_id, "phone", "0"), f"{owner}_id": owner_id, "number": number,
             "type": "voice"}]


def _cost_options(s: Mapping[str, Any]) -> list[dict[str, Any]]:
    cost = s.get("cost") or "gratis"
    if cost == "gratis" or cost not in taxonomy.COST_BY_CODE:
        return []
    return [_compact({"id": derived_id("service", s["id"], "cost_option", "0"), "service_id": s["id"],
                      "option": taxonomy.COST_BY_CODE[cost].label, "currency": CURRENCY,
                      "amount_description": s.get("cost_note")})]


def _service_areas(s: Mapping[str, Any], area_names: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{"id": derived_id("service", s["id"], "service_area", code), "service_id": s["id"],
             "name": area_names.get(code) or code, "description": f"CBS-code {code}"}
            for code in s.get("serves") or []]


def _minimal_organization(s: Mapping[str, Any]) -> dict[str, Any]:
    org = s.get("organization")
    if org:
        return organization_to_hsds(org, None, full=False)
    return {"id": s["organization_id"], "name": s.get("org_name") or "", "description": ""}


def service_to_hsds(service: Mapping[str, Any], *, full: bool,
                    area_names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A stored service as an HSDS service. ``full``: with every nested object (as /services/{id});
    otherwise the one-to-one fields and a minimal organisation (as list items).
    ``area_names`` (CBS code -> name) names the service areas; without it they carry the code."""
    s = service
    rung = taxonomy.RUNG_BY_CODE.get(s.get("rung") or "")
    body = _compact({
        "id": s["id"],
        "organization_id": s["organization_id"],
        "name": s["name"],
        "description": s.get("description") or "",
        "url": s.get("website"),
        "email": s.get("email"),
        "status": "active",
        "application_process": rung.explanation if rung else None,  # how to get there, per rung
        "fees_description": _fees_description(s),
        "wait_time": _wait_time(s),
        "eligibility_description": _eligibility(s),
        "minimum_age": s.get("age_min"),
        "maximum_age": s.get("age_max"),
        "assured_date": s.get("last_verified"),
        "last_modified": s.get("modified"),
        "organization": _minimal_organization(s),
    })
    if not full:
        return body
    sal = service_at_location_to_hsds(s, full=True, with_service=False)
    body.update({
        "phones": _phones("service", s["id"], s.get("phone")),
        "schedules": schedules(s["id"], s.get("hours")),
        "service_areas": _service_areas(s, area_names or {}),
        "service_at_locations": [sal] if sal else [],
        "cost_options": _cost_options(s),
        "contacts": _contacts(s),
        "attributes": [_attribute("service", s["id"], vocabulary, code) for vocabulary, code in _service_terms(s)],
    })
    return body


def minimal_service_to_hsds(service: Mapping[str, Any]) -> dict[str, Any]:
    """``minimal=true``: id and modification time, plus what the HSDS schema requires."""
    return _compact({"id": service["id"], "name": service["name"], "status": "active",
                     "last_modified": service.get("modified")})


def _contacts(s: Mapping[str, Any]) -> list[dict[str, Any]]:
    if not s.get("email"):
        return []
    contact_id = derived_id("service", s["id"], "contact", "0")
    return [{"id": contact_id, "service_id": s["id"], "email": s["email"],
             "phones": _phones("contact", contact_id, s.get("phone"))}]


# -- locations ---------------------------------------------------------------------------------------
def _location_kind(s: Mapping[str, Any]) -> str | None:
    """'physical' for a public location, 'confidential' for a hidden one, None without a location
    (a werkgebied only). A confidential service's point is its wijk centroid (point_kind 'wijk')."""
    located = bool(s.get("location_id")) or s.get("point_kind") in ("locatie", "wijk")
    if not located:
        return None
    return "confidential" if s.get("confidential") else "physical"


def _location(s: Mapping[str, Any], *, full: bool) -> dict[str, Any] | None:
    kind = _location_kind(s)
    if kind is None:
        return None
    if kind == "confidential":
        # Only the wijk: no address, no point, and an id that says nothing about the real place.
        wijk, gemeente = s.get("wijk_name"), s.get("gemeente_name")
        shown = f"{wijk} (gemeente {gemeente})" if wijk and gemeente else wijk
        return _compact({
            "id": derived_id("service", s["id"], "confidential-location"), "location_type": "virtual",
            "name": wijk or "Vertrouwelijke locatie",
            "description": f"Het adres is vertrouwelijk; alleen de wijk wordt getoond: {shown}." if wijk else
                           "Het adres is vertrouwelijk.",
            "external_identifier": s.get("wijk_code"),
            "external_identifier_type": "CBS-wijkcode" if s.get("wijk_code") else None,
        })
    location_id = s.get("location_id") or derived_id("service", s["id"], "location")
    name = ", ".join(part for part in (s.get("address"), s.get("city")) if part) or None
    body = _compact({
        "id": location_id, "location_type": "physical", "name": name,
        "latitude": s.get("lat"), "longitude": s.get("lon"),
        "external_identifier": s.get("buurt_code"),
        "external_identifier_type": "CBS-buurtcode" if s.get("buurt_code") else None,
    })
    if full:
        body["addresses"] = [_compact({
            "id": derived_id("location", location_id, "address", "0"), "location_id": location_id,
            "address_1": s["address"], "city": s.get("city") or "", "region": s.get("gemeente_name"),
            # Dutch addresses have no province line; HSDS requires the field.
            "state_province": "", "postal_code": s.get("postcode") or "", "country": COUNTRY,
            "address_type": "physical",
        })] if s.get("address") else []
    return body


def service_at_location_to_hsds(service: Mapping[str, Any], *, full: bool,
                                with_service: bool = True) -> dict[str, Any] | None:
    """The service at its location (id = the service id), or None for a service with only a werkgebied."""
    location = _location(service, full=full)
    if location is None:
        return None
    body: dict[str, Any] = {"id": service["id"], "service_id": service["id"], "location_id": location["id"],
                            "location": location}
    if full:
        body["schedules"] = schedules(service["id"], service.get("hours"))
        body["phones"] = _phones("service", service["id"], service.get("phone"))
    if with_service:
        body["service"] = service_to_hsds(service, full=False)
    return body


# -- organisations -----------------------------------------------------------------------------------
def organization_to_hsds(org: Mapping[str, Any], services: list[Mapping[str, Any]] | None = None, *,
                         full: bool = True, full_services: bool = False) -> dict[str, Any]:
    """A stored organisation as HSDS. ``full``: with phones and attributes (kind, informal);
    ``services`` given: with a ``services`` array (full services when ``full_services``)."""
    body = _compact({"id": org["id"], "name": org["name"], "description": org.get("description") or "",
                     "email": org.get("email"), "website": org.get("website")})
    if full:
        terms = [("organizationKind", org["kind"])] if org.get("kind") in _TERMS["organizationKind"] else []
        if org.get("formal") is False:
            terms.append(("feature", "informeel"))
        body["phones"] = _phones("organization", org["id"], org.get("phone"))
        body["attributes"] = [_attribute("organization", org["id"], v, c) for v, c in terms]
    if services is not None:
        body["services"] = [service_to_hsds(s, full=full_services) for s in services]
    return body

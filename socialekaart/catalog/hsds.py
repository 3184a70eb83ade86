"""Open Referral HSDS 3.0: our data as HSDS objects. Pure mapping: no Flask, no database.

The input is what the ``HsdsReads`` port reads: ``HsdsService`` records (a service with its
``location_id`` and its provider, ``organization``), ``ServiceStamp`` for the minimal listing and
``Organization``. Our leefgebieden, doelgroepen, treden, soorten organisaties and a few kenmerken appear as
HSDS taxonomies; a service links to their terms through HSDS attributes.

Every id is a UUID, as HSDS asks, and stable: ``public_id`` derives a uuid5 from our own id (an id
that is a UUID already stays as it is), and the ids of child objects (schedules, phones,
attributes ...) are uuid5 values derived from the owner's id, so every export of the same data is
identical. Services, organisations and locations carry our own id as an attribute of the term
``socialekaart-id`` (``value``), so an import of our export finds the same records again.

A confidential location is never exposed: no address, no point, not even its id. HSDS gets a
virtual location that names only the wijk.
"""
from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time, timezone
from typing import Any, Mapping, Sequence

from socialekaart.catalog.model import Organization
from socialekaart.catalog.records import HsdsService, ServiceStamp
from socialekaart.shared import taxonomy
from socialekaart.shared.clock import local_date
from socialekaart.shared.hours import LOCAL_TZ, MINUTES_PER_DAY, WeeklyHours
from socialekaart.shared.taxonomy import Term

HSDS_VERSION = "3.0"
HSDS_PROFILE = "https://socialekaart.example.nl/hsds-profile"
LANGUAGE = "nld"  # ISO 639-2
COUNTRY = "NL"
CURRENCY = "EUR"
# Namespace of every derived id: the same input gives the same ids, in every export.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, HSDS_PROFILE)
UUID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
TIME_NOTE = ("Tijden in Nederlandse tijd (Europe/Amsterdam); de afwijking van UTC is die van de dag waarop dit "
             "antwoord gemaakt is (wintertijd +01:00, zomertijd +02:00).")

def derived_id(*parts: str) -> str:
    """A uuid5 from the owner's id and the path to the child: the same every export."""
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(parts)))


def as_uuid(value: str) -> str | None:
    """The canonical (lower-case) form of a UUID string; None when ``value`` is no UUID."""
    return value.lower() if value and UUID_PATTERN.match(value) else None


def public_id(kind: str, our_id: str) -> str:
    """Our id of a service, organisation, location or service_at_location as its HSDS UUID."""
    return as_uuid(our_id) or derived_id(kind, our_id)


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
    {"id": derived_id("taxonomy", tax_id), "name": name, "description": description,
     "uri": f"{HSDS_PROFILE}#{tax_id}", "version": "1"}
    for _vocabulary, _prefix, tax_id, name, description, _terms in _TAXONOMY_SPECS
]
_PREFIX = {spec[0]: spec[1] for spec in _TAXONOMY_SPECS}
_VOCABULARY_OF_PREFIX = {spec[1]: spec[0] for spec in _TAXONOMY_SPECS}
_TAXONOMY_OF = {spec[0]: tax for spec, tax in zip(_TAXONOMY_SPECS, TAXONOMIES)}
_TERMS = {spec[0]: {t.code: t for t in spec[5]} for spec in _TAXONOMY_SPECS}
# Vocabulary per taxonomy id, in both forms: socialekaart-leefgebieden (or its UUID) -> lifeDomain.
VOCABULARY_OF_TAXONOMY = {**{spec[2]: spec[0] for spec in _TAXONOMY_SPECS},
                          **{tax["id"]: spec[0] for spec, tax in zip(_TAXONOMY_SPECS, TAXONOMIES)}}


# -- taxonomies and terms ----------------------------------------------------------------------------
def term_key(vocabulary: str, code: str) -> str:
    """('lifeDomain', 'geldzaken') -> 'leefgebied-geldzaken': the readable id of one of our terms.
    Raises ValueError for an unknown term."""
    if vocabulary not in _PREFIX or code not in _TERMS[vocabulary]:
        raise ValueError(f"unknown term {vocabulary}/{code}")
    return f"{_PREFIX[vocabulary]}-{code}"


def term_id(vocabulary: str, code: str) -> str:
    """The HSDS id (a UUID) of one of our terms."""
    return derived_id("taxonomy_term", term_key(vocabulary, code))


def _parse_term_key(value: str) -> tuple[str, str] | None:
    prefix, _, code = value.partition("-")
    vocabulary = _VOCABULARY_OF_PREFIX.get(prefix)
    if vocabulary is None or code not in _TERMS[vocabulary]:
        return None
    return vocabulary, code


def parse_term_id(value: str) -> tuple[str, str] | None:
    """'leefgebied-geldzaken' or its UUID -> ('lifeDomain', 'geldzaken'); None when it is not one of our terms."""
    return _TERM_OF_UUID.get(as_uuid(value or "") or "") or _parse_term_key(value or "")


def taxonomy_term(vocabulary: str, code: str) -> dict[str, Any]:
    """One HSDS taxonomy_term object."""
    term = _TERMS[vocabulary][code]
    tax = _TAXONOMY_OF[vocabulary]
    tid = term_id(vocabulary, code)
    return {"id": tid, "code": code, "name": term.label, "description": term.explanation,
            "taxonomy": tax["uri"], "taxonomy_id": tax["id"], "language": LANGUAGE,
            "term_uri": f"{HSDS_PROFILE}#{term_key(vocabulary, code)}"}


_TERM_OF_UUID = {term_id(spec[0], term.code): (spec[0], term.code) for spec in _TAXONOMY_SPECS for term in spec[5]}

# Our own id of a service, organisation or location travels as the value of an attribute of this
# term: HSDS has no identifier field on a service, and the id itself must be a UUID.
OWN_ID_TAXONOMY = {"id": derived_id("taxonomy", "socialekaart-ids"), "name": "Ids in de sociale kaart",
                   "description": "Het eigen id van een dienst, organisatie of locatie in de sociale kaart.",
                   "uri": f"{HSDS_PROFILE}#socialekaart-ids", "version": "1"}
OWN_ID_TERM = {"id": derived_id("taxonomy_term", "socialekaart-id"), "code": "socialekaart-id",
               "name": "Id in de sociale kaart", "description": "Het eigen id in de sociale kaart; de waarde van "
               "het attribuut is dat id.", "taxonomy": OWN_ID_TAXONOMY["uri"], "taxonomy_id": OWN_ID_TAXONOMY["id"],
               "language": LANGUAGE, "term_uri": f"{HSDS_PROFILE}#socialekaart-id"}
OWN_ID_LINK_TYPE = "socialekaart-id"
ALL_TAXONOMIES = [*TAXONOMIES, OWN_ID_TAXONOMY]


def taxonomy_uuid(value: str) -> str | None:
    """The HSDS id of one of our taxonomies given either form ('socialekaart-leefgebieden' or its UUID)."""
    return next((t["id"] for t in ALL_TAXONOMIES if value in (t["id"], t["uri"].rpartition("#")[2])), None)


def taxonomy_terms() -> list[dict[str, Any]]:
    """Every term of every taxonomy, in taxonomy order and then in vocabulary order; the id term last."""
    return [*(taxonomy_term(spec[0], term.code) for spec in _TAXONOMY_SPECS for term in spec[5]), OWN_ID_TERM]


def own_id_attribute(kind: str, our_id: str) -> dict[str, Any]:
    """The attribute that keeps our own id on the HSDS object of a service, organisation or location."""
    link_id = public_id(kind, our_id)
    return {"id": derived_id(kind, our_id, "attribute", OWN_ID_LINK_TYPE), "link_id": link_id,
            "link_type": OWN_ID_LINK_TYPE, "link_entity": kind, "taxonomy_term_id": OWN_ID_TERM["id"],
            "taxonomy_term": OWN_ID_TERM, "value": our_id, "label": "Id in de sociale kaart"}


def is_own_id_attribute(attribute: Any) -> bool:
    """An attribute of the socialekaart-id term (it carries an id, not a term)."""
    if not isinstance(attribute, dict):
        return False
    term = attribute.get("taxonomy_term")
    return OWN_ID_TERM["id"] in (attribute.get("taxonomy_term_id"), term.get("id") if isinstance(term, dict) else None)


def own_id(record: Mapping[str, Any]) -> str | None:
    """Our own id kept in an HSDS record's attributes, if the record's id is the UUID of that id
    (so a copied attribute on another record is not trusted)."""
    attributes = record.get("attributes")
    for attribute in attributes if isinstance(attributes, list) else []:
        if not is_own_id_attribute(attribute):
            continue
        value, kind = attribute.get("value"), attribute.get("link_entity")
        if isinstance(value, str) and isinstance(kind, str) and str(record.get("id") or "") == public_id(kind, value):
            return value
    return None


def _attribute(link_entity: str, our_id: str, vocabulary: str, code: str) -> dict[str, Any]:
    tid = term_id(vocabulary, code)
    return {"id": derived_id(link_entity, our_id, "attribute", term_key(vocabulary, code)),
            "link_id": public_id(link_entity, our_id), "link_type": _PREFIX[vocabulary], "link_entity": link_entity,
            "taxonomy_term_id": tid, "taxonomy_term": taxonomy_term(vocabulary, code)}


def _service_terms(s: HsdsService) -> list[tuple[str, str]]:
    terms = [("rung", s.rung)]
    terms += [("lifeDomain", c) for c in s.life_domains or [] if c in _TERMS["lifeDomain"]]
    terms += [("targetGroup", c) for c in s.target_groups or [] if c in _TERMS["targetGroup"]]
    for flag, code in (("crisis_24h", "crisis-24-uur"), ("independent_support", "onafhankelijke-clientondersteuning"),
                       ("confidential", "vertrouwelijk")):
        if getattr(s, flag):
            terms.append(("feature", code))
    if s.formal is False:
        terms.append(("feature", "informeel"))
    return terms


# -- services ----------------------------------------------------------------------------------------
def _compact(body: dict[str, Any]) -> dict[str, Any]:
    """HSDS fields are never null and never an empty string: leave out what we do not know."""
    return {key: value for key, value in body.items() if value is not None and value != ""}


def _timestamp(value: str | None) -> str | None:
    """A stored UTC time as HSDS date-time with milliseconds: '2026-01-05T10:00:00.000Z'."""
    if not value:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _wait_time(s: HsdsService) -> str | None:
    weeks, note = s.wait_weeks, s.capacity_note
    parts = []
    if weeks is not None:
        parts.append(f"{weeks} week" if weeks == 1 else f"{weeks} weken")
    if note:
        parts.append(note)
    return ". ".join(parts) or None


def _eligibility(s: HsdsService) -> str | None:
    groups = [taxonomy.TARGET_GROUP_BY_CODE[c].label for c in s.target_groups or []
              if c in taxonomy.TARGET_GROUP_BY_CODE]
    low, high = s.age_min, s.age_max
    parts = [f"Voor: {', '.join(groups)}."] if groups else []
    if low is not None and high is not None:
        parts.append(f"Leeftijd {low} tot en met {high} jaar.")
    elif low is not None:
        parts.append(f"Vanaf {low} jaar.")
    elif high is not None:
        parts.append(f"Tot en met {high} jaar.")
    return " ".join(parts) or None


def _fees_description(s: HsdsService) -> str | None:
    if s.cost_note:
        return s.cost_note
    cost = taxonomy.COST_BY_CODE.get(s.cost or "")
    return cost.label if cost else None


def dutch_offset(on: date | None = None) -> str:
    """The Netherlands' offset from UTC on a day (midday, so the night of a clock change does not
    matter): '+01:00' in winter time, '+02:00' in summer time."""
    moment = datetime.combine(on or local_date(), time(12), tzinfo=LOCAL_TZ)
    text = moment.strftime("%z")
    return f"{text[:3]}:{text[3:]}"


def schedules(service_id: str, hours: Sequence[int] | None, *, on: date | None = None) -> list[dict[str, Any]]:
    """Minute-of-week pairs as weekly HSDS schedules: one per opening time, with the days it holds.
    Times in Dutch time with the offset of ``on`` (today by default): HSDS wants a zone on opens_at,
    and a weekly schedule cannot carry the clock change, so the answer says which day's offset it uses."""
    weekly = WeeklyHours.from_minutes(hours)
    offset = dutch_offset(on)
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
            "id": derived_id("service", service_id, "schedule", str(index)),
            "service_id": public_id("service", service_id),
            "freq": "WEEKLY", "wkst": "MO", "byday": ",".join(ICAL_DAYS[d] for d in days),
            "opens_at": _clock(opens) + offset, "closes_at": _clock(closes) + offset,
            "timezone": int(offset[:3]), "description": text, "notes": TIME_NOTE,
        })
    return result


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _phones(owner: str, owner_id: str, number: str | None) -> list[dict[str, Any]]:
    """``owner_id``: our id of a service or organisation, or the (already HSDS) id of a contact."""
    if not number:
        return []
    link = owner_id if owner == "contact" else public_id(owner, owner_id)
    return [{"id": derived_id(owner, owner_id, "phone", "0"), f"{owner}_id": link, "number": number,
             "type": "voice"}]


def _cost_options(s: HsdsService) -> list[dict[str, Any]]:
    cost = s.cost or "gratis"
    if cost == "gratis" or cost not in taxonomy.COST_BY_CODE:
        return []
    return [_compact({"id": derived_id("service", s.id, "cost_option", "0"),
                      "service_id": public_id("service", s.id),
                      "option": taxonomy.COST_BY_CODE[cost].label, "currency": CURRENCY,
                      "amount_description": s.cost_note})]


def _service_areas(s: HsdsService, area_names: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{"id": derived_id("service", s.id, "service_area", code), "service_id": public_id("service", s.id),
             "name": area_names.get(code) or code, "description": f"CBS-code {code}"}
            for code in s.serves or []]


def _minimal_organization(s: HsdsService) -> dict[str, Any]:
    org = s.organization
    if org:
        return organization_to_hsds(org, None, full=False)
    name = s.org_name or s.organization_id
    return {"id": public_id("organization", s.organization_id), "name": name, "description": name}


def service_to_hsds(service: HsdsService, *, full: bool,
                    area_names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A stored service as an HSDS service. ``full``: with every nested object (as /services/{id});
    otherwise the one-to-one fields, a minimal organisation and the own-id attribute (as list items).
    ``area_names`` (CBS code -> name) names the service areas; without it they carry the code."""
    s = service
    rung = taxonomy.RUNG_BY_CODE.get(s.rung or "")
    body = _compact({
        "id": public_id("service", s.id),
        "organization_id": public_id("organization", s.organization_id),
        "name": s.name,
        "description": s.description or None,
        "url": s.website,
        "email": s.email,
        "status": "active",
        "application_process": rung.explanation if rung else None,  # how to get there, per rung
        "fees_description": _fees_description(s),
        "wait_time": _wait_time(s),
        "eligibility_description": _eligibility(s),
        "minimum_age": s.age_min,
        "maximum_age": s.age_max,
        "assured_date": s.last_verified,
        "last_modified": _timestamp(s.modified),
        "organization": _minimal_organization(s),
        "attributes": [own_id_attribute("service", s.id)],  # list items too: an import finds the record
    })
    if not full:
        return body
    sal = service_at_location_to_hsds(s, full=True, with_service=False)
    body.update({
        "phones": _phones("service", s.id, s.phone),
        "schedules": schedules(s.id, s.hours),
        "service_areas": _service_areas(s, area_names or {}),
        "service_at_locations": [sal] if sal else [],
        "cost_options": _cost_options(s),
        "contacts": _contacts(s),
        "attributes": [*body["attributes"],
                       *(_attribute("service", s.id, vocabulary, code) for vocabulary, code in _service_terms(s))],
    })
    return body


def minimal_service_to_hsds(service: ServiceStamp) -> dict[str, Any]:
    """``minimal=true``: id and modification time, plus what the HSDS schema requires."""
    return _compact({"id": public_id("service", service.id), "name": service.name, "status": "active",
                     "last_modified": _timestamp(service.modified)})


def _contacts(s: HsdsService) -> list[dict[str, Any]]:
    if not s.email:
        return []
    contact_id = derived_id("service", s.id, "contact", "0")
    return [{"id": contact_id, "service_id": public_id("service", s.id), "email": s.email,
             "phones": _phones("contact", contact_id, s.phone)}]


# -- locations ---------------------------------------------------------------------------------------
def _location_kind(s: HsdsService) -> str | None:
    """'physical' for a public location, 'confidential' for a hidden one, None without a location
    (a werkgebied only). A confidential service's point is its wijk centroid (point_kind 'wijk')."""
    located = bool(s.location_id) or s.point_kind in ("locatie", "wijk")
    if not located:
        return None
    return "confidential" if s.confidential else "physical"


def _location(s: HsdsService, *, full: bool) -> dict[str, Any] | None:
    kind = _location_kind(s)
    if kind is None:
        return None
    if kind == "confidential":
        # Only the wijk: no address, no point, and an id that says nothing about the real place.
        wijk, gemeente = s.wijk_name, s.gemeente_name
        shown = f"{wijk} (gemeente {gemeente})" if wijk and gemeente else wijk
        return _compact({
            "id": derived_id("service", s.id, "confidential-location"), "location_type": "virtual",
            "name": wijk or "Vertrouwelijke locatie",
            "description": f"Het adres is vertrouwelijk; alleen de wijk wordt getoond: {shown}." if wijk else
                           "Het adres is vertrouwelijk.",
            "external_identifier": s.wijk_code,
            "external_identifier_type": "CBS-wijkcode" if s.wijk_code else None,
        })
    our_location_id = s.location_id
    location_id = public_id("location", our_location_id) if our_location_id else \
        derived_id("service", s.id, "location")
    name = ", ".join(part for part in (s.address, s.city) if part) or None
    body = _compact({
        "id": location_id, "location_type": "physical", "name": name,
        "latitude": s.lat, "longitude": s.lon,
        "external_identifier": s.buurt_code,
        "external_identifier_type": "CBS-buurtcode" if s.buurt_code else None,
    })
    if our_location_id:
        body["attributes"] = [own_id_attribute("location", our_location_id)]
    if full:
        body["addresses"] = _addresses(s, location_id)
    return body


def _addresses(s: HsdsService, location_id: str) -> list[dict[str, Any]]:
    """HSDS requires street, city, province and postcode, none of them empty: without a street or
    postcode there is no address object (the location keeps its point)."""
    city = s.city or s.gemeente_name
    if not (s.address and s.postcode and city):
        return []
    # Dutch addresses have no province line; the gemeente is the nearest thing we know.
    return [_compact({
        "id": derived_id("location", location_id, "address", "0"), "location_id": location_id,
        "address_1": s.address, "city": city, "region": s.gemeente_name,
        "state_province": s.gemeente_name or city, "postal_code": s.postcode, "country": COUNTRY,
        "address_type": "physical",
    })]


def service_at_location_to_hsds(service: HsdsService, *, full: bool,
                                with_service: bool = True) -> dict[str, Any] | None:
    """The service at its location (a service has at most one, so its id derives from the service id),
    or None for a service with only a werkgebied."""
    location = _location(service, full=full)
    if location is None:
        return None
    body: dict[str, Any] = {"id": public_id("service_at_location", service.id),
                            "service_id": public_id("service", service.id), "location_id": location["id"],
                            "location": location}
    if full:
        body["schedules"] = schedules(service.id, service.hours)
        body["phones"] = _phones("service", service.id, service.phone)
    if with_service:
        body["service"] = service_to_hsds(service, full=False)
    return body


# -- organisations -----------------------------------------------------------------------------------
def organization_to_hsds(org: Organization, services: list[HsdsService] | None = None, *,
                         full: bool = True, full_services: bool = False) -> dict[str, Any]:
    """A stored organisation as HSDS, always with its own-id attribute. ``full``: with phones and the
    attributes of its kind and whether it is informal;
    ``services`` given: with a ``services`` array (full services when ``full_services``)."""
    # HSDS requires a description: an organisation without one gets its name.
    body = _compact({"id": public_id("organization", org.id), "name": org.name,
                     "description": org.description or org.name,
                     "email": org.email, "website": org.website})
    body["attributes"] = [own_id_attribute("organization", org.id)]
    if full:
        terms = [("organizationKind", org.kind)] if org.kind in _TERMS["organizationKind"] else []
        if org.formal is False:
            terms.append(("feature", "informeel"))
        body["phones"] = _phones("organization", org.id, org.phone)
        body["attributes"] += [_attribute("organization", org.id, v, c) for v, c in terms]
    if services is not None:
        body["services"] = [service_to_hsds(s, full=full_services) for s in services]
    return body

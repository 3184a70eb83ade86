"""Import Open Referral HSDS 3.0 (tabular datapackage or JSON) as organisations and services.

``importers.hsds_files`` reads the input into nested records; this module maps each record onto
our model and says, per service, what is wrong (file, line or object, column, Dutch reason).
Taxonomy terms become leefgebieden, doelgroepen, treden, soorten organisaties and kenmerken
through the mapping file (``importers.hsds_mapping``); our own terms, as our export writes them,
map by themselves. Unmapped terms do not stop a service: they are reported, with how often.

What HSDS holds and we keep, as the export writes it (docs/hsds.md): names, descriptions,
contact data, ages, costs, weekly schedules, wachttijd, CBS codes in service areas, the first
physical location in the Netherlands, the date last checked. A service with status inactive
or defunct is skipped (reported). Ids are kept as they are and keyed on the source: a stored
record from another source is not overwritten.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Callable

from importers.hsds.files import MAX_JSON_BYTES, HsdsInput, Origin, origin_of, read_hsds
from importers.hsds.mapping import SOORT_OF_VOCABULARY, TermMapping, load_mapping
from importers.providers import SOURCE_PATTERN
from importers.report import ImportReport, Problem, settle
from socialekaart.catalog import hsds, readability
from socialekaart.catalog.importing import ImportService, service_from_snapshot
from socialekaart.catalog.model import Location, Organization, Service
from socialekaart.catalog.records import StoredService
from socialekaart.places.codes import CODE_BODIES, area_kind_of
from socialekaart.places.geocoding import normalise_postcode
from socialekaart.places.model import in_netherlands
from socialekaart.shared import taxonomy
from socialekaart.shared.errors import ImportRejected, NotFound, ValidationError
from socialekaart.shared.hours import MINUTES_PER_DAY, WeeklyHours
from socialekaart.shared.validation import ID_PATTERN

DEFAULT_SOURCE = "hsds"
STATUSES = ("active", "inactive", "defunct", "temporarily closed")
SKIPPED_STATUSES = ("inactive", "defunct")
MAX_NOTE = 1000
CBS_CODE = re.compile(r"\b(" + "|".join(CODE_BODIES[k] for k in ("gemeente", "wijk", "buurt")) + r")\b", re.IGNORECASE)
WAIT = re.compile(r"^(\d{1,3}) (?:week|weken)(?:\. (.*))?$", re.DOTALL)
TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$", re.IGNORECASE)
ICAL_DAY = {code: day for day, code in enumerate(hsds.ICAL_DAYS)}
DUTCH_ZONES = ("+01", "+0100", "+02", "+0200")  # a time's zone, without its colon
IGNORED_SCHEDULE_FIELDS = ("byweekno", "bymonthday", "byyearday", "count", "until", "valid_from", "valid_to")
FEATURE_FLAGS = {"crisis-24-uur": "crisis_24h", "onafhankelijke-clientondersteuning": "independent_client_support",
                 "vertrouwelijk": "confidential"}
# Model field (ValidationError.errors key) -> HSDS field it comes from.
SERVICE_COLUMNS = {
    "id": "id", "organizationId": "organization_id", "name": "name", "description": "description",
    "rung": "attributes", "lifeDomains": "attributes", "targetGroups": "attributes", "ageMin": "minimum_age",
    "ageMax": "maximum_age", "cost": "cost_options", "waitWeeks": "wait_time", "serves": "service_areas",
    "location": "service_at_locations", "location.id": "service_at_locations", "lastVerified": "assured_date",
    "phone": "phones", "email": "email", "website": "url",
}
# What a minimal record (an HSDS list item, a package without some tables) leaves out must not
# clear what is stored: HSDS key(s), all absent from the record -> the Service fields kept.
KEPT_WHEN_ABSENT: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("description",), ("description",)),
    (("schedules", "service_at_locations[].schedules"), ("hours",)),
    (("cost_options",), ("cost",)),
    (("fees_description",), ("cost_note",)),
    (("wait_time",), ("wait_weeks", "capacity_note")),
    (("phones", "contacts[].phones", "service_at_locations[].phones"), ("phone",)),
    (("email", "contacts"), ("email",)),
    (("url",), ("website",)),
    (("minimum_age",), ("age_min",)),
    (("maximum_age",), ("age_max",)),
    (("assured_date",), ("last_verified",)),
    (("service_areas",), ("serves",)),
    (("service_at_locations",), ("location",)),
    (("attributes",), ("rung", "life_domains", "target_groups", *FEATURE_FLAGS.values())),
)
ORGANIZATION_KEPT_WHEN_ABSENT = {"description": ("description",), "phones": ("phone",), "email": ("email",),
                                 "website": ("website",), "attributes": ("kind", "formal")}
ORGANIZATION_COLUMNS = {"id": "id", "name": "name", "description": "description", "kind": "attributes",
                        "phone": "phones", "email": "email", "website": "website"}


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _records(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _number(value: Any) -> float | None:
    """A number from JSON or a CSV cell; None when empty; ValueError when it is no number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        return float(value)
    return float(str(value).strip().replace(",", "."))


def _phone(value: Any) -> str | None:
    """Phone numbers come with stray quotes ('"+44 1234 234567"' in the HSDS examples)."""
    text = _text(value)
    return text.strip("\"' ") or None if text else None


class _Record:
    """Problems and warnings of one service or organisation, and where each model field came from."""

    def __init__(self, record: dict[str, Any]):
        self.origin = origin_of(record)
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.places: dict[str, tuple[Origin, str]] = {}  # model field -> (origin, HSDS column)
        self.said: set[str] = set()  # model fields with a problem already

    def problem(self, model_field: str, column: str, reason: str, origin: Origin | None = None) -> None:
        self.problems.append((origin or self.origin).problem(column, reason))
        self.said.add(model_field)

    def warn(self, column: str | None, reason: str, origin: Origin | None = None) -> None:
        self.warnings.append((origin or self.origin).problem(column, reason))

    def model_errors(self, error: ValidationError, columns: dict[str, str]) -> None:
        for model_field, messages in error.errors.items():
            base = model_field.split(".")[0]
            if model_field in self.said or base in self.said:
                continue
            origin, column = self.places.get(model_field) or self.places.get(base) or \
                (self.origin, columns.get(model_field, columns.get(base, model_field)))
            for message in messages:
                self.problems.append(origin.problem(column, message))


@dataclass
class HsdsRead:
    organizations: list[Organization] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    rejected: list[list[Problem]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


class HsdsMapper:
    def __init__(self, imports: ImportService, locator, mapping: TermMapping, *, source: str = DEFAULT_SOURCE,
                 known_areas: set[str] | None = None, fallback_area: str | None = None):
        self.imports = imports
        self.locator = locator
        self.mapping = mapping
        self.source = source
        self.known_areas = known_areas
        self.fallback_area = fallback_area
        self._unmapped: dict[str, list[Any]] = {}  # term key -> [description, first origin, count]
        self._fallback_used = 0
        self._kept_from_store = 0  # stored services whose record left fields out
        self._abroad = 0  # locations outside the Netherlands: a foreign feed?

    # -- the whole input ---------------------------------------------------------------------------
    def read(self, data: HsdsInput, progress: Callable[[int, int], None] | None = None) -> HsdsRead:
        result = HsdsRead()
        adopt_own_ids(data)
        org_records = list(data.organizations)
        known_org_ids = {str(r.get("id")) for r in org_records}
        for service in data.services:  # the JSON form nests the organisation in each service
            nested = service.get("organization")
            if isinstance(nested, dict) and str(nested.get("id")) not in known_org_ids:
                org_records.append(nested)
                known_org_ids.add(str(nested.get("id")))
        stored_orgs = self.imports.stored_organizations(
            {str(r.get("id")) for r in org_records} | {str(s.get("organization_id")) for s in data.services})
        stored_services = self.imports.stored_services(str(s.get("id")) for s in data.services)

        organizations: dict[str, Organization] = {}
        rejected_orgs: set[str] = set()
        for record in org_records:
            org, state = self._organization(record, stored_orgs, organizations)
            result.warnings.extend(state.warnings)
            if org is None:
                rejected_orgs.add(str(record.get("id")))
                result.rejected.append(state.problems)
            else:
                organizations[org.id] = org
        seen: dict[str, Origin] = {}
        offered: set[str] = set()  # organisations with at least one service in the input
        for done, record in enumerate(data.services, start=1):
            service, state = self._service(record, organizations, rejected_orgs, stored_orgs, stored_services, seen)
            result.warnings.extend(state.warnings)
            if service is not None:
                offered.add(service.organization_id)
            if state.problems:
                result.rejected.append(state.problems)
            elif service is not None:
                result.services.append(service)
            if progress is not None:
                progress(done, len(data.services))
        # With --skip-invalid, an organisation whose every service here was refused is not written
        # either: it would appear on the kaart with nothing to offer.
        kept = {s.organization_id for s in result.services}
        for org_id in sorted(offered - kept):
            if org_id in organizations:
                del organizations[org_id]
                result.warnings.append(Problem(data.label, f"De organisatie {org_id} wordt niet geschreven: al haar "
                                                           "diensten in dit bestand zijn afgekeurd."))
        result.organizations = list(organizations.values())
        result.warnings.extend(self._closing_warnings(data))
        return result

    def _closing_warnings(self, data: HsdsInput) -> list[Problem]:
        warnings = []
        for description, origin, count in self._unmapped.values():
            warnings.append(origin.problem("taxonomy_term_id", (
                f"De term {description} staat niet in het mappingbestand ({self.mapping.label}); "
                f"{count} keer gebruikt en nu niet meegenomen. Voeg een regel toe om hem te gebruiken.")))
        if self._abroad:
            warnings.append(Problem(data.label, (
                f"{self._abroad} locatie(s) liggen buiten Nederland: is dit een buitenlandse feed? Geef de diensten "
                "dan een werkgebied met --werkgebied (een CBS-code, zoals GM0664) en vertaal hun termen met een "
                "mappingbestand (--mapping; met een standaardleefgebied: term *). Zie docs/hsds.md, "
                "'Een buitenlandse feed'.")))
        if self._kept_from_store:
            warnings.append(Problem(data.label, f"{self._kept_from_store} bestaande dienst(en) zonder sommige "
                                                "velden in dit bestand (zoals een lijstpagina zonder schedules of "
                                                "cost_options): die velden houden hun opgeslagen waarde."))
        if self._fallback_used:
            what = "dienst zonder bruikbare locatie of werkgebied kreeg" if self._fallback_used == 1 else \
                "diensten zonder bruikbare locatie of werkgebied kregen"
            warnings.append(Problem(data.label, f"{self._fallback_used} {what} werkgebied {self.fallback_area} "
                                                "(--werkgebied)."))
        return warnings

    # -- taxonomy terms ----------------------------------------------------------------------------
    def _terms(self, record: dict[str, Any]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for attribute in _records(record.get("attributes")):
            term = attribute.get("taxonomy_term")
            if not isinstance(term, dict):
                term = {"id": attribute.get("taxonomy_term_id")}
            if not _text(term.get("id")) and not _text(term.get("name")):
                continue
            targets = self.mapping.targets(term)
            if not targets:
                self._note_unmapped(term, origin_of(attribute))
            for vocabulary, code in targets:
                if code not in found[vocabulary]:
                    found[vocabulary].append(code)
        return found

    def _note_unmapped(self, term: dict[str, Any], origin: Origin) -> None:
        key = f"{term.get('taxonomy_id') or term.get('taxonomy') or ''}|{term.get('id') or term.get('name')}"
        if key in self._unmapped:
            self._unmapped[key][2] += 1
            return
        name, term_id = _text(term.get("name")), _text(term.get("id"))
        description = " ".join(part for part in (repr(name) if name else None, f"({term_id})" if term_id else None)
                               if part)
        self._unmapped[key] = [description, origin, 1]

    # -- organisations -----------------------------------------------------------------------------
    def _organization(self, record: dict[str, Any], stored: dict[str, Organization],
                      done: dict[str, Organization]) -> tuple[Organization | None, _Record]:
        state = _Record(record)
        org_id = _text(record.get("id")) or ""
        if org_id in done:
            state.problem("id", "id", f"De organisatie {org_id} staat twee keer in het bestand.")
        before = stored.get(org_id)
        if before is not None and (before.source or "") != self.source:
            state.problem("id", "id", f"De organisatie {org_id} bestaat al uit bron {before.source!r}; "
                                      f"importeer met --source {before.source} of gebruik een ander id.")
        terms = self._terms(record)
        kinds = terms.get("organizationKind", [])
        phone, place = self._first_phone([record])
        if place:
            state.places["phone"] = place
        org = Organization(id=org_id, name=_text(record.get("name")) or "", kind=kinds[0] if kinds else "overig",
                           formal="informeel" not in terms.get("feature", []),
                           description=_organization_description(record),
                           website=_text(record.get("website")), phone=phone, email=_text(record.get("email")),
                           source=self.source)
        if before is not None:
            for key, kept in ORGANIZATION_KEPT_WHEN_ABSENT.items():
                if _absent(record, key):
                    for name in kept:
                        setattr(org, name, getattr(before, name))
        try:
            org.validate()
        except ValidationError as exc:
            state.model_errors(exc, ORGANIZATION_COLUMNS)
        return (None if state.problems else org), state

    # -- services ----------------------------------------------------------------------------------
    def _service(self, record: dict[str, Any], organizations: dict[str, Organization], rejected_orgs: set[str],
                 stored_orgs: dict[str, Organization], stored_services: dict[str, StoredService],
                 seen: dict[str, Origin]) -> tuple[Service | None, _Record]:
        state = _Record(record)
        if record.get("_not_an_object"):
            state.problem("id", None, "Dit is geen object; een dienst is een JSON-object.")
            return None, state
        service_id = _text(record.get("id")) or ""
        status = (_text(record.get("status")) or "active").lower()
        if status in SKIPPED_STATUSES:
            state.warn("status", f"De dienst {service_id} heeft status {status} en wordt niet ingelezen.")
            return None, state
        if status not in STATUSES:
            state.problem("status", "status", f"Onbekende status {status[:40]!r}; HSDS kent {', '.join(STATUSES)}.")
        if status == "temporarily closed":
            state.warn("status", "Tijdelijk gesloten; de sociale kaart kan dat niet tonen en neemt de dienst op "
                                 "als open.")
        if service_id in seen:
            first = seen[service_id]
            where = f"regel {first.line}" if first.line else first.record
            state.problem("id", "id", f"De dienst {service_id} staat al eerder in het bestand ({where}).")
        seen.setdefault(service_id, state.origin)
        before = stored_services.get(service_id)
        if before is not None and (before.source or "") != self.source:
            state.problem("id", "id", f"De dienst {service_id} bestaat al uit bron {before.source!r}; "
                                      f"importeer met --source {before.source} of gebruik een ander id.")
        org_id = self._organization_id(record, state, organizations, rejected_orgs, stored_orgs)

        terms = self._terms(record)
        features = terms.get("feature", [])
        keep_terms = before is not None and _absent(record, "attributes")  # set from the stored record below
        service = Service(
            id=service_id, organization_id=org_id, name=_text(record.get("name")) or "",
            description=_text(record.get("description")) or "",
            rung="" if keep_terms else self._rung(terms, state),
            life_domains=[] if keep_terms else self._listed(terms, "lifeDomain", state, required=True),
            target_groups=[] if keep_terms else self._listed(terms, "targetGroup", state, required=False),
            age_min=self._age(record, "minimum_age", "ageMin", state),
            age_max=self._age(record, "maximum_age", "ageMax", state),
            hours=self._hours(record, state), website=_text(record.get("url")),
            last_verified=self._date(record, state), source=self.source,
            **{flag: code in features for code, flag in FEATURE_FLAGS.items()},
        )
        service.cost, service.cost_note = self._cost(record, state)
        service.wait_weeks, service.capacity_note = self._wait(record, state)
        service.phone, place = self._first_phone([record, *_records(record.get("service_at_locations")),
                                                  *_records(record.get("contacts"))])
        if place:
            state.places["phone"] = place
        service.email = _text(record.get("email")) or next(
            (_text(c.get("email")) for c in _records(record.get("contacts")) if _text(c.get("email"))), None)
        service.serves = self._serves(record, state)
        wijk = self._place(record, service, state, before)
        if before is not None:
            self._keep_what_is_absent(record, service, before)
        self._complete_place(service, wijk, state)
        try:
            service.validate()
        except ValidationError as exc:
            state.model_errors(exc, SERVICE_COLUMNS)
        # How easy a new or changed description reads: a warning for the writer, never a reason to refuse.
        if not state.problems and service.description != (before.description if before else None):
            for message in readability.check(service.description):
                state.warn("description", f"Leesbaarheid: {message}")
        return service, state

    def _keep_what_is_absent(self, record: dict[str, Any], service: Service, before: StoredService) -> None:
        """Fields whose HSDS keys the record leaves out keep their stored values."""
        stored = service_from_snapshot(before)
        kept = False
        for keys, names in KEPT_WHEN_ABSENT:
            if all(_absent(record, key) for key in keys):
                for name in names:
                    setattr(service, name, getattr(stored, name))
                kept = True
        self._kept_from_store += kept

    def _organization_id(self, record: dict[str, Any], state: _Record, organizations: dict[str, Organization],
                         rejected_orgs: set[str], stored_orgs: dict[str, Organization]) -> str:
        nested = record.get("organization")
        org_id = _text(record.get("organization_id")) or (_text(nested.get("id")) if isinstance(nested, dict)
                                                          else None)
        if not org_id:
            state.problem("organizationId", "organization_id", "Geen organisatie: vul organization_id in.")
        elif org_id in rejected_orgs:
            state.problem("organizationId", "organization_id",
                          f"De organisatie {org_id} is afgekeurd (zie daar); deze dienst dus ook.")
        elif org_id not in organizations and org_id not in stored_orgs:
            state.problem("organizationId", "organization_id",
                          f"Onbekende organisatie {org_id}: niet in dit bestand en niet in de sociale kaart.")
        return org_id or ""

    def _rung(self, terms: dict[str, list[str]], state: _Record) -> str:
        rungs = terms.get("rung") or ([self.mapping.fallback("rung")] if self.mapping.fallback("rung") else [])
        if not rungs:
            state.problem("rung", "attributes", "Geen trede: geen van de termen van deze dienst staat als trede in "
                                                f"het mappingbestand ({self.mapping.label}), en er is geen "
                                                "standaardtrede (term *).")
            return ""
        if len(rungs) > 1:
            state.warn("attributes", f"Meerdere treden ({', '.join(rungs)}); de eerste ({rungs[0]}) is gekozen.")
        return rungs[0]

    def _listed(self, terms: dict[str, list[str]], vocabulary: str, state: _Record, *, required: bool) -> list[str]:
        codes = terms.get(vocabulary) or ([self.mapping.fallback(vocabulary)] if self.mapping.fallback(vocabulary)
                                          else [])
        if not codes and required:
            state.problem("lifeDomains", "attributes",
                          f"Geen {SOORT_OF_VOCABULARY[vocabulary]}: geen van de termen van deze dienst staat in het "
                          f"mappingbestand ({self.mapping.label}). Voeg de termen toe, of een standaard (term *).")
        return codes

    def _age(self, record: dict[str, Any], column: str, model_field: str, state: _Record) -> int | None:
        try:
            value = _number(record.get(column))
        except ValueError:
            value = -1.0
        if value is None:
            return None
        if value != int(value) or not 0 <= value <= 120:
            state.problem(model_field, column, f"{str(record.get(column))[:20]!r} is geen leeftijd: gebruik een heel "
                                               "getal van 0 tot en met 120.")
            return None
        return int(value)

    def _date(self, record: dict[str, Any], state: _Record) -> date | None:
        text = _text(record.get("assured_date"))
        if not text:
            return None
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            state.problem("lastVerified", "assured_date", f"{text[:30]!r} is geen datum; gebruik JJJJ-MM-DD.")
            return None

    def _cost(self, record: dict[str, Any], state: _Record) -> tuple[str, str | None]:
        options = _records(record.get("cost_options"))
        cost = "gratis"
        if options:
            first = options[0]
            cost = taxonomy.resolve("cost", _text(first.get("option")) or "") or ""
            if not cost:
                try:
                    amount = _number(first.get("amount"))
                except ValueError:
                    amount = None
                cost = "gratis" if amount == 0 else "betaald"
        note = _text(record.get("fees_description"))
        if note and taxonomy.resolve("cost", note) is not None:
            note = None  # just the label, as our export writes it for a service without a note
        if note and len(note) > MAX_NOTE:
            state.problem("costNote", "fees_description", f"Te lang: hoogstens {MAX_NOTE} tekens.")
        return cost, note

    def _wait(self, record: dict[str, Any], state: _Record) -> tuple[int | None, str | None]:
        text = _text(record.get("wait_time"))
        if not text:
            return None, None
        match = WAIT.match(text)
        weeks, note = (int(match.group(1)), match.group(2) or None) if match else (None, text)
        if note and len(note) > MAX_NOTE:
            state.problem("capacityNote", "wait_time", f"Te lang: hoogstens {MAX_NOTE} tekens.")
        return weeks, note

    @staticmethod
    def _first_phone(records: list[dict[str, Any]]) -> tuple[str | None, tuple[Origin, str] | None]:
        for record in records:
            for phone in _records(record.get("phones")):
                number = _phone(phone.get("number"))
                if number:
                    return number, (origin_of(phone), "number")
        return None, None

    # -- opening hours -----------------------------------------------------------------------------
    def _hours(self, record: dict[str, Any], state: _Record) -> WeeklyHours:
        schedules: list[dict[str, Any]] = []
        seen: set[str] = set()
        for schedule in [*_records(record.get("schedules")),
                         *(s for sal in _records(record.get("service_at_locations"))
                           for s in _records(sal.get("schedules")))]:
            key = _text(schedule.get("id"))
            if key and key in seen:
                continue  # our export nests the same schedule under the service and its location
            seen.add(key or f"#{len(seen)}")
            schedules.append(schedule)
        ranges: set[tuple[int, int]] = set()
        for schedule in schedules:
            ranges.update(self._schedule_ranges(schedule, state))
        full_days = {(day * MINUTES_PER_DAY, (day + 1) * MINUTES_PER_DAY) for day in range(7)}
        if ranges == full_days:
            return WeeklyHours(((0, 7 * MINUTES_PER_DAY),), always_open=True)
        return WeeklyHours(tuple(sorted(ranges)))

    @staticmethod
    def _schedule_ranges(schedule: dict[str, Any], state: _Record) -> list[tuple[int, int]]:
        origin = origin_of(schedule)
        freq = (_text(schedule.get("freq")) or "WEEKLY").upper()
        if freq != "WEEKLY":
            state.warn("freq", f"Alleen wekelijkse openingstijden worden gelezen; dit schema ({freq}) is "
                               "overgeslagen.", origin)
            return []
        days_text = _text(schedule.get("byday"))
        opens, closes = _clock(schedule.get("opens_at")), _clock(schedule.get("closes_at"))
        days = [ICAL_DAY.get(d.strip().upper()) for d in (days_text or "").split(",")]
        if not days_text or None in days:
            state.warn("byday", f"Dagen {days_text!r} niet begrepen (verwacht zoiets als MO,TU,WE); dit schema is "
                                "overgeslagen.", origin)
            return []
        if closes is not None and closes[0] == MINUTES_PER_DAY - 1:
            closes = (MINUTES_PER_DAY, closes[1])  # 23:59(:59): until midnight, as a CSV time must say 24:00
        if opens is None or closes is None or opens[0] >= closes[0] or closes[0] > MINUTES_PER_DAY:
            state.warn("opens_at", f"Tijden {schedule.get('opens_at')!r}-{schedule.get('closes_at')!r} niet "
                                   "begrepen (verwacht 09:00 en 17:00, sluiten na openen); dit schema is "
                                   "overgeslagen.", origin)
            return []
        ignored = [name for name in IGNORED_SCHEDULE_FIELDS if _text(schedule.get(name))]
        if (_number_or_none(schedule.get("interval")) or 1) != 1:
            ignored.append("interval")
        if opens[1] or closes[1]:
            ignored.append("tijdzone")
        if ignored:
            state.warn(ignored[0], f"Genegeerd: {', '.join(ignored)}; de tijden gelden elke week, in Nederlandse "
                                   "tijd.", origin)
        return [(day * MINUTES_PER_DAY + opens[0], day * MINUTES_PER_DAY + closes[0]) for day in days]

    # -- where: werkgebied and location ------------------------------------------------------------
    def _serves(self, record: dict[str, Any], state: _Record) -> list[str]:
        codes: list[str] = []
        for area in _records(record.get("service_areas")):
            text = " ".join(t for t in (_text(area.get(k)) for k in ("name", "description", "uri", "extent")) if t)
            found = [code.upper() for code in CBS_CODE.findall(text)]
            if not found:
                state.warn("name", f"Werkgebied {(_text(area.get('name')) or '')[:60]!r} heeft geen CBS-code "
                                   "(zoals GM0664 of WK066401) en is overgeslagen.", origin_of(area))
            for code in found:
                if self.known_areas is not None and code not in self.known_areas:
                    state.problem("serves", "description", f"Het gebied {code} is niet bekend; importeer eerst de "
                                                           "CBS-gebieden ('socialekaart import cbs').", origin_of(area))
                elif code not in codes:
                    codes.append(code)
        return codes

    def _place(self, record: dict[str, Any], service: Service, state: _Record,
               before: StoredService | None) -> str | None:
        """Set the service's location from its first usable physical location; return the wijk code
        of our confidential (virtual) location, if that is what there is."""
        usable: list[Location] = []
        wijk = None
        for sal in _records(record.get("service_at_locations")):
            location = sal.get("location")
            if not isinstance(location, dict):
                state.warn("location_id", "Deze dienst-op-locatie verwijst naar een onbekende locatie.", origin_of(sal))
                continue
            kind = (_text(location.get("location_type")) or "physical").lower()
            if kind == "virtual" and _text(location.get("external_identifier_type")) == "CBS-wijkcode":
                wijk = (_text(location.get("external_identifier")) or "").upper() or None
                continue
            if kind != "physical":
                continue
            found = self._location(location, service.id, state)
            if found is not None:
                usable.append(found)
        if len(usable) > 1:
            state.warn("service_at_locations", f"{len(usable)} locaties; de sociale kaart houdt er één bij "
                                               "een dienst: de eerste.")
        service.location = usable[0] if usable else None
        if service.location is None and service.confidential and before and before.location:
            # an export leaves a confidential address out: keep the stored one
            service.location = replace(before.location)
        return wijk

    def _location(self, location: dict[str, Any], service_id: str, state: _Record) -> Location | None:
        origin = origin_of(location)
        addresses = _records(location.get("addresses"))
        address = next((a for a in addresses if (_text(a.get("address_type")) or "physical") == "physical"),
                       addresses[0] if addresses else {})
        postcode = None
        if _text(address.get("postal_code")):
            try:
                code = normalise_postcode(_text(address.get("postal_code")))
                postcode = f"{code[:4]} {code[4:]}" if len(code) == 6 else code
            except ValidationError:
                postcode = None
        try:
            lat, lon = _number(location.get("latitude")), _number(location.get("longitude"))
        except ValueError:
            state.warn("latitude", "De coördinaten zijn geen getallen; deze locatie is overgeslagen.", origin)
            return None
        if lat is None or lon is None:
            if postcode is None:
                state.warn("latitude", "Geen coördinaten en geen Nederlandse postcode; deze locatie is overgeslagen.",
                           origin)
                return None
            try:
                point = self.locator.locate(postcode)
            except (NotFound, ValidationError) as exc:
                state.warn("postal_code", f"{exc.message} Deze locatie is overgeslagen.", origin_of(address) if
                           address else origin)
                return None
            lat, lon = point.lat, point.lon
        if not in_netherlands(lat, lon):
            self._abroad += 1
            state.warn("latitude", f"De locatie ({lat}, {lon}) ligt niet in Nederland en is overgeslagen.", origin)
            return None
        location_id = _text(location.get("id")) or ""
        if not ID_PATTERN.match(location_id):
            location_id = f"{service_id}:locatie"[:128]
        street = ", ".join(t for t in (_text(address.get("address_1")), _text(address.get("address_2"))) if t)
        state.places["location"] = (origin, "latitude")
        state.places["location.id"] = (origin, "id")
        if address:
            state.places["location.address"] = (origin_of(address), "address_1")
        return Location(location_id, lat, lon, street or None, postcode, _text(address.get("city")))

    def _complete_place(self, service: Service, wijk: str | None, state: _Record) -> None:
        if service.location is not None or service.serves:
            return
        if service.confidential and wijk and area_kind_of(wijk) == "wijk" and \
                (self.known_areas is None or wijk in self.known_areas):
            service.serves = [wijk]
            state.warn("service_at_locations", f"Vertrouwelijke locatie: alleen de wijk is bekend; {wijk} wordt "
                                               "het werkgebied.")
        elif self.fallback_area:
            service.serves = [self.fallback_area]
            self._fallback_used += 1
        else:
            state.problem("location", "service_at_locations",
                          "Geen bruikbare locatie (in Nederland, met coördinaten of een Nederlandse postcode) en geen "
                          "werkgebied met een CBS-code. Geef met --werkgebied een gebied voor zulke diensten.")


def _absent(record: dict[str, Any], key: str) -> bool:
    """``key`` is not in the record; 'service_at_locations[].schedules': in none of its items.
    Attributes that only carry our own id (as in our list items) hold no terms: absent too."""
    if key == "attributes" and key in record:
        attributes = _records(record.get("attributes"))
        return bool(attributes) and all(hsds.is_own_id_attribute(a) for a in attributes)
    if "[]." not in key:
        return key not in record
    outer, _, inner = key.partition("[].")
    return not any(inner in item for item in _records(record.get(outer)))


def _organization_description(record: dict[str, Any]) -> str:
    """HSDS requires a description; our export writes the name for an organisation without one."""
    description = _text(record.get("description")) or ""
    return "" if description == _text(record.get("name")) else description


def adopt_own_ids(data: HsdsInput) -> None:
    """Our own export gives every record a UUID and keeps our id in a ``socialekaart-id`` attribute:
    put our ids back (also in the references to them), so that re-importing an export finds the
    same records. Records without that attribute keep their ids as they are."""
    organizations: dict[str, str] = {}
    nested = [s["organization"] for s in data.services if isinstance(s.get("organization"), dict)]
    for record in [*data.organizations, *nested]:
        own = hsds.own_id(record)
        if own is not None:
            organizations[str(record["id"])] = own
    for record in [*data.organizations, *nested]:  # minimal nested copies have no attributes
        if str(record.get("id")) in organizations:
            record["id"] = organizations[str(record["id"])]
    for service in data.services:
        own = hsds.own_id(service)
        if own is not None:
            service["id"] = own
        org_id = str(service.get("organization_id") or "")
        if org_id in organizations:
            service["organization_id"] = organizations[org_id]
        for sal in _records(service.get("service_at_locations")):
            location = sal.get("location")
            own_location = hsds.own_id(location) if isinstance(location, dict) else None
            if isinstance(location, dict) and own_location is not None:
                location["id"] = own_location


def _number_or_none(value: Any) -> float | None:
    try:
        return _number(value)
    except ValueError:
        return None


def _clock(value: Any) -> tuple[int, bool] | None:
    """'09:00', '09:00:00' or '09:00+01:00' -> (540, had a zone other than Dutch time); None when not
    understood. +01:00 and +02:00 are Dutch time (winter, summer), as our own export writes them."""
    match = TIME.match(_text(value) or "")
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        return None
    zone = (match.group(3) or "").replace(":", "")
    return hours * 60 + minutes, bool(zone) and zone not in DUTCH_ZONES


# -- the whole import ------------------------------------------------------------------------------
def import_hsds(path: Path | str, imports: ImportService, locator, *, source: str = DEFAULT_SOURCE,
                mapping_path: Path | str | None = None, fallback_area: str | None = None, dry_run: bool = False,
                skip_invalid: bool = False, known_areas: set[str] | None = None, max_bytes: int = MAX_JSON_BYTES,
                progress: Callable[[int, int], None] | None = None,
                before_write: Callable[[ImportReport], None] | None = None) -> ImportReport:
    """Read and check the whole input, then (unless a dry run, or services are rejected without
    ``skip_invalid``) write all organisations and services in one unit."""
    options = ImportOptions(source=source, mapping_path=mapping_path, fallback_area=fallback_area, dry_run=dry_run,
                            skip_invalid=skip_invalid, known_areas=known_areas)
    mapping = options.checked()
    return import_hsds_input(read_hsds(path, max_bytes=max_bytes), imports, locator, options, mapping,
                             progress=progress, before_write=before_write)


@dataclass
class ImportOptions:
    source: str = DEFAULT_SOURCE
    mapping_path: Path | str | None = None
    fallback_area: str | None = None
    dry_run: bool = False
    skip_invalid: bool = False
    known_areas: set[str] | None = None

    def checked(self) -> TermMapping:
        """Refuse bad options before any input is read; the term mapping they name."""
        if not SOURCE_PATTERN.match(self.source):
            raise ImportRejected(f"{self.source[:40]!r} is geen geldige bron; gebruik kleine letters, cijfers, '-', "
                                 "'.' of '_'.")
        if self.fallback_area is not None:
            self.fallback_area = self.fallback_area.strip().upper()
            if area_kind_of(self.fallback_area) not in ("gemeente", "wijk", "buurt"):
                raise ImportRejected(f"--werkgebied {self.fallback_area[:30]!r} is geen CBS-code van een gemeente, "
                                     "wijk of buurt (zoals GM0664).")
            if self.known_areas is not None and self.fallback_area not in self.known_areas:
                raise ImportRejected(f"--werkgebied {self.fallback_area} is niet bekend; importeer eerst de "
                                     "CBS-gebieden.")
        return load_mapping(self.mapping_path)


def import_hsds_input(data: HsdsInput, imports: ImportService, locator, options: ImportOptions,
                      mapping: TermMapping, *, progress: Callable[[int, int], None] | None = None,
                      before_write: Callable[[ImportReport], None] | None = None) -> ImportReport:
    """Map and check everything read (a file, or every page pulled from an API), then write all or nothing."""
    mapper = HsdsMapper(imports, locator, mapping, source=options.source, known_areas=options.known_areas,
                        fallback_area=options.fallback_area)
    read = mapper.read(data, progress)
    report = ImportReport("hsds", data.files, dry_run=options.dry_run, skip_invalid=options.skip_invalid)
    for problems in read.rejected:
        report.reject(problems)
    for warning in [*data.warnings, *read.warnings]:
        report.warn(warning)
    plan = imports.plan(organizations=read.organizations, services=read.services)
    return settle(report, imports, plan, before_write)

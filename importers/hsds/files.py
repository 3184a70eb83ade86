"""Read Open Referral HSDS 3.0 files into nested service and organisation records.

Two forms, both ending as records in the shape of HSDS JSON (a service with its phones,
schedules, service_at_locations, attributes ... nested; an organisation with its phones and
attributes):
- the tabular datapackage: ``datapackage.json`` with CSV files, as a folder or a zip;
- the JSON form: a list of full services or organisations (also: one object, or an HSDS API
  page with ``contents``); each object is read as what it is (``importers.hsds.entities``), and
  a file of service_at_locations, locations, taxonomies or terms is refused with what to do instead.

Every record carries where it came from (``ORIGIN``: file, line or object, JSON path), so each
problem can be reported with file, line and column. Whole-input problems (too large, unsafe
zip, not UTF-8, broken JSON, no services) raise ImportRejected with a Dutch message.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from importers.cbs import JSON_ERRORS
from importers.hsds.entities import INSTEAD, NAMES, is_api_root, kinds_of
from importers.limits import MB, read_limited_bytes, read_zip_member, safe_zip_members
from importers.report import Problem
from socialekaart.shared.errors import ImportRejected

ORIGIN = "_origin"
MAX_CSV_BYTES = 50 * MB
MAX_JSON_BYTES = 100 * MB
MAX_ROWS = 200_000
# The HSDS tables we read (datapackage resource name -> default file name).
TABLES = {
    "organization": "organizations.csv", "service": "services.csv", "location": "locations.csv",
    "service_at_location": "service_at_location.csv", "address": "addresses.csv", "phone": "phones.csv",
    "schedule": "schedules.csv", "service_area": "service_areas.csv", "cost_option": "cost_options.csv",
    "contact": "contacts.csv", "attribute": "attributes.csv", "taxonomy_term": "taxonomy_terms.csv",
    "taxonomy": "taxonomies.csv",
}
# Nested key of a service or organisation record -> the table its rows come from.
CHILD_TABLES = {"phones": "phone", "schedules": "schedule", "service_areas": "service_area",
                "service_at_locations": "service_at_location", "cost_options": "cost_option",
                "contacts": "contact", "attributes": "attribute"}


@dataclass(frozen=True)
class Origin:
    """Where a record came from: a CSV line, or an object (and JSON path) in a JSON file."""
    file: str
    line: int | None = None
    record: str | None = None
    path: str = ""  # JSON path of the record, ending in '.' ('service_at_locations[0].location.')

    def problem(self, column: str | None, reason: str) -> Problem:
        if self.path:
            column = f"{self.path}{column}" if column else self.path.rstrip(".")
        return Problem(self.file, reason, line=self.line, column=column, record=self.record)


def origin_of(record: dict[str, Any]) -> Origin:
    return record.get(ORIGIN) or Origin("?")


@dataclass
class HsdsInput:
    label: str  # the path as given, for the report
    files: list[str]
    services: list[dict[str, Any]] = field(default_factory=list)
    organizations: list[dict[str, Any]] = field(default_factory=list)  # JSON also nests them in services
    warnings: list[Problem] = field(default_factory=list)


# -- the whole input ---------------------------------------------------------------------------------
def read_hsds(path: Path | str, *, max_bytes: int = MAX_JSON_BYTES) -> HsdsInput:
    """Read a datapackage folder, a zip of one, a datapackage.json, or a JSON file of services."""
    path = Path(path)
    if path.is_dir():
        return _read_package(_FolderFiles(path, max_bytes), path.name)
    if not path.is_file():
        raise ImportRejected(f"{path.name} bestaat niet of is geen gewoon bestand.")
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(b"PK\x03\x04") or path.suffix.lower() == ".zip":
        return _read_package(_ZipFiles(path, max_bytes), path.name)
    if path.name == "datapackage.json":
        return _read_package(_FolderFiles(path.parent, max_bytes), path.parent.name)
    return _read_json(path, max_bytes)


def _decode(data: bytes, label: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportRejected(f"{label} is UTF-16; HSDS-bestanden zijn UTF-8. Sla het bestand op als UTF-8.")
    if b"\x00" in data:
        raise ImportRejected(f"{label} is geen tekstbestand (het bevat NUL-bytes).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ImportRejected(f"{label} is geen geldige UTF-8 (regel {line}); HSDS-bestanden zijn UTF-8. "
                             "Sla het bestand op als UTF-8.") from None


def _load_json(data: bytes, label: str) -> Any:
    text = _decode(data, label)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        reason = JSON_ERRORS.get(exc.msg, exc.msg)
        raise ImportRejected(f"{label} is geen geldige JSON: {reason} op regel {exc.lineno}, kolom {exc.colno}.") \
            from None
    except RecursionError:
        raise ImportRejected(f"{label} is te diep genest om te lezen.") from None


# -- JSON form -----------------------------------------------------------------------------------------
def _read_json(path: Path, max_bytes: int) -> HsdsInput:
    label = path.name
    document = _load_json(read_limited_bytes(path, max_bytes), label)
    if isinstance(document, dict) and "resources" in document:
        return _read_package(_FolderFiles(path.parent, max_bytes), path.parent.name)
    return read_json_document(document, label)


def read_json_document(document: Any, label: str, result: HsdsInput | None = None, *,
                       default_kind: str = "service") -> HsdsInput:
    """Services and organisations from one HSDS JSON document (a list, one object, or an API page
    with ``contents``), added to ``result`` when given. Every object is read as what it is; one
    that could be anything is ``default_kind`` (what the endpoint it came from serves)."""
    if is_api_root(document):
        raise ImportRejected(f"{label} is de beschrijving van een HSDS-API (version, openapi_url), geen gegevens. "
                             "Haal de diensten op met: socialekaart import hsds-api URL.")
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        items = document["contents"]  # an HSDS API page
    elif isinstance(document, dict) and "id" in document:
        items = [document]  # one object
    elif isinstance(document, list):
        items = document
    else:
        raise ImportRejected(f"{label} is geen HSDS-JSON: verwacht een lijst met diensten (services) of "
                             "organisaties, één zo'n object, of een pagina met 'contents'.")
    result = result if result is not None else HsdsInput(label, [label])
    kinds = kinds_of(items, default_kind)
    _refuse_what_is_not_imported(kinds, label)
    for number, (item, kind) in enumerate(zip(items, kinds), start=1):
        name = item.get("id") if isinstance(item, dict) else None
        named = f" ({str(name)[:60]})" if name else ""
        if kind == "organization":
            _add_organization(result, item, Origin(label, record=f"organisatie {number}{named}"))
            continue
        origin = Origin(label, record=f"dienst {number}{named}")
        if not isinstance(item, dict):
            result.services.append({ORIGIN: origin, "_not_an_object": True})
            continue
        result.services.append(_marked(item, origin))
    if not result.services and not result.organizations and not items:
        raise ImportRejected(f"{label} bevat geen diensten of organisaties (een lege lijst of pagina).")
    return result


def _refuse_what_is_not_imported(kinds: list[str | None], label: str) -> None:
    others = Counter(kind for kind in kinds if kind not in (None, "service", "organization"))
    if not others:
        return
    kind, count = others.most_common(1)[0]
    held = ", ".join(f"{n} {NAMES[k]}" for k, n in others.most_common())
    imported = sum(1 for k in kinds if k in ("service", "organization"))
    also = f" (en {imported} diensten of organisaties)" if imported else ""
    raise ImportRejected(f"{label} bevat {held}{also}; die worden niet zo ingelezen. {INSTEAD[kind]}")


def _add_organization(result: HsdsInput, item: dict[str, Any], origin: Origin) -> None:
    """An organisation, and its nested services (each linked to it) as services."""
    marked = _marked({key: value for key, value in item.items() if key != "services"}, origin)
    result.organizations.append(marked)
    services = item.get("services") if isinstance(item.get("services"), list) else []
    for number, service in enumerate(services, start=1):
        service_origin = Origin(origin.file, record=f"{origin.record}, dienst {number}",
                                path=f"services[{number - 1}].")
        if not isinstance(service, dict):
            result.services.append({ORIGIN: service_origin, "_not_an_object": True})
            continue
        if not service.get("organization_id") and not isinstance(service.get("organization"), dict):
            service = {**service, "organization_id": item.get("id")}
        result.services.append(_marked(service, service_origin))


def _marked(value: Any, origin: Origin) -> Any:
    """A copy with every object marked with its origin (the JSON path grows on the way down)."""
    if isinstance(value, dict):
        copy = {key: _marked(item, Origin(origin.file, origin.line, origin.record, f"{origin.path}{key}."))
                if isinstance(item, (dict, list)) else item
                for key, item in value.items() if key != ORIGIN}
        copy[ORIGIN] = origin
        return copy
    if isinstance(value, list):
        base = origin.path.rstrip(".")
        return [_marked(item, Origin(origin.file, origin.line, origin.record, f"{base}[{i}]."))
                for i, item in enumerate(value)]
    return value


# -- the tabular datapackage ---------------------------------------------------------------------------
class _FolderFiles:
    def __init__(self, folder: Path, max_bytes: int):
        self.folder = folder.resolve()
        self.max_bytes = max_bytes

    def exists(self, name: str) -> bool:
        return (self.folder / name).is_file()

    def read(self, name: str, limit: int) -> bytes:
        target = (self.folder / name).resolve()
        if not target.is_relative_to(self.folder):
            raise ImportRejected(f"{name} ligt buiten de map {self.folder.name}; het wordt niet gelezen.")
        return read_limited_bytes(target, min(limit, self.max_bytes))


class _ZipFiles:
    def __init__(self, archive: Path, max_bytes: int):
        self.archive = archive
        self.max_bytes = max_bytes
        members = safe_zip_members(archive)
        packages = sorted((m for m in members if PurePosixPath(m.name).name == "datapackage.json"),
                          key=lambda m: m.name.count("/"))
        base = str(PurePosixPath(packages[0].name).parent) if packages else ""
        self.base = "" if base == "." else f"{base}/"
        self.members = {m.name[len(self.base):]: m for m in members if m.name.startswith(self.base)}

    def exists(self, name: str) -> bool:
        return name in self.members

    def read(self, name: str, limit: int) -> bytes:
        if name not in self.members:
            raise ImportRejected(f"{self.archive.name} bevat geen {name}.")
        return read_zip_member(self.archive, self.members[name], min(limit, self.max_bytes))


def _resource_paths(files, label: str, warnings: list[Problem]) -> dict[str, str]:
    """Table name -> file, from datapackage.json (or the HSDS file names when it is missing)."""
    if not files.exists("datapackage.json"):
        warnings.append(Problem(label, "Geen datapackage.json gevonden; de standaard HSDS-bestandsnamen "
                                       "(services.csv, organizations.csv ...) worden gebruikt."))
        return {name: file for name, file in TABLES.items() if files.exists(file)}
    package = _load_json(files.read("datapackage.json", 10 * MB), "datapackage.json")
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list):
        raise ImportRejected("datapackage.json heeft geen lijst 'resources'.")
    paths: dict[str, str] = {}
    unused: list[str] = []
    for resource in resources:
        if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
            continue
        name, file = resource.get("name"), resource["path"]
        parts = PurePosixPath(file.replace("\\", "/")).parts
        if not file or file.startswith("/") or ".." in parts or "://" in file or ":" in parts[0]:
            raise ImportRejected(f"datapackage.json noemt een onveilig pad ({file[:80]!r}); het wordt niet gelezen.")
        if name in TABLES and files.exists(file):
            paths[name] = file
        elif name not in TABLES and files.exists(file):
            unused.append(file)
    if unused:
        warnings.append(Problem("datapackage.json", "Deze tabellen gebruiken we niet (geen plek in de sociale "
                                                    f"kaart): {', '.join(sorted(unused))}."))
    return paths


def _read_table(files, file: str, warnings: list[Problem]) -> list[dict[str, Any]]:
    text = _decode(files.read(file, MAX_CSV_BYTES), file)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] = []
    rows: list[dict[str, Any]] = []
    last_line = 0
    try:
        for cells in reader:
            start, last_line = last_line + 1, reader.line_num
            if not header:
                header = [c.strip() for c in cells]
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                raise ImportRejected(f"{file}, regel {start}: {len(cells)} cellen, maar de kop heeft "
                                     f"{len(header)} kolommen.")
            row = {name: cell.strip() for name, cell in zip(header, cells) if name and cell.strip()}
            row[ORIGIN] = Origin(file, start)
            rows.append(row)
            if len(rows) > MAX_ROWS:
                raise ImportRejected(f"{file} heeft meer dan {MAX_ROWS} regels.")
    except csv.Error as exc:
        raise ImportRejected(f"{file}, regel {last_line + 1}: de CSV is onleesbaar ({exc}); controleer de "
                             "aanhalingstekens.") from None
    if header and "id" not in header:
        raise ImportRejected(f"{file} heeft geen kolom 'id'.")
    return rows


def _read_package(files, label: str) -> HsdsInput:
    warnings: list[Problem] = []
    paths = _resource_paths(files, label, warnings)
    if "service" not in paths and "organization" not in paths:
        raise ImportRejected(f"{label} bevat geen services.csv of organizations.csv (volgens datapackage.json).")
    tables = {name: _read_table(files, file, warnings) for name, file in paths.items()}
    result = HsdsInput(label, sorted(paths.values()), warnings=warnings)
    _assemble(tables, result)
    return result


def _by(rows: list[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    index: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row.get(key):
            index[row[key]].append(row)
    return index


def _assemble(tables: dict[str, list[dict[str, Any]]], result: HsdsInput) -> None:
    """Nest the rows of the tables into services and organisations, as the JSON form has them."""
    def get(name: str) -> list[dict[str, Any]]:
        return tables.get(name, [])

    taxonomies = {row["id"]: row for row in get("taxonomy") if row.get("id")}
    terms = {}
    for row in get("taxonomy_term"):
        if row.get("id"):
            detail = taxonomies.get(row.get("taxonomy_id", ""))
            terms[row["id"]] = {**row, "taxonomy_detail": detail} if detail else row
    attributes = [{**row, "taxonomy_term": terms[row["taxonomy_term_id"]]}
                  if row.get("taxonomy_term_id") in terms else row for row in get("attribute")]
    attributes_of = _by(attributes, "link_id")
    phones = get("phone")
    phones_of_service, phones_of_sal, phones_of_contact = (_by(phones, key) for key in
                                                           ("service_id", "service_at_location_id", "contact_id"))
    # An organisation's phones: the rows naming it, those naming nothing else first.
    organization_phones = _by(sorted(phones, key=lambda p: bool(p.get("service_id") or p.get("contact_id"))),
                              "organization_id")
    schedules = get("schedule")
    schedules_of_service, schedules_of_sal = _by(schedules, "service_id"), _by(schedules, "service_at_location_id")

    def present(record: dict[str, Any]) -> dict[str, Any]:
        """Without the keys of tables the package leaves out: a missing table is not an empty one, and
        must not clear what is stored."""
        return {key: value for key, value in record.items()
                if key not in CHILD_TABLES or CHILD_TABLES[key] in tables}

    def linked(link_id: str, entity: str) -> list[dict[str, Any]]:
        return [a for a in attributes_of.get(link_id, []) if a.get("link_entity", entity) in (entity, "")]

    addresses_of = _by(get("address"), "location_id")
    locations = {row["id"]: {**row, "addresses": addresses_of.get(row["id"], []),
                             "attributes": linked(row["id"], "location")}
                 for row in get("location") if row.get("id")}
    contacts_of = _by([present({**c, "phones": phones_of_contact.get(c.get("id", ""), [])})
                       for c in get("contact")], "service_id")
    sals_of = _by([present({**sal, "location": locations.get(sal.get("location_id", "")),
                            "phones": phones_of_sal.get(sal.get("id", ""), []),
                            "schedules": schedules_of_sal.get(sal.get("id", ""), [])})
                   for sal in get("service_at_location")], "service_id")
    areas_of, costs_of = _by(get("service_area"), "service_id"), _by(get("cost_option"), "service_id")
    owners = {row.get("id") for row in (*get("organization"), *get("service"), *get("location"))}
    for row in attributes:
        if row.get("link_id") not in owners:
            result.warnings.append(row[ORIGIN].problem("link_id", "Dit attribuut hoort bij geen dienst of organisatie "
                                                                  "in dit pakket en is overgeslagen."))
    for row in get("organization"):
        org_id = row.get("id", "")
        result.organizations.append(present({**row, "phones": organization_phones.get(org_id, []),
                                             "attributes": linked(org_id, "organization")}))
    for row in get("service"):
        service_id = row.get("id", "")
        result.services.append(present({
            **row, "phones": phones_of_service.get(service_id, []),
            "schedules": schedules_of_service.get(service_id, []), "service_areas": areas_of.get(service_id, []),
            "service_at_locations": sals_of.get(service_id, []),
            "cost_options": costs_of.get(service_id, []), "contacts": contacts_of.get(service_id, []),
            "attributes": linked(service_id, "service"),
        }))

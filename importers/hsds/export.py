"""Export the sociale kaart as Open Referral HSDS 3.0: the tabular datapackage and the JSON form.

``export_hsds(reads, folder)`` writes into ``folder``:
- ``datapackage.json`` and one CSV per HSDS table we fill (organizations, services, locations,
  service_at_location, addresses, phones, schedules, service_areas, cost_options, contacts,
  attributes, taxonomies, taxonomy_terms), with the HSDS columns in HSDS order;
- ``services.json``: every service as a full HSDS service, its organisation nested in full.
Both come from ``socialekaart.hsds``, so they match the /hsds API: the same ids every time, and
confidential locations only as their wijk. ``socialekaart import hsds`` reads either back.

Every id is a stable UUID derived from our own id, which travels as a ``socialekaart-id`` attribute
(docs/hsds.md). Two things differ from the HSDS datapackage description: a CSV time cannot say
24:00, so "open until midnight" is written 23:59:59 (the importer reads that back as midnight); and a CSV
time has no zone: the offset of the JSON times is in the schedule's ``timezone`` column.
"""
from __future__ import annotations

import copy
import csv
import io
import json
import os
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from socialekaart.catalog import hsds
from socialekaart.catalog.ports import HsdsReads
from socialekaart.shared.errors import ImportRejected

PACKAGE_TABLES = ("organization", "service", "location", "service_at_location", "address", "phone", "schedule",
                  "service_area", "cost_option", "contact", "attribute", "taxonomy", "taxonomy_term")
JSON_FILE = "services.json"


@dataclass(frozen=True)
class ExportSummary:
    organizations: int
    services: int
    confidential: int  # services whose location went out as its wijk only
    files: tuple[str, ...]


def hsds_package() -> dict[str, Any]:
    """The HSDS 3.0 datapackage description shipped in importers/hsds/data."""
    text = resources.files("importers.hsds").joinpath("data", "datapackage.json").read_text(encoding="utf-8")
    return json.loads(text)


class _Tables:
    """Rows per HSDS table, one per id (the first wins), in the HSDS column order."""

    def __init__(self, package: dict[str, Any]):
        self.resources = {r["name"]: r for r in package["resources"] if r["name"] in PACKAGE_TABLES}
        self.fields = {name: [f["name"] for f in r["schema"]["fields"]] for name, r in self.resources.items()}
        self.types = {name: {f["name"]: f["type"] for f in r["schema"]["fields"]} for name, r in self.resources.items()}
        self.rows: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in PACKAGE_TABLES}

    def add(self, table: str, item: dict[str, Any], **links: Any) -> None:
        row = {name: item.get(name) for name in self.fields[table] if not isinstance(item.get(name), (dict, list))}
        row.update({key: value for key, value in links.items() if value is not None})
        self.rows[table].setdefault(row["id"], row)

    def csv_text(self, table: str) -> str:
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.fields[table])
        types = self.types[table]
        for row in self.rows[table].values():
            writer.writerow([_cell(row.get(name), types[name]) for name in self.fields[table]])
        return out.getvalue()

    def package(self, base: dict[str, Any]) -> dict[str, Any]:
        """The datapackage description of the tables we write (foreign keys among them only)."""
        package = {key: value for key, value in base.items() if key != "resources"}
        package["description"] = ("De sociale kaart als Open Referral HSDS 3.0 (socialekaart). "
                                  f"Profiel: {hsds.HSDS_PROFILE}")
        written = [name for name in PACKAGE_TABLES if name in self.resources]
        resources_out = []
        for name in written:
            resource = copy.deepcopy(self.resources[name])
            keys = [fk for fk in resource["schema"].get("foreignKeys", []) if fk["reference"]["resource"] in written]
            if keys:
                resource["schema"]["foreignKeys"] = keys
            else:
                resource["schema"].pop("foreignKeys", None)
            resources_out.append(resource)
        package["resources"] = resources_out
        return package


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind == "time" and isinstance(value, str):
        clock = value[:5]  # the offset goes in the schedule's timezone column, as Table Schema times have none
        return "23:59:59" if clock == "24:00" else f"{clock}:00"
    return repr(value) if isinstance(value, float) else str(value)


def _add_service(tables: _Tables, service: dict[str, Any]) -> None:
    tables.add("service", service)
    for phone in service.get("phones", []):
        tables.add("phone", phone)
    for schedule in service.get("schedules", []):
        tables.add("schedule", schedule)
    for area in service.get("service_areas", []):
        tables.add("service_area", area)
    for option in service.get("cost_options", []):
        tables.add("cost_option", option)
    for contact in service.get("contacts", []):
        tables.add("contact", contact)
        for phone in contact.get("phones", []):
            tables.add("phone", phone)
    for attribute in service.get("attributes", []):
        tables.add("attribute", attribute)
    for sal in service.get("service_at_locations", []):
        tables.add("service_at_location", sal)
        location = sal["location"]
        tables.add("location", location)
        for attribute in location.get("attributes", []):
            tables.add("attribute", attribute)
        for address in location.get("addresses", []):
            tables.add("address", address)


def _add_organization(tables: _Tables, organization: dict[str, Any]) -> None:
    tables.add("organization", organization)
    for phone in organization.get("phones", []):
        tables.add("phone", phone)
    for attribute in organization.get("attributes", []):
        tables.add("attribute", attribute)


def export_hsds(reads: HsdsReads, folder: Path | str) -> ExportSummary:
    """Write the datapackage and services.json into ``folder`` (made if needed; our files replaced)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ImportRejected(f"{folder} is geen map.")
    if not folder.parent.is_dir():
        raise ImportRejected(f"De map {folder.parent} bestaat niet.")
    folder.mkdir(exist_ok=True)
    base = hsds_package()
    tables = _Tables(base)
    names = reads.area_names()
    for tax in hsds.ALL_TAXONOMIES:
        tables.add("taxonomy", tax)
    for term in hsds.taxonomy_terms():
        tables.add("taxonomy_term", term)
    organizations = 0
    for organization in reads.iter_organizations():
        _add_organization(tables, hsds.organization_to_hsds(organization, None, full=True))
        organizations += 1
    services: list[dict[str, Any]] = []
    confidential = 0
    for stored in reads.iter_services():
        service = hsds.service_to_hsds(stored, full=True, area_names=names)
        if stored.organization:
            service["organization"] = hsds.organization_to_hsds(stored.organization, None, full=True)
        confidential += bool(stored.confidential and service["service_at_locations"])
        _add_service(tables, service)
        services.append(service)
    files: list[str] = []
    for table in PACKAGE_TABLES:
        name = tables.resources[table]["path"]
        _write(folder / name, tables.csv_text(table))
        files.append(name)
    _write(folder / "datapackage.json", json.dumps(tables.package(base), ensure_ascii=False, indent=2) + "\n")
    _write(folder / JSON_FILE, json.dumps(services, ensure_ascii=False, indent=1) + "\n")
    return ExportSummary(organizations, len(services), confidential, ("datapackage.json", *files, JSON_FILE))


def _write(target: Path, text: str) -> None:
    """Write next to the target, then rename: a reader never sees half a file."""
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=target.parent,
                                         prefix=f".{target.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(text)
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise

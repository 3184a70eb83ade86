"""Validate objects against the HSDS 3.0 JSON Schemas in tests/hsds_schema, offline.

``$ref``s between the object schemas ('phone.json') resolve from that folder, never the network.
Every format the schemas use is checked: uuid, date-time (with a time zone), date, email and uri.
The checks are written out here so that none of them silently depends on an optional package
(jsonschema's own uri check is a no-op without rfc3987).
"""
from __future__ import annotations

import functools
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent / "hsds_schema"
KINDS = ("service", "organization", "service_at_location", "location", "taxonomy", "taxonomy_term",
         "attribute", "schedule", "phone", "contact", "cost_option", "service_area", "address")
PAGE_FIELDS = {"total_items": int, "total_pages": int, "page_number": int, "size": int,
               "first_page": bool, "last_page": bool, "empty": bool}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

formats = FormatChecker(formats=())


@formats.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if "T" not in value.upper():
        raise ValueError("no time part")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("no time zone")
    return True


@formats.checks("date", raises=ValueError)
def _date(value: object) -> bool:
    if isinstance(value, str):
        if not _DATE.match(value):
            raise ValueError("not YYYY-MM-DD")
        datetime.strptime(value, "%Y-%m-%d")
    return True


@formats.checks("uuid")
def _uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(_UUID.match(value))


@formats.checks("email")
def _email(value: object) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.match(value))


@formats.checks("uri")
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    if any(c.isspace() or ord(c) < 32 for c in value):
        return False
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in ("urn", "mailto", "tel"))


@functools.cache
def registry() -> Registry:
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        if path.name == "openapi.json":
            continue
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


@functools.cache
def validator(kind: str) -> Draft202012Validator:
    if not (SCHEMA_DIR / f"{kind}.json").exists():
        raise ValueError(f"no HSDS schema for {kind!r}")
    return Draft202012Validator({"$ref": f"{kind}.json"}, registry=registry(), format_checker=formats)


def errors(kind: str, instance: Any) -> list[str]:
    """Every schema error, as 'path: message'."""
    found = sorted(validator(kind).iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}" for e in found]


def assert_valid(kind: str, instance: Any) -> None:
    problems = errors(kind, instance)
    assert not problems, f"not a valid HSDS {kind}:\n" + "\n".join(problems[:20])


def assert_valid_page(kind: str, body: dict[str, Any]) -> None:
    """An HSDS Page: the paging fields with their types, and every item of ``contents`` valid."""
    for name, kind_of in PAGE_FIELDS.items():
        assert name in body, f"paging field {name} missing"
        assert type(body[name]) is kind_of, f"{name} is {type(body[name]).__name__}, not {kind_of.__name__}"
    assert isinstance(body["contents"], list)
    assert body["size"] == len(body["contents"])
    for item in body["contents"]:
        assert_valid(kind, item)


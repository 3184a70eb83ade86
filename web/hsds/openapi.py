"""Build web/hsds/openapi.json, the OpenAPI 3.1 description of our /hsds API, from the HSDS 3.0 files.

Starts from the HSDS API reference (schema/openapi.json) and the per-object JSON Schemas, and
makes the document self-contained, so tools such as schemathesis need no network:

- the remote ``$ref``s to raw.githubusercontent.com point at ``#/components/schemas/<object>``,
  which hold the HSDS object schemas (their ``x.json`` refs rewritten the same way);
- list items use the full object schema (stricter than HSDS's compiled *_list schemas);
  /service_at_locations/{id} answers a service_at_location (the reference says service by mistake);
- every id is a UUID (``format: uuid`` stays); a path id and an id parameter also take our own
  readable id (see docs/hsds.md), so those parameters list or describe both forms;
- parameters get our limits (page, per_page, proximity, term ids ...), and every operation
  documents its 400/404/503 problem+json answers.

Run ``python -m web.hsds.openapi tests/hsds_schema > web/hsds/openapi.json`` after changing it;
tests/api/test_hsds.py checks that the shipped file is this function's output.
"""
from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

from socialekaart.catalog import hsds
from socialekaart.catalog.search import MAX_QUERY_LENGTH, MAX_RADIUS_M
from socialekaart.places.geocoding import POSTCODE_PATTERN
from socialekaart.shared.validation import ID_PATTERN
from web.hsds.schemas import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, TAXONOMY_IDS

# Our terms that filter services, by readable id and by UUID (the socialekaart-id term filters nothing).
FILTER_TERM_IDS = [*(t["term_uri"].rpartition("#")[2] for t in hsds.taxonomy_terms()[:-1]),
                   *(t["id"] for t in hsds.taxonomy_terms()[:-1])]

REMOTE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
OBJECT_FOR_REMOTE = {
    "compiled/service.json": "service", "compiled/service_list.json": "service",
    "compiled/organization.json": "organization", "compiled/organization_list.json": "organization",
    "compiled/service_at_location.json": "service_at_location",
    "compiled/service_at_location_list.json": "service_at_location",
    "taxonomy.json": "taxonomy", "taxonomy_term.json": "taxonomy_term",
}
PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "instance": {"type": ["string", "null"]},
        "invalidParams": {"type": "array", "items": {"type": "object", "required": ["name", "reason"],
                                                     "properties": {"name": {"type": "string"},
                                                                    "reason": {"type": "string"}}}},
    },
}
INFO = {
    "title": "socialekaart HSDS API",
    "version": "1.0.0",
    "summary": "De sociale kaart als Open Referral HSDS 3.0 (alleen lezen).",
    "description": "Voorzieningen, organisaties en locaties van de sociale kaart in het formaat van Open "
                   "Referral HSDS 3.0, met leefgebieden, doelgroepen en treden als HSDS-taxonomieën. "
                   "Profiel: " + hsds.HSDS_PROFILE + ". Fouten komen terug als application/problem+json.",
    "contact": {"name": "socialekaart", "url": "https://socialekaart.example.nl",
                "email": "api@socialekaart.example.nl"},
    "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _object_schema(schema: dict[str, Any]) -> Any:
    """Refs 'x.json' -> '#/components/schemas/x'."""
    if isinstance(schema, dict):
        result = {}
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str) and value.endswith(".json"):
                result[key] = f"#/components/schemas/{value[:-len('.json')]}"
            else:
                result[key] = _object_schema(value)
        return result
    if isinstance(schema, list):
        return [_object_schema(item) for item in schema]
    return schema


def _paths(paths: dict[str, Any]) -> dict[str, Any]:
    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str) and value.startswith(REMOTE):
                    out[key] = f"#/components/schemas/{OBJECT_FOR_REMOTE[value[len(REMOTE):]]}"
                else:
                    out[key] = rewrite(value)
            return out
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    result = rewrite(paths)
    detail = result["/service_at_locations/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    detail["schema"] = {"$ref": "#/components/schemas/service_at_location"}
    for path, item in result.items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            responses = operation["responses"]
            responses["400"] = _problem("Ongeldige parameter; invalidParams noemt welke.")
            if "{id}" in path:
                responses["404"] = _problem("Niet gevonden.")
            elif path in ("/services", "/service_at_locations"):
                responses["404"] = _problem("De postcode is niet bekend.")
            responses["503"] = _problem("De database is even niet bereikbaar.")
            if path == "/":
                content = responses["200"]["content"]["application/json"]["schema"]
                content["required"] = ["version", "profile", "openapi_url"]
    return result


def _parameters(parameters: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(parameters)
    limits = {
        "search": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
        "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
        "format": {"type": "string", "enum": ["json"]},
        "minimal": {"type": "boolean", "default": False},
        "full": {"type": "boolean", "default": False},
        "full_service": {"type": "boolean", "default": False},
        "modified_after": {"type": "string", "format": "date-time"},
        "taxonomy_term_id": {"type": "string", "enum": FILTER_TERM_IDS},
        "taxonomy_id": {"type": "string", "enum": TAXONOMY_IDS},
        "organization_id": {"type": "string", "pattern": ID_PATTERN.pattern},
        "postcode": {"type": "string", "maxLength": 20, "pattern": POSTCODE_PATTERN},
        "proximity": {"type": "integer", "minimum": 1, "maximum": MAX_RADIUS_M},
    }
    for name, schema in limits.items():
        result[name]["schema"] = schema
    result["proximity"]["description"] = ("Metres around the centroid of `postcode`; without `postcode` it "
                                          "counts for nothing. A service whose werkgebied holds the postcode "
                                          "also counts.")
    result["postcode"]["description"] = ("A Dutch postcode (PC6 such as 4461AB, or PC4). Without `proximity`, "
                                         "services within the default radius or serving the postcode's area. "
                                         "An unknown postcode is a 404.")
    result["minimal"]["description"] += " With `full=true` as well, `minimal` goes first."
    return result


def build_openapi(template: dict[str, Any], schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Our OpenAPI document from the HSDS reference (``template``) and object schemas (by name)."""
    doc = copy.deepcopy(template)
    doc["info"] = INFO
    doc["servers"] = [{"url": "/hsds"}]
    doc["paths"] = _paths(doc["paths"])
    components = doc["components"]
    components["parameters"] = _parameters(components["parameters"])
    term_args = doc["paths"]["/taxonomy_terms"]["get"]["parameters"]
    for parameter in term_args:
        if parameter.get("name") == "parent_id":
            parameter["schema"] = {"type": "string", "enum": FILTER_TERM_IDS}
    components["schemas"] = {**components["schemas"], "Problem": PROBLEM_SCHEMA,
                             **{name: _object_schema(schemas[name]) for name in sorted(schemas)}}
    return doc


def load_hsds_files(folder: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The HSDS openapi.json and the object schemas (every other *.json) in ``folder``."""
    template = json.loads((folder / "openapi.json").read_text(encoding="utf-8"))
    schemas = {path.stem: json.loads(path.read_text(encoding="utf-8"))
               for path in sorted(folder.glob("*.json")) if path.name != "openapi.json"}
    return template, schemas


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("gebruik: python -m web.hsds.openapi MAP_MET_HSDS_SCHEMAS > web/hsds/openapi.json", file=sys.stderr)
        return 2
    sys.stdout.write(render(build_openapi(*load_hsds_files(Path(argv[0])))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

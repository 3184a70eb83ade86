"""What an HSDS JSON object is: a service, an organisation, a service_at_location, a location, a
taxonomy or a taxonomy term. HSDS objects carry no type field, so the keys only each kind has decide.

The JSON importer uses this to read an organisation file as organisations (not as services
without an organisation), and to say precisely what a file holds that it cannot import.
"""
from __future__ import annotations

from typing import Any

# Keys that only this kind has (HSDS 3.0 schemas); the first match wins, in this order.
ONLY: tuple[tuple[str, frozenset[str]], ...] = (
    ("service", frozenset({"status", "organization_id", "organization", "service_areas", "service_at_locations",
                           "cost_options", "fees_description", "eligibility_description", "application_process",
                           "minimum_age", "maximum_age", "wait_time", "assured_date", "program", "program_id",
                           "required_documents", "interpretation_services", "accreditations", "licenses", "alert"})),
    ("service_at_location", frozenset({"service_id", "service"})),
    ("organization", frozenset({"services", "organization_identifiers", "legal_status", "tax_status", "tax_id",
                                "year_incorporated", "logo", "parent_organization_id", "programs", "website"})),
    ("location", frozenset({"location_type", "latitude", "longitude", "addresses", "accessibility",
                            "transportation", "external_identifier"})),
    ("taxonomy_term", frozenset({"taxonomy_id", "taxonomy", "taxonomy_detail", "term_uri", "code", "parent_id"})),
    ("taxonomy", frozenset({"version"})),
)
# Dutch names, for messages.
NAMES = {"service": "diensten (service)", "organization": "organisaties (organization)",
         "service_at_location": "diensten op een locatie (service_at_location)", "location": "locaties (location)",
         "taxonomy": "taxonomieën (taxonomy)", "taxonomy_term": "taxonomietermen (taxonomy_term)"}
# What to do instead, for the kinds that are not imported on their own.
INSTEAD = {
    "service_at_location": "Een dienst-op-locatie noemt de dienst maar kort. Importeer de diensten zelf, met hun "
                           "locaties erin: /services?full=true van de HSDS-API (socialekaart import hsds-api URL) "
                           "of een HSDS-datapakket.",
    "location": "Losse locaties horen bij een dienst. Importeer de diensten met hun service_at_locations: "
                "/services?full=true of een HSDS-datapakket.",
    "taxonomy": "Een taxonomie wordt niet los ingelezen: de termen van de diensten worden via het mappingbestand "
                "vertaald (--mapping, zie docs/hsds.md).",
    "taxonomy_term": "Termen worden niet los ingelezen: zet ze in het mappingbestand (--mapping, kolom 'term'; zie "
                     "docs/hsds.md) en importeer daarna de diensten.",
}


def kind_of(item: Any, default: str | None = "service") -> str | None:
    """The HSDS kind of a JSON object, or None when it is no object. An object with only fields that
    several kinds share (id, name, description ...) is ``default``: what the rest of its file or
    page holds, or a service (as this importer always read such objects)."""
    if not isinstance(item, dict):
        return None
    keys = set(item)
    for kind, only in ONLY:
        if keys & only:
            return kind
    return default


def kinds_of(items: list[Any], default: str = "service") -> list[str | None]:
    """The kind of each item of one file or page; items that say nothing take the one kind the others
    show (an organisation page where some organisations have no website), else ``default``."""
    shown = {kind_of(item, None) for item in items} - {None}
    fallback = next(iter(shown)) if len(shown) == 1 else default
    return [kind_of(item, fallback) for item in items]


def is_api_root(document: Any) -> bool:
    """The HSDS API's root answer (version, profile, openapi_url): a description, no data."""
    return isinstance(document, dict) and "id" not in document and {"version", "openapi_url"} <= set(document)

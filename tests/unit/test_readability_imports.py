"""Readability warnings in the import reports (issue 14): the provider CSV and HSDS imports warn about a
hard or jargon-filled description, never refuse it; an unchanged description is not warned about again."""
from __future__ import annotations

import json

from graph.stores.snapshots import StoreSnapshots
from importers.hsds.reader import import_hsds
from importers.providers import import_providers
from socialekaart.catalog.importing import ImportService
from socialekaart.places.geocoding import PostcodeGeocoder

GEOCODER = PostcodeGeocoder()
HARD = ("De maatwerkvoorziening wordt na een uitgebreide multidisciplinaire indicatiestelling door de "
        "gemeentelijke organisatie toegekend middels een beschikking conform de geldende verordening.")
EASY = "Koffie en een praatje in de buurt. Iedereen is welkom. Het is gratis."
CSV = f"naam;organisatie;trede;leefgebieden;postcode;plaats;omschrijving\n" \
      f"Begeleiding thuis;Zorg Goes;maatwerk;zelfzorg;4461 AB;Goes;{HARD}\n" \
      f"Koffie-ochtend;Buurthuis De Brug;informeel;sociaal netwerk;4461 HA;Goes;{EASY}\n"


def imports_on(catalog) -> ImportService:
    return ImportService(catalog, StoreSnapshots(catalog.store))


def readability_warnings(report) -> list:
    return [w for w in report.warnings if w.reason.startswith("Leesbaarheid: ")]


def test_provider_csv_report_warns_about_hard_descriptions(catalog, tmp_path):
    path = tmp_path / "aanbod.csv"
    path.write_text(CSV, encoding="utf-8")
    report = import_providers(path, imports_on(catalog), GEOCODER, known_areas=set())
    assert report.rejected == 0 and report.created == 4  # two services, two organisations: warnings refuse nothing
    warnings = readability_warnings(report)
    assert warnings and {(w.line, w.column) for w in warnings} == {(2, "omschrijving")}
    reasons = " ".join(w.reason for w in warnings)
    assert "moeilijk te lezen" in reasons and "'maatwerkvoorziening'" in reasons and "'beschikking'" in reasons
    assert "aanbod.csv, regel 2, kolom 'omschrijving': Leesbaarheid: " in report.text()  # in the printed report

    again = import_providers(path, imports_on(catalog), GEOCODER, known_areas=set())
    assert readability_warnings(again) == []  # stored as it is: not warned about again


def test_hsds_report_warns_about_hard_descriptions(catalog, tmp_path):
    def service(service_id: str, description: str) -> dict:
        return {"id": service_id, "name": f"Dienst {service_id}", "status": "active", "description": description,
                "organization": {"id": "org-a", "name": "Organisatie A", "description": "Welzijn in Goes."},
                "attributes": [{"id": f"{service_id}-a1", "taxonomy_term": {"id": "leefgebied-geldzaken"}},
                               {"id": f"{service_id}-a2", "taxonomy_term_id": "trede-informeel"}],
                "service_at_locations": [{"id": f"{service_id}-sal", "location": {
                    "id": f"loc-{service_id}", "location_type": "physical", "latitude": 51.504, "longitude": 3.8916,
                    "addresses": [{"id": f"{service_id}-adr", "address_1": "Markt 1", "city": "Goes",
                                   "state_province": "", "postal_code": "4461AB", "country": "NL",
                                   "address_type": "physical"}]}}]}

    path = tmp_path / "diensten.json"
    path.write_text(json.dumps([service("svc-hard", HARD), service("svc-easy", EASY)]), encoding="utf-8")
    report = import_hsds(path, imports_on(catalog), GEOCODER, known_areas=set())
    assert report.rejected == 0
    warnings = readability_warnings(report)
    assert warnings and all(w.column == "description" for w in warnings)
    assert all("svc-hard" in (w.record or "") or w.line for w in warnings)
    assert any("'beschikking'" in w.reason for w in warnings)

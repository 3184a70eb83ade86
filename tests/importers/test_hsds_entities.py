"""`import hsds` reads each HSDS JSON file as what it holds: services, organisations (a list page or
one in full, with its services), or says precisely what a file of service_at_locations, locations,
taxonomies or terms is and how to import it instead. Minimal records never clear stored data, and
--skip-invalid never writes an organisation whose every service was refused.

Uses the HSDS 3.0 examples (hsds_data/, see SOURCE.md) and hand-made files in the shape of each entity.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from graph.stores.snapshots import organizations_by_id, services_by_id
from importers.hsds.entities import kind_of, kinds_of
from importers.hsds.files import read_hsds
from socialekaart.shared.errors import ImportRejected
from tests.importers.test_hsds_import import (
    DATA,
    EXAMPLE_CSV,
    EXAMPLE_MAPPING,
    EXAMPLE_ORG,
    EXAMPLE_SERVICE,
    run,
    service_json,
    write_json,
)

EXAMPLES = {"service_full.json": "service", "organization_full.json": "organization",
            "service_at_location_full.json": "service_at_location", "location.json": "location",
            "taxonomy.json": "taxonomy", "taxonomy_term.json": "taxonomy_term"}
PAGES = {"service_list.json": "service", "organization_list.json": "organization",
         "service_at_location_list.json": "service_at_location", "taxonomy_list.json": "taxonomy",
         "taxonomy_term_list.json": "taxonomy_term"}


def example(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name, kind", EXAMPLES.items())
def test_each_hsds_example_object_is_recognised(name, kind):
    assert kind_of(example(name)) == kind


@pytest.mark.parametrize("name, kind", PAGES.items())
def test_each_item_of_each_hsds_example_page_is_recognised(name, kind):
    page = example(name)
    assert page["contents"] and {kind_of(item) for item in page["contents"]} == {kind}


@pytest.mark.parametrize("body, kind", [
    ({"id": "s", "name": "Inloop", "status": "active"}, "service"),
    ({"id": "s", "name": "Inloop"}, "service"),  # only the required fields: read as a service, as always
    ({"id": "o", "name": "Welzijn", "description": "x", "website": "https://welzijn.example.nl"}, "organization"),
    ({"id": "o", "name": "Welzijn", "description": "x", "services": []}, "organization"),
    ({"id": "sal", "service_id": "s", "location_id": "l"}, "service_at_location"),
    ({"id": "l", "location_type": "physical", "name": "Markt 1"}, "location"),
    ({"id": "t", "name": "Geld", "description": "x", "taxonomy_id": "tax"}, "taxonomy_term"),
    ({"id": "tax", "name": "Needs", "description": "x", "version": "1"}, "taxonomy"),
    ("geen object", None),
])
def test_hand_made_objects_of_each_entity_are_recognised(body, kind):
    assert kind_of(body) == kind


def test_an_object_that_could_be_anything_takes_the_kind_of_its_neighbours():
    bare = {"id": "o2", "name": "Buurthuis", "description": "Zonder website."}
    page = [{"id": "o1", "name": "Welzijn", "description": "x", "website": "https://welzijn.example.nl"}, bare]
    assert kinds_of(page) == ["organization", "organization"]
    assert kinds_of([bare]) == ["service"] and kinds_of([bare], "organization") == ["organization"]


def test_an_organization_in_full_imports_as_the_organisation_with_its_services(zeeland):
    report = run(DATA / "organization_full.json", zeeland, mapping_path=EXAMPLE_MAPPING, fallback_area="GM0664")
    assert (report.created, report.rejected, report.written) == (2, 0, True), report.problems
    stored = services_by_id(zeeland.catalog.store, [EXAMPLE_SERVICE])[EXAMPLE_SERVICE]
    assert stored.organization_id == EXAMPLE_ORG and stored.name == "Community Counselling"
    org = organizations_by_id(zeeland.catalog.store, [EXAMPLE_ORG])[EXAMPLE_ORG]
    assert org.name == example("organization_full.json")["name"]
    assert not [p for p in report.problems if "Geen organisatie" in p.reason]


def test_an_organization_list_page_imports_organisations_only(zeeland):
    read = read_hsds(DATA / "organization_list.json")
    assert (len(read.organizations), len(read.services)) == (1, 0)
    assert read.organizations[0]["_origin"].record.startswith("organisatie 1")
    report = run(DATA / "organization_list.json", zeeland)
    assert (report.created, report.rejected, report.written) == (1, 0, True), report.problems
    assert set(organizations_by_id(zeeland.catalog.store, [EXAMPLE_ORG])) == {EXAMPLE_ORG}


@pytest.mark.parametrize("name, held, advice", [
    ("service_at_location_full.json", "1 diensten op een locatie (service_at_location)", "/services?full=true"),
    ("service_at_location_list.json", "1 diensten op een locatie (service_at_location)", "hsds-api"),
    ("location.json", "1 locaties (location)", "service_at_locations"),
    ("taxonomy.json", "1 taxonomieën (taxonomy)", "mappingbestand"),
    ("taxonomy_list.json", "1 taxonomieën (taxonomy)", "--mapping"),
    ("taxonomy_term.json", "1 taxonomietermen (taxonomy_term)", "mappingbestand"),
    ("taxonomy_term_list.json", "1 taxonomietermen (taxonomy_term)", "--mapping"),
    ("base.json", "beschrijving van een HSDS-API", "socialekaart import hsds-api"),
])
def test_files_of_other_entities_say_what_they_hold_and_how_to_import(zeeland, name, held, advice):
    with pytest.raises(ImportRejected) as refused:
        run(DATA / name, zeeland)
    assert held in refused.value.message and advice in refused.value.message
    assert zeeland.catalog.store.counts().get("Organization", 0) == 0


def test_a_mixed_file_names_what_it_cannot_import(zeeland, tmp_path):
    items = [service_json("s1"), {"id": "t1", "name": "Geld", "description": "x", "taxonomy_id": "tax"}]
    with pytest.raises(ImportRejected) as refused:
        run(write_json(tmp_path, items), zeeland)
    assert "1 taxonomietermen (taxonomy_term) (en 1 diensten of organisaties)" in refused.value.message


def test_an_empty_page_is_refused_plainly(zeeland, tmp_path):
    path = write_json(tmp_path, {"total_items": 0, "contents": []}, "leeg.json")
    with pytest.raises(ImportRejected, match="een lege lijst of pagina"):
        run(path, zeeland)


def test_skip_invalid_never_writes_an_organisation_whose_every_service_was_refused(zeeland, tmp_path):
    bad_org = {"id": "org-b", "name": "Organisatie B", "description": "Alles fout."}
    items = [service_json("goed"),
             service_json("fout-1", organization=bad_org, minimum_age="twaalf"),
             service_json("fout-2", organization=bad_org, status="open")]
    report = run(write_json(tmp_path, items), zeeland, skip_invalid=True)
    assert report.written and report.rejected == 2
    assert set(organizations_by_id(zeeland.catalog.store, ["org-a", "org-b"])) == {"org-a"}
    assert any("org-b wordt niet geschreven" in w.reason for w in report.warnings)
    assert set(services_by_id(zeeland.catalog.store, ["goed", "fout-1", "fout-2"])) == {"goed"}


def test_a_package_without_a_table_keeps_what_that_table_would_hold(zeeland, tmp_path):
    first = run(EXAMPLE_CSV, zeeland, mapping_path=EXAMPLE_MAPPING, fallback_area="GM0664")
    assert first.written
    before = services_by_id(zeeland.catalog.store, [EXAMPLE_SERVICE])[EXAMPLE_SERVICE]
    assert before.hours and before.cost == "betaald" and before.phone
    smaller = tmp_path / "zonder"
    shutil.copytree(EXAMPLE_CSV, smaller)
    for table in ("schedules.csv", "cost_options.csv", "phones.csv"):
        (smaller / table).unlink()
    package = json.loads((smaller / "datapackage.json").read_text(encoding="utf-8"))
    package["resources"] = [r for r in package["resources"] if r["path"] not in
                            ("schedules.csv", "cost_options.csv", "phones.csv")]
    (smaller / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    again = run(smaller, zeeland, mapping_path=EXAMPLE_MAPPING, fallback_area="GM0664")
    assert (again.rejected, again.updated) == (0, 0), again.changes
    after = services_by_id(zeeland.catalog.store, [EXAMPLE_SERVICE])[EXAMPLE_SERVICE]
    assert (after.hours, after.cost, after.phone) == (before.hours, before.cost, before.phone)


def docs_example_mapping() -> str:
    """The mapping file shown in docs/hsds.md under 'Een buitenlandse feed' (the first code block there)."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "hsds.md").read_text(encoding="utf-8")
    section = docs.split("## Een buitenlandse feed", 1)[1]
    block = section.split("```", 2)[1]
    assert block.startswith("\ntaxonomie,term,soort,code,toelichting")
    return block.lstrip("\n")


def test_a_foreign_feed_gets_guidance_and_imports_with_a_werkgebied_and_a_default_mapping(zeeland, tmp_path):
    """The HSDS example is a UK service: its location lies abroad, its term is unknown here."""
    plain = run(DATA / "service_full.json", zeeland, dry_run=True)
    assert plain.rejected == 1
    guidance = [w.reason for w in plain.warnings if "buiten Nederland" in w.reason]
    assert guidance and "--werkgebied" in guidance[0] and "--mapping" in guidance[0]
    mapping = tmp_path / "buitenland.csv"  # the example of docs/hsds.md, 'Een buitenlandse feed', as it stands
    mapping.write_text(docs_example_mapping(), encoding="utf-8")
    report = run(DATA / "service_full.json", zeeland, mapping_path=mapping, fallback_area="GM0664")
    assert (report.created, report.rejected, report.written) == (2, 0, True)
    stored = services_by_id(zeeland.catalog.store, [EXAMPLE_SERVICE])[EXAMPLE_SERVICE]
    assert stored.serves == ("GM0664",) and stored.life_domains == ("geestelijke-gezondheid",)



@pytest.mark.parametrize("items, held", [
    ({"id": "sal", "service_id": "s", "location_id": "l"}, "1 diensten op een locatie (service_at_location)"),
    ([{"id": "l1", "location_type": "physical", "name": "Markt 1"},
      {"id": "l2", "location_type": "virtual", "name": "Online"}], "2 locaties (location)"),
    ({"id": "tax", "name": "Needs", "description": "x", "version": "1"}, "1 taxonomieën (taxonomy)"),
    ({"total_items": 2, "contents": [{"id": "t1", "name": "Geld", "description": "x", "taxonomy_id": "tax"},
                                     {"id": "t2", "name": "Wonen", "description": "y", "taxonomy_id": "tax"}]},
     "2 taxonomietermen (taxonomy_term)"),
])
def test_hand_made_files_of_other_entities_say_what_they_hold(zeeland, tmp_path, items, held):
    with pytest.raises(ImportRejected) as refused:
        run(write_json(tmp_path, items, "eigen.json"), zeeland)
    assert held in refused.value.message
    assert zeeland.catalog.store.counts().get("Organization", 0) == 0


def test_hand_made_organisation_files_import_as_organisations(zeeland, tmp_path):
    """An organisation in full (with its services) and a paged envelope of organisations, made by hand."""
    service = service_json("s-eigen")
    service.pop("organization")
    full = {"id": "org-eigen", "name": "Eigen Welzijn", "description": "Welzijn in Goes.",
            "website": "https://eigen.example.nl", "services": [service]}
    report = run(write_json(tmp_path, full, "organisatie.json"), zeeland)
    assert (report.rejected, report.written) == (0, True), [p.text() for p in report.problems]
    assert services_by_id(zeeland.catalog.store, ["s-eigen"])["s-eigen"].organization_id == "org-eigen"

    page = {"total_items": 2, "page_number": 1, "size": 2, "contents": [
        {"id": "org-p1", "name": "Buurthuis Noord", "description": "x", "website": "https://noord.example.nl"},
        {"id": "org-p2", "name": "Buurthuis Zuid", "description": "y"}]}
    listed = run(write_json(tmp_path, page, "organisaties.json"), zeeland)
    assert (listed.rejected, listed.written) == (0, True), [p.text() for p in listed.problems]
    assert set(organizations_by_id(zeeland.catalog.store, ["org-p1", "org-p2"])) == {"org-p1", "org-p2"}

"""`import hsds` and `export hsds`: Open Referral HSDS 3.0 in and out, on the real store.

The round trip runs on the whole demo region; the HSDS 3.0 examples (hsds_data/) import; every
bad row is named by file, line or object, and column; hostile files are refused in Dutch.
"""
from __future__ import annotations

import csv
import json
import shutil
import uuid
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph import open_connection
from graph.stores.hsds import StoreHsdsReads
from graph.stores.snapshots import organizations_by_id, services_by_id
from importers.demo.region import shipped_cbs_files
from importers.hsds.export import export_hsds, hsds_package
from importers.hsds.mapping import load_mapping, parse_mapping
from importers.hsds.reader import import_hsds
from socialekaart.catalog import hsds
from socialekaart.catalog.importing import differences, organization_fields, service_fields, stored_service_fields
from socialekaart.catalog.model import Location, Organization, Service
from socialekaart.places.geocoding import PostcodeGeocoder
from socialekaart.shared.errors import ImportRejected
from socialekaart.shared.hours import WeeklyHours
from tests.conftest import Stores
from tests.hsds_validation import assert_valid
from web.cli import main

DATA = Path(__file__).resolve().parent / "hsds_data"
EXAMPLE_CSV = DATA / "example_csv"
EXAMPLE_MAPPING = DATA / "example_mapping.csv"
EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"
EXAMPLE_ORG = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
GEOCODER = PostcodeGeocoder()


@pytest.fixture(scope="module")
def exported(demo_runtime, tmp_path_factory) -> Path:
    """The demo region exported once as HSDS."""
    folder = tmp_path_factory.mktemp("hsds") / "export"
    summary = export_hsds(demo_runtime.hsds_reads, folder)
    assert summary.services == len(demo_runtime.demo_region.services)
    assert summary.organizations == len(demo_runtime.demo_region.organizations)
    return folder


def run(path, imports, **options):
    options.setdefault("known_areas", imports.snapshots.area_codes())
    return import_hsds(path, imports, GEOCODER, **options)


def service_json(service_id: str, **extra) -> dict:
    """A small full HSDS service in Goes, with our own terms."""
    body = {
        "id": service_id, "name": f"Dienst {service_id}", "status": "active", "description": "Hulp bij geld.",
        "organization": {"id": "org-a", "name": "Organisatie A", "description": "Welzijn in Goes."},
        "attributes": [{"id": f"{service_id}-a1", "taxonomy_term": {"id": "leefgebied-geldzaken"}},
                       {"id": f"{service_id}-a2", "taxonomy_term_id": "trede-informeel"}],
        "service_at_locations": [{"id": f"{service_id}-sal", "location": {
            "id": f"loc-{service_id}", "location_type": "physical", "latitude": 51.504, "longitude": 3.8916,
            "addresses": [{"id": f"{service_id}-adr", "address_1": "Markt 1", "city": "Goes",
                           "state_province": "", "postal_code": "4461AB", "country": "NL",
                           "address_type": "physical"}]}}],
    }
    body.update(extra)
    return body


def write_json(tmp_path: Path, items, name: str = "diensten.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


def by_reason(report, text: str):
    return [p for p in report.problems if text in p.reason]


# -- the round trip --------------------------------------------------------------------------------------
def test_round_trip_export_then_import_into_an_empty_store_gives_the_same_data(demo_runtime, exported, zeeland,
                                                                                 fresh, tmp_path, client):
    region = demo_runtime.demo_region
    report = run(exported, zeeland, source="demo")
    assert (report.created, report.rejected, report.written) == (
        len(region.services) + len(region.organizations), 0, True)

    store = zeeland.catalog.store
    orgs = {o.id: o for o in region.organizations}
    stored_orgs = organizations_by_id(store, list(orgs))
    assert all(differences(organization_fields(o), organization_fields(stored_orgs[o.id]))[0] == "unchanged"
               for o in region.organizations)
    stored = services_by_id(store, [s.id for s in region.services])
    for ours in region.services:
        action, fields = differences(service_fields(ours, orgs[ours.organization_id]),
                                     stored_service_fields(stored[ours.id]))
        if ours.confidential and ours.location:
            # HSDS never holds a confidential address: only its wijk comes back, as the werkgebied.
            assert set(fields) <= {"location", "serves"} and stored[ours.id].location is None
            assert stored[ours.id].serves == (demo_runtime.store.service(ours.id).wijk_code,)
        else:
            assert action == "unchanged", (ours.id, fields)
    assert any(s.hours.always_open for s in region.services)  # 24/7 made the trip too

    # Our API's list pages (one-to-one fields and our id only) find the same records and clear nothing.
    for page_url in ("/hsds/services?per_page=100&page=3", "/hsds/organizations?per_page=100&page=2"):
        page = write_json(tmp_path, client.get(page_url).get_json(), "pagina.json")
        listed = run(page, fresh(), source="demo")
        assert (listed.created, listed.updated, listed.rejected) == (0, 0, 0), (page_url, listed.changes[:3])
        assert listed.unchanged >= 100

    # The other forms give the same: re-importing them changes nothing.
    archive = shutil.make_archive(str(tmp_path / "export"), "zip", exported)
    for form in (exported / "services.json", Path(archive)):
        again = run(form, fresh(), source="demo")
        assert (again.created, again.updated, again.rejected, again.written) == (0, 0, 0, False), form
        assert again.unchanged == len(region.services) + len(region.organizations)


def test_export_is_deterministic_and_keeps_confidential_addresses_out(demo_runtime, exported, tmp_path):
    second = tmp_path / "again"
    export_hsds(demo_runtime.hsds_reads, second)
    for path in sorted(exported.iterdir()):
        assert (second / path.name).read_bytes() == path.read_bytes(), path.name
    text = "".join(p.read_text(encoding="utf-8") for p in exported.iterdir())
    services = {hsds.own_id(s): s for s in json.loads((exported / "services.json").read_text(encoding="utf-8"))}
    hidden = [s for s in demo_runtime.demo_region.services if s.confidential and s.location]
    assert hidden
    for ours in hidden:
        assert ours.location.id not in text
        own = json.dumps(services[ours.id])
        assert ours.location.address not in own and repr(ours.location.lat) not in own
        assert services[ours.id]["service_at_locations"][0]["location"]["location_type"] == "virtual"


# -- the export is HSDS ----------------------------------------------------------------------------------
def typed(row: dict[str, str], types: dict[str, str], required: set[str]) -> dict:
    """A CSV row as the JSON object it stands for (empty cells left out unless required, numbers as numbers)."""
    result = {}
    for name, value in row.items():
        kind = types[name]
        if value == "" and not (kind == "string" and name in required):
            continue
        result[name] = float(value) if kind == "number" else int(value) if kind == "integer" else \
            value == "true" if kind == "boolean" else value
    return result


def test_exports_validate_against_the_hsds_schemas(demo_runtime, exported):
    services = json.loads((exported / "services.json").read_text(encoding="utf-8"))
    assert len(services) == len(demo_runtime.demo_region.services)
    kinds = {}
    for service in services:  # one of each kind: validating all 1600 would take jsonschema ~10 s
        kind = (tuple(sorted({a["link_type"] for a in service["attributes"]})), bool(service["service_areas"]),
                bool(service["service_at_locations"]), bool(service["cost_options"]), len(service["schedules"]))
        kinds.setdefault(kind, service)
    assert len(kinds) > 20
    for service in kinds.values():
        assert_valid("service", service)
        assert_valid("organization", service["organization"])

    package = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    kind_of_table = {"organization": "organization", "service": "service", "location": "location",
                     "service_at_location": "service_at_location", "address": "address", "phone": "phone",
                     "schedule": "schedule", "service_area": "service_area", "cost_option": "cost_option",
                     "contact": "contact", "attribute": "attribute", "taxonomy": "taxonomy",
                     "taxonomy_term": "taxonomy_term"}
    assert {r["name"] for r in package["resources"]} == set(kind_of_table)
    for resource in package["resources"]:
        fields = [f["name"] for f in resource["schema"]["fields"]]
        types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        required = {f["name"] for f in resource["schema"]["fields"] if f["constraints"].get("required")}
        with (exported / resource["path"]).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        with (exported / resource["path"]).open(encoding="utf-8", newline="") as handle:
            assert next(csv.reader(handle)) == fields
        assert rows, resource["name"]
        assert len({r["id"] for r in rows}) == len(rows)
        for row in rows[:200]:
            assert_valid(kind_of_table[resource["name"]], typed(row, types, required))
        for field in resource["schema"]["fields"]:
            if field["constraints"].get("required"):
                assert all(row[field["name"]] != "" for row in rows), (resource["name"], field["name"])
            if field["type"] == "time":
                assert all(len(row[field["name"]]) in (0, 8) for row in rows)


# -- the HSDS 3.0 examples -------------------------------------------------------------------------------
def test_the_hsds_examples_import_with_a_region_mapping(zeeland, fresh):
    report = run(EXAMPLE_CSV, zeeland, mapping_path=EXAMPLE_MAPPING, fallback_area="GM0664")
    assert (report.created, report.rejected, report.written) == (2, 0, True)
    stored = services_by_id(zeeland.catalog.store, [EXAMPLE_SERVICE])[EXAMPLE_SERVICE]
    assert stored.name == "Community Counselling" and stored.organization_id == EXAMPLE_ORG
    assert (stored.rung, stored.life_domains) == ("voorliggend", ("geestelijke-gezondheid",))
    assert (stored.age_min, stored.age_max, stored.cost) == (12, 100, "betaald")
    assert stored.cost_note.startswith("Non-NHS patients")
    assert stored.phone == "+44 1234 234567" and stored.email == "email@example.com"
    assert WeeklyHours.from_minutes(stored.hours).text() == "do-vr 10:00-18:00"
    assert stored.serves == ("GM0664",) and stored.location is None  # (100, 101) is not in the Netherlands
    assert stored.last_verified == "2005-01-01" and stored.source == "hsds"
    warnings = " ".join(w.text() for w in report.warnings)
    assert "locations.csv, regel 2, kolom 'latitude'" in warnings and "byweekno" in warnings
    assert "attributes.csv, regel 2, kolom 'link_id'" in warnings  # its attribute links to nothing

    # The JSON form of the same example holds the same service: nothing changes.
    again = run(DATA / "service_full.json", fresh(), mapping_path=EXAMPLE_MAPPING, fallback_area="GM0664")
    assert (again.created, again.updated, again.rejected, again.unchanged) == (0, 0, 0, 2)
    # A list page holds only the one-to-one fields: what it leaves out keeps its stored value.
    listed = run(DATA / "service_list.json", fresh(), mapping_path=EXAMPLE_MAPPING, fallback_area="GM0664")
    assert (listed.rejected, listed.updated, listed.unchanged) == (0, 0, 2), listed.changes
    assert any("houden hun opgeslagen waarde" in w.reason for w in listed.warnings)
    stored_after = services_by_id(zeeland.catalog.store, [EXAMPLE_SERVICE])[EXAMPLE_SERVICE]
    assert (stored_after.hours, stored_after.cost, stored_after.phone) == (
        stored.hours, stored.cost, stored.phone)


def test_the_hsds_examples_without_a_mapping_say_what_is_missing(zeeland):
    report = run(EXAMPLE_CSV, zeeland, dry_run=True)
    assert report.rejected == 1 and not report.written
    assert {(p.file, p.line, p.column) for p in report.problems} == {
        ("services.csv", 2, "attributes"), ("services.csv", 2, "service_at_locations")}
    assert by_reason(report, "Geen leefgebied") and by_reason(report, "--werkgebied")
    json_report = run(DATA / "service_full.json", zeeland, dry_run=True)
    unmapped = [w for w in json_report.warnings if "staat niet in het mappingbestand" in w.reason]
    assert len(unmapped) == 1 and unmapped[0].column == "attributes[0].taxonomy_term_id"
    assert "3f7b145d-84af-42d7-8fae-eaca714b02b2" in unmapped[0].reason


# -- mapping ---------------------------------------------------------------------------------------------
def test_terms_map_through_the_editable_file_and_unmapped_ones_are_kept_and_reported(zeeland, tmp_path):
    def term(service_id, name, taxonomy_id="uk-needs"):
        return {"id": f"{service_id}-{name}", "taxonomy_term": {"id": f"t-{name}", "name": name,
                                                                 "taxonomy_id": taxonomy_id}}
    items = [service_json("s1", attributes=[term("s1", "Debt advice"), term("s1", "Mystery")]),
             service_json("s2", attributes=[term("s2", "Older people"), term("s2", "Mystery"),
                                            term("s2", "Housing")]),
             service_json("s3", attributes=[term("s3", "Volunteer"), term("s3", "Loneliness")])]
    report = run(write_json(tmp_path, items), zeeland)
    assert report.rejected == 0 and report.written
    stored = services_by_id(zeeland.catalog.store, ["s1", "s2", "s3"])
    assert (stored["s1"].life_domains, stored["s1"].target_groups) == (("geldzaken",), ("schulden",))
    assert (stored["s2"].life_domains, stored["s2"].target_groups) == (("woning",), ("ouderen",))
    assert stored["s1"].rung == "voorliggend"  # the shipped fallback (term *)
    unmapped = [w for w in report.warnings if "Mystery" in w.reason]
    assert len(unmapped) == 1 and "2 keer gebruikt" in unmapped[0].reason  # once, with how often

    mapping = tmp_path / "regio.csv"
    mapping.write_text("taxonomie,term,soort,code,toelichting\n"
                       "uk-needs,mystery,leefgebied,Tijdsbesteding,\n"
                       "uk-needs,mystery,kenmerk,24-uurs crisishulp,\n", encoding="utf-8")
    own_rung = {"id": "s1-trede", "taxonomy_term_id": "trede-informeel"}
    again = run(write_json(tmp_path, [service_json("s1", attributes=[term("s1", "Mystery"), own_rung])]), zeeland,
                mapping_path=mapping)
    assert not again.rejected
    stored = services_by_id(zeeland.catalog.store, ["s1"])["s1"]
    assert stored.life_domains == ("tijdsbesteding",) and stored.crisis_24h is True
    assert stored.rung == "informeel"  # our own term, mapped without a row


def test_a_broken_mapping_file_is_refused_with_line_and_column(tmp_path):
    path = tmp_path / "mapping.csv"
    path.write_text("taxonomie,term,soort,code\n,Debt,leefgebied,geldzorg-x\n,Debt,soortje,x\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as refused:
        load_mapping(path)
    assert "regel 2, kolom 'code'" in refused.value.message and "regel 3, kolom 'soort'" in refused.value.message
    shipped = load_mapping()
    assert shipped.fallback("rung") == "voorliggend" and shipped.fallback("lifeDomain") is None
    with pytest.raises(ImportRejected):
        parse_mapping("term,code\n", "kapot.csv")


# -- bad rows --------------------------------------------------------------------------------------------
def test_every_bad_service_is_named_and_nothing_is_written_unless_skip_invalid(zeeland, fresh, tmp_path):
    items = [
        service_json("goed"),
        service_json("leeftijd", minimum_age="twaalf", maximum_age=130),
        service_json("org-onbekend", organization=None, organization_id="bestaat-niet"),
        service_json("goed"),
        service_json("telefoon", phones=[{"id": "p1", "number": "bel ons"}], email="geen-adres"),
        service_json("gebied", service_at_locations=[], service_areas=[{"id": "a", "name": "WK999901"}]),
        service_json("status", status="open"),
        "geen object",
    ]
    path = write_json(tmp_path, items)
    report = run(path, zeeland)
    assert report.rejected == 7 and not report.written
    problems = {(p.record, p.column) for p in report.problems}
    assert ("dienst 2 (leeftijd)", "minimum_age") in problems and ("dienst 2 (leeftijd)", "maximum_age") in problems
    assert ("dienst 3 (org-onbekend)", "organization_id") in problems
    assert ("dienst 4 (goed)", "id") in problems  # twice in the file
    assert ("dienst 5 (telefoon)", "phones[0].number") in problems and ("dienst 5 (telefoon)", "email") in problems
    assert ("dienst 6 (gebied)", "service_areas[0].description") in problems
    assert ("dienst 7 (status)", "status") in problems and ("dienst 8", None) in problems
    assert all(p.file == "diensten.json" and p.reason for p in report.problems)
    assert zeeland.catalog.store.counts()["Service"] == 0  # all or nothing

    report_json = run(path, fresh(), dry_run=True).to_json()
    assert {"file", "line", "column", "record", "reason"} <= set(report_json["problems"][0])

    skipped = run(path, fresh(), skip_invalid=True)
    assert skipped.written and skipped.rejected == 7
    assert set(services_by_id(zeeland.catalog.store, ["goed", "leeftijd"])) == {"goed"}


def test_bad_rows_in_a_datapackage_name_file_line_and_column(zeeland, tmp_path):
    folder = tmp_path / "pakket"
    folder.mkdir()
    (folder / "organizations.csv").write_text("id,name,description\norg-1,Welzijn,\norg-2,,Geen naam\n",
                                              encoding="utf-8")
    (folder / "services.csv").write_text(
        "id,organization_id,name,status,minimum_age\n"
        "s-1,org-1,Inloop,active,\n"
        "s-2,org-2,Spreekuur,active,\n"
        "s-3,org-1,Maatje,active,-4\n", encoding="utf-8")
    (folder / "phones.csv").write_text("id,service_id,number\np-1,s-1,+31 113 123456\np-3,s-3,bel maar\n",
                                       encoding="utf-8")
    (folder / "attributes.csv").write_text("id,link_id,link_entity,taxonomy_term_id\n" + "".join(
        f"a-{s},{s},service,leefgebied-woning\n" for s in ("s-1", "s-2", "s-3")), encoding="utf-8")
    (folder / "service_areas.csv").write_text("id,service_id,name\n" + "".join(
        f"w-{s},{s},Goes (GM0664)\n" for s in ("s-1", "s-2", "s-3")), encoding="utf-8")
    report = run(folder, zeeland)
    places = {(p.file, p.line, p.column) for p in report.problems}
    assert ("organizations.csv", 3, "name") in places
    assert ("services.csv", 3, "organization_id") in places  # its organisation was rejected
    assert ("services.csv", 4, "minimum_age") in places and ("phones.csv", 3, "number") in places
    assert report.rejected == 3 and not report.written
    assert any("Geen datapackage.json" in w.reason for w in report.warnings)


def test_inactive_services_are_skipped_and_another_source_is_not_overwritten(zeeland, fresh, tmp_path):
    items = [service_json("s1"), service_json("s2", status="defunct")]
    report = run(write_json(tmp_path, items), zeeland, source="bron-a")
    assert report.written and set(services_by_id(zeeland.catalog.store, ["s1", "s2"])) == {"s1"}
    assert any("status defunct" in w.reason for w in report.warnings)
    other = run(write_json(tmp_path, items[:1]), fresh(), source="bron-b")
    assert other.rejected == 2 and not other.written  # the organisation and the service
    assert by_reason(other, "bestaat al uit bron 'bron-a'")


def test_a_reimport_keeps_a_stored_confidential_address(zeeland, fresh, tmp_path):
    org = Organization("opvang", "Opvang Zeeland", kind="zorgaanbieder", source="hsds")
    hidden = Service("opvang-1", "opvang", "Vrouwenopvang", "maatwerk", ["relaties-thuis"], confidential=True,
                     location=Location("geheim-1", 51.4980, 3.8900, "Geheimstraat 7", "4461 ZZ", "Goes"),
                     source="hsds")
    zeeland.catalog.save(organizations=[org], services=[hidden])
    export_hsds(StoreHsdsReads(zeeland.catalog.store), tmp_path / "uit")
    assert "Geheimstraat" not in (tmp_path / "uit" / "services.json").read_text(encoding="utf-8")
    again = run(tmp_path / "uit", fresh())
    assert (again.unchanged, again.updated, again.rejected) == (2, 0, 0)
    assert services_by_id(zeeland.catalog.store, ["opvang-1"])["opvang-1"].location.address == "Geheimstraat 7"


# -- hostile files ---------------------------------------------------------------------------------------
def refused(path, imports, **options) -> str:
    with pytest.raises(ImportRejected) as error:
        run(path, imports, **options)
    return error.value.message


def test_hostile_and_broken_files_are_refused_in_dutch(zeeland, tmp_path):
    broken = tmp_path / "kapot.json"
    broken.write_text('[{"id": "s1", "name": "x",}]', encoding="utf-8")
    assert "kapot.json is geen geldige JSON" in refused(broken, zeeland) and "regel 1" in refused(broken, zeeland)

    latin = tmp_path / "latin.json"
    latin.write_bytes('[{"id": "s1", "name": "Caf\u00e9"}]'.encode("cp1252"))
    assert "geen geldige UTF-8" in refused(latin, zeeland)
    utf16 = tmp_path / "utf16.json"
    utf16.write_text('[{"id": "s1"}]', encoding="utf-16")
    assert "UTF-16" in refused(utf16, zeeland)

    deep = tmp_path / "diep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert "te diep genest" in refused(deep, zeeland)

    other = tmp_path / "ander.json"
    other.write_text('{"type": "FeatureCollection"}', encoding="utf-8")
    assert "geen HSDS-JSON" in refused(other, zeeland)

    big = write_json(tmp_path, [service_json(f"s{i}") for i in range(50)], "groot.json")
    assert "te groot" in refused(big, zeeland, max_bytes=1000)

    slip = tmp_path / "slip.zip"
    with zipfile.ZipFile(slip, "w") as archive:
        archive.writestr("datapackage.json", json.dumps({"resources": []}))
        archive.writestr("../services.csv", "id,name\n")
    assert "onveilig pad" in refused(slip, zeeland)

    bomb = tmp_path / "bom.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps({"resources": [{"name": "service", "path": "services.csv"}]}))
        archive.writestr("services.csv", "id,name\n" + " " * (50 * 1024 * 1024))
    assert "zip-bom" in refused(bomb, zeeland)

    escape = tmp_path / "ontsnap"
    escape.mkdir()
    (escape / "datapackage.json").write_text(json.dumps({"resources": [
        {"name": "service", "path": "../../etc/passwd"}]}), encoding="utf-8")
    assert "onveilig pad" in refused(escape, zeeland)

    linked = tmp_path / "link"
    linked.mkdir()
    outside = tmp_path / "buiten.csv"
    outside.write_text("id,name\ngeheim,x\n", encoding="utf-8")
    (linked / "services.csv").symlink_to(outside)
    assert "buiten de map" in refused(linked, zeeland)

    cp1252 = tmp_path / "cp1252"
    cp1252.mkdir()
    (cp1252 / "services.csv").write_bytes("id,name\ns1,Caf\u00e9\n".encode("cp1252"))
    assert "services.csv is geen geldige UTF-8 (regel 2)" in refused(cp1252, zeeland)

    ragged = tmp_path / "rafelig"
    ragged.mkdir()
    (ragged / "services.csv").write_text('id,name\ns1,"open\n', encoding="utf-8")
    assert "services.csv, regel 2" in refused(ragged, zeeland)

    assert "bestaat niet" in refused(tmp_path / "nergens.json", zeeland)
    assert "--werkgebied" in refused(EXAMPLE_CSV, zeeland, fallback_area="GM9999")
    assert zeeland.catalog.store.counts()["Service"] == 0


def test_progress_is_reported_per_service(zeeland, tmp_path):
    seen = []
    run(write_json(tmp_path, [service_json("s1"), service_json("s2")]), zeeland, dry_run=True,
        progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]


# -- the commands ----------------------------------------------------------------------------------------
@pytest.fixture
def cli(stores):
    """Runs the command on a fresh graph of the test server."""
    settings = stores.settings("function", f"cli_{uuid.uuid4().hex[:10]}")
    env = Stores.env(settings)
    runner = CliRunner()
    yield lambda *args: runner.invoke(main, list(map(str, args)), env=env, catch_exceptions=False)
    connection = open_connection(settings)
    connection.delete_graph()
    connection.close()


def test_import_and_export_commands(cli, tmp_path):
    assert cli("import", "cbs", *shipped_cbs_files()).exit_code == 0
    report_path = tmp_path / "verslag.json"
    dry = cli("import", "hsds", EXAMPLE_CSV, "--mapping", EXAMPLE_MAPPING, "--werkgebied", "GM0664", "--dry-run")
    assert dry.exit_code == 0 and "Proefrun: er is niets geschreven." in dry.output

    first = cli("import", "hsds", EXAMPLE_CSV, "--mapping", EXAMPLE_MAPPING, "--werkgebied", "GM0664",
                "--report", report_path)
    assert first.exit_code == 0, first.output
    assert "Wegschrijven in één keer: 1 organisaties, 1 voorzieningen ..." in first.output
    assert "Samenvatting: 2 nieuw, 0 gewijzigd, 0 ongewijzigd, 0 afgekeurd." in first.output
    assert json.loads(report_path.read_text(encoding="utf-8"))["written"] is True

    exported = cli("export", "hsds", tmp_path / "uit")
    assert exported.exit_code == 0 and "1 organisaties en 1 diensten geëxporteerd" in exported.output
    again = cli("import", "hsds", tmp_path / "uit")
    assert "Samenvatting: 0 nieuw, 0 gewijzigd, 2 ongewijzigd, 0 afgekeurd." in again.output

    rejected = cli("import", "hsds", EXAMPLE_CSV)
    assert rejected.exit_code == 1 and "services.csv, regel 2, kolom 'attributes': Geen leefgebied" in rejected.output

    broken = tmp_path / "kapot.json"
    broken.write_text("[{", encoding="utf-8")
    result = cli("import", "hsds", broken)
    assert result.exit_code == 1 and "kapot.json is geen geldige JSON" in result.output
    assert "Traceback" not in result.output


def test_the_shipped_datapackage_description_is_the_hsds_one():
    package = hsds_package()
    assert package["version"] == "3.0.0" and len(package["resources"]) == 21


def test_dutch_offsets_on_opening_times_are_read_quietly_and_other_zones_are_named(zeeland, fresh, tmp_path):
    """Our own export writes opens_at with the Dutch offset (+01:00 winter, +02:00 summer); a time in
    another zone is read as Dutch time, with a warning that names the zone as ignored."""
    dutch = service_json("svc-nl", schedules=[{"id": "s1", "freq": "WEEKLY", "byday": "MO",
                                                "opens_at": "09:00+02:00", "closes_at": "12:00+02:00", "timezone": 2}])
    foreign = service_json("svc-utc", schedules=[{"id": "s2", "freq": "WEEKLY", "byday": "TU",
                                                  "opens_at": "09:00Z", "closes_at": "12:00Z"}])
    report = run(write_json(tmp_path, [dutch, foreign]), zeeland, dry_run=True)
    assert not report.rejected
    assert {c.id for c in report.changes if c.type == "service"} == {"svc-nl", "svc-utc"}
    zoned = [w for w in report.warnings if "tijdzone" in w.text()]
    assert len(zoned) == 1 and "svc-utc" in zoned[0].text() and "svc-nl" not in " ".join(w.text() for w in zoned)

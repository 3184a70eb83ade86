"""`import providers`: real-world CSV files, the exact report, all-or-nothing, idempotent re-runs."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from importers.providers import import_providers, read_table
from socialekaart.catalog.importing import ImportService
from socialekaart.catalog.model import Organization
from socialekaart.places.geocoding import PostcodeGeocoder
from socialekaart.shared.errors import ImportRejected, SocialeKaartError

DATA = Path(__file__).resolve().parent / "data"
MESSY = DATA / "providers_messy_cp1252.csv"
BOM = DATA / "providers_bom.csv"
GEOCODER = PostcodeGeocoder()
LIFE_DOMAIN_CODES = ("geldzaken, werk-opleiding, tijdsbesteding, relaties-thuis, woning, geestelijke-gezondheid, "
                     "lichamelijke-gezondheid, verslaving, zelfzorg, dagelijkse-activiteiten, sociaal-netwerk, "
                     "maatschappelijke-participatie, justitie, opvoeding")


def run(imports: ImportService, path: Path, **options):
    return import_providers(path, imports, GEOCODER, known_areas=imports.snapshots.area_codes(), **options)


def write_csv(tmp_path: Path, text: str, name: str = "aanbod.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


MESSY_PROBLEMS = [
    (4, "trede", "Onbekende trede 'zwaar'; kies uit eigen-kracht, informeel, voorliggend, licht, maatwerk "
                 "(code of naam)."),
    (4, "leefgebieden", f"Onbekende leefgebieden: 'ruimtevaart'; kies uit {LIFE_DOMAIN_CODES} (code of naam)."),
    (5, "postcode", "Postcode 4999 ZZ kennen we niet. Kijk of de postcode klopt. Gebruik vier cijfers, eventueel "
                    "met twee letters, zoals 4461 of 4461 AB. Of vul lat en lon in."),
    (5, "e-mail", "'geen-mail' is geen geldig e-mailadres."),
    (7, "leeftijd van", "'achttien' is geen heel getal; vul een getal van 0 tot 120 in."),
    (7, "openingstijden", "Openingstijden 'maandag de hele dag' niet begrepen. Schrijf bijvoorbeeld "
                          "'ma-vr 09:00-17:00; za 10:00-12:00'."),
    (8, "naam", "Regel 2 beschrijft dezelfde voorziening (csv:welzijn-goes:spreekuur-geldzaken:4461ab); elke "
                "voorziening mag één keer voorkomen."),
    (9, "lon", "Vul lat én lon in, of laat ze allebei leeg."),
    (10, "soort organisatie", "Regel 2 geeft voor organisatie csv:org:welzijn-goes 'Welzijnsorganisatie'; hier staat "
                              "'GGZ'. Eén organisatie, één waarde."),
    (10, "werkgebied", "Het gebied WK066499 is niet bekend; importeer eerst de CBS-gebieden "
                       "('socialekaart import cbs')."),
    (10, "laatst gecontroleerd", "De datum van laatste controle ligt in de toekomst."),
]

MESSY_SUMMARY = """\
Waarschuwingen:
  providers_messy_cp1252.csv, regel 1, kolom 'Opmerking': Onbekende kolom; wordt niet gebruikt.
Zou wijzigen na verbetering:
  organisatie csv:org:welzijn-goes: nieuw
  organisatie csv:org:buren-voor-buren: nieuw
  organisatie csv:org:zorg-plus: nieuw
  voorziening csv:welzijn-goes:spreekuur-geldzaken:4461ab: nieuw
  voorziening csv:buren-voor-buren:maatjes-een-tegen-eenzaamheid: nieuw
  voorziening csv:zorg-plus:crisisopvang: nieuw
Samenvatting: 6 nieuw, 0 gewijzigd, 0 ongewijzigd, 6 afgekeurd.
  organisaties: 3 nieuw, 0 gewijzigd, 0 ongewijzigd
  voorzieningen: 3 nieuw, 0 gewijzigd, 0 ongewijzigd
Niets geschreven: verbeter de afgekeurde regels, of gebruik --skip-invalid om alleen de goede regels te schrijven."""


def test_the_messy_file_is_read_as_windows_1252_with_semicolons():
    table = read_table(MESSY.read_bytes(), MESSY.name)
    assert (table.encoding, table.delimiter, len(table.rows), table.unknown) == ("windows-1252", ";", 9, ["Opmerking"])


def test_messy_cp1252_file_gives_the_exact_report_and_writes_nothing(zeeland):
    report = run(zeeland, MESSY)

    assert [(p.file, p.line, p.column, p.reason) for p in report.problems] == [
        (MESSY.name, *problem) for problem in MESSY_PROBLEMS]
    lines = [f"  {MESSY.name}, regel {line}, kolom '{column}': {reason}" for line, column, reason in MESSY_PROBLEMS]
    assert report.text() == "\n".join(["Afgekeurd (6 regels):", *lines, MESSY_SUMMARY])
    assert (report.created, report.updated, report.unchanged, report.rejected, report.written) == (6, 0, 0, 6, False)
    assert zeeland.catalog.store.counts()["Service"] == 0
    as_json = report.to_json()
    assert as_json["problems"][0] == {"file": MESSY.name, "line": 4, "column": "trede", "record": None,
                                      "reason": MESSY_PROBLEMS[0][2]}
    assert as_json["byType"] == {"organization": {"created": 3, "updated": 0, "unchanged": 0},
                                 "service": {"created": 3, "updated": 0, "unchanged": 0}}


def test_skip_invalid_writes_the_good_rows_mapped_from_labels_and_codes(zeeland, fresh):
    report = run(zeeland, MESSY, skip_invalid=True)

    assert report.written and (report.created, report.rejected) == (6, 6)
    assert report.text().endswith("De goede regels zijn in één keer geschreven; de afgekeurde niet.")
    catalog = zeeland.catalog
    spreekuur = catalog.service("csv:welzijn-goes:spreekuur-geldzaken:4461ab")
    assert {k: getattr(spreekuur, k) for k in ("name", "org_name", "org_kind", "formal", "rung", "life_domains",
                                      "target_groups", "postcode", "city", "phone", "website", "hours_text",
                                      "last_verified", "source", "buurt_code")} == {
        "name": "Spreekuur geldzaken", "org_name": "Welzijn Goes", "org_kind": "welzijnsorganisatie", "formal": True,
        "rung": "voorliggend", "life_domains": ("geldzaken",), "target_groups": ("iedereen",), "postcode": "4461 AB",
        "city": "Goes", "phone": "0113-123456", "website": "https://www.welzijngoes.example.nl",
        "hours_text": "ma-vr 09:00-17:00; za 10:00-12:00", "last_verified": "2026-01-05", "source": "csv",
        "buurt_code": "BU06640101"}
    assert (spreekuur.lat, spreekuur.lon) == (51.503997, 3.891588)  # the PC6 centroid of 4461 AB
    maatjes = catalog.service("csv:buren-voor-buren:maatjes-een-tegen-eenzaamheid")
    assert {k: getattr(maatjes, k) for k in ("name", "formal", "org_kind", "rung", "life_domains", "target_groups", "age_min",
                                    "serves", "lat", "last_verified")} == {
        "name": "Maatjes Eén tegen eenzaamheid", "formal": False, "org_kind": "vrijwilligersnetwerk",
        "rung": "informeel", "life_domains": ("sociaal-netwerk",), "target_groups": ("ouderen", "mantelzorgers"),
        "age_min": 65, "serves": ("GM0664",), "lat": None, "last_verified": "2026-10-01"}
    opvang = catalog.service("csv:zorg-plus:crisisopvang")
    assert {k: getattr(opvang, k) for k in ("rung", "cost", "crisis_24h", "confidential", "address", "hours_text",
                                   "point_kind", "last_verified")} == {
        "rung": "maatwerk", "cost": "eigen-bijdrage", "crisis_24h": True, "confidential": True, "address": None,
        "hours_text": "24/7", "point_kind": "wijk", "last_verified": "2026-03-15"}

    again = run(fresh(), MESSY, skip_invalid=True)
    assert (again.created, again.updated, again.unchanged, again.rejected, again.written) == (0, 0, 6, 6, False)


def test_bom_file_with_commas_and_quotes_gives_the_exact_report(zeeland):
    table = read_table(BOM.read_bytes(), BOM.name)
    assert (table.encoding, table.delimiter) == ("utf-8-sig", ",")

    report = run(zeeland, BOM, skip_invalid=True)

    assert [p.text() for p in report.problems] == [
        "providers_bom.csv, regel 4, kolom 'website': Een website begint met https:// of http://.",
        "providers_bom.csv, regel 4, kolom 'kosten': Onbekende kosten 'duur'; kies uit gratis, eigen-bijdrage, "
        "betaald (code of naam).",
        "providers_bom.csv, regel 4, kolom 'crisishulp': 'misschien' begrijpen we niet; vul ja of nee in.",
    ]
    koffie = zeeland.catalog.service("csv:buurthuis-de-brug:koffie-ochtend-elke-dinsdag:4461ha")
    assert (koffie.name, koffie.life_domains) == ("Koffie-ochtend, elke dinsdag",
                                                        ("sociaal-netwerk", "tijdsbesteding"))
    schuldhulp = zeeland.catalog.service("csv:gemeente-goes:schuldhulp:4461ea")
    assert schuldhulp.hours_text == "ma 09:00-12:00, 13:00-16:00; wo 09:00-12:00, 13:00-16:00; " \
                                       "vr 09:00-12:00, 13:00-16:00"
    assert schuldhulp.target_groups == ("schulden", "ouders-gezinnen") and schuldhulp.cost == "eigen-bijdrage"


GOOD = ("id;naam;organisatie;trede;leefgebieden;postcode;telefoon\n"
        "a1;Inloop;Welzijn Goes;voorliggend;sociaal netwerk;4461 AB;0113 111111\n"
        "a2;Spreekuur;Welzijn Goes;voorliggend;geldzaken;4461 EA;0113 222222\n")


def test_rerunning_an_import_reports_zero_changes(imports, fresh, tmp_path):
    path = write_csv(tmp_path, GOOD)
    first = run(imports, path)
    assert (first.created, first.written) == (3, True)  # one organisation, two services

    again = run(fresh(), path)

    assert (again.created, again.updated, again.unchanged, again.rejected, again.written) == (0, 0, 3, 0, False)
    assert again.text() == ("Samenvatting: 0 nieuw, 0 gewijzigd, 3 ongewijzigd, 0 afgekeurd.\n"
                            "  organisaties: 0 nieuw, 0 gewijzigd, 1 ongewijzigd\n"
                            "  voorzieningen: 0 nieuw, 0 gewijzigd, 2 ongewijzigd\n"
                            "Niets te schrijven: alles was al up-to-date.")


def test_a_changed_cell_updates_only_that_service(imports, fresh, tmp_path):
    run(imports, write_csv(tmp_path, GOOD))
    changed = run(fresh(), write_csv(tmp_path, GOOD.replace("0113 222222", "0113 333333"), "nieuw.csv"))
    assert [(c.type, c.id, c.action, c.fields) for c in changed.changes] == [
        ("service", "a2", "updated", ("phone",))]
    assert changed.unchanged == 2 and changed.written
    assert imports.catalog.service("a2").phone == "0113 333333"


def test_dry_run_shows_what_would_change_and_writes_nothing(imports, tmp_path):
    report = run(imports, write_csv(tmp_path, GOOD), dry_run=True)
    assert report.text().splitlines()[:4] == ["Zou wijzigen:", "  organisatie csv:org:welzijn-goes: nieuw",
                                              "  voorziening a1: nieuw", "  voorziening a2: nieuw"]
    assert report.text().endswith("Proefrun: er is niets geschreven.")
    assert imports.catalog.store.counts()["Service"] == 0


def test_excel_unicode_text_utf16_with_tabs_is_read(imports, tmp_path):
    path = write_csv(tmp_path, "\ufeff" + GOOD.replace(";", "\t"), encoding="utf-16-le")
    report = run(imports, path)
    assert (report.created, report.rejected) == (3, 0)


@pytest.mark.parametrize("content, message", [
    (b"PK\x03\x04rest of a workbook", "aanbod.csv is een Excel-werkmap of zip-bestand, geen CSV. Kies in Excel "
                                      "'Opslaan als' > 'CSV UTF-8 (door komma's gescheiden)'."),
    (b"naam;organisatie\x00\x01\x02", "aanbod.csv is geen tekstbestand (het bevat NUL-bytes). Lever een "
                                      "CSV-bestand aan."),
    (b"naam;organisatie;trede;leefgebieden\nCaf\x81;x;informeel;werk\n",
     "aanbod.csv is geen UTF-8 en geen Windows-1252; de tekenset is onbekend. Sla het bestand op als 'CSV UTF-8'."),
    (b"naam;organisatie;opmerking\nInloop;Welzijn;x\n",
     "aanbod.csv: verplichte kolommen ontbreken: trede, leefgebieden. Gevonden kolommen: naam, organisatie, "
     "opmerking. Begin met 'socialekaart import template'."),
    (b"naam;organisatie;trede;leefgebieden;e-mail;email\n",
     "aanbod.csv: de kolom 'e-mail' staat twee keer in de kop ('e-mail' en 'email')."),
    (b"\n\nnaam;organisatie\n", "aanbod.csv is leeg of begint met een lege regel; de eerste regel moet de kolomnamen "
                                "bevatten."),
])
def test_files_that_are_no_usable_csv_are_refused_with_a_clear_message(imports, tmp_path, content, message):
    path = tmp_path / "aanbod.csv"
    path.write_bytes(content)
    with pytest.raises(ImportRejected) as caught:
        run(imports, path)
    assert caught.value.message == message


def test_a_row_with_an_unquoted_delimiter_is_rejected(imports, tmp_path):
    path = write_csv(tmp_path, "naam,organisatie,trede,leefgebieden\nInloop, koffie,Welzijn,informeel,werk\n")
    report = run(imports, path)
    assert [p.text() for p in report.problems][0] == (
        "aanbod.csv, regel 2: Deze regel heeft 5 cellen, de kop 4 kolommen; staat er een scheidingsteken in een cel "
        "zonder aanhalingstekens?")


def test_an_id_of_another_source_is_not_taken_over(imports, tmp_path):
    path = write_csv(tmp_path, GOOD)
    run(imports, path, source="welzijn")
    report = run(ImportService(imports.catalog, imports.snapshots), path)
    assert [p.text() for p in report.problems] == [
        f"aanbod.csv, regel {line}, kolom 'id': De voorziening {sid} bestaat al uit bron 'welzijn'; kies een ander id, "
        "of zet bron op 'welzijn'." for line, sid in ((2, "a1"), (3, "a2"))]


def test_an_existing_organisation_keeps_what_the_template_has_no_column_for(imports, fresh, tmp_path):
    imports.catalog.save(organizations=[Organization("org-welzijn", "Welzijn Goes", "welzijnsorganisatie",
                                                     description="Buurtwerk in heel Goes.", source="beheer")])
    path = write_csv(tmp_path, "naam;organisatie;organisatie id;trede;leefgebieden;postcode\n"
                               "Inloop;Welzijn Goes;org-welzijn;voorliggend;sociaal netwerk;4461 AB\n")
    report = run(fresh(), path)
    assert (report.count("unchanged", "organization"), report.count("created", "service")) == (1, 1)
    assert imports.catalog.store.organization("org-welzijn").description == "Buurtwerk in heel Goes."


class FailingLastStatement:
    """The real store, but the write unit ends with a statement the database refuses."""

    def __init__(self, store):
        self._store = store

    def __getattr__(self, name):
        return getattr(self._store, name)

    def unit_of_work(self):
        failing = ("MATCH (o:Organization) SET o.point = point({latitude: $bad, longitude: 3.0})",
                   {"bad": "geen getal"})
        uow = self._store.unit_of_work()
        commit = uow.commit

        def commit_with_failure():
            uow.add([failing])
            commit()

        uow.commit = commit_with_failure
        return uow


def test_a_write_that_fails_halfway_leaves_the_store_unchanged(imports, tmp_path):
    from graph.stores.snapshots import StoreSnapshots
    from socialekaart.catalog.service import Catalog

    failing = Catalog(FailingLastStatement(imports.catalog.store), GEOCODER)
    with pytest.raises(SocialeKaartError):
        run(ImportService(failing, StoreSnapshots(imports.catalog.store)), write_csv(tmp_path, GOOD))
    counts = imports.catalog.store.counts()
    assert (counts["Organization"], counts["Service"], counts["Location"]) == (0, 0, 0)
    assert imports.catalog.store.connection.read("MATCH (n) WHERE NOT n:Meta RETURN count(n) AS n") == [{"n": 0}]


def test_rows_without_coordinates_are_geocoded_by_postcode(imports, tmp_path):
    run(imports, write_csv(tmp_path, GOOD))
    service = imports.catalog.service("a2")
    assert (service.lat, service.lon, service.postcode) == (51.506401, 3.87764, "4461 EA")


def test_last_verified_and_werkgebied_check_dates_and_known_areas(zeeland, tmp_path):
    path = write_csv(tmp_path, "naam;organisatie;trede;leefgebieden;werkgebied;laatst gecontroleerd\n"
                               f"Maatje;Buren;informeel;sociaal netwerk;wk066401, GM0664;{date.today():%d-%m-%Y}\n"
                               "Maatje 2;Buren;informeel;sociaal netwerk;GM06;31-02-2026\n")
    report = run(zeeland, path)
    assert [(p.line, p.column, p.reason) for p in report.problems] == [
        (3, "werkgebied", "'GM06' is geen CBS-code van een gemeente, wijk of buurt (zoals GM0664, WK066401 of "
                          "BU06640101)."),
        (3, "laatst gecontroleerd", "'31-02-2026' is geen datum; schrijf 2026-01-31 of 31-01-2026."),
    ]


def test_an_excel_sep_line_sets_the_delimiter_and_counts_as_a_line(imports, tmp_path):
    path = write_csv(tmp_path, "sep=,\r\nnaam,organisatie,trede,leefgebieden,postcode\r\n"
                               "Inloop,Welzijn,voorliggend,sociaal netwerk,4461 AB\r\n"
                               "Spreekuur,Welzijn,zwaar,geldzaken,4461 AB\r\n", encoding="cp1252")
    report = run(imports, path)
    assert [(p.line, p.column) for p in report.problems] == [(4, "trede")]
    assert report.created == 2  # the organisation and the good row

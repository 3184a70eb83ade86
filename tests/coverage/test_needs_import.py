"""`socialekaart import needs`: inventarisatie figures from CSV, checked row by row, written all or nothing."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from importers.needs import import_needs, parse_value
from socialekaart.shared.errors import ImportRejected, ValidationError
from tests.conftest import Stores
from tests.coverage import coverage_fixture as fx
from web.cli import main

HEADER = "gebied;leefgebied;doelgroep;indicator;waarde;jaar;bron\n"
GOOD = (HEADER
        + "WK000101;Sociaal netwerk;ouderen;Voelt zich ernstig eenzaam;140;2025;Bewonersenquête Eerstedorp 2025\n"
        + "WK000102;geldzaken;;Huishoudens met betalingsachterstand;62,5;2025;Dialoogtafel Zuid\n"
        + "GM0001;opvoeding;Ouders en gezinnen;Vragen over opvoeden;310;2024;Gezondheidsmonitor GGD\n")
BAD_ROWS = (
    "GM9999;geldzaken;;Schulden;10;2025;Enquête\n"  # line 5: unknown area
    "WK000101;eenzaamheid en zo;;Eenzaam;10;2025;Enquête\n"  # line 6: unknown leefgebied
    "WK000101;geldzaken;kinderen en ouderen;Schulden;1.500;2025;Enquête\n"  # line 7: doelgroep, value
    "WK000101;geldzaken;;Schulden;12;2031;\n"  # line 8: future year, no source
    "WK000101;Sociaal netwerk;ouderen;voelt zich ERNSTIG eenzaam!;150;2025;Bewonersenquete Eerstedorp 2025\n"  # 9
)


def write(tmp_path, text: str, name: str = "behoeften.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def needs_of(coverage, area: str, domain: str):
    return [(n.indicator, n.value, n.year, n.source, n.target_group)
            for n in coverage.analyse().result.record(area, domain).needs]


def test_good_file_is_written_and_shows_in_the_coverage_then_a_rerun_changes_nothing(fresh, tmp_path):
    path = write(tmp_path, GOOD)
    report = import_needs(path, fresh.coverage, today=fx.TODAY)
    assert (report.created, report.updated, report.unchanged, report.rejected, report.written) == (3, 0, 0, 0, True)
    assert report.text().endswith("Alles is in één keer geschreven.")
    assert needs_of(fresh.coverage, "WK000101", "sociaal-netwerk") == [
        ("Voelt zich ernstig eenzaam", 140, 2025, "Bewonersenquête Eerstedorp 2025", "ouderen")]
    assert needs_of(fresh.coverage, "WK000102", "geldzaken") == [
        ("Huishoudens met betalingsachterstand", 62.5, 2025, "Dialoogtafel Zuid", None)]
    assert needs_of(fresh.coverage, "GM0001", "opvoeding") == [
        ("Vragen over opvoeden", 310, 2024, "Gezondheidsmonitor GGD", "ouders-gezinnen")]

    again = import_needs(path, fresh.coverage, today=fx.TODAY)
    assert (again.created, again.updated, again.unchanged, again.written) == (0, 0, 3, False)
    assert "Niets te schrijven" in again.text()

    newer = write(tmp_path, GOOD.replace(";140;", ";155;"), "nieuw.csv")
    changed = import_needs(newer, fresh.coverage, today=fx.TODAY)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    assert needs_of(fresh.coverage, "WK000101", "sociaal-netwerk")[0][1] == 155


def test_bad_rows_are_reported_per_line_and_column_and_nothing_is_written(fresh, tmp_path):
    path = write(tmp_path, GOOD + "WK000101;Sociaal netwerk;ouderen;Voelt zich ernstig eenzaam;140;2025;"
                                  "Bewonersenquête Eerstedorp 2025\n" + BAD_ROWS)
    report = import_needs(path, fresh.coverage, today=fx.TODAY)
    problems = [(p.line, p.column) for p in report.problems]
    assert problems == [(5, None), (6, "gebied"), (7, "leefgebied"), (8, "waarde"), (8, "doelgroep"),
                        (9, "jaar"), (9, "bron"), (10, None)]
    reasons = {(p.line, p.column): p.reason for p in report.problems}
    assert reasons[(5, None)].startswith("Regel 2 geeft hetzelfde cijfer")
    assert reasons[(6, "gebied")] == ("Het gebied GM9999 is niet bekend; importeer eerst de CBS-gebieden "
                                      "('socialekaart import cbs').")
    assert reasons[(7, "leefgebied")].startswith("Onbekend leefgebied 'eenzaamheid en zo'")
    assert "dubbelzinnig" in reasons[(8, "waarde")]
    assert reasons[(9, "jaar")] == "Geef een jaartal van 2000 tot en met 2026."
    # Case, accents and punctuation do not make another figure.
    assert reasons[(10, None)].startswith("Regel 2 geeft hetzelfde cijfer")
    assert (report.rejected, report.written, report.blocked) == (6, False, True)
    assert "behoeften.csv, regel 6, kolom 'gebied': Het gebied GM9999 is niet bekend" in report.text()
    assert report.text().endswith("gebruik --skip-invalid om alleen de goede regels te schrijven.")
    assert needs_of(fresh.coverage, "WK000101", "sociaal-netwerk") == []  # all or nothing

    skipped = import_needs(path, fresh.coverage, today=fx.TODAY, skip_invalid=True)
    assert (skipped.created, skipped.rejected, skipped.written) == (3, 6, True)
    assert len(needs_of(fresh.coverage, "WK000101", "sociaal-netwerk")) == 1


def test_dry_run_writes_nothing(fresh, tmp_path):
    report = import_needs(write(tmp_path, GOOD), fresh.coverage, today=fx.TODAY, dry_run=True)
    assert (report.created, report.written) == (3, False)
    assert "Zou wijzigen:" in report.text() and report.text().endswith("Proefrun: er is niets geschreven.")
    assert needs_of(fresh.coverage, "WK000102", "geldzaken") == []


def test_excel_files_english_headers_and_commas_are_read(fresh, tmp_path):
    text = ("Area,Life domain,Target group,Indicator,Value,Year,Source,Opmerking\r\n"
            "wk000102,Geld,,Huishoudens met schulden,\"12,5\",2025,Enquête,let op\r\n")
    report = import_needs(write(tmp_path, text, encoding="cp1252"), fresh.coverage, today=fx.TODAY)
    assert (report.created, report.rejected) == (1, 0)
    assert [(w.column, w.reason) for w in report.warnings] == [("Opmerking", "Onbekende kolom; wordt niet gebruikt.")]
    assert needs_of(fresh.coverage, "WK000102", "geldzaken") == [
        ("Huishoudens met schulden", 12.5, 2025, "Enquête", None)]


@pytest.mark.parametrize("content, message", [
    ("", "is leeg"),
    ("gebied;leefgebied;waarde\nGM0001;geldzaken;3\n", "verplichte kolommen ontbreken: indicator, jaar, bron"),
    ("gebied;gebied;leefgebied;indicator;waarde;jaar;bron\n", "staat twee keer in de kop"),
])
def test_broken_files_are_refused_as_a_whole(fresh, tmp_path, content, message):
    with pytest.raises(ImportRejected) as refused:
        import_needs(write(tmp_path, content), fresh.coverage, today=fx.TODAY)
    assert message in refused.value.message


def test_values():
    assert (parse_value("140"), parse_value("12,5"), parse_value("0.25")) == (140, 12.5, 0.25)
    for text in ("1.500", "-3", "twaalf", "1e5"):
        with pytest.raises(ValidationError):
            parse_value(text)


def test_the_command_reports_and_exits_non_zero_on_bad_rows(fresh, tmp_path):
    env = Stores.env(fresh.runtime.settings)
    runner = CliRunner()
    bad = write(tmp_path, GOOD + BAD_ROWS, "slecht.csv")
    report_file = tmp_path / "verslag.json"
    result = runner.invoke(main, ["import", "needs", str(bad), "--report", str(report_file)], env=env,
                           catch_exceptions=False)
    assert result.exit_code == 1
    assert "slecht.csv, regel 5, kolom 'gebied': Het gebied GM9999 is niet bekend" in result.output
    assert "Samenvatting: 3 nieuw, 0 gewijzigd, 0 ongewijzigd, 5 afgekeurd." in result.output
    assert "inventarisatiecijfers: 3 nieuw, 0 gewijzigd, 0 ongewijzigd" in result.output
    saved = json.loads(report_file.read_text(encoding="utf-8"))
    assert saved["kind"] == "needs" and saved["rejected"] == 5 and saved["written"] is False
    assert saved["byType"] == {"need": {"created": 3, "updated": 0, "unchanged": 0}}

    good = runner.invoke(main, ["import", "needs", str(write(tmp_path, GOOD))], env=env, catch_exceptions=False)
    assert good.exit_code == 0, good.output
    assert "Wegschrijven in één keer: 3 inventarisatiecijfers ..." in good.output
    assert good.output.rstrip().endswith("Alles is in één keer geschreven.")

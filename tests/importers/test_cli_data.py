"""The `socialekaart import ...` and `export ...` commands, through click's test runner on the real store."""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph import open_connection
from importers.demo.region import shipped_cbs_files
from importers.providers import COLUMN_NAMES
from tests.conftest import Stores
from web.cli import main

DATA = Path(__file__).resolve().parent / "data"
GOOD = ("id;naam;organisatie;trede;leefgebieden;postcode;telefoon\n"
        "a1;Inloop;Welzijn Goes;voorliggend;sociaal netwerk;4461 AB;+31 113 111111\n")


@pytest.fixture
def cli(stores):
    """Runs the command on a fresh graph of the test server."""
    settings = stores.settings("function", f"cli_{uuid.uuid4().hex[:10]}")
    runner = CliRunner()
    env = Stores.env(settings)
    yield lambda *args: runner.invoke(main, list(map(str, args)), env=env, catch_exceptions=False)
    connection = open_connection(settings)
    connection.delete_graph()
    connection.close()


def test_import_cbs_then_again_reports_zero_changes(cli):
    first = cli("import", "cbs", *shipped_cbs_files())
    assert first.exit_code == 0, first.output
    assert "Wegschrijven in één keer: 525 gebieden ..." in first.output
    assert first.output.rstrip().endswith("Alles is in één keer geschreven.")

    again = cli("import", "cbs", *shipped_cbs_files())
    assert again.exit_code == 0
    assert "Samenvatting: 0 nieuw, 0 gewijzigd, 525 ongewijzigd, 0 afgekeurd." in again.output
    assert "Wegschrijven" not in again.output


def test_rejected_rows_exit_non_zero_and_the_report_file_has_them(cli, tmp_path):
    cli("import", "cbs", *shipped_cbs_files())
    report_path = tmp_path / "verslag.json"

    result = cli("import", "providers", DATA / "providers_messy_cp1252.csv", "--report", report_path)

    assert result.exit_code == 1
    assert "Niets geschreven: verbeter de afgekeurde regels" in result.output
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert (report["created"], report["rejected"], report["written"]) == (6, 6, False)
    assert {(p["line"], p["column"]) for p in report["problems"]} >= {(4, "trede"), (5, "postcode"), (9, "lon")}

    skipped = cli("import", "providers", DATA / "providers_messy_cp1252.csv", "--skip-invalid")
    assert skipped.exit_code == 1  # still rows rejected
    assert "De goede regels zijn in één keer geschreven" in skipped.output


def test_dry_run_then_import_then_rerun(cli, tmp_path):
    path = tmp_path / "aanbod.csv"
    path.write_text(GOOD, encoding="utf-8")

    dry = cli("import", "providers", path, "--dry-run")
    assert dry.exit_code == 0 and "Proefrun: er is niets geschreven." in dry.output

    real = cli("import", "providers", path)
    assert real.exit_code == 0
    assert "Wegschrijven in één keer: 1 organisaties, 1 voorzieningen ..." in real.output

    again = cli("import", "providers", path)
    assert "Samenvatting: 0 nieuw, 0 gewijzigd, 2 ongewijzigd, 0 afgekeurd." in again.output


def test_a_refused_file_gives_a_dutch_message_and_no_traceback(cli, tmp_path):
    path = tmp_path / "werkmap.csv"
    path.write_bytes(b"PK\x03\x04...")
    result = cli("import", "providers", path)
    assert result.exit_code == 1
    assert result.output.startswith("Error: werkmap.csv is een Excel-werkmap of zip-bestand, geen CSV.")
    assert "Traceback" not in result.output


def test_template_and_exports_write_files(cli, tmp_path):
    template = tmp_path / "sjabloon.csv"
    assert cli("import", "template", template).exit_code == 0
    assert template.read_text(encoding="utf-8-sig").splitlines() == [";".join(COLUMN_NAMES)]

    path = tmp_path / "aanbod.csv"
    path.write_text(GOOD, encoding="utf-8")
    cli("import", "providers", path)

    exported = tmp_path / "export.csv"
    result = cli("export", "csv", exported)
    assert result.exit_code == 0 and "1 voorzieningen geëxporteerd." in result.output
    rows = exported.read_text(encoding="utf-8-sig").splitlines()
    assert rows[1].startswith("a1;csv;Inloop;;Welzijn Goes;csv:org:welzijn-goes;overig;formeel;voorliggend;")
    assert ";'+31 113 111111;" in rows[1]

    geojson = tmp_path / "voorzieningen.geojson"
    assert cli("export", "geojson", geojson).exit_code == 0
    features = json.loads(geojson.read_text(encoding="utf-8"))["features"]
    assert [f["id"] for f in features] == ["a1"]

    to_screen = cli("export", "geojson", "--layer", "gemeente", "-")
    assert to_screen.exit_code == 0
    assert json.loads(to_screen.stdout)["features"] == []  # no areas imported in this graph

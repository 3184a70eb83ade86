"""``socialekaart import ...`` and ``socialekaart export ...``: getting data in and out.

Every import checks the whole input first, prints each rejected row with file, line, column
and reason, and writes all of it in one unit or nothing (``--skip-invalid`` writes the good
rows). ``--dry-run`` shows what would change; ``--report FILE`` saves the report as JSON.
The exit code is 1 when rows were rejected or the file was refused.

Other import commands (e.g. ``import hsds``) reuse ``_import_options``, ``_import_service``,
``_run_import`` and ``_announce_write``; exports write through ``_output``.
"""
from __future__ import annotations

import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TextIO

import click

from socialekaart.shared.errors import SocialeKaartError, StoreUnavailable
from web.cli.common import CliError, guard, runtime_of

MAX_MB_HELP = "Grootste bestand dat gelezen wordt, in MB."


class _Progress:
    """A click progress bar on a terminal; silent when stdout is a file or pipe."""

    def __init__(self, label: str):
        self.label = label
        self.enabled = sys.stdout.isatty()
        self._bar = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            self._bar = click.progressbar(length=total, label=self.label, file=sys.stdout)
            self._bar.__enter__()
        self._bar.update(done - self._bar.pos)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


def _import_options(func: Callable) -> Callable:
    func = click.option("--report", "report_path", type=click.Path(dir_okay=False, writable=True, path_type=Path),
                        help="Schrijf het verslag ook als JSON naar dit bestand.")(func)
    func = click.option("--skip-invalid", is_flag=True,
                        help="Schrijf de goede regels en sla de afgekeurde over (standaard: alles of niets).")(func)
    func = click.option("--dry-run", is_flag=True, help="Laat alleen zien wat er zou veranderen; schrijf niets.")(func)
    return func


def _import_service(runtime):
    from socialekaart.catalog.importing import ImportService

    catalog = guard(lambda: runtime.catalog)
    return ImportService(catalog, runtime.snapshots, write_progress=_Progress("Wegschrijven"))


def _announce_write(report) -> None:
    """The line before the one write (tests wait for it to kill an import halfway)."""
    parts = [f"{sum(1 for c in report.changes if c.type == type_)} {name}"
             for type_, name in (("area", "gebieden"), ("organization", "organisaties"), ("service", "voorzieningen"))
             if any(c.type == type_ for c in report.changes)]
    if report.relocated:
        parts.append(f"{report.relocated} voorzieningen opnieuw in een buurt geplaatst")
    click.echo(f"Wegschrijven in één keer: {', '.join(parts)} ...")


def _run_import(action: Callable, report_path: Path | None, label: str):
    progress = _Progress(label)
    try:
        report = action(progress)
    except StoreUnavailable as exc:
        raise CliError(f"{exc.message} Misschien is de import toch geschreven (altijd helemaal of helemaal niet): "
                       "draai hem opnieuw, dan ziet u wat er nog ontbreekt.") from None
    except SocialeKaartError as exc:
        raise CliError(exc.message) from None
    finally:
        progress.close()
    click.echo(report.text())
    if report_path is not None:
        report_path.write_text(report.json_text() + "\n", encoding="utf-8")
    if report.rejected:
        click.get_current_context().exit(1)
    return report


@click.group("import")
def import_group() -> None:
    """Gegevens inlezen: CBS-gebieden en aanbieders (CSV)."""


@import_group.command("cbs")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@_import_options
@click.option("--max-mb", default=256, show_default=True, type=click.IntRange(1, 4096), help=MAX_MB_HELP)
@click.pass_context
def import_cbs_command(ctx: click.Context, files: tuple[Path, ...], dry_run: bool, skip_invalid: bool,
                       report_path: Path | None, max_mb: int) -> None:
    """Lees gemeenten, wijken en buurten uit CBS-GeoJSON (of een zip daarvan).

    Geef de lagen samen op, zodat buurten aan hun wijk en gemeente gekoppeld worden:
    socialekaart import cbs gemeenten.geojson wijken.geojson buurten.geojson
    """
    from importers.cbs import import_cbs

    imports = _import_service(runtime_of(ctx))
    guard(lambda: imports.catalog.store.init_schema())
    _run_import(lambda progress: import_cbs(files, imports, dry_run=dry_run, skip_invalid=skip_invalid,
                                            max_bytes=max_mb * 1024 * 1024, progress=progress,
                                            before_write=_announce_write),
                report_path, "Gebieden controleren")


@import_group.command("providers")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_import_options
@click.option("--source", default="csv", show_default=True,
              help="Bron voor regels zonder 'bron'-kolom; hoort bij de vaste id's.")
@click.pass_context
def import_providers_command(ctx: click.Context, file: Path, dry_run: bool, skip_invalid: bool,
                             report_path: Path | None, source: str) -> None:
    """Lees organisaties en voorzieningen uit een CSV volgens het sjabloon (zie docs/import-providers.md)."""
    from importers.providers import import_providers

    runtime = runtime_of(ctx)
    imports = _import_service(runtime)
    guard(lambda: imports.catalog.store.init_schema())
    known = guard(lambda: imports.snapshots.area_codes())
    _run_import(lambda progress: import_providers(file, imports, runtime.geocoder, source=source.lower(),
                                                  dry_run=dry_run, skip_invalid=skip_invalid, known_areas=known,
                                                  progress=progress, before_write=_announce_write),
                report_path, "Regels controleren")


@import_group.command("template")
@click.argument("output", default="-", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--example", is_flag=True, help="Met één voorbeeldregel.")
def import_template_command(output: Path, example: bool) -> None:
    """Schrijf het CSV-sjabloon voor 'import providers' (naar OUTPUT, of '-' voor het scherm)."""
    from importers.exports import write_template

    with _output(output) as (out, to_file):
        write_template(out, example=example, bom=to_file)
    if str(output) != "-":
        click.echo(f"Sjabloon geschreven naar {output}. Uitleg per kolom: docs/import-providers.md", err=True)


@click.group("export")
def export_group() -> None:
    """Gegevens uitvoeren: CSV (opnieuw in te lezen) en GeoJSON."""


@export_group.command("csv")
@click.argument("output", default="-", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--include-confidential", is_flag=True,
              help="Neem ook vertrouwelijke adressen op (standaard weggelaten).")
@click.pass_context
def export_csv_command(ctx: click.Context, output: Path, include_confidential: bool) -> None:
    """Alle voorzieningen als CSV volgens het importsjabloon (naar OUTPUT, of '-')."""
    from importers.exports import export_csv

    reads = guard(lambda: runtime_of(ctx).snapshots)
    with _output(output) as (out, to_file):
        count = guard(lambda: export_csv(reads, out, include_confidential=include_confidential, bom=to_file))
    click.echo(f"{count} voorzieningen geëxporteerd.", err=True)


@export_group.command("geojson")
@click.argument("output", default="-", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--layer", type=click.Choice(["services", "gemeente", "wijk", "buurt"]), default="services",
              show_default=True, help="Voorzieningen (punten) of een laag gebieden.")
@click.pass_context
def export_geojson_command(ctx: click.Context, output: Path, layer: str) -> None:
    """Voorzieningen of gebieden als GeoJSON FeatureCollection in WGS84 (naar OUTPUT, of '-')."""
    from importers.exports import export_geojson

    reads = guard(lambda: runtime_of(ctx).snapshots)
    with _output(output) as (out, _to_file):
        written, skipped = guard(lambda: export_geojson(reads, out, layer))
    note = f"; {skipped} zonder eigen punt (alleen werkgebied) weggelaten" if skipped else ""
    click.echo(f"{written} objecten geëxporteerd{note}.", err=True)


@contextmanager
def _output(output: Path) -> Iterator[tuple[TextIO, bool]]:
    """stdout for '-'; otherwise a file that appears only once it is complete."""
    if str(output) == "-":
        yield sys.stdout, False
        return
    target = output.resolve()
    if not target.parent.is_dir():
        raise CliError(f"De map {target.parent} bestaat niet.")
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=target.parent,
                                         prefix=f".{target.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            yield handle, True
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


# -- import needs (lokale inventarisatie, issue 6) --------------------------------------------------
@import_group.command("needs")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_import_options
@click.pass_context
def import_needs_command(ctx: click.Context, file: Path, dry_run: bool, skip_invalid: bool,
                         report_path: Path | None) -> None:
    """Lees inventarisatiecijfers (behoeften per gebied en leefgebied) uit een CSV.

    Kolommen: gebied, leefgebied, doelgroep (mag leeg), indicator, waarde, jaar, bron.
    """
    from importers.needs import import_needs
    from web.bootstrap import build_coverage_service

    runtime = runtime_of(ctx)
    guard(lambda: runtime.store.init_schema())
    coverage = build_coverage_service(runtime)

    def announce(report) -> None:
        click.echo(f"Wegschrijven in één keer: {len(report.changes)} inventarisatiecijfers ...")

    _run_import(lambda _progress: import_needs(file, coverage, dry_run=dry_run, skip_invalid=skip_invalid,
                                               before_write=announce),
                report_path, "Regels controleren")


# -- Open Referral HSDS 3.0 (importers/hsds.py, importers/hsds_export.py) ----------------------------
@import_group.command("hsds")
@click.argument("path", type=click.Path(path_type=Path))
@_import_options
@click.option("--source", default="hsds", show_default=True, help="Bron; hoort bij de vaste id's.")
@click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Eigen mappingbestand van HSDS-termen naar leefgebieden, doelgroepen en treden (docs/hsds.md).")
@click.option("--werkgebied", "fallback_area",
              help="CBS-code (gemeente, wijk of buurt) voor diensten zonder bruikbare locatie of werkgebied.")
@click.option("--max-mb", default=100, show_default=True, type=click.IntRange(1, 1024), help=MAX_MB_HELP)
@click.pass_context
def import_hsds_command(ctx: click.Context, path: Path, dry_run: bool, skip_invalid: bool, report_path: Path | None,
                        source: str, mapping_path: Path | None, fallback_area: str | None, max_mb: int) -> None:
    """Lees Open Referral HSDS 3.0: een datapackage (map of zip met datapackage.json en CSV's) of JSON
    (een lijst met volledige diensten)."""
    from importers.hsds.reader import import_hsds

    runtime = runtime_of(ctx)
    imports = _import_service(runtime)
    guard(lambda: imports.catalog.store.init_schema())
    known = guard(lambda: imports.snapshots.area_codes())
    _run_import(lambda progress: import_hsds(path, imports, runtime.geocoder, source=source.lower(),
                                             mapping_path=mapping_path, fallback_area=fallback_area,
                                             dry_run=dry_run, skip_invalid=skip_invalid, known_areas=known,
                                             max_bytes=max_mb * 1024 * 1024, progress=progress,
                                             before_write=_announce_write),
                report_path, "Diensten controleren")


@import_group.command("hsds-api")
@click.argument("url")
@_import_options
@click.option("--source", default="hsds", show_default=True, help="Bron; hoort bij de vaste id's.")
@click.option("--mapping", "mapping_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Eigen mappingbestand van HSDS-termen naar leefgebieden, doelgroepen en treden (docs/hsds.md).")
@click.option("--werkgebied", "fallback_area",
              help="CBS-code (gemeente, wijk of buurt) voor diensten zonder bruikbare locatie of werkgebied.")
@click.option("--rate", default=2.0, show_default=True, type=click.FloatRange(0.01, 100),
              help="Hoogstens zoveel verzoeken per seconde; 429/503 met Retry-After wordt gevolgd.")
@click.option("--per-page", default=100, show_default=True, type=click.IntRange(1, 100), help="Items per pagina.")
@click.option("--state", "state_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Statusbestand om een onderbroken run te hervatten (standaard .hsds-api-HOST.json hier).")
@click.pass_context
def import_hsds_api_command(ctx: click.Context, url: str, dry_run: bool, skip_invalid: bool,
                            report_path: Path | None, source: str, mapping_path: Path | None,
                            fallback_area: str | None, rate: float, per_page: int, state_path: Path | None) -> None:
    """Haal een live HSDS 3.0-API op (URL = de basis, zoals https://voorbeeld.nl/hsds): alle pagina's van
    /organizations en /services?full=true, dan controleren en alles-of-niets schrijven, zoals 'import hsds'.
    Onderbroken? Start opnieuw: het gaat verder waar het bleef."""
    from importers.hsds.api import PullOptions, import_hsds_api

    runtime = runtime_of(ctx)
    imports = _import_service(runtime)
    guard(lambda: imports.catalog.store.init_schema())
    known = guard(lambda: imports.snapshots.area_codes())
    _run_import(lambda progress: import_hsds_api(url, imports, runtime.geocoder, state_path=state_path,
                                                 pull_options=PullOptions(rate=rate, per_page=per_page),
                                                 before_write=_announce_write, source=source.lower(),
                                                 mapping_path=mapping_path, fallback_area=fallback_area,
                                                 dry_run=dry_run, skip_invalid=skip_invalid, known_areas=known),
                report_path, "Diensten controleren")


@export_group.command("hsds")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def export_hsds_command(ctx: click.Context, directory: Path) -> None:
    """Alles als Open Referral HSDS 3.0 in map DIRECTORY: datapackage.json met CSV's, en services.json.
    Vertrouwelijke adressen gaan niet mee: alleen hun wijk."""
    from importers.hsds.export import export_hsds

    reads = guard(lambda: runtime_of(ctx).hsds_reads)
    summary = guard(lambda: export_hsds(reads, directory))
    hidden = f"; van {summary.confidential} staat alleen de wijk erin (vertrouwelijk adres)" \
        if summary.confidential else ""
    click.echo(f"{summary.organizations} organisaties en {summary.services} diensten geëxporteerd naar "
               f"{directory}{hidden}.", err=True)

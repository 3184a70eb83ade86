"""Import inventarisatie figures (needs) from CSV: ``socialekaart import needs FILE``.

One figure per row. Columns (Dutch names; the English ones work too, case and accents do not
matter):

- ``gebied``: CBS code of the area: gemeente, wijk or buurt (GM0664, WK066401, BU06640101) or
  a regio (RG-zeeland); it must be known (imported with ``import cbs`` or the demo);
- ``leefgebied``: code or name, e.g. ``sociaal-netwerk`` or ``Sociaal netwerk``;
- ``doelgroep`` (may be empty): code or name, e.g. ``ouderen``;
- ``indicator``: what was counted or measured, e.g. ``voelt zich ernstig eenzaam``;
- ``waarde``: a number of 0 or more; a decimal comma or point (12,5); no thousands separators;
- ``jaar``: the year of the figure;
- ``bron``: where it comes from, e.g. ``Bewonersenquête Goes 2025`` or ``Dialoogtafel Zuid``.

Read like the provider import: ``;``, ``,`` or tab between cells; UTF-8 (with or without BOM),
UTF-16 or Windows-1252. All or nothing: one rejected row and nothing is written (unless
``--skip-invalid``), with file, line, column and reason per problem. A figure is identified by
area, leefgebied, doelgroep, indicator, year and source: importing a file again changes nothing.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable

from importers.limits import MB, read_limited_bytes
from importers.providers import clean_cell, decode_csv
from importers.report import ImportReport, Problem
from socialekaart.catalog.importing import Change
from socialekaart.coverage.needs import Need
from socialekaart.coverage.service import CoverageService
from socialekaart.shared import taxonomy
from socialekaart.shared.clock import local_date
from socialekaart.shared.errors import ImportRejected, ValidationError

MAX_NEEDS_BYTES = 20 * MB
MAX_ROWS = 100_000
DELIMITERS = (";", ",", "\t")
SHOWN_CHANGES = 50
COLUMNS: dict[str, tuple[str, ...]] = {  # column -> other names it may have
    "gebied": ("gebiedscode", "cbs code", "code", "area", "area code"),
    "leefgebied": ("leefgebieden", "domein", "life domain", "lifedomain"),
    "doelgroep": ("target group", "targetgroup"),
    "indicator": ("wat", "omschrijving"),
    "waarde": ("aantal", "value"),
    "jaar": ("year", "peiljaar"),
    "bron": ("source",),
}
REQUIRED = ("gebied", "leefgebied", "indicator", "waarde", "jaar", "bron")
FIELD_COLUMNS = {"area": "gebied", "lifeDomain": "leefgebied", "targetGroup": "doelgroep", "indicator": "indicator",
                 "value": "waarde", "year": "jaar", "source": "bron"}
NUMBER = re.compile(r"^\d{1,10}([.,]\d{1,6})?$")
THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", taxonomy.fold(text)).split())


COLUMN_BY_KEY = {_key(name): column for column, others in COLUMNS.items() for name in (column, *others)}


@dataclass
class NeedsRead:
    needs: list[tuple[int, Need]] = field(default_factory=list)  # (line, figure)
    rejected: list[list[Problem]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def _sniff(first_line: str) -> str:
    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(1 for c in cells if _key(c) in COLUMN_BY_KEY), len(cells)
    return max(DELIMITERS, key=score)


def parse_value(text: str) -> float | int:
    """'140' -> 140, '12,5' -> 12.5; thousands separators are refused (is 1.500 one and a half?)."""
    if THOUSANDS.match(text):
        raise ValidationError(f"{text!r} is dubbelzinnig: schrijf getallen zonder punt voor duizendtallen "
                              "(1500) en met een komma voor decimalen (1,5).", field="value")
    if not NUMBER.match(text):
        raise ValidationError(f"{text[:30]!r} is geen getal; schrijf bijvoorbeeld 140 of 12,5.", field="value")
    if re.search(r"[.,]", text):
        return float(text.replace(",", "."))
    return int(text)


def read_needs(data: bytes, label: str, *, known_areas: set[str], today: date) -> NeedsRead:
    text, _encoding = decode_csv(data, label)
    text = text.replace("\xa0", " ")
    first_line = text.split("\n", 1)[0].rstrip("\r")
    if not first_line.strip():
        raise ImportRejected(f"{label} is leeg of begint met een lege regel; de eerste regel moet de kolomnamen "
                             "bevatten.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff(first_line), strict=False)
    result = NeedsRead()
    header: list[str] = []
    columns: dict[str, int] = {}
    seen: dict[str, int] = {}
    last_line = 0
    try:
        for cells in reader:
            start, last_line = last_line + 1, reader.line_num
            if not header:
                header = [c.strip() for c in cells]
                columns = _columns(header, label, result)
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(result.needs) + len(result.rejected) >= MAX_ROWS:
                raise ImportRejected(f"{label} heeft meer dan {MAX_ROWS} regels; splits het bestand.")
            _row(label, start, cells, columns, known_areas, today, seen, result)
    except csv.Error as exc:
        raise ImportRejected(f"{label}, regel {last_line + 1}: de CSV is onleesbaar ({exc}); controleer de "
                             "aanhalingstekens.") from None
    return result


def _columns(header: list[str], label: str, result: NeedsRead) -> dict[str, int]:
    columns: dict[str, int] = {}
    for position, name in enumerate(header):
        column = COLUMN_BY_KEY.get(_key(name))
        if column is None:
            if name:
                result.warnings.append(Problem(label, "Onbekende kolom; wordt niet gebruikt.", line=1, column=name))
        elif column in columns:
            raise ImportRejected(f"{label}: de kolom '{column}' staat twee keer in de kop.")
        else:
            columns[column] = position
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ImportRejected(f"{label}: verplichte kolommen ontbreken: {', '.join(missing)}. Gevonden kolommen: "
                             f"{', '.join(header) or '(geen)'}. Verwacht: {', '.join(COLUMNS)}.")
    return columns


def _row(label: str, line: int, cells: list[str], columns: dict[str, int], known_areas: set[str], today: date,
         seen: dict[str, int], result: NeedsRead) -> None:
    def cell(column: str) -> str:
        position = columns.get(column)
        return clean_cell(cells[position]) if position is not None and position < len(cells) else ""

    problems: list[Problem] = []

    def problem(column: str, message: str) -> None:
        problems.append(Problem(label, message, line=line, column=column))

    value: Any = None
    try:
        value = parse_value(cell("waarde")) if cell("waarde") else None
    except ValidationError as exc:
        problem("waarde", exc.message)
    if not cell("waarde"):
        problem("waarde", "Is verplicht.")
    year: Any = None
    if re.fullmatch(r"\d{4}", cell("jaar")):
        year = int(cell("jaar"))
    else:
        problem("jaar", f"{cell('jaar')[:20]!r} is geen jaartal; schrijf bijvoorbeeld {today.year}.")
    need = Need(area_code=cell("gebied"), life_domain=cell("leefgebied"), indicator=cell("indicator"),
                value=value if value is not None else 0, year=year if year is not None else today.year,
                source=cell("bron"), target_group=cell("doelgroep") or None)
    try:
        need.validate(today=today)
    except ValidationError as exc:
        for name, messages in exc.errors.items():
            column = FIELD_COLUMNS.get(name, name)
            if any(p.column == column for p in problems):
                continue
            for message in messages:
                problem(column, message)
    if not any(p.column == "gebied" for p in problems) and need.area_code not in known_areas:
        problem("gebied", f"Het gebied {need.area_code} is niet bekend; importeer eerst de CBS-gebieden "
                          "('socialekaart import cbs').")
    if not problems:
        if need.id in seen:
            problem(None, f"Regel {seen[need.id]} geeft hetzelfde cijfer (gebied, leefgebied, doelgroep, indicator, "
                          "jaar en bron); elk cijfer mag één keer voorkomen.")
        else:
            seen[need.id] = line
    if problems:
        result.rejected.append(problems)
    else:
        result.needs.append((line, need))


def import_needs(path: Path | str, coverage: CoverageService, *, today: date | None = None, dry_run: bool = False,
                 skip_invalid: bool = False,
                 before_write: Callable[[ImportReport], None] | None = None) -> ImportReport:
    """Read and check the whole file, then write every figure in one unit, or nothing."""
    path = Path(path)
    today = today or local_date()
    read = read_needs(read_limited_bytes(path, MAX_NEEDS_BYTES), path.name, known_areas=coverage.known_areas(),
                      today=today)
    report = ImportReport("needs", [path.name], dry_run=dry_run, skip_invalid=skip_invalid)
    for problems in read.rejected:
        report.reject(problems)
    for warning in read.warnings:
        report.warn(warning)
    needs = [need for _line, need in read.needs]
    stored = coverage.stored_needs(n.id for n in needs)
    changed: list[Need] = []
    for need in needs:
        before = stored.get(need.id)
        if before is None:
            report.changes.append(Change("need", need.id, "created"))
        elif before.value != need.value:
            report.changes.append(Change("need", need.id, "updated", ("value",)))
        else:
            report.unchanged_counts["need"] = report.unchanged_counts.get("need", 0) + 1
            continue
        changed.append(need)
    if report.blocked or dry_run or not changed:
        return report
    if before_write is not None:
        before_write(report)
    coverage.save_needs(changed)
    report.written = True
    return report

"""Import providers (organisaties and voorzieningen) from the Dutch CSV template.

The columns are data (``COLUMNS``); ``docs/import-providers.md`` describes each one. Files as
people make them are read: ``;``, ``,`` or tab between cells, UTF-8 with or without BOM,
UTF-16 or Windows-1252 (Excel), labels or codes for the vocabularies (case and accents do not
matter), and a postcode instead of coordinates.

Each row becomes one Service and (shared between rows) its Organization. Every problem in a row
is reported with file, line, column and a Dutch reason; the import service then decides what
gets written.

Ids are stable, so re-importing a file changes nothing: a row's ``id`` is used as it is; without
one the id is derived from bron + organisatie + naam + postcode (``csv:welzijn-goes:spreekuur:4461ab``).
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from importers.limits import MB, read_limited_bytes
from importers.report import ImportReport, Problem, settle
from socialekaart.catalog import readability
from socialekaart.catalog.importing import ImportService
from socialekaart.catalog.locating import display_postcode, location_from
from socialekaart.catalog.model import Location, Organization, Service
from socialekaart.catalog.records import StoredService
from socialekaart.places.codes import area_kind_of
from socialekaart.places.geocoding import normalise_postcode
from socialekaart.shared import taxonomy
from socialekaart.shared.errors import ImportRejected, SocialeKaartError, ValidationError
from socialekaart.shared.hours import WeeklyHours

MAX_CSV_BYTES = 20 * MB
MAX_ROWS = 100_000
MAX_COLUMNS = 100
MAX_CELL = 10_000
DEFAULT_SOURCE = "csv"
SOURCE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
LIST_SEPARATORS = re.compile(r"[,;|\n]")
DELIMITERS = (";", ",", "\t")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    name: str  # the header in the template
    help: str  # one line of Dutch, for the template documentation
    aliases: tuple[str, ...] = ()
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("id", "Vaste code van de voorziening binnen uw bestand; leeg: afgeleid van organisatie, naam en postcode."),
    Column("bron", "Naam van de bron (kleine letters, cijfers, '-', '.', '_'); leeg: de waarde van --source.",
           ("source",)),
    Column("naam", "Naam van de voorziening.", ("voorziening", "naam voorziening", "name"), required=True),
    Column("omschrijving", "Wat de voorziening doet, in gewone taal.", ("beschrijving", "description")),
    Column("organisatie", "Naam van de organisatie die de voorziening biedt.", ("aanbieder", "organisatienaam"),
           required=True),
    Column("organisatie id", "Vaste code van de organisatie; leeg: afgeleid van de naam.", ("organisatiecode",)),
    Column("soort organisatie", "Code of naam uit de lijst soorten organisaties; leeg: overig.", ("soort",)),
    Column("formeel/informeel", "formeel of informeel; leeg: volgt uit de soort organisatie.",
           ("formeel", "informeel", "formeel informeel")),
    Column("trede", "Trede op de steunladder: eigen-kracht, informeel, voorliggend, licht of maatwerk (code of naam).",
           ("rung", "niveau"), required=True),
    Column("leefgebieden", "Eén of meer leefgebieden (code of naam), gescheiden door komma's.",
           ("leefgebied", "domeinen"), required=True),
    Column("doelgroepen", "Nul of meer doelgroepen (code of naam), gescheiden door komma's.", ("doelgroep",)),
    Column("leeftijd van", "Laagste leeftijd in jaren (0-120); leeg: geen grens.",
           ("leeftijd vanaf", "vanaf leeftijd")),
    Column("leeftijd tot", "Hoogste leeftijd in jaren (0-120); leeg: geen grens.", ("leeftijd t/m", "tot leeftijd")),
    Column("adres", "Straat en huisnummer van de locatie.", ("straat", "bezoekadres")),
    Column("postcode", "Postcode van de locatie, zoals 4461 AB; zonder lat/lon zoeken we hiermee het punt op."),
    Column("plaats", "Woonplaats van de locatie.", ("woonplaats", "stad")),
    Column("lat", "Breedtegraad (WGS84), zoals 51.5045; punt of komma.", ("breedtegraad", "latitude")),
    Column("lon", "Lengtegraad (WGS84), zoals 3.8897; punt of komma.", ("lengtegraad", "longitude", "lng")),
    Column("werkgebied", "CBS-codes van de gemeenten, wijken of buurten die de voorziening bedient, "
                         "gescheiden door komma's.", ("werkgebieden",)),
    Column("telefoon", "Telefoonnummer.", ("tel", "telefoonnummer")),
    Column("e-mail", "E-mailadres.", ("email", "mail", "emailadres")),
    Column("website", "Webadres; https:// mag weg.", ("url", "internet")),
    Column("openingstijden", "Bijvoorbeeld: ma-vr 09:00-17:00; za 10:00-12:00 (zie de uitleg).",
           ("openingstijd", "geopend")),
    Column("kosten", "gratis, eigen bijdrage of betaald; leeg: gratis.", ("kosten voor inwoner",)),
    Column("kosten toelichting", "Uitleg over de kosten.", ("toelichting kosten",)),
    Column("wachttijd (weken)", "Wachttijd in weken (0-520).", ("wachttijd", "wachttijd weken")),
    Column("capaciteit", "Uitleg over plaatsen of wachtlijst.", ("capaciteit toelichting",)),
    Column("crisishulp", "ja als er 24 uur per dag crisishulp is; leeg: nee.", ("24 uurs crisishulp", "crisis")),
    Column("onafhankelijke cliëntondersteuning", "ja voor onafhankelijke cliëntondersteuning; leeg: nee.",
           ("clientondersteuning", "onafhankelijke clientondersteuning")),
    Column("vertrouwelijk adres", "ja als het adres geheim is (zoals een opvang): we tonen dan alleen de wijk.",
           ("vertrouwelijk", "geheim adres")),
    Column("laatst gecontroleerd", "Datum van de laatste controle: 2026-01-31 of 31-01-2026.",
           ("gecontroleerd op", "laatste controle")),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)

# Model field -> column, to put a model's validation message in the right place.
SERVICE_FIELD_COLUMNS = {
    "id": "id", "organizationId": "organisatie", "name": "naam", "description": "omschrijving", "rung": "trede",
    "lifeDomains": "leefgebieden", "targetGroups": "doelgroepen", "ageMin": "leeftijd van", "ageMax": "leeftijd tot",
    "cost": "kosten", "waitWeeks": "wachttijd (weken)", "serves": "werkgebied", "location": "adres",
    "location.id": "id", "location.address": "adres", "lastVerified": "laatst gecontroleerd",
    "phone": "telefoon", "email": "e-mail", "website": "website", "hours": "openingstijden",
}
ORGANIZATION_FIELD_COLUMNS = {"id": "organisatie id", "name": "organisatie", "kind": "soort organisatie"}
LOCATION_COLUMNS = frozenset({"adres", "postcode", "lat", "lon", "werkgebied"})
TRUE = {"ja", "j", "yes", "y", "true", "waar", "1", "x"}
FALSE = {"nee", "n", "no", "false", "onwaar", "0", ""}


def _header_key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", taxonomy.fold(text)).split())


_COLUMN_BY_KEY: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.name, *_column.aliases):
        _COLUMN_BY_KEY.setdefault(_header_key(_name), _column.name)


# -- reading the file -------------------------------------------------------------------------------

@dataclass
class CsvTable:
    label: str
    encoding: str
    delimiter: str
    header: list[str]
    columns: dict[str, int]  # template column name -> position
    rows: list[tuple[int, list[str]]]  # (line of the row's start, cells)
    unknown: list[str] = field(default_factory=list)


def decode_csv(data: bytes, label: str) -> tuple[str, str]:
    """The text and the encoding found: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252."""
    if data.startswith(b"PK\x03\x04"):
        raise ImportRejected(f"{label} is een Excel-werkmap of zip-bestand, geen CSV. Kies in Excel "
                             "'Opslaan als' > 'CSV UTF-8 (door komma's gescheiden)'.")
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16"), "utf-16"
    except UnicodeDecodeError:
        raise ImportRejected(f"{label} begint als Unicode-tekst maar bevat ongeldige tekens; sla het opnieuw op "
                             "als 'CSV UTF-8'.") from None
    if b"\x00" in data:
        raise ImportRejected(f"{label} is geen tekstbestand (het bevat NUL-bytes). Lever een CSV-bestand aan.")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        raise ImportRejected(f"{label} is geen UTF-8 en geen Windows-1252; de tekenset is onbekend. Sla het "
                             "bestand op als 'CSV UTF-8'.") from None


def _sniff_delimiter(first_line: str) -> str:
    """The delimiter that makes the most known column names of the header."""
    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(1 for c in cells if _header_key(c) in _COLUMN_BY_KEY), len(cells)
    return max(DELIMITERS, key=score)


def read_table(data: bytes, label: str) -> CsvTable:
    text, encoding = decode_csv(data, label)
    text = text.replace("\xa0", " ")
    first_line = text.split("\n", 1)[0].rstrip("\r")
    last_line = 0
    excel_hint = re.fullmatch(r"sep=(.)", first_line)  # Excel may start a file with "sep=;"
    if excel_hint:
        text, last_line = text.split("\n", 1)[1] if "\n" in text else "", 1
        first_line = text.split("\n", 1)[0].rstrip("\r")
    if not first_line.strip():
        raise ImportRejected(f"{label} is leeg of begint met een lege regel; de eerste regel moet de kolomnamen "
                             "bevatten.")
    delimiter = excel_hint.group(1) if excel_hint else _sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] = []
    try:
        for cells in reader:
            start, last_line = last_line + 1, reader.line_num + (1 if excel_hint else 0)
            if not header:
                header = [c.strip() for c in cells]
                continue
            if not any(c.strip() for c in cells):
                continue
            rows.append((start, cells))
            if len(rows) > MAX_ROWS:
                raise ImportRejected(f"{label} heeft meer dan {MAX_ROWS} regels; splits het bestand.")
    except csv.Error as exc:
        raise ImportRejected(f"{label}, regel {last_line + 1}: de CSV is onleesbaar ({exc}); controleer de "
                             "aanhalingstekens.") from None
    if len(header) > MAX_COLUMNS:
        raise ImportRejected(f"{label} heeft {len(header)} kolommen; de grens is {MAX_COLUMNS}.")
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for position, name in enumerate(header):
        column = _COLUMN_BY_KEY.get(_header_key(name))
        if column is None:
            if name:
                unknown.append(name)
        elif column in columns:
            raise ImportRejected(f"{label}: de kolom '{column}' staat twee keer in de kop "
                                 f"('{header[columns[column]]}' en '{name}').")
        else:
            columns[column] = position
    missing = [c.name for c in COLUMNS if c.required and c.name not in columns]
    if missing:
        raise ImportRejected(f"{label}: verplichte kolommen ontbreken: {', '.join(missing)}. Gevonden kolommen: "
                             f"{', '.join(header) or '(geen)'}. Begin met 'socialekaart import template'.")
    return CsvTable(label, encoding, delimiter, header, columns, rows, unknown)


# -- cells ------------------------------------------------------------------------------------------

class CellError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


def clean_cell(value: str) -> str:
    """Trimmed text; a leading apostrophe that neutralised a formula in an export is taken off."""
    value = value.strip()
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START:
        value = value[1:]
    return value


def slug(text: str, limit: int = 40) -> str:
    return re.sub(r"[^a-z0-9]+", "-", taxonomy.fold(text))[:limit].strip("-")


def _stable_id(*parts: str) -> str:
    """Parts joined with ':'; too long for an id (128), then shortened with a hash."""
    joined = ":".join(p for p in parts if p)
    if len(joined) <= 128:
        return joined
    return f"{joined[:100]}-{hashlib.sha256(joined.encode()).hexdigest()[:16]}"


def _display_postcode(text: str) -> str:
    return display_postcode(text)


class Row:
    """The cells of one CSV row by template column name."""

    def __init__(self, table: CsvTable, line: int, cells: list[str]):
        self.table = table
        self.line = line
        self.cells = cells
        self.problems: dict[str | None, list[str]] = {}  # None: the row as a whole

    def __getitem__(self, column: str) -> str:
        position = self.table.columns.get(column)
        if position is None or position >= len(self.cells):
            return ""
        return clean_cell(self.cells[position])

    def problem(self, column: str | None, message: str) -> None:
        self.problems.setdefault(column, []).append(message)

    def attempt(self, column: str, parse: Callable[[str], Any], default: Any = None) -> Any:
        """The parsed cell, or ``default`` with a problem noted for the column."""
        try:
            return parse(self[column])
        except CellError as exc:
            self.problem(exc.column, exc.message)
        except SocialeKaartError as exc:
            self.problem(column, exc.message)
        return default


def _text(value: str) -> str | None:
    return value or None


def _integer(column: str, low: int, high: int) -> Callable[[str], int | None]:
    def parse(value: str) -> int | None:
        if not value:
            return None
        if not re.fullmatch(r"\d{1,4}", value):
            raise CellError(column, f"{value[:30]!r} is geen heel getal; vul een getal van {low} tot {high} in.")
        return int(value)
    return parse


# Cells repeat a lot (the same trede, leefgebieden, openingstijden in thousands of rows): folding and
# parsing each distinct text once is a fair share of the time per row. Only immutable results.
_fold = lru_cache(maxsize=4096)(taxonomy.fold)
_resolve = lru_cache(maxsize=4096)(taxonomy.resolve)


def _boolean(column: str) -> Callable[[str], bool]:
    def parse(value: str) -> bool:
        folded = _fold(value)
        if folded in TRUE:
            return True
        if folded in FALSE:
            return False
        raise CellError(column, f"{value[:30]!r} begrijpen we niet; vul ja of nee in.")
    return parse


def _vocabulary(column: str, vocabulary: str, terms: tuple[taxonomy.Term, ...],
                what: str) -> Callable[[str], str | None]:
    def parse(value: str) -> str | None:
        if not value:
            return None
        code = _resolve(vocabulary, value)
        if code is None:
            raise CellError(column, f"Onbekende {what} {value[:50]!r}; kies uit {', '.join(t.code for t in terms)} "
                                    "(code of naam).")
        return code
    return parse


def _codes(column: str, vocabulary: str, terms: tuple[taxonomy.Term, ...], what: str) -> Callable[[str], list[str]]:
    def parse(value: str) -> list[str]:
        codes: list[str] = []
        unknown: list[str] = []
        for item in (i.strip() for i in LIST_SEPARATORS.split(value)):
            if not item:
                continue
            code = _resolve(vocabulary, item)
            if code is None:
                unknown.append(item[:50])
            elif code not in codes:
                codes.append(code)
        if unknown:
            raise CellError(column, f"Onbekende {what}: {', '.join(repr(u) for u in unknown)}; kies uit "
                                    f"{', '.join(t.code for t in terms)} (code of naam).")
        return codes
    return parse


def _coordinate(column: str) -> Callable[[str], float | None]:
    def parse(value: str) -> float | None:
        if not value:
            return None
        if not re.fullmatch(r"-?\d{1,3}([.,]\d{1,12})?", value):
            raise CellError(column, f"{value[:30]!r} is geen coördinaat; schrijf bijvoorbeeld 51.5045.")
        return float(value.replace(",", "."))
    return parse


@lru_cache(maxsize=4096)
def _date(value: str) -> date | None:
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise CellError("laatst gecontroleerd", f"{value[:30]!r} is geen datum; schrijf 2026-01-31 of 31-01-2026.")


def _website(value: str) -> str | None:
    if not value:
        return None
    if re.match(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(/|$)", value, re.IGNORECASE):
        return f"https://{value}"
    return value


def _area_codes(known: set[str] | None) -> Callable[[str], list[str]]:
    def parse(value: str) -> list[str]:
        codes: list[str] = []
        for item in (i.strip().upper() for i in LIST_SEPARATORS.split(value)):
            if not item:
                continue
            if area_kind_of(item) not in ("gemeente", "wijk", "buurt"):
                raise CellError("werkgebied", f"{item[:30]!r} is geen CBS-code van een gemeente, wijk of buurt "
                                              "(zoals GM0664, WK066401 of BU06640101).")
            if known is not None and item not in known:
                raise CellError("werkgebied", f"Het gebied {item} is niet bekend; importeer eerst de CBS-gebieden "
                                              "('socialekaart import cbs').")
            if item not in codes:
                codes.append(item)
        return codes
    return parse


@lru_cache(maxsize=4096)
def _hours(value: str) -> WeeklyHours:
    return WeeklyHours.parse(value)


# -- rows to model objects ----------------------------------------------------------------------------

@dataclass
class ProviderRow:
    line: int
    organization: Organization
    service: Service


@dataclass
class ProvidersRead:
    rows: list[ProviderRow] = field(default_factory=list)
    rejected: list[tuple[int, list[Problem]]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def organizations(self) -> list[Organization]:
        seen: dict[str, Organization] = {}
        for row in self.rows:
            seen.setdefault(row.organization.id, row.organization)
        return list(seen.values())

    @property
    def services(self) -> list[Service]:
        return [row.service for row in self.rows]


def row_ids(row: Row, default_source: str) -> tuple[str, str, str]:
    """(bron, service id, organisation id) of a row, before any other checking."""
    source = row["bron"].lower() or default_source
    organization = row["organisatie"]
    org_id = row["organisatie id"] or _stable_id(source, "org", slug(organization))
    postcode = row["postcode"]
    try:
        postcode = normalise_postcode(postcode).lower() if postcode else ""
    except ValidationError:
        postcode = slug(postcode, 10)
    service_id = row["id"] or _stable_id(source, slug(organization), slug(row["naam"]), postcode)
    return source, service_id, org_id


class ProviderMapper:
    """Turns rows into Organization and Service objects, with every problem per column."""

    def __init__(self, imports: ImportService, locator, *, source: str = DEFAULT_SOURCE,
                 known_areas: set[str] | None = None):
        self.imports = imports
        self.locator = locator
        self.source = source
        self.known_areas = known_areas

    def read(self, table: CsvTable, progress: Callable[[int, int], None] | None = None) -> ProvidersRead:
        """Every row checked; ``progress(done, total)`` is called after each row."""
        result = ProvidersRead()
        for name in table.unknown:
            result.warnings.append(Problem(table.label, "Onbekende kolom; wordt niet gebruikt.", line=1, column=name))
        rows = [Row(table, line, cells) for line, cells in table.rows]
        ids = [row_ids(row, self.source) for row in rows]
        stored_services = self.imports.stored_services(i[1] for i in ids)
        stored_orgs = self.imports.stored_organizations(i[2] for i in ids)
        first_line_of: dict[str, int] = {}
        orgs_by_id: dict[str, tuple[int, Organization, dict[str, str]]] = {}
        for done, (row, (source, service_id, org_id)) in enumerate(zip(rows, ids), start=1):
            if len(row.cells) > len(table.header):
                row.problem(None, f"Deze regel heeft {len(row.cells)} cellen, de kop {len(table.header)} kolommen; "
                                    "staat er een scheidingsteken in een cel zonder aanhalingstekens?")
            if any(len(cell) > MAX_CELL for cell in row.cells):
                row.problem(None, f"Een cel in deze regel is langer dan {MAX_CELL} tekens.")
            built = self._row(row, source, service_id, org_id, stored_services.get(service_id),
                              stored_orgs.get(org_id))
            self._check_unique(row, built, first_line_of, orgs_by_id)
            first_line_of.setdefault(built.service.id, row.line)
            if progress is not None:
                progress(done, len(rows))
            if row.problems:
                result.rejected.append((row.line, [Problem(table.label, message, line=row.line, column=column)
                                                   for column, messages in _in_column_order(row.problems)
                                                   for message in messages]))
                continue
            orgs_by_id.setdefault(built.organization.id, (row.line, built.organization, _given_org_cells(row)))
            result.rows.append(built)
            # How easy a new or changed description reads: a warning for the writer, never a reason to refuse.
            before = stored_services.get(built.service.id)
            if built.service.description != (before.description if before else None):
                result.warnings += [Problem(table.label, f"Leesbaarheid: {message}", line=row.line,
                                            column="omschrijving")
                                    for message in readability.check(built.service.description)]
        return result

    def _row(self, row: Row, source: str, service_id: str, org_id: str, stored: StoredService | None,
             stored_org: Organization | None) -> ProviderRow:
        if not SOURCE_PATTERN.match(source):
            row.problem("bron", f"{source[:40]!r} is geen geldige bron; gebruik kleine letters, cijfers, '-', '.' "
                                "of '_' (hoogstens 40 tekens).")
        if stored is not None and (stored.source or "") != source:
            row.problem("id" if row["id"] else "naam",
                        f"De voorziening {service_id} bestaat al uit bron {stored.source!r}; kies een ander "
                        f"id, of zet bron op {stored.source!r}.")
        organization = self._organization(row, source, org_id, stored_org)
        service = Service(
            id=service_id, organization_id=org_id, name=row["naam"],
            rung=row.attempt("trede", _vocabulary("trede", "rung", taxonomy.RUNGS, "trede")) or "",
            life_domains=row.attempt(
                "leefgebieden", _codes("leefgebieden", "lifeDomain", taxonomy.LIFE_DOMAINS, "leefgebieden"), []),
            description=row["omschrijving"],
            target_groups=row.attempt(
                "doelgroepen", _codes("doelgroepen", "targetGroup", taxonomy.TARGET_GROUPS, "doelgroepen"), []),
            age_min=row.attempt("leeftijd van", _integer("leeftijd van", 0, 120)),
            age_max=row.attempt("leeftijd tot", _integer("leeftijd tot", 0, 120)),
            cost=row.attempt("kosten", _vocabulary("kosten", "cost", taxonomy.COSTS, "kosten")) or "gratis",
            cost_note=_text(row["kosten toelichting"]),
            hours=row.attempt("openingstijden", _hours, WeeklyHours()),
            phone=_text(row["telefoon"]), email=_text(row["e-mail"]), website=row.attempt("website", _website),
            crisis_24h=row.attempt("crisishulp", _boolean("crisishulp"), False),
            independent_client_support=row.attempt("onafhankelijke cliëntondersteuning",
                                                   _boolean("onafhankelijke cliëntondersteuning"), False),
            wait_weeks=row.attempt("wachttijd (weken)", _integer("wachttijd (weken)", 0, 520)),
            capacity_note=_text(row["capaciteit"]),
            confidential=row.attempt("vertrouwelijk adres", _boolean("vertrouwelijk adres"), False),
            serves=row.attempt("werkgebied", _area_codes(self.known_areas), []),
            last_verified=row.attempt("laatst gecontroleerd", _date),
            source=source,
        )
        service.location = self._location(row, service, stored)
        self._validate(row, organization, ORGANIZATION_FIELD_COLUMNS)
        self._validate(row, service, SERVICE_FIELD_COLUMNS)
        return ProviderRow(row.line, organization, service)

    def _organization(self, row: Row, source: str, org_id: str, stored: Organization | None) -> Organization:
        kind = row.attempt("soort organisatie",
                           _vocabulary("soort organisatie", "organizationKind", taxonomy.ORGANIZATION_KINDS,
                                       "soort organisatie"))
        kind = kind or (stored.kind if stored else None) or "overig"
        formal_text = _fold(row["formeel/informeel"])
        if formal_text in ("formeel", "formal"):
            formal = True
        elif formal_text in ("informeel", "informal"):
            formal = False
        else:
            if formal_text:
                row.problem("formeel/informeel", f"{row['formeel/informeel'][:30]!r} begrijpen we niet; vul formeel "
                                                 "of informeel in.")
            formal = stored.formal if stored and not row["soort organisatie"] else \
                kind not in taxonomy.INFORMAL_KINDS
        # The template has no columns for these: what is stored stays.
        if stored is None:
            return Organization(id=org_id, name=row["organisatie"], kind=kind, formal=formal, source=source)
        return Organization(id=org_id, name=row["organisatie"], kind=kind, formal=formal,
                            description=stored.description or "", website=stored.website, phone=stored.phone,
                            email=stored.email, source=stored.source or source)

    def _location(self, row: Row, service: Service, stored: StoredService | None) -> Location | None:
        lat = row.attempt("lat", _coordinate("lat"))
        lon = row.attempt("lon", _coordinate("lon"))
        postcode = row.attempt("postcode", lambda v: _display_postcode(v) if v else None)
        address, city = _text(row["adres"]), _text(row["plaats"])
        stored_location = stored.location if stored else None
        location_id = stored_location.id if stored_location else _stable_id(service.id, "loc")
        if "lat" in row.problems or "lon" in row.problems or "postcode" in row.problems:
            return None
        try:
            location = location_from(location_id, lat=lat, lon=lon, postcode=postcode, address=address, city=city,
                                     locator=self.locator)
        except ValidationError as exc:
            row.problem(exc.field or "postcode", exc.message)
            return None
        if location is None and service.confidential and stored_location:
            # An export leaves a confidential address out; re-importing it keeps the stored one.
            return replace(stored_location)
        return location

    @staticmethod
    def _validate(row: Row, item: Organization | Service, columns: dict[str, str]) -> None:
        try:
            item.validate()
        except ValidationError as exc:
            for field_name, messages in exc.errors.items():
                column = columns.get(field_name, columns.get(field_name.split(".")[0], "naam"))
                if field_name == "location" and row["lat"]:
                    column = "lat"
                if column in row.problems or (field_name == "location" and LOCATION_COLUMNS & set(row.problems)):
                    continue  # already said what is wrong here
                for message in messages:
                    row.problem(column, message)

    @staticmethod
    def _check_unique(row: Row, built: ProviderRow, first_line_of: dict[str, int],
                      orgs_by_id: dict[str, tuple[int, Organization, dict[str, str]]]) -> None:
        if built.service.id in first_line_of:
            row.problem("id" if row["id"] else "naam",
                        f"Regel {first_line_of[built.service.id]} beschrijft dezelfde voorziening "
                        f"({built.service.id}); elke voorziening mag één keer voorkomen.")
        if built.organization.id not in orgs_by_id:
            return
        line, first, cells = orgs_by_id[built.organization.id]
        given = _given_org_cells(row)
        for column, attribute in (("organisatie", "name"), ("soort organisatie", "kind"),
                                  ("formeel/informeel", "formal")):
            if column in given and column in cells and getattr(first, attribute) != getattr(built.organization,
                                                                                             attribute):
                row.problem(column, f"Regel {line} geeft voor organisatie {built.organization.id} "
                                    f"'{cells[column]}'; hier staat '{given[column]}'. Eén organisatie, één waarde.")


def _given_org_cells(row: Row) -> dict[str, str]:
    return {c: row[c] for c in ("organisatie", "soort organisatie", "formeel/informeel") if row[c]}


def _in_column_order(problems: dict[str | None, list[str]]) -> list[tuple[str | None, list[str]]]:
    order = {name: i for i, name in enumerate(COLUMN_NAMES)}
    return sorted(problems.items(), key=lambda item: order.get(item[0], -1))


# -- the whole import ---------------------------------------------------------------------------------

def import_providers(path: Path | str, imports: ImportService, locator, *, source: str = DEFAULT_SOURCE,
                     dry_run: bool = False, skip_invalid: bool = False, known_areas: set[str] | None = None,
                     progress: Callable[[int, int], None] | None = None,
                     before_write: Callable[[ImportReport], None] | None = None) -> ImportReport:
    """Read, check and (unless a dry run, or rows are rejected without ``skip_invalid``) write."""
    path = Path(path)
    table = read_table(read_limited_bytes(path, MAX_CSV_BYTES), path.name)
    mapper = ProviderMapper(imports, locator, source=source, known_areas=known_areas)
    read = mapper.read(table, progress)
    report = ImportReport("providers", [path.name], dry_run=dry_run, skip_invalid=skip_invalid)
    for _line, problems in read.rejected:
        report.reject(problems)
    for warning in read.warnings:
        report.warn(warning)
    plan = imports.plan(organizations=read.organizations, services=read.services)
    return settle(report, imports, plan, before_write)


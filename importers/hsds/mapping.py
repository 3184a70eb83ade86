"""The mapping from HSDS taxonomy terms onto our leefgebieden, doelgroepen, treden, soorten
organisaties and kenmerken: a CSV file a region can edit (docs/hsds.md).

Columns: ``taxonomie,term,soort,code,toelichting``
- taxonomie: empty for any taxonomy, or the HSDS taxonomy's id, name or uri;
- term: the HSDS term's id, code or name (case and accents do not matter), or ``*``: the
  fallback for a service that has no term of this soort at all;
- soort: leefgebied, doelgroep, trede, organisatiesoort or kenmerk;
- code: our code (or its Dutch name);
- toelichting: free text for people.
One HSDS term may have several rows (e.g. a leefgebied and a doelgroep). Our own terms
(``leefgebied-geldzaken`` ...), as our HSDS export writes them, need no row.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from importers.limits import MB, read_limited_bytes
from socialekaart.catalog import hsds
from socialekaart.shared import taxonomy
from socialekaart.shared.errors import ImportRejected

COLUMNS = ("taxonomie", "term", "soort", "code", "toelichting")
VOCABULARY_OF_SOORT = {"leefgebied": "lifeDomain", "doelgroep": "targetGroup", "trede": "rung",
                       "organisatiesoort": "organizationKind", "kenmerk": "feature"}
SOORT_OF_VOCABULARY = {v: k for k, v in VOCABULARY_OF_SOORT.items()}
FALLBACK = "*"
SHOWN_PROBLEMS = 20


@dataclass(frozen=True)
class MappingRow:
    line: int
    taxonomy: str  # folded; "" for any taxonomy
    term: str  # folded, or "*"
    vocabulary: str
    code: str


def _resolve(vocabulary: str, text: str) -> str | None:
    if vocabulary == "feature":
        folded = taxonomy.fold(text)
        return next((t.code for t in hsds.FEATURES if folded in (taxonomy.fold(t.code), taxonomy.fold(t.label))),
                    None)
    return taxonomy.resolve(vocabulary, text)


def _folded(*values: Any) -> set[str]:
    return {taxonomy.fold(str(v)) for v in values if v not in (None, "")}


class TermMapping:
    def __init__(self, rows: list[MappingRow], label: str):
        self.rows = rows
        self.label = label
        self.fallbacks = {row.vocabulary: row.code for row in rows if row.term == FALLBACK and not row.taxonomy}

    def targets(self, term: dict[str, Any]) -> list[tuple[str, str]]:
        """(vocabulary, code) pairs for one HSDS taxonomy_term record; empty when it is not mapped."""
        own = hsds.parse_term_id(str(term.get("id") or ""))
        if own is not None:
            return [own]
        names = _folded(term.get("id"), term.get("code"), term.get("name"))
        detail = term.get("taxonomy_detail") if isinstance(term.get("taxonomy_detail"), dict) else {}
        taxonomies = _folded(term.get("taxonomy_id"), term.get("taxonomy"), detail.get("id"), detail.get("name"),
                             detail.get("uri"))
        return [(row.vocabulary, row.code) for row in self.rows
                if row.term != FALLBACK and row.term in names and (not row.taxonomy or row.taxonomy in taxonomies)]

    def fallback(self, vocabulary: str) -> str | None:
        return self.fallbacks.get(vocabulary)


def default_mapping_text() -> str:
    return resources.files("importers.hsds").joinpath("data", "hsds_mapping.csv").read_text(encoding="utf-8")


def load_mapping(path: Path | str | None = None) -> TermMapping:
    """The mapping from ``path``, or the one shipped in importers/hsds/data/hsds_mapping.csv."""
    if path is None:
        return parse_mapping(default_mapping_text(), "hsds_mapping.csv")
    path = Path(path)
    data = read_limited_bytes(path, MB)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected(f"Het mappingbestand {path.name} is geen UTF-8; sla het op als 'CSV UTF-8'.") from None
    return parse_mapping(text, path.name)


def parse_mapping(text: str, label: str) -> TermMapping:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [taxonomy.fold(c) for c in next(reader, [])]
    except csv.Error as exc:
        raise ImportRejected(f"Het mappingbestand {label} is onleesbaar: {exc}.") from None
    missing = [c for c in COLUMNS[:4] if c not in header]
    if missing:
        raise ImportRejected(f"Het mappingbestand {label} mist de kolommen {', '.join(missing)}; de kop is "
                             f"{','.join(COLUMNS)}.")
    position = {name: header.index(name) for name in COLUMNS if name in header}
    rows: list[MappingRow] = []
    problems: list[str] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            cell = {name: cells[i].strip() if i < len(cells) else "" for name, i in position.items()}
            vocabulary = VOCABULARY_OF_SOORT.get(taxonomy.fold(cell["soort"]))
            if not cell["term"]:
                problems.append(f"regel {line}, kolom 'term': leeg.")
            if vocabulary is None:
                problems.append(f"regel {line}, kolom 'soort': {cell['soort'][:40]!r} is onbekend; kies uit "
                                f"{', '.join(VOCABULARY_OF_SOORT)}.")
                continue
            code = _resolve(vocabulary, cell["code"])
            if code is None:
                problems.append(f"regel {line}, kolom 'code': {cell['code'][:40]!r} is geen {cell['soort']}.")
                continue
            term = FALLBACK if cell["term"] == FALLBACK else taxonomy.fold(cell["term"])
            rows.append(MappingRow(line, taxonomy.fold(cell["taxonomie"]), term, vocabulary, code))
    except csv.Error as exc:
        raise ImportRejected(f"Het mappingbestand {label} is onleesbaar: {exc}.") from None
    if problems:
        shown = "; ".join(problems[:SHOWN_PROBLEMS])
        raise ImportRejected(f"Het mappingbestand {label} klopt niet: {shown}")
    return TermMapping(rows, label)

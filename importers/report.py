"""The report every import gives: what was rejected where and why, and what changed.

A problem names the file, the line (CSV) or object (GeoJSON), the column or property and
the reason, in Dutch. ``to_json()`` gives the same for ``--report FILE``; ``text()`` is what
the command prints.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

from socialekaart.catalog.importing import Change, ImportService, Plan

ACTIONS = ("created", "updated", "unchanged")
# Entity types in the order the summary lists them, with their Dutch (plural) names.
TYPE_NAMES = {"area": "gebieden", "organization": "organisaties", "service": "voorzieningen",
              "need": "inventarisatiecijfers"}
SINGULAR = {"area": "gebied", "organization": "organisatie", "service": "voorziening", "need": "cijfer"}
ACTION_NAMES = {"created": "nieuw", "updated": "gewijzigd", "unchanged": "ongewijzigd"}
SHOWN_CHANGES = 50  # the text lists at most this many changes; the JSON has them all


@dataclass(frozen=True)
class Problem:
    file: str
    reason: str
    line: int | None = None  # line in the file (CSV; the header is line 1)
    column: str | None = None  # column (CSV) or property (GeoJSON)
    record: str | None = None  # e.g. "object 12 (BU06640101)" for GeoJSON

    def text(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"regel {self.line}")
        if self.record:
            where.append(self.record)
        if self.column:
            # A CSV has columns; a GeoJSON object has properties.
            where.append(f"{'eigenschap' if self.record and self.line is None else 'kolom'} '{self.column}'")
        return f"{', '.join(where)}: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column, "record": self.record,
                "reason": self.reason}


@dataclass
class ImportReport:
    kind: str  # "providers", "cbs", ...
    files: list[str]
    dry_run: bool = False
    skip_invalid: bool = False
    problems: list[Problem] = field(default_factory=list)  # rejected rows
    warnings: list[Problem] = field(default_factory=list)  # kept or skipped on purpose, not an error
    changes: list[Change] = field(default_factory=list)
    unchanged_counts: dict[str, int] = field(default_factory=dict)
    rejected: int = 0  # rows (or objects) rejected; one row may have several problems
    relocated: int = 0  # stored locations placed in another buurt after an area import
    written: bool = False

    # -- filling -----------------------------------------------------------------------------------
    def reject(self, problems: list[Problem]) -> None:
        """One rejected row with all its problems."""
        self.problems.extend(problems)
        self.rejected += 1

    def warn(self, problem: Problem) -> None:
        self.warnings.append(problem)

    def add_plan(self, plan: Plan) -> None:
        """What the import service found would change."""
        self.changes.extend(plan.changes)
        for type_, number in plan.unchanged.items():
            self.unchanged_counts[type_] = self.unchanged_counts.get(type_, 0) + number
        self.relocated += len(plan.relocated)
        for message in plan.warnings:
            self.warn(Problem("database", message))

    # -- reading -----------------------------------------------------------------------------------
    def count(self, action: str, type_: str | None = None) -> int:
        if action == "unchanged":
            if type_ is None:
                return sum(self.unchanged_counts.values())
            return self.unchanged_counts.get(type_, 0)
        return sum(1 for c in self.changes if c.action == action and (type_ is None or c.type == type_))

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def blocked(self) -> bool:
        """True when rejected rows stop the whole import (no --skip-invalid)."""
        return self.rejected > 0 and not self.skip_invalid

    def by_type(self) -> dict[str, dict[str, int]]:
        types = [t for t in TYPE_NAMES if any(self.count(a, t) for a in ACTIONS)]
        return {t: {a: self.count(a, t) for a in ACTIONS} for t in types}

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "files": list(self.files), "dryRun": self.dry_run,
            "skipInvalid": self.skip_invalid, "written": self.written,
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "rejected": self.rejected, "relocated": self.relocated,
            "byType": self.by_type(),
            "problems": [p.to_json() for p in self.problems],
            "warnings": [w.to_json() for w in self.warnings],
            "changes": [c.to_json() for c in self.changes],
        }

    def json_text(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)

    def text(self) -> str:
        """The Dutch report the command prints."""
        lines: list[str] = []
        if self.problems:
            lines.append(f"Afgekeurd ({self.rejected} {'regel' if self.rejected == 1 else 'regels'}):")
            lines += [f"  {p.text()}" for p in self.problems]
        if self.warnings:
            lines.append("Waarschuwingen:")
            lines += [f"  {w.text()}" for w in self.warnings]
        if self.changes and (self.dry_run or self.blocked):
            lines.append("Zou wijzigen:" if self.dry_run and not self.blocked else "Zou wijzigen na verbetering:")
            for change in self.changes[:SHOWN_CHANGES]:
                what = "nieuw" if change.action == "created" else f"gewijzigd ({', '.join(change.fields)})"
                lines.append(f"  {SINGULAR[change.type]} {change.id}: {what}")
            if len(self.changes) > SHOWN_CHANGES:
                lines.append(f"  ... en nog {len(self.changes) - SHOWN_CHANGES} (zie --report)")
        lines.append(f"Samenvatting: {self.created} nieuw, {self.updated} gewijzigd, {self.unchanged} ongewijzigd, "
                     f"{self.rejected} afgekeurd.")
        for type_, counts in self.by_type().items():
            lines.append(f"  {TYPE_NAMES[type_]}: " + ", ".join(f"{counts[a]} {ACTION_NAMES[a]}" for a in ACTIONS))
        if self.relocated:
            lines.append(f"  {self.relocated} bestaande locaties liggen nu in een andere buurt.")
        lines.append(self._outcome())
        return "\n".join(lines)

    def _outcome(self) -> str:
        if self.blocked:
            return ("Niets geschreven: verbeter de afgekeurde regels, of gebruik --skip-invalid om alleen "
                    "de goede regels te schrijven.")
        if self.dry_run:
            return "Proefrun: er is niets geschreven."
        if self.written and self.rejected:
            return "De goede regels zijn in één keer geschreven; de afgekeurde niet."
        if self.written:
            return "Alles is in één keer geschreven."
        return "Niets te schrijven: alles was al up-to-date."


def settle(report: ImportReport, imports: ImportService, plan: Plan,
           before_write: Callable[[ImportReport], None] | None = None) -> ImportReport:
    """Add the plan to the report, then write it in one unit, unless this is a dry run or
    rejected rows block the import. ``before_write`` runs just before writing (the CLI says so)."""
    report.add_plan(plan)
    if report.blocked or report.dry_run or plan.empty:
        return report
    if before_write is not None:
        before_write(report)
    report.written = imports.commit(plan)
    return report

"""The lexicon: how inwoners name their questions, mapped onto leefgebieden, doelgroepen, crisis and
synonyms. A region edits it as a file (``lexicon.tsv``: term, kind, target, note; tab-separated).

The shipped default is ``socialekaart/catalog/data/lexicon.tsv``. A region's own file (setting
``lexicon_file``, default ``<data dir>/lexicon.tsv`` when it exists) replaces it as a whole: copy the
default and change it. ``socialekaart lexicon check [FILE]`` lints a file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from socialekaart.catalog import text as dutch
from socialekaart.shared import taxonomy

KINDS = ("leefgebied", "doelgroep", "synonym", "crisis")
CRISIS_CATEGORIES = ("zelfmoord", "geweld-thuis", "kindermishandeling", "acuut-gevaar", "geen-slaapplek")
HEADER = ("term", "kind", "target", "note")


@dataclass(frozen=True)
class Entry:
    term: str  # folded: lowercase, no accents, words separated by one space
    kind: str
    target: str
    line: int = 0


@dataclass
class Lexicon:
    entries: list[Entry]
    source: str = "standaard"
    by_stems: dict[tuple[str, ...], list[Entry]] = field(default_factory=dict, repr=False)
    by_term: dict[str, list[Entry]] = field(default_factory=dict, repr=False)
    vocabulary: frozenset[str] = frozenset()
    longest: int = 1

    def __post_init__(self) -> None:
        vocabulary: set[str] = set()
        for entry in self.entries:
            words = entry.term.split()
            if not words:
                continue
            self.by_stems.setdefault(tuple(dutch.stem(w) for w in words), []).append(entry)
            self.by_term.setdefault(entry.term, []).append(entry)
            vocabulary.update(w for w in words if len(w) >= dutch.MIN_PART)
            if entry.kind == "synonym":
                vocabulary.update(w for w in dutch.fold(entry.target).split() if len(w) >= dutch.MIN_PART)
            self.longest = max(self.longest, len(words))
        for term in (*taxonomy.LIFE_DOMAINS, *taxonomy.TARGET_GROUPS):
            for name in (term.label, *term.synonyms):
                vocabulary.update(w for w in dutch.fold(name).split() if len(w) >= dutch.MIN_PART)
        self.vocabulary = frozenset(vocabulary - dutch.stopwords())

    def expand(self, entries: list[Entry], depth: int = 0) -> list[Entry]:
        """Entries with each synonym replaced by what its canonical word means (and kept itself)."""
        found: list[Entry] = []
        for entry in entries:
            found.append(entry)
            if entry.kind == "synonym" and depth < 3:
                target = dutch.fold(entry.target)
                targets = self.by_term.get(target) or self.by_stems.get(tuple(dutch.stem(w) for w in target.split()))
                if not targets and len(target.split()) == 1:  # a compound: what its parts mean
                    parts = dutch.split_compound(target, self.vocabulary) or []
                    targets = [e for part in parts for e in self.by_stems.get((dutch.stem(part),), [])]
                found += self.expand(list(targets or []), depth + 1)
        return found


def default_lexicon_text() -> str:
    return resources.files("socialekaart.catalog").joinpath("data/lexicon.tsv").read_text(encoding="utf-8")


def parse(text: str) -> tuple[list[Entry], list[str]]:
    """Entries and the problems found (Dutch, one per line, with the line number)."""
    entries: list[Entry] = []
    problems: list[str] = []
    seen: dict[tuple[str, str, str], int] = {}
    life_domains = {t.code for t in taxonomy.LIFE_DOMAINS}
    target_groups = {t.code for t in taxonomy.TARGET_GROUPS}
    lines = text.splitlines()
    # The header is the first line that is not empty and not a comment ('# SOURCE: ...' may go above it).
    at = next((i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")), None)
    skip: set[int] = set()
    if at is not None and tuple(c.strip().lower() for c in lines[at].split("\t"))[:3] == HEADER[:3]:
        skip.add(at)
    else:
        problems.append(f"regel {(at or 0) + 1}: eerst de kop: term<TAB>kind<TAB>target<TAB>note.")
        cells = lines[at].split("\t") if at is not None else []
        if at is not None and not (len(cells) > 1 and cells[1].strip().lower() in KINDS):
            skip.add(at)  # a wrong header, not a row
    for number, raw in enumerate(lines, start=1):
        if number - 1 in skip:
            continue
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = raw.split("\t")
        if len(cells) < 3:
            problems.append(f"regel {number}: te weinig kolommen (term, kind en target, gescheiden door tabs).")
            continue
        term, kind, target = dutch.fold(cells[0]), cells[1].strip().lower(), cells[2].strip()
        if not term:
            problems.append(f"regel {number}: de term is leeg.")
            continue
        if kind not in KINDS:
            problems.append(f"regel {number}: onbekende soort {kind!r} bij {term!r}; kies uit {', '.join(KINDS)}.")
            continue
        if not target:
            problems.append(f"regel {number}: het doel (target) is leeg bij {term!r}.")
            continue
        if kind == "leefgebied" and target not in life_domains:
            problems.append(f"regel {number}: onbekend leefgebied {target!r} bij {term!r}; "
                            f"kies uit {', '.join(sorted(life_domains))}.")
            continue
        if kind == "doelgroep" and target not in target_groups:
            problems.append(f"regel {number}: onbekende doelgroep {target!r} bij {term!r}; "
                            f"kies uit {', '.join(sorted(target_groups))}.")
            continue
        if kind == "crisis" and target not in CRISIS_CATEGORIES:
            problems.append(f"regel {number}: onbekende crisiscategorie {target!r} bij {term!r}; "
                            f"kies uit {', '.join(CRISIS_CATEGORIES)}.")
            continue
        key = (term, kind, target if kind != "synonym" else dutch.fold(target))
        if key in seen:
            problems.append(f"regel {number}: dubbel: {term!r} → {target} ({kind}) staat al op regel {seen[key]}.")
            continue
        seen[key] = number
        entries.append(Entry(term, kind, target, number))
    return entries, problems


def check(text: str) -> list[str]:
    """Every problem in a lexicon file; also a synonym whose canonical word the file does not know."""
    entries, problems = parse(text)
    lexicon = Lexicon(entries)
    for entry in entries:
        if entry.kind == "synonym" and not lexicon.expand([entry])[1:] \
                and not set(dutch.fold(entry.target).split()) <= lexicon.vocabulary:
            problems.append(f"regel {entry.line}: synoniem {entry.term!r} verwijst naar {entry.target!r}, "
                            "een woord dat de lijst verder niet kent.")
    return problems


@lru_cache(maxsize=8)
def _load(path: str | None, stamp: float | None) -> Lexicon:
    if path is None:
        entries, _ = parse(default_lexicon_text())
        return Lexicon(entries)
    entries, _ = parse(Path(path).read_text(encoding="utf-8"))
    return Lexicon(entries, source=path)


def load_lexicon(path: Path | str | None = None) -> Lexicon:
    """The lexicon in ``path`` when that file exists, else the shipped default. Read once per file
    version (its modification time), so an edited file counts from the next search on."""
    if path is not None and Path(path).is_file():
        return _load(str(path), Path(path).stat().st_mtime)
    return _load(None, None)


def default_lexicon() -> Lexicon:
    return load_lexicon(None)

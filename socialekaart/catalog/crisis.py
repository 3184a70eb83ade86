"""Crisis help first: recognising a question about danger or suicide, and the national lines.

The phrases are data (``data/crisis_lexicon.txt`` plus the lexicon's ``crisis`` rows), matched as whole
words after folding case, accents and punctuation: "Ik wil niet meer leven!" triggers, "ruzie met de
buren" does not. The national lines are ``data/national_lines.json`` (checked_on in the file).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from socialekaart.catalog import text as dutch
from socialekaart.catalog.lexicon import CRISIS_CATEGORIES, Lexicon

# The leefgebieden whose services answer a crisis of this kind, besides the national lines.
CATEGORY_LIFE_DOMAINS = {
    "zelfmoord": ("geestelijke-gezondheid",),
    "geweld-thuis": ("relaties-thuis",),
    "kindermishandeling": ("relaties-thuis", "opvoeding"),
    "acuut-gevaar": ("justitie", "relaties-thuis", "geestelijke-gezondheid"),
    "geen-slaapplek": ("woning",),
}
CATEGORY_LABELS = {
    "zelfmoord": "gedachten aan zelfmoord of zichzelf iets aandoen",
    "geweld-thuis": "geweld of onveiligheid thuis",
    "kindermishandeling": "een kind dat niet veilig is",
    "acuut-gevaar": "direct gevaar",
    "geen-slaapplek": "geen slaapplek",
}
# What to do, in plain words, per category; shown with the lines (and instead of them for a bed tonight,
# which has no national line: the gemeente's own night shelter access is region data).
CATEGORY_ADVICE = {
    "zelfmoord": "Praat erover, ook als u twijfelt. Bel of chat nu met 113, dag en nacht. Bij direct gevaar: bel 112.",
    "geweld-thuis": "Bent u of is iemand anders thuis niet veilig? Bel Veilig Thuis, dag en nacht. "
                    "Bij direct gevaar: bel 112.",
    "kindermishandeling": "Maakt u zich zorgen om een kind? Bel Veilig Thuis voor advies, dag en nacht. "
                          "Kinderen zelf kunnen De Kindertelefoon bellen. Bij direct gevaar: bel 112.",
    "acuut-gevaar": "Is er nu gevaar voor iemands leven of veiligheid? Bel direct 112.",
    "geen-slaapplek": "Heeft u vannacht geen slaapplek? Bel de nachtopvang of de crisisdienst hieronder, of het "
                      "sociaal wijkteam of de gemeente. Buiten kantoortijd kunt u ook de politie bellen: 0900-8844.",
}


@dataclass(frozen=True)
class CrisisSignal:
    categories: tuple[str, ...]
    phrases: tuple[str, ...]  # the phrases that matched, as in the list

    @property
    def advice(self) -> list[str]:
        return [CATEGORY_ADVICE[c] for c in self.categories if c in CATEGORY_ADVICE]

    @property
    def life_domains(self) -> list[str]:
        found: list[str] = []
        for category in self.categories:
            found += [d for d in CATEGORY_LIFE_DOMAINS.get(category, ()) if d not in found]
        return found


@dataclass(frozen=True)
class NationalLine:
    id: str
    name: str
    phone: str
    phone_display: str
    chat_url: str | None
    website: str
    hours: str
    for_what: str
    categories: tuple[str, ...]
    free: bool
    alt_phone: str | None = None
    alt_phone_display: str | None = None
    cost_note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "phone": self.phone, "phoneDisplay": self.phone_display,
                "altPhone": self.alt_phone, "altPhoneDisplay": self.alt_phone_display, "chatUrl": self.chat_url,
                "website": self.website, "hours": self.hours, "forWhat": self.for_what,
                "categories": list(self.categories), "free": self.free, "costNote": self.cost_note}


def _read(name: str) -> str:
    return resources.files("socialekaart.catalog").joinpath(f"data/{name}").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def crisis_phrases() -> dict[str, str]:
    """Folded phrase -> category, from crisis_lexicon.txt (``# category`` headers)."""
    phrases: dict[str, str] = {}
    category: str | None = None
    for line in _read("crisis_lexicon.txt").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            name = stripped.lstrip("#").strip()
            if name in CRISIS_CATEGORIES:
                category = name
            continue
        phrase = dutch.fold(stripped)
        if phrase and category:
            phrases.setdefault(phrase, category)
    return phrases


@lru_cache(maxsize=1)
def national_lines() -> tuple[NationalLine, ...]:
    data = json.loads(_read("national_lines.json"))
    return tuple(NationalLine(
        id=line["id"], name=line["name"], phone=line["phone"], phone_display=line["phone_display"],
        chat_url=line.get("chat_url"), website=line["website"], hours=line["hours"], for_what=line["for_what"],
        categories=tuple(line.get("categories") or ()), free=bool(line.get("free")),
        alt_phone=line.get("alt_phone"), alt_phone_display=line.get("alt_phone_display"),
        cost_note=line.get("cost_note")) for line in data["lines"])


def lines_checked_on() -> str:
    return str(json.loads(_read("national_lines.json")).get("checked_on") or "")


def lines_for(categories: tuple[str, ...] | list[str]) -> list[NationalLine]:
    """The national lines for these categories, in the order of the file (113, Veilig Thuis, 112, ...)."""
    wanted = set(categories)
    return [line for line in national_lines() if wanted & set(line.categories)]


def detect(words: list[str], lexicon: Lexicon | None = None) -> CrisisSignal | None:
    """The crisis in these folded words, or None. Whole words and phrases only, never inside a word."""
    phrases = dict(crisis_phrases())
    if lexicon is not None:
        for entry in lexicon.entries:
            if entry.kind == "crisis":
                phrases.setdefault(entry.term, entry.target)
    longest = max((len(p.split()) for p in phrases), default=1)
    categories: list[str] = []
    matched: list[str] = []
    for size in range(min(longest, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start:start + size])
            category = phrases.get(phrase)
            if category is None or any(phrase in m for m in matched):
                continue
            matched.append(phrase)
            if category not in categories:
                categories.append(category)
    if not matched:
        return None
    ordered = tuple(c for c in CRISIS_CATEGORIES if c in categories)
    return CrisisSignal(ordered, tuple(matched))

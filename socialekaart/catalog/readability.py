"""How easy a service description is to read, in Dutch: a Flesch-Douma score and a list of jargon.

Flesch-Douma (Douma 1960, the Dutch Flesch Reading Ease)::

    206.84 - 0.77 * syllables per 100 words - 0.93 * average sentence length (words)

Syllables are counted as groups of vowels (``ui``, ``eu``, ``ij`` … are one group), a good
estimate for Dutch. 60 or more reads as plain Dutch for most adults (about B1); lower is hard.

The jargon list (``data/jargon.csv``: term, plain words, short explanation) serves two uses: a
warning for whoever writes the text (``check``), and the public pages, which put plain words in
place of a term (``plain_words``) or explain a term that has to stay (``explanations``).

Pure functions, no I/O beyond reading the shipped list once.
"""
from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

JARGON_FILE = Path(__file__).resolve().parent / "data" / "jargon.csv"
PASS_SCORE = 60.0
LONG_SENTENCE_WORDS = 20
MIN_WORDS_FOR_SCORE = 15  # over fewer words the score swings with one long word

_VOWEL_GROUP = re.compile(r"[aeiouyáàâäéèêëíìîïóòôöúùûü]+", re.IGNORECASE)
_WORD = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ]+(?:[-'’][0-9A-Za-zÀ-ÖØ-öø-ÿ]+)*")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s+|$)|\n{2,}")


@dataclass(frozen=True)
class JargonTerm:
    term: str
    plain: str  # empty: the term stays, with its explanation
    explanation: str


@dataclass(frozen=True)
class Readability:
    score: float | None  # None when the text is too short to score
    words: int
    sentences: int
    syllables: int
    long_sentences: int
    jargon: tuple[str, ...]

    @property
    def passes(self) -> bool:
        return (self.score is None or self.score >= PASS_SCORE) and not self.jargon and not self.long_sentences


def syllables(word: str) -> int:
    """Vowel groups in a Dutch word, at least one: 'schuldhulpverlening' -> 5."""
    return max(1, len(_VOWEL_GROUP.findall(word)))


def sentences_of(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text or "") if part and _WORD.search(part)]


def words_of(text: str) -> list[str]:
    return _WORD.findall(text or "")


def flesch_douma(text: str) -> float | None:
    """The Flesch-Douma score of a text (higher is easier), or None for a text of too few words."""
    return measure(text).score


@functools.lru_cache(maxsize=1)
def jargon_terms() -> tuple[JargonTerm, ...]:
    """The shipped jargon list, longest terms first (so 'algemene voorziening' wins over a part of it)."""
    with open(JARGON_FILE, newline="", encoding="utf-8") as f:
        terms = [JargonTerm(row["term"].strip(), (row.get("plain") or "").strip(),
                            (row.get("explanation") or "").strip()) for row in csv.DictReader(f) if row.get("term")]
    return tuple(sorted(terms, key=lambda t: -len(t.term)))


@functools.lru_cache(maxsize=1)
def _jargon_pattern() -> re.Pattern[str]:
    alternatives = "|".join(re.escape(term.term) for term in jargon_terms())
    return re.compile(rf"(?<![\wÀ-ÿ])({alternatives})(?![\wÀ-ÿ])", re.IGNORECASE)


def _term(found: str) -> JargonTerm:
    lowered = found.lower()
    return next(t for t in jargon_terms() if t.term.lower() == lowered)


def jargon_in(text: str) -> list[str]:
    """The jargon terms in a text, each once, in the order they appear (as listed)."""
    seen: list[str] = []
    for match in _jargon_pattern().finditer(text or ""):
        term = _term(match.group(1)).term
        if term not in seen:
            seen.append(term)
    return seen


def measure(text: str) -> Readability:
    words = words_of(text)
    parts = sentences_of(text)
    sentence_count = max(1, len(parts)) if words else 0
    syllable_count = sum(syllables(word) for word in words)
    long_sentences = sum(1 for part in parts if len(words_of(part)) > LONG_SENTENCE_WORDS)
    score = None
    if len(words) >= MIN_WORDS_FOR_SCORE:
        score = round(206.84 - 0.77 * (100 * syllable_count / len(words)) - 0.93 * (len(words) / sentence_count), 1)
    return Readability(score, len(words), sentence_count, syllable_count, long_sentences, tuple(jargon_in(text)))


def check(text: str) -> list[str]:
    """Warnings, in plain Dutch, for whoever wrote this description. Empty when it reads well."""
    if not text or not text.strip():
        return []
    found = measure(text)
    warnings: list[str] = []
    if found.score is not None and found.score < PASS_SCORE:
        warnings.append(f"De omschrijving is moeilijk te lezen (leesbaarheid {found.score:.0f}; "
                        f"streef naar {PASS_SCORE:.0f} of hoger). Gebruik kortere zinnen en kortere woorden.")
    if found.long_sentences:
        warnings.append(f"{found.long_sentences} zin(nen) met meer dan {LONG_SENTENCE_WORDS} woorden. "
                        "Maak er twee zinnen van.")
    for term in found.jargon:
        entry = _term(term)
        advice = f"schrijf liever '{entry.plain}'" if entry.plain else f"leg het uit: {entry.explanation}"
        warnings.append(f"Vakwoord '{term}': {advice}")
    return warnings


def _same_case(original: str, entry: JargonTerm) -> str:
    """'Beschikking' -> 'Besluit' at the start of a sentence; a name such as 'Wmo-loket' keeps the plain case."""
    plain = entry.plain
    if original[:1].isupper() and entry.term[:1].islower():
        return plain[:1].upper() + plain[1:]
    return plain


def plain_words(text: str) -> str:
    """The text with plain words in place of jargon that has them ('beschikking' -> 'besluit')."""
    if not text:
        return text

    def replace(match: re.Match[str]) -> str:
        entry = _term(match.group(1))
        return _same_case(match.group(1), entry) if entry.plain else match.group(1)

    return _jargon_pattern().sub(replace, text)


def explanations(text: str) -> list[tuple[str, str]]:
    """(term, explanation) for each term that stays in the text after ``plain_words``."""
    return [(term, _term(term).explanation) for term in jargon_in(plain_words(text)) if _term(term).explanation]

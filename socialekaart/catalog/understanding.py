"""What an inwoner's own words ask for: one understanding for every way in (the API's ``q`` and the
public page's ``vraag``), so the same words find the same help everywhere.

The words are folded (case, accents, punctuation), read against the lexicon as words and phrases
(stemmed: 'mantelzorgers' is 'mantelzorger'), corrected for one typo on longer words, split when a
compound is made of lexicon words ('schuldhulpverlening' -> schuld hulp verlening), and checked for
crisis phrases. What remains (less stopwords and place names) is searched as text in the name,
description and organisation of each service. Stopwords never narrow a search.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from socialekaart.catalog import text as dutch
from socialekaart.catalog.crisis import CrisisSignal, detect
from socialekaart.catalog.lexicon import Entry, Lexicon, default_lexicon
from socialekaart.shared import taxonomy


@dataclass(frozen=True)
class Understood:
    text: str  # the question, whitespace collapsed
    life_domains: list[str]  # recognised leefgebieden, in the order the words name them
    words: str | None  # the question as full text when no leefgebied was recognised (older callers)
    target_groups: list[str] = field(default_factory=list)  # recognised doelgroepen
    terms: list[str] = field(default_factory=list)  # text keys searched in name, description, organisation
    term_words: dict[str, str] = field(default_factory=dict)  # text key -> the word the inwoner typed
    crisis: CrisisSignal | None = None
    because: dict[str, list[str]] = field(default_factory=dict)  # leefgebied/doelgroep code -> the words
    corrections: dict[str, str] = field(default_factory=dict)  # typed word -> the word it was read as
    places: list[str] = field(default_factory=list)  # place names among the words (not searched as text)

    @property
    def empty(self) -> bool:
        return not (self.life_domains or self.target_groups or self.terms or self.crisis)

    @property
    def life_domain_labels(self) -> list[str]:
        return [taxonomy.LIFE_DOMAIN_BY_CODE[c].label for c in self.life_domains]

    @property
    def target_group_labels(self) -> list[str]:
        return [taxonomy.TARGET_GROUP_BY_CODE[c].label for c in self.target_groups]

    def summary(self) -> str:
        """One short line for the page: 'Gezocht op: Geldzaken (huur), Woning; en op de woorden: huur'."""
        parts = [f"{taxonomy.LIFE_DOMAIN_BY_CODE[c].label} ({', '.join(self.because.get(c, []))})"
                 for c in self.life_domains]
        line = f"Gezocht op: {', '.join(parts)}" if parts else ""
        shown = list(dict.fromkeys(self.term_words.values()))
        if shown:
            line += ("; en op de woorden: " if line else "Gezocht op de woorden: ") + ", ".join(shown)
        return line


def _known(word: str, lexicon: Lexicon, stems: frozenset[str]) -> bool:
    return word in lexicon.vocabulary or dutch.stem(word) in stems


def _read_word(word: str, lexicon: Lexicon, stems: frozenset[str]) -> list[str]:
    """The lexicon words this typed word stands for: itself, its base, a typo fix or its parts."""
    if len(word) < dutch.MIN_PART or word in dutch.stopwords() or word.isdigit():
        return [word]
    if _known(word, lexicon, stems):
        return [word]
    base = dutch.base_form(word, lexicon.vocabulary)
    if base:
        return [base]
    if len(word) >= dutch.MIN_TYPO_LENGTH:
        near = sorted(v for v in lexicon.vocabulary if len(v) >= dutch.MIN_TYPO_LENGTH
                      and abs(len(v) - len(word)) <= 1 and dutch.within_one_edit(word, v))
        if near:
            return [next((v for v in near if v[0] == word[0]), near[0])]
    parts = dutch.split_compound(word, lexicon.vocabulary)  # never into function words: "welzijnshuis"
    return parts or [word]


def _stems_of(lexicon: Lexicon) -> frozenset[str]:
    cached = getattr(lexicon, "_stem_cache", None)
    if cached is None:
        cached = frozenset(dutch.stem(w) for w in lexicon.vocabulary)
        object.__setattr__(lexicon, "_stem_cache", cached)
    return cached


def _phrases(words: list[str], lexicon: Lexicon) -> list[tuple[str, list[Entry]]]:
    """Lexicon terms in the words, longest first; a word inside a longer match is not matched again.
    A stopword alone never matches."""
    stems = [dutch.stem(w) for w in words]
    used = [False] * len(words)
    found: list[tuple[str, list[Entry]]] = []
    stop = dutch.stopwords()
    for size in range(min(lexicon.longest, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            if any(used[start:start + size]):
                continue
            if size == 1 and words[start] in stop:
                continue
            phrase = " ".join(words[start:start + size])
            # The exact term first ('ouders' is not 'ouderen', though both stem to 'ouder'), else the stems.
            entries = [e for e in lexicon.by_term.get(phrase) or lexicon.by_stems.get(tuple(stems[start:start + size]))
                       or [] if e.kind != "crisis"]  # crisis rows are read by crisis.detect
            if entries:
                found.append((phrase, entries))
                for i in range(start, start + size):
                    used[i] = True
    return found


def understand(text: str, lexicon: Lexicon | None = None, *, places: Iterable[str] = ()) -> Understood:
    """'ik kan de huur niet betalen' -> geldzaken (huur) and the words 'huur', 'betalen' as text.

    ``places``: names of places on the map (gemeenten, woonplaatsen); such words say where, not what.
    """
    text = " ".join((text or "").split())
    lexicon = lexicon or default_lexicon()
    typed = dutch.words(text)
    place_names = {dutch.fold(p) for p in places if p}
    stems = _stems_of(lexicon)
    corrections: dict[str, str] = {}
    read: list[str] = []
    for word in typed:
        parts = _read_word(word, lexicon, stems)
        if parts != [word]:
            corrections[word] = " ".join(parts)
        read += parts

    crisis = detect(typed, lexicon) or (detect(read, lexicon) if read != typed else None)

    life_domains: list[str] = []
    target_groups: list[str] = []
    because: dict[str, list[str]] = {}
    synonyms: list[str] = []

    def note(code: str, phrase: str, into: list[str]) -> None:
        if code not in into:
            into.append(code)
        if phrase not in because.setdefault(code, []):
            because[code].append(phrase)

    matches = _phrases(typed, lexicon)
    matched_words = {w for phrase, _ in matches for w in phrase.split()}
    if read != typed:  # what the corrections and splits add
        matches += [(p, e) for p, e in _phrases(read, lexicon) if not set(p.split()) <= matched_words]
    for phrase, entries in matches:
        for entry in lexicon.expand(entries):
            if entry.kind == "leefgebied":
                note(entry.target, phrase, life_domains)
            elif entry.kind == "doelgroep":
                note(entry.target, phrase, target_groups)
            elif entry.kind == "synonym":
                synonyms.append(dutch.fold(entry.target))
    if crisis:
        for code in crisis.life_domains:
            note(code, crisis.phrases[0], life_domains)

    stop = dutch.stopwords()
    term_words: dict[str, str] = {}
    places_found: list[str] = []
    for word in [*read, *(w for s in synonyms for w in s.split())]:
        if word in place_names:
            if word not in places_found:
                places_found.append(word)
            continue
        if word in stop or len(word) < dutch.MIN_PART or word.isdigit():
            continue
        while (base := dutch.base_form(word, lexicon.vocabulary)) is not None and base != word:
            word = base  # 'mantelzorgers' -> 'mantelzorger' -> 'mantelzorg': finds both in a text
        key = dutch.text_key(word)
        if len(key) >= dutch.MIN_PART:
            term_words.setdefault(key, word)
    if not (term_words or life_domains or target_groups or crisis):
        # Only stopwords ('helpen'): search them as text after all, rather than everything or nothing.
        for word in read:
            if word not in place_names and len(word) >= dutch.MIN_PART and not word.isdigit():
                term_words.setdefault(dutch.text_key(word), word)
    return Understood(text=text, life_domains=life_domains,
                      words=text if text and not life_domains else None, target_groups=target_groups,
                      terms=list(term_words), term_words=term_words, crisis=crisis, because=because,
                      corrections=corrections, places=places_found)

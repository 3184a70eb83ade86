"""Dutch words as search sees them: folded (case, accents, punctuation), stemmed (Snowball Dutch),
split into the lexicon's words when compound, and corrected for one typo on longer words."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

import snowballstemmer  # type: ignore[import-untyped]

WORD = re.compile(r"[a-z0-9]+")
MIN_TYPO_LENGTH = 5  # shorter words are too easily another word with one letter changed
MIN_PART = 3  # the shortest part of a split compound ("ouderen" + "zorg")
LINKS = ("s", "en", "e")  # tussenletters between the parts of a Dutch compound
SUFFIXES = ("ers", "er", "en", "s", "e", "tje", "tjes", "je", "jes", "heid", "ing", "ingen")

_STEMMER = snowballstemmer.stemmer("dutch")


def fold(text: str) -> str:
    """'Cliënt-ondersteuning, Goes!' -> 'client ondersteuning goes'."""
    text = text or ""
    if text.isascii():  # most texts: nothing to decompose (the slow path gives the same here)
        return " ".join(WORD.findall(text.lower()))
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(WORD.findall(plain))


def words(text: str) -> list[str]:
    return fold(text).split()


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def text_key(word: str) -> str:
    """What to look for in a text: the stem, cut back to what the word and its stem share, so it is a
    prefix of the word's other forms ('verslaving' -> 'versla', 'schulden' -> 'schul')."""
    stemmed = stem(word)
    if word.startswith(stemmed):
        return stemmed
    common = 0
    for a, b in zip(word, stemmed):
        if a != b:
            break
        common += 1
    return word[:max(common, min(len(word), 4))]


def within_one_edit(a: str, b: str) -> bool:
    """One letter added, left out, changed, or two neighbours swapped (Damerau, optimal alignment)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


def split_compound(word: str, vocabulary: frozenset[str]) -> list[str] | None:
    """'schuldhulpverlening' -> ['schuld', 'hulp', 'verlening'] when the parts are words of the
    vocabulary (with a tussen-s/-en between parts); None when the word does not split that way."""
    @lru_cache(maxsize=None)
    def split(rest: str) -> tuple[str, ...] | None:
        if rest in vocabulary:
            return (rest,)
        for end in range(len(rest) - MIN_PART, MIN_PART - 1, -1):  # longest first part first
            head = rest[:end]
            if head not in vocabulary:
                continue
            for link in ("", *LINKS):
                if rest[end:].startswith(link) and len(rest) - end - len(link) >= MIN_PART:
                    tail = split(rest[end + len(link):])
                    if tail:
                        return (head, *tail)
        return None

    found = split(word)
    if found and len(found) > 1:
        return list(found)
    # A known head and a tail the vocabulary does not know: 'schuldhulpverlening' -> schuld hulp verlening.
    for end in range(len(word) - 4, 3, -1):
        if word[:end] in vocabulary:
            rest = word[end:]
            tail = split(rest)
            return [word[:end], *(tail or (rest,))]
    return None


def base_form(word: str, vocabulary: frozenset[str]) -> str | None:
    """'mantelzorger' -> 'mantelzorg': a vocabulary word plus a common Dutch ending."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and word[:-len(suffix)] in vocabulary and len(word) - len(suffix) >= 4:
            return word[:-len(suffix)]
    return None


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    text = resources.files("socialekaart.catalog").joinpath("data/stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


TREMAS = (("ie", "ië"), ("ee", "eë"), ("oo", "oö"), ("ue", "uë"), ("ei", "eï"), ("oe", "oë"))


def spellings(key: str) -> list[str]:
    """The key and its spellings with a trema, for a store that does not fold accents:
    'clientondersteuning' -> [..., 'cliëntondersteuning']; 'financiele' -> [..., 'financiële']."""
    found = [key]
    for plain, accented in TREMAS:
        start = key.find(plain)
        while start != -1:
            found.append(key[:start] + accented + key[start + 2:])
            start = key.find(plain, start + 1)
    return found[:8]

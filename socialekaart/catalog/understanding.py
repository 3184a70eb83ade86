"""What an inwoner's own words ask for: leefgebieden where the words name one, else the words as text.

One understanding for every way in (the public page's ``vraag`` today; the API's ``q`` follows in the
search issue), so the same words find the same help everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass

from socialekaart.shared import taxonomy


@dataclass(frozen=True)
class Understood:
    life_domains: list[str]
    words: str | None  # searched as full text when no leefgebied was recognised


def understand(text: str) -> Understood:
    """'ik heb geldzorgen' -> geldzaken; words that name no leefgebied are searched as text."""
    text = " ".join((text or "").split())
    life_domains = taxonomy.life_domains_in_words(text) if text else []
    return Understood(life_domains, text if text and not life_domains else None)

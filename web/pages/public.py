"""What the public pages show around a search: the crisis banner, the answer outside the region and
the national help lines in the footer. The domain decides (``socialekaart.catalog``: ``crisis`` for
the lines and the words, ``Catalog.search`` for the answers); this module only turns its answers
into plain values for the templates, with plain words for inwoners.
"""
from __future__ import annotations

import logging
from typing import Any

from socialekaart.catalog import crisis as crisis_help
from socialekaart.catalog.readability import plain_words
from socialekaart.catalog.records import ServiceRecord
from socialekaart.catalog.service import SearchPage
from socialekaart.catalog.understanding import understand
from socialekaart.shared.errors import SocialeKaartError, StoreCorrupt, StoreUnavailable
from web.bootstrap import current_runtime
from web.pages import formatting

log = logging.getLogger(__name__)
REGIONAL_CRISIS_SHOWN = 3


def line_view(line: crisis_help.NationalLine) -> dict[str, Any]:
    return {"name": line.name, "phone_display": line.phone_display, "phone_href": f"tel:{line.phone}",
            "for_what": line.for_what, "chat_url": line.chat_url, "hours": line.hours}


def national_lines() -> list[dict[str, Any]]:
    """All national help lines, as the domain ships them (``catalog/data/national_lines.json``)."""
    return [line_view(line) for line in crisis_help.national_lines()]


def _service_view(service: ServiceRecord) -> dict[str, Any]:
    return {"id": service.id, "name": service.name, "organization": service.org_name or "",
            "phone": service.phone, "phone_href": formatting.phone_href(service.phone)}


def _regional_crisis() -> list[dict[str, Any]]:
    """The region's 24/7 crisis services when no search ran (the words alone were a crisis)."""
    try:
        page = current_runtime().catalog.search(crisis=True, page_size=REGIONAL_CRISIS_SHOWN)
    except (StoreUnavailable, StoreCorrupt):
        raise
    except SocialeKaartError:
        log.warning("crisis services could not be read")
        return []
    return [_service_view(hit.service) for hit in page.hits]


def crisis_of(words: str, page: SearchPage | None) -> dict[str, Any] | None:
    """The crisis banner for these words (from the search when it ran, else from the words), or None."""
    if page is not None and page.crisis is not None:
        answer = page.crisis
        return {"lines": [line_view(line) for line in answer.lines],
                "regional": [_service_view(hit.service) for hit in answer.services],
                "labels": answer.category_labels}
    signal = understand(words).crisis if words else None
    if signal is None:
        return None
    return {"lines": [line_view(line) for line in crisis_help.lines_for(signal.categories)],
            "regional": _regional_crisis(), "labels": []}


def outside_region_of(page: SearchPage) -> dict[str, Any] | None:
    """The plain answer for a postcode outside the region this map covers, or None."""
    found = page.outside_region
    if found is None:
        return None
    return {"place": found.place or "", "covers": list(found.covers), "advice": plain_words(found.advice),
            "lines": [line_view(line) for line in found.lines]}

"""Each service's ``search_text``: what the inwoner's words are looked for in, kept beside the
service's own properties (a module of its own: the stores write it and a migration backfills it)."""
from __future__ import annotations


def search_text(name: str | None, description: str | None, org_name: str | None) -> str:
    """What the inwoner's words are looked for in (as substrings): name, description and organisation
    in lower case, stored on each service as ``search_text`` so a search does not build it for every
    service. Written from Python on every save; ``search_text_cypher`` is its twin where Cypher changes
    a part (an organisation's new name) and in the migration that gives older graphs the property."""
    return f"{name or ''} {description or ''} {org_name or ''}".lower()


def search_text_cypher(org_name: str = "s.org_name") -> str:
    """``search_text`` of service ``s`` in Cypher, with the organisation's name from ``org_name``
    (FalkorDB evaluates consecutive SETs together, so a new name is passed in, not read back)."""
    return f"toLower(coalesce(s.name, '') + ' ' + coalesce(s.description, '') + ' ' + coalesce({org_name}, ''))"

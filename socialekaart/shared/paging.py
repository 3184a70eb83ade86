"""Pages of a list: one rule for how many there are, everywhere a list is paged."""
from __future__ import annotations


def page_count(total: int, page_size: int) -> int:
    """Pages needed for ``total`` items of ``page_size`` each (0 for an empty list)."""
    return (total + page_size - 1) // page_size


def skip_for(page: int, page_size: int) -> int:
    """Items before page ``page`` (counted from 1)."""
    return (page - 1) * page_size

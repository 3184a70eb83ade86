"""A listing's `modified` is stored with milliseconds (``2026-01-05T10:00:00.123+00:00``); older data has
whole seconds (``2026-01-05T10:00:00+00:00``). Both are read, and modified_after compares right with both."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from socialekaart.catalog.hsds import _timestamp
from web.hsds.schemas import stored_bound

NEW = "2026-01-05T10:00:00.123+00:00"
OLD = "2026-01-05T10:00:00+00:00"


def test_stored_moments_of_either_form_answer_with_milliseconds():
    assert _timestamp(NEW) == "2026-01-05T10:00:00.123Z"
    assert _timestamp(OLD) == "2026-01-05T10:00:00.000Z"


@pytest.mark.parametrize("stored", [OLD, NEW, "2026-01-05T10:00:00.999+00:00", "2026-01-05T10:00:01+00:00",
                                    "2026-01-05T09:59:59.999+00:00", "2026-01-05T09:59:59+00:00"])
@pytest.mark.parametrize("micro", [0, 1, 122_999, 123_000, 123_001, 999_000, 999_999])
def test_the_text_bound_compares_as_the_moments_do(stored, micro):
    """The store compares `s.modified >= $modifiedAfter` as text; that must agree with the moments."""
    after = datetime(2026, 1, 5, 10, 0, 0, micro, tzinfo=timezone.utc)
    assert (stored >= stored_bound(after)) == (datetime.fromisoformat(stored) >= after)

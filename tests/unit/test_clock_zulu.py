"""Stored times keep their one sortable format; the API writes the same moment in UTC with Z."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from socialekaart.shared.clock import iso, parse_iso, zulu


@pytest.mark.parametrize(("stored", "answered"), [
    ("2026-01-12T09:00:00.000+00:00", "2026-01-12T09:00:00.000Z"),
    ("2026-03-29T01:30:00.000+02:00", "2026-03-28T23:30:00.000Z"),
    ("2026-01-12T09:00:00+00:00", "2026-01-12T09:00:00.000Z"),
    ("2026-01-12T09:00:00.123Z", "2026-01-12T09:00:00.123Z"),
])
def test_zulu_writes_the_same_moment_in_utc_with_z(stored, answered):
    assert zulu(stored) == answered
    assert parse_iso(zulu(stored)) == parse_iso(stored)


def test_the_stored_format_is_unchanged():
    moment = datetime(2026, 1, 12, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    assert iso(moment) == "2026-01-12T09:00:00.000+00:00"

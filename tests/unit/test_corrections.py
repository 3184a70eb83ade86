"""'Klopt er iets niet?' in the domain: cleaning and checking the text, one write per correction."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from socialekaart.catalog.corrections import MAX_TEXT, Correction, CorrectionService, check_correction, clean_text
from socialekaart.catalog.records import ServiceRecord
from socialekaart.shared.errors import NotFound, ValidationError


class MemoryStore:
    def __init__(self) -> None:
        self.saved: list[Correction] = []

    def save_correction(self, correction: Correction) -> None:
        self.saved.append(correction)

    def corrections_for_organization(self, organization_id, *, status=None, limit=100):
        return [c for c in self.saved if c.organization_id == organization_id and status in (None, c.status)]


def service_of(service_id: str) -> ServiceRecord:
    if service_id != "svc-1":
        raise NotFound("Niet gevonden.")
    return ServiceRecord("svc-1", "Spreekuur", "voorliggend", "org-1")


def make() -> tuple[CorrectionService, MemoryStore]:
    store = MemoryStore()
    service = CorrectionService(store, service_of, clock=lambda: datetime(2026, 12, 2, 7, 0, tzinfo=timezone.utc),
                                new_id=lambda: "corr-1")
    return service, store


def test_clean_text_removes_control_and_invisible_characters():
    assert clean_text("a\x00b\u200bc\u202e d\te") == "abc d e"
    assert clean_text("  een\r\n\r\n\r\n\r\ntwee  \n") == "een\n\ntwee"
    assert clean_text(None) == ""


def test_check_correction():
    assert check_correction(" Het adres klopt niet. ", " naam@voorbeeld.nl ") == \
        ("Het adres klopt niet.", "naam@voorbeeld.nl")
    assert check_correction("Het adres klopt niet.", "") == ("Het adres klopt niet.", None)
    with pytest.raises(ValidationError) as empty:
        check_correction("\x00 \x07", "fout")
    assert set(empty.value.errors) == {"tekst", "email"} and empty.value.field == "tekst"
    with pytest.raises(ValidationError, match="te lang"):
        check_correction("x" * (MAX_TEXT + 1), None)


def test_submit_stores_one_new_correction_for_the_organisation():
    service, store = make()
    made = service.submit("svc-1", "Het telefoonnummer is veranderd.", "naam@voorbeeld.nl")
    assert made == Correction("corr-1", "svc-1", "org-1", "Het telefoonnummer is veranderd.", "naam@voorbeeld.nl",
                              "2026-12-02T07:00:00+00:00", "nieuw")
    assert store.saved == [made] and service.for_organization("org-1") == [made]


def test_nothing_is_stored_for_bad_input_or_an_unknown_service():
    service, store = make()
    for service_id, text in (("svc-1", ""), ("svc-2", "Het adres klopt niet."), ("../x", "Het adres klopt niet.")):
        with pytest.raises((ValidationError, NotFound)):
            service.submit(service_id, text)
    assert store.saved == []
    with pytest.raises(ValidationError):
        service.for_organization("org-1", status="weg")

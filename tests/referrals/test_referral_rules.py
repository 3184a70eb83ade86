"""Pure rules, no store: the transition table, step details, what a referral must hold, working days,
field encryption, tokens, passwords and the sign-in rate limiter."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone

import pytest

from socialekaart.accounts.service import (
    Principal,
    SignInLimiter,
    generate_token,
    hash_password,
    hash_token,
    may_edit_service,
    verify_password,
)
from socialekaart.referrals.crypto import DecryptionFailed, FieldCipher, new_key
from socialekaart.referrals.lifecycle import (
    FINAL_STATES,
    RECEIVER,
    SENDER,
    STATES,
    SYSTEM,
    TRANSITIONS,
    InvalidTransition,
    check_step_details,
    next_states,
    parse_new_referral,
    transition_for,
)
from socialekaart.referrals.records import Referral
from socialekaart.referrals.service import months_before
from socialekaart.shared.errors import ConfigError, Forbidden, TooManyRequests, ValidationError
from socialekaart.shared.workdays import add_working_days, easter, is_working_day, public_holidays

TODAY = date(2026, 1, 12)
EXPECTED = {
    ("concept", "verzonden"): SENDER, ("concept", "geannuleerd"): SENDER,
    ("verzonden", "ontvangen"): RECEIVER, ("verzonden", "geannuleerd"): SENDER, ("verzonden", "verlopen"): SYSTEM,
    ("ontvangen", "geaccepteerd"): RECEIVER, ("ontvangen", "afgewezen"): RECEIVER,
    ("ontvangen", "doorverwezen"): RECEIVER, ("ontvangen", "geannuleerd"): SENDER, ("ontvangen", "verlopen"): SYSTEM,
    ("geaccepteerd", "wachtlijst"): RECEIVER, ("geaccepteerd", "gestart"): RECEIVER,
    ("geaccepteerd", "doorverwezen"): RECEIVER, ("geaccepteerd", "geannuleerd"): SENDER,
    ("wachtlijst", "gestart"): RECEIVER, ("wachtlijst", "doorverwezen"): RECEIVER,
    ("wachtlijst", "geannuleerd"): SENDER,
    ("gestart", "afgerond"): RECEIVER, ("gestart", "doorverwezen"): RECEIVER,
}


def test_the_table_is_the_lifecycle_of_domain_md():
    assert {(t.source, t.target): t.side for t in TRANSITIONS} == EXPECTED
    for state in FINAL_STATES:
        assert next_states(state) == []


@pytest.mark.parametrize("source", STATES)
def test_every_pair_is_allowed_or_rejected_naming_the_current_state(source):
    for target in STATES:
        if (source, target) in EXPECTED:
            assert transition_for(source, target).side == EXPECTED[(source, target)]
            continue
        with pytest.raises(InvalidTransition) as caught:
            transition_for(source, target)
        assert f"de huidige status is '{source}'" in caught.value.message
        assert caught.value.extensions["currentStatus"] == source


def test_unknown_target_is_bad_input():
    with pytest.raises(ValidationError):
        transition_for("verzonden", "gelezen")


def test_step_details():
    decline = transition_for("ontvangen", "afgewezen")
    with pytest.raises(ValidationError, match="reden"):
        check_step_details(decline, reason=None, outcome=None, has_forward=False)
    with pytest.raises(ValidationError):
        check_step_details(decline, reason="te druk", outcome=None, has_forward=False)
    check_step_details(decline, reason="geen-capaciteit", outcome=None, has_forward=False)
    close = transition_for("gestart", "afgerond")
    with pytest.raises(ValidationError, match="uitkomst"):
        check_step_details(close, reason=None, outcome=None, has_forward=False)
    check_step_details(close, reason=None, outcome="deels", has_forward=False)
    with pytest.raises(ValidationError):
        check_step_details(transition_for("ontvangen", "geaccepteerd"), reason=None, outcome="geholpen",
                           has_forward=False)
    with pytest.raises(ValidationError):
        check_step_details(transition_for("ontvangen", "doorverwezen"), reason=None, outcome=None, has_forward=False)
    check_step_details(transition_for("verzonden", "geannuleerd"), reason=None, outcome=None, has_forward=False)
    check_step_details(transition_for("verzonden", "geannuleerd"), reason="niet-meer-nodig", outcome=None,
                       has_forward=False)


def good() -> dict:
    return {"serviceId": "svc-schuld", "lifeDomains": ["Geldzaken", "schulden"], "requestText": "Hulp bij post.",
            "clientRef": "K-1", "contact": {"phone": "0612345678"},
            "consent": {"purpose": "Hulp", "partnerId": "org-welzijn", "method": "mondeling"}}


def test_a_good_referral_is_parsed_and_domains_resolved():
    new = parse_new_referral(good(), today=TODAY)
    assert new.life_domains == ("geldzaken",) and new.urgency == "normaal"
    assert new.legal_basis is None
    # The consent counts from the day the referral is made: the service records it, the sender gives no date.
    assert new.consent.given_on == TODAY
    assert parse_new_referral(good(), today=date(2027, 6, 1)).consent.given_on == date(2027, 6, 1)


@pytest.mark.parametrize("change, field", [
    ({"consent": None}, "consent"),
    ({"requestText": "x" * 1001}, "requestText"),
    ({"requestText": "   "}, "requestText"),
    ({"clientRef": "123456782"}, "clientRef"),  # looks like a BSN
    ({"clientRef": "Jan de Vries"}, "clientRef"),
    ({"lifeDomains": []}, "lifeDomains"),
    ({"lifeDomains": ["astrologie"]}, "lifeDomains"),
    ({"urgency": "morgen"}, "urgency"),
    ({"contact": {"name": "Sanne"}}, "contact"),
    ({"contact": {"phone": "0612345678", "bsn": "1"}}, "contact"),
    ({"contact": {"email": "geen-adres"}}, "contact.email"),
    ({"wijkCode": "GM0664"}, "wijkCode"),
])
def test_bad_referrals_name_the_field(change, field):
    data = {**good(), **change}
    if data.get("consent") is None:
        data.pop("consent")
    with pytest.raises(ValidationError) as caught:
        parse_new_referral(data, today=TODAY)
    assert field in caught.value.errors


@pytest.mark.parametrize("consent, field", [
    # A date is no input: the service records the day (an old or future date typed by the sender was the
    # one rule here a schema could not state).
    ({"purpose": "Hulp", "partnerId": "org-welzijn", "date": "2024-01-01", "method": "mondeling"}, "consent.date"),
    ({"purpose": "", "partnerId": "org-welzijn", "method": "mondeling"}, "consent.purpose"),
    ({"purpose": "Hulp", "partnerId": "", "method": "mondeling"}, "consent.partnerId"),
    ({"purpose": "Hulp", "partnerId": "org-welzijn", "method": "knipoog"}, "consent.method"),
    ({"purpose": "Hulp", "partnerId": "org-welzijn"}, "consent.method"),
])
def test_consent_needs_purpose_partner_and_method_and_no_date(consent, field):
    with pytest.raises(ValidationError) as caught:
        parse_new_referral({**good(), "consent": consent}, today=TODAY)
    assert field in caught.value.errors


def test_a_legal_basis_replaces_consent_but_not_both():
    data = {**good(), "legalBasis": "meldcode", "legalBasisReason": "Vermoeden van kindermishandeling; melding bij Veilig Thuis."}
    data.pop("consent")
    assert parse_new_referral(data, today=TODAY).legal_basis == "meldcode"
    with pytest.raises(ValidationError):
        parse_new_referral({**good(), "legalBasis": "meldcode"}, today=TODAY)
    with pytest.raises(ValidationError):
        parse_new_referral({**data, "legalBasis": "omdat het moet"}, today=TODAY)


def test_dutch_public_holidays_and_working_days():
    assert easter(2026) == date(2026, 4, 5) and easter(2027) == date(2027, 3, 28)
    holidays = public_holidays(2026)
    assert {date(2026, 1, 1), date(2026, 4, 6), date(2026, 4, 27), date(2026, 5, 14), date(2026, 5, 25),
            date(2026, 12, 25), date(2026, 12, 26)} == holidays
    assert date(2025, 4, 26) in public_holidays(2025)  # Koningsdag on a Sunday moves to Saturday
    assert not is_working_day(date(2026, 1, 10)) and is_working_day(date(2026, 1, 12))


def test_working_day_deadlines_skip_weekends_and_holidays():
    friday = datetime(2026, 1, 16, 14, 0, tzinfo=timezone.utc)  # 15:00 in Goes
    assert add_working_days(friday, 2) == datetime(2026, 1, 20, 14, 0, tzinfo=timezone.utc)
    before_easter = datetime(2026, 4, 3, 8, 0, tzinfo=timezone.utc)  # Goede Vrijdag, a working day here
    assert add_working_days(before_easter, 1) == datetime(2026, 4, 7, 8, 0, tzinfo=timezone.utc)
    before_christmas = datetime(2026, 12, 24, 9, 0, tzinfo=timezone.utc)
    assert add_working_days(before_christmas, 1) == datetime(2026, 12, 28, 9, 0, tzinfo=timezone.utc)


def test_months_before_clamps_to_the_month_end():
    assert months_before(datetime(2026, 3, 31, tzinfo=timezone.utc), 1) == datetime(2026, 2, 28, tzinfo=timezone.utc)
    assert months_before(datetime(2026, 1, 15, tzinfo=timezone.utc), 24) == datetime(2024, 1, 15, tzinfo=timezone.utc)


def test_field_cipher_binds_to_record_and_field_and_rotates():
    old_key, new_key_text = new_key(), new_key()
    old = FieldCipher.from_text(old_key)
    sealed = old.seal("06 1234 5678", "ref-1/contact")
    assert "1234" not in sealed and sealed.startswith("v1.")
    assert old.open(sealed, "ref-1/contact") == "06 1234 5678"
    assert old.seal("x", "c") != old.seal("x", "c")  # a fresh nonce every time
    with pytest.raises(DecryptionFailed):
        old.open(sealed, "ref-2/contact")
    tampered = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(DecryptionFailed):
        old.open(tampered, "ref-1/contact")
    rotated = FieldCipher.from_text(f"{new_key_text},{old_key}")
    assert rotated.open(sealed, "ref-1/contact") == "06 1234 5678"
    with pytest.raises(DecryptionFailed):
        FieldCipher.from_text(new_key_text).open(sealed, "ref-1/contact")
    assert old.blind_index("K-1", "org-a") == old.blind_index(" K-1 ", "org-a") != old.blind_index("K-1", "org-b")
    with pytest.raises(ConfigError):
        FieldCipher.from_text("te-kort")


def test_tokens_are_random_and_stored_as_sha256():
    token = generate_token()
    assert token.startswith("skt_") and len(token) > 40 and generate_token() != token
    assert hash_token(token) == hash_token(token) and len(hash_token(token)) == 64 and token not in hash_token(token)


def test_passwords_are_argon2_hashes():
    stored = hash_password("een lang wachtwoord")
    assert stored.startswith("$argon2id$") and "wachtwoord" not in stored
    assert verify_password(stored, "een lang wachtwoord")
    assert not verify_password(stored, "een ander wachtwoord")
    assert not verify_password(None, "een lang wachtwoord")
    with pytest.raises(ValidationError):
        hash_password("kort")


def test_sign_in_limiter_blocks_after_five_failures_until_the_window_passes():
    now = [0.0]
    limiter = SignInLimiter(max_failures=5, window_seconds=900, clock=lambda: now[0])
    for _ in range(5):
        limiter.check("email:a", "client:1")
        limiter.failed("email:a", "client:1")
    with pytest.raises(TooManyRequests) as caught:
        limiter.check("email:a")
    assert 0 < caught.value.retry_after <= 901
    limiter.check("email:b")  # another address is not blocked
    now[0] = 901
    limiter.check("email:a", "client:1")


def test_roles_and_service_editing():
    beheerder = Principal("acc-1", "beheerder", "org-welzijn")
    assert may_edit_service(beheerder, "org-welzijn") and not may_edit_service(beheerder, "org-zorg")
    assert not may_edit_service(Principal("acc-2", "professional", "org-welzijn"), "org-welzijn")
    assert may_edit_service(Principal("acc-3", "admin"), "org-zorg")
    with pytest.raises(Forbidden, match="professional"):
        Principal("acc-4", "coordinator", None, ("GM0664",)).require("professional", action="Doorverwijzen")


# -- opnieuw verwijzen and messages (issue 15 §3, §4) ---------------------------------------------
def stored(status: str, **fields) -> Referral:
    """A stored referral in ``status``: every field not given is None (as the store reads an unset one)."""
    values = {field.name: None for field in dataclasses.fields(Referral)}
    return Referral(**{**values, "id": "ref-1", "version": 1, "life_domains": (), "status": status, **fields})


def test_who_may_refer_again_and_when():
    from socialekaart.referrals.lifecycle import RECEIVER, SENDER, rerefer_refusal

    def refusal(status: str, sides=frozenset({SENDER}), **fields) -> str | None:
        return rerefer_refusal(stored(status, **fields), set(sides))

    assert refusal("afgewezen") is None and refusal("verlopen") is None
    assert refusal("afgerond", outcome="niet-geholpen") is None
    for status, fields in (("afgerond", {"outcome": "geholpen"}), ("afgerond", {"outcome": "deels"}),
                           ("geannuleerd", {}), ("ontvangen", {}), ("doorverwezen", {}), ("concept", {})):
        assert "Opnieuw verwijzen kan na afwijzen" in (refusal(status, **fields) or ""), status
    assert "verwijzende organisatie" in (refusal("afgewezen", {RECEIVER}) or "")
    assert "al opnieuw verwezen" in (refusal("afgewezen", rereferred_to="ref-2") or "")
    assert "bewaartermijn" in (refusal("verlopen", anonymised_at="2026-01-01") or "")


def test_consent_covers_only_its_own_partner():
    from socialekaart.referrals.lifecycle import consent_covers

    assert consent_covers({"partner_id": "org-welzijn"}, "org-welzijn")
    assert not consent_covers({"partner_id": "org-welzijn"}, "org-zorg")
    assert not consent_covers(None, "org-welzijn") and not consent_covers({}, "org-welzijn")


def test_message_text_and_when_a_message_may_be_written():
    from socialekaart.referrals.lifecycle import (
        MAX_MESSAGE,
        RECEIVER,
        SENDER,
        check_message_text,
        message_refusal,
    )

    assert check_message_text("  Intake dinsdag.\nTot dan.  ") == "Intake dinsdag.\nTot dan."
    assert check_message_text("x" * MAX_MESSAGE) == "x" * MAX_MESSAGE
    for bad in ("", " \n ", None, 42, "x" * (MAX_MESSAGE + 1), "a\x07b"):
        with pytest.raises(ValidationError):
            check_message_text(bad)
    for status in ("verzonden", "ontvangen", "geaccepteerd", "wachtlijst", "gestart", "afgerond", "doorverwezen"):
        assert message_refusal(stored(status), {RECEIVER}) is None, status
        assert message_refusal(stored(status), {SENDER}) is None, status
    for status in ("concept", "geannuleerd", "afgewezen", "verlopen"):
        assert message_refusal(stored(status), {SENDER}), status
    assert message_refusal(stored("gestart", anonymised_at="2026-01-01"), {SENDER})
    assert message_refusal(stored("gestart"), set())

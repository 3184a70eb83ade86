"""The other reads of the referral store (network, webhooks, key rotation) and every read of the
notifications store hand back the domain's records (socialekaart/referrals/records.py,
socialekaart/notifications/records.py), not loose dicts. Both stores."""
from __future__ import annotations

import dataclasses

from socialekaart.notifications.records import (
    Contact,
    DueMail,
    LinkedStatus,
    OutboxMail,
    OverdueReferral,
    Recipient,
    ReferralParties,
    StatusLink,
)
from socialekaart.notifications.status_links import hash_token
from socialekaart.referrals.records import (
    NamedOrganization,
    OrganizationServices,
    Partner,
    SealedMessage,
    SealedReferral,
    Webhook,
    WebhookSecret,
)
from tests.referrals.referral_helpers import referral_body

FAR_FUTURE = "2099-01-01T00:00:00.000+00:00"


def test_network_webhook_and_rotation_reads_return_records(rr, actors):
    store, swt, welzijn = rr.referral_store, actors["swt"].principal, actors["welzijn"].principal
    rid = rr.referrals.create(swt, referral_body(), send=True)["id"]
    rr.referrals.post_message(welzijn, rid, "Intake staat op dinsdag.")

    named = store.organizations_named(["org-swt", "org-netwerk", "org-bestaat-niet"])
    assert named == {"org-swt": NamedOrganization(id="org-swt", name="Sociaal wijkteam Goes", kind="sociaal-wijkteam"),
                     "org-netwerk": NamedOrganization(id="org-netwerk", name="Buren voor Buren",
                                                      kind="vrijwilligersnetwerk")}

    goes = store.partners(["GM0664"])
    assert goes and all(type(p) is Partner for p in goes)
    assert [p.name for p in goes] == sorted(p.name for p in goes)  # by name
    netwerk = next(p for p in goes if p.id == "org-netwerk")
    assert (netwerk.kind, netwerk.formal) == ("vrijwilligersnetwerk", False)
    assert "org-mid" not in {p.id for p in goes} and "org-mid" in {p.id for p in store.partners(None)}

    profiles = store.organization_profiles(["org-netwerk", "org-bestaat-niet"])
    assert profiles == [OrganizationServices(id="org-netwerk", name="Buren voor Buren", kind="vrijwilligersnetwerk",
                                             formal=False, gemeente="GM0664", rung="informeel", n=1)]

    sealed = rr.cipher.seal("whsec_test", "webhook/org-welzijn")
    assert store.set_webhook("org-welzijn", "https://partner.example.nl/hook", sealed, "2026-01-05T09:00:00.000+00:00")
    assert store.webhooks_for(["org-welzijn", "org-swt"]) == [
        Webhook(organization_id="org-welzijn", url="https://partner.example.nl/hook", secret_enc=sealed)]
    assert store.webhook_secrets() == [WebhookSecret(organization_id="org-welzijn", secret_enc=sealed)]

    [page_row] = store.sealed_page("", 10)
    assert type(page_row) is SealedReferral and (page_row.id, page_row.from_org_id) == (rid, "org-swt")
    referral = store.get(rid)
    assert referral is not None
    for field in dataclasses.fields(SealedReferral):  # the same sealed values the full record holds
        assert getattr(page_row, field.name) == getattr(referral, field.name), field.name
    assert store.sealed_page(rid, 10) == []

    [message] = store.sealed_messages("", 10)
    assert type(message) is SealedMessage and message.referral_id == rid
    assert message.text_enc == store.messages_of(rid)[0].text_enc


def test_every_read_of_the_notification_ports_returns_records(rr, actors):
    store, swt = rr.notification_store, actors["swt"].principal
    rid = rr.referrals.create(swt, referral_body(), send=True)["id"]  # a "nieuw" mail to welzijn's professional
    welzijn_account = actors["welzijn"].principal.account_id

    [mail] = store.mails()
    assert type(mail) is OutboxMail and (mail.kind, mail.account_id, mail.status) == \
        ("nieuw", welzijn_account, "wachtend")
    assert store.mails(["verzonden"]) == []
    [due] = store.due(FAR_FUTURE, 10)
    assert type(due) is DueMail and due.id == mail.id
    assert (due.email, due.active, due.off) == ("welzijn@test.example.nl", True, ())
    assert {f.name: getattr(due, f.name) for f in dataclasses.fields(OutboxMail)} == dataclasses.asdict(mail)

    recipients = store.organization_accounts("org-welzijn", "professional")
    assert recipients == [Recipient(id=welzijn_account, email="welzijn@test.example.nl", off=())]
    assert store.referral_parties(rid) == ReferralParties(from_org_id="org-swt", to_org_id="org-welzijn",
                                                          sender_account_id=swt.account_id)
    assert store.referral_parties("ref-bestaat-niet") is None
    [overdue] = store.overdue_referrals(FAR_FUTURE)
    assert type(overdue) is OverdueReferral and (overdue.id, overdue.status) == (rid, "verzonden")
    assert overdue.receive_due_at and overdue.receive_due_at < FAR_FUTURE

    token = rr.status_links.create(swt, rid)["token"]
    [link] = store.links_of(rid)
    assert type(link) is StatusLink and (link.referral_id, link.created_by, link.revoked_at) == \
        (rid, swt.account_id, None)
    found = store.link_by_hash(hash_token(token))
    assert type(found) is LinkedStatus and found.id == link.id and found.status == "verzonden"
    assert found.from_org == Contact(name="Sociaal wijkteam Goes", phone=None)
    assert found.to_org.name == "Welzijn Goes"
    assert store.link_by_hash(hash_token("niet-" + token)) is None

"""``socialekaart accounts …`` and ``socialekaart referrals …``: organisations, accounts, tokens,
webhooks, and the referral housekeeping (expire, anonymise, export)."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import click

from socialekaart.accounts.service import (
    DEMO_DOMAIN,
    ROLES,
    Principal,
    demo_accounts,
    generate_password,
    verify_password,
)
from socialekaart.catalog.model import Organization
from socialekaart.shared import taxonomy
from web.api.referrals.shaping import referral_json
from web.bootstrap import ReferralRuntime
from web.cli.common import CliError, guard, referral_runtime_of

PERIOD = re.compile(r"^(\d{1,4})([dmy])$")


# -- accounts --------------------------------------------------------------------------------------
@click.group("accounts")
def accounts_group() -> None:
    """Organisaties, accounts, toegangstokens en webhooks."""


@accounts_group.command("create-organization")
@click.option("--id", "org_id", required=True, help="Vaste id, zoals org-welzijn-goes.")
@click.option("--name", required=True)
@click.option("--kind", default="overig", show_default=True,
              type=click.Choice([k.code for k in taxonomy.ORGANIZATION_KINDS]))
@click.option("--informal", is_flag=True, help="Een informele organisatie (vrijwilligers, burgerinitiatief).")
@click.option("--email", default=None)
@click.option("--phone", default=None)
@click.option("--website", default=None)
@click.pass_context
def create_organization(ctx, org_id, name, kind, informal, email, phone, website) -> None:
    """Maak (of werk bij) een organisatie."""
    runtime = referral_runtime_of(ctx).runtime
    org = Organization(org_id, name, kind, formal=not informal and kind not in taxonomy.INFORMAL_KINDS,
                       email=email, phone=phone, website=website)
    guard(lambda: runtime.catalog.save(organizations=[org]))
    click.echo(f"Organisatie {org_id} ({name}) opgeslagen.")


@accounts_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--organization", "organization_id", default=None, help="Id van de organisatie.")
@click.option("--area", "areas", multiple=True, help="Voor een coördinator: GM-code of RG-code (herhaalbaar).")
@click.option("--password/--no-password", default=True, show_default=True,
              help="Maak een wachtwoord om op de pagina's aan te melden (één keer getoond).")
@click.pass_context
def create_account(ctx, email, name, role, organization_id, areas, password) -> None:
    """Maak een account."""
    accounts = referral_runtime_of(ctx).accounts
    secret = generate_password() if password else None
    account = guard(lambda: accounts.create_account(email=email, name=name, role=role,
                                                     organization_id=organization_id, areas=areas, password=secret))
    click.echo(f"Account {account['id']} gemaakt: {account['email']} ({role}"
               f"{', ' + organization_id if organization_id else ''}).")
    if secret:
        click.echo(f"Wachtwoord (wordt niet opnieuw getoond): {secret}")


@accounts_group.command("disable")
@click.option("--email", required=True, help="E-mailadres of account-id.")
@click.pass_context
def disable(ctx, email) -> None:
    """Schakel een account uit: aanmelden kan niet meer, sessies en tokens vervallen meteen."""
    account = guard(lambda: referral_runtime_of(ctx).accounts.set_active(email, False))
    click.echo(f"Account {account['email']} uitgeschakeld; alle sessies en tokens zijn vervallen.")


@accounts_group.command("enable")
@click.option("--email", required=True, help="E-mailadres of account-id.")
@click.pass_context
def enable(ctx, email) -> None:
    """Schakel een account weer in (oude sessies en tokens blijven vervallen)."""
    account = guard(lambda: referral_runtime_of(ctx).accounts.set_active(email, True))
    click.echo(f"Account {account['email']} ingeschakeld. Maak zo nodig een nieuw token.")


@accounts_group.command("delete")
@click.option("--email", required=True, help="E-mailadres of account-id.")
@click.option("--yes", is_flag=True, help="Niet om bevestiging vragen.")
@click.pass_context
def delete(ctx, email, yes) -> None:
    """Verwijder een account en zijn tokens. Doorverwijzingen en auditregels houden alleen de account-id."""
    if not yes:
        click.confirm(f"Account {email} en zijn tokens verwijderen?", abort=True)
    account = guard(lambda: referral_runtime_of(ctx).accounts.delete(email))
    click.echo(f"Account {account['email']} ({account['id']}) verwijderd.")


@accounts_group.command("reset-password")
@click.option("--email", required=True, help="E-mailadres of account-id.")
@click.pass_context
def reset_password(ctx, email) -> None:
    """Geef een account een nieuw wachtwoord (één keer getoond); alle sessies en tokens vervallen."""
    password = guard(lambda: referral_runtime_of(ctx).accounts.reset_password(email))
    click.echo(f"Nieuw wachtwoord (één keer getoond, geef het veilig door): {password}")
    click.echo("Alle sessies en tokens van dit account zijn vervallen.")


@accounts_group.command("logout-everywhere")
@click.option("--email", required=True, help="E-mailadres of account-id.")
@click.pass_context
def logout_everywhere(ctx, email) -> None:
    """Meld een account overal af: alle sessies en tokens vervallen meteen."""
    guard(lambda: referral_runtime_of(ctx).accounts.log_out_everywhere(email))
    click.echo(f"{email} is overal afgemeld; alle sessies en tokens zijn vervallen.")


@accounts_group.command("token")
@click.option("--email", required=True, help="E-mailadres of account-id.")
@click.option("--days", type=click.IntRange(1, 365), default=None, help="Geldigheid in dagen (standaard 90).")
@click.option("--name", default="", help="Waarvoor het token is, zoals 'koppeling CRM'.")
@click.pass_context
def create_token(ctx, email, days, name) -> None:
    """Maak een persoonlijk toegangstoken (één keer getoond)."""
    issued = guard(lambda: referral_runtime_of(ctx).accounts.issue_token(email, days=days, name=name))
    click.echo(f"Token {issued.id} geldig tot {issued.expires_at[:10]}. Bewaar het nu; het wordt niet opnieuw "
               "getoond:")
    click.echo(issued.token)


@accounts_group.command("revoke")
@click.argument("token_id")
@click.pass_context
def revoke_token(ctx, token_id) -> None:
    """Trek een toegangstoken in (met de id die bij het maken werd getoond)."""
    guard(lambda: referral_runtime_of(ctx).accounts.revoke_token(token_id))
    click.echo(f"Token {token_id} ingetrokken.")


@accounts_group.command("tokens")
@click.option("--email", required=True, help="E-mailadres of account-id.")
@click.pass_context
def list_tokens(ctx, email) -> None:
    """Toon de tokens van een account (niet het token zelf)."""
    for token in guard(lambda: referral_runtime_of(ctx).accounts.tokens(email)):
        state = "ingetrokken" if token.revoked else f"geldig tot {token.expires_at[:10]}"
        click.echo(f"{token.id}  {state}  {token.name}".rstrip())


@accounts_group.command("webhook")
@click.option("--organization", "organization_id", required=True)
@click.option("--url", default=None, help="https-adres van het eigen systeem van de partner.")
@click.option("--remove", is_flag=True, help="Verwijder de webhook.")
@click.pass_context
def webhook(ctx, organization_id, url, remove) -> None:
    """Stel de webhook van een organisatie in; het geheim voor de HMAC-handtekening wordt één keer getoond."""
    registry = referral_runtime_of(ctx).webhooks
    if remove:
        removed = guard(lambda: registry.remove(organization_id))
        click.echo("Webhook verwijderd." if removed else "Er was geen webhook.")
        return
    if not url:
        raise CliError("Geef --url of --remove.")
    secret = guard(lambda: registry.set(organization_id, url))
    click.echo(f"Webhook voor {organization_id} ingesteld op {url}. Geheim (wordt niet opnieuw getoond):")
    click.echo(secret)


@accounts_group.command("demo")
@click.option("--if-missing", is_flag=True,
              help="Alleen ontbrekende demo-accounts maken, met de vaste demowachtwoorden (zie docs/referrals.md); "
                   "alleen in de demoregio.")
@click.pass_context
def demo(ctx, if_missing) -> None:
    """Maak de demo-accounts (wijkteam, welzijn, beheerder, coördinator) en toon hun tokens."""
    rt = referral_runtime_of(ctx)
    if if_missing:
        _demo_if_missing(rt)
        return
    if not guard(rt.accounts.store.only_demo_organizations):
        raise CliError(NOT_ONLY_DEMO)
    organizations = guard(lambda: rt.referral_store.partners(None))
    made = guard(lambda: demo_accounts(rt.accounts, organizations))
    if not made:
        raise CliError("Geen demo-organisaties gevonden; laad eerst de demoregio (socialekaart demo load).")
    for account in made:
        where = account.organization_name or ", ".join(account.areas)
        click.echo(f"{account.role:<13} {account.email:<28} {where}")
        if account.password:
            click.echo(f"{'':<13} wachtwoord: {account.password}")
        click.echo(f"{'':<13} token:      {account.token}")


NOT_ONLY_DEMO = ("Geen demo-accounts: demo-accounts (met hun gepubliceerde wachtwoorden) komen alleen in een database "
                 "met alleen de demoregio, nooit naast echte organisaties of voor echte gebieden.")
# Fixed passwords, for the demo accounts in the demo region only (documented in docs/referrals.md).
DEMO_PASSWORDS = {"swt": "demo-wijkteam-goes", "welzijn": "demo-welzijn-goes", "beheer": "demo-beheer-goes",
                  "coordinator": "demo-coordinator-zeeland"}


def _demo_if_missing(rt: ReferralRuntime) -> None:
    """Make the demo accounts that are missing, only in a store that holds the demo region and nothing
    else (never beside real organisations or for real areas), with the fixed demo passwords; then list
    them, without tokens (this runs on every start: its output ends up in logs). Safe to run again."""
    if not guard(rt.accounts.store.only_demo_organizations):
        click.echo(NOT_ONLY_DEMO if guard(rt.accounts.store.organization_count) else
                   "Geen demoregio in de database: geen demo-accounts gemaakt.")
        return
    catalog = rt.runtime.catalog
    organizations = [org for kind in ("sociaal-wijkteam", "welzijnsorganisatie")
                     for org, _ in guard(lambda: catalog.organizations(kind=kind, gemeente="GM0664", page_size=100)[1])
                     if org.source == "demo"]
    if not organizations:
        click.echo("Geen demoregio in de database: geen demo-accounts gemaakt.")
        return
    emails = [f"{local}@{DEMO_DOMAIN}" for local in DEMO_PASSWORDS]
    if not all(_exists(rt, email) for email in emails):
        for account in guard(lambda: demo_accounts(rt.accounts, organizations, with_tokens=False)):
            if account.password:  # made just now: give it its documented demo password
                guard(lambda: rt.accounts.set_password(account.email, DEMO_PASSWORDS[account.email.split("@")[0]]))
    names = {org.id: org.name for org in organizations}
    click.echo("Demo-accounts (alleen voor de demoregio; meld u aan op /aanmelden):")
    for email in emails:
        found = rt.accounts.store.account_by_email(email)
        if found is None:
            continue
        password = DEMO_PASSWORDS[email.split("@")[0]]
        shown = password if verify_password(found.password_hash, password) else "(gewijzigd)"
        where = names.get(found.organization_id or "") or ", ".join(found.areas)
        click.echo(f"  {found.role:<13} {email:<30} wachtwoord: {shown:<26} {where}")
    click.echo("Een token voor de API: socialekaart accounts token --email <e-mailadres>.")


def _exists(rt: ReferralRuntime, email: str) -> bool:
    return rt.accounts.store.account_by_email(email) is not None


# -- referrals -------------------------------------------------------------------------------------
@click.group("referrals")
def referrals_group() -> None:
    """Onderhoud van doorverwijzingen: verlopen, anonimiseren, exporteren."""


def _period(text: str) -> dict:
    match = PERIOD.match(text.strip().lower())
    if not match:
        raise CliError(f"Onbekende termijn {text!r}: gebruik bijvoorbeeld 24m (maanden), 730d (dagen) of 2y (jaren).")
    amount, unit = int(match.group(1)), match.group(2)
    if amount < 1:
        raise CliError("De termijn is minstens 1.")
    return {"d": {"older_than": timedelta(days=amount)}, "m": {"months": amount},
            "y": {"months": 12 * amount}}[unit]


@referrals_group.command("anonymise")
@click.option("--older-than", "older_than", required=True, help="Gesloten langer dan: 24m, 730d of 2y.")
@click.pass_context
def anonymise(ctx, older_than) -> None:
    """Verwijder contactgegevens en vrije tekst uit doorverwijzingen die langer dan de termijn gesloten
    zijn of open en onaangeroerd (die worden eerst 'verlopen'); de cijfers blijven. De ingebouwde
    database herschrijft daarna haar bestanden, zodat de gewiste waarden ook daar weg zijn."""
    period = _period(older_than)
    rt = referral_runtime_of(ctx)
    done = guard(lambda: rt.referrals.anonymise(**period))
    click.echo(f"{len(done)} doorverwijzing(en) geanonimiseerd.")
    server = getattr(rt.runtime.store.connection, "server", None)
    if server is not None:
        from graph.backends.embedded import rewrite_log

        guard(lambda: rewrite_log(server))
        click.echo("Databasebestanden herschreven: oude waarden staan er niet meer in.")


@referrals_group.command("prune-audit")
@click.option("--older-than", "older_than", required=True, help="Bewaartermijn van auditregels: 24m, 730d of 2y.")
@click.pass_context
def prune_audit(ctx, older_than) -> None:
    """Verwijder auditregels ouder dan de bewaartermijn (draai dit met anonymise mee)."""
    period = _period(older_than)
    removed = guard(lambda: referral_runtime_of(ctx).referrals.prune_audit(**period))
    click.echo(f"{removed} auditregel(s) verwijderd.")


@referrals_group.command("expire")
@click.pass_context
def expire(ctx) -> None:
    """Zet doorverwijzingen waarvan de termijn voorbij is op 'verlopen' (draai dit dagelijks)."""
    rt = referral_runtime_of(ctx)
    expired = guard(rt.referrals.expire_overdue)
    click.echo(f"{len(expired)} doorverwijzing(en) verlopen.")
    if expired:
        rt.dispatcher.wait_idle(timeout=10)


@referrals_group.command("export")
@click.option("--organization", "organization_id", required=True, help="De verwijzende organisatie.")
@click.option("--client-ref", "client_ref", required=True, help="De cliëntreferentie van die organisatie.")
@click.pass_context
def export(ctx, organization_id, client_ref) -> None:
    """Alle doorverwijzingen van een organisatie voor één cliëntreferentie, als JSON (inzageverzoek),
    met de doorverwijzingen die ontvangers daarvan weer doorverwezen (zoals die organisaties ze hebben)."""
    actor = Principal(account_id="cli:export", role="professional", organization_id=organization_id)
    found = guard(lambda: referral_runtime_of(ctx).referrals.export(actor, client_ref, forwarded=True))
    click.echo(json.dumps({"organizationId": organization_id, "count": len(found),
                           "referrals": [referral_json(r) for r in found]},
                          ensure_ascii=False, indent=2))

"""``socialekaart keys …``: a new key, and re-sealing everything with the first configured key."""
from __future__ import annotations

import click

from socialekaart.referrals.crypto import new_key
from socialekaart.referrals.rotation import rotate
from web.cli.common import guard, referral_runtime_of


@click.group("keys")
def keys_group() -> None:
    """De sleutel voor de versleutelde velden van doorverwijzingen."""


@keys_group.command("new")
def keys_new() -> None:
    """Toon een nieuwe, willekeurige sleutel (zet hem vooraan in SOCIALEKAART_SECRET_KEY)."""
    click.echo(new_key())


@keys_group.command("rotate")
@click.pass_context
def keys_rotate(ctx: click.Context) -> None:
    """Versleutel alle velden opnieuw met de eerste sleutel (daarna mag de oude sleutel weg)."""
    rt = referral_runtime_of(ctx)
    report = guard(lambda: rotate(rt.referral_store, rt.cipher))
    click.echo(f"{report.referrals} doorverwijzing(en) opnieuw versleuteld, {report.already} waren al klaar, "
               f"{report.webhooks} webhookgeheim(en) en {report.messages} bericht(en) opnieuw versleuteld.")
    if report.changed_meanwhile:
        click.echo(f"{report.changed_meanwhile} doorverwijzing(en) veranderden tijdens het draaien; "
                   "draai 'socialekaart keys rotate' nog eens voordat u de oude sleutel weghaalt.")
    else:
        click.echo("Alles staat onder de eerste sleutel; de andere sleutels mogen uit SOCIALEKAART_SECRET_KEY.")

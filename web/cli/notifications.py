"""``socialekaart notifications``: send the e-mail outbox once (for cron, or without ``serve``), and
look at what is in it."""
from __future__ import annotations

from collections import Counter

import click

from socialekaart.notifications.outbox import STATUSES
from web.cli.common import guard, referral_runtime_of


@click.group("notifications")
def notifications_group() -> None:
    """E-mailmeldingen: de wachtrij (outbox) versturen en bekijken."""


@notifications_group.command("send")
@click.option("--no-sweep", is_flag=True, help="Alleen versturen; niet zoeken naar te late doorverwijzingen en "
                                               "verouderde voorzieningen.")
@click.pass_context
def send(ctx, no_sweep) -> None:
    """Zoek te late doorverwijzingen en verouderde voorzieningen, en verstuur de e-mails die klaarstaan."""
    rt = referral_runtime_of(ctx)
    if not rt.settings.smtp_host:
        click.echo("Let op: SOCIALEKAART_SMTP_HOST is niet ingesteld; e-mails blijven in de wachtrij staan.")
    if not no_sweep:
        late = guard(rt.notifications.sweep_overdue)
        stale = guard(rt.notifications.sweep_stale)
        click.echo(f"{late} melding(en) over te late doorverwijzingen en {stale} over verouderde voorzieningen "
                   "klaargezet.")
    report = guard(rt.outbox.send_due)
    click.echo(f"{report.sent} verstuurd, {report.retried} later opnieuw, {report.failed} mislukt, "
               f"{report.skipped} overgeslagen.")


@notifications_group.command("outbox")
@click.pass_context
def outbox(ctx) -> None:
    """Toon hoeveel e-mails er per status in de wachtrij staan."""
    mails = guard(lambda: referral_runtime_of(ctx).notification_store.mails())
    counts = Counter(mail.status for mail in mails)
    for status in STATUSES:
        click.echo(f"{status:<13} {counts.get(status, 0)}")

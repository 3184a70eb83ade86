"""The ``socialekaart`` command. Each group lives in its own module; this one only assembles them,
so ``socialekaart …`` and ``python -m web.cli …`` offer the same commands."""
from __future__ import annotations

import click

from web.cli.accounts import accounts_group, referrals_group
from web.cli.data import export_group, import_group
from web.cli.db import db
from web.cli.demo import demo
from web.cli.keys import keys_group
from web.cli.lexicon import lexicon_group
from web.cli.notifications import notifications_group
from web.cli.serve import serve


@click.group()
@click.version_option(package_name="socialekaart")
def main() -> None:
    """socialekaart: de sociale kaart en doorverwijzingen voor het sociaal domein."""


for command in (db, demo, serve, import_group, export_group, accounts_group, referrals_group, lexicon_group,
                keys_group, notifications_group):
    main.add_command(command)

__all__ = ["main"]

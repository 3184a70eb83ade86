"""``socialekaart demo load``: the demo region Zeeland (fictional providers on real CBS areas)."""
from __future__ import annotations

import time

import click

from web.bootstrap import Runtime
from web.cli.common import guard, runtime_of


# -- demo ------------------------------------------------------------------------------------------
@click.group("demo")
def demo() -> None:
    """De demoregio Zeeland."""


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Alleen laden als de database leeg is.")
@click.pass_context
def demo_load(ctx: click.Context, if_empty: bool) -> None:
    """Laad de demoregio: 13 Zeeuwse gemeenten met wijken, buurten en voorzieningen."""
    load_demo(runtime_of(ctx), if_empty=if_empty)


def load_demo(runtime: Runtime, *, if_empty: bool) -> bool:
    guard(lambda: runtime.store.init_schema())
    if if_empty and not guard(lambda: runtime.store.is_empty()):
        click.echo("De database bevat al gegevens; demoregio niet opnieuw geladen.")
        return False
    from importers.demo.region import demo_region

    started = time.monotonic()
    click.echo("Demoregio Zeeland maken ...")
    region = demo_region()
    click.echo(f"  {len(region.areas)} gebieden, {len(region.organizations)} organisaties, "
               f"{len(region.services)} voorzieningen; wegschrijven in één keer ...")
    guard(lambda: runtime.catalog.save(areas=region.areas, organizations=region.organizations,
                                        services=region.services))
    click.echo(f"Demoregio geladen in {time.monotonic() - started:.1f} s.")
    return True



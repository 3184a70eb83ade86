"""``socialekaart demo load``: the demo region Zeeland (fictional providers on real CBS areas), its
inventarisatie figures and a year of referrals between the demo partners."""
from __future__ import annotations

import importlib.util
import time
from datetime import datetime
from importlib import resources
from pathlib import Path

import click

from socialekaart.shared.clock import utcnow
from web.bootstrap import ReferralRuntime, Runtime, build_coverage_service
from web.cli.common import CliError, guard, runtime_of


# -- demo ------------------------------------------------------------------------------------------
@click.group("demo")
def demo() -> None:
    """De demoregio Zeeland."""


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Alleen laden als de database leeg is.")
@click.pass_context
def demo_load(ctx: click.Context, if_empty: bool) -> None:
    """Laad de demoregio: 13 Zeeuwse gemeenten met wijken, buurten, voorzieningen,
    inventarisatiecijfers en een jaar doorverwijzingen."""
    load_demo(runtime_of(ctx), if_empty=if_empty)


NO_DEMO = ("De demoregio hoort niet bij het geïnstalleerde pakket (importers/demo staat alleen in de broncode). "
           "Laad hem vanuit een kloon van de repository: make run.")


def require_demo() -> None:
    """The demo generator and its data ship with the source tree, not in the wheel."""
    if importlib.util.find_spec("importers.demo") is None:
        raise CliError(NO_DEMO)


def demo_needs_file() -> Path:
    return Path(str(resources.files("importers.demo") / "data" / "needs" / "behoeften_zeeland.csv"))


def load_demo(runtime: Runtime, *, if_empty: bool, now: datetime | None = None) -> bool:
    """Load the region, its needs figures and (when there are no referrals yet) a year of referrals
    ending at ``now``. Into an empty store it is all or nothing: when a later part fails, the
    store is emptied again."""
    guard(lambda: runtime.store.init_schema())
    was_empty = guard(lambda: runtime.store.is_empty())
    if if_empty and not was_empty:
        click.echo("De database bevat al gegevens; demoregio niet opnieuw geladen.")
        return False
    require_demo()
    from importers.demo.region import demo_region

    started = time.monotonic()
    click.echo("Demoregio Zeeland maken ...")
    region = demo_region()
    click.echo(f"  {len(region.areas)} gebieden, {len(region.organizations)} organisaties, "
               f"{len(region.services)} voorzieningen; wegschrijven in één keer ...")
    try:
        guard(lambda: runtime.catalog.save(areas=region.areas, organizations=region.organizations,
                                            services=region.services))
        _load_needs(runtime)
        _load_history(runtime, region, now or utcnow())
    except BaseException:
        if was_empty:
            runtime.store.connection.delete_graph()
            runtime.store.init_schema()
            click.echo("Laden mislukt: de database is weer leeg.", err=True)
        raise
    click.echo(f"Demoregio geladen in {time.monotonic() - started:.1f} s.")
    return True


def _load_needs(runtime: Runtime) -> None:
    from importers.needs import import_needs

    report = guard(lambda: import_needs(demo_needs_file(), build_coverage_service(runtime)))
    if report.blocked:
        raise CliError("De inventarisatiecijfers van de demo zijn afgekeurd; niets geladen.")
    click.echo(f"  {len(report.changes)} inventarisatiecijfers.")


def _load_history(runtime: Runtime, region, now: datetime) -> None:
    from importers.demo.history import SimulatedClock, plan_history, write_history

    clock = SimulatedClock(now)
    referral_runtime = ReferralRuntime(runtime, clock=clock)
    store = referral_runtime.referral_store
    if guard(store.has_referrals):
        click.echo("  Er staan al doorverwijzingen in de database; geen demogeschiedenis toegevoegd.")
        return
    plans = plan_history(region.organizations, region.services, now=now)
    # No webhooks for the history: nobody subscribed to a year that is being made up.
    service = referral_runtime.referrals
    service.notify = None
    try:
        history = guard(lambda: write_history(plans, service, clock, now=now))
    finally:
        referral_runtime.close()
    click.echo(f"  {history.referrals} doorverwijzingen met {history.events} stappen over het afgelopen jaar.")

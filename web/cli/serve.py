"""``socialekaart serve``: the web application on waitress."""
from __future__ import annotations

import signal
import sys

import click

from web.cli.common import guard, runtime_of
from web.cli.demo import load_demo
from web.privacy_http import proxy_options


# -- serve -----------------------------------------------------------------------------------------
@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, envvar="HOST")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), envvar="PORT")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option("--init/--no-init", default=False, help="Eerst het schema aanmaken.")
@click.option("--demo-if-empty", is_flag=True, help="Laad de demoregio als de database leeg is.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, threads: int, init: bool, demo_if_empty: bool) -> None:
    """Start de webapplicatie met waitress (productie-WSGI-server)."""
    import waitress

    from web import create_app

    runtime = runtime_of(ctx)
    if init or demo_if_empty:
        guard(lambda: runtime.store.init_schema())
    if demo_if_empty:
        load_demo(runtime, if_empty=True)
    app = create_app({"SETTINGS": runtime.settings, "RUNTIME": runtime})
    from web.bootstrap import referral_runtime

    referral_runtime(app).start_worker()  # sends the e-mail outbox in the background (docs/operations.md)
    click.echo(f"socialekaart draait op http://{host}:{port}  (database: {runtime.location.describe()})")
    # SIGTERM ends like Ctrl-C, so the close hooks run and an embedded server we started stops cleanly.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    waitress.serve(app, host=host, port=port, threads=threads, ident="socialekaart", **proxy_options())

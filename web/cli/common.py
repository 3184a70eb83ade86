"""What every ``socialekaart`` command shares: Dutch errors without a stack trace, and the runtime
made once per command from the environment (the composition root, ``web.bootstrap``)."""
from __future__ import annotations

from typing import Any, Callable, TypeVar

import click

from socialekaart.shared.config import Settings
from socialekaart.shared.errors import ConfigError, SocialeKaartError
from web.bootstrap import ReferralRuntime, Runtime

T = TypeVar("T")


class CliError(click.ClickException):
    """Prints a Dutch message without a stack trace and exits non-zero."""

    def format_message(self) -> str:
        return self.message


def runtime_without_store() -> Runtime:
    """A runtime from the environment that has opened nothing yet (status, stop, restore)."""
    try:
        return Runtime(Settings.from_env())
    except ConfigError as exc:
        raise CliError(exc.message) from None


def runtime_of(ctx: click.Context) -> Runtime:
    """The command's runtime, made on first use; a server it started for itself stops at the end."""
    obj = ctx.ensure_object(dict)
    if "runtime" not in obj:
        try:
            runtime = Runtime(Settings.from_env())
        except ConfigError as exc:
            raise CliError(f"Instelling ongeldig: {exc.message}") from None
        obj["runtime"] = runtime
        ctx.find_root().call_on_close(lambda: runtime.close(stop_server_we_started=not obj.get("keep_server")))
    return obj["runtime"]


def referral_runtime_of(ctx: click.Context) -> ReferralRuntime:
    obj = ctx.ensure_object(dict)
    if "referral_runtime" not in obj:
        obj["referral_runtime"] = found = ReferralRuntime(runtime_of(ctx))
        ctx.find_root().call_on_close(found.close)
    return obj["referral_runtime"]


def guard(action: Callable[[], T]) -> T:
    """Run ``action``; a domain error becomes a CLI error with its Dutch message."""
    try:
        return action()
    except SocialeKaartError as exc:
        raise CliError(exc.message) from None


def echo_json(value: Any) -> None:
    import json

    click.echo(json.dumps(value, indent=2, ensure_ascii=False))

"""The socialekaart command: clear Dutch errors and non-zero exits, never a stack trace."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from web.cli import main


def run(args: list[str], env: dict[str, str]):
    result = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    return result


@pytest.mark.parametrize("url", ["mysql://localhost/x", "bolt://"])
def test_malformed_graph_url_names_the_setting(url):
    result = run(["db", "init"], {"SOCIALEKAART_GRAPH_URL": url})
    assert result.exit_code != 0
    assert "SOCIALEKAART_GRAPH_URL" in result.output and "Traceback" not in result.output


def test_malformed_setting_stops_start_up():
    result = run(["serve"], {"SOCIALEKAART_STORE_TIMEOUT": "never"})
    assert result.exit_code != 0 and "SOCIALEKAART_STORE_TIMEOUT" in result.output


@pytest.mark.parametrize("url", ["redis://127.0.0.1:1", "bolt://127.0.0.1:1"])
def test_unreachable_store_gives_a_clear_error(url):
    result = run(["db", "init"], {"SOCIALEKAART_GRAPH_URL": url, "SOCIALEKAART_CONNECT_TIMEOUT": "1",
                                  "SOCIALEKAART_STORE_TIMEOUT": "2"})
    assert result.exit_code != 0
    assert "niet bereikbaar" in result.output and "Traceback" not in result.output


def test_init_status_demo_and_stop(tmp_path):
    env = {"SOCIALEKAART_DATA_DIR": str(tmp_path), "SOCIALEKAART_GRAPH_NAME": "cli_test"}
    assert run(["db", "init"], env).exit_code == 0
    # The one-shot command stopped the server it started for itself.
    stopped = run(["db", "status"], env)
    assert stopped.exit_code == 3 and "running: False" in stopped.output

    first = run(["demo", "load", "--if-empty"], env)
    assert first.exit_code == 0 and "Demoregio geladen" in first.output
    again = run(["demo", "load", "--if-empty"], env)
    assert again.exit_code == 0 and "niet opnieuw geladen" in again.output

    from graph.backends.embedded import EmbeddedServer

    server = EmbeddedServer(tmp_path)
    server.ensure_running()  # a long-running server, as `make run` has
    try:
        status = run(["db", "status", "--json"], env)
        info = json.loads(status.output)
        assert info["running"] is True and info["nodes"]["Gemeente"] == 13 and info["nodes"]["Service"] >= 1500
        assert run(["db", "stop"], env).output.strip() == "Gestopt."
        assert server.pid() is None
    finally:
        server.stop()


def test_the_demo_from_an_installed_wheel_says_it_needs_the_source_tree(tmp_path, monkeypatch):
    """The wheel has no importers/demo (tests/unit/test_packaging.py); a clear Dutch error, nothing written."""
    import sys

    monkeypatch.setitem(sys.modules, "importers.demo", None)  # as in an installed wheel: not importable
    env = {"SOCIALEKAART_DATA_DIR": str(tmp_path), "SOCIALEKAART_GRAPH_NAME": "cli_test"}
    result = run(["demo", "load", "--if-empty"], env)
    assert result.exit_code != 0 and "hoort niet bij het geïnstalleerde pakket" in result.output
    assert "Traceback" not in result.output, result.output

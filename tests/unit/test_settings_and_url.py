"""Settings and the graph URL: a malformed value stops start-up with a message naming the setting."""
from __future__ import annotations

from pathlib import Path

import pytest

from graph.backends.url import parse_graph_url
from socialekaart.shared.config import Settings
from socialekaart.shared.errors import ConfigError


def test_default_is_embedded_in_var_graph():
    location = parse_graph_url("", Path("var/graph"))
    assert location.backend == "falkordb" and location.embedded
    assert location.data_dir == Path("var/graph").resolve()


@pytest.mark.parametrize("url, backend, embedded", [
    ("falkordb+embedded:///srv/socialekaart/graph", "falkordb", True),
    ("redis://localhost:6379", "falkordb", False),
    ("rediss://user:secret@falkor.example:6380", "falkordb", False),
    ("bolt://localhost:7687", "neo4j", False),
    ("neo4j://cluster.example:7687", "neo4j", False),
    ("neo4j+s://user:secret@cluster.example:7687/socialekaart", "neo4j", False),
])
def test_supported_urls(url, backend, embedded):
    location = parse_graph_url(url, Path("var/graph"))
    assert (location.backend, location.embedded) == (backend, embedded)
    assert "secret" not in location.describe()


def test_credentials_are_taken_from_the_url():
    location = parse_graph_url("neo4j+s://neo:s%40cret@db.example:7687/sk", Path("."))
    assert (location.user, location.password, location.database, location.port) == ("neo", "s@cret", "sk", 7687)


@pytest.mark.parametrize("url", ["mysql://localhost", "bolt://", "redis://host:notaport", "redis://h/abc",
                                 "falkordb+embedded://host/path", "localhost:7687"])
def test_malformed_urls_name_the_setting(url):
    with pytest.raises(ConfigError) as caught:
        parse_graph_url(url, Path("."))
    assert "SOCIALEKAART_GRAPH_URL" in caught.value.message
    assert "secret" not in caught.value.message


def test_password_never_in_error():
    with pytest.raises(ConfigError) as caught:
        parse_graph_url("mysql://user:topsecret@host", Path("."))
    assert "topsecret" not in caught.value.message


@pytest.mark.parametrize("env, setting", [
    ({"SOCIALEKAART_STORE_TIMEOUT": "soon"}, "SOCIALEKAART_STORE_TIMEOUT"),
    ({"SOCIALEKAART_STORE_TIMEOUT": "0"}, "SOCIALEKAART_STORE_TIMEOUT"),
    ({"SOCIALEKAART_GEOCODER": "google"}, "SOCIALEKAART_GEOCODER"),
    ({"SOCIALEKAART_GRAPH_NAME": "a b"}, "SOCIALEKAART_GRAPH_NAME"),
    ({"SOCIALEKAART_SEARCH_RADIUS": "-5"}, "SOCIALEKAART_SEARCH_RADIUS"),
])
def test_bad_settings_name_the_setting(env, setting):
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(env)
    assert setting in caught.value.message


def test_settings_from_env():
    settings = Settings.from_env({"SOCIALEKAART_GRAPH_URL": "bolt://db:7687", "SOCIALEKAART_STORE_TIMEOUT": "3.5",
                                  "SOCIALEKAART_DATA_DIR": "/tmp/x"})
    assert settings.graph_url == "bolt://db:7687" and settings.store_timeout_seconds == 3.5
    assert settings.data_dir == Path("/tmp/x")

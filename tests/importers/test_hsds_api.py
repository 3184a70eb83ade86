"""`import hsds-api`: pull a live HSDS API page by page, resume after an interruption, respect a
rate limit and Retry-After, then validate everything and write all or nothing, as `import hsds`.

The API is our own /hsds (the demo region on a real store) served on 127.0.0.1 in a thread by
werkzeug, behind a small WSGI gate that the test can close (the server goes down mid-way) or make
answer 429 once; the target is an empty store with the Zeeland CBS areas.
"""
from __future__ import annotations

import json
import threading
import time
import uuid

import pytest
from click.testing import CliRunner
from werkzeug.serving import make_server

import importers.hsds.api as hsds_api
from graph import open_connection
from graph.stores.snapshots import services_by_id
from importers.hsds.api import PullOptions, PullState, base_url, import_hsds_api, pull
from socialekaart.shared.errors import ImportRejected
from tests.conftest import Stores
from tests.importers.test_hsds_import import GEOCODER
from web.cli import main


class Gate:
    """WSGI middleware: logs every request; 503 for /services pages once ``services_left`` runs out;
    a 429 with Retry-After for the first request whose URL holds ``throttle``."""

    def __init__(self, app):
        self.app = app
        self.log: list[tuple[float, str]] = []
        self.services_left: int | None = None
        self.throttle: str | None = None
        self.blank_first_name = False  # the first service of page 1 arrives without a name (invalid)
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        url = f"{environ['PATH_INFO']}?{environ.get('QUERY_STRING', '')}"
        with self.lock:
            self.log.append((time.monotonic(), url))
            if self.throttle and self.throttle in url:
                self.throttle = None
                start_response("429 Too Many Requests", [("Retry-After", "1"), ("Content-Length", "0")])
                return [b""]
            if environ["PATH_INFO"].endswith("/services") and self.services_left is not None:
                if self.services_left <= 0:
                    start_response("503 Service Unavailable", [("Content-Length", "0")])
                    return [b""]
                self.services_left -= 1
        if self.blank_first_name and environ["PATH_INFO"].endswith("/services") and \
                "page=1" in environ.get("QUERY_STRING", "").split("&"):
            return self._blank_first_name(environ, start_response)
        return self.app(environ, start_response)

    def _blank_first_name(self, environ, start_response):
        seen: dict = {}

        def keep(status, headers, exc_info=None):
            seen.update(status=status, headers=headers)

        page = json.loads(b"".join(self.app(environ, keep)))
        page["contents"][0]["name"] = ""
        body = json.dumps(page).encode()
        headers = [(k, v) for k, v in seen["headers"] if k.lower() not in ("content-length", "etag")]
        start_response(seen["status"], headers + [("Content-Length", str(len(body)))])
        return [body]

    def urls(self) -> list[str]:
        return [url for _, url in self.log]


@pytest.fixture
def served(app):
    gate = Gate(app)
    server = make_server("127.0.0.1", 0, gate, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hsds", gate
    server.shutdown()
    thread.join(timeout=10)


def test_an_interrupted_pull_resumes_and_then_writes_everything_at_once(served, zeeland, demo_runtime, tmp_path):
    url, gate = served
    region = demo_runtime.demo_region
    state = tmp_path / "pull.json"
    options = PullOptions(rate=50, per_page=100, retries=1)
    gate.services_left = 3  # the server goes down after three pages of services
    with pytest.raises(ImportRejected) as stopped:
        import_hsds_api(url + "/", zeeland, GEOCODER, state_path=state, pull_options=options, source="demo",
                        known_areas=zeeland.snapshots.area_codes())
    assert "HTTP 503" in stopped.value.message and "Start opnieuw" in stopped.value.message
    assert zeeland.catalog.store.counts().get("Service", 0) == 0  # nothing written
    kept = json.loads(state.read_text(encoding="utf-8"))["pages"]
    org_pages = -(-len(region.organizations) // 100)
    assert (len(kept["organizations"]), len(kept["services"])) == (org_pages, 3)

    gate.services_left, first_run = None, len(gate.log)
    report = import_hsds_api(url, zeeland, GEOCODER, state_path=state, pull_options=options, source="demo",
                             known_areas=zeeland.snapshots.area_codes())
    resumed = gate.urls()[first_run:]
    assert not any("/organizations" in u for u in resumed)  # kept pages are not fetched again
    assert "page=4" in resumed[0] and not any(f"page={n}&" in u or u.endswith(f"page={n}") for u in resumed
                                               for n in (1, 2, 3))
    assert (report.created, report.rejected, report.written) == (
        len(region.services) + len(region.organizations), 0, True), [p.text() for p in report.problems[:5]]
    assert any("Hervat:" in w.reason for w in report.warnings)
    assert len(services_by_id(zeeland.catalog.store, [s.id for s in region.services])) == len(region.services)
    assert not state.exists()  # done: the next pull starts afresh


def test_an_invalid_record_from_the_api_writes_nothing_unless_skip_invalid(served, zeeland, demo_runtime, tmp_path):
    """The same validate-then-write-all report as `import hsds`: one bad service named, nothing written;
    with skip_invalid everything else is written."""
    url, gate = served
    gate.blank_first_name = True
    options = PullOptions(rate=50, per_page=100, retries=1)
    known = zeeland.snapshots.area_codes()
    refused = import_hsds_api(url, zeeland, GEOCODER, state_path=tmp_path / "a.json", pull_options=options,
                              source="demo", known_areas=known)
    assert refused.rejected == 1 and not refused.written
    assert any("name" in p.text() for p in refused.problems), [p.text() for p in refused.problems]
    assert zeeland.catalog.store.counts().get("Service", 0) == 0

    skipped = import_hsds_api(url, zeeland, GEOCODER, state_path=tmp_path / "b.json", pull_options=options,
                              source="demo", known_areas=known, skip_invalid=True)
    assert skipped.rejected == 1 and skipped.written
    assert zeeland.catalog.store.counts()["Service"] == len(demo_runtime.demo_region.services) - 1


def test_the_rate_limit_and_retry_after_are_respected(served, tmp_path, monkeypatch):
    url, gate = served
    gate.throttle = "/organizations?full=true&per_page=100&page=2"
    # The moments the client lets each request go (its own clock): the server's arrival times jitter by
    # tens of milliseconds on a busy machine, which says nothing about the client's pace.
    sent: list[float] = []
    pace = hsds_api._Fetcher._pace

    def paced(self) -> None:
        pace(self)
        sent.append(self.last)

    monkeypatch.setattr(hsds_api._Fetcher, "_pace", paced)
    started = time.monotonic()
    data, requests = pull(url, PullState(tmp_path / "s.json", url, 100), PullOptions(rate=8, per_page=100))
    elapsed = time.monotonic() - started
    assert requests == len(gate.log) == len(sent) and data.services and data.organizations
    assert sum(gate.throttle is None and "page=2" in u and "/organizations" in u for u in gate.urls()) == 2
    gaps = [b - a for a, b in zip(sent, sent[1:])]
    assert min(gaps) >= 1 / 8 - 0.001  # never faster than --rate
    arrivals = [t for t, _ in gate.log]
    assert max(b - a for a, b in zip(arrivals, arrivals[1:])) >= 0.95  # Retry-After: 1 was waited for
    assert elapsed >= 1 + (len(sent) - 2) / 8 - 0.1


def test_bad_urls_and_a_foreign_state_file_are_refused_in_dutch(served, zeeland, tmp_path):
    url, _gate = served
    assert base_url(url + "/services") == url and base_url(url + "/") == url
    for bad in ("ftp://voorbeeld.nl/hsds", "voorbeeld.nl/hsds", f"{url}?page=2"):
        with pytest.raises(ImportRejected):
            base_url(bad)
    with pytest.raises(ImportRejected, match="bestaat niet \\(404\\)"):
        import_hsds_api(url.replace("/hsds", "/nergens"), zeeland, GEOCODER, state_path=tmp_path / "a.json",
                        pull_options=PullOptions(rate=50, retries=0))
    other = tmp_path / "b.json"
    other.write_text(json.dumps({"key": {"base": "https://elders.example.nl/hsds", "per_page": 100},
                                 "pages": {}}), encoding="utf-8")
    with pytest.raises(ImportRejected, match="andere API"):
        import_hsds_api(url, zeeland, GEOCODER, state_path=other, pull_options=PullOptions(rate=50))
    with pytest.raises(ImportRejected, match="--rate"):
        import_hsds_api(url, zeeland, GEOCODER, state_path=tmp_path / "c.json", pull_options=PullOptions(rate=0))


@pytest.fixture
def cli(stores):
    """Runs the command on a fresh graph of the test server."""
    settings = stores.settings("function", f"cli_{uuid.uuid4().hex[:10]}")
    runner = CliRunner()
    yield lambda *args: runner.invoke(main, list(map(str, args)), env=Stores.env(settings), catch_exceptions=False)
    connection = open_connection(settings)
    connection.delete_graph()
    connection.close()


def test_the_cli_command_is_wired_and_reports_in_dutch(served, cli, tmp_path):
    url, _gate = served
    result = cli("import", "hsds-api", url.replace("/hsds", "/nergens"), "--rate", "50",
                 "--state", tmp_path / "s.json")
    assert result.exit_code != 0 and "bestaat niet (404)" in result.output, result.output
    shown = cli("import", "hsds-api", "--help")
    assert all(option in shown.output for option in ("--rate", "--per-page", "--state", "--skip-invalid"))

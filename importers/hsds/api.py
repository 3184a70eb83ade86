"""Pull a live HSDS 3.0 API: every page of /organizations?full=true and /services?full=true, then
import it all as one input, the same way as a file (validate everything, then write all or nothing).

- Resume: each page fetched is kept in a state file (JSON, written atomically); a pull that stops
  (network, server down, Ctrl-C) starts again where it stopped. The state belongs to one base URL
  and page size, and is removed once the import has run.
- Rate limit: at most ``rate`` requests per second; a 429 or 503 answer waits for its Retry-After
  (seconds or an HTTP date, at most MAX_WAIT) or backs off, and is retried ``retries`` times.
Only the standard library: urllib, with a time-out and a size limit per page.
"""
from __future__ import annotations

import email.utils
import json
import os
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from importers.hsds.files import HsdsInput, read_json_document
from importers.report import ImportReport, Problem
from socialekaart.catalog.importing import ImportService
from socialekaart.shared.errors import ImportRejected

# The HSDS endpoints we read, in order: organisations first, so services find theirs.
ENDPOINTS = ("organizations", "services")
KIND_OF_ENDPOINT = {"organizations": "organization", "services": "service"}
MAX_PER_PAGE = 100  # the HSDS default maximum (ours too)
MAX_PAGE_BYTES = 20 * 1024 * 1024
MAX_PAGES = 10_000
MAX_WAIT = 120.0  # seconds: a longer Retry-After stops the pull (resume later)
TIMEOUT = 30.0
RETRY_STATUSES = (429, 502, 503, 504)
USER_AGENT = "socialekaart-hsds-import/1"


@dataclass
class PullOptions:
    rate: float = 2.0  # requests per second
    retries: int = 4
    per_page: int = MAX_PER_PAGE
    max_page_bytes: int = MAX_PAGE_BYTES


class _Fetcher:
    """GET with a rate limit, Retry-After and a bounded number of retries."""

    def __init__(self, options: PullOptions, sleep: Callable[[float], None], clock: Callable[[], float]):
        self.options = options
        self.sleep = sleep
        self.clock = clock
        self.last: float | None = None
        self.requests = 0

    def _pace(self) -> None:
        if self.last is not None:
            wait = self.last + 1.0 / self.options.rate - self.clock()
            if wait > 0:
                self.sleep(wait)
        self.last = self.clock()

    def get_json(self, url: str) -> Any:
        for attempt in range(self.options.retries + 1):
            self._pace()
            self.requests += 1
            try:
                request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": USER_AGENT})
                with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (http(s) checked)
                    data = response.read(self.options.max_page_bytes + 1)
            except urllib.error.HTTPError as exc:
                if exc.code not in RETRY_STATUSES or attempt == self.options.retries:
                    raise ImportRejected(_http_problem(url, exc)) from None
                self.sleep(_retry_after(exc.headers.get("Retry-After"), attempt))
                continue
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt == self.options.retries:
                    reason = getattr(exc, "reason", exc)
                    raise ImportRejected(f"{url} is niet bereikbaar ({reason}).") from None
                self.sleep(_retry_after(None, attempt))
                continue
            if len(data) > self.options.max_page_bytes:
                raise ImportRejected(f"{url} geeft meer dan {self.options.max_page_bytes // (1024 * 1024)} MB terug; "
                                     "kies een kleinere --per-page.")
            try:
                return json.loads(data.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise ImportRejected(f"{url} geeft geen geldige JSON terug.") from None
        raise AssertionError("unreachable")


def _retry_after(header: str | None, attempt: int) -> float:
    """Seconds to wait: the Retry-After header (seconds or an HTTP date), else 1, 2, 4 ... seconds."""
    if header:
        header = header.strip()
        if header.isdigit():
            return _bounded(float(header))
        when = email.utils.parsedate_to_datetime(header) if header else None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            return _bounded((when - datetime.now(timezone.utc)).total_seconds())
    return float(min(2 ** attempt, 30))


def _bounded(seconds: float) -> float:
    if seconds > MAX_WAIT:
        raise ImportRejected(f"De API vraagt {int(seconds)} seconden te wachten; dat is langer dan "
                             f"{int(MAX_WAIT)}. Start later opnieuw: het ophalen gaat verder waar het bleef.")
    return max(seconds, 0.0)


def _http_problem(url: str, exc: urllib.error.HTTPError) -> str:
    if exc.code == 404:
        return f"{url} bestaat niet (404). Geef de basis-URL van de HSDS-API, zoals https://voorbeeld.nl/hsds."
    return f"{url} antwoordt met HTTP {exc.code} ({exc.reason})."


def base_url(url: str) -> str:
    """The API's base URL, checked: http(s), no query; a trailing / or /services is taken off."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImportRejected(f"{url[:100]!r} is geen http(s)-URL van een HSDS-API.")
    if parts.query or parts.fragment:
        raise ImportRejected("Geef de basis-URL van de HSDS-API zonder ?-parameters, zoals https://voorbeeld.nl/hsds.")
    path = parts.path.rstrip("/")
    for endpoint in ENDPOINTS:
        if path.endswith(f"/{endpoint}"):
            path = path[: -len(endpoint) - 1]
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


class PullState:
    """The pages fetched so far, kept in a JSON file so an interrupted pull resumes."""

    def __init__(self, path: Path, base: str, per_page: int):
        self.path = path
        self.key = {"base": base, "per_page": per_page}
        self.pages: dict[str, dict[str, Any]] = {endpoint: {} for endpoint in ENDPOINTS}
        self.resumed = 0
        if path.exists():
            try:
                saved = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raise ImportRejected(f"Het statusbestand {path} is onleesbaar; verwijder het om opnieuw te "
                                     "beginnen.") from None
            if not isinstance(saved, dict) or saved.get("key") != self.key:
                raise ImportRejected(f"Het statusbestand {path} hoort bij een andere API of --per-page "
                                     f"({saved.get('key') if isinstance(saved, dict) else '?'}); verwijder het of "
                                     "kies een ander --state.")
            self.pages.update({e: dict(saved.get("pages", {}).get(e, {})) for e in ENDPOINTS})
            self.resumed = sum(len(p) for p in self.pages.values())

    def has(self, endpoint: str, page: int) -> bool:
        return str(page) in self.pages[endpoint]

    def page(self, endpoint: str, page: int) -> dict[str, Any]:
        return self.pages[endpoint][str(page)]

    def keep(self, endpoint: str, page: int, body: dict[str, Any]) -> None:
        self.pages[endpoint][str(page)] = body
        text = json.dumps({"key": self.key, "pages": self.pages}, ensure_ascii=False)
        handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.path.parent, delete=False,
                                             prefix=f".{self.path.name}.", suffix=".tmp")
        with handle:
            handle.write(text)
        os.replace(handle.name, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def default_state_path(base: str) -> Path:
    """A state file per API in the current folder: .hsds-api-<host>.json."""
    host = urllib.parse.urlsplit(base).netloc.replace(":", "_")
    return Path.cwd() / f".hsds-api-{host}.json"


def pull(base: str, state: PullState, options: PullOptions, *, sleep: Callable[[float], None] = time.sleep,
         clock: Callable[[], float] = time.monotonic,
         progress: Callable[[str, int, int], None] | None = None) -> tuple[HsdsInput, int]:
    """Every page of every endpoint (from the state where kept), as one input; and the requests made."""
    fetcher = _Fetcher(options, sleep, clock)
    data = HsdsInput(base, [])
    for endpoint in ENDPOINTS:
        page, last = 1, None
        while last is None or page <= last:
            if page > MAX_PAGES:
                raise ImportRejected(f"{base}/{endpoint} heeft meer dan {MAX_PAGES} pagina's.")
            if state.has(endpoint, page):
                body = state.page(endpoint, page)
            else:
                url = f"{base}/{endpoint}?" + urllib.parse.urlencode(
                    {"full": "true", "per_page": options.per_page, "page": page})
                body = fetcher.get_json(url)
                if not isinstance(body, dict) or not isinstance(body.get("contents"), list):
                    raise ImportRejected(f"{url} is geen HSDS-pagina (een object met 'contents').")
                state.keep(endpoint, page, body)
            pages = body.get("total_pages")
            last = pages if isinstance(pages, int) and pages >= 0 else (page if body.get("last_page") else page + 1)
            if body.get("last_page") is True or not body["contents"]:
                last = page
            label = f"{endpoint} pagina {page}"
            data.files.append(label)
            if body["contents"]:
                read_json_document({"contents": body["contents"]}, label, data,
                                   default_kind=KIND_OF_ENDPOINT[endpoint])
            if progress is not None:
                progress(endpoint, page, last)
            page += 1
    if not data.services and not data.organizations:
        raise ImportRejected(f"{base} heeft geen diensten en geen organisaties.")
    return data, fetcher.requests


def import_hsds_api(url: str, imports: ImportService, locator, *, state_path: Path | None = None,
                    pull_options: PullOptions | None = None, sleep: Callable[[float], None] = time.sleep,
                    before_write: Callable[[ImportReport], None] | None = None, **import_options: Any) -> ImportReport:
    """Pull the API at ``url`` (resuming from ``state_path``), then import as ``import_hsds`` does.
    ``import_options``: those of ``importers.hsds.reader.ImportOptions``."""
    from importers.hsds.reader import ImportOptions, import_hsds_input

    options = ImportOptions(**import_options)
    mapping = options.checked()
    pulling = pull_options or PullOptions()
    if not 0 < pulling.rate <= 100:
        raise ImportRejected("--rate is het aantal verzoeken per seconde: meer dan 0, hoogstens 100.")
    if not 1 <= pulling.per_page <= MAX_PER_PAGE:
        raise ImportRejected(f"--per-page is 1 tot en met {MAX_PER_PAGE}.")
    base = base_url(url)
    state = PullState(state_path or default_state_path(base), base, pulling.per_page)
    try:
        data, _requests = pull(base, state, pulling, sleep=sleep)
    except ImportRejected as exc:
        kept = sum(len(p) for p in state.pages.values())
        if not kept:
            raise
        raise ImportRejected(f"{exc.message} Er is nog niets geschreven. Start opnieuw met dezelfde opdracht: de "
                             f"{kept} opgehaalde pagina's staan in {state.path} en worden niet nog eens "
                             "opgehaald.") from None
    if state.resumed:
        data.warnings.append(_resumed_note(base, state.resumed))
    report = import_hsds_input(data, imports, locator, options, mapping, before_write=before_write)
    state.remove()  # the import ran (written, a dry run, or refused rows): the next pull starts afresh
    return report


def _resumed_note(base: str, pages: int) -> Problem:
    return Problem(base, f"Hervat: {pages} pagina's kwamen uit het statusbestand van een eerdere, onderbroken run.")

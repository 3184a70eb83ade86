"""The report as PDF, made on the server from the same HTML with WeasyPrint (Debian's pango underneath,
`make pdf-libs`). It only reads the app's own static files: nothing is fetched from elsewhere."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it needs (pango) are not installed."""


def static_file(static_folder: str, url: str) -> Path:
    """The file under the static folder that ``url`` (…/static/…) names; ValueError for anything else."""
    root = Path(static_folder).resolve()
    path = urlsplit(url).path
    if not path.startswith("/static/"):
        raise ValueError(f"not fetched for the PDF: {url[:80]}")
    file = (root / path.removeprefix("/static/")).resolve()
    if root not in file.parents or not file.is_file():
        raise ValueError(f"no such static file: {path[:80]}")
    return file


def html_to_pdf(html: str, base_url: str, static_folder: str) -> bytes:
    try:
        # Imported here: without pango the app still starts, and only the PDF says it is missing.
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except (ImportError, OSError) as error:
        raise PdfUnavailable(str(error)) from error

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            file = static_file(static_folder, url)
            return URLFetcherResponse(url, file.read_bytes(),
                                      {"Content-Type": "text/css" if file.suffix == ".css" else "image/svg+xml"})

    return HTML(string=html, base_url=base_url, url_fetcher=StaticOnly()).write_pdf()

"""The interactive API docs render in a real browser from packaged assets only."""
from __future__ import annotations


def test_api_docs_render(page):
    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    # The paths are relative to the server /api/v1 (NL GOV ADR), which the page shows as the base URL.
    assert "/services" in paths and "/areas" in paths
    assert "/api/v1" in page.locator(".servers").inner_text()
    assert page.guard.foreign_requests == []
    csp_errors = [e for e in page.guard.errors if "Content Security Policy" in e]
    assert csp_errors == []

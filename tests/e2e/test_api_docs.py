"""The interactive API docs render in a real browser from packaged assets only."""
from __future__ import annotations


def test_api_docs_render(page):
    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/services" in paths and "/api/v1/areas" in paths
    assert page.guard.foreign_requests == []
    csp_errors = [e for e in page.guard.errors if "Content Security Policy" in e]
    assert csp_errors == []

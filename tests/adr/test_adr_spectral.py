"""The NL GOV API Design Rules, as Logius' own Spectral ruleset checks them (vendored in this folder,
see SOURCE.md), on our /api/v1 OpenAPI description: no error and no warning. The same as `make adr`."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tools.spectral.dump_openapi import openapi_document

ROOT = Path(__file__).resolve().parents[2]
SPECTRAL = ROOT / "tools" / "spectral" / "node_modules" / ".bin" / "spectral"
RULESET = Path(__file__).with_name("linter.yaml")


def test_spectral_finds_no_error_and_no_warning(tmp_path):
    if not SPECTRAL.exists():
        pytest.fail("Spectral is not installed: run `make adr` (npm ci in tools/spectral).")
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(openapi_document()), encoding="utf-8")
    run = subprocess.run([str(SPECTRAL), "lint", "--ruleset", str(RULESET), "--format", "json",
                          "--fail-severity", "hint", str(spec)], capture_output=True, text=True, timeout=300)
    results = json.loads(run.stdout[:run.stdout.rindex("]") + 1]) if "[" in run.stdout else None
    assert results == [], run.stdout[-3000:] + run.stderr[-2000:]
    assert run.returncode == 0


def test_the_vendored_ruleset_has_the_rules_of_the_issue():
    """The ruleset is Logius' file, unchanged: the rules the issue found broken are in it as errors."""
    text = RULESET.read_text(encoding="utf-8")
    for rule in ("nlgov:missing-version-header", "nlgov:include-major-version-in-uri",
                 "nlgov:specify-format-for-date-and-time", "nlgov:use-problem-schema"):
        assert f"  {rule}:\n    severity: error" in text, rule
    assert "6edd13c7661879b1b7231e6e1929cfa6506c85bc" in RULESET.with_name("SOURCE.md").read_text()

"""Without java and mvn the Neo4j half is skipped with a clear reason; in CI (CI=true) that skip
fails the run, so CI never passes without having tested the production store."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = "tests/integration/test_neo4j_driver.py::test_a_neo4j_routing_url_works_against_the_single_server"


def run(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess:
    empty = tmp_path / "leeg"
    empty.mkdir(exist_ok=True)
    env = {"PATH": str(empty), "HOME": str(tmp_path), "SOCIALEKAART_NEO4J_DIST": str(tmp_path / "geen-jars")}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp",
                           str(tmp_path / "t"), TARGET], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def test_without_java_the_neo4j_tests_skip_and_ci_fails_on_that(tmp_path):
    local = run(tmp_path, None)
    assert local.returncode == 0, local.stdout[-2000:]
    assert "1 skipped" in local.stdout and "java en mvn ontbreekt" in local.stdout, local.stdout[-2000:]
    ci = run(tmp_path, "true")
    assert ci.returncode == 1, ci.stdout[-2000:]
    assert "1 Neo4j-tests overgeslagen -- in CI telt dat als mislukt." in ci.stdout, ci.stdout[-2000:]

"""An apispec plugin that makes the OpenAPI description follow two NL GOV API Design Rules that
flask-smorest does not cover by itself:

- /core/uri-version: the server URL carries the major version (``/api/v1``), so the paths are
  written relative to it (``/services``, not ``/api/v1/services``);
- /core/version-header: every 2xx and 3xx answer documents the ``API-Version`` header (the app
  sends it on every answer, see web/app.py).
"""
from __future__ import annotations

from apispec import BasePlugin

API_VERSION_HEADER = "API-Version"
API_VERSION_HEADER_DOC = {
    "description": "De volledige versie van de API (semver), op elk antwoord.",
    "schema": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$", "example": "1.0.0"},
}


class AdrPlugin(BasePlugin):
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def init_spec(self, spec) -> None:
        super().init_spec(spec)
        spec.components.header(API_VERSION_HEADER, API_VERSION_HEADER_DOC)

    def path_helper(self, path=None, **kwargs):
        if path and path.startswith(self.prefix + "/"):
            return path[len(self.prefix):]
        return path

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for operation in (operations or {}).values():
            for status, response in operation.get("responses", {}).items():
                if str(status)[0] in "23" and isinstance(response, dict) and "$ref" not in response:
                    response.setdefault("headers", {})[API_VERSION_HEADER] = {
                        "$ref": f"#/components/headers/{API_VERSION_HEADER}"}


def nested_null_is_only_null(self, field, ret, **kwargs) -> dict:
    """apispec writes a nullable nested object as ``anyOf: [$ref, {type: object, nullable: true}]``: the
    second branch lets any object through on paper, so a client (or a fuzzer) may send keys the server
    refuses. The null branch says what the server takes there: null and nothing else."""
    for branch in ret.get("anyOf", []):
        if branch.get("nullable") and branch.get("type") == "object" and set(branch) == {"type", "nullable"}:
            branch["enum"] = [None]
    return {}

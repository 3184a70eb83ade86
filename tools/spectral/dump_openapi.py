"""Write the /api/v1 OpenAPI description to a file (or stdout), read from an app without a store:
reading the description needs none. Used by `make adr` to lint it with Spectral."""
from __future__ import annotations

import json
import sys

from socialekaart.shared.config import Settings
from web import create_app


def openapi_document() -> dict:
    app = create_app({"SETTINGS": Settings(graph_url="redis://127.0.0.1:1"), "TESTING": True})
    return app.test_client().get("/api/v1/openapi.json").get_json()


def main(argv: list[str]) -> int:
    text = json.dumps(openapi_document(), ensure_ascii=False, indent=2)
    if len(argv) > 1:
        with open(argv[1], "w", encoding="utf-8") as out:
            out.write(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

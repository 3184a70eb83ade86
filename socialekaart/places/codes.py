"""CBS area codes (gemeente GM0664, wijk WK066401, buurt BU06640101) and our regio codes (RG-zeeland):
one definition, used by the model, the importers and the API's parameter checks."""
from __future__ import annotations

import re

AREA_KINDS = ("regio", "gemeente", "wijk", "buurt")
# The body of each code's pattern, without anchors, so it can be combined and searched for in text.
CODE_BODIES = {"gemeente": r"GM\d{4}", "wijk": r"WK\d{6}", "buurt": r"BU\d{8}", "regio": r"RG[0-9A-Za-z-]{1,30}"}
CBS_CODE_PATTERNS = {kind: re.compile(f"^{body}$") for kind, body in CODE_BODIES.items()}
CBS_CODE_EXAMPLES = {"gemeente": "GM0664", "wijk": "WK066401", "buurt": "BU06640101", "regio": "RG-zeeland"}


def area_kind_of(code: str) -> str | None:
    """The kind of area a CBS code names, or None when it is no valid code."""
    for kind, pattern in CBS_CODE_PATTERNS.items():
        if pattern.match(code or ""):
            return kind
    return None


def parent_codes(buurt_code: str) -> tuple[str, str]:
    """Wijk and gemeente codes contained in a buurt code: BU06640101 -> (WK066401, GM0664)."""
    digits = buurt_code[2:]
    return f"WK{digits[:6]}", f"GM{digits[:4]}"


def code_regex(*kinds: str) -> str:
    """An anchored pattern (text) for a code of any of ``kinds``: for the API's parameter checks."""
    bodies = [CODE_BODIES[kind] for kind in kinds]
    return f"^{bodies[0]}$" if len(bodies) == 1 else "^(" + "|".join(bodies) + ")$"

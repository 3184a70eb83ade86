"""The map's colour classes, the same as the dashboard's script (web/static/js/dashboard.js, ``scale``):
class 0 (no supply) to 4 (at least 1.5 times the median), on the robust per-1,000 figure against the
one median of the server. Change both together; the browser test compares them."""
from __future__ import annotations

# The colours of web/static/css/dashboard.css (--inv-0 … --inv-4, --inv-leeg).
COLOURS = {0: "#7a1f14", 1: "#c0522f", 2: "#e8a05a", 3: "#9cc7a4", 4: "#2f7d4a", "leeg": "#d9ddd6"}
LEGEND = {0: "geen aanbod", 1: "minder dan de helft van het midden", 2: "onder het midden",
          3: "boven het midden", 4: "anderhalf keer het midden of meer", "leeg": "geen cijfer"}


def per_1000_class(value: float | None, median: float | None) -> int | str:
    """The colour class of a robust per-1,000 figure; "leeg" when there is none."""
    if value is None:
        return "leeg"
    if value == 0:
        return 0
    if not median:
        return 2
    if value < 0.5 * median:
        return 1
    if value < median:
        return 2
    if value < 1.5 * median:
        return 3
    return 4

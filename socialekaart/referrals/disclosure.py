"""The disclosure control of the network figures: the method lives in ``socialekaart.shared.disclosure``
(the lokale inventarisatie uses it too); these names stay here for the referral context."""
from __future__ import annotations

from socialekaart.shared.disclosure import (
    MAX_NOISE,
    THRESHOLD,
    Cell,
    Constraint,
    bounds,
    cell_key,
    exposed,
    noise,
    perturbed,
    protect,
)

__all__ = ["MAX_NOISE", "THRESHOLD", "Cell", "Constraint", "bounds", "cell_key", "exposed", "noise", "perturbed",
           "protect"]

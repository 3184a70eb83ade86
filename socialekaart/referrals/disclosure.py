"""The disclosure control of the network figures: the method lives in ``socialekaart.shared.disclosure``
(the lokale inventarisatie uses it too); these names stay here for the referral context."""
from __future__ import annotations

from socialekaart.shared.disclosure import THRESHOLD, Cell, Constraint, bounds, exposed, protect

__all__ = ["THRESHOLD", "Cell", "Constraint", "bounds", "exposed", "protect"]

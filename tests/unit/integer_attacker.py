"""The attacker of the disclosure tests: can the published counts, with their noise bounds, be explained
by whole numbers of referrals that put one more count inside a given range? Shared by the network and the
coverage attack tests (tests/unit/test_disclosure_across_filters.py, test_coverage_disclosure.py)."""
from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp


def solvable(matrix: np.ndarray, low: np.ndarray, high: np.ndarray, covers: np.ndarray, least: float,
             most: float) -> bool:
    """Whether some x >= 0 in whole numbers has ``low <= matrix @ x <= high`` and
    ``least <= covers @ x <= most``. The linear relaxation first: no solution there is none in whole
    numbers, and a whole one is an answer; only then the integer programme."""
    unknowns = matrix.shape[1]
    rows = np.vstack([matrix, covers])
    bounds_low, bounds_high = np.append(low, least), np.append(high, most)
    a_ub = np.vstack([rows, -rows])
    b_ub = np.append(bounds_high, -bounds_low)
    keep = np.isfinite(b_ub)
    relaxed = linprog(np.zeros(unknowns), A_ub=a_ub[keep], b_ub=b_ub[keep], bounds=(0, None), method="highs")
    if relaxed.status == 2:
        return False
    if relaxed.status == 0 and np.allclose(relaxed.x, np.round(relaxed.x), atol=1e-9):
        return True
    found = milp(np.zeros(unknowns), constraints=LinearConstraint(rows, bounds_low, bounds_high),
                 integrality=np.ones(unknowns), bounds=Bounds(0, np.inf))
    assert found.status in (0, 2), found.message  # 0: a solution, 2: none
    return bool(found.status == 0)

"""The README's table of demo accounts says what the demo data holds (no store needed)."""
from __future__ import annotations

import re
from pathlib import Path

from importers.demo.region import demo_region

README = Path(__file__).resolve().parents[2] / "README.md"


def _rows() -> dict[str, list[str]]:
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `(\w+)@demo\.example\.nl` \|", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in line.strip("|").split("|")]
    return rows


def test_readme_lists_each_demo_account_with_the_services_it_receives_for():
    region = demo_region()
    rows = _rows()
    assert set(rows) == {"swt", "welzijn", "beheer", "coordinator"}
    organizations = {o.id: o for o in region.organizations}
    for local, kind in (("swt", "sociaal-wijkteam"), ("welzijn", "welzijnsorganisatie")):
        _account, _password, role, organization, receives = rows[local]
        org_id = re.search(r"\(`([^`]+)`\)", organization).group(1)
        # accounts demo picks the first organisation of its kind in Goes (socialekaart/accounts/service.py)
        first = min(o.id for o in region.organizations if o.kind == kind and "gm0664" in o.id)
        assert role == "professional" and org_id == first
        assert organization.startswith(organizations[org_id].name)
        names = [s.name for s in region.services if s.organization_id == org_id and not s.confidential]
        assert receives.split("; ") == names
    assert rows["beheer"][3] == rows["welzijn"][3] and rows["beheer"][2] == "beheerder"
    assert rows["coordinator"][2] == "coordinator" and "RG-zeeland" in rows["coordinator"][3]

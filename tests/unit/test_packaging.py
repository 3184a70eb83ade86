"""The built wheel holds the product (domain, storage, importers, web and their data) and nothing of
the benchmark, the tests or the demo region generator (issue 12: those are not part of the package)."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_holds_the_product_and_not_the_bench_the_tests_or_the_demo_generator(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
                   check=True, capture_output=True, text=True)
    [wheel] = tmp_path.glob("socialekaart-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops - {wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info"} == \
        {"socialekaart", "graph", "importers", "web"}
    assert not [n for n in names if n.startswith(("bench/", "tests/", "importers/demo/"))]
    # the product's own data files and templates do ship
    assert any(n.startswith("socialekaart/places/data/") for n in names)
    assert any(n.startswith("web/") and n.endswith(".html") for n in names)
    assert "socialekaart/catalog/search.py" in names and "web/bootstrap.py" in names

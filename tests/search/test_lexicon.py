"""The lexicon a region edits: the shipped default, a region's own file, and `socialekaart lexicon check`."""
from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from socialekaart.catalog.lexicon import check, default_lexicon_text, load_lexicon
from socialekaart.catalog.service import Catalog
from socialekaart.catalog.understanding import understand
from socialekaart.shared.config import Settings
from web.cli import main

HEADER = "term\tkind\ttarget\tnote\n"


def test_the_shipped_lexicon_is_clean():
    assert check(default_lexicon_text()) == []


def test_the_setting_names_the_regions_file(tmp_path):
    assert Settings(data_dir=tmp_path).lexicon_path == tmp_path / "lexicon.tsv"
    own = tmp_path / "eigen.tsv"
    assert Settings.from_env({"SOCIALEKAART_LEXICON_FILE": str(own)}).lexicon_path == own


def test_a_regions_file_replaces_the_default_and_is_read_again_when_edited(tmp_path):
    path = tmp_path / "lexicon.tsv"
    assert load_lexicon(path).source == "standaard"  # no file yet: the default
    path.write_text(HEADER + "kermis\tleefgebied\ttijdsbesteding\t\n", encoding="utf-8")
    lexicon = load_lexicon(path)
    assert understand("kermis", lexicon).life_domains == ["tijdsbesteding"]
    assert understand("rekeningen", lexicon).life_domains == []  # replaced, not added to
    path.write_text(HEADER + "kermis\tleefgebied\tsociaal-netwerk\t\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 5))
    assert understand("kermis", load_lexicon(path)).life_domains == ["sociaal-netwerk"]


def test_the_catalog_searches_with_the_regions_lexicon(demo_runtime, tmp_path):
    path = tmp_path / "lexicon.tsv"
    path.write_text(HEADER + "kermis\tleefgebied\tverslaving\t\n", encoding="utf-8")
    catalog = Catalog(demo_runtime.store, demo_runtime.geocoder, lexicon_file=path)
    page = catalog.search(q="kermis", page_size=50)
    assert page.total > 0 and page.understood and page.understood.life_domains == ["verslaving"]
    assert all("verslaving" in hit.service.life_domains for hit in page.hits)
    assert all(any(r.startswith("past bij verslaving, om 'kermis'") for r in hit.match_reasons)
               for hit in page.hits)
    default = Catalog(demo_runtime.store, demo_runtime.geocoder, lexicon_file=tmp_path / "none.tsv")
    assert default.search(q="kermis").understood.life_domains == []


def test_lexicon_check_of_the_default_passes():
    result = CliRunner().invoke(main, ["lexicon", "check"], env={"SOCIALEKAART_DATA_DIR": "/nonexistent"})
    assert result.exit_code == 0, result.output
    assert "in orde" in result.output


def test_lexicon_check_names_every_problem_in_dutch(tmp_path):
    bad = tmp_path / "lexicon.tsv"
    bad.write_text(HEADER + "huur\tleefgebied\tgeldzaak\t\n"  # unknown code
                   "\tleefgebied\tgeldzaken\t\n"  # empty term
                   "Huur\tleefgebied\tgeldzaken\t\n"
                   "huur\tleefgebied\tgeldzaken\t\n"  # duplicate (case folded)
                   "oma\tdoelgroep\tgrootouders\t\n"  # unknown doelgroep
                   "x\tsoort\ty\t\n"  # unknown kind
                   "paniek\tcrisis\tpaniek\t\n",  # unknown crisis category
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["lexicon", "check", str(bad)])
    assert result.exit_code == 1
    output = result.output
    assert "6 problemen gevonden" in output
    assert "regel 2: onbekend leefgebied 'geldzaak'" in output and "regel 3: de term is leeg" in output
    assert "regel 5: dubbel" in output and "onbekende doelgroep 'grootouders'" in output
    assert "onbekende soort 'soort'" in output and "onbekende crisiscategorie 'paniek'" in output


def test_lexicon_check_of_a_missing_file(tmp_path):
    result = CliRunner().invoke(main, ["lexicon", "check", str(Path(tmp_path) / "weg.tsv")])
    assert result.exit_code == 1 and "bestaat niet" in result.output

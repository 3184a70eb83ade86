"""One understanding of an inwoner's words (socialekaart/catalog/understanding.py), pure domain."""
from __future__ import annotations

import pytest

from socialekaart.catalog import text as dutch
from socialekaart.catalog.understanding import understand


def test_folding_case_accents_and_punctuation():
    assert dutch.words("Cliënt-ondersteuning, GOES!") == ["client", "ondersteuning", "goes"]


@pytest.mark.parametrize("words, life_domain", [
    ("ik kan de huur niet betalen", "geldzaken"), ("rekeningen", "geldzaken"), ("ik drink te veel", "verslaving"),
    ("ik zorg voor mijn moeder", "dagelijkse-activiteiten"), ("opvoeden is zwaar", "opvoeding"),
    ("Ik voel me eenzaam", "sociaal-netwerk"), ("geldzorgen", "geldzaken"),
])
def test_everyday_words_name_a_leefgebied(words, life_domain):
    understood = understand(words)
    assert life_domain in understood.life_domains
    assert understood.because[life_domain]


def test_stopwords_are_not_searched_as_text():
    understood = understand("ik kan de huur niet betalen")
    assert "ik" not in understood.terms and "de" not in understood.terms and "niet" not in understood.terms
    assert "huur" in understood.terms


def test_only_stopwords_are_still_searched_as_text():
    assert understand("helpen").terms == ["help"]  # finds 'Buren Helpen Buren'; never everything


def test_inflections_compounds_and_typos():
    assert understand("mantelzorgers").life_domains == understand("mantelzorg").life_domains
    assert "mantelzorg" in understand("mantelzorger").terms  # finds 'mantelzorg' in a text too
    vocabulary = frozenset({"schuld", "hulp", "verlening", "mantelzorg", "ondersteuning"})
    assert dutch.split_compound("schuldhulpverlening", vocabulary) == ["schuld", "hulp", "verlening"]
    assert dutch.split_compound("mantelzorgondersteuning", vocabulary) == ["mantelzorg", "ondersteuning"]
    assert dutch.split_compound("schuldenhulp", vocabulary) == ["schuld", "hulp"]  # a tussen-en
    assert dutch.split_compound("schuldsanering", vocabulary) == ["schuld", "sanering"]  # an unknown tail
    assert "geldzaken" in understand("schuldhulpverlening").life_domains
    assert understand("verslavnig").corrections == {"verslavnig": "verslaving"}
    assert understand("opvoedng").life_domains == ["opvoeding"]
    assert "dementie" in understand("demetie").target_groups
    assert understand("huis").corrections == {}  # short words are never 'corrected'


def test_compounds_never_split_into_function_words():
    """'welzijnshuis' (an organisation's name) is not 'wel zijn huis', which read as Woning."""
    understood = understand("welzijnshuis dwarsdijk")
    assert understood.corrections == {}
    assert understood.life_domains == []
    assert "welzijnshuis" in understood.terms


def test_one_edit():
    assert dutch.within_one_edit("schieding", "scheiding")  # two neighbours swapped
    assert dutch.within_one_edit("depresie", "depressie")
    assert not dutch.within_one_edit("huur", "buren")


def test_place_names_say_where_not_what():
    understood = understand("schuldhulp middelburg", places=["Middelburg", "Goes"])
    assert understood.places == ["middelburg"] and not any(t.startswith("middel") for t in understood.terms)


def test_the_summary_is_one_short_line():
    line = understand("ik kan de huur niet betalen").summary()
    assert line.startswith("Gezocht op: Geldzaken (huur)") and "\n" not in line


def test_crisis_is_part_of_the_understanding():
    understood = understand("ik wil niet meer leven")
    assert understood.crisis and understood.crisis.categories == ("zelfmoord",)
    assert "geestelijke-gezondheid" in understood.life_domains
    assert understand("ruzie met de buren").crisis is None

"""Readability of service descriptions (issue 14): Flesch-Douma with Dutch syllables, the jargon list,
plain words for the public pages, and the share of the demo region's descriptions that pass."""
from __future__ import annotations

import pytest

from socialekaart.catalog import readability
from socialekaart.catalog.readability import PASS_SCORE, check, explanations, jargon_in, measure, plain_words


@pytest.mark.parametrize("word, count", [
    ("ik", 1), ("huis", 1), ("eenzaam", 2), ("buurthuis", 2), ("koffie", 2), ("vrijwilliger", 4),
    ("schuldhulpverlening", 5), ("activiteiten", 5), ("uitleg", 2), ("zorg", 1), ("112", 1),
])
def test_dutch_syllables_are_vowel_groups(word, count):
    assert readability.syllables(word) == count


def test_flesch_douma_formula():
    text = "Wij helpen u met geld. Bel ons als u vragen heeft. Het is gratis en u hoeft niets mee te nemen."
    found = measure(text)
    assert (found.words, found.sentences) == (21, 3)
    expected = 206.84 - 0.77 * (100 * found.syllables / found.words) - 0.93 * (found.words / found.sentences)
    assert found.score == pytest.approx(round(expected, 1))
    assert found.score >= PASS_SCORE and found.passes and check(text) == []


def test_a_hard_text_gets_warnings_not_errors():
    text = ("De maatwerkvoorziening wordt na een uitgebreide multidisciplinaire indicatiestelling door de "
            "gemeentelijke organisatie toegekend middels een beschikking conform de geldende verordening.")
    found = measure(text)
    assert found.score is not None and found.score < PASS_SCORE and not found.passes
    warnings = check(text)
    assert any("moeilijk te lezen" in w for w in warnings)
    assert any("'maatwerkvoorziening'" in w and "schrijf liever" in w for w in warnings)
    assert any("'beschikking'" in w and "'besluit'" in w for w in warnings)


def test_short_texts_get_no_score_and_long_sentences_a_warning():
    assert measure("Koffie en een praatje.").score is None
    long_one = " ".join(["Wij"] + ["helpen"] * 22) + "."
    assert measure(long_one).long_sentences == 1
    assert any("meer dan 20 woorden" in w for w in check(long_one))
    assert check("") == [] and check("   ") == []


def test_jargon_is_found_as_whole_words_only():
    assert jargon_in("Hiervoor heeft u een beschikking nodig. Geen indicatie.") == ["beschikking", "indicatie"]
    assert jargon_in("De indicatiestelling") == []  # not inside another word
    assert jargon_in("Een algemene voorziening in de wijk") == ["algemene voorziening"]


def test_plain_words_for_inwoners():
    assert plain_words("Hiervoor heeft u een beschikking van de gemeente nodig.") == \
        "Hiervoor heeft u een besluit van de gemeente nodig."
    assert plain_words("Beschikking nodig.") == "Besluit nodig."
    assert plain_words("U betaalt volgens de regels van de Wmo.") == "U betaalt volgens de regels van de gemeente."
    assert plain_words("Bel het Wmo-loket.") == "Bel het loket van de gemeente voor hulp en zorg."
    # A term without plain words stays, and gets a short explanation.
    assert plain_words("Hulp op grond van de Wmo.") == "Hulp op grond van de Wmo."
    assert explanations("Hulp op grond van de Wmo.") == [
        ("Wmo", "De Wmo is de wet over hulp en zorg thuis van de gemeente.")]
    assert explanations("Hiervoor heeft u een beschikking nodig.") == []


def test_share_of_demo_descriptions_that_pass():
    from importers.demo.region import demo_region

    services = demo_region().services
    results = [measure(s.description) for s in services]
    passing = sum(r.passes for r in results)
    share = passing / len(results)
    print(f"\n{passing} of {len(results)} demo descriptions pass ({share:.1%}); "
          f"{sum(1 for r in results if r.jargon)} use jargon, "
          f"{sum(1 for r in results if r.score is not None and r.score < PASS_SCORE)} score below {PASS_SCORE:.0f}")
    # Measured on the demo region of issue 14: 62.3% pass. Jargon (indicatie, beschikking) is the main cause.
    assert 0.55 <= share <= 0.70
    assert all(set(r.jargon) <= {"indicatie", "beschikking"} for r in results)

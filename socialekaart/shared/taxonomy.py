"""The vocabularies of the social domain, as data with stable codes and Dutch labels.

Codes are stable identifiers used in the API, the store and imports; labels are what people
read. ``explanation`` is one line in plain Dutch (B1) for inwoners.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    code: str
    label: str
    explanation: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rung(Term):
    # 0 is the lightest rung; search ranks lower levels first ("zo licht als mogelijk").
    level: int = 0
    sociale_basis: bool = True


# The support ladder, lightest first.
RUNGS: tuple[Rung, ...] = (
    Rung("eigen-kracht", "Eigen kracht en netwerk",
         "Hulp van familie, buren, vrienden of mantelzorgers.",
         ("netwerk", "mantelzorg", "eigen netwerk"), level=0),
    Rung("informeel", "Informele hulp",
         "Hulp van vrijwilligers en ervaringsdeskundigen. Gratis en zonder verwijzing.",
         ("vrijwilligers", "vrijwillig", "ervaringsdeskundigen"), level=1),
    Rung("voorliggend", "Algemene voorziening",
         "Hulp waar u zelf naartoe kunt, zoals welzijnswerk of maatschappelijk werk. Zonder verwijzing.",
         ("algemene voorziening", "voorliggende voorziening", "algemeen"), level=2),
    Rung("licht", "Lichte ondersteuning",
         "Korte hulp van het sociaal wijkteam zelf.",
         ("lichte ondersteuning", "wijkteam"), level=3, sociale_basis=False),
    Rung("maatwerk", "Maatwerkvoorziening",
         "Gespecialiseerde hulp. U krijgt die alleen via het sociaal wijkteam.",
         ("maatwerkvoorziening", "specialistisch", "beschikking"), level=4, sociale_basis=False),
)

# The 13 domains of the Zelfredzaamheid-Matrix (plain names, classic ZRM names as synonyms),
# plus opvoeding, which many gemeenten add.
LIFE_DOMAINS: tuple[Term, ...] = (
    Term("geldzaken", "Geldzaken", "Hulp bij geld, rekeningen, schulden en armoede.",
         ("financien", "financiën", "schulden", "armoede", "geld", "geldzorgen", "budget", "toeslagen")),
    Term("werk-opleiding", "Werk en opleiding", "Hulp bij werk zoeken, school of een opleiding.",
         ("werk", "opleiding", "dagbesteding werk", "school", "baan")),
    Term("tijdsbesteding", "Tijdsbesteding", "Iets leuks of zinvols doen met uw tijd.",
         ("vrije tijd", "hobby", "activiteiten")),
    Term("relaties-thuis", "Relaties thuis", "Hulp bij ruzie, scheiding of geweld in huis.",
         ("huiselijke relaties", "huiselijk geweld", "scheiding", "relatie")),
    Term("woning", "Woning", "Hulp bij een huis vinden of houden.",
         ("huisvesting", "wonen", "huis", "dakloos", "huur")),
    Term("geestelijke-gezondheid", "Geestelijke gezondheid", "Hulp als u zich somber, angstig of verward voelt.",
         ("ggz", "psychisch", "somber", "depressie", "angst", "dementie", "stress")),
    Term("lichamelijke-gezondheid", "Lichamelijke gezondheid", "Hulp bij ziekte, pijn of een beperking.",
         ("gezondheid", "ziek", "chronisch", "beperking")),
    Term("verslaving", "Verslaving", "Hulp bij alcohol, drugs, gokken of andere verslaving.",
         ("middelengebruik", "alcohol", "drugs", "gokken")),
    Term("zelfzorg", "Zelfzorg", "Hulp bij wassen, aankleden en eten.",
         ("basale adl", "adl", "persoonlijke verzorging", "verzorging")),
    Term("dagelijkse-activiteiten", "Dagelijkse activiteiten", "Hulp bij boodschappen, koken, schoonmaken en post.",
         ("instrumentele adl", "huishouden", "boodschappen", "administratie")),
    Term("sociaal-netwerk", "Sociaal netwerk", "Mensen ontmoeten en minder alleen zijn.",
         ("eenzaamheid", "eenzaam", "vereenzaming", "alleen", "contact", "ontmoeting")),
    Term("maatschappelijke-participatie", "Meedoen in de maatschappij",
         "Meedoen in uw buurt, vrijwilligerswerk of inburgering.",
         ("inzet voor de maatschappij", "maatschappelijke participatie", "participatie", "integratie",
          "inburgering", "vrijwilligerswerk", "meedoen")),
    Term("justitie", "Justitie", "Hulp bij politie, rechter of een boete.",
         ("justitie", "politie", "strafblad", "reclassering", "recht")),
    Term("opvoeding", "Opvoeding", "Hulp bij het opvoeden van kinderen.",
         ("opvoedingsvragen", "kinderen", "gezin", "opvoedondersteuning")),
)

TARGET_GROUPS: tuple[Term, ...] = (
    Term("jeugd", "Jeugd (0-17 jaar)", "Kinderen en jongeren tot 18 jaar.", ("jongeren", "kinderen")),
    Term("jongvolwassenen", "Jongvolwassenen", "Jongeren van 18 tot 27 jaar.", ("jong volwassenen",)),
    Term("ouders-gezinnen", "Ouders en gezinnen", "Ouders, verzorgers en hun gezin.", ("ouders", "gezinnen", "gezin")),
    Term("ouderen", "Ouderen", "Mensen van 65 jaar en ouder.", ("senioren", "65+")),
    Term("mantelzorgers", "Mantelzorgers", "Mensen die zorgen voor een naaste.", ("mantelzorg",)),
    Term("dementie", "Mensen met dementie", "Mensen met dementie en hun naasten.", ("mensen met dementie",)),
    Term("ggz-clienten", "Mensen met psychische klachten", "Mensen met psychische problemen.",
         ("ggz-cliënten", "ggz", "psychische problemen")),
    Term("lvb", "Mensen met een verstandelijke beperking", "Mensen met een (licht) verstandelijke beperking.",
         ("licht verstandelijke beperking", "verstandelijke beperking")),
    Term("lichamelijke-beperking", "Lichamelijke beperking of chronisch ziek",
         "Mensen met een lichamelijke beperking of een chronische ziekte.", ("chronisch ziek", "beperking")),
    Term("autisme", "Autisme", "Mensen met autisme.", ("ass",)),
    Term("nieuwkomers", "Nieuwkomers en statushouders", "Mensen die nieuw zijn in Nederland.",
         ("statushouders", "vluchtelingen", "nieuwkomers en statushouders")),
    Term("dak-thuislozen", "Dak- en thuislozen", "Mensen zonder vaste woonplek.", ("daklozen", "thuislozen")),
    Term("huiselijk-geweld", "Slachtoffers van huiselijk geweld", "Mensen die thuis geweld meemaken.",
         ("slachtoffers van huiselijk geweld",)),
    Term("schulden", "Mensen met schulden", "Mensen met geldproblemen of schulden.", ("mensen met schulden",)),
    Term("iedereen", "Iedereen", "Voor alle inwoners.", ("alle inwoners", "algemeen")),
)

# Kinds of organisation; formal unless listed in INFORMAL_KINDS.
ORGANIZATION_KINDS: tuple[Term, ...] = (
    Term("welzijnsorganisatie", "Welzijnsorganisatie", "Welzijnswerk, buurthuizen en ontmoeting."),
    Term("maatschappelijk-werk", "Maatschappelijk werk", "Hulp bij problemen thuis, met geld of met instanties."),
    Term("clientondersteuning", "Cliëntondersteuning", "Iemand die naast u staat en met u meedenkt.",
         ("cliëntondersteuning",)),
    Term("sociaal-wijkteam", "Sociaal wijkteam", "De eerste plek voor al uw vragen over hulp en zorg.",
         ("swt", "wijkteam", "buurtteam")),
    Term("huisarts", "Huisarts", "Uw huisarts en praktijkondersteuner."),
    Term("wijkverpleging", "Wijkverpleging", "Verpleging en verzorging bij u thuis."),
    Term("politie", "Politie", "De wijkagent."),
    Term("woningcorporatie", "Woningcorporatie", "Verhuurder van sociale huurwoningen."),
    Term("ggz", "GGZ", "Hulp bij psychische problemen."),
    Term("voedselbank", "Voedselbank", "Gratis eten voor wie het nodig heeft."),
    Term("schuldhulpverlening", "Schuldhulpverlening", "Hulp om uit de schulden te komen."),
    Term("vrijwilligersnetwerk", "Vrijwilligersnetwerk", "Vrijwilligers die mensen helpen."),
    Term("ervaringsdeskundigen", "Ervaringsdeskundigen", "Mensen die hetzelfde hebben meegemaakt."),
    Term("burgerinitiatief", "Burgerinitiatief", "Inwoners die samen iets opzetten."),
    Term("zorgaanbieder", "Zorgaanbieder", "Aanbieder van gespecialiseerde zorg en begeleiding.",
         ("maatwerkaanbieder",)),
    Term("gemeente", "Gemeente", "De gemeente."),
    Term("overig", "Overig", "Andere organisatie."),
)
INFORMAL_KINDS = frozenset({"vrijwilligersnetwerk", "ervaringsdeskundigen", "burgerinitiatief"})

COSTS: tuple[Term, ...] = (
    Term("gratis", "Gratis", "U betaalt niets."),
    Term("eigen-bijdrage", "Eigen bijdrage", "U betaalt een deel zelf."),
    Term("betaald", "Betaald", "U betaalt de kosten zelf."),
)

RUNG_BY_CODE = {r.code: r for r in RUNGS}
LIFE_DOMAIN_BY_CODE = {t.code: t for t in LIFE_DOMAINS}
TARGET_GROUP_BY_CODE = {t.code: t for t in TARGET_GROUPS}
ORGANIZATION_KIND_BY_CODE = {t.code: t for t in ORGANIZATION_KINDS}
COST_BY_CODE = {t.code: t for t in COSTS}


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse separators: 'Cliënt-ondersteuning' -> 'client ondersteuning'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    for sep in ("-", "_", "/", "&"):
        plain = plain.replace(sep, " ")
    return " ".join(plain.split())


def _index(terms: tuple[Term, ...]) -> dict[str, str]:
    index: dict[str, str] = {}
    for term in terms:
        for name in (term.code, term.label, *term.synonyms):
            index.setdefault(fold(name), term.code)
    return index


_LOOKUPS = {
    "rung": _index(RUNGS),
    "lifeDomain": _index(LIFE_DOMAINS),
    "targetGroup": _index(TARGET_GROUPS),
    "organizationKind": _index(ORGANIZATION_KINDS),
    "cost": _index(COSTS),
}


def resolve(vocabulary: str, text: str) -> str | None:
    """The code for a code, label or synonym (case- and accent-insensitive), or None."""
    return _LOOKUPS[vocabulary].get(fold(text))


def life_domains_in_words(text: str) -> list[str]:
    """Leefgebieden an inwoner's own words point at: 'ik heb geldzorgen' -> ['geldzaken']."""
    words = fold(text).split()
    phrases = set(words) | {" ".join(words[i:i + 2]) for i in range(len(words) - 1)}
    found: list[str] = []
    for term in LIFE_DOMAINS:
        names = {fold(n) for n in (term.code, term.label, *term.synonyms)}
        if names & phrases and term.code not in found:
            found.append(term.code)
    return found

"""Fictional demo data: organisations and services for any set of gemeenten and wijken.

Everything is made up (names, streets, phone numbers, e-mail on ``example.nl``) except the
places: located services sit at real PC6 centroids of their gemeente. The output is
deterministic for a seed: every gemeente draws from its own ``random.Random`` derived from
the seed and its CBS code, so adding a gemeente does not change the others.

Some gaps are made on purpose: per gemeente one or two "thin" leefgebieden get no service in
the sociale basis (eigen kracht, informeel, voorliggend); only the sociaal wijkteam covers
them. ``DemoData.thin`` lists those (wijk, leefgebied) pairs.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from socialekaart.catalog.model import Location, Organization, Service
from socialekaart.places.geocoding import PostcodePoint, PostcodeTable
from socialekaart.shared import taxonomy
from socialekaart.shared.hours import WeeklyHours

SOURCE = "demo"
SERVICES_PER_10000 = 42
MIN_SERVICES = 40
OPVANG_MIN_POPULATION = 30_000  # a vrouwenopvang only in the larger gemeenten
THIN_CANDIDATES = ("sociaal-netwerk", "geldzaken", "opvoeding", "verslaving", "woning", "werk-opleiding")
# Goes, Middelburg, Vlissingen: the demo promises good results for geldzaken and sociaal netwerk.
WELL_COVERED = {"GM0664": ("geldzaken", "sociaal-netwerk"),
                "GM0687": ("geldzaken", "sociaal-netwerk"),
                "GM0718": ("geldzaken", "sociaal-netwerk")}
SOCIALE_BASIS = ("eigen-kracht", "informeel", "voorliggend")
AREA_CODES = {"borsele": "0113", "goes": "0113", "kapelle": "0113", "reimerswaal": "0113",
              "noord beveland": "0113", "middelburg": "0118", "vlissingen": "0118", "veere": "0118",
              "terneuzen": "0115", "hulst": "0114", "sluis": "0117", "tholen": "0166",
              "schouwen duiveland": "0111"}
DEFAULT_AREA_CODE = "0118"
RECENT_CHECK = (date(2025, 12, 1), date(2026, 10, 31))
OLD_CHECK = (date(2024, 1, 1), date(2025, 10, 31))
SHARE_OLD_CHECK = 0.2


@dataclass(frozen=True)
class DemoData:
    organizations: list[Organization]
    services: list[Service]
    thin: list[tuple[str, str]]  # (wijk code, leefgebied code) left thin on purpose


# --- the catalogue --------------------------------------------------------------------------

@dataclass(frozen=True)
class Offer:
    """A kind of service an organisation can offer."""
    key: str
    name: str  # "{place}" becomes the town (located) or the gemeente (werkgebied)
    rung: str
    domains: tuple[str, ...]  # candidates, the core one first
    what: str  # plain Dutch: what it is, no full stop
    groups: tuple[str, ...] = ("iedereen",)
    ages: tuple[int | None, int | None] = (None, None)
    costs: tuple[str, ...] = ("gratis",)
    hours: str = "kantoor"
    placement: str = "located"  # located | werkgebied | both | swt
    wait: tuple[int, int] | None = None
    crisis: bool = False
    confidential: bool = False
    core_only: bool = False  # only where the core of a gemeente asks for it


@dataclass(frozen=True)
class Profile:
    """A kind of organisation: its names, what it says about itself and what it offers."""
    key: str
    kind: str
    names: tuple[str, ...]
    about: str
    offers: tuple[Offer, ...]
    services: tuple[int, int] = (1, 3)  # how many offers an extra organisation takes
    weight: int = 0  # how often the fill picks it; 0 = core only
    spread: bool = False  # each service at its own place instead of the organisation's home

    def offer(self, key: str) -> Offer:
        return next(o for o in self.offers if o.key == key)


JEUGD = (0, 17)
OUDEREN = (65, None)

SWT = Profile(
    "swt", "sociaal-wijkteam", ("Sociaal wijkteam {gemeente}",),
    "Het sociaal wijkteam is de eerste plek voor alle vragen over hulp en zorg in {gemeente}.",
    (
        Offer("vraag", "Sociaal wijkteam {place}: vragen en advies", "licht",
              ("sociaal-netwerk", "tijdsbesteding", "maatschappelijke-participatie"),
              "Het wijkteam luistert naar uw vraag en zoekt samen met u de hulp die past", placement="swt"),
        Offer("geld", "Wijkteam {place}: geld en werk", "licht", ("geldzaken", "werk-opleiding"),
              "Een medewerker van het wijkteam helpt u kort op weg met rekeningen, schulden of werk",
              placement="swt"),
        Offer("gezin", "Wijkteam {place}: gezin en opvoeding", "licht", ("opvoeding", "relaties-thuis"),
              "Korte hulp als het thuis niet lekker loopt of als u vragen heeft over uw kinderen",
              groups=("ouders-gezinnen", "jeugd"), placement="swt"),
        Offer("wonen", "Wijkteam {place}: wonen en veiligheid", "licht", ("woning", "justitie"),
              "Hulp als u uw huis dreigt kwijt te raken of te maken heeft met politie of justitie",
              placement="swt"),
        Offer("zorg", "Wijkteam {place}: zorg en redzaamheid thuis", "licht",
              ("lichamelijke-gezondheid", "zelfzorg", "dagelijkse-activiteiten"),
              "Het wijkteam kijkt met u wat u thuis nodig heeft om goed voor uzelf te zorgen",
              groups=("iedereen", "ouderen"), placement="swt"),
        Offer("psyche", "Wijkteam {place}: psychische klachten en verslaving", "licht",
              ("geestelijke-gezondheid", "verslaving"),
              "Een eerste gesprek als u zich somber voelt, vastloopt of te veel drinkt of gebruikt",
              groups=("iedereen", "ggz-clienten"), placement="swt"),
    ),
)

WELZIJN = Profile(
    "welzijn", "welzijnsorganisatie",
    ("Welzijnshuis {word}", "Stichting Welzijn {word}", "Welzijnskring {word}"),
    "{name} organiseert welzijnswerk, buurthuizen en ontmoeting in {gemeente}.",
    (
        Offer("buurthuis", "Buurthuis De {small} {place}", "voorliggend",
              ("sociaal-netwerk", "tijdsbesteding", "maatschappelijke-participatie"),
              "Een buurthuis voor koffie, activiteiten en een praatje met buurtgenoten", hours="buurthuis"),
        Offer("familieberaad", "Familienetwerkberaad", "eigen-kracht",
              ("relaties-thuis", "sociaal-netwerk", "opvoeding"),
              "U maakt samen met familie, vrienden en buren een plan voor uw situatie",
              groups=("iedereen", "ouders-gezinnen"), placement="werkgebied"),
        Offer("inloop", "Koffie-inloop {place}", "voorliggend", ("sociaal-netwerk", "tijdsbesteding"),
              "Loop binnen voor een kop koffie en een gesprek, zonder afspraak", hours="groep"),
        Offer("ouderenwerk", "Ouderenwerk {place}", "voorliggend",
              ("sociaal-netwerk", "dagelijkse-activiteiten", "tijdsbesteding"),
              "Activiteiten en een luisterend oor voor ouderen die thuis wonen", groups=("ouderen",),
              ages=OUDEREN, placement="both"),
        Offer("jongerenwerk", "Jongerenwerk {place}", "voorliggend",
              ("tijdsbesteding", "maatschappelijke-participatie", "werk-opleiding"),
              "Jongerenwerkers organiseren activiteiten en helpen jongeren met school en werk",
              groups=("jeugd",), ages=(12, 17), hours="buurthuis"),
        Offer("opvoedspreekuur", "Opvoedspreekuur {place}", "voorliggend", ("opvoeding", "relaties-thuis"),
              "Stel uw vragen over opvoeden aan een ervaren opvoedadviseur", groups=("ouders-gezinnen",),
              hours="spreekuur"),
        Offer("formulierenhulp", "Formulierenhulp {place}", "voorliggend",
              ("geldzaken", "dagelijkse-activiteiten"),
              "Hulp bij het invullen van formulieren, toeslagen en brieven van instanties",
              groups=("iedereen", "schulden"), hours="spreekuur"),
        Offer("taalcafe", "Taalcafé {place}", "voorliggend",
              ("maatschappelijke-participatie", "sociaal-netwerk", "werk-opleiding"),
              "Oefen Nederlands praten met andere inwoners in een ontspannen sfeer",
              groups=("nieuwkomers",), hours="groep"),
        Offer("samen-eten", "Samen eten in {place}", "voorliggend", ("sociaal-netwerk", "zelfzorg"),
              "Elke week een warme maaltijd met anderen voor een kleine prijs", groups=("iedereen", "ouderen"),
              costs=("betaald", "gratis"), hours="groep"),
    ),
    services=(2, 5), weight=14, spread=True,
)

VRIJWILLIGERS = Profile(
    "vrijwilligers", "vrijwilligersnetwerk",
    ("Vrijwilligerscentrale {word}", "Vrijwilligersnetwerk {word}", "Burenkracht {word}"),
    "{name} brengt vrijwilligers en inwoners die hulp zoeken bij elkaar in {gemeente}.",
    (
        Offer("maatjes", "Maatjesproject {place}", "informeel", ("sociaal-netwerk", "tijdsbesteding"),
              "Een vrijwilliger komt regelmatig langs voor een wandeling, een spelletje of een gesprek",
              groups=("iedereen", "ouderen", "ggz-clienten"), hours="vrijwillig", placement="werkgebied"),
        Offer("ouderenadviseurs", "Vrijwillige ouderenadviseurs {place}", "informeel",
              ("dagelijkse-activiteiten", "sociaal-netwerk", "geldzaken"),
              "Getrainde vrijwilligers bezoeken ouderen thuis en denken mee over wonen, geld en contacten",
              groups=("ouderen",), ages=OUDEREN, hours="vrijwillig", placement="werkgebied"),
        Offer("mantelzorgsteunpunt", "Mantelzorgsteunpunt {place}", "informeel",
              ("dagelijkse-activiteiten", "sociaal-netwerk", "geestelijke-gezondheid"),
              "Steun, informatie en af en toe een adempauze voor mensen die zorgen voor een naaste",
              groups=("mantelzorgers",), hours="spreekuur"),
        Offer("logeeradres", "Logeeradres bij een gastgezin", "informeel", ("dagelijkse-activiteiten", "zelfzorg"),
              "Uw naaste logeert een weekend bij een vrijwilliger thuis, zodat u even op adem kunt komen",
              groups=("mantelzorgers", "dementie", "lvb"), hours="", confidential=True),
        Offer("huiskamer", "Huiskamer bij een vrijwilliger thuis", "informeel",
              ("sociaal-netwerk", "tijdsbesteding"),
              "Een kleine groep buurtgenoten komt samen in de woonkamer van een vrijwilliger",
              groups=("ouderen", "iedereen"), hours="groep", confidential=True),
        Offer("thuisadministratie", "Thuisadministratie {place}", "informeel",
              ("geldzaken", "dagelijkse-activiteiten"),
              "Een vrijwilliger helpt u thuis om uw post, rekeningen en papieren op orde te krijgen",
              groups=("iedereen", "schulden"), hours="vrijwillig", placement="werkgebied"),
        Offer("geldmaatje", "Geldmaatje {place}", "informeel", ("geldzaken",),
              "Een vrijwilliger staat naast u als u geldzorgen of schulden heeft",
              groups=("schulden",), hours="vrijwillig", placement="werkgebied"),
        Offer("vervoer", "Vrijwillige vervoersdienst {place}", "informeel",
              ("dagelijkse-activiteiten", "tijdsbesteding"),
              "Vrijwilligers rijden u naar de dokter, de winkel of een bezoek",
              groups=("ouderen", "lichamelijke-beperking"), costs=("betaald", "gratis"), hours="vrijwillig",
              placement="werkgebied"),
        Offer("klussen", "Klussendienst {place}", "informeel", ("woning", "dagelijkse-activiteiten"),
              "Vrijwilligers doen kleine klussen in en om uw huis", groups=("ouderen", "iedereen"),
              hours="vrijwillig", placement="werkgebied"),
        Offer("taalmaatje", "Taalmaatjes {place}", "informeel",
              ("maatschappelijke-participatie", "werk-opleiding"),
              "Een vrijwilliger oefent met u de Nederlandse taal en helpt u de weg te vinden",
              groups=("nieuwkomers",), hours="vrijwillig", placement="both"),
        Offer("gezinsmaatje", "Gezinsmaatje {place}", "informeel", ("opvoeding", "sociaal-netwerk"),
              "Een ervaren ouder komt wekelijks bij u thuis en denkt mee over het gezin",
              groups=("ouders-gezinnen",), hours="vrijwillig", placement="werkgebied"),
        Offer("jobmaatje", "Werkmaatje {place}", "informeel", ("werk-opleiding", "maatschappelijke-participatie"),
              "Een vrijwilliger helpt u bij het zoeken naar werk of een opleiding",
              groups=("jongvolwassenen", "iedereen"), hours="vrijwillig", placement="werkgebied"),
        Offer("woonmaatje", "Woonmaatje {place}", "informeel", ("woning", "dagelijkse-activiteiten"),
              "Een vrijwilliger helpt u bij het zoeken naar een woning en het wennen in een nieuw huis",
              groups=("iedereen", "dak-thuislozen"), hours="vrijwillig", placement="werkgebied"),
    ),
    services=(1, 4), weight=14, spread=True,
)

ERVARING = Profile(
    "ervaring", "ervaringsdeskundigen",
    ("Ervaringswerkplaats {word}", "Herstelkring {word}", "Lotgenotennetwerk {word}"),
    "Bij {name} helpen mensen die zelf iets hebben meegemaakt anderen in {gemeente}.",
    (
        Offer("herstelgroep", "Herstelgroep {place}", "informeel", ("geestelijke-gezondheid", "sociaal-netwerk"),
              "Een groep onder leiding van ervaringsdeskundigen voor mensen met psychische klachten",
              groups=("ggz-clienten",), hours="groep"),
        Offer("verslaving", "Lotgenotengroep verslaving {place}", "informeel",
              ("verslaving", "geestelijke-gezondheid"),
              "Praat met mensen die ook stoppen of minderen met alcohol, drugs of gokken", hours="groep"),
        Offer("geldzorgen", "Ervaringsdeskundige bij geldzorgen", "informeel",
              ("geldzaken", "geestelijke-gezondheid"),
              "Iemand die zelf schulden had, helpt u de eerste stap te zetten", groups=("schulden",),
              hours="vrijwillig", placement="werkgebied"),
        Offer("dementie", "Lotgenotencontact dementie {place}", "informeel",
              ("geestelijke-gezondheid", "sociaal-netwerk"),
              "Mensen met dementie en hun naasten delen ervaringen en tips",
              groups=("dementie", "mantelzorgers"), hours="groep"),
        Offer("herstelcafe", "Herstelcafé {place}", "informeel", ("geestelijke-gezondheid", "tijdsbesteding"),
              "Een inloop waar u zonder afspraak terecht kunt voor steun en ontmoeting",
              groups=("ggz-clienten", "iedereen"), hours="groep"),
        Offer("dakloos", "Ervaringsdeskundige wonen", "informeel", ("woning", "geestelijke-gezondheid"),
              "Iemand die zelf dakloos was, helpt u op weg naar een eigen plek",
              groups=("dak-thuislozen",), hours="vrijwillig", placement="werkgebied"),
        Offer("rouw", "Lotgenotengroep rouw en scheiding {place}", "informeel",
              ("relaties-thuis", "geestelijke-gezondheid"),
              "Een groep voor mensen die een dierbare verloren of gaan scheiden", hours="groep"),
    ),
    services=(1, 3), weight=5,
)

BURGER = Profile(
    "burger", "burgerinitiatief",
    ("Bewonersinitiatief {word}", "Buurtcoöperatie {word}", "Dorpsinitiatief {word}"),
    "{name} is een initiatief van inwoners die samen iets voor hun buurt doen in {gemeente}.",
    (
        Offer("burenhulp", "Burenhulp-app {place}", "eigen-kracht", ("dagelijkse-activiteiten", "sociaal-netwerk"),
              "Vraag en bied hulp aan buren via een eenvoudige app, bijvoorbeeld voor boodschappen of een lift",
              hours="", placement="werkgebied"),
        Offer("repaircafe", "Repair café {place}", "informeel",
              ("tijdsbesteding", "sociaal-netwerk", "geldzaken"),
              "Samen kapotte spullen repareren met handige buurtgenoten", hours="groep"),
        Offer("moestuin", "Buurtmoestuin {place}", "informeel",
              ("tijdsbesteding", "maatschappelijke-participatie"),
              "Tuinieren met buurtgenoten en de oogst samen delen", hours="groep"),
        Offer("huiskamer", "Dorpshuiskamer {place}", "informeel", ("sociaal-netwerk", "tijdsbesteding"),
              "Een gezellige plek in het dorp om elkaar te ontmoeten", groups=("iedereen", "ouderen"),
              hours="groep"),
        Offer("weggeefwinkel", "Weggeefwinkel {place}", "informeel", ("geldzaken", "dagelijkse-activiteiten"),
              "Haal gratis kleding en spullen die buurtgenoten niet meer nodig hebben",
              groups=("iedereen", "schulden"), hours="uitgifte"),
        Offer("boodschappen", "Boodschappenhulp door buren", "eigen-kracht", ("dagelijkse-activiteiten",),
              "Buren doen boodschappen voor wie dat even niet zelf kan", groups=("ouderen", "iedereen"),
              hours="", placement="werkgebied"),
        Offer("buurtvaders", "Buurtouders {place}", "informeel", ("opvoeding", "justitie"),
              "Ouders uit de buurt houden een oogje in het zeil en praten met jongeren op straat",
              groups=("jeugd", "ouders-gezinnen"), placement="werkgebied", hours=""),
        Offer("mantelzorgcafe", "Mantelzorgcafé {place}", "eigen-kracht",
              ("sociaal-netwerk", "geestelijke-gezondheid"),
              "Mantelzorgers ontmoeten elkaar en wisselen tips uit", groups=("mantelzorgers",), hours="groep"),
    ),
    services=(1, 2), weight=9,
)

AMW = Profile(
    "amw", "maatschappelijk-werk",
    ("Maatschappelijk werk {word}", "Stichting Hulpwijzer {word}"),
    "{name} biedt maatschappelijk werk voor inwoners van {gemeente}.",
    (
        Offer("amw", "Algemeen maatschappelijk werk {place}", "voorliggend",
              ("relaties-thuis", "geldzaken", "geestelijke-gezondheid"),
              "Een maatschappelijk werker helpt bij problemen thuis, met geld of met instanties",
              placement="both"),
        Offer("inloop", "Inloopspreekuur maatschappelijk werk {place}", "voorliggend",
              ("geldzaken", "woning", "relaties-thuis"),
              "Kom zonder afspraak langs met uw vraag of brief", hours="spreekuur"),
        Offer("school", "Schoolmaatschappelijk werk {place}", "voorliggend", ("opvoeding", "werk-opleiding"),
              "Hulp voor leerlingen en ouders als het op school of thuis niet goed gaat",
              groups=("jeugd", "ouders-gezinnen"), ages=(4, 17), placement="werkgebied"),
        Offer("scheiding", "Hulp bij scheiding {place}", "voorliggend", ("relaties-thuis", "opvoeding"),
              "Gesprekken voor ouders die uit elkaar gaan, met aandacht voor de kinderen",
              groups=("ouders-gezinnen",)),
        Offer("huiselijk-geweld", "Steunpunt huiselijk geweld {place}", "voorliggend",
              ("relaties-thuis", "geestelijke-gezondheid"),
              "Advies en hulp als er thuis geweld is of als u zich zorgen maakt over iemand",
              groups=("huiselijk-geweld",)),
        Offer("budgetcursus", "Cursus grip op geld {place}", "voorliggend", ("geldzaken",),
              "In vier avonden leert u een budget maken en geld overhouden", groups=("iedereen", "schulden"),
              hours="groep"),
    ),
    services=(1, 3), weight=5,
)

CLIENTONDERSTEUNING = Profile(
    "co", "clientondersteuning",
    ("Cliëntondersteuning {word}", "Naast U {word}", "Meedenkers {word}"),
    "{name} helpt inwoners van {gemeente} de weg te vinden in zorg en ondersteuning.",
    (
        Offer("ocmo", "Onafhankelijke cliëntondersteuning {place}", "voorliggend",
              ("dagelijkse-activiteiten", "zelfzorg", "maatschappelijke-participatie"),
              "Een cliëntondersteuner denkt met u mee en gaat mee naar het gesprek met de gemeente",
              placement="both"),
        Offer("keukentafel", "Cliëntondersteuning aan huis", "voorliggend",
              ("dagelijkse-activiteiten", "lichamelijke-gezondheid"),
              "Een cliëntondersteuner komt bij u thuis om uw vraag rustig op een rij te zetten",
              groups=("ouderen", "lichamelijke-beperking"), placement="werkgebied"),
        Offer("beperking", "Cliëntondersteuning bij een beperking {place}", "voorliggend",
              ("zelfzorg", "maatschappelijke-participatie", "werk-opleiding"),
              "Ondersteuning voor mensen met een verstandelijke of lichamelijke beperking en hun naasten",
              groups=("lvb", "lichamelijke-beperking", "autisme")),
        Offer("bezwaar", "Hulp bij bezwaar en klachten {place}", "voorliggend", ("justitie", "geldzaken"),
              "Hulp als u het niet eens bent met een besluit en bezwaar wilt maken", hours="spreekuur"),
    ),
    services=(1, 2), weight=5,
)

SCHULDHULP = Profile(
    "schuldhulp", "schuldhulpverlening",
    ("Geldwijzer {word}", "Schuldhulp {word}", "Budgetpunt {word}"),
    "{name} helpt inwoners van {gemeente} met geldzorgen en schulden.",
    (
        Offer("spreekuur", "Schuldhulp-spreekuur {place}", "voorliggend", ("geldzaken",),
              "Kom langs met uw rekeningen en brieven; we kijken samen wat nodig is",
              groups=("schulden", "iedereen"), hours="spreekuur"),
        Offer("traject", "Schuldhulpverlening {place}", "maatwerk", ("geldzaken",),
              "Een schuldhulpverlener maakt met u een plan om uit de schulden te komen",
              groups=("schulden",), placement="both", wait=(2, 8)),
        Offer("budgetbeheer", "Budgetbeheer {place}", "maatwerk", ("geldzaken", "dagelijkse-activiteiten"),
              "Wij betalen uw vaste lasten voor u, zodat er geen nieuwe schulden bijkomen",
              groups=("schulden",), costs=("gratis", "eigen-bijdrage"), wait=(1, 6)),
        Offer("vroegsignalering", "Vroeg erop af {place}", "voorliggend", ("geldzaken", "woning"),
              "Als u een betaalachterstand heeft bij huur of energie, nemen wij snel contact op",
              groups=("schulden",), placement="werkgebied"),
    ),
    services=(1, 2), weight=3,
)

VOEDSELBANK = Profile(
    "voedsel", "voedselbank",
    ("Voedselhulp {word}", "Stichting Voedselpakket {word}"),
    "{name} geeft voedselpakketten aan huishoudens in {gemeente} die het even niet redden.",
    (
        Offer("pakket", "Uitgiftepunt voedselpakketten {place}", "voorliggend",
              ("geldzaken", "zelfzorg", "dagelijkse-activiteiten"),
              "Elke week een gratis pakket met eten voor wie weinig geld heeft",
              groups=("schulden", "ouders-gezinnen"), hours="uitgifte"),
        Offer("kledingbank", "Kledingbank {place}", "voorliggend", ("geldzaken", "dagelijkse-activiteiten"),
              "Gratis kleding voor kinderen en volwassenen met een kleine beurs",
              groups=("schulden", "ouders-gezinnen"), hours="uitgifte"),
    ),
    services=(1, 2), weight=2, spread=True,
)

HUISARTS = Profile(
    "huisarts", "huisarts",
    ("Huisartsenpraktijk {word}", "Gezondheidscentrum {word}", "Huisartsen {word}"),
    "{name} is een huisartsenpraktijk in {gemeente}.",
    (
        Offer("huisarts", "Huisartsenpraktijk {word}", "voorliggend",
              ("lichamelijke-gezondheid", "geestelijke-gezondheid"),
              "Uw huisarts voor vragen over uw gezondheid", hours="huisarts"),
        Offer("poh-ggz", "Praktijkondersteuner GGZ {word}", "voorliggend",
              ("geestelijke-gezondheid", "verslaving"),
              "Gesprekken met de praktijkondersteuner bij stress, somberheid of angst", hours="huisarts"),
        Offer("poh-ouderen", "Praktijkondersteuner ouderenzorg {word}", "voorliggend",
              ("lichamelijke-gezondheid", "zelfzorg"),
              "De praktijkondersteuner komt bij kwetsbare ouderen thuis en houdt een oogje in het zeil",
              groups=("ouderen",), ages=OUDEREN, hours="huisarts"),
        Offer("welzijn-op-recept", "Welzijn op recept {word}", "voorliggend",
              ("sociaal-netwerk", "tijdsbesteding", "geestelijke-gezondheid"),
              "De huisarts verwijst u naar activiteiten in de buurt als u zich eenzaam of somber voelt",
              hours="huisarts"),
    ),
    services=(1, 3), weight=12,
)

WIJKVERPLEGING = Profile(
    "wijkzorg", "wijkverpleging",
    ("Wijkzorg {word}", "Thuiszorgteam {word}"),
    "{name} geeft verpleging en verzorging bij mensen thuis in {gemeente}.",
    (
        Offer("wijkverpleging", "Wijkverpleging {place}", "voorliggend", ("lichamelijke-gezondheid", "zelfzorg"),
              "Een wijkverpleegkundige helpt u thuis met verzorging en verpleging",
              groups=("ouderen", "lichamelijke-beperking"), placement="both"),
        Offer("huishoudelijke-hulp", "Huishoudelijke hulp {place}", "maatwerk", ("dagelijkse-activiteiten",),
              "Hulp bij het schoonhouden van uw huis als u dat zelf niet meer kunt",
              groups=("ouderen", "lichamelijke-beperking"), costs=("eigen-bijdrage",), placement="werkgebied",
              wait=(1, 6)),
        Offer("dementieconsulent", "Casemanager dementie {place}", "voorliggend",
              ("geestelijke-gezondheid", "zelfzorg"),
              "Een vaste casemanager begeleidt mensen met dementie en hun naasten",
              groups=("dementie", "mantelzorgers"), placement="werkgebied"),
        Offer("alarm", "Personenalarmering {place}", "eigen-kracht", ("lichamelijke-gezondheid", "zelfzorg"),
              "Met een alarmknop haalt u snel hulp als u thuis valt", groups=("ouderen",),
              costs=("betaald",), hours="altijd", placement="werkgebied"),
    ),
    services=(1, 3), weight=8,
)

GGZ = Profile(
    "ggz", "ggz",
    ("GGZ {word}", "Psychologenpraktijk {word}", "Centrum Geestkracht {word}"),
    "{name} biedt hulp bij psychische problemen in {gemeente}.",
    (
        Offer("crisis", "Crisisdienst GGZ {place}", "maatwerk", ("geestelijke-gezondheid", "verslaving"),
              "Dag en nacht hulp bij een psychische crisis, via de huisarts of de huisartsenpost",
              groups=("ggz-clienten", "iedereen"), hours="altijd", placement="both", crisis=True, core_only=True),
        Offer("crisislijn", "Crisislijn {place}", "voorliggend", ("geestelijke-gezondheid",),
              "Bel dag en nacht als u het even niet meer ziet zitten", hours="altijd", placement="werkgebied",
              crisis=True, core_only=True),
        Offer("basis-ggz", "Behandeling basis-GGZ {place}", "maatwerk", ("geestelijke-gezondheid",),
              "Kortdurende behandeling bij angst, depressie of trauma", groups=("ggz-clienten",),
              costs=("eigen-bijdrage", "gratis"), wait=(4, 16)),
        Offer("verslavingszorg", "Verslavingszorg {place}", "maatwerk", ("verslaving", "geestelijke-gezondheid"),
              "Behandeling en begeleiding bij problemen met alcohol, drugs of gokken", wait=(2, 10)),
        Offer("beschermd-wonen", "Beschermd wonen {place}", "maatwerk", ("woning", "geestelijke-gezondheid"),
              "Een woonplek met begeleiding voor mensen met ernstige psychische problemen",
              groups=("ggz-clienten",), costs=("eigen-bijdrage",), wait=(8, 30)),
        Offer("inloop", "GGZ-inloop {place}", "voorliggend", ("geestelijke-gezondheid", "tijdsbesteding"),
              "Een laagdrempelige inloop voor mensen met psychische klachten", groups=("ggz-clienten",),
              hours="groep"),
        Offer("jeugd-ggz", "Jeugd-GGZ {place}", "maatwerk", ("geestelijke-gezondheid", "opvoeding"),
              "Behandeling voor kinderen en jongeren met psychische problemen", groups=("jeugd",), ages=JEUGD,
              wait=(6, 20)),
    ),
    services=(1, 3), weight=6,
)

ZORG = Profile(
    "zorg", "zorgaanbieder",
    ("Zorggroep {word}", "Begeleidingsdienst {word}", "Zorgboerderij {word}", "Stichting {word} Zorg"),
    "{name} biedt begeleiding en dagbesteding in {gemeente}.",
    (
        Offer("begeleiding", "Individuele begeleiding {place}", "maatwerk",
              ("dagelijkse-activiteiten", "zelfzorg", "sociaal-netwerk"),
              "Een begeleider helpt u thuis om uw dag en uw huishouden te regelen",
              groups=("lvb", "ggz-clienten", "autisme"), costs=("gratis", "eigen-bijdrage"), placement="both",
              wait=(2, 12)),
        Offer("dagbesteding", "Dagbesteding {word}", "maatwerk",
              ("tijdsbesteding", "maatschappelijke-participatie", "werk-opleiding"),
              "Zinvol bezig zijn overdag, in een groep met vaste begeleiders",
              groups=("lvb", "ggz-clienten"), costs=("eigen-bijdrage", "gratis"), hours="dag", wait=(2, 10)),
        Offer("dagbesteding-ouderen", "Dagbesteding ouderen {place}", "maatwerk",
              ("tijdsbesteding", "sociaal-netwerk", "zelfzorg"),
              "Een dagprogramma voor ouderen en mensen met dementie, zodat de mantelzorger even rust heeft",
              groups=("ouderen", "dementie"), ages=OUDEREN, costs=("eigen-bijdrage",), hours="dag", wait=(1, 8)),
        Offer("hulpmiddelen", "Hulpmiddelen en woningaanpassing {place}", "maatwerk",
              ("lichamelijke-gezondheid", "woning", "zelfzorg"),
              "Een rolstoel, scootmobiel, traplift of aanpassing in huis als u dat nodig heeft",
              groups=("lichamelijke-beperking", "ouderen"), costs=("eigen-bijdrage",), placement="both",
              wait=(2, 12)),
        Offer("jeugdhulp", "Ambulante jeugdhulp {place}", "maatwerk", ("opvoeding", "relaties-thuis"),
              "Een jeugdhulpverlener komt bij het gezin thuis als opvoeden echt moeilijk is",
              groups=("jeugd", "ouders-gezinnen"), ages=JEUGD, placement="werkgebied", wait=(3, 14)),
        Offer("begeleid-wonen", "Begeleid wonen {place}", "maatwerk", ("woning", "zelfzorg"),
              "Zelfstandig wonen met een begeleider in de buurt", groups=("lvb", "autisme"),
              costs=("eigen-bijdrage",), wait=(10, 40)),
        Offer("logeren", "Kortdurend verblijf {place}", "maatwerk", ("zelfzorg", "dagelijkse-activiteiten"),
              "Uw naaste logeert een paar dagen bij ons, zodat u als mantelzorger kunt bijkomen",
              groups=("mantelzorgers", "dementie", "lvb"), costs=("eigen-bijdrage",), hours="altijd",
              wait=(1, 8)),
    ),
    services=(1, 4), weight=12,
)

WONEN = Profile(
    "wonen", "woningcorporatie",
    ("Woonstichting {word}", "Wooncorporatie {word}"),
    "{name} verhuurt sociale huurwoningen in {gemeente}.",
    (
        Offer("wooncoach", "Wooncoach {place}", "voorliggend", ("woning", "geldzaken"),
              "Een wooncoach helpt huurders met een huurachterstand of problemen met de buren",
              placement="werkgebied"),
        Offer("huurspreekuur", "Huurdersspreekuur {place}", "voorliggend", ("woning",),
              "Stel uw vragen over huren, reparaties en woningzoeken", hours="spreekuur"),
    ),
    services=(1, 2), weight=2,
)

OPVANG = Profile(
    "opvang", "zorgaanbieder",
    ("Opvanghuis {word}",),
    "{name} biedt een veilige plek bij huiselijk geweld voor inwoners van {gemeente} en omgeving.",
    (
        Offer("vrouwenopvang", "Opvanghuis {word}", "maatwerk", ("relaties-thuis", "woning"),
              "Een veilige, geheime plek om te wonen voor wie thuis niet veilig is",
              groups=("huiselijk-geweld",), hours="altijd", crisis=True, confidential=True),
        Offer("steunpunt", "Steunpunt huiselijk geweld, dag en nacht", "voorliggend", ("relaties-thuis",),
              "Bel dag en nacht voor advies als u thuis geweld meemaakt of zich zorgen maakt",
              groups=("huiselijk-geweld", "iedereen"), hours="altijd", placement="werkgebied", crisis=True),
    ),
)

EXTRA_PROFILES = (WELZIJN, VRIJWILLIGERS, ERVARING, BURGER, AMW, CLIENTONDERSTEUNING, SCHULDHULP, VOEDSELBANK,
                  HUISARTS, WIJKVERPLEGING, GGZ, ZORG, WONEN)

# Every gemeente gets one organisation of each of these, with these offers for sure.
CORE = (
    (WELZIJN, ("buurthuis", "familieberaad", "inloop")),
    (VRIJWILLIGERS, ("maatjes", "ouderenadviseurs", "mantelzorgsteunpunt", "logeeradres")),
    (ERVARING, ("herstelgroep",)),
    (BURGER, ("burenhulp",)),
    (AMW, ("amw", "inloop")),
    (CLIENTONDERSTEUNING, ("ocmo",)),
    (SCHULDHULP, ("spreekuur", "traject")),
    (VOEDSELBANK, ("pakket",)),
    (HUISARTS, ("huisarts",)),
    (WIJKVERPLEGING, ("wijkverpleging",)),
    (GGZ, ("crisis", "crisislijn")),
    (ZORG, ("begeleiding", "dagbesteding", "hulpmiddelen")),
)
# Where geldzaken and sociaal netwerk must be well covered, the core gets these on top.
WELL_COVERED_EXTRA = {
    "welzijn": ("formulierenhulp", "samen-eten"),
    "vrijwilligers": ("thuisadministratie", "geldmaatje", "huiskamer"),
    "burger": ("weggeefwinkel", "huiskamer"),
    "amw": ("budgetcursus",),
}

WORDS = ("Oesterbank", "Getijde", "Zilte Wind", "Schorrenland", "Kreekrug", "Zeekraal", "Duinroos", "Dijkzicht",
         "Meeuwenhof", "Polderlicht", "Ankerpunt", "Vlietstroom", "Zandplaat", "Helmgras", "Strandloper",
         "Lamsoor", "Havenhoofd", "Morgenstond", "Vuurbaak", "Klaproos", "Korenbloem", "Zoutkeet", "Golfslag",
         "Zonnedauw", "Rietkraag", "Lichtboei", "Stormvogel", "Schelpenpad", "Wilgenhoek", "Kustlicht",
         "Brakwater", "Zeewering", "Vlasbloem", "Tij en Stroom", "Dwarsdijk", "Moerbei", "Kievitsbloem",
         "Zeepier", "Wadloper", "Eikenhof")
SMALL_WORDS = ("Kreek", "Vliet", "Schakel", "Linde", "Wilg", "Meeuw", "Boei", "Kaai", "Steiger", "Plaat", "Vonk",
               "Brug", "Kern", "Sluis", "Notenboom", "Zwaluw")
STREETS = ("Oesterstraat", "Getijdenlaan", "Kreekweg", "Schorrenpad", "Meeuwenhof", "Zeekraalstraat",
           "Lamsoorlaan", "Strandloperweg", "Vlasakker", "Garnalenkade", "Ankerplein", "Helmgrasstraat",
           "Zandplaatweg", "Dijkgravenlaan", "Schelpenpad", "Polderlichtstraat", "Havenzicht", "Wilgenhoek",
           "Rietkraag", "Korenbloemstraat", "Zoutkeetweg", "Lichtboeistraat", "Stormvogellaan", "Slikkenweg")
TOWN_HALL_STREET = "Raadhuisplein"

HOURS = {
    "kantoor": ("ma-vr 09:00-17:00", "ma-vr 08:30-17:00", "ma-do 08:30-17:00; vr 08:30-12:30",
                "ma-vr 09:00-16:30"),
    "spreekuur": ("di 09:00-11:00", "ma en do 13:30-15:30", "wo 09:30-11:30; vr 13:00-15:00", "do 19:00-20:30"),
    "buurthuis": ("ma-vr 09:00-22:00; za 10:00-16:00", "ma-do 09:00-17:00, 19:00-22:00", "di-za 10:00-17:00",
                  "ma-vr 13:00-17:00"),
    "huisarts": ("ma-vr 08:00-17:00", "ma-vr 08:00-12:00, 13:00-17:00"),
    "uitgifte": ("do 14:00-16:00", "vr 10:00-12:00", "di 13:30-15:30; za 10:00-11:30"),
    "vrijwillig": ("", "ma-vr 09:00-12:00", "ma, wo en vr 10:00-12:00"),
    "groep": ("wo 19:30-21:30", "di 10:00-12:00", "za 10:00-13:00", "do 14:00-16:00"),
    "dag": ("ma-vr 09:30-15:30", "ma, wo en do 09:30-15:30"),
    "altijd": ("24/7",),
    "": ("",),
}

ACCESS = {
    "eigen-kracht": ("U regelt het zelf, met mensen om u heen.",
                     "Het is gratis en u heeft niemand nodig om te beginnen."),
    "informeel": ("Vrijwilligers doen dit; u heeft geen verwijzing nodig.", "Bel of mail gerust, het is gratis."),
    "voorliggend": ("U heeft geen verwijzing of indicatie nodig.", "U kunt zelf bellen of langskomen."),
    "licht": ("Het wijkteam helpt kort en kijkt samen met u verder.", "Bel of loop binnen, ook als u twijfelt."),
    "maatwerk": ("U krijgt dit na een gesprek met het sociaal wijkteam en een besluit van de gemeente.",
                 "Hiervoor heeft u een beschikking van de gemeente nodig."),
}
DESCRIPTIONS = ("{what}. {access}", "{what}, voor inwoners van {place} en omgeving. {access}", "{what}.",
                "{what}. {access}")
COST_NOTES = {"eigen-bijdrage": "U betaalt een eigen bijdrage volgens de regels van de Wmo.",
              "betaald": "Vraag naar de prijs; soms vergoedt uw zorgverzekering een deel."}
EMAIL_NAMES = ("info", "aanmelden", "contact", "spreekuur")


# --- generating -----------------------------------------------------------------------------

def generate_demo(gemeenten: list[dict], wijken: list[dict], seed: int = 2015, *,
                  postcodes: PostcodeTable | None = None) -> DemoData:
    """Fictional organisations and services for the given gemeenten and their wijken.

    ``gemeenten``: dicts with code, name, population; ``wijken``: dicts with code, name,
    parent_code, population. Located services sit at real PC6 centroids of their gemeente
    (from ``postcodes``, the shipped table by default).
    """
    rows_by_gemeente = _pc6_by_gemeente((postcodes or PostcodeTable()).pc6_rows())
    organizations: list[Organization] = []
    services: list[Service] = []
    thin: list[tuple[str, str]] = []
    for gemeente in sorted(gemeenten, key=lambda g: g["code"]):
        wijk_codes = sorted(w["code"] for w in wijken if w.get("parent_code") == gemeente["code"])
        rows = rows_by_gemeente.get(_name_key(gemeente["name"]), [])
        builder = _GemeenteBuilder(gemeente, wijk_codes, rows, seed)
        builder.build()
        organizations.extend(builder.organizations)
        services.extend(builder.services)
        thin.extend((wijk, domain) for domain in builder.thin for wijk in wijk_codes)
    return DemoData(organizations, services, thin)


def target_service_count(population: int | None) -> int:
    """How many services a gemeente gets: about 42 per 10,000 inwoners, at least 40."""
    return max(MIN_SERVICES, round(max(population or 0, 0) * SERVICES_PER_10000 / 10_000))


def _display_name(name: str) -> str:
    """The gemeente name as people write it: 'Middelburg (Z.)' -> 'Middelburg'."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", name or "").strip()


def _name_key(name: str) -> str:
    """Key to match gemeente names: 'Middelburg (Z.)' and 'middelburg' -> 'middelburg'."""
    return taxonomy.fold(_display_name(name))


def _pc6_by_gemeente(rows: list[PostcodePoint]) -> dict[str, list[PostcodePoint]]:
    grouped: dict[str, list[PostcodePoint]] = {}
    for row in rows:
        grouped.setdefault(_name_key(row.gemeente or ""), []).append(row)
    return grouped


def _slug(text: str, limit: int = 40) -> str:
    plain = re.sub(r"[^a-z0-9]+", "-", taxonomy.fold(text)).strip("-")
    return plain[:limit].strip("-") or "x"


def _display_postcode(pc6: str) -> str:
    return f"{pc6[:4]} {pc6[4:]}"


@dataclass
class _Org:
    organization: Organization
    profile: Profile
    home: PostcodePoint | None
    home_address: str
    domain: str  # the organisation's (fictional) internet domain
    independent: bool
    word: str  # the made-up word in its name, reused in service names like "Dagbesteding <word>"


@dataclass
class _GemeenteBuilder:
    """Builds the organisations and services of one gemeente."""
    gemeente: dict
    wijk_codes: list[str]
    rows: list[PostcodePoint]
    seed: int
    organizations: list[Organization] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    thin: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.code = self.gemeente["code"]
        self.name = _display_name(self.gemeente["name"])
        self.rng = random.Random(f"{self.seed}-{self.code}")
        self.id_part = self.code.lower()
        self.area_code = AREA_CODES.get(_name_key(self.name), DEFAULT_AREA_CODE)
        self.town_rows = self._main_town_rows()
        self.centre = self._centre()
        self.used_names: set[str] = set()
        self.org_counts: dict[str, int] = {}

    # -- the plan

    def build(self) -> None:
        self.thin = self._choose_thin()
        self._add_org(SWT, tuple(o.key for o in SWT.offers), extra=0)
        for profile, keys in CORE:
            if self.code in WELL_COVERED:
                keys += WELL_COVERED_EXTRA.get(profile.key, ())
            self._add_org(profile, keys, extra=self.rng.randint(0, 1))
        if (self.gemeente.get("population") or 0) >= OPVANG_MIN_POPULATION:
            self._add_org(OPVANG, tuple(o.key for o in OPVANG.offers), extra=0)
        self._fill(target_service_count(self.gemeente.get("population")))

    def _choose_thin(self) -> tuple[str, ...]:
        protected = WELL_COVERED.get(self.code, ())
        candidates = [d for d in THIN_CANDIDATES if d not in protected]
        return tuple(self.rng.sample(candidates, self.rng.choice((1, 1, 2))))

    def _fill(self, target: int) -> None:
        weights = [p.weight for p in EXTRA_PROFILES]
        attempts = 0
        while len(self.services) < target and attempts < 3 * target:
            attempts += 1
            profile = self.rng.choices(EXTRA_PROFILES, weights)[0]
            wanted = min(self.rng.randint(*profile.services), target - len(self.services))
            self._add_org(profile, (), extra=wanted)

    # -- organisations

    def _add_org(self, profile: Profile, keys: tuple[str, ...], extra: int) -> None:
        """One organisation with the offers named in ``keys`` plus ``extra`` random ones that fit."""
        offers = [profile.offer(k) for k in keys]
        pool = [o for o in profile.offers if o not in offers and not o.core_only]
        offers += self.rng.sample(pool, min(extra, len(pool)))
        offers = [o for o in offers if self._fits(o)]
        if not offers:
            return
        org = self._new_org(profile)
        self.organizations.append(org.organization)
        for offer in offers:
            self.services.append(self._new_service(org, offer))

    def _fits(self, offer: Offer) -> bool:
        if offer.placement == "located" and not self.rows:
            return False
        return bool(self._allowed_domains(offer))

    def _allowed_domains(self, offer: Offer) -> list[str]:
        if offer.rung not in SOCIALE_BASIS:
            return list(offer.domains)
        return [d for d in offer.domains if d not in self.thin]

    def _new_org(self, profile: Profile) -> _Org:
        count = self.org_counts[profile.key] = self.org_counts.get(profile.key, 0) + 1
        suffix = "swt" if profile is SWT else f"{profile.key}-{count:02d}"
        org_id = f"demo-org-{self.id_part}-{suffix}"
        name, word = self._org_name(profile)
        domain = f"{_slug(name)}.{_slug(self.name, 30)}.example.nl"
        home = self._place(town=True) if profile is not SWT else self.centre
        home_address = f"{TOWN_HALL_STREET} 1" if profile is SWT else self._address()
        kind = profile.kind
        organization = Organization(
            id=org_id, name=name, kind=kind, formal=kind not in taxonomy.INFORMAL_KINDS,
            description=profile.about.format(name=name, gemeente=self.name),
            website=f"https://{domain}" if self.rng.random() < 0.9 else None,
            phone=self._phone(), email=f"info@{domain}", source=SOURCE,
        )
        independent = profile is CLIENTONDERSTEUNING and (count == 1 or self.rng.random() < 0.5)
        return _Org(organization, profile, home, home_address, domain, independent, word)

    def _org_name(self, profile: Profile) -> tuple[str, str]:
        for _ in range(30):
            word = self.rng.choice(WORDS)
            name = self.rng.choice(profile.names).format(word=word, gemeente=self.name)
            if name not in self.used_names:
                break
        else:
            name = f"{name} {self.org_counts[profile.key]}"
        self.used_names.add(name)
        return name, word

    # -- services

    def _new_service(self, org: _Org, offer: Offer) -> Service:
        number = len(self.services) + 1
        service_id = f"demo-svc-{self.id_part}-{number:04d}"
        location = self._location(org, offer, number)
        place = location.city if location and location.city and offer.placement != "swt" else self.name
        name = offer.name.format(place=place, word=org.word, small=self.rng.choice(SMALL_WORDS))
        cost = self.rng.choice(offer.costs)
        return Service(
            id=service_id,
            organization_id=org.organization.id,
            name=name,
            rung=offer.rung,
            life_domains=self._domains(offer),
            description=self._description(offer, place),
            target_groups=self._groups(offer),
            age_min=offer.ages[0],
            age_max=offer.ages[1],
            cost=cost,
            cost_note=COST_NOTES.get(cost),
            hours=WeeklyHours.parse(self.rng.choice(HOURS[offer.hours])),
            phone=org.organization.phone if self.rng.random() < 0.7 else self._phone(),
            email=self._service_email(org),
            website=org.organization.website,
            crisis_24h=offer.crisis,
            independent_client_support=org.independent,
            wait_weeks=self.rng.randint(*offer.wait) if offer.wait else None,
            capacity_note="Er is een wachtlijst; bel voor de actuele wachttijd." if offer.wait else None,
            confidential=offer.confidential,
            serves=self._serves(offer),
            last_verified=self._last_verified(),
            location=location,
            source=SOURCE,
        )

    def _domains(self, offer: Offer) -> list[str]:
        if offer.placement == "swt":
            return list(offer.domains)  # the wijkteam covers every leefgebied, thin ones too
        allowed = self._allowed_domains(offer)
        rest = allowed[1:]
        return [allowed[0], *self.rng.sample(rest, self.rng.randint(0, min(2, len(rest))))]

    def _groups(self, offer: Offer) -> list[str]:
        rest = list(offer.groups[1:])
        return [offer.groups[0], *self.rng.sample(rest, self.rng.randint(0, min(1, len(rest))))]

    def _description(self, offer: Offer, place: str) -> str:
        template = self.rng.choice(DESCRIPTIONS)
        return template.format(what=offer.what, place=place, access=self.rng.choice(ACCESS[offer.rung]))

    def _serves(self, offer: Offer) -> list[str]:
        everywhere = self.wijk_codes or [self.code]
        if offer.placement in ("swt", "both") or (offer.placement == "werkgebied" and not self.rows):
            return list(everywhere)
        if offer.placement == "werkgebied":
            # Mobile networks: often the whole gemeente, sometimes a few wijken.
            if len(everywhere) <= 2 or self.rng.random() < 0.4:
                return list(everywhere)
            return sorted(self.rng.sample(everywhere, self.rng.randint(1, min(4, len(everywhere) - 1))))
        return []

    def _location(self, org: _Org, offer: Offer, number: int) -> Location | None:
        if offer.placement == "werkgebied" or not self.rows:
            return None
        if offer.placement == "swt" or not org.profile.spread:
            point, address = org.home, org.home_address
        else:
            point, address = self._place(town=False), self._address()
        return Location(
            id=f"demo-loc-{self.id_part}-{number:04d}",
            lat=point.lat, lon=point.lon, address=address,
            postcode=_display_postcode(point.postcode), city=point.woonplaats or self.name,
        )

    # -- places and contact data

    def _main_town_rows(self) -> list[PostcodePoint]:
        """PC6 rows of the woonplaats with the most postcodes (the main town)."""
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row.woonplaats or ""] = counts.get(row.woonplaats or "", 0) + 1
        if not counts:
            return []
        town = max(sorted(counts), key=lambda t: counts[t])
        return [r for r in self.rows if (r.woonplaats or "") == town]

    def _centre(self) -> PostcodePoint | None:
        """The PC6 nearest the middle of the main town: where the town hall is, for the demo."""
        if not self.town_rows:
            return None
        lat = sum(r.lat for r in self.town_rows) / len(self.town_rows)
        lon = sum(r.lon for r in self.town_rows) / len(self.town_rows)
        return min(self.town_rows, key=lambda r: (r.lat - lat) ** 2 + (r.lon - lon) ** 2)

    def _place(self, town: bool) -> PostcodePoint | None:
        """A PC6 of this gemeente; half the time (or when ``town``) in the main town."""
        if not self.rows:
            return None
        if town or self.rng.random() < 0.5:
            return self.rng.choice(self.town_rows)
        return self.rng.choice(self.rows)

    def _address(self) -> str:
        return f"{self.rng.choice(STREETS)} {self.rng.randint(1, 180)}"

    def _phone(self) -> str:
        # A subscriber number starting with 0 is never handed out, so these can't reach anyone.
        return f"{self.area_code} 0{self.rng.randint(0, 99999):05d}"

    def _service_email(self, org: _Org) -> str:
        if self.rng.random() < 0.6:
            return org.organization.email or f"info@{org.domain}"
        return f"{self.rng.choice(EMAIL_NAMES)}@{org.domain}"

    def _last_verified(self) -> date:
        start, end = OLD_CHECK if self.rng.random() < SHARE_OLD_CHECK else RECENT_CHECK
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

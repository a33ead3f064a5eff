"""Demo: 20 practices (described in our own words, fictional applications) with local
applications in the demo programme areas, and two learning sessions."""

from __future__ import annotations

import datetime

from wijkregie.demo.loader import DemoContext, demo_cleanup, demo_step
from wijkregie.figures.models import Indicator
from wijkregie.learning.models import (
    EvidenceLevel,
    Intervention,
    LearningSession,
    LessonLearned,
    LocalPractice,
    Pillar,
)
from wijkregie.regie.models import Measure

S, SO, P = Pillar.SAFETY, Pillar.SOCIAL, Pillar.PHYSICAL
E = EvidenceLevel

# name, pillar, problem, goal, end target group, intermediate, approach, working elements,
# evidence, linked indicator keys
PRACTICES: list[tuple[str, str, str, str, str, str, str, str, str, tuple[str, ...]]] = [
    ("Buurtpreventie met WhatsApp-groepen", S, "woninginbraak",
     "Minder inbraken doordat bewoners samen opletten en verdachte situaties snel melden.",
     "Bewoners van een straat of blok", "Wijkagent, buurtcoördinator",
     "Bewoners vormen per straat een groep; een coördinator houdt contact met de wijkagent. "
     "Bij iets verdachts: eerst 112 bellen, dan de groep waarschuwen.",
     "Vaste spelregels (SAAR), terugkoppeling door de politie, zichtbaar bord in de straat.",
     E.INDICATIONS, ("woninginbraak_rate", "onveilig_pct")),
    ("Schoolmaatschappelijk werk", SO, "schooluitval",
     "Problemen van leerlingen thuis of op school vroeg zien en oppakken, zodat ze op school "
     "blijven.", "Leerlingen basis- en voortgezet onderwijs en hun ouders",
     "Intern begeleiders, mentoren", "Een maatschappelijk werker heeft vaste uren op school, "
     "spreekt leerlingen en ouders en verwijst door naar hulp in de wijk.",
     "Laagdrempelig op school aanwezig, korte lijnen met leerplicht en jeugdhulp.",
     E.GOOD_INDICATIONS, ("vsv_pct", "verzuim_rate")),
    ("Achter de voordeur", SO, "multiproblematiek",
     "Huishoudens met problemen op meerdere terreinen in beeld brengen en één plan maken.",
     "Kwetsbare huishoudens", "Corporatie, wijkteam, schuldhulp",
     "Een vaste hulpverlener gaat op huisbezoek, brengt alle problemen in kaart en regelt met "
     "partners één plan met één regisseur.",
     "Eén vaste contactpersoon, outreachend werken, doorzettingsmacht.",
     E.THEORETICALLY_SOUND, ("schulden_pct", "armoede_pct")),
    ("Vroegsignalering schulden", SO, "problematische schulden",
     "Betalingsachterstanden vroeg opmerken en hulp aanbieden voordat schulden oplopen.",
     "Huishoudens met beginnende achterstanden", "Woningcorporatie, energie- en "
     "drinkwaterbedrijf, zorgverzekeraar",
     "Partners melden achterstanden; de gemeente belt of gaat langs binnen enkele weken.",
     "Snel contact na melding, proactief aanbod, warme overdracht.",
     E.GOOD_INDICATIONS, ("schulden_pct", "rondkomen_pct")),
    ("Jongerenwerk op straat", S, "jeugdoverlast",
     "Overlast van groepen jongeren verminderen en jongeren verbinden met school, werk of "
     "vrije tijd.", "Jongeren 12–23 jaar op straat", "Jongerenwerkers, wijkagent",
     "Jongerenwerkers zoeken groepen op waar ze zijn, bouwen een band op en bieden activiteiten "
     "en begeleiding.", "Vertrouwensband, aanwezigheid op vaste momenten, samenwerking met "
     "handhaving.", E.INDICATIONS, ("jeugdoverlast_rate", "jeugdwerkloos_pct")),
    ("Buurtbemiddeling", S, "burenruzies",
     "Conflicten tussen buren oplossen voordat ze escaleren.", "Buren met een conflict",
     "Vrijwillige bemiddelaars, corporatie, politie",
     "Twee getrainde vrijwilligers praten met beide partijen en begeleiden een gesprek waarin "
     "buren zelf afspraken maken.", "Onpartijdigheid, vrijwilligheid, eigen oplossing.",
     E.GOOD_INDICATIONS, ("overlast_pct", "vertrouwen_buren_pct")),
    ("Schoon, heel en veilig-schouw", P, "verloedering",
     "De buitenruimte schoon en heel houden met bewoners als ogen en oren.",
     "Bewoners en ondernemers", "Stadsbeheer, corporatie",
     "Bewoners lopen elk kwartaal met beheer een ronde; gebreken worden gemeld en binnen een "
     "afgesproken termijn hersteld.", "Vaste route, zichtbaar herstel, terugkoppeling.",
     E.DESCRIBED, ("verloedering_pct", "woonomgeving_score")),
    ("Taalcafé", SO, "laaggeletterdheid",
     "Volwassenen oefenen Nederlands in een informele setting.",
     "Volwassenen die moeite hebben met Nederlands", "Bibliotheek, vrijwilligers",
     "Wekelijkse bijeenkomst in een buurthuis waar deelnemers met vrijwilligers praten over "
     "dagelijkse onderwerpen.", "Laagdrempelig, geen toets, vaste tijd en plek.",
     E.DESCRIBED, ("laaggeletterd_pct",)),
    ("Voorschoolse educatie op maat", SO, "taalachterstand",
     "Peuters met een risico op achterstand goed voorbereiden op de basisschool.",
     "Peuters 2,5–4 jaar", "Consultatiebureau, kinderopvang",
     "Extra uren spelend leren in een groep met een gecertificeerd programma en betrokken "
     "ouders.", "Bereik via het consultatiebureau, ouderbetrokkenheid.",
     E.STRONG, ("vve_pct", "taalachterstand_pct")),
    ("Gebiedsgerichte aanpak ondermijning", S, "ondermijning",
     "Signalen van criminele uitbuiting van panden en bedrijven samen opsporen en aanpakken.",
     "Ondernemers en bewoners in het gebied", "Gemeente, politie, OM, Belastingdienst",
     "Partners delen signalen in een integraal overleg en voeren gezamenlijke controles uit.",
     "Informatie-uitwisseling binnen convenant, bestuurlijke en strafrechtelijke instrumenten.",
     E.THEORETICALLY_SOUND, ("drugsoverlast_pct", "bibob_rate")),
    ("Mentorprogramma jongeren", SO, "jeugdwerkloosheid",
     "Jongeren helpen bij de overstap van school naar werk met een vaste mentor.",
     "Jongeren 15–23 jaar", "Vrijwillige mentoren, scholen, werkgevers",
     "Een vrijwilliger trekt een jaar op met een jongere: gesprekken, netwerk, sollicitaties.",
     "Duurzame relatie, matching, training van mentoren.",
     E.INDICATIONS, ("jeugdwerkloos_pct", "startkwalificatie_pct")),
    ("Opzoomeren", P, "sociale cohesie",
     "Bewoners knappen samen hun straat op en leren elkaar kennen.", "Bewoners van een straat",
     "Opbouwwerk", "Bewoners organiseren met een klein budget activiteiten in hun straat: "
     "planten, schoonmaken, een straatfeest.", "Eigen initiatief, klein budget, zichtbaar "
     "resultaat.", E.DESCRIBED, ("sociale_cohesie_score", "groen_pct")),
    ("Huisbezoeken ouderen 75+", SO, "eenzaamheid",
     "Eenzaamheid en kwetsbaarheid bij ouderen vroeg zien.", "Thuiswonende ouderen 75+",
     "Ouderenadviseurs, vrijwilligers", "Ouderen krijgen een bezoek met vragen over welzijn, "
     "wonen en netwerk; waar nodig volgt begeleiding.", "Persoonlijk contact, opvolging.",
     E.THEORETICALLY_SOUND, ("eenzaam_pct",)),
    ("Energiecoaches", P, "energiearmoede",
     "Energierekening en vocht- en tochtklachten verminderen.", "Huishoudens met laag inkomen",
     "Vrijwillige energiecoaches, corporatie",
     "Een coach komt thuis, geeft advies en plaatst kleine maatregelen zoals tochtstrips.",
     "Praktische hulp thuis, directe besparing.", E.INDICATIONS, ("energiearmoede_pct",)),
    ("Wijkteam met vaste gezichten", SO, "toegang tot zorg",
     "Bewoners vinden snel hulp dichtbij.", "Alle bewoners met een hulpvraag",
     "Wijkteamleden, huisartsen", "Een generalistisch team in een herkenbaar pand pakt vragen "
     "over zorg, opvoeden en geld in één keer op.", "Generalisme, nabijheid, ruimte om af te "
     "wijken.", E.THEORETICALLY_SOUND, ("jeugdhulp_pct", "ervaren_gezondheid_pct")),
    ("Aanpak huiselijk geweld in de wijk", S, "huiselijk geweld",
     "Huiselijk geweld eerder signaleren en stoppen.", "Gezinnen en huishoudens",
     "Professionals in de wijk, Veilig Thuis", "Professionals leren signalen herkennen en "
     "werken met de meldcode; een aandachtsfunctionaris ondersteunt.",
     "Scholing, vaste aandachtsfunctionaris, snelle route naar Veilig Thuis.",
     E.INDICATIONS, ("huiselijk_geweld_rate",)),
    ("Aanpak verwarde personen", S, "verward gedrag",
     "Mensen met verward gedrag sneller de juiste zorg geven en incidenten voorkomen.",
     "Inwoners met verward gedrag", "Politie, GGZ, GGD, wijkteam",
     "Een zorg- en veiligheidsoverleg bespreekt meldingen en zet een passende aanpak in.",
     "24/7 bereikbaarheid, gedeelde casusregie.", E.THEORETICALLY_SOUND,
     ("ggz_meldingen_rate",)),
    ("Speelplekken met bewoners", P, "speelruimte",
     "Meer en betere speelruimte, beheerd samen met bewoners.", "Kinderen en hun ouders",
     "Stadsbeheer, speeltuinvereniging", "Kinderen en ouders ontwerpen mee; een "
     "speeltuinvereniging doet het dagelijks toezicht.", "Co-creatie, bewonersbeheer.",
     E.DESCRIBED, ("speelvoorzieningen_pct",)),
    ("Woonfraude-aanpak", P, "woonfraude",
     "Illegale onderhuur en overbewoning aanpakken.", "Eigenaren en huurders",
     "Gemeente, corporatie, handhaving", "Meldingen worden gecombineerd met registraties; "
     "verdachte adressen krijgen een gezamenlijk huisbezoek.",
     "Datakoppeling binnen wettelijke grenzen, gezamenlijke controle.",
     E.DESCRIBED, ("woonfraude_rate", "overbewoning_pct")),
    ("Buurtsportcoach", SO, "gezondheid en meedoen",
     "Meer bewoners bewegen en doen mee in de buurt.", "Kinderen, jongeren en volwassenen die "
     "weinig bewegen", "Sportverenigingen, scholen", "Een coach organiseert laagdrempelig "
     "sporten op pleinen en in gymzalen en leidt door naar verenigingen.",
     "Gratis instap, vaste momenten, verbinding met verenigingen.",
     E.INDICATIONS, ("ervaren_gezondheid_pct", "vrijwilliger_pct")),
]

CONTACT = "Programmabureau Leefbaarheid en Veiligheid (demo)"


@demo_cleanup
def remove_practice_demo() -> None:
    """The demo's sessions and shared practices (slug ``demo-NN``) before the foundation's
    areas go, so that ``demo load --replace`` can build them again."""
    LearningSession.objects.filter(
        programme_areas__municipality__is_demo=True).distinct().delete()
    LocalPractice.objects.filter(municipality__is_demo=True).delete()
    Intervention.objects.filter(slug__startswith="demo-", municipality__isnull=True).delete()


@demo_step(order=100)
def build_practices(context: DemoContext) -> None:
    indicators = {i.key: i for i in Indicator.objects.filter(municipality__isnull=True)}
    interventions = Intervention.objects.bulk_create([
        Intervention(name=name, slug=f"demo-{index + 1:02d}", pillar=pillar, problem=problem,
                     summary=goal, goal=goal, target_group_end=end,
                     target_group_intermediate=intermediate, approach=approach,
                     working_elements=elements, evidence_level=evidence,
                     preconditions="Een vaste trekker en commitment van de partners.",
                     transferability="Toepasbaar in andere wijken met vergelijkbare "
                     "problematiek; afstemmen op de lokale partners.",
                     costs_and_time="Reken op minimaal twee jaar inzet voordat resultaten "
                     "zichtbaar kunnen worden.", research="Fictieve beschrijving (demodata).",
                     valid_until=datetime.date(2027, 12, 31), contact=CONTACT)
        for index, (name, pillar, problem, goal, end, intermediate, approach, elements,
                    evidence, _keys) in enumerate(PRACTICES)])
    areas = context.programme_areas
    if not areas:
        return
    for index, (intervention, spec) in enumerate(zip(interventions, PRACTICES, strict=True)):
        keys = spec[-1]
        for offset in range(1 + index % 3):
            area = areas[(index + offset * 2) % len(areas)]
            if LocalPractice.objects.filter(intervention=intervention,
                                            programme_area=area).exists():
                continue
            start = 2018 + (index + offset) % 4
            local = LocalPractice.objects.create(
                intervention=intervention, municipality=area.municipality, programme_area=area,
                regie_measure=_measure_for(spec[2], index, area),
                start_year=start, end_year=None if offset == 0 else start + 2,
                costs_eur=25_000 + 5_000 * ((index * 7 + offset) % 12),
                description=f"Toegepast in {area.name} (fictief, demodata).")
            local.indicators.set([indicators[k] for k in keys if k in indicators])
    _sessions(interventions, areas)


# The demo plans' measures (regie/demo_data.py) a problem belongs to by its subject; the
# other practices are spread over the plan's measures.
MEASURE_OF_PROBLEM = {
    "jeugdoverlast": "Jongerenwerk in de avonduren",
    "jeugdwerkloosheid": "Jongerenwerk in de avonduren",
    "woninginbraak": "Cameratoezicht en extra surveillance",
    "problematische schulden": "Schuldhulp aan de keukentafel",
    "multiproblematiek": "Schuldhulp aan de keukentafel",
    "energiearmoede": "Schuldhulp aan de keukentafel",
    "ondermijning": "Aanpak woonfraude en ondermijning",
    "woonfraude": "Aanpak woonfraude en ondermijning",
    "schooluitval": "Schoolmaatschappelijk werk",
    "burenruzies": "Buurtbemiddeling",
}


def _measure_for(problem: str, index: int, area) -> Measure | None:
    measures = list(Measure.objects.filter(plan__programme_area=area).order_by("pk"))
    if not measures:
        return None
    wanted = MEASURE_OF_PROBLEM.get(problem)
    return next((m for m in measures if m.title == wanted), measures[index % len(measures)])


def _sessions(interventions: list[Intervention], areas: list) -> None:
    first = LearningSession.objects.create(
        date=datetime.date(2024, 3, 14), title="Leerkring voorjaar: jongeren en overlast",
        agenda="1. Opening\n2. Jongerenwerk op straat: ervaringen uit twee gebieden\n"
               "3. Mentorprogramma's\n4. Wat nemen we mee?",
        notes="Twee gebieden lieten zien hoe jongerenwerk en handhaving elkaar versterken.")
    first.practices.set([interventions[4], interventions[10]])
    first.programme_areas.set(areas[:2])
    LessonLearned.objects.create(
        session=first, text="Vaste avonden van het jongerenwerk werken beter dan losse acties.")
    LessonLearned.objects.create(
        session=first, text="Betrek ondernemers bij de aanpak van overlast op winkelpleinen.")
    second = LearningSession.objects.create(
        date=datetime.date(2024, 10, 3), title="Leerkring najaar: armoede en schulden",
        agenda="1. Vroegsignalering schulden\n2. Achter de voordeur\n3. Energiecoaches",
        notes="Vergelijking van bereik en doorlooptijden tussen de gemeenten.")
    second.practices.set([interventions[2], interventions[3], interventions[13]])
    second.programme_areas.set(areas[1:3])
    LessonLearned.objects.create(
        session=second, text="Een huisbezoek binnen twee weken na de melding verhoogt het "
                             "bereik van schuldhulp.", intervention=interventions[3])
    LessonLearned.objects.create(
        session=second, text="Combineer het bezoek van de energiecoach met een "
                             "vroegsignaleringsgesprek.")


# The programme hub (order 105): learning/federation/demo_data.py.
from wijkregie.learning.federation import demo_data as federation_demo  # noqa: E402, F401

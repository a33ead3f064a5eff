"""The demo indicator catalogue: about 60 fictional indicators and how values are drawn.

Every value is generated (see ``demo_data``); nothing is copied from real statistics.
Each spec gives a city level in 2015, how much worse a deprived buurt is, a yearly
trend and noise, so that programme areas lag the city average and most figures improve
slowly over the years.
"""

from __future__ import annotations

from dataclasses import dataclass

# kind of values: pct (0–100, weighted by inhabitants), rate (per 1,000 inhabitants),
# count (number, sums), score (survey grade 1–10), amount (euros x 1,000 per household)
PCT, RATE, COUNT, SCORE, AMOUNT = "pct", "rate", "count", "score", "amount"
GOOD, BAD, NEUTRAL = "higher_is_better", "higher_is_worse", "neutral"


@dataclass(frozen=True)
class DemoIndicator:
    key: str
    name_nl: str
    name_en: str
    theme: str
    shape: str
    polarity: str
    level: float  # city level in 2015
    deprivation: float  # added at deprivation 1 (most deprived buurt)
    trend: float  # change per year at city level
    noise: float
    survey: bool = False
    composite: bool = True


def _i(key: str, nl: str, en: str, theme: str, shape: str, polarity: str, level: float,
       deprivation: float, trend: float, noise: float, *, survey: bool = False,
       composite: bool = True) -> DemoIndicator:
    return DemoIndicator(key, nl, en, theme, shape, polarity, level, deprivation, trend,
                         noise, survey, composite)


ONDERWIJS, WERK, ZORG, WONEN = "onderwijs", "werk_inkomen", "participatie_zorg", "wonen"
VEILIGHEID, OMGEVING, ONDERMIJNING, BEVOLKING = ("veiligheid", "leefomgeving",
                                                  "ondermijning", "bevolking")

DEMO_INDICATORS: tuple[DemoIndicator, ...] = (
    # population (context; counts are the denominators of the rest)
    _i("inwoners", "Aantal inwoners", "Inhabitants", BEVOLKING, COUNT, NEUTRAL, 0, 0, 0, 0,
       composite=False),
    _i("huishoudens", "Aantal huishoudens", "Households", BEVOLKING, COUNT, NEUTRAL, 0, 0, 0, 0,
       composite=False),
    _i("jongeren_pct", "Jongeren 12–23 jaar", "Young people aged 12–23", BEVOLKING, PCT,
       NEUTRAL, 14, 5, 0.05, 1.5, composite=False),
    _i("ouderen_pct", "Inwoners 75 jaar en ouder", "Inhabitants aged 75 and over", BEVOLKING,
       PCT, NEUTRAL, 7, -2, 0.2, 1.2, composite=False),
    # education
    _i("vsv_pct", "Voortijdig schoolverlaters", "Early school leavers", ONDERWIJS, PCT, BAD,
       2.2, 3.0, -0.08, 0.6),
    _i("startkwalificatie_pct", "Jongeren met startkwalificatie",
       "Young people with a basic qualification", ONDERWIJS, PCT, GOOD, 78, -18, 0.6, 3),
    _i("vve_pct", "Peuters in voorschoolse educatie", "Toddlers in early education", ONDERWIJS,
       PCT, GOOD, 70, -8, 1.0, 4),
    _i("schooladvies_havo_pct", "Schooladvies havo of hoger", "School advice havo or higher",
       ONDERWIJS, PCT, GOOD, 48, -22, 0.3, 4),
    _i("taalachterstand_pct", "Kinderen met taalachterstand", "Children with language delay",
       ONDERWIJS, PCT, BAD, 12, 14, -0.2, 2),
    _i("verzuim_rate", "Meldingen schoolverzuim per 1.000 inwoners",
       "Truancy reports per 1,000 inhabitants", ONDERWIJS, RATE, BAD, 6, 8, -0.1, 1.2),
    _i("laaggeletterd_pct", "Laaggeletterde volwassenen", "Adults with low literacy",
       ONDERWIJS, PCT, BAD, 11, 13, -0.1, 1.8),
    _i("tevreden_school_score", "Rapportcijfer scholen in de buurt",
       "Rating of schools in the neighbourhood", ONDERWIJS, SCORE, GOOD, 7.2, -0.5, 0.01, 0.2,
       survey=True),
    # work and income
    _i("werkloos_pct", "Werkloze beroepsbevolking", "Unemployed labour force", WERK, PCT, BAD,
       6.5, 7, -0.15, 1.1),
    _i("bijstand_rate", "Bijstandsuitkeringen per 1.000 inwoners",
       "Social assistance benefits per 1,000 inhabitants", WERK, RATE, BAD, 45, 70, -0.6, 6),
    _i("armoede_pct", "Huishoudens met laag inkomen", "Low-income households", WERK, PCT, BAD,
       9, 14, -0.12, 1.5),
    _i("schulden_pct", "Huishoudens met problematische schulden",
       "Households with problematic debts", WERK, PCT, BAD, 6, 9, -0.05, 1.2),
    _i("inkomen_amount", "Gemiddeld besteedbaar inkomen per huishouden",
       "Average disposable household income", WERK, AMOUNT, GOOD, 38, -14, 0.6, 2.5),
    _i("arbeidsparticipatie_pct", "Netto arbeidsparticipatie", "Net labour participation",
       WERK, PCT, GOOD, 66, -12, 0.35, 2.5),
    _i("jeugdwerkloos_pct", "Jeugdwerkloosheid", "Youth unemployment", WERK, PCT, BAD, 9, 9,
       -0.2, 2),
    _i("kinderarmoede_pct", "Kinderen in armoede", "Children in poverty", WERK, PCT, BAD, 11,
       18, -0.15, 2.5),
    _i("rondkomen_pct", "Moeite met rondkomen", "Difficulty making ends meet", WERK, PCT, BAD,
       17, 15, -0.1, 3, survey=True),
    # participation and care
    _i("eenzaam_pct", "Ernstig eenzaam", "Severely lonely", ZORG, PCT, BAD, 10, 7, 0.05, 2,
       survey=True),
    _i("vrijwilliger_pct", "Doet vrijwilligerswerk", "Does voluntary work", ZORG, PCT, GOOD, 28,
       -10, 0.1, 3, survey=True),
    _i("jeugdhulp_pct", "Jongeren met jeugdhulp", "Young people receiving youth care", ZORG,
       PCT, BAD, 9, 6, 0.1, 1.5),
    _i("wmo_rate", "Wmo-voorzieningen per 1.000 inwoners",
       "Social support services per 1,000 inhabitants", ZORG, RATE, NEUTRAL, 60, 20, 1.0, 7),
    _i("ervaren_gezondheid_pct", "Ervaren gezondheid goed", "Self-rated health good", ZORG,
       PCT, GOOD, 76, -12, 0.05, 2.5, survey=True),
    _i("sociale_cohesie_score", "Sociale cohesie (schaalscore)", "Social cohesion (scale)", ZORG,
       SCORE, GOOD, 6.1, -0.8, 0.02, 0.25, survey=True),
    _i("vertrouwen_buren_pct", "Vertrouwt buurtbewoners", "Trusts people in the neighbourhood",
       ZORG, PCT, GOOD, 58, -16, 0.1, 4, survey=True),
    _i("ggz_meldingen_rate", "Meldingen verward gedrag per 1.000 inwoners",
       "Reports of confused behaviour per 1,000 inhabitants", ZORG, RATE, BAD, 4, 5, 0.15, 1),
    # housing
    _i("woningen", "Aantal woningen", "Dwellings", WONEN, COUNT, NEUTRAL, 0, 0, 0, 0,
       composite=False),
    _i("sociale_huur_pct", "Sociale huurwoningen", "Social rented dwellings", WONEN, PCT,
       NEUTRAL, 32, 35, -0.3, 4, composite=False),
    _i("woz_amount", "Gemiddelde WOZ-waarde", "Average property value", WONEN, AMOUNT, GOOD, 220,
       -70, 9, 12),
    _i("overbewoning_pct", "Overbewoonde woningen", "Overcrowded dwellings", WONEN, PCT, BAD, 3,
       5, 0.02, 0.8),
    _i("verhuismobiliteit_pct", "Verhuizingen (mutatiegraad)", "Moves (turnover rate)", WONEN,
       PCT, BAD, 9, 5, 0.0, 1.4),
    _i("woningkwaliteit_score", "Tevredenheid met de woning", "Satisfaction with the dwelling",
       WONEN, SCORE, GOOD, 7.5, -0.7, 0.01, 0.2, survey=True),
    _i("energiearmoede_pct", "Huishoudens in energiearmoede", "Households in energy poverty",
       WONEN, PCT, BAD, 5, 8, 0.1, 1.2),
    _i("leegstand_pct", "Leegstaande woningen", "Vacant dwellings", WONEN, PCT, BAD, 3, 2,
       -0.05, 0.8),
    _i("woonfraude_rate", "Meldingen woonfraude per 1.000 inwoners",
       "Housing fraud reports per 1,000 inhabitants", WONEN, RATE, BAD, 1.2, 2.5, 0.05, 0.5),
    # safety
    _i("woninginbraak", "Woninginbraken", "Residential burglaries", VEILIGHEID, COUNT, BAD, 0, 0,
       0, 0, composite=False),
    _i("woninginbraak_rate", "Woninginbraken per 1.000 inwoners",
       "Residential burglaries per 1,000 inhabitants", VEILIGHEID, RATE, BAD, 3.5, 3.5, -0.15,
       0.9),
    _i("geweld_rate", "Geweldsmisdrijven per 1.000 inwoners",
       "Violent crimes per 1,000 inhabitants", VEILIGHEID, RATE, BAD, 5, 7, -0.1, 1.2),
    _i("diefstal_rate", "Diefstallen per 1.000 inwoners", "Thefts per 1,000 inhabitants",
       VEILIGHEID, RATE, BAD, 22, 15, -0.6, 4),
    _i("vernieling_rate", "Vernielingen per 1.000 inwoners",
       "Criminal damage per 1,000 inhabitants", VEILIGHEID, RATE, BAD, 7, 6, -0.15, 1.5),
    _i("jeugdoverlast_rate", "Meldingen jeugdoverlast per 1.000 inwoners",
       "Youth nuisance reports per 1,000 inhabitants", VEILIGHEID, RATE, BAD, 4, 6, 0.0, 1.1),
    _i("onveilig_pct", "Voelt zich vaak onveilig in de buurt",
       "Often feels unsafe in the neighbourhood", VEILIGHEID, PCT, BAD, 15, 18, -0.2, 3,
       survey=True),
    _i("overlast_pct", "Ervaart veel overlast", "Experiences much nuisance", VEILIGHEID, PCT,
       BAD, 20, 16, -0.15, 3.5, survey=True),
    _i("veiligheid_score", "Rapportcijfer veiligheid buurt",
       "Rating of neighbourhood safety", VEILIGHEID, SCORE, GOOD, 7.0, -0.9, 0.02, 0.25,
       survey=True),
    _i("slachtoffer_pct", "Slachtofferschap (laatste 12 maanden)",
       "Victimisation (past 12 months)", VEILIGHEID, PCT, BAD, 14, 8, -0.2, 2.5, survey=True),
    _i("huiselijk_geweld_rate", "Meldingen huiselijk geweld per 1.000 inwoners",
       "Domestic violence reports per 1,000 inhabitants", VEILIGHEID, RATE, BAD, 3, 4, 0.05,
       0.8),
    # living environment
    _i("verloedering_pct", "Ervaart verloedering", "Experiences neglect of public space",
       OMGEVING, PCT, BAD, 24, 15, -0.2, 4, survey=True),
    _i("woonomgeving_score", "Rapportcijfer woonomgeving", "Rating of the living environment",
       OMGEVING, SCORE, GOOD, 7.4, -0.8, 0.015, 0.2, survey=True),
    _i("groen_pct", "Tevreden met groen in de buurt", "Satisfied with green space", OMGEVING,
       PCT, GOOD, 64, -12, 0.2, 4, survey=True),
    _i("afval_rate", "Meldingen zwerfafval per 1.000 inwoners",
       "Litter reports per 1,000 inhabitants", OMGEVING, RATE, BAD, 18, 22, 0.3, 4),
    _i("speelvoorzieningen_pct", "Tevreden met speelvoorzieningen",
       "Satisfied with play facilities", OMGEVING, PCT, GOOD, 55, -8, 0.2, 5, survey=True),
    _i("verkeersoverlast_pct", "Ervaart verkeersoverlast", "Experiences traffic nuisance",
       OMGEVING, PCT, BAD, 26, 6, 0.0, 4, survey=True),
    _i("voorzieningen_score", "Rapportcijfer voorzieningen", "Rating of local facilities",
       OMGEVING, SCORE, GOOD, 7.1, -0.4, 0.01, 0.25, survey=True),
    _i("geluidhinder_pct", "Ernstige geluidhinder", "Serious noise annoyance", OMGEVING, PCT,
       BAD, 11, 5, 0.05, 2, survey=True),
    # subversive crime
    _i("drugsoverlast_pct", "Ervaart drugsoverlast", "Experiences drug nuisance", ONDERMIJNING,
       PCT, BAD, 6, 12, 0.05, 2, survey=True),
    _i("drugsdelicten_rate", "Drugsdelicten per 1.000 inwoners",
       "Drug offences per 1,000 inhabitants", ONDERMIJNING, RATE, BAD, 1.5, 3, 0.03, 0.5),
    _i("bibob_rate", "Bibob-onderzoeken per 1.000 inwoners",
       "Integrity screenings per 1,000 inhabitants", ONDERMIJNING, RATE, NEUTRAL, 0.4, 0.6, 0.02,
       0.15, composite=False),
    _i("witwas_signalen_rate", "Signalen ondermijning per 1.000 inwoners",
       "Subversion signals per 1,000 inhabitants", ONDERMIJNING, RATE, BAD, 0.8, 1.6, 0.05, 0.3),
)

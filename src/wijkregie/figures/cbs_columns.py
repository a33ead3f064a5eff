"""What each CBS Kerncijfers column is, and so how it aggregates (a reviewed mapping).

CBS gives every column a unit, but the unit does not say how a column adds up: the
average household size has unit "aantal" like the number of inhabitants, and summing
it over buurten gave a wijk 4.4 persons per household. So the rule comes from what the
column *is*, read from CBS's definition (``Description`` in DataProperties) for table
85984NED (Kerncijfers wijken en buurten 2024), the same columns as earlier editions:

``count``    a number of persons, dwellings, firms, hectares ... — sums.
``mean``     a mean over a population that the table publishes as a count — the mean
             weighted by that count: Σ(x·w)/Σw (household size by households).
``share``    a percentage of a published count — weighted by that count.
``rate``     per 1,000 inhabitants — weighted by inhabitants (= 1000·Σn/Σd).
``density``  per km² land — weighted by land surface (= Σ count / Σ land).
``none``     not aggregable from the table: the population of the mean or share is
             not published (income receivers with income, the labour force, young
             people 0–23), CBS published a median or a mean over addresses, or the
             column is a code. Aggregating with a stand-in weight would publish a
             figure CBS itself would not.

A column not in this mapping (another CBS table, a new column) is ``none``: a figure
that cannot be derived is shown as missing, a wrongly derived one misleads.

``catalogue`` maps a column onto an indicator of the catalogue that means the same:
CBS's inhabitants *are* the catalogue's ``inwoners``, so an import fills that indicator
(one "Aantal inwoners" in the catalogue, not two) and every rate and share that uses
``inwoners`` as its denominator gets one.
"""

from __future__ import annotations

from dataclasses import dataclass

from wijkregie.figures.models import Aggregation

__all__ = ["CATALOGUE_KEYS", "KERNCIJFERS", "ColumnRule", "rule_for"]


@dataclass(frozen=True)
class ColumnRule:
    kind: str  # count / mean / share / rate / density / none
    weight: str | None = None  # CBS key (without position) of the weight or denominator
    why: str = ""

    @property
    def aggregation(self) -> Aggregation:
        if self.kind == "count":
            return Aggregation.SUM
        if self.kind == "rate":
            return Aggregation.RATE_PER_1000
        if self.kind in ("mean", "share", "density"):
            return Aggregation.WEIGHTED_MEAN
        return Aggregation.NONE


_COUNT = ColumnRule("count")
_INHABITANT_RATE = ColumnRule("rate", "AantalInwoners", "per 1,000 inhabitants")
_OF_DWELLINGS = ColumnRule("share", "Woningvoorraad", "percentage of the dwelling stock")
_PER_KM2_LAND = ColumnRule("density", "OppervlakteLand", "per km² land")
_OVER_INHABITANTS = ColumnRule("mean", "AantalInwoners", "mean over all inhabitants")


def _none(why: str) -> ColumnRule:
    return ColumnRule("none", None, why)


_COUNTS = [
    "AantalInwoners", "Mannen", "Vrouwen", "k_0Tot15Jaar", "k_15Tot25Jaar", "k_25Tot45Jaar",
    "k_45Tot65Jaar", "k_65JaarOfOuder", "Ongehuwd", "Gehuwd", "Gescheiden", "Verweduwd",
    "Nederland__Herkomstland", "EuropaExclusiefNederland__Herkomstland",
    "BuitenEuropa__Herkomstland", "Nederland__GeborenInNederland",
    "EuropaExclusiefNederland__GeborenInNederland", "BuitenEuropa__GeborenInNederland",
    "EuropaExclusiefNederland__GeborenBuitenNederland", "BuitenEuropa__GeborenBuitenNederland",
    "GeboorteTotaal", "SterfteTotaal", "HuishoudensTotaal", "Eenpersoonshuishoudens",
    "HuishoudensZonderKinderen", "HuishoudensMetKinderen", "Woningvoorraad",
    "NieuwbouwWoningen", "NietWoningvoorraad", "NieuwbouwNietWoningen", "LeerlingenPo",
    "LeerlingenVoInclVavo", "StudentenMboExclExtranei", "StudentenHbo", "StudentenWo",
    "BasisonderwijsVmboMbo1", "HavoVwoMbo24", "HboWo", "AantalInkomensontvangers",
    "PersonenPerSoortUitkeringBijstand", "PersonenPerSoortUitkeringAO",
    "PersonenPerSoortUitkeringWW", "PersonenPerSoortUitkeringAOW",
    "JongerenMetJeugdzorgInNatura", "WmoClienten", "BedrijfsvestigingenTotaal",
    "ALandbouwBosbouwEnVisserij", "BFNijverheidEnEnergie", "GIHandelEnHoreca",
    "HJVervoerInformatieEnCommunicatie", "KLFinancieleDienstenOnroerendGoed",
    "MNZakelijkeDienstverlening", "OQOverheidOnderwijsEnZorg",
    "RUCultuurRecreatieOverigeDiensten", "PersonenautoSTotaal", "PersonenautoSBrandstofBenzine",
    "PersonenautoSOverigeBrandstof", "Motorfietsen", "OppervlakteTotaal", "OppervlakteLand",
    "OppervlakteWater",
]

_ENERGY = [
    "GemiddeldeElektriciteitsleveringTotaal", "Appartement__GemiddeldeElektriciteitslevering",
    "Tussenwoning__GemiddeldeElektriciteitslevering",
    "Hoekwoning__GemiddeldeElektriciteitslevering",
    "TweeOnderEenKapWoning__GemiddeldeElektriciteitslevering",
    "VrijstaandeWoning__GemiddeldeElektriciteitslevering",
    "Huurwoning__GemiddeldeElektriciteitslevering",
    "EigenWoning__GemiddeldeElektriciteitslevering", "GemiddeldAardgasverbruikTotaal",
    "Appartement__GemiddeldAardgasverbruik", "Tussenwoning__GemiddeldAardgasverbruik",
    "Hoekwoning__GemiddeldAardgasverbruik", "TweeOnderEenKapWoning__GemiddeldAardgasverbruik",
    "VrijstaandeWoning__GemiddeldAardgasverbruik", "Huurwoning__GemiddeldAardgasverbruik",
    "EigenWoning__GemiddeldAardgasverbruik",
]

_DWELLING_SHARES = [
    "PercentageEengezinswoning", "PercentageTussenwoningEengezins",
    "PercentageHoekwoningEengezins", "PercentageTweeOnderEenKapWoningEe",
    "PercentageVrijstaandeWoningEengezins", "PercentageMeergezinswoning", "OnbewoondeWoningen",
    "BouwjaarMeerDanTienJaarGeleden", "BouwjaarAfgelopenTienJaar",
]

_INCOME_SHARES = [
    "k_40PersonenMetLaagsteInkomen", "k_20PersonenMetHoogsteInkomen",
    "k_40HuishoudensMetLaagsteInkomen", "k_20HuishoudensMetHoogsteInkomen",
    "HuishoudensMetEenLaagInkomen", "HuishOnderOfRondSociaalMinimum",
    "HuishoudensTot110VanSociaalMinimum", "HuishoudensTot120VanSociaalMinimum",
]

KERNCIJFERS: dict[str, ColumnRule] = {
    **dict.fromkeys(_COUNTS, _COUNT),
    **dict.fromkeys(_DWELLING_SHARES, _OF_DWELLINGS),
    **dict.fromkeys(_ENERGY, _none("mean per dwelling of the type with a known supply; "
                                   "that count is not published")),
    **dict.fromkeys(_INCOME_SHARES, _none("share of persons or households with a known "
                                          "income; that count is not published")),
    "GeboorteRelatief": _INHABITANT_RATE,
    "SterfteRelatief": _INHABITANT_RATE,
    "WmoClientenRelatief": _INHABITANT_RATE,
    "GemiddeldeHuishoudensgrootte": ColumnRule(
        "mean", "HuishoudensTotaal", "persons in private households per private household"),
    "Bevolkingsdichtheid": _PER_KM2_LAND,
    "PersonenautoSNaarOppervlakte": _PER_KM2_LAND,
    "PersonenautoSPerHuishouden": ColumnRule("mean", "HuishoudensTotaal",
                                             "cars per private household"),
    "GemiddeldeWOZWaardeVanWoningen": _none(
        "mean over dwellings with a known WOZ value between 10 thousand and 5 million"),
    # Koop/huur: a share of dwellings, but left out where ownership is unknown for more
    # than half of them, so the weighted mean over parts would not be CBS's figure.
    "Koopwoningen": _none("share of dwellings with known ownership"),
    "HuurwoningenTotaal": _none("share of dwellings with known ownership"),
    "InBezitWoningcorporatie": _none("share of dwellings with known ownership"),
    "InBezitOverigeVerhuurders": _none("share of dwellings with known ownership"),
    "PercentageWoningenMetStadsverwarming": _none("share of inhabited dwellings"),
    "Nettoarbeidsparticipatie": _none("share of the population aged 15–75"),
    "PercentageWerknemers": _none("share of the working population"),
    "PercentageZelfstandigen": _none("share of the working population"),
    "GemiddeldInkomenPerInkomensontvanger": _none(
        "mean over receivers of income in private households (not the published count "
        "of all income receivers)"),
    "GemiddeldInkomenPerInwoner": _none("mean over persons in private households"),
    "GemGestandaardiseerdInkomenVanHuish": _none("mean over households with income"),
    "MediaanVermogenVanParticuliereHuish": _none("a median"),
    "PercentageJongerenMetJeugdzorg": _none("share of young people aged 0–23"),
    "AfstandTotHuisartsenpraktijk": _OVER_INHABITANTS,
    "AfstandTotGroteSupermarkt": _OVER_INHABITANTS,
    "AfstandTotKinderdagverblijf": _OVER_INHABITANTS,
    "AfstandTotSchool": _OVER_INHABITANTS,
    "ScholenBinnen3Km": _OVER_INHABITANTS,
    "Dekkingspercentage": _none("a code"),
    "MateVanStedelijkheid": _none("a code (urbanity class 1–5)"),
    "Omgevingsadressendichtheid": _none("mean over the addresses in the area"),
}

# CBS column -> catalogue indicator key that means the same figure.
CATALOGUE_KEYS: dict[str, str] = {
    "AantalInwoners": "inwoners",
    "HuishoudensTotaal": "huishoudens",
}


def rule_for(key: str) -> ColumnRule:
    """The reviewed rule of a Kerncijfers column; not aggregable when unknown."""
    return KERNCIJFERS.get(key, _none("not in the reviewed Kerncijfers mapping"))

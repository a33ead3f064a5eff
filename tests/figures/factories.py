"""A small hand-made municipality with figures, for exact checks of the pipeline."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from shapely.geometry import box, mapping

from wijkregie.areas.models import Area, AreaLevel, ProgrammeArea
from wijkregie.core.models import Municipality, Organisation, OrganisationType, User
from wijkregie.core.roles import ANALYST
from wijkregie.figures.models import Aggregation, Indicator, Observation, Theme
from wijkregie.figures.pipeline import refresh_municipality


@dataclass
class Town:
    municipality: Municipality
    gemeente: Area
    wijken: list[Area]
    buurten: list[Area]  # four: two per wijk
    programme_area: ProgrammeArea


def build_town(code: str = "GM0999") -> Town:
    municipality = Municipality.objects.create(code=code, name="Teststad")
    number = code[2:]

    def area(area_code: str, level: str, parent: Area | None, x: float) -> Area:
        return Area.objects.create(code=area_code, year=2024, level=level, name=area_code,
                                   parent=parent, municipality=municipality,
                                   geometry=mapping(box(5 + x, 52, 5.01 + x, 52.01)))

    gemeente = area(code, AreaLevel.GEMEENTE, None, 0)
    wijken = [area(f"WK{number}0{i}", AreaLevel.WIJK, gemeente, i * .02) for i in range(2)]
    buurten = [area(f"BU{number}0{w}0{b}", AreaLevel.BUURT, wijken[w], w * .02 + b * .01)
               for w in range(2) for b in range(2)]
    programme_area = ProgrammeArea.objects.create(municipality=municipality, name="Kern",
                                                  slug="kern")
    programme_area.buurten.set(buurten[1:3])
    return Town(municipality, gemeente, wijken, buurten, programme_area)


def indicator(key: str, aggregation: str = Aggregation.SUM, *, denominator: Indicator | None =
              None, disclosure: dict | None = None, **extra) -> Indicator:
    return Indicator.objects.create(key=key, name_nl=key, theme=Theme.VEILIGHEID,
                                    aggregation=aggregation, denominator=denominator,
                                    disclosure=disclosure or {}, **extra)


def deliver(town: Town, ind: Indicator, values: list[float | None], year: int = 2024,
            status: list[str] | None = None) -> None:
    """Deliver buurt figures and run the pipeline."""
    for index, (buurt, value) in enumerate(zip(town.buurten, values, strict=True)):
        state = status[index] if status else ("value" if value is not None else "missing")
        Observation.objects.create(indicator=ind, area=buurt, year=year, value=value,
                                   status=state)
    refresh_municipality(town.municipality, [ind])


def shown(ind: Indicator, place: Area | ProgrammeArea, year: int = 2024) -> Observation:
    lookup = {"area": place} if isinstance(place, Area) else {"programme_area": place}
    return Observation.objects.get(indicator=ind, year=year, month=0, **lookup)


YEAR = 2024


class OverlapTown:
    """A gemeente with wijk W1 (buurten b1, b2, b3) and wijk W2 (b4, b5)."""

    def __init__(self) -> None:
        self.municipality = Municipality.objects.create(code="GM0998", name="Overlapstad")
        self.gemeente = self._area("GM0998", AreaLevel.GEMEENTE, None, 0)
        self.wijken = [self._area(f"WK099800{i}", AreaLevel.WIJK, self.gemeente, i)
                       for i in range(2)]
        self.buurten = [self._area(f"BU0998000{i}", AreaLevel.BUURT, self.wijken[0], i)
                        for i in range(3)]
        self.buurten += [self._area(f"BU0998010{i}", AreaLevel.BUURT, self.wijken[1], 3 + i)
                         for i in range(2)]
        org = Organisation.objects.create(name="Gemeente Overlapstad",
                                          type=OrganisationType.MUNICIPALITY)
        self.user = User.objects.create(username="ana", organisation=org,
                                        municipality=self.municipality)
        self.user.groups.add(Group.objects.get(name=ANALYST))

    def _area(self, code: str, level: str, parent: Area | None, x: float) -> Area:
        return Area.objects.create(code=code, year=YEAR, level=level, name=code, parent=parent,
                                   municipality=self.municipality,
                                   geometry=mapping(box(5 + x / 100, 52, 5.01 + x / 100, 52.01)))

    def programme_area(self, name: str, buurten: list[int]) -> ProgrammeArea:
        area = ProgrammeArea.objects.create(municipality=self.municipality, name=name,
                                            slug=name.lower())
        area.buurten.set([self.buurten[i] for i in buurten])
        return area

    def deliver(self, indicator: Indicator, values: list[float]) -> None:
        Observation.objects.bulk_create([
            Observation(indicator=indicator, area=buurt, year=YEAR, value=value)
            for buurt, value in zip(self.buurten, values, strict=True)])

    def tie_two_buurten(self) -> Indicator:
        """A sixth buurt b5 in W2 and a count W1 = b0 + b1 + b2 = 0 + 6 + 10,
        W2 = b3 + b4 + b5 = 4 + 6 + 6, with programme areas P0 = {b4}, P1 = {b1, b4} and
        P2 = {b1, b5}: P1 - P2 ties b4 = b5, so b3 = W2 - 2 · b4 is even while W2, P1 and
        P2 are shown (ADR 0011). Not refreshed."""
        self.buurten.append(self._area("BU09980102", AreaLevel.BUURT, self.wijken[1], 6))
        count = Indicator.objects.create(key="meldingen", name_nl="meldingen",
                                         theme=Theme.VEILIGHEID, aggregation=Aggregation.SUM,
                                         disclosure={"small_count_threshold": 5})
        self.deliver(count, [0, 6, 10, 4, 6, 6])
        for name, buurten in (("P0", [4]), ("P1", [1, 4]), ("P2", [1, 5])):
            self.programme_area(name, buurten)
        return count

    def business_park(self) -> tuple[Indicator, Indicator, Indicator]:
        """Inhabitants, nuisance reports (``< 5`` below 5) and their rate per 1,000 (hidden
        below 50 inhabitants) declaring the reports as numerator; buurt b0 is a business
        park: 40 inhabitants, 30 reports, a rate of 750 (ADR 0011). Not refreshed."""
        people = Indicator.objects.create(key="inwoners", name_nl="inwoners",
                                          theme=Theme.VEILIGHEID, aggregation=Aggregation.SUM)
        inhabitants = [40, 1200, 19000, 800, 700]
        self.deliver(people, inhabitants)
        count = Indicator.objects.create(key="overlast", name_nl="overlast",
                                         theme=Theme.VEILIGHEID, aggregation=Aggregation.SUM,
                                         disclosure={"small_count_threshold": 5})
        counts = [30, 2, 45, 20, 15]
        self.deliver(count, counts)
        rate = Indicator.objects.create(
            key="overlast_rate", name_nl="overlast_rate", theme=Theme.VEILIGHEID,
            aggregation=Aggregation.RATE_PER_1000, denominator=people, numerator=count,
            unit="per 1.000 inwoners", disclosure={"decimals": 1, "min_denominator": 50})
        self.deliver(rate, [1000 * n / d for n, d in zip(counts, inhabitants, strict=True)])
        return people, count, rate

    def findings(self, *, refresh: bool = True) -> list:
        """What the disclosure attack finds (tests/figures/disclosure_attack.py), after
        the refresh an import would run."""
        from tests.figures import disclosure_attack as attack

        if refresh:
            refresh_municipality(self.municipality)
        seen = attack.visible(self.user, self.municipality, YEAR)
        return attack.findings(attack.attack(self.municipality, seen), YEAR)

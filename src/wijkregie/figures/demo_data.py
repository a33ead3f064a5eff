"""Demo figures: the demo catalogue for every buurt over ten years, aggregated upward.

Programme-area buurten are drawn more deprived and improve more slowly, so programme
areas lag the city average; survey indicators and small buurten exercise the
disclosure rules.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from wijkregie.areas.models import Area, AreaLevel
from wijkregie.demo.loader import DemoContext, demo_step
from wijkregie.figures.demo_catalogue import (
    AMOUNT,
    COUNT,
    DEMO_INDICATORS,
    PCT,
    RATE,
    SCORE,
    DemoIndicator,
)
from wijkregie.figures.models import Aggregation, BenchmarkMethod, Indicator, Kind
from wijkregie.figures.pipeline import (
    FigureGrid,
    finish_refreshes,
    refresh_municipality,
)

DEMO_YEARS = tuple(range(2015, 2025))
DEMO_SOURCE = "Synthetische demodata (gegenereerd, geen echte cijfers)"
_UNITS = {PCT: "%", RATE: "per 1.000 inwoners", COUNT: "aantal", SCORE: "rapportcijfer",
          AMOUNT: "× € 1.000"}


def _disclosure(spec: DemoIndicator) -> dict[str, object]:
    if spec.shape == COUNT:
        return {"small_count_threshold": 5} if spec.key == "woninginbraak" else {}
    rule: dict[str, object] = {"decimals": 1, "min_denominator": 200 if spec.survey else 50}
    if spec.key in ("startkwalificatie_pct", "ervaren_gezondheid_pct"):
        rule["upper_percent"] = 90.0
    return rule


def _benchmark(spec: DemoIndicator) -> tuple[str, float | None]:
    if spec.shape == SCORE:
        return BenchmarkMethod.REFERENCE, 7.0
    if spec.shape == RATE:
        return BenchmarkMethod.ROTTERDAM, None
    return BenchmarkMethod.AMSTERDAM, None


# Rates computed from a count of the catalogue (the count is their numerator).
NUMERATORS = {"woninginbraak_rate": "woninginbraak"}

# At national scale (benchmarks) the catalogue is padded to about 150 indicators with
# variants of the registered ones, as a full municipal catalogue would have.
NATIONAL_CATALOGUE_SIZE = 150


def demo_catalogue(scale: str) -> tuple[DemoIndicator, ...]:
    if scale != "national":
        return DEMO_INDICATORS
    bases = [s for s in DEMO_INDICATORS if s.shape != COUNT]
    variants = []
    for index in range(NATIONAL_CATALOGUE_SIZE - len(DEMO_INDICATORS)):
        base = bases[index % len(bases)]
        number = index // len(bases) + 2
        variants.append(replace(base, key=f"{base.key}_v{number}",
                                name_nl=f"{base.name_nl} (variant {number})",
                                name_en=f"{base.name_en} (variant {number})", composite=False))
    return DEMO_INDICATORS + tuple(variants)


def ensure_demo_indicators(catalogue: tuple[DemoIndicator, ...] = DEMO_INDICATORS
                           ) -> dict[str, Indicator]:
    indicators: dict[str, Indicator] = {}
    for spec in catalogue:
        method, reference = _benchmark(spec)
        indicators[spec.key], _ = Indicator.objects.update_or_create(
            key=spec.key, municipality=None, defaults={
                "name_nl": spec.name_nl, "name_en": spec.name_en, "theme": spec.theme,
                "unit": _UNITS[spec.shape], "decimals": 0 if spec.shape == COUNT else 1,
                "polarity": spec.polarity, "definition": f"{spec.name_nl} (demo-indicator).",
                "kind": Kind.SURVEY if spec.survey else Kind.REGISTERED,
                "source": DEMO_SOURCE, "reference_date": "1 januari" if not spec.survey
                else "enquête najaar", "disclosure": _disclosure(spec),
                "benchmark_method": method, "reference_value": reference, "base_year": 2015,
                "in_composite": spec.composite,
                "aggregation": {COUNT: Aggregation.SUM, RATE: Aggregation.RATE_PER_1000}.get(
                    spec.shape, Aggregation.WEIGHTED_MEAN),
            })
    for spec in catalogue:
        numerator = indicators.get(NUMERATORS.get(spec.key, ""))
        denominator = None
        if spec.shape in (PCT, SCORE, RATE):
            denominator = indicators["inwoners"]
        elif spec.shape == AMOUNT:
            denominator = indicators["huishoudens"]
        Indicator.objects.filter(pk=indicators[spec.key].pk).update(denominator=denominator,
                                                                    numerator=numerator)
        indicators[spec.key].denominator = denominator
        indicators[spec.key].numerator = numerator
    return indicators


def _clip(spec: DemoIndicator, values: np.ndarray) -> np.ndarray:
    if spec.shape == PCT:
        return np.clip(values, 0.0, 100.0)
    if spec.shape == SCORE:
        return np.clip(values, 1.0, 10.0)
    return np.clip(values, 0.0, None)


@demo_step(order=40)
def build_figures(context: DemoContext) -> None:
    catalogue = demo_catalogue(context.scale)
    indicators = ensure_demo_indicators(catalogue)
    rng = context.rng
    programme_buurten = {b.pk for pa in context.programme_areas for b in pa.buurten.all()}
    years = np.array(DEMO_YEARS) - DEMO_YEARS[0]
    for municipality in context.municipalities:
        buurten = list(Area.objects.filter(municipality=municipality, level=AreaLevel.BUURT)
                       .order_by("code").values_list("id", flat=True))
        n = len(buurten)
        deprived = np.array([b in programme_buurten for b in buurten])
        deprivation = np.where(deprived, rng.uniform(0.55, 1.0, n), rng.uniform(0.0, 0.5, n))
        population = np.clip(rng.lognormal(np.log(1200), 0.75, n), 60, 6000)
        growth = 1 + 0.006 * years  # shape (years,)
        inhabitants = np.rint(population[:, None] * growth[None, :])
        households = np.rint(inhabitants / rng.uniform(1.8, 2.5, n)[:, None])
        values: dict[str, np.ndarray] = {
            "inwoners": inhabitants, "huishoudens": households,
            "woningen": np.rint(households * 1.04),
        }
        for spec in catalogue:
            if spec.shape == COUNT:
                continue
            # Deprived buurten improve at half the city's pace: they keep lagging.
            trend = spec.trend * years[None, :] * (1 - 0.5 * deprivation[:, None])
            level = spec.level + spec.deprivation * deprivation[:, None] + trend
            values[spec.key] = _clip(spec, level + rng.normal(0, spec.noise, (n, len(years))))
        values["woninginbraak"] = rng.poisson(values["woninginbraak_rate"] * inhabitants / 1000)
        # The published rate is the count per 1,000 inhabitants: the two are linked, so
        # the disclosure step must show or hide them together (NUMERATORS).
        values["woninginbraak_rate"] = 1000 * values["woninginbraak"] / inhabitants
        columns = [(indicators[spec.key].pk, year, 0) for spec in catalogue
                   for year in DEMO_YEARS]
        table = np.hstack([np.round(values[spec.key], 0 if spec.shape == COUNT else 2)
                           for spec in catalogue])  # buurten × (indicator, year)
        delivered = FigureGrid.delivered([("A", b) for b in buurten], columns, table)
        refresh_municipality(municipality, indicators.values(), delivered,
                             finish=False)
    # Once, not after every town: each run reads the gemeente figures of all towns.
    finish_refreshes(indicators.values())

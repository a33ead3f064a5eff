"""Fictional Dutch-sounding place names, built from parts so that none is a real place."""

from __future__ import annotations

import numpy as np

MUNICIPALITY_NAMES = [
    "Havenwaard", "Rivierdonk", "Heuvelstede", "Polderhoven", "Zandmeer", "Eikenrade",
    "Brugvliet", "Molenstein", "Kreekdam", "Veenhorst", "Dijkerveld", "Beekmonde",
]
_FIRST = ["Kersen", "Linden", "Molen", "Vogel", "Haven", "Kastanje", "Zilver", "Duin", "Brons",
          "Meidoorn", "Rozen", "Klaver", "Reiger", "Wilgen", "Beuken", "Koper", "Veer", "Slot",
          "Schans", "Gaarde", "Hoven", "Sluis", "Kade", "Wei", "Akker", "Tuin", "Oever", "Lisdodde",
          "Esdoorn", "Berken", "Zwaluw", "Merel", "Distel", "Heide", "Vlinder", "Wieken"]
_LAST_WIJK = ["wijk", "kwartier", "veld", "hof", "park", "hoek", "stad", "dorp"]
_LAST_BUURT = ["buurt", "laan", "plein", "erf", "straat", "pad", "hof", "kamp", "rijk", "zoom"]


def municipality_name(index: int) -> str:
    base = MUNICIPALITY_NAMES[index % len(MUNICIPALITY_NAMES)]
    round_ = index // len(MUNICIPALITY_NAMES)
    return base if round_ == 0 else f"{base} {round_ + 1}"


def area_names(rng: np.random.Generator, count: int, suffixes: list[str]) -> list[str]:
    """``count`` distinct names such as "Kersenbuurt"; numbered when parts run out."""
    combos = [f + s for f in _FIRST for s in suffixes]
    order = rng.permutation(len(combos))
    names = [combos[i] for i in order[:count]]
    for extra in range(len(names), count):
        names.append(f"{combos[order[extra % len(combos)]]} {extra // len(combos) + 1}")
    return names


def wijk_names(rng: np.random.Generator, count: int) -> list[str]:
    return area_names(rng, count, _LAST_WIJK)


def buurt_names(rng: np.random.Generator, count: int) -> list[str]:
    return area_names(rng, count, _LAST_BUURT)

"""Demo addresses: a street through every demo buurt with its house numbers, so that a
registration can be located by address ("Kade 4") in the demo as with imported BAG data.
Deterministic (no draws from the demo's random stream, which later steps share)."""

from __future__ import annotations

import shapely

from wijkregie.areas.addresses import street_key
from wijkregie.areas.geometry import from_geojson, to_rd
from wijkregie.areas.models import Address, Area, AreaLevel
from wijkregie.demo.loader import DemoContext, demo_step

STREETS = ("Kade", "Dorpsstraat", "Molenweg", "Kerkstraat", "Schoolstraat", "Lindelaan",
           "Beukenlaan", "Julianastraat", "Wilhelminastraat", "Stationsweg", "Havenstraat",
           "Marktstraat", "Sportlaan", "Parkweg", "Nieuwe Gracht", "Burg. de Vlugtlaan")
HOUSE_SPACING_M = 18.0
HOUSES_PER_SIDE = 12


def _street_name(index: int, buurt: Area) -> str:
    return STREETS[index] if index < len(STREETS) else f"{buurt.name}laan"


def _postcode(town: int, index: int) -> str:
    """A fictional postcode per buurt: four digits per town and buurt group, two letters."""
    digits = 1000 + (town * 37 + index // 26) % 9000
    return f"{digits}{chr(65 + index // 26 % 26)}{chr(65 + index % 26)}"


@demo_step(order=12)
def build_addresses(context: DemoContext) -> None:
    rows = []
    for town, municipality in enumerate(context.municipalities):
        buurten = Area.objects.filter(municipality=municipality, level=AreaLevel.BUURT,
                                      geometry__isnull=False).order_by("code")
        for index, buurt in enumerate(buurten):
            shape = to_rd(from_geojson(buurt.geometry))
            centre = shapely.point_on_surface(shape)
            street = _street_name(index, buurt)
            last = {"north": -1, "south": 0}  # odd numbers north, even south, west to east
            for step in range(-HOUSES_PER_SIDE, HOUSES_PER_SIDE + 1):
                x = centre.x + step * HOUSE_SPACING_M
                for side, offset in (("north", 8.0), ("south", -8.0)):
                    if not shape.contains(shapely.Point(x, centre.y + offset)):
                        continue
                    last[side] = number = last[side] + 2
                    rows.append(Address(
                        municipality=municipality, street=street,
                        street_key=street_key(street), number=number,
                        postcode=_postcode(town, index), place=municipality.name,
                        x_rd=round(x, 1), y_rd=round(centre.y + offset, 1)))
    Address.objects.bulk_create(rows, batch_size=2000)

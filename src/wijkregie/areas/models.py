"""Area register: gemeente → wijk → buurt (CBS codes, by division year) and programme areas."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wijkregie.core.models import Municipality


class AreaLevel(models.TextChoices):
    GEMEENTE = "gemeente", _("municipality")
    WIJK = "wijk", _("district (wijk)")
    BUURT = "buurt", _("neighbourhood (buurt)")


class Area(models.Model):
    """One CBS area of one division year, with its boundary in WGS84 (GeoJSON).

    Codes are strings (since 2022 Amsterdam's are alphanumeric: WK0363AA).
    """

    code = models.CharField(_("CBS code"), max_length=10)
    year = models.PositiveSmallIntegerField(_("division year"))
    level = models.CharField(_("level"), max_length=10, choices=AreaLevel.choices)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children", verbose_name=_("part of"))
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="areas")
    geometry = models.JSONField(_("boundary (GeoJSON, WGS84)"), null=True, blank=True)
    # Derived from the geometry at import: cheap map extents and sorting without parsing it.
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    surface_m2 = models.FloatField(_("surface (m²)"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "year"], name="area_code_year_unique"),
        ]
        indexes = [models.Index(fields=["municipality", "level", "year"])]
        permissions = [("import_areas", "Can import area boundary files")]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def bbox(self) -> tuple[float, float, float, float] | None:
        if self.min_lon is None:
            return None
        return (self.min_lon, self.min_lat, self.max_lon, self.max_lat)  # type: ignore[return-value]


class ProgrammeArea(models.Model):
    """A named set of buurten of one municipality, e.g. "Amsterdam Nieuw-West"."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="programme_areas")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=100)
    description = models.TextField(_("description"), blank=True)
    buurten = models.ManyToManyField(Area, related_name="programme_areas",
                                     limit_choices_to={"level": AreaLevel.BUURT})

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"],
                                    name="programme_area_slug_unique"),
        ]
        verbose_name = _("programme area")
        verbose_name_plural = _("programme areas")

    def __str__(self) -> str:
        return self.name


class Address(models.Model):
    """A public address point of the municipality, as the BAG publishes it: the
    gazetteer a registration is located by ("Kade 4", "9001 AB 4"). Public data about
    buildings, never about persons; replaced by the next import of the municipality's
    address file (``wijkregie import-addresses``)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="addresses")
    street = models.CharField(_("street"), max_length=120)
    # Lower case without accents or punctuation: what a typed street is compared with.
    street_key = models.CharField(max_length=120)
    number = models.PositiveIntegerField(_("house number"))
    letter = models.CharField(_("house letter"), max_length=1, blank=True)
    addition = models.CharField(_("house number addition"), max_length=4, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    place = models.CharField(_("place"), max_length=80, blank=True)
    x_rd = models.FloatField()
    y_rd = models.FloatField()

    class Meta:
        ordering = ["street_key", "number", "letter", "addition"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "place", "street_key", "number", "letter", "addition"],
                name="address_unique_per_place"),
        ]
        indexes = [models.Index(fields=["municipality", "street_key", "number"],
                                name="address_street_number"),
                   models.Index(fields=["municipality", "postcode", "number"],
                                name="address_postcode_number")]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """"Kade 4a-2, 9001 AB Havenwaard" (the Dutch way of writing an address)."""
        house = f"{self.number}{self.letter}" + (f"-{self.addition}" if self.addition else "")
        postcode = f"{self.postcode[:4]} {self.postcode[4:]}" if self.postcode else ""
        tail = " ".join(part for part in (postcode, self.place) if part)
        return f"{self.street} {house}" + (f", {tail}" if tail else "")

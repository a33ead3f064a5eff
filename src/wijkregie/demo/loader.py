"""Load the deterministic synthetic demo data set into the database.

``load_demo(seed=N)`` always builds the same fictional municipalities, areas,
organisations and users for the same seed. Capabilities add their own data in a
``demo_data.py`` module of their app, registering steps with :func:`demo_step`; each
step receives the context built so far, and steps run in ``order``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from wijkregie.areas.geometry import geojson_geometry, to_wgs84
from wijkregie.areas.models import Area, AreaLevel, ProgrammeArea
from wijkregie.core import roles
from wijkregie.core.models import Municipality, Organisation, OrganisationType, User
from wijkregie.demo.geography import DemoTown, build_town
from wijkregie.demo.names import municipality_name

DEMO_YEAR = 2024
# Each demo municipality carries another house style, so theming per municipality shows.
DEMO_THEMES = ("havenblauw", "poldergroen")
DEMO_PASSWORD = "demo-wachtwoord"  # printed by `make run`; only ever used for demo accounts
SCALES = {
    # scale: (towns, buurten per town, wijken per town)
    "test": (2, 24, 4),  # what the test suite loads, often: keep it quick
    "small": (4, 48, 6),  # the default demo that `make run` shows
    "national": (150, 100, 12),
}


class DemoError(RuntimeError):
    pass


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organisation: str
    municipality: str


@dataclass
class DemoContext:
    seed: int
    scale: str
    rng: np.random.Generator
    municipalities: list[Municipality] = field(default_factory=list)
    programme_areas: list[ProgrammeArea] = field(default_factory=list)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)


DemoStep = Callable[[DemoContext], None]
_REGISTERED_STEPS: list[tuple[int, DemoStep]] = []


def demo_step(order: int) -> Callable[[DemoStep], DemoStep]:
    """Register a step of an app's ``demo_data`` module (foundation steps are 10-30)."""
    def register(step: DemoStep) -> DemoStep:
        _REGISTERED_STEPS.append((order, step))
        return step
    return register


_CLEANUPS: list[Callable[[], None]] = []


def demo_cleanup(func: Callable[[], None]) -> Callable[[], None]:
    """Register a function that removes an app's demo data before the foundation's
    (for data that protects organisations or users from deletion)."""
    _CLEANUPS.append(func)
    return func


def demo_steps() -> list[DemoStep]:
    autodiscover_modules("demo_data")
    return [step for _, step in sorted(_REGISTERED_STEPS, key=lambda item: item[0])]


def demo_present() -> bool:
    return Municipality.objects.filter(is_demo=True).exists()


def database_empty() -> bool:
    return not (Municipality.objects.exists() or User.objects.exists())


def remove_demo() -> None:
    """Delete all demo data (audit events stay: they are append-only)."""
    autodiscover_modules("demo_data")
    with transaction.atomic():
        for cleanup in _CLEANUPS:
            cleanup()
        User.objects.filter(organisation__is_demo=True).delete()
        Organisation.objects.filter(is_demo=True).delete()
        Municipality.objects.filter(is_demo=True).delete()


def load_demo(*, seed: int = 1, scale: str = "small", replace: bool = False) -> DemoContext:
    if scale not in SCALES:
        raise DemoError(f"--scale must be one of {', '.join(SCALES)}, not {scale!r}")
    if demo_present():
        if not replace:
            raise DemoError("demo data is already loaded; use --replace to build it anew")
        remove_demo()
    context = DemoContext(seed=seed, scale=scale, rng=np.random.default_rng(seed))
    with transaction.atomic():
        for step in demo_steps():
            step(context)
    return context


# --- steps ---------------------------------------------------------------------------

@demo_step(order=10)
def build_areas(context: DemoContext) -> None:
    n_towns, n_buurten, n_wijken = SCALES[context.scale]
    for index in range(n_towns):
        code = f"GM{9001 + index:04d}"
        town = build_town(index, code, municipality_name(index), context.rng, n_buurten,
                          n_wijken)
        municipality = Municipality.objects.create(code=code, name=town.name, is_demo=True,
                                                   theme=DEMO_THEMES[index % len(DEMO_THEMES)])
        context.municipalities.append(municipality)
        _save_town(town, municipality)
        context.programme_areas.extend(_programme_areas(context, municipality))


def _area(code: str, name: str, level: str, geometry_rd, municipality: Municipality,  # type: ignore[no-untyped-def]
          parent: Area | None) -> Area:
    geometry = to_wgs84(geometry_rd)
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    return Area(code=code, year=DEMO_YEAR, level=level, name=name, municipality=municipality,
                parent=parent, geometry=geojson_geometry(_rounded(geometry)),
                min_lon=min_lon, min_lat=min_lat, max_lon=max_lon, max_lat=max_lat,
                surface_m2=float(geometry_rd.area))


def _rounded(geometry):  # type: ignore[no-untyped-def]
    import shapely

    # 6 decimals ≈ 0.1 m: plenty for maps, a third of the JSON size.
    return shapely.transform(geometry, lambda xy: np.round(xy, 6))


def _save_town(town: DemoTown, municipality: Municipality) -> None:
    gemeente = _area(town.code, town.name, AreaLevel.GEMEENTE, town.geometry, municipality, None)
    gemeente.save()
    wijken = Area.objects.bulk_create([
        _area(w.code, w.name, AreaLevel.WIJK, w.geometry, municipality, gemeente)
        for w in town.wijken
    ])
    Area.objects.bulk_create([
        _area(b.code, b.name, AreaLevel.BUURT, b.geometry, municipality, wijk)
        for demo_wijk, wijk in zip(town.wijken, wijken, strict=True) for b in demo_wijk.buurten
    ], batch_size=1000)


def _programme_areas(context: DemoContext, municipality: Municipality) -> list[ProgrammeArea]:
    """One programme area per town: the buurten of two neighbouring wijken."""
    wijken = list(Area.objects.filter(municipality=municipality, level=AreaLevel.WIJK)
                  .order_by("code"))
    first = wijken[int(context.rng.integers(len(wijken)))]
    neighbour = min((w for w in wijken if w.pk != first.pk),
                    key=lambda w: (w.min_lon - first.min_lon) ** 2
                    + (w.min_lat - first.min_lat) ** 2)
    programme_area = ProgrammeArea.objects.create(
        municipality=municipality, name=f"{municipality.name} {first.name}–{neighbour.name}",
        slug=f"{first.name}-{neighbour.name}".lower().replace(" ", "-")[:100],
        description="Fictief programmagebied (synthetische demodata).")
    programme_area.buurten.set(Area.objects.filter(parent__in=[first, neighbour]))
    return [programme_area]


ORGANISATION_TEMPLATES = [
    # key, name pattern, type
    ("gemeente", "Gemeente {town} (demo)", OrganisationType.MUNICIPALITY),
    ("politie", "Politie basisteam {town} (demo)", OrganisationType.POLICE),
    ("corporatie", "Woonstichting {town} (demo)", OrganisationType.HOUSING),
    ("welzijn", "Buurtwerk {town} (demo)", OrganisationType.SOCIAL_WORK),
    ("ggd", "GGD regio {town} (demo)", OrganisationType.GGD),
    ("om", "Openbaar Ministerie arrondissement {town} (demo)", OrganisationType.PROSECUTOR),
]


@demo_step(order=20)
def build_organisations(context: DemoContext) -> None:
    """Per town its partners; the programme organisation works across all of them."""
    small = context.municipalities[:4]
    for municipality in small:
        for key, pattern, kind in ORGANISATION_TEMPLATES:
            org = Organisation.objects.create(name=pattern.format(town=municipality.name),
                                              type=kind, is_demo=True)
            org.municipalities.add(municipality)
            context.organisations[f"{key}:{municipality.code}"] = org
    programme = Organisation.objects.create(name="Programma Leefbaarheid en Veiligheid (demo)",
                                            type=OrganisationType.PROGRAMME, is_demo=True)
    programme.municipalities.set(context.municipalities)
    context.organisations["programma"] = programme


# username, role, organisation key, municipality index (None: no municipality)
DEMO_USERS = [
    ("beheerder", roles.ADMINISTRATOR, "gemeente", 0),
    ("regisseur", roles.GEBIEDSREGISSEUR, "gemeente", 0),
    ("analist", roles.ANALYST, "gemeente", 0),
    ("agent", roles.PARTNER_WORKER, "politie", 0),
    ("adviseur", roles.SAFETY_ADVISER, "gemeente", 0),
    ("programma", roles.PROGRAMME_VIEWER, "programma", None),
    ("regisseur2", roles.GEBIEDSREGISSEUR, "gemeente", 1),
    ("platformbeheerder", roles.PLATFORM_ADMINISTRATOR, "programma", None),
]


@demo_step(order=30)
def build_users(context: DemoContext) -> None:
    groups = {g.name: g for g in Group.objects.filter(name__in=roles.ROLE_PERMISSIONS)}
    if len(groups) != len(roles.ROLE_PERMISSIONS):
        roles.sync_roles()
        groups = {g.name: g for g in Group.objects.filter(name__in=roles.ROLE_PERMISSIONS)}
    password_hash = None
    for username, role, org_key, town in DEMO_USERS:
        municipality = context.municipalities[town] if town is not None else None
        org = context.organisations[org_key if town is None else f"{org_key}:{municipality.code}"]
        user = User(username=username, organisation=org, municipality=municipality,
                    first_name=username.capitalize(), last_name="(demo)",
                    # the admin site is theirs
                    is_staff=role in (roles.ADMINISTRATOR, roles.PLATFORM_ADMINISTRATOR))
        if password_hash is None:
            user.set_password(DEMO_PASSWORD)
            password_hash = user.password
        user.password = password_hash  # one Argon2 hash: the same password for every demo login
        user.save()
        user.groups.add(groups[role])
        context.logins.append(DemoLogin(username, role, org.name,
                                        municipality.name if municipality else "—"))


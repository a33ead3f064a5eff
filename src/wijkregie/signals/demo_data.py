"""Demo signals: fictional persons (Faker nl_NL), groups, about 5,000 signals over two
years clustered around a few places in the first town, cases in every status, and a
covenant in which care signals (zorgsignaal) are shared only with social work and the GGD.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

import numpy as np
import pyotp
import shapely
from django.contrib.auth.models import Group
from django.utils import timezone
from faker import Faker

from wijkregie.areas.geometry import from_geojson, to_rd
from wijkregie.areas.models import Area, AreaLevel
from wijkregie.core import roles
from wijkregie.core.models import Municipality, User
from wijkregie.demo.loader import DEMO_PASSWORD, DemoContext, DemoLogin, demo_cleanup, demo_step
from wijkregie.signals import crypto, totp
from wijkregie.signals.linkage import assign_domains
from wijkregie.signals.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Category,
    Covenant,
    CovenantRule,
    Pillar,
    Reliability,
    Sensitivity,
    Signal,
    Subject,
    SubjectGroup,
    TotpDevice,
)
from wijkregie.signals.services import new_ref

# Base32 TOTP secret of every pre-enrolled demo account (docs/operations/two-factor.md).
DEMO_TOTP_SECRET = "WIJKREGIEDEMOTOTPGEHEIM234567ABC"
_demo_steps_used: dict[str, int] = {}


def demo_totp_code(username: str) -> str:
    """A code of the demo key for a 30 s step this process has not used for ``username``.

    The server accepts each step once per account and counts a refused code as a failed
    login, so a script that logs in twice within one step would, by retrying, lock every
    login from its address for the throttle window. Waiting for the next step instead
    never submits a code that must fail.
    """
    generator = pyotp.TOTP(DEMO_TOTP_SECRET)
    while True:
        now = time.time()
        step = int(now // generator.interval)
        if step > _demo_steps_used.get(username, -1):
            _demo_steps_used[username] = step
            return generator.at(now)
        time.sleep((step + 1) * generator.interval - now + 0.05)
# About 5,000 signals in the first town for the demo (`make run`); the test settings
# set WIJKREGIE_DEMO_SIGNALS lower, because the demo is loaded by many tests.
SIGNALS_FIRST_TOWN = int(os.environ.get("WIJKREGIE_DEMO_SIGNALS", "5000"))
SIGNALS_OTHER_TOWNS = 150
DAYS = 730

# key, name, parent key, retention days, pillar, sensitivity, organisations that see it, purpose
CATEGORIES = [
    ("overlast", "Overlast", None, 730, Pillar.SAFETY, Sensitivity.NORMAL,
     ("gemeente", "politie", "corporatie", "welzijn"), "aanpak overlast in de wijk"),
    ("geluidsoverlast", "Geluidsoverlast", "overlast", 730, Pillar.SAFETY, Sensitivity.NORMAL,
     ("gemeente", "politie", "corporatie", "welzijn"), "aanpak overlast in de wijk"),
    ("overlast-personen", "Overlast door personen", "overlast", 730, Pillar.SAFETY,
     Sensitivity.HIGH, ("gemeente", "politie", "corporatie", "welzijn"),
     "aanpak overlast in de wijk"),
    ("drugs-ondermijning", "Drugs en ondermijning", None, 1825, Pillar.SAFETY,
     Sensitivity.SPECIAL, ("gemeente", "politie", "om"), "bestrijding ondermijning"),
    ("zorgsignaal", "Zorgsignaal", None, 730, Pillar.SOCIAL, Sensitivity.SPECIAL,
     ("welzijn", "ggd"), "zorg en ondersteuning"),
    ("woonfraude", "Woonfraude / illegale onderverhuur", None, 1095, Pillar.PHYSICAL,
     Sensitivity.HIGH, ("gemeente", "corporatie", "politie"), "aanpak woonfraude"),
    ("jeugd", "Jeugd", None, 730, Pillar.SOCIAL, Sensitivity.HIGH,
     ("gemeente", "politie", "welzijn"), "jeugdaanpak"),
    ("verloedering", "Verloedering", None, 730, Pillar.PHYSICAL, Sensitivity.NORMAL,
     ("gemeente", "corporatie", "politie"), "beheer openbare ruimte"),
]
CATEGORY_WEIGHTS = {"overlast": 0.10, "geluidsoverlast": 0.15, "overlast-personen": 0.12,
                    "drugs-ondermijning": 0.12, "zorgsignaal": 0.15, "woonfraude": 0.10,
                    "jeugd": 0.13, "verloedering": 0.13}
DESCRIPTIONS = {
    "overlast": "Meerdere meldingen van overlast rond het portiek.",
    "geluidsoverlast": "Harde muziek tot laat in de nacht, buren klagen.",
    "overlast-personen": "Persoon spreekt voorbijgangers agressief aan.",
    "drugs-ondermijning": "Veel korte bezoeken aan de woning, vermoedelijk drugshandel.",
    "zorgsignaal": "Bewoner lijkt verward en verwaarloost zichzelf; zorg nodig.",
    "woonfraude": "Vermoeden van illegale onderverhuur: wisselende bewoners.",
    "jeugd": "Groep jongeren hangt 's avonds rond bij het winkelcentrum.",
    "verloedering": "Zwerfvuil en vernielde verlichting in de steeg.",
}
# username, role, organisation key (all in the first town)
SIGNAL_USERS = [
    ("hulpverlener", roles.PARTNER_WORKER, "welzijn"),
    ("casusregisseur", roles.CASE_DIRECTOR, "gemeente"),
]


@demo_cleanup
def remove_signal_demo() -> None:
    demo = Municipality.objects.filter(is_demo=True)
    Case.objects.filter(municipality__in=demo).delete()
    Signal.objects.filter(municipality__in=demo).delete()
    Covenant.objects.filter(municipality__in=demo).delete()


@demo_step(order=50)
def build_signals(context: DemoContext) -> None:
    categories = _categories()
    users = _users(context)
    _enrol_demo_totp()
    faker = Faker("nl_NL")
    faker.seed_instance(context.seed)
    for index, municipality in enumerate(context.municipalities[:4]):
        orgs = {key.split(":")[0]: org for key, org in context.organisations.items()
                if key.endswith(f":{municipality.code}")}
        _covenant(municipality, orgs, categories)
        count = SIGNALS_FIRST_TOWN if index == 0 else SIGNALS_OTHER_TOWNS
        subjects = _subjects(context, faker, municipality, 600 if index == 0 else 40)
        groups = _groups(context, faker, municipality, subjects)
        signals = _signals(context, municipality, orgs, categories, subjects, groups, count)
        if index == 0:
            _cases(context, municipality, orgs, users["casusregisseur"], signals)
    # As migrated data: a person whose signals all came from one organisation is in its
    # linkage domain (ADR 0025); persons shared by several stay without one.
    assign_domains(Subject, Signal)


def _categories() -> dict[str, Category]:
    existing = {c.key: c for c in Category.objects.filter(municipality__isnull=True)}
    for key, name, parent, days, *_ in CATEGORIES:
        if key not in existing:
            existing[key] = Category.objects.create(key=key, name=name, retention_days=days,
                                                    parent=existing.get(parent or ""))
    return existing


def _users(context: DemoContext) -> dict[str, User]:
    municipality = context.municipalities[0]
    groups = {g.name: g for g in Group.objects.filter(name__in=roles.ROLE_PERMISSIONS)}
    password_hash = User.objects.filter(username="beheerder").values_list(
        "password", flat=True).first()
    made = {}
    for username, role, org_key in SIGNAL_USERS:
        org = context.organisations[f"{org_key}:{municipality.code}"]
        user = User(username=username, organisation=org, municipality=municipality,
                    first_name=username.capitalize(), last_name="(demo)")
        if password_hash is None:
            user.set_password(DEMO_PASSWORD)
            password_hash = user.password
        user.password = password_hash
        user.save()
        user.groups.add(groups[role])
        context.logins.append(DemoLogin(username, role, org.name, municipality.name))
        made[username] = user
    return made


def _enrol_demo_totp() -> None:
    """Pre-enrol every demo account whose role sees personal data or administers
    (documented secret)."""
    needing = [u for u in User.objects.filter(organisation__is_demo=True)
               if totp.needs_second_factor(u)]
    secrets = crypto.encrypt_identities([{"name": DEMO_TOTP_SECRET}] * len(needing))
    TotpDevice.objects.bulk_create([TotpDevice(user=u, secret=s, confirmed=True)
                                    for u, s in zip(needing, secrets, strict=True)])


def _covenant(municipality: Municipality, orgs: dict, categories: dict[str, Category]) -> None:
    covenant = Covenant.objects.create(
        municipality=municipality, name=f"Convenant gegevensdeling {municipality.name} (demo)")
    covenant.participants.set(orgs.values())
    CovenantRule.objects.bulk_create([
        CovenantRule(covenant=covenant, category=categories[key], organisation=orgs[org],
                     purpose=purpose)
        for key, _n, _p, _d, _pl, _s, org_keys, purpose in CATEGORIES for org in org_keys])


def _subjects(context: DemoContext, faker: Faker, municipality: Municipality,
              count: int) -> list[Subject]:
    people = []
    for _ in range(count):
        born = faker.date_of_birth(minimum_age=14, maximum_age=85)
        people.append({"name": faker.name(), "date_of_birth": born.isoformat(),
                       "address": faker.street_address(), "bsn": "", "_born": born})
    tokens = crypto.encrypt_identities(people)
    return Subject.objects.bulk_create([
        Subject(municipality=municipality, ref=new_ref(), identity=token,
                match_hash=crypto.person_match_hash(p["name"], p["_born"]))
        for p, token in zip(people, tokens, strict=True)])


def _groups(context: DemoContext, faker: Faker, municipality: Municipality,
            subjects: list[Subject]) -> list[SubjectGroup]:
    groups = SubjectGroup.objects.bulk_create([
        SubjectGroup(municipality=municipality, name=f"Groep {faker.street_name()}")
        for _ in range(6)])
    through = SubjectGroup.members.through
    rows = []
    for group in groups:
        members = context.rng.choice(len(subjects), size=int(context.rng.integers(3, 9)),
                                     replace=False)
        rows += [through(subjectgroup_id=group.pk, subject_id=subjects[int(m)].pk)
                 for m in members]
    through.objects.bulk_create(rows)
    return groups


def _buurt_shapes(municipality: Municipality) -> tuple[list[Area], list]:
    buurten = list(Area.objects.filter(municipality=municipality, level=AreaLevel.BUURT)
                   .order_by("code"))
    return buurten, [to_rd(from_geojson(b.geometry)) for b in buurten]


def _signals(context: DemoContext, municipality: Municipality, orgs: dict,
             categories: dict[str, Category], subjects: list[Subject],
             groups: list[SubjectGroup], count: int) -> list[Signal]:
    rng = context.rng
    buurten, shapes = _buurt_shapes(municipality)
    tree = shapely.STRtree(shapes)
    centres = np.array([[s.centroid.x, s.centroid.y] for s in shapes])
    hot = centres[rng.choice(len(centres), size=4, replace=False)]
    xs, ys, area_index = [], [], []
    while len(xs) < count:
        n = count - len(xs)
        clustered = rng.random(n) < 0.75
        cx = hot[rng.integers(len(hot), size=n)]
        spread = np.where(clustered[:, None], rng.normal(0, 180, size=(n, 2)),
                          rng.normal(0, 2500, size=(n, 2)))
        pts = np.where(clustered[:, None], cx, centres.mean(axis=0)) + spread
        point_idx, tree_idx = tree.query(shapely.points(pts), predicate="within")
        seen = set()
        for p, t in zip(point_idx, tree_idx, strict=True):
            if p not in seen and len(xs) < count:
                seen.add(p)
                xs.append(float(pts[p, 0]))
                ys.append(float(pts[p, 1]))
                area_index.append(int(t))
    keys = list(CATEGORY_WEIGHTS)
    chosen = rng.choice(len(keys), size=count, p=list(CATEGORY_WEIGHTS.values()))
    today = timezone.localdate()
    ages = rng.integers(1, DAYS, size=count)
    spec = {c[0]: c for c in CATEGORIES}
    signals = []
    for i in range(count):
        key = keys[int(chosen[i])]
        _k, _n, _p, _d, pillar, sensitivity, org_keys, _purpose = spec[key]
        signals.append(Signal(
            municipality=municipality, category=categories[key], pillar=pillar,
            observed_on=today - timedelta(days=int(ages[i])), description=DESCRIPTIONS[key],
            reliability=Reliability.OWN if rng.random() < 0.6 else Reliability.REPORTED,
            sensitivity=sensitivity, area=buurten[area_index[i]],
            x_rd=round(xs[i], 1), y_rd=round(ys[i], 1),
            organisation=orgs[org_keys[int(rng.integers(len(org_keys)))]]))
    signals = Signal.objects.bulk_create(signals, batch_size=1000)
    subject_rows, group_rows = [], []
    for signal in signals:
        draw = rng.random()
        if draw < 0.45:
            for s in rng.choice(len(subjects), size=1 if draw < 0.38 else 2, replace=False):
                subject_rows.append(Signal.subjects.through(signal_id=signal.pk,
                                                            subject_id=subjects[int(s)].pk))
        elif draw < 0.55:
            group_rows.append(Signal.groups.through(
                signal_id=signal.pk, subjectgroup_id=groups[int(rng.integers(len(groups)))].pk))
    Signal.subjects.through.objects.bulk_create(subject_rows, batch_size=2000)
    Signal.groups.through.objects.bulk_create(group_rows, batch_size=2000)
    return signals


def _cases(context: DemoContext, municipality: Municipality, orgs: dict, director: User,
           signals: list[Signal]) -> None:
    """Cases in every status, each bundling signals the director's organisation may see."""
    rng = context.rng
    visible = [s for s in signals if s.category.key != "zorgsignaal"]
    now = timezone.now()
    titles = ["Overlast portiekflat", "Drugspand hoek", "Jongerengroep winkelcentrum",
              "Woonfraude complex", "Verloedering steeg", "Overlast buurtbewoner"]
    statuses = [CaseStatus.INTAKE, CaseStatus.ACTIVE, CaseStatus.MONITORING,
                CaseStatus.CLOSED, CaseStatus.ACTIVE, CaseStatus.INTAKE]
    for title, status in zip(titles, statuses, strict=True):
        case = Case.objects.create(
            municipality=municipality, title=title, purpose="integrale aanpak (demo)",
            lead_organisation=orgs["gemeente"], director=director, status=status,
            closed_at=now - timedelta(days=30) if status == CaseStatus.CLOSED else None)
        case.participants.set([orgs["gemeente"], orgs["politie"], orgs["welzijn"]])
        picked = rng.choice(len(visible), size=int(rng.integers(3, 8)), replace=False)
        case.signals.set([visible[int(i)] for i in picked])
        history = [CaseEvent(case=case, at=now - timedelta(days=60), actor=director,
                             kind="created", to_status=CaseStatus.INTAKE)]
        if status != CaseStatus.INTAKE:
            history.append(CaseEvent(case=case, at=now - timedelta(days=50), actor=director,
                                     kind="status", from_status=CaseStatus.INTAKE,
                                     to_status=status,
                                     reason="afgerond (demo)" if status == "closed" else ""))
        CaseEvent.objects.bulk_create(history)

"""Demo: per demo municipality two advices — a final one (signed off by a second
adviser) and a draft triggered by a hot spot (a saved hot spot location where the
demo has one)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from wijkregie.areas.models import Area, AreaLevel
from wijkregie.core.models import User
from wijkregie.core.roles import SAFETY_ADVISER
from wijkregie.demo.loader import DemoContext, DemoLogin, demo_cleanup, demo_step
from wijkregie.hotspots.models import NamedLocation
from wijkregie.safety_advice import services
from wijkregie.safety_advice.models import AdviceRequest, MandatoryRule, ScanTemplate
from wijkregie.safety_advice.templates import items


def _adviser(context: DemoContext, municipality, number: int) -> User:
    """The n-th adviser of the town; a second one is made for the four-eyes sign-off,
    with the demo password so the sign-off can be shown (listed among the logins)."""
    group = Group.objects.get(name=SAFETY_ADVISER)
    existing = [u for u in User.objects.filter(municipality=municipality, groups=group)
                .order_by("pk")]
    if len(existing) > number:
        return User.objects.get(pk=existing[number].pk)
    user = User(username=f"adviseur-{number + 1}-{municipality.code}",
                municipality=municipality, first_name="Demo", last_name=f"adviser {number + 1}")
    if existing:
        user.organisation = existing[0].organisation
    password = User.objects.filter(username="adviseur").values_list("password", flat=True).first()
    if password:
        user.password = password  # the demo users' one hash of the demo password
    else:
        user.set_unusable_password()
    user.save()
    user.groups.add(group)
    if password and user.organisation:
        context.logins.append(DemoLogin(user.username, SAFETY_ADVISER, user.organisation.name,
                                        municipality.name))
    return User.objects.get(pk=user.pk)


def _scores(definition, rng) -> dict:
    values = {"1-5": ["2", "3", "4"], "0-3": ["1", "2", "3"], "crow": ["A", "B", "C"],
              "traffic_light": ["green", "orange", "red"], "yes_no": ["yes", "no"]}
    out = {}
    for _theme, item in items(definition):
        if item["scale"] == "lux":
            out[item["key"]] = {"value": str(int(rng.integers(1, 15)))}
        elif item["scale"] == "multiple_choice":
            out[item["key"]] = {"value": sorted(item["options"])[0]}
        else:
            choices = values[item["scale"]]
            out[item["key"]] = {"value": choices[int(rng.integers(0, len(choices)))]}
    return out


@demo_cleanup
def remove_advice_demo() -> None:
    """Advices first: their authors and sign-offs protect the demo users."""
    AdviceRequest.objects.filter(municipality__is_demo=True).delete()
    # The second advisers this step made for the four-eyes sign-off.
    User.objects.filter(username__startswith="adviseur-", municipality__is_demo=True).delete()


@demo_step(order=90)
def build_safety_advice(context: DemoContext) -> None:
    today = timezone.localdate()
    cpted = ScanTemplate.objects.get(key="cpted", municipality=None)
    walk = ScanTemplate.objects.get(key="walk_audit", municipality=None)
    for municipality in context.municipalities:
        MandatoryRule.objects.get_or_create(
            municipality=municipality,
            defaults={"triggers": ["residence_space", "masterplan", "hotspot"],
                      "min_surface_m2": 5000})
        author, second = _adviser(context, municipality, 0), _adviser(context, municipality, 1)
        buurten = list(Area.objects.filter(municipality=municipality, level=AreaLevel.BUURT,
                                           geometry__isnull=False).order_by("code")[:2])
        if len(buurten) < 2:
            continue
        final = services.create_request(
            user=author, title=f"Herinrichting plein {buurten[0].name}",
            trigger="residence_space", requester="Team Openbare Ruimte", plan_phase="sketch",
            due_date=today - timedelta(days=10), template=cpted, area=buurten[0],
            intent="Het plein krijgt meer groen en speelplekken.")
        services.add_round(user=author, advice=final, time_of_day="night", weather="droog",
                           walked_on=today - timedelta(days=20),
                           scores=_scores(cpted.definition, context.rng))
        rating = services.update_advice(user=author, advice=final, verdict="conditional",
                                        desk_text="Bureaustudie van de buurt.")
        from wijkregie.safety_advice.rating import propose_recommendations
        from wijkregie.safety_advice.selectors import advice_rating
        rating = services.update_advice(
            user=author, advice=rating,
            recommendations=propose_recommendations(advice_rating(rating)))
        services.add_condition(user=author, advice=rating, text="Verlichting op looproute "
                               "naar minimaal 10 lux", owner="Beheer Openbare Verlichting",
                               deadline=today - timedelta(days=2))
        submitted = services.submit(user=author, advice=rating)
        services.sign_off(user=second, advice=submitted)
        location = NamedLocation.objects.filter(municipality=municipality).first()
        services.create_request(
            user=author, title=f"Hot spot {location.name if location else buurten[1].name}",
            trigger="hotspot", requester="Gebiedsregie", plan_phase="initiative",
            due_date=today + timedelta(days=21), template=walk, area=buurten[1],
            hotspot_location=location)

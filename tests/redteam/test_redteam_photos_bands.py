"""Red team: the photo views, the advice PDF's map, the rule list on the needs-attention
page and the plan's band editing. Each test is a break on the current code (xfail,
strict) and passes once the break is fixed."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.regie.test_plan_progress import _goal, _set_figures
from tests.safety_advice.test_services import CROW_DAY, _intake
from wijkregie.areas.geometry import from_geojson
from wijkregie.core.models import AuditAction, AuditEvent, User
from wijkregie.hotspots.models import NamedLocation
from wijkregie.regie import services as regie_services
from wijkregie.regie.models import Goal, Plan
from wijkregie.safety_advice import services
from wijkregie.safety_advice.pdf import advice_pdf

pytestmark = pytest.mark.django_db


# --- safety advice: photos ------------------------------------------------------------

@pytest.fixture
def adviser(demo) -> User:
    return User.objects.get(username="adviseur")


@pytest.fixture
def scan(adviser):
    advice = _intake(adviser)
    return services.add_round(user=adviser, advice=advice, time_of_day="night", weather="",
                              walked_on=date.today(), scores=CROW_DAY)


def _jpeg(*, stamp: str | None = None, orientation: int | None = None,
          size: tuple[int, int] = (40, 30)) -> bytes:
    exif = Image.Exif()
    if stamp:
        exif[0x0132] = stamp
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    Image.new("RGB", size, "blue").save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _photo(adviser, scan, raw: bytes | None = None):
    return services.add_photo(user=adviser, score=scan.scores.get(item_key="crow_litter"),
                              upload=SimpleUploadedFile("p.jpg", raw or _jpeg(size=(800, 600)),
                                                        "image/jpeg"))


def _no_raise(client):
    client.raise_request_exception = False
    return client


def _upload(client, scan, name: str, raw: bytes, content_type: str):
    return _no_raise(client).post(f"/veiligheidsadvies/ronde/{scan.pk}/fotos/", {
        "item": "crow_litter", "image": SimpleUploadedFile(name, raw, content_type)})


@pytest.mark.parametrize("stored", ["missing", "not_an_image", "truncated", "jpeg_suffix"])
def test_photo_views_do_not_500_on_an_odd_stored_file(login, adviser, scan, stored):
    photo = _photo(adviser, scan)
    if stored == "missing":  # e.g. the media volume restored without this file
        photo.image.delete(save=False)
    elif stored == "not_an_image":
        photo.image.save("photo.jpg", ContentFile(b"not an image at all"), save=True)
    elif stored == "truncated":
        with photo.image.open("rb") as f:
            raw = f.read()
        photo.image.save("photo.jpg", ContentFile(raw[: len(raw) // 2]), save=True)
    else:
        png = io.BytesIO()
        Image.new("RGB", (10, 10)).save(png, format="PNG")
        photo.image.save("photo.jpeg", ContentFile(png.getvalue()), save=True)
    client = _no_raise(login("adviseur"))
    for url in (f"/veiligheidsadvies/foto/{photo.pk}/",
                f"/veiligheidsadvies/foto/{photo.pk}/klein/"):
        assert client.get(url).status_code < 500, url


def test_pdf_skips_an_unreadable_stored_photo(login, adviser, scan):
    photo = _photo(adviser, scan)
    photo.image.save("photo.jpg", ContentFile(b"not an image at all"), save=True)
    response = _no_raise(login("adviseur")).get(
        f"/veiligheidsadvies/{photo.score.round.advice_id}/pdf/")
    assert response.status_code == 200


def test_a_decompression_bomb_upload_is_refused_on_its_field(login, scan):
    bomb = io.BytesIO()
    Image.new("L", (15000, 13000)).save(bomb, format="PNG", optimize=True)
    assert len(bomb.getvalue()) < 10 * 1024 * 1024
    response = _upload(login("adviseur"), scan, "p.png", bomb.getvalue(), "image/png")
    assert response.status_code == 400
    assert response.context["form"].errors["image"]


def test_an_exif_time_at_year_one_does_not_500(login, scan):
    response = _upload(login("adviseur"), scan, "p.jpg", _jpeg(stamp="0001:01:01 00:00:00"),
                       "image/jpeg")
    assert response.status_code in (302, 400)


def test_a_portrait_photo_is_served_upright(login, adviser, scan):
    photo = _photo(adviser, scan, _jpeg(orientation=6, size=(40, 20)))  # 90° clockwise
    client = login("adviseur")
    served = Image.open(io.BytesIO(client.get(f"/veiligheidsadvies/foto/{photo.pk}/").content))
    assert served.size == (20, 40)


def test_the_rounds_photo_page_records_its_read(login, adviser, scan):
    _photo(adviser, scan)
    before = AuditEvent.objects.filter(actor=adviser, action=AuditAction.VIEW).count()
    assert login("adviseur").get(
        f"/veiligheidsadvies/ronde/{scan.pk}/fotos/").status_code == 200
    assert AuditEvent.objects.filter(actor=adviser, action=AuditAction.VIEW).count() > before


# --- safety advice: the PDF's map ---------------------------------------------------------

def _hot_spot(adviser, geometry: dict) -> NamedLocation:
    return NamedLocation.objects.create(municipality=adviser.municipality, name="Hotspot",
                                        geometry=geometry, min_x=0, min_y=0, max_x=1,
                                        max_y=1, hotspot_class="new_hot_spot")


def _odd_geometry(kind: str, x: float, y: float) -> dict:
    d = 0.0005
    return {
        # crosses itself: plan_locations tolerates it (its intersects is guarded), the
        # map's unary_union raises GEOSException
        "bow_tie": [[[x, y], [x + d, y + d], [x + d, y], [x, y + d], [x, y]]],
        # one vertex at latitude 1000: RD New infinity, OverflowError in the drawing
        "huge_vertex": [[[x, y], [x + d, y], [x, 1000.0], [x, y]]],
        # every vertex the same point, as the plan area: NaN extent, ValueError
        "one_point_polygon": [[[x, y], [x, y], [x, y], [x, y]]],
    }[kind]


@pytest.mark.parametrize("kind", ["bow_tie", "huge_vertex", "one_point_polygon"])
def test_pdf_map_survives_an_odd_hot_spot_geometry(adviser, kind):
    advice = _intake(adviser)
    centre = from_geojson(advice.request.area.geometry).representative_point()
    location = _hot_spot(adviser, {"type": "Polygon",
                                   "coordinates": _odd_geometry(kind, centre.x, centre.y)})
    request = advice.request
    request.hotspot_location = location  # the hot spot the request asks about
    if kind == "one_point_polygon":
        request.area = None  # so the hot spot is the plan area
    request.save()
    assert advice_pdf(advice).startswith(b"%PDF")


# --- regie: the rule list on the needs-attention page -------------------------------------

def test_rules_are_listed_only_to_who_may_see_rules(login):
    agent = User.objects.get(username="agent")
    assert not agent.has_perm("regie.view_escalationrule")
    page = login("agent").get("/regie/attention/").content.decode()
    assert "Signalen boven de verwachte band" not in page


def test_rule_parameters_are_in_dutch_number_format(login):
    page = login("regisseur").get("/regie/attention/").content.decode()
    row = page[page.index("Signalen boven de verwachte band"):]
    row = row[:row.index("</tr>")]
    assert "0,99" in row and "0.99" not in row


# --- regie: the plan's bands --------------------------------------------------------------

@pytest.fixture
def plan(demo) -> Plan:
    director = User.objects.get(username="regisseur")
    return Plan.objects.filter(programme_area__municipality=director.municipality).first()


def _form_values(page: str) -> dict[str, str]:
    return {name: value for name, value in re.findall(
        r'<input[^>]*name="(\w+)" value="([^"]*)"', page)
        if name in ("title", "green_from", "amber_from", "version")}


def test_the_edit_page_saves_the_bands_it_shows(plan, login):
    plan.green_from, plan.amber_from = 0.825, 0.3
    plan.save()
    client = login("regisseur")
    url = f"/regie/plans/{plan.pk}/edit/"
    values = _form_values(client.get(url).content.decode())
    response = client.post(url, values | {"title": "Nieuwe titel"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.green_from) == ("Nieuwe titel", 0.825)


def test_a_band_with_a_decimal_comma_is_accepted(plan, login):
    response = login("regisseur").post(f"/regie/plans/{plan.pk}/edit/", {
        "title": plan.title, "green_from": "82,5", "amber_from": "30",
        "version": plan.version})
    assert response.status_code == 302
    assert Plan.objects.get(pk=plan.pk).green_from == 0.825


def test_a_goal_exactly_on_the_green_band_is_green(plan, login):
    director = User.objects.get(username="regisseur")
    goal = _goal(plan, director)
    _set_figures(plan, goal.indicator, {2024: 8.4})  # 80 % of the planned progress
    regie_services.edit_plan(user=director, plan=plan, version=plan.version,
                             title=plan.title, green_from=0.8, amber_from=0.5)
    goal = Goal.objects.select_related("plan").get(pk=goal.pk)  # the plan's new bands
    assert goal.plan.green_from == 0.8
    assert regie_services.goal_progress(director, goal).light == "green"

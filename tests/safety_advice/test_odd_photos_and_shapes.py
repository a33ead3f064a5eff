"""What an odd upload, stored file or saved shape does to the advice: a photo with more
pixels than the project allows is refused on its field, an impossible EXIF time is
dropped, an unreadable stored photo is left out of the PDF (and said so), and a hot spot
the map cannot draw is counted in the caption."""

import io
import math
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from shapely.geometry import MultiPoint, Polygon, box

from tests.safety_advice.test_pdf_map import _text
from tests.safety_advice.test_photo_views import _urls
from tests.safety_advice.test_services import CROW_DAY, _intake
from wijkregie.areas.geometry import from_geojson
from wijkregie.hotspots.models import NamedLocation
from wijkregie.safety_advice import services
from wijkregie.safety_advice.models import Photo
from wijkregie.safety_advice.pdf_map import drawable, map_layers

pytestmark = pytest.mark.django_db


@pytest.fixture
def score(adviser):
    scan = services.add_round(user=adviser, advice=_intake(adviser), time_of_day="day",
                              weather="", walked_on=date.today(), scores=CROW_DAY)
    return scan.scores.get(item_key="crow_litter")


def _png(size: tuple[int, int], mode: str = "L") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format="PNG")
    return SimpleUploadedFile("p.png", out.getvalue(), "image/png")


def test_more_pixels_than_the_project_allows_is_refused_before_decoding(adviser, score):
    """Under Pillow's own bomb limit (89 M pixels), over the project's 40 M: refused by
    the header's size, nothing stored."""
    side = int(services.MAX_PHOTO_PIXELS ** 0.5) + 1
    assert side * side < Image.MAX_IMAGE_PIXELS
    with pytest.raises(ValidationError) as exc:
        services.add_photo(user=adviser, score=score, upload=_png((side, side), "1"))
    assert "40 miljoen pixels" in exc.value.message_dict["image"][0]
    assert not Photo.objects.exists()


def test_a_photo_at_the_pixel_limit_is_kept(adviser, score):
    photo = services.add_photo(user=adviser, score=score, upload=_png((8000, 5000)))
    assert Image.open(photo.image).size == (8000, 5000)


@pytest.mark.parametrize("stamp, kept", [
    ("2026:11:30 21:15:00", True), ("1989:12:31 23:59:59", False),
    ("0001:01:01 00:00:00", False), ("9999:12:31 23:59:59", False)])
def test_an_exif_time_is_kept_only_when_a_photo_can_have_been_taken_then(stamp, kept):
    assert (services._taken_at(stamp) is not None) is kept


def test_an_exif_time_tomorrow_is_kept_a_week_ahead_is_not():
    now = timezone.localtime().replace(tzinfo=None)
    stamp = "%Y:%m:%d %H:%M:%S"
    assert services._taken_at((now + timedelta(hours=12)).strftime(stamp)) is not None
    assert services._taken_at((now + timedelta(days=7)).strftime(stamp)) is None
    assert services._taken_at("2026:02:30 12:00:00") is None  # no such day


def test_the_pdf_says_which_photo_it_left_out(adviser, score):
    photo = services.add_photo(user=adviser, score=score, upload=_png((40, 30)))
    photo.image.save("photo.png", ContentFile(b"not an image"), save=True)
    text = _text(score.round.advice)
    assert "Photo 1, Litter: its stored file cannot be read and is left out." in text


def _location(adviser, coordinates) -> NamedLocation:
    return NamedLocation.objects.create(
        municipality=adviser.municipality, name="Hotspot", min_x=0, min_y=0, max_x=1,
        max_y=1, hotspot_class="new_hot_spot",
        geometry={"type": "Polygon", "coordinates": coordinates})


def test_a_hot_spot_off_the_grid_is_counted_not_drawn(adviser):
    advice = _intake(adviser)
    centre = from_geojson(advice.request.area.geometry).representative_point()
    x, y = centre.x, centre.y
    request = advice.request
    request.hotspot_location = _location(adviser, [[[x, y], [x + 0.001, y], [x, 1000.0],
                                                    [x, y]]])
    request.save()
    layers = map_layers(advice, [])
    assert layers.hotspots == [] and layers.hotspots_left_out == 1
    assert ("1 hot spot location has a geometry that cannot be drawn and is not drawn."
            in _text(advice))


def test_a_self_crossing_hot_spot_is_repaired_and_drawn(adviser):
    advice = _intake(adviser)
    centre = from_geojson(advice.request.area.geometry).representative_point()
    x, y, d = centre.x, centre.y, 0.0005
    request = advice.request
    request.hotspot_location = _location(adviser, [[[x, y], [x + d, y + d], [x + d, y],
                                                    [x, y + d], [x, y]]])
    request.save()
    layers = map_layers(advice, [])
    [(_name, shape)] = layers.hotspots
    assert shape.is_valid and shape.area > 0 and layers.hotspots_left_out == 0


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # the NaN
def test_drawable_drops_empty_off_grid_and_not_finite_shapes():
    assert drawable(Polygon()) is None
    assert drawable(box(2.35, 48.85, 2.36, 48.86)) is None  # Paris: off the RD grid
    assert drawable(Polygon([(5.1, 52.0), (5.2, 52.0), (math.nan, 52.1)])) is None
    assert drawable(MultiPoint([(5.1, 52.0), (math.nan, 52.1)])) is None  # bounds finite
    assert drawable(box(5.1, 52.0, 5.11, 52.01)) is not None


def test_a_plan_area_that_cannot_be_drawn_is_said_so(adviser):
    advice = _intake(adviser)
    centre = from_geojson(advice.request.area.geometry).representative_point()
    x, y = centre.x, centre.y
    request = advice.request
    request.area = None  # the hot spot asked about is the plan area
    request.hotspot_location = _location(adviser, [[[x, y], [x + 0.001, y], [x, 1000.0],
                                                    [x, y]]])
    request.save()
    text = _text(advice)
    assert "No plan area is drawn: its geometry cannot be drawn" in text
    assert "Legend" not in text and "4. Risk rating per theme" in text


def _jpeg(size: tuple[int, int] = (200, 150)) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 64).convert("RGB").save(out, format="JPEG")
    return out.getvalue()


def test_the_pdf_leaves_out_a_cut_short_jpeg(adviser, score):
    """reportlab copies a JPEG into the document without decoding it: a file cut short
    would be printed broken, so it is decoded first."""
    photo = services.add_photo(user=adviser, score=score,
                               upload=SimpleUploadedFile("p.jpg", _jpeg(), "image/jpeg"))
    raw = photo.image.read()
    photo.image.save("photo.jpg", ContentFile(raw[: len(raw) // 2]), save=True)
    text = _text(score.round.advice)
    assert "Photo 1, Litter: its stored file cannot be read and is left out." in text


def test_a_stored_jpeg_named_jpeg_is_served_as_a_jpeg(login, adviser, score):
    photo = services.add_photo(user=adviser, score=score,
                               upload=SimpleUploadedFile("p.jpg", _jpeg(), "image/jpeg"))
    photo.image.save("photo.jpeg", ContentFile(_jpeg()), save=True)
    client = login("adviseur")
    for url in _urls(photo):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert Image.open(io.BytesIO(response.content)).format == "JPEG"


def test_a_stored_file_that_is_gone_answers_404(login, adviser, score):
    photo = services.add_photo(user=adviser, score=score, upload=_png((40, 30)))
    photo.image.delete(save=False)
    client = login("adviseur")
    for url in _urls(photo):
        assert client.get(url).status_code == 404

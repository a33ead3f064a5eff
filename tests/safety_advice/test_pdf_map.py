"""The advice PDF's map: geometries to drawing coordinates (one scale, centred), and the
map, its legend and caption in the PDF; an advice without a plan area still renders."""

import io
from datetime import date

import pypdf
import pytest
from django.utils import translation
from shapely.geometry import box

from tests.safety_advice.test_services import CROW_DAY, _intake, _jpeg_with_exif
from wijkregie.areas.geometry import from_geojson, to_rd, to_wgs84
from wijkregie.safety_advice import services
from wijkregie.safety_advice.models import Photo
from wijkregie.safety_advice.pdf import advice_pdf
from wijkregie.safety_advice.pdf_map import (
    frame_for,
    length_text,
    map_layers,
    nice_length,
    rings,
)


def _box_of(flat: list[float]) -> tuple[float, float, float, float]:
    xs, ys = flat[0::2], flat[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def test_square_fills_the_height_of_a_wide_box_centred():
    square = box(155_000, 463_000, 155_100, 463_100)  # 100 m, RD New
    frame = frame_for(square.bounds, 200, 100)
    [ring] = rings(square, frame)
    assert _box_of(ring) == pytest.approx((50, 0, 150, 100))


def test_aspect_ratio_kept_and_margin_respected():
    wide = box(0, 0, 400, 100)  # 4:1 in metres
    frame = frame_for(wide.bounds, 300, 300, margin=10)
    x0, y0, x1, y1 = _box_of(rings(wide, frame)[0])
    assert (x1 - x0) / (y1 - y0) == pytest.approx(4)
    assert (x0, x1) == pytest.approx((10, 290))  # the width binds, inside the margin
    assert (y0 + y1) / 2 == pytest.approx(150)  # centred vertically


def test_wgs84_square_is_a_square_on_the_map():
    """A 200 m square in RD New, stored as WGS84 (as the intake stores it), maps back
    to a square: degrees are not drawn as if they were metres."""
    square_wgs84 = to_wgs84(box(155_000, 463_000, 155_200, 463_200))
    assert (square_wgs84.bounds[2] - square_wgs84.bounds[0]) != pytest.approx(
        square_wgs84.bounds[3] - square_wgs84.bounds[1], rel=0.1)  # degrees are not
    square_rd = to_rd(square_wgs84)
    x0, y0, x1, y1 = _box_of(rings(square_rd, frame_for(square_rd.bounds, 500, 300))[0])
    assert (x1 - x0) == pytest.approx(y1 - y0, rel=1e-3) == pytest.approx(300, rel=1e-3)


def test_holes_and_multipolygons_give_every_ring():
    outer = box(0, 0, 100, 100).difference(box(40, 40, 60, 60))
    multi = outer.union(box(200, 0, 250, 50))
    assert len(rings(multi, frame_for(multi.bounds, 100, 100))) == 3


def test_a_point_like_extent_gets_the_minimum_extent():
    frame = frame_for((10, 10, 10, 10), 100, 100, min_extent=50)
    assert frame.scale == pytest.approx(2) and frame.point(10, 10) == pytest.approx((50, 50))


def test_scale_bar_lengths():
    assert nice_length(740) == 500 and nice_length(1900) == 1000 and nice_length(23) == 20
    assert length_text(200) == "200 m" and length_text(2000) == "2 km"


def _jpeg_at(lat: float, lon: float) -> bytes:
    """A photo whose EXIF places it at ``lat``, ``lon`` (whole seconds)."""
    from PIL import Image

    def dms(value: float) -> tuple[float, float, float]:
        degrees, rest = divmod(value * 3600, 3600)
        return (degrees, *divmod(round(rest), 60))

    exif = Image.Exif()
    exif[0x0132] = "2026:11:30 21:15:00"
    exif.get_ifd(0x8825).update({1: "N", 2: dms(lat), 3: "E", 4: dms(lon)})
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _text(advice) -> str:
    with translation.override("en"):
        reader = pypdf.PdfReader(io.BytesIO(advice_pdf(advice)))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.mark.django_db
def test_pdf_has_the_map_with_legend_caption_and_numbered_photos(adviser):
    from django.core.files.uploadedfile import SimpleUploadedFile

    advice = _intake(adviser)  # a buurt as the plan area
    scan = services.add_round(user=adviser, advice=advice, time_of_day="day", weather="",
                              walked_on=date.today(), scores=CROW_DAY)
    inside = from_geojson(advice.request.area.geometry).representative_point()
    litter = scan.scores.get(item_key="crow_litter")
    for raw in (_jpeg_at(inside.y, inside.x), _jpeg_with_exif()):  # the second far away
        services.add_photo(user=adviser, score=litter,
                           upload=SimpleUploadedFile("p.jpg", raw, "image/jpeg"))
    layers = map_layers(advice, list(Photo.objects.filter(score=litter).order_by("pk")))
    assert layers.plan.bounds[0] > 1000  # RD New metres, not degrees
    assert [n for n, _p in layers.photos] == [1] and layers.photos_left_out == 1
    assert layers.plan.buffer(1).contains(layers.photos[0][1])
    text = _text(advice)
    analysis = text[text.index("3. Analysis"):text.index("4. Risk rating")]
    assert "Map of the plan area: the buurten it touches (1)" in analysis
    assert "the positions of the photos (1)" in analysis
    for entry in ("Legend", "Plan area", "Buurt boundary", "Hot spot location",
                  "Photo position"):
        assert entry in analysis, entry
    assert " m " in analysis and "N" in analysis  # the scale bar's length, the north arrow
    assert "1 photo lies more than 1 km from the plan area and is not drawn." in analysis
    assert "Photo 1, Litter: at " in analysis and "Photo 2, Litter: at 52.09000" in analysis
    assert "30-11-2026 21:15" in analysis  # local time, as the pages show it
    assert "No plan area is drawn" not in text
    assert advice.request.area.name in analysis  # the buurt's name on its boundary


@pytest.mark.django_db
def test_pdf_without_a_plan_area_still_renders(adviser):
    advice = _intake(adviser)
    request = advice.request
    request.area = None
    request.save(update_fields=["area"])
    text = _text(advice)
    assert "No plan area is drawn: the request has no plan area with a geometry." in text
    assert "Map of the plan area" not in text and "Legend" not in text
    assert "4. Risk rating per theme" in text


def test_a_plan_area_saved_as_a_point_is_drawn_as_a_marker():
    from reportlab.graphics.shapes import Rect
    from shapely.geometry import Point

    from wijkregie.safety_advice.pdf_map import MapLayers, map_drawing

    drawing = map_drawing(MapLayers(plan=Point(155_000, 463_000)))
    markers = [s for s in drawing.contents if isinstance(s, Rect) and s.width == 6]
    assert len(markers) == 1

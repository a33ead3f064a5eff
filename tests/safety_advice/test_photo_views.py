"""Photos on the pages: thumbnails with an alt text linking to the photo, served only to
who may see the advice (media are not public), EXIF-free, private to the browser."""

import io
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.clients import client_for
from tests.safety_advice.test_services import CROW_DAY, _intake
from wijkregie.core.models import Municipality, User
from wijkregie.core.roles import SAFETY_ADVISER
from wijkregie.safety_advice import services

pytestmark = pytest.mark.django_db


def _big_jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (1200, 800), "green")
    exif = Image.Exif()
    exif[0xA431] = "SERIAL-123456"
    exif[0x0132] = "2026:11:30 21:15:00"
    exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 5.0, 24.0), 3: "E", 4: (5.0, 7.0, 12.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def photo(adviser):
    advice = _intake(adviser)
    scan = services.add_round(user=adviser, advice=advice, time_of_day="night", weather="",
                              walked_on=date.today(), scores=CROW_DAY)
    return services.add_photo(user=adviser, score=scan.scores.get(item_key="crow_litter"),
                              upload=SimpleUploadedFile("p.jpg", _big_jpeg_with_exif(),
                                                        "image/jpeg"))


def _urls(photo) -> list[str]:
    return [f"/veiligheidsadvies/foto/{photo.pk}/", f"/veiligheidsadvies/foto/{photo.pk}/klein/"]


def test_adviser_gets_the_photo_and_its_thumbnail_without_exif(login, photo):
    from wijkregie.core.models import AuditEvent

    client = login("adviseur")
    before = AuditEvent.objects.filter(object_type="safety_advice.photo", action="view")
    counted = before.count()
    full, small = (client.get(url) for url in _urls(photo))
    assert before.count() == counted + 1  # the photo's read, not the thumbnail's
    for response in (full, small):
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"].startswith("private")
        assert response["X-Content-Type-Options"] == "nosniff"
        image = Image.open(io.BytesIO(response.content))
        image.verify()
        assert not Image.open(io.BytesIO(response.content)).getexif()
        assert b"SERIAL-123456" not in response.content
    assert Image.open(io.BytesIO(full.content)).size == (1200, 800)
    assert Image.open(io.BytesIO(small.content)).size == (320, 213)


def test_pages_show_thumbnails_with_alt_text_linking_to_the_photo(login, photo):
    client = login("adviseur")
    advice = photo.score.round.advice
    for url in (f"/veiligheidsadvies/ronde/{photo.score.round_id}/fotos/",
                f"/veiligheidsadvies/{advice.pk}/"):
        page = client.get(url).content.decode()
        assert f'href="/veiligheidsadvies/foto/{photo.pk}/"' in page, url
        assert f'src="/veiligheidsadvies/foto/{photo.pk}/klein/"' in page, url
        assert ('alt="Foto van Litter, genomen 30-11-2026 21:15, op breedtegraad '
                '52,09000, lengtegraad 5,12000"') in page, url


def _other_adviser() -> User:
    other = Municipality.objects.exclude(pk=User.objects.get(username="adviseur")
                                         .municipality_id).filter(is_demo=True).first()
    user = User.objects.create_user(username="adviseur-elders", password="x-Very-long-pass-42",
                                    municipality=other)
    user.groups.add(Group.objects.get(name=SAFETY_ADVISER))
    return User.objects.get(pk=user.pk)


def test_adviser_of_another_municipality_gets_404(photo):
    client = client_for(_other_adviser())
    for url in _urls(photo):
        assert client.get(url).status_code == 404, url


def test_role_without_the_safety_advice_gets_403_as_on_the_advice_page(login, photo):
    client = login("agent")
    assert client.get(f"/veiligheidsadvies/{photo.score.round.advice_id}/").status_code == 403
    for url in _urls(photo):
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_log_in(client, photo):
    for url in _urls(photo):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]

import pytest

from wijkregie.safety_advice.models import Advice, AdviceStatus

pytestmark = pytest.mark.django_db


def test_adviser_sees_list_detail_and_pdf(login):
    client = login("adviseur")
    page = client.get("/veiligheidsadvies/")
    assert page.status_code == 200
    from wijkregie.core.models import User

    adviser = User.objects.get(username="adviseur")
    final = Advice.objects.get(status=AdviceStatus.FINAL,
                               request__municipality=adviser.municipality)
    assert final.request.title in page.content.decode()
    assert client.get(f"/veiligheidsadvies/{final.pk}/").status_code == 200
    response = client.get(f"/veiligheidsadvies/{final.pk}/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_demo_two_advices_per_municipality(demo):
    for municipality in demo.municipalities:
        advices = Advice.objects.filter(request__municipality=municipality)
        assert {a.status for a in advices} == {AdviceStatus.FINAL, AdviceStatus.DRAFT}
        assert advices.filter(request__trigger="hotspot").exists()


def test_other_roles_refused(login):
    assert login("agent").get("/veiligheidsadvies/").status_code == 403

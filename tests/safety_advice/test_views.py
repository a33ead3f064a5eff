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


def test_sign_off_view_refuses_the_author(login):
    from datetime import date

    from tests.safety_advice.test_services import CROW_DAY
    from wijkregie.core.models import User
    from wijkregie.safety_advice import services
    from wijkregie.safety_advice.models import ScanTemplate

    adviser = User.objects.get(username="adviseur")
    advice = services.create_request(
        user=adviser, title="Tunnel", trigger="masterplan", requester="RO", plan_phase="sketch",
        due_date=date.today(), template=ScanTemplate.objects.get(key="crow"),
        area=Advice.objects.filter(request__municipality=adviser.municipality)
        .first().request.area)
    services.add_round(user=adviser, advice=advice, time_of_day="day", weather="",
                       walked_on=date.today(), scores=CROW_DAY)
    advice = services.update_advice(user=adviser, advice=advice, verdict="favourable")
    advice = services.submit(user=adviser, advice=advice)
    response = login("adviseur").post(f"/veiligheidsadvies/{advice.pk}/aftekenen/",
                                      {"row_version": advice.row_version})
    assert response.status_code == 302
    advice.refresh_from_db()
    assert advice.status == AdviceStatus.SUBMITTED and advice.signed_off_by is None

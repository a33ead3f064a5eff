import pytest


@pytest.mark.django_db
def test_schema(demo, login):
    r = login("analist").get("/api/schema/")
    assert r.status_code == 200
    assert b"/api/figures/indicators/{key}/" in r.content

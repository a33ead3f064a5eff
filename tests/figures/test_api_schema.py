import pytest


@pytest.mark.django_db
def test_openapi_schema_documents_the_figures_api(demo, login):
    response = login("analist").get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/figures/indicators/{key}/" in response.content

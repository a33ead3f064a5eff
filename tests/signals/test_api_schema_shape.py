"""The OpenAPI schema says what the API does (issue 13, point 9): the detail's persons
are objects, error responses are documented with the JSON error body, fixed value sets
are enums and the paging parameters are bounded. Built without the demo: fast."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _component(schema: dict[str, Any], ref: str) -> dict[str, Any]:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def _response_schema(schema: dict[str, Any], path: str, method: str, status: str) -> dict:
    response = schema["paths"][path][method]["responses"][status]
    return _component(schema, response["content"]["application/json"]["schema"]["$ref"])


def test_signal_detail_declares_persons_as_objects_with_identities(schema):
    detail = _response_schema(schema, "/api/signals/{id}/", "get", "200")
    items = detail["properties"]["persons"]["items"]
    person = _component(schema, items["$ref"])
    assert {"pseudonym", "name", "date_of_birth", "bsn", "linked"} <= set(person["properties"])


@pytest.mark.parametrize(("path", "method", "statuses"), [
    ("/api/signals/", "get", {"400", "401", "403"}),
    ("/api/signals/", "post", {"400", "401", "403"}),
    ("/api/signals/{id}/", "get", {"401", "403", "404"}),
    ("/api/aggregates/monthly/", "get", {"401", "403", "404"}),
    ("/api/figures/indicators/{key}/", "get", {"401", "403", "404"}),
])
def test_error_responses_are_documented(schema, path, method, statuses):
    assert statuses <= set(schema["paths"][path][method]["responses"])


def test_documented_errors_have_the_json_error_body(schema):
    error = _response_schema(schema, "/api/signals/{id}/", "get", "404")
    assert set(error["properties"]) == {"status", "detail"}


def test_fixed_value_sets_are_enums(schema):
    signal_in = _component(schema, "#/components/schemas/SignalIn")
    # An enum with a default is wrapped in allOf.
    refs = {name: prop.get("$ref") or prop.get("allOf", [{}])[0].get("$ref")
            for name, prop in signal_in["properties"].items()}
    enums = {name: _component(schema, ref)["enum"] for name, ref in refs.items() if ref}
    assert set(enums["pillar"]) == {"social", "physical", "safety"}
    assert set(enums["reliability"]) == {"own", "reported"}
    assert set(enums["sensitivity"]) == {"normal", "high", "special"}
    assert "pattern" in signal_in["properties"]["category"]


def test_paging_parameters_are_bounded(schema):
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/signals/"]["get"][
        "parameters"]}
    assert params["limit"]["minimum"] == 0 and params["limit"]["maximum"] == 500
    assert params["offset"]["minimum"] == 0

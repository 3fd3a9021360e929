"""The security probe of 2026-12-02, D2: the OpenAPI document is valid and true.

CI also runs schemathesis against the served app for every operation
(scripts/api_contract.py, called by `make test`)."""

import re

import pytest
import schemathesis
from openapi_spec_validator import validate

from app.api.schemas import MONEY_PATTERN

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def document(app):
    with app.test_client() as client:
        return client.get("/api/v1/openapi.json").get_json()


def test_d2_the_document_validates_as_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)  # raises on any error, such as an unresolvable $ref


def test_d2_schemathesis_loads_every_operation(document):
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(
        len(set(methods) & METHODS) for methods in document["paths"].values()
    )


def test_d2_the_document_describes_every_endpoint(app, document):
    documented = {
        (path, method)
        for path, operations in document["paths"].items()
        for method in operations
        if method in METHODS
    }
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith("api-docs."):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            served.add((path, method.lower()))
    assert served - documented == set()
    assert documented - served == set()


def test_d2_every_error_is_documented_as_problem_json(document):
    responses = document["components"]["responses"]
    assert "Problem" in responses
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            for code, response in operation["responses"].items():
                if "$ref" in response:
                    name = response["$ref"].rsplit("/", 1)[-1]
                    assert name in responses, (path, method, code)
                    response = responses[name]
                if code in ("default", "414") or int(code) < 400:
                    continue
                assert set(response["content"]) == {"application/problem+json"}, (
                    path,
                    method,
                    code,
                )


def _properties(schema_name, document):
    return document["components"]["schemas"][schema_name]["properties"]


def test_d2_money_is_documented_as_the_string_it_is(document):
    money_fields = [
        ("Rule", "fine_amount"),
        ("Contract", "amount"),
        ("Certificate", "coverage_amount"),
        ("RequirementOut", "min_coverage"),
        ("Totals", "income"),
        ("Line", "amount"),
        ("Bid", "price"),
    ]
    for schema_name, field in money_fields:
        prop = _properties(schema_name, document)[field]
        types = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
        assert "number" not in types and "string" in types, (schema_name, field)
        assert prop["pattern"] == MONEY_PATTERN
    for schema_name in document["components"]["schemas"]:
        for field, prop in (
            _properties(schema_name, document).items()
            if "properties" in (document["components"]["schemas"][schema_name])
            else []
        ):
            if prop.get("pattern") == MONEY_PATTERN:
                assert "number" not in (prop.get("type") or []), (schema_name, field)


def test_d2_request_schemas_state_what_the_service_refuses(document):
    budget = _properties("BudgetCreate", document)["fiscal_year"]
    assert (budget["minimum"], budget["maximum"]) == (1900, 2200)
    member = _properties("MemberCreate", document)["user_id"]
    assert member["minimum"] == 1 and member["maximum"] == 2**31 - 1
    line = _properties("LineCreate", document)["cost_center_id"]
    assert line["type"] == ["integer", "null"]
    path = document["paths"]["/api/v1/associations/{aid}/units"]
    params = {
        p["name"]: p["schema"] for p in path.get("parameters", []) + path["get"]["parameters"]
    }
    assert params["per_page"]["maximum"] == 200 and params["aid"]["maximum"] == 2**31 - 1

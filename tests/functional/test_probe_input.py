"""The security probe of 2026-12-02, bad-input findings (D3–D7, D16, D17): every one is a
4xx naming what was wrong, on the API and on the pages, and nothing is stored."""

import threading

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from app.compliance.models import Rule
from app.extensions import db

HUGE = "99999999999999999999"
RULE = {"code": "N1", "title": "t", "description": "d", "cure_days": 5, "fine_amount": "10.00"}


def _rule_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Rule.id)))


# --- D3: integers beyond the database's range -----------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/associations/{HUGE}/units",
        "/api/v1/violations/10000000000000000001",
        "/api/v1/budgets/2147483648",
        f"/api/v1/associations/1/units/{HUGE}",
    ],
)
def test_d3_ids_beyond_the_integer_range_are_404(world, api, path):
    response = api(world.manager).get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_d3_a_huge_page_number_is_422_naming_page(world, api):
    response = api(world.manager).get(f"/api/v1/associations/{world.a.id}/units?page={HUGE}")
    assert response.status_code == 422
    assert "page" in response.get_json()["errors"]


def test_d3_ids_in_bodies_beyond_the_range_are_422(world, api):
    response = api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/members",
        json={"user_id": int(HUGE), "role": "owner", "unit_id": world.owner_unit.id},
    )
    assert response.status_code == 422
    assert "user_id" in response.get_json()["errors"]


@pytest.mark.parametrize(
    "path",
    [
        "/associations/99999999999/",
        "/associations/{a}/compliance/violations/99999999999",
        "/people/99999999999/edit",
        "/associations/{a}/budgets/99999999999/report.pdf",
        f"/associations/{{a}}/units?page={HUGE}",
    ],
)
def test_d3_pages_answer_404_or_422_for_huge_numbers(world, login_as, path):
    client = login_as(world.admin)
    response = client.get(path.format(a=world.a.id))
    assert response.status_code in (404, 422)
    assert b"Something went wrong" not in response.data


# --- D4: NUL, lone surrogates and control characters ------------------------------------


@pytest.mark.parametrize(
    ("raw_title", "what"),
    [
        ('"a\\u0000b"', "NUL"),
        ('"a\\ud800b"', "surrogate"),
        ('"a\\u001b[31mred"', "control"),
        ('"evil\\u202etxt.exe"', "direction"),
    ],
)
def test_d4_bad_characters_are_422_naming_the_field(world, api, app, raw_title, what):
    body = (
        '{"code": "N1", "title": ' + raw_title + ', "description": "d", "cure_days": 5, '
        '"fine_amount": "10.00"}'
    )
    response = api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/rules",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    messages = response.get_json()["errors"]["title"]
    assert any(what in m for m in messages), messages
    assert _rule_count(app) == 0


def test_d4_line_breaks_and_tabs_are_kept(world, api):
    response = api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/rules",
        json={**RULE, "description": "first line\r\nsecond\tline\nthird"},
    )
    assert response.status_code == 201
    assert response.get_json()["description"] == "first line\r\nsecond\tline\nthird"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("vendors", {"name": "V\u0000", "category": "pool"}, "name"),
        ("units", {"label": "U\u0000", "street_address": "x"}, "label"),
    ],
)
def test_d4_nul_in_other_bodies(world, api, path, body, field):
    response = api(world.manager).post(f"/api/v1/associations/{world.a.id}/{path}", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_d4_nul_in_a_query_string_is_422(world, api):
    response = api(world.manager).get(f"/api/v1/associations/{world.a.id}/units?q=a%00b")
    assert response.status_code == 422
    assert "q" in response.get_json()["errors"]


def test_d4_the_rules_page_gives_a_form_error_and_keeps_the_text(world, login_as, app):
    client = login_as(world.manager)
    response = client.post(
        f"/associations/{world.a.id}/compliance/rules",
        data={**RULE, "code": "N\x001", "fine_amount": "10.00"},
    )
    assert response.status_code in (200, 422)
    page = response.get_data(as_text=True)
    assert "Remove the NUL character" in page
    assert _rule_count(app) == 0


# --- D5: deeply nested JSON --------------------------------------------------------------


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_d5_json_nested_deeper_than_100_levels_is_400(world, api, opening):
    closing = "]" if opening == "[" else "}"
    body = opening * 20000 + "1" + closing * 20000
    response = api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/rules",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "100 levels" in response.get_json()["detail"]


def test_d5_nesting_within_the_limit_is_read(world, api):
    body = '{"requirements": [' + "[" * 50 + "]" * 50 + "]}"
    response = api(world.manager).put(
        f"/api/v1/associations/{world.a.id}/insurance-requirements/pool",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422  # read, then refused for its values


# --- D6: dates that overflow --------------------------------------------------------------


def test_d6_a_contract_in_year_one_is_422_not_500(world, api):
    manager = api(world.manager)
    vendor = manager.post(
        f"/api/v1/associations/{world.a.id}/vendors", json={"name": "Pool Co", "category": "pool"}
    ).get_json()
    response = manager.post(
        f"/api/v1/associations/{world.a.id}/contracts",
        json={
            "vendor_id": vendor["id"],
            "title": "t",
            "start_date": "0001-01-01",
            "end_date": "0001-02-01",
            "amount": "100.00",
            "billing": "annual",
            "auto_renew": False,
            "notice_days": 400,
        },
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert "start_date" in errors and "end_date" in errors


# --- D7: two identical creates at once -------------------------------------------------


def test_d7_a_create_that_loses_the_race_is_409_naming_the_field(world, api, app):
    """Another request stores the same rule code between this one's check and its insert."""
    manager = api(world.manager)

    inserted = []

    def insert_the_same_rule_first(session, flush_context, instances):
        if not inserted and any(isinstance(obj, Rule) for obj in session.new):
            inserted.append(True)
            with db.engine.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO compliance_rules (association_id, code, title, description,"
                        " ccr_section, cure_days, fine_amount, active) VALUES "
                        "(:a, 'DUPX', 't', 'd', '', 5, 1, :yes)"
                    ),
                    {"a": world.a.id, "yes": True},
                )

    event.listen(Session, "before_flush", insert_the_same_rule_first)
    try:
        response = manager.post(
            f"/api/v1/associations/{world.a.id}/rules", json={**RULE, "code": "DUPX"}
        )
    finally:
        event.remove(Session, "before_flush", insert_the_same_rule_first)
    assert response.status_code == 409
    body = response.get_json()
    assert body["errors"] == {"code": [body["detail"]]}
    assert _rule_count(app) == 1


def test_d7_concurrent_identical_creates_give_one_201_and_409s(world, app):
    from tests.conftest import PASSWORD

    tokens = []
    for _ in range(3):
        client = app.test_client()
        token = client.post(
            "/api/v1/auth/token", json={"email": world.manager.email, "password": PASSWORD}
        ).get_json()["token"]
        tokens.append(token)
    barrier = threading.Barrier(3)
    statuses = []

    def create(token):
        client = app.test_client()
        barrier.wait()
        statuses.append(
            client.post(
                f"/api/v1/associations/{world.a.id}/rules",
                json={**RULE, "code": "RACE"},
                headers={"Authorization": f"Bearer {token}"},
            ).status_code
        )

    threads = [threading.Thread(target=create, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409, 409]
    assert _rule_count(app) == 1


# --- D16: small oddities --------------------------------------------------------------------


def test_d16_a_too_long_vendor_name_says_so(world, api):
    response = api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/vendors", json={"name": "V" * 100000, "category": "x"}
    )
    assert response.status_code == 422
    (message,) = response.get_json()["errors"]["name"]
    assert "200" in message and "Enter the vendor's name" not in message


def test_d16_text_longer_than_its_column_is_refused_never_cut(world, api, app):
    response = api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/vendors",
        json={"name": "V", "category": "x", "phone": "5" * 41, "contact_name": "c" * 201},
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert "40" in errors["phone"][0] and "200" in errors["contact_name"][0]


def test_d16_the_document_states_each_text_maximum(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert schemas["UnitCreate"]["properties"]["label"]["maxLength"] == 100
    assert schemas["VendorCreate"]["properties"]["name"]["maxLength"] == 200
    assert schemas["RuleCreate"]["properties"]["title"]["maxLength"] == 200


# --- D17: one 404 whatever exists elsewhere --------------------------------------------


def test_d17_the_404_detail_does_not_tell_elsewhere_from_nowhere(world, api):
    manager = api(world.manager)
    budget = manager.post(
        f"/api/v1/associations/{world.a.id}/budgets", json={"fiscal_year": 2027}
    ).get_json()
    line = {"name": "x", "fund": "operating", "kind": "expense", "amount": "1.00"}
    outsider = api(world.outsider)
    elsewhere = outsider.post(f"/api/v1/budgets/{budget['id']}/lines", json=line)
    nowhere = outsider.post("/api/v1/budgets/99999/lines", json=line)
    assert elsewhere.status_code == nowhere.status_code == 404
    assert elsewhere.get_json() == nowhere.get_json()
    for path in ("/api/v1/violations/99999", f"/api/v1/associations/{world.a.id}"):
        assert outsider.get(path).get_json()["detail"] == nowhere.get_json()["detail"]

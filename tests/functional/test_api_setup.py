"""The API's Conventions and "Setup and people" sections, for every role."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.associations.models import Unit
from app.auth.models import Membership
from app.core import clock
from app.extensions import db
from tests.conftest import PASSWORD

ROLES = ["admin", "manager", "board", "owner", "outsider", "nobody"]


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# --- conventions ------------------------------------------------------------------------


def test_token_exchange(world, client):
    response = client.post(
        "/api/v1/auth/token", json={"email": world.owner.email, "password": PASSWORD}
    )
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "expires_at"}
    expires = datetime.fromisoformat(body["expires_at"])
    assert expires.utcoffset() is not None
    assert timedelta(hours=11, minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=12)


@pytest.mark.parametrize(
    "body",
    [
        {"email": "person@example.com", "password": "wrong"},
        {"email": "ghost@example.com", "password": PASSWORD},
    ],
)
def test_wrong_credentials_are_401_problems(world, client, body):
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 401 and problem["title"] and problem["detail"]


def test_missing_unknown_or_expired_token_is_401(world, api, client):
    assert api().get("/api/v1/associations").status_code == 401
    headers = {"Authorization": "Bearer not-a-token"}
    response = client.get("/api/v1/associations", headers=headers)
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    clock.freeze(datetime.now(UTC))
    owner = api(world.owner)
    assert owner.get("/api/v1/associations").status_code == 200
    clock.advance(timedelta(hours=12, seconds=1))
    assert owner.get("/api/v1/associations").status_code == 401


def test_token_requests_count_towards_the_lock(world, client):
    for _ in range(5):
        response = client.post(
            "/api/v1/auth/token", json={"email": world.owner.email, "password": "wrong"}
        )
    assert response.status_code == 429
    assert (
        "Too many failed sign-ins for this account from your network"
        in (response.get_json()["detail"])
    )
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_revoked_token_stops_working(world, api):
    owner = api(world.owner)
    assert owner.delete("/api/v1/auth/token").status_code == 204
    assert owner.get("/api/v1/associations").status_code == 401


def test_openapi_document_needs_no_token_and_describes_every_endpoint(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.1")
    paths = spec["paths"]
    for path, method in [
        ("/api/v1/auth/token", "post"),
        ("/api/v1/users", "post"),
        ("/api/v1/associations", "post"),
        ("/api/v1/associations", "get"),
        ("/api/v1/associations/{aid}/units", "post"),
        ("/api/v1/associations/{aid}/members", "post"),
        ("/api/v1/associations/{aid}/members", "get"),
    ]:
        assert method in paths[path], (path, method)
    unit_schema = spec["components"]["schemas"]["UnitCreate"]
    assert set(unit_schema["required"]) == {"label", "street_address"}
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_malformed_json_is_400(world, api):
    response = api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/units",
        data="{not json",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"


def test_invalid_fields_are_422_naming_each_field(world, api, app):
    before = _count(app, Unit)
    response = api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/units",
        json={"street_address": 12, "allocation_share": "lots"},
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"label", "street_address", "allocation_share"}
    assert all(isinstance(m, list) and m for m in errors.values())
    assert _count(app, Unit) == before


def test_unknown_api_path_is_a_404_problem(world, api):
    response = api(world.owner).get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


# --- setup and people -----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_create_user_is_for_admins(world, api, role):
    response = api(world.user(role)).post(
        "/api/v1/users", json={"email": "x@example.com", "name": "X Y", "password": "long-enough"}
    )
    if role == "admin":
        assert response.status_code == 201
        assert set(response.get_json()) >= {"id", "email", "name"}
    else:
        assert response.status_code == 403


def test_duplicate_user_email_is_409(world, api):
    response = api(world.admin).post(
        "/api/v1/users",
        json={"email": world.owner.email.upper(), "name": "Dup", "password": "long-enough"},
    )
    assert response.status_code == 409
    assert world.owner.email in response.get_json()["detail"]


def test_short_password_is_422(world, api):
    response = api(world.admin).post(
        "/api/v1/users", json={"email": "new@example.com", "name": "N", "password": "short"}
    )
    assert response.status_code == 422
    assert "password" in response.get_json()["errors"]


@pytest.mark.parametrize("role", ROLES)
def test_create_association_is_for_admins(world, api, role):
    response = api(world.user(role)).post(
        "/api/v1/associations",
        json={"name": "Gamma", "state": "TX", "fiscal_year_start_month": 7},
    )
    if role == "admin":
        assert response.status_code == 201
        body = response.get_json()
        assert body["compliance_profile"] == "TX" and body["time_zone"] == "America/Chicago"
        assert isinstance(body["id"], int)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"state": "California"}, "state"),
        ({"fiscal_year_start_month": 0}, "fiscal_year_start_month"),
        ({"compliance_profile": "NY"}, "compliance_profile"),
        ({"time_zone": "Nowhere/Special"}, "time_zone"),
        ({"state": "ZZ"}, "state"),
    ],
)
def test_create_association_validates(world, api, body, field):
    payload = {"name": "Gamma", "state": "CA", "fiscal_year_start_month": 1, **body}
    response = api(world.admin).post("/api/v1/associations", json=payload)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


@pytest.mark.parametrize(
    ("role", "names"),
    [
        ("admin", ["Alpha Grove HOA", "Beta Hills HOA"]),
        ("manager", ["Alpha Grove HOA"]),
        ("owner", ["Alpha Grove HOA"]),
        ("outsider", ["Beta Hills HOA"]),
        ("nobody", []),
    ],
)
def test_list_associations_shows_only_the_callers(world, api, role, names):
    body = api(world.user(role)).get("/api/v1/associations").get_json()
    assert [a["name"] for a in body["items"]] == names
    assert body["total"] == len(names)


@pytest.mark.parametrize("role", ROLES)
def test_create_unit_by_role(world, api, role, app):
    response = api(world.user(role)).post(
        f"/api/v1/associations/{world.a.id}/units",
        json={
            "label": "99",
            "street_address": "99 Elm St",
            "unit_type": "townhome",
            "allocation_share": 1.5,
        },
    )
    expected = {
        "admin": 201,
        "manager": 201,
        "board": 403,
        "owner": 403,
        "outsider": 404,
        "nobody": 404,
    }[role]
    assert response.status_code == expected
    if expected == 201:
        body = response.get_json()
        assert body["label"] == "99" and body["unit_type"] == "townhome"
        assert body["allocation_share"] == "1.500000"
    else:
        assert response.content_type == "application/problem+json"
        assert _count(app, Unit) == 2


def test_unit_type_defaults_to_standard_and_labels_are_unique(world, api):
    manager = api(world.manager)
    url = f"/api/v1/associations/{world.a.id}/units"
    response = manager.post(url, json={"label": "5", "street_address": "5 Elm St"})
    assert response.status_code == 201 and response.get_json()["unit_type"] == "standard"
    assert manager.post(url, json={"label": "5", "street_address": "x"}).status_code == 409


@pytest.mark.parametrize("role", ROLES)
def test_read_units_and_members_by_role(world, api, role):
    client = api(world.user(role))
    expected = 404 if role in ("outsider", "nobody") else 200
    for path in ("units", "members"):
        response = client.get(f"/api/v1/associations/{world.a.id}/{path}")
        assert response.status_code == expected
        if expected == 200:
            body = response.get_json()
            assert body["total"] == len(body["items"]) > 0


def test_members_list_hides_emails_from_owners(world, api):
    items = api(world.owner).get(f"/api/v1/associations/{world.a.id}/members").get_json()["items"]
    assert all(item["email"] is None for item in items)
    items = api(world.board).get(f"/api/v1/associations/{world.a.id}/members").get_json()["items"]
    assert world.owner.email in {item["email"] for item in items}


@pytest.mark.parametrize("role", ROLES)
def test_add_member_by_role(world, api, role):
    # The owner of 12B is someone the manager already knows: the role is given at once.
    response = api(world.user(role)).post(
        f"/api/v1/associations/{world.a.id}/members",
        json={"user_id": world.owner.id, "role": "board", "office": "secretary"},
    )
    expected = {
        "admin": 201,
        "manager": 201,
        "board": 403,
        "owner": 403,
        "outsider": 404,
        "nobody": 404,
    }[role]
    assert response.status_code == expected
    if expected == 201:
        body = response.get_json()
        assert body["role"] == "board" and body["office"] == "secretary"
        assert body["user_id"] == world.owner.id and isinstance(body["id"], int)


def test_member_rules(world, api, app):
    manager = api(world.manager)
    url = f"/api/v1/associations/{world.a.id}/members"
    response = manager.post(url, json={"user_id": world.nobody.id, "role": "owner"})
    assert response.status_code == 422 and "unit_id" in response.get_json()["errors"]
    response = manager.post(
        url, json={"user_id": world.nobody.id, "role": "owner", "unit_id": world.b_unit.id}
    )
    assert response.status_code == 422 and "unit_id" in response.get_json()["errors"]
    response = manager.post(url, json={"user_id": world.nobody.id, "role": "janitor"})
    assert response.status_code == 422 and "role" in response.get_json()["errors"]
    response = manager.post(url, json={"role": "manager"})
    assert response.status_code == 422 and "user_id" in response.get_json()["errors"]
    response = manager.post(
        url, json={"user_id": world.board.id, "role": "owner", "unit_id": world.owner_unit.id}
    )
    assert response.status_code == 201 and response.get_json()["unit_id"] == world.owner_unit.id
    response = manager.post(
        url, json={"user_id": world.board.id, "role": "owner", "unit_id": world.owner_unit.id}
    )
    assert response.status_code == 409


def test_remove_member(world, api, app):
    manager = api(world.manager)
    items = manager.get(f"/api/v1/associations/{world.a.id}/members").get_json()["items"]
    owner_membership = next(i for i in items if i["user_id"] == world.owner.id)
    url = f"/api/v1/associations/{world.a.id}/members/{owner_membership['id']}"
    assert api(world.board).delete(url).status_code == 403
    assert api(world.outsider).delete(url).status_code == 404
    assert manager.delete(url).status_code == 204
    assert api(world.owner).get(f"/api/v1/associations/{world.a.id}").status_code == 404
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(Membership)
                .where(Membership.user_id == world.owner.id)
            )
            == 0
        )


def test_pagination_refuses_per_page_over_200(world, api):
    """D16: a page size over 200 is refused by name, not silently cut."""
    manager = api(world.manager)
    url = f"/api/v1/associations/{world.a.id}/units"
    for n in range(5):
        manager.post(url, json={"label": f"P{n}", "street_address": f"{n} Pine"})
    body = manager.get(url + "?per_page=2&page=2").get_json()
    assert body["total"] == 6 and len(body["items"]) == 2
    assert manager.get(url + "?per_page=200").get_json()["per_page"] == 200
    refused = manager.get(url + "?per_page=201")
    assert refused.status_code == 422 and "per_page" in refused.get_json()["errors"]
    assert manager.get(url + "?page=abc").status_code == 422


@pytest.mark.parametrize("role", ROLES)
def test_audit_log_api_by_role(world, api, role):
    api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/units",
        json={"label": "A1", "street_address": "1 Audit Way"},
    )
    response = api(world.user(role)).get(f"/api/v1/associations/{world.a.id}/audit")
    expected = {
        "admin": 200,
        "manager": 200,
        "board": 200,
        "owner": 403,
        "outsider": 404,
        "nobody": 404,
    }[role]
    assert response.status_code == expected
    if expected == 200:
        (entry,) = response.get_json()["items"]
        assert entry["action"] == "unit.created" and entry["actor_name"] == "Mona Manager"
        assert len(entry["hash"]) == 64

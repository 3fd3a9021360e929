"""Nothing is cut silently: every field of the association, unit, people and account forms
states its maximum (maxlength), and a longer value or a bad e-mail address comes back as
the field's error with what was typed kept; the API answers 422 naming the field."""

from __future__ import annotations

import html

import pytest

from app.associations.models import Association, Unit
from app.auth.models import User
from app.extensions import db
from tests.conftest import login


def _cases(world):
    aid, unit_id = world.a.id, world.owner_unit.id
    association = {"name": "Gamma Glen", "state": "CA", "fiscal_year_start_month": "1"}
    settings = {**association, "name": world.a.name, "time_zone": "America/Los_Angeles"}
    unit = {"label": "77", "street_address": "77 Pine Road", "unit_type": "standard"}
    person = {
        "email": "pat@example.org",
        "name": "Pat Person",
        "role": "owner",
        "unit_id": str(unit_id),
    }
    account = {"name": "Pat Person", "email": "pat@example.org", "language": "en", "active": "y"}
    return [
        ("admin", "/associations/new", association, "name", 200),
        ("admin", "/associations/new", association, "letterhead_address", 1000),
        ("manager", f"/associations/{aid}/edit", settings, "name", 200),
        ("manager", f"/associations/{aid}/edit", settings, "letterhead_address", 1000),
        ("manager", f"/associations/{aid}/units/new", unit, "label", 100),
        ("manager", f"/associations/{aid}/units/new", unit, "street_address", 300),
        ("manager", f"/associations/{aid}/units/new", unit, "mailing_address", 1000),
        ("manager", f"/associations/{aid}/units/new", unit, "unit_type", 40),
        ("manager", f"/associations/{aid}/units/new", unit, "allocation_share", 20),
        ("manager", f"/associations/{aid}/units/{unit_id}/edit", unit, "street_address", 300),
        ("manager", f"/associations/{aid}/people/new", person, "name", 200),
        ("manager", f"/associations/{aid}/people/new", person, "email", 254),
        ("admin", "/people/new", account, "name", 200),
        ("admin", "/people/new", account, "email", 254),
        ("admin", f"/people/{world.owner.id}/edit", account, "name", 200),
    ]


def _counts(app):
    with app.app_context():
        return (
            db.session.query(Association).count(),
            db.session.query(Unit).count(),
            db.session.query(User).count(),
            sorted(u.street_address for u in db.session.query(Unit)),
        )


@pytest.mark.parametrize("case", range(15))
def test_a_value_over_the_maximum_is_the_fields_error_and_is_kept(app, client, world, case):
    who, url, data, field, maximum = _cases(world)[case]
    login(client, world.user(who))
    page = client.get(url).get_data(as_text=True)
    assert f'maxlength="{maximum}"' in page
    before = _counts(app)
    typed = "9" * (maximum + 1) if field == "allocation_share" else "x" * (maximum + 1)
    if field == "email":
        typed = "a" * (maximum - 11) + "@example.org"
    response = client.post(url, data={**data, field: typed})
    assert response.status_code == 200  # the form again, not a redirect
    page = response.get_data(as_text=True)
    assert f"Field cannot be longer than {maximum} characters." in page
    error_at = page.index(f"Field cannot be longer than {maximum} characters.")
    field_at = page.rindex(f'name="{field}"', 0, error_at)
    assert "is-invalid" in page[field_at - 200 : error_at]
    assert html.escape(typed) in page  # what was typed is still there
    assert _counts(app) == before


@pytest.mark.parametrize(
    ("who", "url_of", "data"),
    [
        (
            "manager",
            lambda w: f"/associations/{w.a.id}/people/new",
            {"name": "Pat", "role": "owner"},
        ),
        ("admin", lambda w: "/people/new", {"name": "Pat", "language": "en"}),
        ("admin", lambda w: f"/people/{w.owner.id}/edit", {"name": "Pat", "language": "en"}),
    ],
)
@pytest.mark.parametrize("bad", ["bad@", "no-at-sign", "two@@example.org", "a b@example.org"])
def test_a_bad_email_address_is_the_fields_error_and_is_kept(
    app, client, world, who, url_of, data, bad
):
    login(client, world.user(who))
    if "role" in data:
        data = {**data, "unit_id": str(world.owner_unit.id)}
    response = client.post(url_of(world), data={**data, "email": bad})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Invalid email address." in page or "valid e-mail address" in page
    assert f'value="{html.escape(bad)}"' in page
    with app.app_context():
        assert db.session.query(User).filter_by(email=bad).count() == 0
        assert db.session.get(User, world.owner.id).email == world.owner.email


def test_sign_in_and_reset_forms_state_their_maximum(client):
    for url in ("/login", "/password/forgot"):
        page = client.get(url).get_data(as_text=True)
        assert 'maxlength="254"' in page


@pytest.mark.parametrize(
    ("path", "body", "field", "maximum"),
    [
        ("/api/v1/associations", {"state": "CA", "fiscal_year_start_month": 1}, "name", 200),
        (
            "/api/v1/associations",
            {"name": "G", "state": "CA", "fiscal_year_start_month": 1},
            "letterhead_address",
            1000,
        ),
        (
            "/api/v1/associations",
            {"name": "G", "state": "CA", "fiscal_year_start_month": 1},
            "time_zone",
            64,
        ),
        ("/api/v1/associations/{aid}/units", {"street_address": "1 A St"}, "label", 100),
        ("/api/v1/associations/{aid}/units", {"label": "1"}, "street_address", 300),
        (
            "/api/v1/associations/{aid}/units",
            {"label": "1", "street_address": "1 A"},
            "mailing_address",
            1000,
        ),
        (
            "/api/v1/associations/{aid}/units",
            {"label": "1", "street_address": "1 A"},
            "unit_type",
            40,
        ),
        ("/api/v1/users", {"email": "p@example.org", "password": "long-enough-pw"}, "name", 200),
        ("/api/v1/users", {"email": "p@example.org", "name": "P"}, "password", 200),
        (
            "/api/v1/associations/{aid}/members",
            {"email": "p@example.org", "role": "manager"},
            "name",
            200,
        ),
    ],
)
def test_the_api_refuses_text_over_its_maximum_naming_the_field(
    api, world, path, body, field, maximum
):
    response = api(world.admin).post(
        path.format(aid=world.a.id), json={**body, field: "x" * (maximum + 1)}
    )
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/users", {"name": "P", "password": "long-enough-pw"}),
        ("/api/v1/associations/{aid}/members", {"name": "P", "role": "manager"}),
    ],
)
@pytest.mark.parametrize("bad", ["bad@", "x@y", "a b@example.org", "a" * 250 + "@example.org"])
def test_the_api_refuses_a_bad_email_address(api, world, path, body, bad):
    response = api(world.admin).post(path.format(aid=world.a.id), json={**body, "email": bad})
    assert response.status_code == 422
    assert "email" in response.get_json()["errors"]


def test_patching_an_association_checks_the_same_maxima(api, world):
    admin = api(world.admin)
    url = f"/api/v1/associations/{world.a.id}"
    too_long = admin.patch(url, json={"letterhead_address": "x" * 1001})
    assert too_long.status_code == 422 and "letterhead_address" in too_long.get_json()["errors"]
    changed = admin.patch(url, json={"time_zone": "America/Denver"})
    assert changed.status_code == 200 and changed.get_json()["time_zone"] == "America/Denver"
    assert changed.get_json()["name"] == "Alpha Grove HOA"
    assert api(world.manager).patch(url, json={"name": "X"}).status_code == 403
    assert api(world.outsider).patch(url, json={"name": "X"}).status_code == 404

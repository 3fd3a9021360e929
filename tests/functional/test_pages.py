"""The pages, as each role sees them."""

import re

import pytest
from sqlalchemy import select

from app.associations import units as unit_services
from app.associations.models import Association, Unit
from app.auth.models import User
from app.core.audit import AuditEntry
from app.extensions import db
from tests import factories as f
from tests.conftest import PASSWORD, login
from tests.queries import counted_queries

ROLES = ["admin", "manager", "board", "owner", "outsider", "nobody"]

# page → expected status per role (in ROLES order)
MATRIX = {
    "/associations/{a}/": [200, 200, 200, 200, 404, 404],
    "/associations/{a}/units": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/units/new": [200, 200, 403, 403, 404, 404],
    "/associations/{a}/units/{u}/edit": [200, 200, 403, 403, 404, 404],
    "/associations/{a}/units/{u}/delete": [200, 200, 403, 403, 404, 404],
    "/associations/{a}/people": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/people/new": [200, 200, 403, 403, 404, 404],
    "/associations/{a}/audit": [200, 200, 200, 403, 404, 404],
    "/associations/{a}/edit": [200, 200, 403, 403, 404, 404],
    "/associations/new": [200, 403, 403, 403, 403, 403],
    "/people": [200, 403, 403, 403, 403, 403],
    "/associations/": [200, 200, 200, 200, 200, 200],
    "/account": [200, 200, 200, 200, 200, 200],
}


@pytest.mark.parametrize("path", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_page_access_by_role(world, client, role, path):
    login(client, world.user(role))
    url = path.format(a=world.a.id, u=world.owner_unit.id)
    assert client.get(url).status_code == MATRIX[path][ROLES.index(role)]


def test_signed_out_visitors_are_sent_to_sign_in(world, client):
    response = client.get(f"/associations/{world.a.id}/units")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_unit_of_another_association_is_not_found(world, client):
    login(client, world.manager)
    other = world.b_unit
    assert client.get(f"/associations/{world.a.id}/units/{other.id}/edit").status_code == 404


def test_sign_in_and_out(world, client):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="password"' in page
    response = client.post(
        "/login", data={"email": world.owner.email, "password": PASSWORD}, follow_redirects=True
    )
    text = response.get_data(as_text=True)
    assert "Alpha Grove HOA" in text and "12 Oak Lane" in text  # straight to their home
    response = client.post("/logout", follow_redirects=True)
    assert "You are signed out." in response.get_data(as_text=True)
    assert client.get(f"/associations/{world.a.id}/").status_code == 302


def test_wrong_password_is_shown_next_to_the_field(world, client):
    response = client.post("/login", data={"email": world.owner.email, "password": "nope"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r"invalid-feedback[^>]*>\s*The e-mail address or password is wrong", text)


def test_five_failures_lock_sign_in_and_say_so(world, client):
    for _ in range(4):
        client.post("/login", data={"email": world.owner.email, "password": "nope"})
    response = client.post("/login", data={"email": world.owner.email, "password": "nope"})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many failed sign-ins for this account from your network." in page
    assert "Try again in 1 minute" in page
    response = client.post("/login", data={"email": world.owner.email, "password": PASSWORD})
    assert response.status_code == 429
    # Colleagues at the same address are not locked out (D15).
    response = client.post("/login", data={"email": world.board.email, "password": PASSWORD})
    assert response.status_code == 302


def test_open_redirects_are_refused(world, client):
    response = client.post(
        "/login?next=https://evil.example/x",
        data={"email": world.owner.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_password_reset_by_mail(world, client, app):
    response = client.post(
        "/password/forgot", data={"email": world.owner.email}, follow_redirects=True
    )
    assert "a reset link is on its way" in response.get_data(as_text=True)
    (message,) = app.extensions["mail_outbox"]
    assert message["To"] == world.owner.email
    link = re.search(r"http://localhost(/password/reset/\S+)", message.get_content())[1]
    response = client.post(
        link,
        data={"password": "fresh-password-1", "confirm": "fresh-password-1"},
        follow_redirects=True,
    )
    assert "Your password is set" in response.get_data(as_text=True)
    login(client, world.owner, "fresh-password-1")
    client.post("/logout")
    response = client.get(link, follow_redirects=True)
    assert "already been used" in response.get_data(as_text=True)


def test_forgot_password_does_not_reveal_unknown_addresses(world, client, app):
    response = client.post(
        "/password/forgot", data={"email": "ghost@example.com"}, follow_redirects=True
    )
    assert "a reset link is on its way" in response.get_data(as_text=True)
    assert app.extensions.get("mail_outbox", []) == []


def test_manager_creates_a_unit_and_sees_it_in_the_list(world, client, app):
    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/units/new",
        data={
            "label": "7A",
            "street_address": "7 Birch Way",
            "unit_type": "townhome",
            "allocation_share": "",
            "mailing_address": "",
        },
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "Added unit 7A." in text
    assert "7 Birch Way" in text
    with app.app_context():
        unit = db.session.scalars(select(Unit).where(Unit.label == "7A")).one()
        assert unit.association_id == world.a.id and unit.unit_type == "townhome"
        assert (
            db.session.scalars(select(AuditEntry).where(AuditEntry.action == "unit.created"))
            .one()
            .actor_id
            == world.manager.id
        )


def _count_units(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Unit)).all())


def test_unit_form_errors_stand_next_to_their_field_and_change_nothing(world, client, app):
    login(client, world.manager)
    before = _count_units(app)
    response = client.post(
        f"/associations/{world.a.id}/units/new",
        data={
            "label": "12B",
            "street_address": "somewhere",
            "allocation_share": "-3",
        },
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r"invalid-feedback[^>]*>\s*Enter a number greater than zero", text)
    response = client.post(
        f"/associations/{world.a.id}/units/new",
        data={
            "label": "12B",
            "street_address": "somewhere",
        },
    )
    assert "Unit 12B already exists" in response.get_data(as_text=True)
    assert _count_units(app) == before


def test_removing_a_unit_asks_first(world, client, app):
    login(client, world.manager)
    url = f"/associations/{world.a.id}/units/{world.owner_unit.id}/delete"
    page = client.get(url).get_data(as_text=True)
    assert "Remove unit 12B?" in page and "Yes, remove" in page
    assert _count_units(app) == 2
    client.post(url)
    assert _count_units(app) == 1


def test_units_list_searches_sorts_and_pages(world, client, app):
    with app.app_context():
        association = db.session.get(Association, world.a.id)
        for n in range(30):
            f.UnitFactory(association=association, label=f"L{n:02d}", street_address=f"{n} Pine St")
        db.session.commit()
    login(client, world.manager)
    text = client.get(f"/associations/{world.a.id}/units?q=pine&per_page=10").get_data(as_text=True)
    assert "30 results" in text and "L00" in text and "L10" not in text
    text = client.get(
        f"/associations/{world.a.id}/units?q=pine&sort=label&dir=desc&per_page=10"
    ).get_data(as_text=True)
    assert "L29" in text and "L00" not in text
    text = client.get(f"/associations/{world.a.id}/units?q=pine&per_page=10&page=3").get_data(
        as_text=True
    )
    assert "L20" in text and "L19" not in text
    text = client.get(f"/associations/{world.a.id}/units?q=nothing-like-this").get_data(
        as_text=True
    )
    assert "No unit matches" in text


def test_board_sees_units_without_the_buttons_to_change_them(world, client):
    login(client, world.board)
    text = client.get(f"/associations/{world.a.id}/units").get_data(as_text=True)
    assert "12 Oak Lane" in text
    assert "New unit" not in text and "Edit" not in text
    text = client.get(f"/associations/{world.a.id}/people").get_data(as_text=True)
    assert "Add a person" not in text and "Remove role" not in text
    assert world.owner.email in text  # board sees contact details


def test_owner_navigation_has_only_their_home(world, client):
    login(client, world.owner)
    text = client.get(f"/associations/{world.a.id}/").get_data(as_text=True)
    assert "Your home" in text and "12 Oak Lane" in text
    for link in ("Units", "Audit log", "Settings", "People"):
        assert f">{link}</a>" not in text
    assert "Owner" in text


def test_manager_navigation_and_switcher(world, client, app):
    with app.app_context():
        f.MembershipFactory(
            user=db.session.get(User, world.manager.id),
            association=db.session.get(Association, world.b.id),
            role="manager",
        )
        db.session.commit()
    login(client, world.manager)
    text = client.get(f"/associations/{world.a.id}/").get_data(as_text=True)
    for link in ("Units", "People", "Audit log", "Settings"):
        assert f">{link}</a>" in text
    assert f'href="/associations/{world.b.id}/"' in text  # the switcher lists both
    assert "All people" not in text  # admins only


def test_manager_invites_a_new_owner_who_chooses_a_password_and_accepts(world, client, app):
    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/people/new",
        data={
            "email": "newowner@example.com",
            "name": "Nina New",
            "role": "owner",
            "unit_id": str(world.owner_unit.id),
            "office": "",
        },
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "An invitation is on its way to newowner@example.com." in text
    assert "Nina New" not in text.split("Invitations not accepted yet")[0]  # no role yet
    assert "newowner@example.com" in text.split("Invitations not accepted yet")[1]
    (message,) = app.extensions["mail_outbox"]
    assert message["To"] == "newowner@example.com"
    link = re.search(r"http://localhost(/associations/invitations/\S+)", message.get_content())[1]
    client.post("/logout")
    page = client.get(link).get_data(as_text=True)
    assert "You are invited to join as owner of unit 12B." in page
    assert "Choose the password of your new account" in page
    response = client.post(link, data={"password": "a-new-pass-1", "confirm": "a-new-pass-1"})
    assert response.status_code == 302
    dashboard = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Welcome! You are now owner of unit 12B." in dashboard
    assert client.get(link, follow_redirects=True).status_code == 200  # used: refused
    assert "answered already" in client.get(link, follow_redirects=True).get_data(as_text=True)
    client.post("/logout")
    response = client.post(
        "/login", data={"email": "newowner@example.com", "password": "a-new-pass-1"}
    )
    assert response.status_code == 302


def test_add_person_errors_are_shown_by_the_field(world, client):
    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/people/new",
        data={
            "email": "x@example.com",
            "name": "X",
            "role": "owner",
            "unit_id": "",
            "office": "",
        },
    )
    assert re.search(
        r"invalid-feedback[^>]*>\s*Choose the unit this person owns",
        response.get_data(as_text=True),
    )


def test_audit_log_page_shows_who_did_what(world, client):
    login(client, world.manager)
    client.post(
        f"/associations/{world.a.id}/units/new", data={"label": "9Z", "street_address": "9 Zed St"}
    )
    login(client, world.board)
    text = client.get(f"/associations/{world.a.id}/audit").get_data(as_text=True)
    assert "Mona Manager" in text and "Added unit 9Z, 9 Zed St" in text
    assert "unit.created" in text


def test_admin_creates_an_association(world, client):
    login(client, world.admin)
    response = client.post(
        "/associations/new",
        data={
            "name": "Gamma Park",
            "state": "FL",
            "fiscal_year_start_month": "10",
            "compliance_profile": "",
            "time_zone": "America/New_York",
            "letterhead_address": "1 Gamma Way\nTampa, FL",
        },
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "Created Gamma Park." in text and "compliance profile Florida (Statutes 720.305)" in text


def _add_owned_units(app, association_id: int, count: int) -> None:
    with app.app_context():
        association = db.session.get(Association, association_id)
        for _n in range(count):
            unit = f.UnitFactory(association=association)
            f.MembershipFactory(association=association, unit=unit, role="owner")
            # The audit log grows too, through the real service.
            unit_services.create_unit(
                association, label=f"A{unit.id}", street_address="1 Audit St", actor=None
            )
        db.session.commit()


def test_list_page_queries_do_not_grow_with_rows(world, client, app):
    login(client, world.manager)

    def count_queries(url):
        with counted_queries(app) as statements:
            assert client.get(url + "?per_page=200").status_code == 200
        return len(statements)

    _add_owned_units(app, world.a.id, 3)
    few = {
        u: count_queries(u.format(a=world.a.id))
        for u in ("/associations/{a}/units", "/associations/{a}/people", "/associations/{a}/audit")
    }
    _add_owned_units(app, world.a.id, 40)
    many = {u: count_queries(u.format(a=world.a.id)) for u in few}
    assert many == few


def test_error_pages_use_the_site_layout(world, client):
    login(client, world.owner)
    for url, status, words in (
        ("/no/such/page", 404, "Page not found"),
        (f"/associations/{world.a.id}/units", 403, "You do not have access to this"),
    ):
        response = client.get(url)
        text = response.get_data(as_text=True)
        assert response.status_code == status
        assert words in text and 'class="navbar-brand' in text and "Sign out" in text


def test_security_headers(world, client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = response.get_data(as_text=True)
    assert "<script>" not in text and "cdn" not in text.lower()


def test_session_cookie_is_httponly_and_samesite(world, client):
    response = client.post("/login", data={"email": world.owner.email, "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_forms_need_a_csrf_token(world, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/login", data={"email": world.owner.email, "password": PASSWORD})
    assert response.status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    response = client.post(
        "/login", data={"email": world.owner.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_owner_chooses_letters_by_email(world, client, app):
    login(client, world.owner)
    response = client.post(
        "/account/preferences",
        data={"delivery": "email", "language": "es", "save": "1"},
        follow_redirects=True,
    )
    assert "Your preferences are saved." in response.get_data(as_text=True)
    with app.app_context():
        from app.delivery.models import Preference

        assert db.session.get(Preference, world.owner.id).delivery == "email"
        assert db.session.get(User, world.owner.id).language == "es"
    response = client.post(
        "/account",
        data={
            "current_password": "wrong",
            "new_password": "long-enough-1",
            "confirm": "long-enough-1",
            "submit": "1",
        },
    )
    assert "This is not your current password." in response.get_data(as_text=True)

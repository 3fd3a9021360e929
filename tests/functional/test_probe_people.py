"""The security probe of 2026-12-02, D1: a manager learns nothing about people outside their
associations and enrols no one without their consent. Pages and API alike."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.auth.models import Membership, User
from app.core import clock
from app.extensions import db
from tests.conftest import PASSWORD, login


def _roles_in(app, user_id, association_id) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(Membership.id)).where(
                Membership.user_id == user_id, Membership.association_id == association_id
            )
        )


def _invite(api, world, **body):
    return api(world.outsider).post(
        f"/api/v1/associations/{world.b.id}/members",
        json={"role": "owner", "unit_id": world.b_unit.id, **body},
    )


def _link(app, to: str) -> str:
    (message,) = [m for m in app.extensions["mail_outbox"] if m["To"] == to]
    return re.search(r"http://localhost(/associations/invitations/\S+)", message.get_content())[1]


def test_d1_b_manager_gets_an_invitation_not_the_person(world, api, app):
    response = _invite(api, world, user_id=world.owner.id)
    assert response.status_code == 202
    body = response.get_json()
    assert set(body) == {"invitation_id", "status", "role", "unit_id", "office"}
    assert body["status"] == "invited" and body["role"] == "owner"
    assert world.owner.email not in response.get_data(as_text=True)
    assert world.owner.name not in response.get_data(as_text=True)
    assert _roles_in(app, world.owner.id, world.b.id) == 0  # no role until accepted


@pytest.mark.parametrize("target", ["admin", "nobody", "no_such_user"])
def test_d1_the_answer_is_the_same_whoever_the_id_is(world, api, target):
    known = _invite(api, world, user_id=world.owner.id).get_json()
    user_id = 2_000_000 if target == "no_such_user" else world.user(target).id
    other = _invite(api, world, user_id=user_id)
    assert other.status_code == 202
    body = other.get_json()
    assert body.pop("invitation_id") == known.pop("invitation_id") + 1
    assert body == known


def test_d1_the_global_admin_is_not_made_a_manager_of_b(world, api, app):
    response = api(world.outsider).post(
        f"/api/v1/associations/{world.b.id}/members",
        json={"user_id": world.admin.id, "role": "manager"},
    )
    assert response.status_code == 202
    assert _roles_in(app, world.admin.id, world.b.id) == 0


def test_d1_the_audit_log_and_the_people_page_show_only_what_was_sent(world, api, app, client):
    _invite(api, world, user_id=world.owner.id)
    entries = api(world.outsider).get(f"/api/v1/associations/{world.b.id}/audit").get_json()
    text = str(entries)
    assert world.owner.email not in text and world.owner.name not in text
    assert f"user #{world.owner.id}" in text
    login(client, world.outsider)
    page = client.get(f"/associations/{world.b.id}/people").get_data(as_text=True)
    assert f"user #{world.owner.id}" in page and world.owner.name not in page


def test_d1_the_invited_person_accepts_and_only_then_holds_the_role(world, api, app, client):
    _invite(api, world, user_id=world.owner.id)
    link = _link(app, world.owner.email)
    assert api(world.owner).get(f"/api/v1/associations/{world.b.id}").status_code == 404
    login(client, world.owner)
    page = client.get(link).get_data(as_text=True)
    assert "You are invited to join as owner of unit 1." in page
    response = client.post(link, data={"submit": "Accept"})
    assert response.status_code == 302
    assert _roles_in(app, world.owner.id, world.b.id) == 1
    assert api(world.owner).get(f"/api/v1/associations/{world.b.id}").status_code == 200
    # The link works once.
    assert "answered already" in client.get(link, follow_redirects=True).get_data(as_text=True)


def test_d1_an_invitation_for_someone_else_cannot_be_accepted(world, api, app, client):
    _invite(api, world, user_id=world.owner.id)
    link = _link(app, world.owner.email)
    login(client, world.board)
    response = client.post(link, data={"submit": "Accept"})
    assert "This invitation is for another account" in response.get_data(as_text=True)
    assert _roles_in(app, world.board.id, world.b.id) == 0
    assert _roles_in(app, world.owner.id, world.b.id) == 0


def test_d1_a_declined_or_expired_invitation_gives_no_role(world, api, app, client):
    _invite(api, world, user_id=world.owner.id)
    link = _link(app, world.owner.email)
    client.post(link, data={"decline": "Decline"})
    login(client, world.owner)
    client.post(link, data={"submit": "Accept"})
    assert _roles_in(app, world.owner.id, world.b.id) == 0
    app.extensions["mail_outbox"] = []
    _invite(api, world, user_id=world.owner.id)
    later = _link(app, world.owner.email)
    clock.freeze(clock.now() + timedelta(days=8))
    page = client.post(later, data={"submit": "Accept"}, follow_redirects=True)
    assert "This invitation expired on" in page.get_data(as_text=True)
    assert _roles_in(app, world.owner.id, world.b.id) == 0


def test_d1_by_email_a_new_address_and_a_known_one_get_the_same_answer(world, api, app):
    new = _invite(api, world, email="fresh@example.com", name="Fresh Face").get_json()
    known = _invite(api, world, email=world.owner.email, name="Anything").get_json()
    new.pop("invitation_id")
    known.pop("invitation_id")
    assert new == known
    with app.app_context():
        fresh = db.session.scalar(select(User).where(User.email == "fresh@example.com"))
        assert fresh is not None and fresh.name == "Fresh Face"  # an account, but no role
    assert _roles_in(app, fresh.id, world.b.id) == 0
    new_mail = next(m for m in app.extensions["mail_outbox"] if m["To"] == "fresh@example.com")
    assert "Choose your password and accept here" in new_mail.get_content()
    known_mail = next(m for m in app.extensions["mail_outbox"] if m["To"] == world.owner.email)
    assert "Accept or decline here" in known_mail.get_content()


def test_d1_email_invitations_need_a_name_whoever_the_address_is(world, api):
    for email in ("fresh@example.com", world.owner.email):
        response = _invite(api, world, email=email)
        assert response.status_code == 422 and "name" in response.get_json()["errors"]


def test_d1_people_already_known_get_the_role_directly(world, api, app):
    from tests import factories as f

    with app.app_context():
        f.MembershipFactory(
            user=db.session.merge(world.outsider),
            association=db.session.merge(world.a),
            role="board",
            office="director",
        )
        db.session.commit()
    # The B manager now sits on A's board: A's owner is someone they know.
    response = _invite(api, world, user_id=world.owner.id)
    assert response.status_code == 201
    assert response.get_json()["user_id"] == world.owner.id
    # Admins give anyone a role directly.
    response = api(world.admin).post(
        f"/api/v1/associations/{world.b.id}/members",
        json={"user_id": world.nobody.id, "role": "manager"},
    )
    assert response.status_code == 201


def test_d1_the_page_says_the_same_for_a_new_and_a_known_address(world, client, app):
    login(client, world.outsider)
    flashes = []
    for email in ("fresh@example.com", world.owner.email):
        response = client.post(
            f"/associations/{world.b.id}/people/new",
            data={"email": email, "name": "X Y", "role": "owner", "unit_id": str(world.b_unit.id)},
            follow_redirects=True,
        )
        text = response.get_data(as_text=True)
        flashes.append(re.search(r"An invitation is on its way to [^<]*", text)[0])
        assert world.owner.name not in text
    assert flashes[0].replace("fresh@example.com", "X") == flashes[1].replace(
        world.owner.email, "X"
    )
    assert _roles_in(app, world.owner.id, world.b.id) == 0


def test_d1_signing_in_then_accepting_from_the_link(world, api, app, client):
    _invite(api, world, user_id=world.owner.id)
    link = _link(app, world.owner.email)
    response = client.post(link, data={"submit": "Accept"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post(
        response.headers["Location"], data={"email": world.owner.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == link
    client.post(link, data={"submit": "Accept"})
    assert _roles_in(app, world.owner.id, world.b.id) == 1

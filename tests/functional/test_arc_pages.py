"""Architectural review's pages, as each role sees them."""

from __future__ import annotations

import io

import pytest

from tests import factories as f
from tests import pdfs
from tests.conftest import login
from tests.notice_helpers import pdf_bytes


@pytest.fixture
def arc(world, app):
    with app.app_context():
        from app.extensions import db

        db.session().expire_on_commit = False
        member = f.UserFactory(name="Ari Arc")
        f.MembershipFactory(user=member, association=world.a, role="arc")
        other_unit = f.UnitFactory(association=world.a, label="14C", street_address="14 Oak Lane")
        other = f.UserFactory(name="Otis Other")
        f.MembershipFactory(user=other, association=world.a, role="owner", unit=other_unit)
        db.session.commit()
    world.arc = member
    world.other_owner = other
    return world


def _owner_submits(client, world):
    login(client, world.owner)
    response = client.post(
        f"/associations/{world.a.id}/arc/new",
        data={
            "unit_id": str(world.owner_unit.id),
            "title": "Solar panels",
            "description": "Twelve panels on the south roof.",
            "files": [(io.BytesIO(pdf_bytes()), "plan.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("board", 200), ("arc", 200), ("owner", 200), ("outsider", 404)],
)
def test_list_page_per_role(arc, client, role, status):
    login(client, arc.user(role))
    response = client.get(f"/associations/{arc.a.id}/arc/")
    assert response.status_code == status
    if status == 200:
        text = response.get_data(as_text=True)
        assert "Architectural review" in text
        assert ("Review settings" in text) == (role == "manager")
        assert ("New request" in text) == (role in ("manager", "owner"))


def test_new_request_keeps_input_on_bad_file(arc, client):
    login(client, arc.owner)
    response = client.post(
        f"/associations/{arc.a.id}/arc/new",
        data={
            "unit_id": str(arc.owner_unit.id),
            "title": "Fence",
            "description": "A cedar fence.",
            "files": [(io.BytesIO(b"GIF89a nope"), "fence.gif")],
        },
        content_type="multipart/form-data",
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 415
    assert "must be a PDF, JPEG or PNG file" in text and "A cedar fence." in text
    empty = client.post(
        f"/associations/{arc.a.id}/arc/new", data={"unit_id": str(arc.owner_unit.id)}
    )
    assert empty.status_code == 422 and "This field is required." in empty.get_data(as_text=True)
    login(client, arc.board)
    assert client.get(f"/associations/{arc.a.id}/arc/new").status_code == 403


def test_request_page_per_role_and_journey(arc, client):
    location = _owner_submits(client, arc)
    page = client.get(location).get_data(as_text=True)
    assert "Solar panels" in page and "Decision due by" in page and "plan.pdf" in page
    assert "Withdraw the request" in page and "Propose the decision" not in page
    for role, status in (("other_owner", 404), ("outsider", 404), ("board", 200), ("arc", 200)):
        login(client, arc.user(role))
        assert client.get(location).status_code == status, role
    login(client, arc.manager)
    page = client.get(location).get_data(as_text=True)
    assert "Propose the decision" in page
    asked = client.post(location, data={"action": "message", "m-message": "Which colour?"})
    assert asked.status_code == 302
    denied = client.post(
        location, data={"action": "decision", "d-decision": "denied", "d-reasons": ""}
    )
    assert denied.status_code == 422 and "4765" in denied.get_data(as_text=True)
    proposed = client.post(
        location,
        data={
            "action": "decision",
            "d-decision": "denied",
            "d-reasons": "Visible from the street.",
        },
    )
    assert proposed.status_code == 302
    login(client, arc.owner)
    page = client.get(location).get_data(as_text=True)
    assert "Which colour?" in page and "is before the reviewing body" in page
    # The committee member votes on the engine's page.
    login(client, arc.arc)
    from app.arc.models import ArcRequest
    from app.extensions import db

    with client.application.app_context():
        request = db.session.scalars(db.select(ArcRequest)).one()
        approval_id, rid = request.approval_id, request.id
    voted = client.post(
        f"/associations/{arc.a.id}/approvals/{approval_id}/vote", data={"choice": "approve"}
    )
    assert voted.status_code in (302, 303), voted.get_data(as_text=True)
    login(client, arc.owner)
    page = client.get(location).get_data(as_text=True)
    assert "Visible from the street." in page and "Appeal to the board" in page
    with client.application.app_context():
        letter_id = db.session.get(ArcRequest, rid).letters[0].id
    pdf_url = f"/associations/{arc.a.id}/arc/{rid}/letters/{letter_id}.pdf"
    text = " ".join(pdfs.pdf_text(client.get(pdf_url).data).split())
    assert "Visible from the street." in text and "open meeting" in text
    appealed = client.post(location, data={"action": "appeal", "a-message": "Please reconsider."})
    assert appealed.status_code == 302
    assert "appealed to the board" in client.get(location).get_data(as_text=True)
    login(client, arc.other_owner)
    assert client.get(pdf_url).status_code == 404


def test_owner_withdraws(arc, client):
    location = _owner_submits(client, arc)
    home = client.get(f"/associations/{arc.a.id}/home", follow_redirects=True)
    assert "Architectural request: decision due by" in home.get_data(as_text=True)
    done = client.post(location, data={"action": "withdraw", "w-submit": "1"})
    assert done.status_code == 302
    assert "withdrawn" in client.get(location).get_data(as_text=True)


def test_manager_saves_settings_and_dashboard_counts_due(arc, client):
    login(client, arc.manager)
    bad = client.post(f"/associations/{arc.a.id}/arc/", data={"review_days": "0"})
    assert bad.status_code == 422 and "Number must be between 1 and 365" in bad.get_data(
        as_text=True
    )
    saved = client.post(
        f"/associations/{arc.a.id}/arc/", data={"review_days": "5", "deemed_approved": "y"}
    )
    assert saved.status_code == 302
    _owner_submits(client, arc)
    login(client, arc.manager)
    listing = client.get(f"/associations/{arc.a.id}/arc/?due=1").get_data(as_text=True)
    assert "Solar panels" in listing and "deemed approved" in listing
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "1 architectural request is due within a week or overdue" in home

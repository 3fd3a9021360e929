"""The Florida part of "Where the board decides" (api.md): the fining committee (Florida
Statutes 720.305(2)(b)) and the caps the governing documents raise, for every role."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.associations.models import Association
from app.auth.models import Membership
from app.core import clock
from app.extensions import db
from tests import factories as f
from tests.unit.compliance_helpers import START, noticed

HEARING = "2027-03-16T18:00:00-04:00"  # after the cure date of March 15, 15 days' notice


@pytest.fixture
def fl(app, world, api):
    """Association A under the Florida profile (fines go to the committee), a noticed
    violation at unit 12B."""
    clock.freeze(START)
    with app.app_context():
        association = db.session.get(Association, world.a.id)
        association.compliance_profile, association.board_decisions = "FL", None
        association.time_zone = "America/New_York"
        db.session.commit()
    with app.app_context():
        world.violation_id = noticed(world).id
        db.session.commit()
    world.api = api
    return world


def _committee(app, world, n):
    members = []
    with app.app_context():
        for i in range(n):
            user = f.UserFactory(name=f"Committee member {i + 1}")
            db.session.add(Membership(user_id=user.id, association_id=world.a.id, role="committee"))
            members.append(user)
        db.session.commit()
        for user in members:
            db.session.refresh(user)
    return members


def _held(world):
    manager = world.api(world.manager)
    response = manager.post(
        f"/api/v1/violations/{world.violation_id}/hearing",
        json={"scheduled_at": HEARING, "location": "Clubhouse"},
    )
    assert response.status_code == 201, response.get_json()
    clock.freeze(datetime(2027, 3, 16, 23, 0, tzinfo=UTC))
    response = world.api(world.manager).post(
        f"/api/v1/violations/{world.violation_id}/hearing/record",
        json={"owner_attended": True, "summary": "Heard before the committee."},
    )
    assert response.status_code == 200, response.get_json()


def _fine(world, amount="50"):
    return world.api(world.manager).post(
        f"/api/v1/violations/{world.violation_id}/fines",
        json={"amount": amount, "reason": "Boat in the driveway"},
    )


# --- the committee role ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [("manager", 201), ("board", 403), ("owner", 403), ("outsider", 404)]
)
def test_who_appoints_a_committee_member(fl, role, status):
    response = fl.api(fl.user(role)).post(
        f"/api/v1/associations/{fl.a.id}/members",
        json={"user_id": fl.owner.id, "role": "committee"},
    )
    assert response.status_code == status
    if status == 201:
        assert response.get_json()["role"] == "committee"


@pytest.mark.parametrize("holder", ["board", "manager"])
def test_a_director_or_manager_cannot_sit_on_the_committee(fl, holder):
    response = fl.api(fl.admin).post(
        f"/api/v1/associations/{fl.a.id}/members",
        json={"user_id": fl.user(holder).id, "role": "committee"},
    )
    assert response.status_code == 422
    assert "720.305(2)(b)" in response.get_json()["errors"]["role"][0]


def test_a_committee_member_cannot_join_the_board(fl, app):
    (member,) = _committee(app, fl, 1)
    response = fl.api(fl.admin).post(
        f"/api/v1/associations/{fl.a.id}/members",
        json={"user_id": member.id, "role": "board", "office": "director"},
    )
    assert response.status_code == 422 and "role" in response.get_json()["errors"]


# --- fines confirmed by the committee -----------------------------------------------------


def test_fewer_than_three_members_refuse_a_fine(fl, app):
    _committee(app, fl, 2)
    _held(fl)
    response = _fine(fl)
    assert response.status_code == 409
    detail = response.get_json()["detail"]
    assert detail.startswith("Florida Statutes 720.305(2)(b)") and "has 2" in detail


def test_the_committee_confirms_the_fine_by_its_majority(fl, app):
    members = _committee(app, fl, 3)
    _held(fl)
    response = _fine(fl)
    assert response.status_code == 201, response.get_json()
    approval_id = response.get_json()["approval_id"]
    approval = fl.api(fl.manager).get(f"/api/v1/approvals/{approval_id}").get_json()
    assert approval["venue"] == "committee" and approval["required"] == 2
    assert sorted(approval["eligible_voter_ids"]) == sorted(m.id for m in members)
    board = fl.api(fl.board).post(
        f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"}
    )
    assert board.status_code == 403  # the board does not decide an FL fine
    for member in members[:2]:
        vote = fl.api(member).post(
            f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"}
        )
        assert vote.status_code == 201, vote.get_json()
    violation = fl.api(fl.manager).get(f"/api/v1/violations/{fl.violation_id}").get_json()
    assert violation["status"] == "fined" and violation["fines"][0]["status"] == "approved"


def test_the_committee_votes_only_from_the_hearings_date(fl, app):
    from app.approvals.models import ApprovalRequest
    from app.approvals.venues import profile_rule
    from app.compliance.committee import CommitteeVenue

    members = _committee(app, fl, 3)
    _held(fl)
    approval_id = _fine(fl).get_json()["approval_id"]
    with app.app_context():
        request = db.session.get(ApprovalRequest, approval_id)
        rule = profile_rule("FL", "fine")
        assert CommitteeVenue().online_vote_refusal(request, rule) is None
        clock.freeze(datetime(2027, 3, 15, 23, 0, tzinfo=UTC))  # the day before, in Florida
        refusal = CommitteeVenue().online_vote_refusal(request, rule)
    assert refusal.startswith("Florida Statutes 720.305(2)(b)")
    assert refusal.endswith("It becomes possible on March 16, 2027.")
    assert members


# --- caps the governing documents raise ---------------------------------------------------


def test_the_governing_documents_may_allow_more(fl, app):
    _committee(app, fl, 3)
    _held(fl)
    over = _fine(fl, "150")
    assert (
        over.status_code == 422
        and "$100.00 per violation" in over.get_json()["errors"]["amount"][0]
    )
    patched = fl.api(fl.admin).patch(
        f"/api/v1/associations/{fl.a.id}", json={"fine_cap_per_violation": "250"}
    )
    assert patched.status_code == 200 and patched.get_json()["fine_cap_per_violation"] == "250.00"
    assert (
        fl.api(fl.manager)
        .patch(f"/api/v1/associations/{fl.a.id}", json={"fine_cap_per_violation": "250"})
        .status_code
        == 403
    )
    too_much = _fine(fl, "250.01")
    assert too_much.status_code == 422
    assert (
        "The governing documents cap fines at $250.00" in too_much.get_json()["errors"]["amount"][0]
    )
    created = _fine(fl, "150")
    assert created.status_code == 201
    fine = fl.api(fl.manager).get(f"/api/v1/violations/{fl.violation_id}").get_json()["fines"][0]
    assert fine["cap_note"] == (
        "Above the $100.00 per violation of Florida Statutes § 720.305(2): the governing "
        "documents allow $250.00 (association setting)."
    )


def test_a_california_cap_is_not_raised_by_the_documents(world, api):
    response = api(world.admin).patch(
        f"/api/v1/associations/{world.a.id}", json={"fine_cap_per_violation": "500"}
    )
    assert response.status_code == 422 and "fine_cap_per_violation" in response.get_json()["errors"]

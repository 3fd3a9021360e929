"""The emergency and Texas parts of "Where the board decides" (api.md): CA emergency consent
(Civil Code 4910(b)(2), 4923) and decisions taken without a meeting listed on the next board
meeting's agenda (TX Property Code 209.0051(h)), for every role."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.associations.models import Association
from app.core import clock
from app.extensions import db
from app.notices.models import Notice
from tests import factories as f

NOW = datetime(2027, 3, 4, 18, 0, tzinfo=UTC)


def _world(app, world, profile="CA", decisions=None):
    clock.freeze(NOW)
    with app.app_context():
        association = db.session.get(Association, world.a.id)
        association.compliance_profile = profile
        association.board_decisions = decisions
        secretary = f.UserFactory(name="Sam Secretary")
        f.MembershipFactory(
            user=secretary, association=association, role="board", office="secretary"
        )
        db.session.commit()
        db.session.refresh(secretary)
    world.secretary = secretary
    return world


@pytest.fixture
def ca(app, world):
    """California: budgets are decided at a board meeting (4910(a))."""
    return _world(app, world)


def _submit_budget(api, world, year=2028) -> int:
    manager = api(world.manager)
    budget = manager.post(
        f"/api/v1/associations/{world.a.id}/budgets", json={"fiscal_year": year}
    ).get_json()
    line = {"name": "Roof repair", "fund": "operating", "kind": "expense", "amount": "12000"}
    assert manager.post(f"/api/v1/budgets/{budget['id']}/lines", json=line).status_code == 201
    response = manager.post(f"/api/v1/budgets/{budget['id']}/submit")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["approval_id"]


def _emergency(api, user, approval_id, **body):
    payload = {"reason": "A storm tore off the roof of building C.", **body}
    return api(user).post(f"/api/v1/approvals/{approval_id}/emergency", json=payload)


def _meeting(api, world, days=10, kind="board"):
    response = api(world.manager).post(
        f"/api/v1/associations/{world.a.id}/meetings",
        json={
            "kind": kind,
            "starts_at": (NOW + timedelta(days=days)).isoformat(),
            "location": "Clubhouse",
        },
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("secretary", 200), ("board", 200), ("owner", 404), ("outsider", 404)],
)
def test_who_declares_an_emergency(ca, api, role, status):
    approval_id = _submit_budget(api, ca)
    response = _emergency(api, ca.user(role), approval_id, called_by=[ca.board.id])
    assert response.status_code == status, response.get_json()
    if status == 200:
        body = response.get_json()
        assert body["emergency"] is True and body["required"] == 3
        assert body["emergency_called_by"] == [ca.board.id]
        assert body["emergency_reason"] == "A storm tore off the roof of building C."


@pytest.mark.parametrize(
    ("callers", "ok"),
    [
        (["board"], True),  # the president
        (["board2", "secretary"], True),  # two directors other than the president
        (["board2"], False),  # one director who is not the president
        ([], False),
        (["owner"], False),  # not on the board
    ],
)
def test_who_may_call_it(ca, api, callers, ok):
    approval_id = _submit_budget(api, ca)
    ids = [ca.user(name).id for name in callers]
    response = _emergency(api, ca.manager, approval_id, called_by=ids)
    if ok:
        assert response.status_code == 200, response.get_json()
    else:
        assert response.status_code == 422
        assert list(response.get_json()["errors"]) == ["called_by"]


def test_the_422_names_the_rule_of_4923(ca, api):
    approval_id = _submit_budget(api, ca)
    response = _emergency(api, ca.manager, approval_id, called_by=[ca.board2.id])
    assert "Civil Code 4923" in response.get_json()["errors"]["called_by"][0]


def test_an_emergency_needs_its_reason(ca, api):
    approval_id = _submit_budget(api, ca)
    response = _emergency(api, ca.manager, approval_id, reason="  ", called_by=[ca.board.id])
    assert response.status_code == 422 and list(response.get_json()["errors"]) == ["reason"]


def test_it_is_approved_only_when_every_eligible_member_approves(ca, api):
    approval_id = _submit_budget(api, ca)
    before = api(ca.board).post(
        f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"}
    )
    assert before.status_code == 409 and "Civil Code 4910" in before.get_json()["detail"]
    assert _emergency(api, ca.manager, approval_id, called_by=[ca.board.id]).status_code == 200
    for member in (ca.board, ca.board2):
        vote = api(member).post(
            f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"}
        )
        assert vote.status_code == 201
        assert vote.get_json()["status"] == "pending"  # two of three are not enough
    vote = api(ca.secretary).post(
        f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"}
    )
    assert vote.get_json()["status"] == "approved"
    assert vote.get_json()["venue"] == "online"


@pytest.mark.parametrize("choice", ["reject", "abstain"])
def test_the_first_rejection_or_abstention_rejects_it(ca, api, choice):
    approval_id = _submit_budget(api, ca)
    _emergency(api, ca.manager, approval_id, called_by=[ca.board.id])
    api(ca.board).post(f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"})
    vote = api(ca.board2).post(f"/api/v1/approvals/{approval_id}/votes", json={"choice": choice})
    assert vote.get_json()["status"] == "rejected"


def test_refused_where_online_already_decided_or_outside_california(ca, api, app):
    approval_id = _submit_budget(api, ca)
    assert _emergency(api, ca.manager, approval_id, called_by=[ca.board.id]).status_code == 200
    again = _emergency(api, ca.manager, approval_id, called_by=[ca.board.id])
    assert again.status_code == 409
    with app.app_context():
        db.session.get(Association, ca.a.id).board_decisions = {"budget": "online"}
        db.session.commit()
    online = _emergency(api, ca.manager, _submit_budget(api, ca, 2029), called_by=[ca.board.id])
    assert online.status_code == 409 and "online already" in online.get_json()["detail"]
    with app.app_context():
        association = db.session.get(Association, ca.a.id)
        association.compliance_profile, association.board_decisions = "TX", None
        db.session.commit()
    texas = _emergency(api, ca.manager, _submit_budget(api, ca, 2030), called_by=[ca.board.id])
    assert texas.status_code == 409 and "4910(b)(2)" in texas.get_json()["detail"]


def test_an_emergency_leaves_the_agenda_it_waited_on(ca, api):
    approval_id = _submit_budget(api, ca)
    meeting = _meeting(api, ca)
    placed = api(ca.manager).post(
        f"/api/v1/meetings/{meeting['id']}/agenda-items",
        json={"title": "Adopt the budget", "approval_id": approval_id},
    )
    assert placed.status_code == 201
    body = _emergency(api, ca.manager, approval_id, called_by=[ca.board.id]).get_json()
    assert (body["meeting_id"], body["agenda_item_id"]) == (None, None)
    agenda = api(ca.manager).get(f"/api/v1/meetings/{meeting['id']}").get_json()["agenda"]
    assert [i["approval_id"] for i in agenda] == [None]


def _approve_by_consent(api, world, approval_id):
    _emergency(api, world.manager, approval_id, called_by=[world.board.id])
    for member in (world.board, world.board2, world.secretary):
        api(member).post(f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"})


def test_consents_are_reported_on_the_next_board_meeting_scheduled(ca, api, app):
    approval_id = _submit_budget(api, ca)
    _approve_by_consent(api, ca, approval_id)
    meeting = _meeting(api, ca)
    (item,) = meeting_agenda(api, ca, meeting["id"])
    assert (item["kind"], item["approval_id"]) == ("report", approval_id)
    assert item["title"].startswith("Emergency consent: Budget")
    assert "(approved) — A storm tore off the roof of building C." in item["title"]
    with app.app_context():
        body = db.session.get(Notice, meeting["notice_id"]).text().body
    assert "Emergency consent" in body
    # Reported once: the meeting after it does not list it again.
    assert meeting_agenda(api, ca, _meeting(api, ca, days=20)["id"]) == []


def test_a_consent_goes_on_the_board_meeting_already_scheduled(ca, api, app):
    meeting = _meeting(api, ca)
    executive = _meeting(api, ca, days=5, kind="executive")
    approval_id = _submit_budget(api, ca)
    _approve_by_consent(api, ca, approval_id)
    assert [i["approval_id"] for i in meeting_agenda(api, ca, meeting["id"])] == [approval_id]
    assert meeting_agenda(api, ca, executive["id"]) == []  # reported in the open
    with app.app_context():
        assert "Emergency consent" in db.session.get(Notice, meeting["notice_id"]).text().body


def meeting_agenda(api, world, meeting_id):
    return api(world.manager).get(f"/api/v1/meetings/{meeting_id}").get_json()["agenda"]


# --- Texas: actions taken without a meeting -----------------------------------------------


@pytest.fixture
def tx(app, world):
    """Texas, with budgets decided online (written directly, as a test of the listing)."""
    return _world(app, world, "TX", {"budget": "online"})


def test_texas_lists_each_online_decision_on_the_next_board_meeting(tx, api):
    approval_id = _submit_budget(api, tx)
    for member in (tx.board, tx.board2):
        api(member).post(f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"})
    assert api(tx.manager).get(f"/api/v1/approvals/{approval_id}").get_json()["status"] == (
        "approved"
    )
    special = _meeting(api, tx, days=5, kind="special_board")
    assert meeting_agenda(api, tx, special["id"]) == []  # the next *regular* meeting
    meeting = _meeting(api, tx, days=10)
    (item,) = meeting_agenda(api, tx, meeting["id"])
    assert item["kind"] == "report" and item["approval_id"] == approval_id
    assert item["title"].startswith("Actions taken without a meeting: Budget")


def test_california_does_not_list_ordinary_online_decisions(app, world, api):
    ca = _world(app, world, "CA", {"budget": "online"})
    approval_id = _submit_budget(api, ca)
    for member in (ca.board, ca.board2, ca.secretary):
        api(member).post(f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"})
    assert meeting_agenda(api, ca, _meeting(api, ca)["id"]) == []

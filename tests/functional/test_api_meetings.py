"""The Meetings and "Where the board decides" sections of api.md, for every role (manager,
secretary, board, owner) and a member of another association."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.approvals.models import ApprovalRequest
from app.associations.models import Association
from app.core import clock
from app.extensions import db
from app.notices.models import Notice
from tests import factories as f

# Thursday, March 4, 2027, 10:00 in Los Angeles.
NOW = datetime(2027, 3, 4, 18, 0, tzinfo=UTC)


@pytest.fixture
def ca(app, world):
    """Association A as California has it (no online overrides), with a secretary."""
    clock.freeze(NOW)
    with app.app_context():
        association = db.session.get(Association, world.a.id)
        association.board_decisions = None
        secretary = f.UserFactory(name="Sam Secretary")
        f.MembershipFactory(
            user=secretary, association=association, role="board", office="secretary"
        )
        db.session.commit()
        db.session.refresh(secretary)
    world.secretary = secretary
    return world


def at(days: float = 0, hours: float = 0) -> str:
    return (NOW + timedelta(days=days, hours=hours)).isoformat()


def schedule(api, user, aid, **body):
    payload = {"kind": "board", "starts_at": at(days=10), "location": "Clubhouse", **body}
    return api(user).post(f"/api/v1/associations/{aid}/meetings", json=payload)


def _meeting(api, world, **body):
    response = schedule(api, world.manager, world.a.id, **body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _submit_budget(api, world) -> int:
    manager = api(world.manager)
    budget = manager.post(
        f"/api/v1/associations/{world.a.id}/budgets", json={"fiscal_year": 2028}
    ).get_json()
    line = {"name": "Landscaping", "fund": "operating", "kind": "expense", "amount": "12000"}
    assert manager.post(f"/api/v1/budgets/{budget['id']}/lines", json=line).status_code == 201
    response = manager.post(f"/api/v1/budgets/{budget['id']}/submit")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["approval_id"]


# --- scheduling -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 201), ("secretary", 201), ("board", 403), ("owner", 403), ("outsider", 404)],
)
def test_who_schedules(ca, api, role, status):
    assert schedule(api, ca.user(role), ca.a.id).status_code == status


def test_scheduling_sends_the_notice_with_the_agenda_to_all(ca, api, app):
    meeting = _meeting(api, ca, purpose="Monthly business")
    assert meeting["status"] == "scheduled" and meeting["notice_id"]
    with app.app_context():
        notice = db.session.get(Notice, meeting["notice_id"])
        assert notice.audience == "all" and notice.meeting_id == meeting["id"]
        assert "Clubhouse" in notice.text().body and "March 14, 2027" in notice.text().body
    item = api(ca.manager).post(
        f"/api/v1/meetings/{meeting['id']}/agenda-items", json={"title": "Pool repairs"}
    )
    assert item.status_code == 201, item.get_json()
    with app.app_context():
        assert "1. Pool repairs" in db.session.get(Notice, meeting["notice_id"]).text().body
    # The owner reads it among their notices.
    mine = api(ca.owner).get("/api/v1/me/notices").get_json()["items"]
    assert [n["meeting_id"] for n in mine] == [meeting["id"]]


@pytest.mark.parametrize(
    ("kind", "ok", "refused", "rule"),
    [
        ("board", 4, 3, "Civil Code 4920(a)"),
        ("special_board", 4, 3, "Civil Code 4920(a)"),
        ("executive", 2, 1, "Civil Code 4920(b)(2)"),
        ("annual", 10, 9, "Corporations Code 7511"),
        ("special", 10, 9, "Corporations Code 7511"),
    ],
)
def test_ca_notice_periods(ca, api, kind, ok, refused, rule):
    response = schedule(api, ca.manager, ca.a.id, kind=kind, starts_at=at(days=refused))
    assert response.status_code == 409
    detail = response.get_json()["detail"]
    assert rule in detail and "first lawful start" in detail
    assert schedule(api, ca.manager, ca.a.id, kind=kind, starts_at=at(days=ok)).status_code == 201


def test_first_lawful_start_is_named(ca, api):
    detail = schedule(api, ca.manager, ca.a.id, starts_at=at(days=1)).get_json()["detail"]
    assert "March 8, 2027, 12:00 AM PST" in detail


@pytest.mark.parametrize(
    ("profile", "kind", "ok_hours", "refused_hours", "rule"),
    [
        ("TX", "board", 145, 143, "209.0051(e)"),
        ("TX", "special_board", 73, 71, "209.0051(e)"),
        ("FL", "board", 49, 47, "720.303(2)(c)1"),
        ("FL", "annual", 14 * 24 + 24, 13 * 24, "720.306(5)"),
    ],
)
def test_tx_and_fl_notice_periods(ca, api, app, profile, kind, ok_hours, refused_hours, rule):
    with app.app_context():
        db.session.get(Association, ca.a.id).compliance_profile = profile
        db.session.commit()
    refused = schedule(api, ca.manager, ca.a.id, kind=kind, starts_at=at(hours=refused_hours))
    assert refused.status_code == 409 and rule in refused.get_json()["detail"]
    ok = schedule(api, ca.manager, ca.a.id, kind=kind, starts_at=at(hours=ok_hours))
    assert ok.status_code == 201


def test_ca_emergency_needs_reason_and_callers_before_the_notice_rule(ca, api):
    body = {"starts_at": at(hours=2), "emergency": True}
    response = schedule(api, ca.manager, ca.a.id, **body)
    assert response.status_code == 422 and "emergency_reason" in response.get_json()["errors"]
    # One director other than the president is not enough (4923).
    response = schedule(
        api, ca.manager, ca.a.id, **body, emergency_reason="Burst pipe", called_by=[ca.board2.id]
    )
    assert response.status_code == 422 and "called_by" in response.get_json()["errors"]
    for callers in ([ca.board.id], [ca.board2.id, ca.secretary.id]):
        response = schedule(
            api, ca.manager, ca.a.id, **body, emergency_reason="Burst pipe", called_by=callers
        )
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["emergency"] is True
    response = schedule(
        api, ca.manager, ca.a.id, kind="annual", emergency=True, starts_at=at(days=20)
    )
    assert response.status_code == 422 and "emergency" in response.get_json()["errors"]


def test_bad_input_is_a_422_naming_the_field(ca, api):
    for body, field in (
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"starts_at": "2027-03-20T19:00:00"}, "starts_at"),
        ({"location": "", "video_url": ""}, "location"),
        ({"video_url": "javascript:alert(1)"}, "video_url"),
        ({"kind": "picnic"}, "kind"),
    ):
        response = schedule(api, ca.manager, ca.a.id, **body)
        assert response.status_code == 422, (body, response.get_json())
        assert field in response.get_json()["errors"]


# --- reading and executive sessions ------------------------------------------------------


def test_owners_never_see_executive_sessions(ca, api, app):
    executive = _meeting(api, ca, kind="executive", starts_at=at(days=5))
    regular = _meeting(api, ca)
    api(ca.manager).post(
        f"/api/v1/meetings/{executive['id']}/agenda-items",
        json={"title": "Suit against Acme Paving", "executive_topic": "litigation"},
    )
    assert api(ca.owner).get(f"/api/v1/meetings/{executive['id']}").status_code == 404
    assert api(ca.owner).get(f"/api/v1/meetings/{regular['id']}").status_code == 200
    assert api(ca.board).get(f"/api/v1/meetings/{executive['id']}").status_code == 200
    assert api(ca.outsider).get(f"/api/v1/meetings/{regular['id']}").status_code == 404
    listed = api(ca.owner).get(f"/api/v1/associations/{ca.a.id}/meetings").get_json()
    assert [m["id"] for m in listed["items"]] == [regular["id"]]
    listed = api(ca.manager).get(f"/api/v1/associations/{ca.a.id}/meetings?upcoming=true")
    assert [m["id"] for m in listed.get_json()["items"]] == [executive["id"], regular["id"]]
    # The notice gives only the date and the general nature of the business.
    with app.app_context():
        body = db.session.get(Notice, executive["notice_id"]).text().body
    assert "litigation" in body and "Acme" not in body and "Clubhouse" not in body


def test_executive_items_need_a_lawful_topic(ca, api):
    executive = _meeting(api, ca, kind="executive", starts_at=at(days=5))
    url = f"/api/v1/meetings/{executive['id']}/agenda-items"
    response = api(ca.manager).post(url, json={"title": "Staff"})
    assert response.status_code == 422 and "executive_topic" in response.get_json()["errors"]
    response = api(ca.manager).post(url, json={"title": "Gossip", "executive_topic": "privacy"})
    assert response.status_code == 422
    assert "4935(a)" in response.get_json()["errors"]["executive_topic"][0]
    response = api(ca.manager).post(url, json={"title": "Staff", "executive_topic": "personnel"})
    assert response.status_code == 201


def test_calendars(ca, api):
    meeting = _meeting(api, ca)
    response = api(ca.owner).get(f"/api/v1/meetings/{meeting['id']}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    assert "BEGIN:VEVENT" in text and "LOCATION:Clubhouse" in text
    assert "DTSTART:20270314T180000Z" in text
    executive = _meeting(api, ca, kind="executive", starts_at=at(days=5))
    feed = api(ca.owner).get(f"/api/v1/associations/{ca.a.id}/meetings/calendar.ics")
    assert feed.get_data(as_text=True).count("BEGIN:VEVENT") == 1
    feed = api(ca.board).get(f"/api/v1/associations/{ca.a.id}/meetings/calendar.ics")
    assert feed.get_data(as_text=True).count("BEGIN:VEVENT") == 2
    assert (
        api(ca.outsider).get(f"/api/v1/meetings/{executive['id']}/calendar.ics").status_code == 404
    )
    assert (
        api(ca.outsider).get(f"/api/v1/associations/{ca.a.id}/meetings/calendar.ics").status_code
        == 404
    )


# --- the agenda ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 201), ("secretary", 201), ("board", 403), ("owner", 403), ("outsider", 404)],
)
def test_who_adds_agenda_items(ca, api, role, status):
    meeting = _meeting(api, ca)
    response = api(ca.user(role)).post(
        f"/api/v1/meetings/{meeting['id']}/agenda-items", json={"title": "Reserve study"}
    )
    assert response.status_code == status


def test_after_the_notice_period_began_only_4930d_items(ca, api):
    meeting = _meeting(api, ca, starts_at=at(days=5))
    url = f"/api/v1/meetings/{meeting['id']}/agenda-items"
    clock.freeze(NOW + timedelta(days=2))
    response = api(ca.manager).post(url, json={"title": "New gate"})
    assert response.status_code == 409 and "4930(d)" in response.get_json()["detail"]
    response = api(ca.manager).post(
        url, json={"title": "Storm damage", "added_under": "arose_after_agenda"}
    )
    assert response.status_code == 201 and response.get_json()["added_under"] == (
        "arose_after_agenda"
    )
    response = api(ca.manager).post(url, json={"title": "X", "added_under": "whim"})
    assert response.status_code == 422 and "added_under" in response.get_json()["errors"]


def test_fl_special_assessment_needs_14_days(ca, api, app):
    with app.app_context():
        db.session.get(Association, ca.a.id).compliance_profile = "FL"
        db.session.commit()
    meeting = _meeting(api, ca, starts_at=at(days=7))
    url = f"/api/v1/meetings/{meeting['id']}/agenda-items"
    response = api(ca.manager).post(url, json={"title": "Roof", "kind": "special_assessment"})
    assert response.status_code == 409 and "720.303(2)(c)2" in response.get_json()["detail"]
    assert api(ca.manager).post(url, json={"title": "Roof report"}).status_code == 201
    later = _meeting(api, ca, starts_at=at(days=15))
    response = api(ca.manager).post(
        f"/api/v1/meetings/{later['id']}/agenda-items",
        json={"title": "Roof", "kind": "special_assessment"},
    )
    assert response.status_code == 201


# --- at the meeting -------------------------------------------------------------------------


def _in_session(api, ca, **body):
    meeting = _meeting(api, ca, **body)
    item = (
        api(ca.manager)
        .post(f"/api/v1/meetings/{meeting['id']}/agenda-items", json={"title": "Pool hours"})
        .get_json()
    )
    clock.freeze(NOW + timedelta(days=10))
    return meeting, item


def _present(api, ca, meeting, *people):
    for person in people:
        response = api(ca.secretary).post(
            f"/api/v1/meetings/{meeting['id']}/attendance",
            json={"user_id": person.id, "present": True},
        )
        assert response.status_code == 201, response.get_json()


def test_attendance_from_the_meetings_date_and_for_board_members(ca, api):
    meeting = _meeting(api, ca)
    url = f"/api/v1/meetings/{meeting['id']}/attendance"
    response = api(ca.manager).post(url, json={"user_id": ca.board.id, "present": True})
    assert response.status_code == 409 and "March 14, 2027" in response.get_json()["detail"]
    clock.freeze(NOW + timedelta(days=10))
    for role, status in (("board", 403), ("owner", 403), ("outsider", 404)):
        response = api(ca.user(role)).post(url, json={"user_id": ca.board.id, "present": True})
        assert response.status_code == status
    response = api(ca.manager).post(url, json={"user_id": ca.owner.id, "present": True})
    assert response.status_code == 422 and "user_id" in response.get_json()["errors"]
    assert (
        api(ca.manager).post(url, json={"user_id": ca.board.id, "present": False}).status_code
        == 201
    )
    assert (
        api(ca.manager).post(url, json={"user_id": ca.board.id, "present": True}).status_code == 201
    )
    body = api(ca.owner).get(f"/api/v1/meetings/{meeting['id']}").get_json()
    assert body["attendance"] == [{"user_id": ca.board.id, "present": True}]
    assert body["quorum_present"] is False and body["quorum_needed"] == 2


def test_motions_need_quorum_an_agenda_item_and_two_present_members(ca, api):
    meeting, item = _in_session(api, ca)
    url = f"/api/v1/meetings/{meeting['id']}/motions"
    motion = {
        "text": "Open the pool at 7",
        "agenda_item_id": item["id"],
        "moved_by": ca.board.id,
        "seconded_by": ca.board2.id,
    }
    _present(api, ca, meeting, ca.board)
    response = api(ca.secretary).post(url, json=motion)
    assert response.status_code == 409 and "quorum" in response.get_json()["detail"]
    _present(api, ca, meeting, ca.secretary)
    response = api(ca.secretary).post(url, json=motion)
    assert response.status_code == 422 and "seconded_by" in response.get_json()["errors"]
    response = api(ca.secretary).post(url, json={**motion, "seconded_by": ca.board.id})
    assert response.status_code == 422 and "seconded_by" in response.get_json()["errors"]
    response = api(ca.secretary).post(url, json={**motion, "agenda_item_id": None})
    assert response.status_code == 409 and "4930(a)" in response.get_json()["detail"]
    assert api(ca.board).post(url, json=motion).status_code == 403
    assert api(ca.outsider).post(url, json=motion).status_code == 404
    response = api(ca.secretary).post(url, json={**motion, "seconded_by": ca.secretary.id})
    assert response.status_code == 201 and response.get_json()["result"] == "open"
    assert response.get_json()["eligible_count"] == 2


def test_votes_decide_the_motion(ca, api):
    meeting, item = _in_session(api, ca)
    _present(api, ca, meeting, ca.board, ca.board2, ca.secretary)
    motion = (
        api(ca.manager)
        .post(
            f"/api/v1/meetings/{meeting['id']}/motions",
            json={
                "text": "Open the pool at 7",
                "agenda_item_id": item["id"],
                "moved_by": ca.board.id,
                "seconded_by": ca.board2.id,
            },
        )
        .get_json()
    )
    url = f"/api/v1/motions/{motion['id']}/votes"
    response = api(ca.manager).post(url, json={"user_id": ca.board.id, "choice": "yes"})
    assert response.status_code == 201 and response.get_json()["result"] == "open"
    assert (
        api(ca.board).post(url, json={"user_id": ca.board.id, "choice": "yes"}).status_code == 403
    )
    response = api(ca.manager).post(url, json={"user_id": ca.owner.id, "choice": "yes"})
    assert response.status_code == 422
    response = api(ca.manager).post(url, json={"user_id": ca.board2.id, "choice": "maybe"})
    assert response.status_code == 422 and "choice" in response.get_json()["errors"]
    response = api(ca.manager).post(url, json={"user_id": ca.board2.id, "choice": "yes"})
    assert response.get_json()["result"] == "carried"  # 2 of 3 present is more than half
    response = api(ca.manager).post(url, json={"user_id": ca.secretary.id, "choice": "no"})
    assert response.status_code == 409


def test_a_motion_fails_once_it_cannot_reach_a_majority(ca, api):
    meeting, item = _in_session(api, ca)
    _present(api, ca, meeting, ca.board, ca.board2, ca.secretary)
    motion = (
        api(ca.manager)
        .post(
            f"/api/v1/meetings/{meeting['id']}/motions",
            json={
                "text": "Paint it pink",
                "agenda_item_id": item["id"],
                "moved_by": ca.board.id,
                "seconded_by": ca.board2.id,
            },
        )
        .get_json()
    )
    url = f"/api/v1/motions/{motion['id']}/votes"
    api(ca.manager).post(url, json={"user_id": ca.board.id, "choice": "no"})
    response = api(ca.manager).post(url, json={"user_id": ca.board2.id, "choice": "abstain"})
    assert response.get_json()["result"] == "failed"


def test_adjourn_closes_the_record_and_cancel_tells_owners(ca, api, app):
    meeting, _item = _in_session(api, ca)
    url = f"/api/v1/meetings/{meeting['id']}"
    assert api(ca.board).post(f"{url}/adjourn").status_code == 403
    response = api(ca.secretary).post(f"{url}/adjourn")
    assert response.status_code == 200 and response.get_json()["status"] == "adjourned"
    response = api(ca.manager).post(
        f"{url}/attendance", json={"user_id": ca.board.id, "present": True}
    )
    assert response.status_code == 409
    assert api(ca.secretary).post(f"{url}/adjourn").status_code == 409
    # Cancelling: manager only, before it starts.
    later = _meeting(api, ca, starts_at=at(days=20))
    assert (
        api(ca.secretary)
        .post(f"/api/v1/meetings/{later['id']}/cancel", json={"reason": "No business"})
        .status_code
        == 403
    )
    response = api(ca.manager).post(
        f"/api/v1/meetings/{later['id']}/cancel", json={"reason": "No business"}
    )
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    with app.app_context():
        titles = [
            n.title
            for n in db.session.scalars(select(Notice).where(Notice.meeting_id == later["id"]))
        ]
    assert any(t.startswith("Cancelled:") for t in titles)
    response = api(ca.manager).post(
        f"/api/v1/meetings/{meeting['id']}/cancel", json={"reason": "Too late"}
    )
    assert response.status_code == 409


# --- where the board decides -------------------------------------------------------------


def test_board_decisions_per_profile_and_admin_changes(ca, api, app):
    body = api(ca.owner).get(f"/api/v1/associations/{ca.a.id}").get_json()
    assert body["board_decisions"] == dict.fromkeys(
        ("budget", "contract", "fine", "minutes", "arc_request", "arc_appeal"), "meeting"
    )
    url = f"/api/v1/associations/{ca.b.id}"
    tx = api(ca.admin).get(url).get_json()["board_decisions"]
    assert tx["budget"] == "meeting" and tx["contract"] == "online" and tx["fine"] == "meeting"
    response = api(ca.admin).patch(url, json={"board_decisions": {"budget": "online"}})
    assert response.status_code == 409 and "209.0051(h)" in response.get_json()["detail"]
    response = api(ca.admin).patch(url, json={"board_decisions": {"contract": "meeting"}})
    assert response.status_code == 200
    assert response.get_json()["board_decisions"]["contract"] == "meeting"
    assert response.get_json()["board_decisions"]["arc_request"] == "meeting"
    response = api(ca.admin).patch(url, json={"board_decisions": {"contract": "online"}})
    assert response.get_json()["board_decisions"]["contract"] == "online"
    response = api(ca.admin).patch(url, json={"board_decisions": {"contract": "mail"}})
    assert response.status_code == 422 and "board_decisions" in response.get_json()["errors"]
    assert (
        api(ca.outsider).patch(url, json={"board_decisions": {"contract": "meeting"}}).status_code
        == 403
    )
    with app.app_context():
        db.session.get(Association, ca.b.id).compliance_profile = "FL"
        db.session.commit()
    response = api(ca.admin).patch(url, json={"board_decisions": {"fine": "meeting"}})
    assert response.status_code == 409 and "720.305(2)(b)" in response.get_json()["detail"]
    assert api(ca.admin).get(url).get_json()["board_decisions"]["fine"] == "committee"


def test_a_ca_budget_is_decided_by_the_motion_on_its_agenda_item(ca, api, app):
    approval_id = _submit_budget(api, ca)
    approval = api(ca.board).get(f"/api/v1/approvals/{approval_id}").get_json()
    assert approval["venue"] == "meeting" and approval["meeting_id"] is None
    response = api(ca.board).post(
        f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"}
    )
    assert response.status_code == 409
    assert "Civil Code 4910" in response.get_json()["detail"]
    assert "agenda" in response.get_json()["detail"]
    meeting = _meeting(api, ca)
    url = f"/api/v1/meetings/{meeting['id']}/agenda-items"
    item = api(ca.secretary).post(
        url, json={"title": "Adopt the 2028 budget", "approval_id": approval_id}
    )
    assert item.status_code == 201, item.get_json()
    item = item.get_json()
    other = _meeting(api, ca, starts_at=at(days=12))
    response = api(ca.manager).post(
        f"/api/v1/meetings/{other['id']}/agenda-items",
        json={"title": "Budget again", "approval_id": approval_id},
    )
    assert response.status_code == 409
    approval = api(ca.board).get(f"/api/v1/approvals/{approval_id}").get_json()
    assert approval["meeting_id"] == meeting["id"] and approval["agenda_item_id"] == item["id"]
    clock.freeze(NOW + timedelta(days=10))
    _present(api, ca, meeting, ca.board, ca.board2, ca.secretary)
    motion = (
        api(ca.secretary)
        .post(
            f"/api/v1/meetings/{meeting['id']}/motions",
            json={
                "text": "Adopt the 2028 budget",
                "agenda_item_id": item["id"],
                "moved_by": ca.board.id,
                "seconded_by": ca.secretary.id,
            },
        )
        .get_json()
    )
    for member in (ca.board, ca.secretary):
        api(ca.secretary).post(
            f"/api/v1/motions/{motion['id']}/votes", json={"user_id": member.id, "choice": "yes"}
        )
    approval = api(ca.board).get(f"/api/v1/approvals/{approval_id}").get_json()
    assert approval["status"] == "approved" and approval["decided_at"]
    assert approval["meeting_id"] == meeting["id"]
    assert sorted((v["voter_id"], v["choice"]) for v in approval["votes"]) == sorted(
        [(ca.board.id, "approve"), (ca.secretary.id, "approve")]
    )


def test_an_adjourned_meeting_releases_an_undecided_request(ca, api, app):
    approval_id = _submit_budget(api, ca)
    meeting = _meeting(api, ca)
    api(ca.manager).post(
        f"/api/v1/meetings/{meeting['id']}/agenda-items",
        json={"title": "Budget", "approval_id": approval_id},
    )
    clock.freeze(NOW + timedelta(days=10))
    assert api(ca.manager).post(f"/api/v1/meetings/{meeting['id']}/adjourn").status_code == 200
    with app.app_context():
        assert db.session.get(ApprovalRequest, approval_id).meeting_id is None
    nxt = _meeting(api, ca, starts_at=at(days=20))
    response = api(ca.manager).post(
        f"/api/v1/meetings/{nxt['id']}/agenda-items",
        json={"title": "Budget", "approval_id": approval_id},
    )
    assert response.status_code == 201


def test_recused_members_may_not_move_second_or_vote(ca, api, app):
    approval_id = _submit_budget(api, ca)
    with app.app_context():
        # Bo Board is recused from this request (as a contract's vendor relative would be).
        from app.approvals.models import EligibleVoter

        db.session.delete(db.session.get(EligibleVoter, (approval_id, ca.board2.id)))
        db.session.commit()
    meeting = _meeting(api, ca)
    item = (
        api(ca.manager)
        .post(
            f"/api/v1/meetings/{meeting['id']}/agenda-items",
            json={"title": "Budget", "approval_id": approval_id},
        )
        .get_json()
    )
    clock.freeze(NOW + timedelta(days=10))
    _present(api, ca, meeting, ca.board, ca.board2, ca.secretary)
    url = f"/api/v1/meetings/{meeting['id']}/motions"
    body = {
        "text": "Adopt",
        "agenda_item_id": item["id"],
        "moved_by": ca.board2.id,
        "seconded_by": ca.board.id,
    }
    response = api(ca.manager).post(url, json=body)
    assert response.status_code == 422 and "moved_by" in response.get_json()["errors"]
    motion = (
        api(ca.manager)
        .post(url, json={**body, "moved_by": ca.board.id, "seconded_by": ca.secretary.id})
        .get_json()
    )
    assert motion["eligible_count"] == 2
    response = api(ca.manager).post(
        f"/api/v1/motions/{motion['id']}/votes", json={"user_id": ca.board2.id, "choice": "yes"}
    )
    assert response.status_code == 422
    # Of two eligible members, one "no" leaves at most one yes: no more than half.
    response = api(ca.manager).post(
        f"/api/v1/motions/{motion['id']}/votes", json={"user_id": ca.board.id, "choice": "no"}
    )
    assert response.get_json()["result"] == "failed"
    assert api(ca.board).get(f"/api/v1/approvals/{approval_id}").get_json()["status"] == "rejected"


def test_online_requests_cannot_go_on_an_agenda(world, api):
    # The world's association decides budgets online (its fixture): no agenda item for them.
    clock.freeze(NOW)
    approval_id = _submit_budget(api, world)
    meeting = _meeting(api, world)
    response = api(world.manager).post(
        f"/api/v1/meetings/{meeting['id']}/agenda-items",
        json={"title": "Budget", "approval_id": approval_id},
    )
    assert response.status_code == 409 and "online" in response.get_json()["detail"]


def test_a_request_decided_at_a_meeting_does_not_await_online_votes(ca, api, client):
    from tests.conftest import login

    approval_id = _submit_budget(api, ca)
    board = api(ca.board)
    assert board.get(f"/api/v1/approvals/{approval_id}").get_json()["venue"] == "meeting"
    login(client, ca.board)
    page = client.get(f"/associations/{ca.a.id}/approvals/{approval_id}").get_data(as_text=True)
    assert "decided by a motion at a board meeting" in page
    assert "You are not among the eligible voters" not in page
    assert "awaits my vote" not in client.get(f"/associations/{ca.a.id}/").get_data(as_text=True)


def test_a_calendar_app_subscribes_with_a_secret_link(ca, api, app, client, login_as):
    """The feed link works without signing in, shows what its person may see, and stops
    working when they change their password or leave the association."""
    _meeting(api, ca)
    _meeting(api, ca, kind="executive", starts_at=at(days=5))
    links = {}
    for who in ("owner", "board"):
        body = api(ca.user(who)).get(f"/api/v1/associations/{ca.a.id}/meetings/calendar-link")
        assert body.status_code == 200
        links[who] = body.get_json()["url"].replace("http://localhost", "")
    assert links["owner"] != links["board"]
    assert (
        api(ca.outsider).get(f"/api/v1/associations/{ca.a.id}/meetings/calendar-link").status_code
        == 404
    )
    client.post("/logout")
    owner_feed = client.get(links["owner"])
    assert owner_feed.status_code == 200 and owner_feed.mimetype == "text/calendar"
    assert owner_feed.get_data(as_text=True).count("BEGIN:VEVENT") == 1
    assert client.get(links["board"]).get_data(as_text=True).count("BEGIN:VEVENT") == 2
    # A forged or altered link finds nothing.
    assert client.get(links["owner"][:-8] + "xxxx.ics").status_code == 404
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    # The meetings page shows the person's own link.
    page = login_as(ca.owner).get(f"/associations/{ca.a.id}/meetings").get_data(as_text=True)
    assert "Subscribe in a calendar app" in page and links["owner"] in page
    client.post("/logout")
    with app.app_context():
        from app.auth.models import Membership, User

        owner = db.session.get(User, ca.owner.id)
        owner.password_hash = owner.password_hash + "x"  # a new password
        board_membership = db.session.scalars(
            select(Membership).where(
                Membership.user_id == ca.board.id, Membership.association_id == ca.a.id
            )
        ).all()
        for row in board_membership:
            db.session.delete(row)
        db.session.commit()
    assert client.get(links["owner"]).status_code == 404
    assert client.get(links["board"]).status_code == 404

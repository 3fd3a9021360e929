"""The "Hearings" section of api.md: hearings held at board meetings, recorded as held by the
manager or the secretary, and the fine decided on the hearing's agenda item (CA), for every
role (manager, secretary, board, owner) and a member of another association."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from app.associations.models import Association
from app.auth.models import Membership
from app.compliance.models import Violation
from app.core import clock
from app.extensions import db
from app.notices.models import Notice
from tests import factories as f
from tests.unit.compliance_helpers import START, hearing_time, noticed

# The violation letter goes out on March 1, 2027; the cure date is March 15.
HEARING_DAY = datetime(2027, 3, 16).date()


@pytest.fixture
def ca(app, world):
    """Association A as California has it (fines decided at a meeting), with a secretary, and
    a noticed violation at unit 12B, whose owner is also on the board (board2: recused)."""
    clock.freeze(START)
    with app.app_context():
        association = db.session.get(Association, world.a.id)
        association.board_decisions = None
        secretary = f.UserFactory(name="Sam Secretary")
        f.MembershipFactory(
            user=secretary, association=association, role="board", office="secretary"
        )
        db.session.add(
            Membership(
                user_id=world.board2.id,
                association_id=association.id,
                role="owner",
                unit_id=world.owner_unit.id,
            )
        )
        db.session.commit()
        db.session.refresh(secretary)
    with app.app_context():
        violation = noticed(world)
        db.session.commit()
        world.violation_id = violation.id
    world.secretary = secretary
    return world


def _at(hour: int = 18, day=HEARING_DAY) -> str:
    return hearing_time_iso(day, hour)


def hearing_time_iso(day, hour) -> str:
    from zoneinfo import ZoneInfo

    return datetime(
        day.year, day.month, day.day, hour, tzinfo=ZoneInfo("America/Los_Angeles")
    ).isoformat()


def _schedule(api, world, **body):
    payload = {"scheduled_at": _at(), "location": "Clubhouse", **body}
    return api(world.manager).post(f"/api/v1/violations/{world.violation_id}/hearing", json=payload)


def _scheduled(api, world, **body) -> dict:
    response = _schedule(api, world, **body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["hearing"]


def _on_hearing_day(hour: int = 19) -> None:
    clock.freeze(datetime(2027, 3, 17, 2, 0, tzinfo=UTC) + timedelta(hours=hour - 19))


def _record(api, user, world, **body):
    payload = {"owner_attended": True, "summary": "The owner explained the bins.", **body}
    return api(user).post(f"/api/v1/violations/{world.violation_id}/hearing/record", json=payload)


# --- scheduling at a meeting ----------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 201), ("secretary", 403), ("board", 403), ("owner", 403), ("outsider", 404)],
)
def test_who_schedules_a_hearing(ca, api, role, status):
    response = api(ca.user(role)).post(
        f"/api/v1/violations/{ca.violation_id}/hearing",
        json={"scheduled_at": _at(), "location": "Clubhouse"},
    )
    assert response.status_code == status


def test_without_a_meeting_an_executive_session_is_created_for_it(ca, api, app):
    hearing = _scheduled(api, ca)
    assert hearing["meeting_id"] and hearing["held"] is False
    assert (hearing["owner_attended"], hearing["summary"]) == (None, "")
    meeting = api(ca.manager).get(f"/api/v1/meetings/{hearing['meeting_id']}").get_json()
    assert meeting["kind"] == "executive" and meeting["starts_at"] == hearing["scheduled_at"]
    assert [(i["title"], i["executive_topic"]) for i in meeting["agenda"]] == [
        ("Hearing: ARC-1 Trash containers at unit 12B", "member_discipline")
    ]
    with app.app_context():
        notice = db.session.get(Notice, meeting["notice_id"])
        body = notice.text().body
    # Owners are told only the date and the general nature: nothing about the unit or rule.
    assert "March 16, 2027" in body and "member discipline" in body
    assert "12B" not in body and "Trash" not in body and "Clubhouse" not in body
    # Owners never see the executive session itself.
    assert api(ca.owner).get(f"/api/v1/meetings/{hearing['meeting_id']}").status_code == 404


def test_the_owners_notice_of_hearing_says_where_when_and_executive_session(ca, api):
    _scheduled(api, ca)
    violation = api(ca.owner).get(f"/api/v1/violations/{ca.violation_id}").get_json()
    letter = next(le for le in violation["letters"] if le["kind"] == "hearing")
    pdf = api(ca.owner).get(letter["pdf_url"]).data
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "March 16, 2027, 6:00 PM PDT" in text and "Clubhouse" in text
    assert "you may ask that the hearing be held in executive session" in text
    assert "5855(b)" in text


def test_moving_the_hearing_cancels_the_session_made_for_it(ca, api):
    first = _scheduled(api, ca)
    moved = _scheduled(api, ca, scheduled_at=_at(day=HEARING_DAY + timedelta(days=2)))
    assert moved["meeting_id"] != first["meeting_id"]
    old = api(ca.manager).get(f"/api/v1/meetings/{first['meeting_id']}").get_json()
    assert old["status"] == "cancelled"


def test_a_hearing_at_a_board_meeting_takes_its_time_and_place(ca, api, app):
    meeting = api(ca.manager).post(
        f"/api/v1/associations/{ca.a.id}/meetings",
        json={"kind": "board", "starts_at": _at(19), "location": "Library"},
    )
    assert meeting.status_code == 201, meeting.get_json()
    mid = meeting.get_json()["id"]
    response = api(ca.manager).post(
        f"/api/v1/violations/{ca.violation_id}/hearing", json={"meeting_id": mid}
    )
    assert response.status_code == 201, response.get_json()
    hearing = response.get_json()["hearing"]
    assert (hearing["meeting_id"], hearing["location"]) == (mid, "Library")
    assert hearing["scheduled_at"] == meeting.get_json()["starts_at"]
    agenda = api(ca.manager).get(f"/api/v1/meetings/{mid}").get_json()["agenda"]
    assert [(i["title"], i["executive_topic"]) for i in agenda] == [
        ("Hearing: ARC-1 Trash containers at unit 12B", "member_discipline")
    ]
    with app.app_context():
        body = db.session.get(Notice, meeting.get_json()["notice_id"]).text().body
    assert "executive session on: member discipline" in body and "12B" not in body


def test_a_hearing_at_a_meeting_is_refused_on_another_day_or_meeting(ca, api, app):
    mid = (
        api(ca.manager)
        .post(
            f"/api/v1/associations/{ca.a.id}/meetings",
            json={"kind": "board", "starts_at": _at(19), "location": "Library"},
        )
        .get_json()["id"]
    )
    other_day = _schedule(api, ca, meeting_id=mid, scheduled_at=_at(day=HEARING_DAY + timedelta(1)))
    assert other_day.status_code == 422 and "scheduled_at" in other_day.get_json()["errors"]
    other = api(ca.outsider).post(
        f"/api/v1/associations/{ca.b.id}/meetings",
        json={"kind": "board", "starts_at": _at(19), "location": "Beta hall"},
    )
    assert other.status_code == 201, other.get_json()
    for bad in (other.get_json()["id"], 999999):
        refused = _schedule(api, ca, meeting_id=bad)
        assert refused.status_code == 422 and "meeting_id" in refused.get_json()["errors"]


# --- recording the hearing -------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("secretary", 200), ("board", 403), ("owner", 403), ("outsider", 404)],
)
def test_who_records_the_hearing(ca, api, role, status):
    _scheduled(api, ca)
    _on_hearing_day()
    response = _record(api, ca.user(role), ca)
    assert response.status_code == status, response.get_json()
    if status == 200:
        hearing = response.get_json()["hearing"]
        assert hearing["held"] is True and hearing["owner_attended"] is True
        assert hearing["summary"] == "The owner explained the bins."


def test_a_hearing_is_recorded_from_its_own_date_and_once(ca, api):
    _scheduled(api, ca)
    clock.freeze(datetime(2027, 3, 16, 6, 59, tzinfo=UTC))  # 11:59 PM on March 15 in LA
    early = _record(api, ca.manager, ca)
    assert early.status_code == 409
    assert early.get_json()["detail"].endswith("It becomes possible on March 16, 2027.")
    clock.freeze(datetime(2027, 3, 16, 7, 0, tzinfo=UTC))  # midnight: its date has come
    assert _record(api, ca.manager, ca).status_code == 200
    again = _record(api, ca.manager, ca)
    assert again.status_code == 409 and "already recorded as held" in again.get_json()["detail"]


def test_recording_needs_an_answer_and_a_summary(ca, api):
    _scheduled(api, ca)
    _on_hearing_day()
    response = _record(api, ca.manager, ca, owner_attended="perhaps", summary="")
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"owner_attended", "summary"}


def test_no_hearing_to_record_is_a_409(ca, api):
    response = _record(api, ca.manager, ca)
    assert response.status_code == 409 and "No hearing" in response.get_json()["detail"]


# --- the fine decided on the hearing's agenda item ---------------------------------------


def _present(api, world, mid, *users):
    for user in users:
        response = api(world.secretary).post(
            f"/api/v1/meetings/{mid}/attendance", json={"user_id": user.id, "present": True}
        )
        assert response.status_code == 201, response.get_json()


def _fine(api, world, amount="50"):
    return api(world.manager).post(
        f"/api/v1/violations/{world.violation_id}/fines",
        json={"amount": amount, "reason": "Bins left out after the notice"},
    )


def test_the_fine_is_decided_by_a_motion_on_the_hearing_item(ca, api, app):
    hearing = _scheduled(api, ca)
    mid = hearing["meeting_id"]
    _on_hearing_day()
    _present(api, ca, mid, ca.board, ca.board2, ca.secretary)
    assert _record(api, ca.secretary, ca).status_code == 200
    created = _fine(api, ca)
    assert created.status_code == 201, created.get_json()
    approval = api(ca.manager).get(f"/api/v1/approvals/{created.get_json()['approval_id']}")
    approval = approval.get_json()
    meeting = api(ca.manager).get(f"/api/v1/meetings/{mid}").get_json()
    (item,) = meeting["agenda"]
    assert (approval["venue"], approval["meeting_id"], approval["agenda_item_id"]) == (
        "meeting",
        mid,
        item["id"],
    )
    assert item["approval_id"] == approval["id"]
    # The owner of the unit sits on the board: recused from the decision.
    assert ca.board2.id not in approval["eligible_voter_ids"]
    online = api(ca.board).post(
        f"/api/v1/approvals/{approval['id']}/votes", json={"choice": "approve"}
    )
    assert online.status_code == 409 and "Civil Code 4910" in online.get_json()["detail"]
    motion = {"text": "Impose the fine of $50.00", "agenda_item_id": item["id"]}
    recused = api(ca.secretary).post(
        f"/api/v1/meetings/{mid}/motions",
        json={**motion, "moved_by": ca.board2.id, "seconded_by": ca.board.id},
    )
    assert recused.status_code == 422 and "moved_by" in recused.get_json()["errors"]
    moved = api(ca.secretary).post(
        f"/api/v1/meetings/{mid}/motions",
        json={**motion, "moved_by": ca.board.id, "seconded_by": ca.secretary.id},
    )
    assert moved.status_code == 201, moved.get_json()
    motion_id = moved.get_json()["id"]
    vote = api(ca.secretary).post(
        f"/api/v1/motions/{motion_id}/votes", json={"user_id": ca.board2.id, "choice": "no"}
    )
    assert vote.status_code == 422  # recused
    for member in (ca.board, ca.secretary):
        vote = api(ca.secretary).post(
            f"/api/v1/motions/{motion_id}/votes", json={"user_id": member.id, "choice": "yes"}
        )
        assert vote.status_code == 201
    violation = api(ca.manager).get(f"/api/v1/violations/{ca.violation_id}").get_json()
    assert violation["status"] == "fined" and violation["fines"][0]["status"] == "approved"
    decided = api(ca.manager).get(f"/api/v1/approvals/{approval['id']}").get_json()
    assert decided["status"] == "approved" and decided["meeting_id"] == mid


def test_after_the_hearings_meeting_the_fine_waits_for_the_next_board_meeting(ca, api):
    hearing = _scheduled(api, ca)
    mid = hearing["meeting_id"]
    _on_hearing_day()
    assert _record(api, ca.manager, ca).status_code == 200
    assert api(ca.secretary).post(f"/api/v1/meetings/{mid}/adjourn").status_code == 200
    created = _fine(api, ca)
    assert created.status_code == 201
    approval = api(ca.manager).get(f"/api/v1/approvals/{created.get_json()['approval_id']}")
    assert (approval.get_json()["meeting_id"], approval.get_json()["agenda_item_id"]) == (
        None,
        None,
    )


def test_after_the_hearings_meeting_the_next_open_board_meeting_takes_the_fine(ca, api):
    hearing = _scheduled(api, ca)
    mid = hearing["meeting_id"]
    _on_hearing_day()
    next_meeting = api(ca.manager).post(
        f"/api/v1/associations/{ca.a.id}/meetings",
        json={
            "kind": "board",
            "starts_at": _at(19, HEARING_DAY + timedelta(days=10)),
            "location": "Library",
        },
    )
    assert next_meeting.status_code == 201, next_meeting.get_json()
    assert _record(api, ca.manager, ca).status_code == 200
    assert api(ca.secretary).post(f"/api/v1/meetings/{mid}/adjourn").status_code == 200
    created = _fine(api, ca)
    approval = api(ca.manager).get(f"/api/v1/approvals/{created.get_json()['approval_id']}")
    assert approval.get_json()["meeting_id"] == next_meeting.get_json()["id"]
    agenda = api(ca.manager).get(f"/api/v1/meetings/{next_meeting.get_json()['id']}").get_json()
    assert [i["approval_id"] for i in agenda["agenda"]] == [approval.get_json()["id"]]


def test_a_violation_of_another_association_is_a_404_for_the_record(ca, api, app):
    with app.app_context():
        assert db.session.get(Violation, ca.violation_id).association_id == ca.a.id
    assert _record(api, ca.outsider, ca).status_code == 404
    assert api(ca.outsider).get(f"/api/v1/violations/{ca.violation_id}").status_code == 404


def test_hearing_time_helper_matches_the_api_time(ca):
    assert hearing_time(ca, HEARING_DAY).isoformat() == _at()


def _fined_at_the_hearing(api, world) -> int:
    """Hold the hearing, propose the fine and carry the motion on the hearing's item."""
    hearing = _scheduled(api, world)
    mid = hearing["meeting_id"]
    _on_hearing_day()
    _present(api, world, mid, world.board, world.secretary)
    assert _record(api, world.secretary, world).status_code == 200
    approval_id = _fine(api, world).get_json()["approval_id"]
    item_id = (
        api(world.manager).get(f"/api/v1/approvals/{approval_id}").get_json()["agenda_item_id"]
    )
    motion = api(world.secretary).post(
        f"/api/v1/meetings/{mid}/motions",
        json={
            "text": "Impose the fine",
            "agenda_item_id": item_id,
            "moved_by": world.board.id,
            "seconded_by": world.secretary.id,
        },
    )
    for member in (world.board, world.secretary):
        api(world.secretary).post(
            f"/api/v1/motions/{motion.get_json()['id']}/votes",
            json={"user_id": member.id, "choice": "yes"},
        )
    return mid


def test_the_dashboard_shows_the_notice_of_decision_due_and_issues_it(ca, api, client):
    from tests.conftest import login

    _fined_at_the_hearing(api, ca)
    login(client, ca.manager)
    page = client.get(f"/associations/{ca.a.id}/").get_data(as_text=True)
    assert "Notices of decision due" in page and "Civil Code 5855(f)" in page
    assert "due by March 31, 2027" in page and "Issue the notice of decision" in page
    login(client, ca.board)
    assert "Notices of decision due" not in client.get(f"/associations/{ca.a.id}/").get_data(
        as_text=True
    )
    login(client, ca.manager)
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    response = client.post(
        f"/associations/{ca.a.id}/compliance/violations/{ca.violation_id}/letters/fine",
        data={"csrf_token": token.group(1) if token else ""},
    )
    assert response.status_code == 302
    letters = api(ca.manager).get(f"/api/v1/violations/{ca.violation_id}").get_json()["letters"]
    assert [le["kind"] for le in letters][-1] == "fine"
    page = client.get(f"/associations/{ca.a.id}/").get_data(as_text=True)
    assert "Notices of decision due" not in page


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 302), ("secretary", 302), ("board", 403), ("owner", 403), ("outsider", 404)],
)
def test_who_records_the_hearing_on_the_violation_page(ca, api, client, role, status):
    from tests.conftest import login

    _scheduled(api, ca)
    _on_hearing_day()
    login(client, ca.user(role))
    response = client.post(
        f"/associations/{ca.a.id}/compliance/violations/{ca.violation_id}/hearing/record",
        data={"owner_attended": "y", "summary": "Heard in executive session."},
    )
    assert response.status_code == status
    held = api(ca.manager).get(f"/api/v1/violations/{ca.violation_id}").get_json()["hearing"]
    assert held["held"] is (status == 302)
    if status == 302:
        assert (held["owner_attended"], held["summary"]) == (True, "Heard in executive session.")


def test_the_violation_page_offers_the_record_and_keeps_a_refused_summary(ca, api, client):
    from tests.conftest import login

    _scheduled(api, ca)
    login(client, ca.secretary)
    page = client.get(f"/associations/{ca.a.id}/compliance/violations/{ca.violation_id}")
    text = page.get_data(as_text=True)
    assert "The hearing cannot be recorded as held yet:" in text
    assert "It becomes possible on March 16, 2027." in text
    _on_hearing_day()
    login(client, ca.secretary)
    page = client.get(f"/associations/{ca.a.id}/compliance/violations/{ca.violation_id}")
    assert "Record the hearing as held" in page.get_data(as_text=True)
    refused = client.post(
        f"/associations/{ca.a.id}/compliance/violations/{ca.violation_id}/hearing/record",
        data={"owner_attended": "y", "summary": ""},
    )
    assert refused.status_code == 422
    assert "Record the hearing as held" in refused.get_data(as_text=True)

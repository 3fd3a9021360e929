"""The Texas evidence packet before a hearing (Property Code 209.007): assembled, delivered
through the notices delivery, and required 10 days ahead for the hearing to be recorded held;
for every role."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.associations.models import Association
from app.core import clock
from app.extensions import db
from app.notices.models import Notice
from tests import factories as f
from tests.unit.compliance_helpers import START, noticed

HEARING = "2027-03-16T18:00:00-07:00"  # the cure date is March 15


@pytest.fixture
def tx(app, world):
    """Association A under the Texas profile, with a secretary and a noticed violation."""
    clock.freeze(START)
    with app.app_context():
        association = db.session.get(Association, world.a.id)
        association.compliance_profile, association.board_decisions = "TX", None
        secretary = f.UserFactory(name="Sam Secretary")
        f.MembershipFactory(
            user=secretary, association=association, role="board", office="secretary"
        )
        db.session.commit()
        db.session.refresh(secretary)
    with app.app_context():
        violation = noticed(world)
        db.session.commit()
        world.violation_id = violation.id
    world.secretary = secretary
    response = _api(world, "manager").post(
        f"/api/v1/violations/{world.violation_id}/hearing",
        json={"scheduled_at": HEARING, "location": "Clubhouse"},
    )
    assert response.status_code == 201, response.get_json()
    world.hearing = response.get_json()["hearing"]
    return world


_API = {}


def _api(world, role):
    return _API["api"](world.user(role))


@pytest.fixture(autouse=True)
def _keep_api(api):
    _API["api"] = api


def _send(world, role="manager"):
    return _api(world, role).post(f"/api/v1/violations/{world.violation_id}/hearing/packet")


def _record(world):
    return _api(world, "manager").post(
        f"/api/v1/violations/{world.violation_id}/hearing/record",
        json={"owner_attended": False, "summary": "The owner did not come."},
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("secretary", 403), ("board", 403), ("owner", 403), ("outsider", 404)],
)
def test_who_sends_the_packet(tx, role, status):
    response = _send(tx, role)
    assert response.status_code == status
    if status == 200:
        assert response.get_json()["hearing"]["packet_sent_at"] == clock.now().isoformat()


def test_the_packet_goes_to_the_owners_through_the_notices_delivery(tx, app):
    assert _send(tx).status_code == 200
    with app.app_context():
        notice = db.session.scalars(select(Notice).order_by(Notice.id.desc())).first()
        assert (notice.audience, notice.delivery) == ("units", "individual")
        assert [u.unit_id for u in notice.units] == [tx.owner_unit.id]
        text = notice.text()
    assert text.title == "Evidence for your hearing on March 16, 2027"
    assert "Notice of violation" in text.body and "Two bins visible from the street." in text.body
    assert "209.007" in text.body


@pytest.mark.parametrize(("role", "status"), [("owner", 200), ("board", 200), ("outsider", 404)])
def test_the_packet_pdf_holds_letters_findings_and_answers(tx, role, status):
    _api(tx, "owner").post(
        f"/api/v1/violations/{tx.violation_id}/responses",
        json={"message": "The boat leaves on Friday.", "request_hearing": False},
    )
    response = _api(tx, role).get(f"/api/v1/violations/{tx.violation_id}/hearing/packet.pdf")
    assert response.status_code == status
    if status == 200:
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
        for words in (
            "Evidence packet",
            "Notice of violation",
            "Notice of hearing",
            "Two bins visible from the street.",
            "The boat leaves on Friday.",
        ):
            assert words in " ".join(text.split())


def test_a_texas_hearing_is_held_under_enforcement(tx):
    meeting = _api(tx, "manager").get(f"/api/v1/meetings/{tx.hearing['meeting_id']}").get_json()
    assert [i["executive_topic"] for i in meeting["agenda"]] == ["enforcement"]


def test_without_the_packet_the_hearing_cannot_be_recorded_held(tx):
    clock.freeze(datetime(2027, 3, 17, 2, 0, tzinfo=UTC))
    response = _record(tx)
    assert response.status_code == 409
    detail = response.get_json()["detail"]
    assert detail.startswith("Property Code 209.007(f)") and "was not sent" in detail


@pytest.mark.parametrize(("sent_days_before", "ok"), [(10, True), (9, False)])
def test_the_packet_must_go_out_ten_days_before(tx, sent_days_before, ok):
    # March 16 minus N days, at noon in Los Angeles.
    clock.freeze(datetime(2027, 3, 16, 19, 0, tzinfo=UTC) - timedelta(days=sent_days_before))
    assert _send(tx).status_code == 200
    clock.freeze(datetime(2027, 3, 17, 2, 0, tzinfo=UTC))
    response = _record(tx)
    assert response.status_code == (200 if ok else 409), response.get_json()
    if not ok:
        assert "went out on March 7, 2027 (due by March 6, 2027)" in response.get_json()["detail"]


def test_no_packet_after_the_hearing_was_held(tx):
    assert _send(tx).status_code == 200
    clock.freeze(datetime(2027, 3, 17, 2, 0, tzinfo=UTC))
    assert _record(tx).status_code == 200
    assert _send(tx).status_code == 409

"""The board packet of a meeting (api.md "Meetings"): built by the job runner, followed with
GET /jobs/{id}, opened by the board (each open recorded); every role and another
association."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core import clock
from app.extensions import db
from app.meetings.models import MeetingPacket, PacketOpen
from tests.functional.test_api_meetings import NOW, _meeting, _submit_budget, ca  # noqa: F401
from tests.functional.test_api_minutes import _held, _pdf_text


def _next_meeting_with_budget(api, ca):  # noqa: F811
    """The March 14 meeting held (its minutes written), and the March 24 one with the 2028
    budget on its agenda."""
    held, _motion = _held(api, ca)
    api(ca.manager).put(
        f"/api/v1/meetings/{held['id']}/minutes", json={"body": "## March minutes\n\nWe met."}
    )
    clock.freeze(NOW)
    approval_id = _submit_budget(api, ca)
    meeting = _meeting(api, ca, starts_at=(NOW + timedelta(days=20)).isoformat())
    item = api(ca.manager).post(
        f"/api/v1/meetings/{meeting['id']}/agenda-items",
        json={"title": "Adopt the 2028 budget", "approval_id": approval_id},
    )
    assert item.status_code == 201, item.get_json()
    api(ca.manager).post(
        f"/api/v1/meetings/{meeting['id']}/agenda-items",
        json={"title": "Manager's report", "kind": "report"},
    )
    return meeting


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 202), ("secretary", 202), ("board", 403), ("owner", 403), ("outsider", 404)],
)
def test_who_builds_the_packet(ca, api, role, status):  # noqa: F811
    meeting = _meeting(api, ca)
    response = api(ca.user(role)).post(f"/api/v1/meetings/{meeting['id']}/packet")
    assert response.status_code == status
    if status == 202:
        assert response.get_json()["job_id"]


def test_the_packet_is_built_by_the_job_and_holds_the_agenda(ca, api, app):  # noqa: F811
    meeting = _next_meeting_with_budget(api, ca)
    base = f"/api/v1/meetings/{meeting['id']}"
    assert api(ca.manager).get(f"{base}/packet.pdf").status_code == 404  # not built yet
    job_id = api(ca.secretary).post(f"{base}/packet").get_json()["job_id"]
    job = api(ca.manager).get(f"/api/v1/jobs/{job_id}")
    assert job.status_code == 200, job.get_json()
    body = job.get_json()
    assert body["status"] == "done" and body["progress"] == body["total"] > 1
    assert body["result_url"] == f"{base}/packet.pdf" and body["id"] == job_id
    response = api(ca.board).get(f"{base}/packet.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(_pdf_text(response.data).split())
    for words in (
        "Adopt the 2028 budget",
        "Manager's report",
        "March minutes",  # the previous meeting's minutes, marked draft
        "DRAFT",
    ):
        assert words in text, words
    with app.app_context():
        row = db.session.scalar(select(MeetingPacket).where(MeetingPacket.job_id == job_id))
        assert row.status == "done" and len(row.sha256) == 64
        opens = db.session.scalars(select(PacketOpen)).all()
        assert [(o.user_id, o.count) for o in opens] == [(ca.board.id, 1)]
    api(ca.board).get(f"{base}/packet.pdf")
    with app.app_context():
        assert db.session.scalars(select(PacketOpen)).one().count == 2


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("secretary", 200), ("board", 200), ("owner", 404), ("outsider", 404)],
)
def test_who_follows_the_job_and_opens_the_packet(ca, api, role, status):  # noqa: F811
    meeting = _meeting(api, ca)
    job_id = api(ca.manager).post(f"/api/v1/meetings/{meeting['id']}/packet").get_json()["job_id"]
    assert api(ca.user(role)).get(f"/api/v1/jobs/{job_id}").status_code == status
    response = api(ca.user(role)).get(f"/api/v1/meetings/{meeting['id']}/packet.pdf")
    assert response.status_code == status


def test_unknown_jobs_are_404(ca, api):  # noqa: F811
    assert api(ca.manager).get("/api/v1/jobs/999999").status_code == 404


def test_the_meeting_page_shows_the_packet_and_who_opened_it(ca, api, login_as):  # noqa: F811
    meeting = _meeting(api, ca)
    url = f"/associations/{ca.a.id}/meetings/{meeting['id']}"
    manager = login_as(ca.manager)
    text = manager.get(url).get_data(as_text=True)
    assert "No packet has been built yet." in text and "Build the board packet" in text
    assert manager.post(f"{url}/packet").status_code == 302
    board = login_as(ca.board)
    text = board.get(url).get_data(as_text=True)
    assert "Open the board packet (PDF)" in text and "Who opened it" not in text
    assert board.get(f"{url}/packet.pdf").status_code == 200
    text = login_as(ca.manager).get(url).get_data(as_text=True)
    assert "Who opened it" in text
    assert "Bea Board (president): opened" in text
    assert "Bo Board (treasurer): <strong>not opened yet</strong>" in text
    owner = login_as(ca.owner)
    assert "Board packet" not in owner.get(url).get_data(as_text=True)
    assert owner.get(f"{url}/packet.pdf").status_code == 404
    assert owner.post(f"{url}/packet").status_code == 403


def test_a_building_packet_shows_its_progress(ca, api, app, login_as):  # noqa: F811
    meeting = _meeting(api, ca)
    with app.app_context():
        db.session.add(
            MeetingPacket(
                meeting_id=meeting["id"],
                association_id=ca.a.id,
                status="running",
                progress=3,
                total=8,
                error="",
                created_at=clock.now(),
            )
        )
        db.session.commit()
    text = (
        login_as(ca.board)
        .get(f"/associations/{ca.a.id}/meetings/{meeting['id']}")
        .get_data(as_text=True)
    )
    assert 'role="progressbar"' in text and "3 of 8 parts" in text
    assert 'http-equiv="refresh"' in text


def test_minutes_to_approve_are_printed_in_the_packet(ca, api):  # noqa: F811
    held, _motion = _held(api, ca)
    base = f"/api/v1/meetings/{held['id']}"
    api(ca.manager).put(f"{base}/minutes", json={"body": "## Minutes to adopt\n\nWe met."})
    approval_id = api(ca.manager).post(f"{base}/minutes/submit").get_json()["approval_id"]
    later = _meeting(api, ca, starts_at=(NOW + timedelta(days=20)).isoformat())
    api(ca.manager).post(
        f"/api/v1/meetings/{later['id']}/agenda-items",
        json={"title": "Approve the minutes of March 14", "approval_id": approval_id},
    )
    api(ca.manager).post(f"/api/v1/meetings/{later['id']}/packet")
    text = " ".join(
        _pdf_text(api(ca.board).get(f"/api/v1/meetings/{later['id']}/packet.pdf").data).split()
    )
    assert "Approve the minutes of March 14" in text
    # Once as the item's evidence, once as the previous meeting's minutes.
    assert text.count("Minutes to adopt") == 2


def test_write_packet_for_a_look(ca, api):  # noqa: F811
    import os

    target = os.environ.get("REPORT_PNG_DIR")
    if not target:
        pytest.skip("only when looking")
    meeting = _next_meeting_with_budget(api, ca)
    api(ca.manager).post(f"/api/v1/meetings/{meeting['id']}/packet")
    with open(f"{target}/packet.pdf", "wb") as handle:
        handle.write(api(ca.board).get(f"/api/v1/meetings/{meeting['id']}/packet.pdf").data)

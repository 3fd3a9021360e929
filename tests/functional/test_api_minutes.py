"""Minutes and the meeting report (api.md "Meetings"): drafted from the record, written,
approved through the engine where the venue says, read by owners once approved or, in
California, as a marked draft from the 30th day (Civil Code 4950(a)); every role and a
member of another association."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from app.associations.models import Association
from app.core import clock
from app.extensions import db
from tests.functional.test_api_meetings import NOW, _meeting, _present, at, ca  # noqa: F401


def _held(api, ca, *, adjourn=True, **body):  # noqa: F811
    """A CA board meeting held on March 14, 2027: an agenda item added late under 4930(d),
    a report item, all three present, a carried motion with each vote, adjourned."""
    meeting = _meeting(api, ca, **body)
    base = f"/api/v1/meetings/{meeting['id']}"
    item = api(ca.manager).post(f"{base}/agenda-items", json={"title": "Pool hours"}).get_json()
    report = api(ca.manager).post(
        f"{base}/agenda-items", json={"title": "Manager's report", "kind": "report"}
    )
    assert report.status_code == 201
    clock.freeze(NOW + timedelta(days=8))
    late = api(ca.manager).post(
        f"{base}/agenda-items", json={"title": "Storm damage", "added_under": "arose_after_agenda"}
    )
    assert late.status_code == 201, late.get_json()
    clock.freeze(NOW + timedelta(days=10))
    _present(api, ca, meeting, ca.board, ca.board2, ca.secretary)
    motion = api(ca.secretary).post(
        f"{base}/motions",
        json={
            "text": "Open the pool at 7 every day",
            "agenda_item_id": item["id"],
            "moved_by": ca.board.id,
            "seconded_by": ca.board2.id,
        },
    )
    assert motion.status_code == 201, motion.get_json()
    motion_id = motion.get_json()["id"]
    for person, choice in ((ca.board, "yes"), (ca.board2, "no"), (ca.secretary, "yes")):
        response = api(ca.secretary).post(
            f"/api/v1/motions/{motion_id}/votes", json={"user_id": person.id, "choice": choice}
        )
        assert response.status_code == 201, response.get_json()
    if adjourn:
        assert api(ca.secretary).post(f"{base}/adjourn").status_code == 200
    return meeting, motion_id


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("secretary", 200), ("board", 200), ("owner", 403), ("outsider", 404)],
)
def test_the_draft_from_the_record(ca, api, role, status):  # noqa: F811
    meeting, _motion = _held(api, ca)
    response = api(ca.user(role)).get(f"/api/v1/meetings/{meeting['id']}/minutes/draft")
    assert response.status_code == status
    if status != 200:
        return
    body = response.get_json()["body"]
    assert "Present: Bea Board (president), Bo Board (treasurer), Sam Secretary (secretary)." in (
        body
    )
    assert "A quorum was present (3 of 3 seated directors; 2 needed)." in body
    assert "### 1. Pool hours (action)" in body and "### 2. Manager's report (report)" in body
    assert "### 3. Storm damage (action)" in body
    assert "arose after the agenda was posted (Civil Code 4930(d)(2))" in body
    assert "moved by Bea Board, seconded by Bo Board" in body
    # Each director's vote (Florida requires it; every profile prints it).
    assert "| Bea Board | Yes |" in body and "| Bo Board | No |" in body
    assert "| Sam Secretary | Yes |" in body
    assert "**Result:** carried (2 yes, 1 no, 0 abstaining, of 3 eligible present)." in body
    assert "The meeting was adjourned at March 14, 2027" in body


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("secretary", 200), ("board", 403), ("owner", 403), ("outsider", 404)],
)
def test_who_writes_the_minutes(ca, api, role, status):  # noqa: F811
    meeting, _motion = _held(api, ca)
    response = api(ca.user(role)).put(
        f"/api/v1/meetings/{meeting['id']}/minutes", json={"body": "# Minutes\n\nWe met."}
    )
    assert response.status_code == status
    if status == 200:
        assert response.get_json()["status"] == "draft"
        assert response.get_json()["body"] == "# Minutes\n\nWe met."


def test_bad_minutes_are_a_422_naming_body(ca, api):  # noqa: F811
    meeting, _motion = _held(api, ca)
    url = f"/api/v1/meetings/{meeting['id']}/minutes"
    for payload in ({}, {"body": ""}, {"body": 5}, {"body": "x" * 100_001}):
        response = api(ca.manager).put(url, json=payload)
        assert response.status_code == 422, payload
        assert "body" in response.get_json()["errors"]


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("secretary", 200), ("board", 403), ("owner", 403), ("outsider", 404)],
)
def test_who_submits_the_minutes(ca, api, role, status):  # noqa: F811
    meeting, _motion = _held(api, ca)
    api(ca.manager).put(f"/api/v1/meetings/{meeting['id']}/minutes", json={"body": "We met."})
    response = api(ca.user(role)).post(f"/api/v1/meetings/{meeting['id']}/minutes/submit")
    assert response.status_code == status
    if status == 200:
        assert response.get_json()["venue"] == "meeting"  # CA: Civil Code 4910(a)


def test_submit_needs_written_minutes_and_a_held_meeting(ca, api):  # noqa: F811
    early = _meeting(api, ca)
    api(ca.manager).put(f"/api/v1/meetings/{early['id']}/minutes", json={"body": "Prepared"})
    response = api(ca.manager).post(f"/api/v1/meetings/{early['id']}/minutes/submit")
    assert response.status_code == 409 and "March 14, 2027" in response.get_json()["detail"]
    meeting, _motion = _held(api, ca)
    response = api(ca.manager).post(f"/api/v1/meetings/{meeting['id']}/minutes/submit")
    assert (
        response.status_code == 409 and "Write the minutes first" in (response.get_json()["detail"])
    )


def test_ca_minutes_are_approved_by_a_motion_at_a_later_meeting(ca, api, app):  # noqa: F811
    meeting, _motion = _held(api, ca)
    base = f"/api/v1/meetings/{meeting['id']}"
    assert api(ca.secretary).put(f"{base}/minutes", json={"body": "We met."}).status_code == 200
    approval_id = api(ca.secretary).post(f"{base}/minutes/submit").get_json()["approval_id"]
    shown = api(ca.manager).get(base).get_json()["minutes"]
    assert shown["status"] == "pending_approval" and shown["approval_id"] == approval_id
    # Pending: nothing more is written, and no online vote (Civil Code 4910).
    response = api(ca.secretary).put(f"{base}/minutes", json={"body": "Changed"})
    assert response.status_code == 409
    vote = api(ca.board).post(f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"})
    assert vote.status_code == 409 and "Civil Code 4910" in vote.get_json()["detail"]
    # A later board meeting's agenda carries it; the motion on it approves the minutes.
    later = _meeting(api, ca, starts_at=(NOW + timedelta(days=20)).isoformat())
    item = api(ca.manager).post(
        f"/api/v1/meetings/{later['id']}/agenda-items",
        json={"title": "Approve the minutes of March 14", "approval_id": approval_id},
    )
    assert item.status_code == 201, item.get_json()
    clock.freeze(NOW + timedelta(days=20))
    _present(api, ca, later, ca.board, ca.board2)
    motion = (
        api(ca.manager)
        .post(
            f"/api/v1/meetings/{later['id']}/motions",
            json={
                "text": "Approve the minutes",
                "agenda_item_id": item.get_json()["id"],
                "moved_by": ca.board.id,
                "seconded_by": ca.board2.id,
            },
        )
        .get_json()
    )
    for person in (ca.board, ca.board2):
        api(ca.manager).post(
            f"/api/v1/motions/{motion['id']}/votes", json={"user_id": person.id, "choice": "yes"}
        )
    shown = api(ca.owner).get(base).get_json()["minutes"]
    assert shown == {
        "status": "approved",
        "body": "We met.",
        "approval_id": approval_id,
        "draft": False,
        "owners_from": "2027-04-13",
    }
    response = api(ca.secretary).put(f"{base}/minutes", json={"body": "Changed"})
    assert response.status_code == 409 and "approved" in response.get_json()["detail"]


def test_minutes_never_go_on_their_own_meetings_agenda(ca, api):  # noqa: F811
    meeting, _motion = _held(api, ca, adjourn=False)
    base = f"/api/v1/meetings/{meeting['id']}"
    api(ca.manager).put(f"{base}/minutes", json={"body": "We met."})
    approval_id = api(ca.manager).post(f"{base}/minutes/submit").get_json()["approval_id"]
    response = api(ca.manager).post(
        f"{base}/agenda-items",
        json={"title": "Minutes", "approval_id": approval_id, "added_under": "emergency"},
    )
    assert response.status_code == 409 and "later meeting" in response.get_json()["detail"]


def test_the_record_is_closed_while_the_minutes_are_pending(ca, api):  # noqa: F811
    meeting, motion_id = _held(api, ca, adjourn=False)
    base = f"/api/v1/meetings/{meeting['id']}"
    api(ca.manager).put(f"{base}/minutes", json={"body": "We met."})
    assert api(ca.manager).post(f"{base}/minutes/submit").status_code == 200
    for url, payload in (
        (f"{base}/attendance", {"user_id": ca.board.id, "present": False}),
        (
            f"{base}/motions",
            {
                "text": "Another",
                "agenda_item_id": api(ca.manager).get(base).get_json()["agenda"][0]["id"],
                "moved_by": ca.board.id,
                "seconded_by": ca.board2.id,
            },
        ),
        (f"/api/v1/motions/{motion_id}/votes", {"user_id": ca.board.id, "choice": "no"}),
    ):
        response = api(ca.secretary).post(url, json=payload)
        assert response.status_code == 409, url
        assert "pending approval" in response.get_json()["detail"]
    # Adjourning still works: it closes the meeting.
    assert api(ca.secretary).post(f"{base}/adjourn").status_code == 200


def test_online_minutes_rejected_become_a_draft_again(ca, api, app):  # noqa: F811
    with app.app_context():
        db.session.get(Association, ca.a.id).compliance_profile = "TX"
        db.session.commit()
    meeting = _meeting(api, ca, starts_at=at(days=7))
    base = f"/api/v1/meetings/{meeting['id']}"
    clock.freeze(NOW + timedelta(days=8))
    api(ca.manager).put(f"{base}/minutes", json={"body": "First try"})
    response = api(ca.secretary).post(f"{base}/minutes/submit")
    assert response.get_json()["venue"] == "online"  # TX: Property Code 209.0051(h)
    approval_id = response.get_json()["approval_id"]
    for person in (ca.board, ca.board2):
        vote = api(person).post(f"/api/v1/approvals/{approval_id}/votes", json={"choice": "reject"})
        assert vote.status_code == 201, vote.get_json()
    assert api(ca.manager).get(base).get_json()["minutes"]["status"] == "rejected"
    assert api(ca.owner).get(base).get_json()["minutes"]["body"] is None
    response = api(ca.manager).put(f"{base}/minutes", json={"body": "Second try"})
    assert response.status_code == 200 and response.get_json()["status"] == "draft"
    approval_id = api(ca.manager).post(f"{base}/minutes/submit").get_json()["approval_id"]
    for person in (ca.board, ca.board2):
        api(person).post(f"/api/v1/approvals/{approval_id}/votes", json={"choice": "approve"})
    minutes = api(ca.owner).get(base).get_json()["minutes"]
    assert minutes["status"] == "approved" and minutes["body"] == "Second try"
    assert minutes["owners_from"] is None


def test_ca_owners_read_the_marked_draft_from_the_30th_day(ca, api):  # noqa: F811
    meeting, _motion = _held(api, ca)
    base = f"/api/v1/meetings/{meeting['id']}"
    api(ca.manager).put(f"{base}/minutes", json={"body": "Draft of March 14"})
    clock.freeze(NOW + timedelta(days=39))  # April 12: the 29th day
    minutes = api(ca.owner).get(base).get_json()["minutes"]
    assert minutes["body"] is None and minutes["owners_from"] == "2027-04-13"
    assert api(ca.owner).get(f"{base}/report.pdf").status_code == 404
    assert api(ca.board).get(base).get_json()["minutes"]["body"] == "Draft of March 14"
    clock.freeze(NOW + timedelta(days=40))  # April 13: the 30th day
    minutes = api(ca.owner).get(base).get_json()["minutes"]
    assert minutes["body"] == "Draft of March 14" and minutes["draft"] is True
    assert minutes["status"] == "draft"
    text = _pdf_text(api(ca.owner).get(f"{base}/report.pdf").data)
    assert "DRAFT" in text and "Draft of March 14" in text
    assert api(ca.outsider).get(f"{base}/report.pdf").status_code == 404


def test_ca_owners_read_the_records_draft_when_none_was_written(ca, api):  # noqa: F811
    meeting, _motion = _held(api, ca)
    clock.freeze(NOW + timedelta(days=40))
    minutes = api(ca.owner).get(f"/api/v1/meetings/{meeting['id']}").get_json()["minutes"]
    assert "| Bo Board | No |" in minutes["body"] and minutes["draft"] is True


def test_tx_owners_wait_for_approval(ca, api, app):  # noqa: F811
    meeting, _motion = _held(api, ca)
    with app.app_context():
        db.session.get(Association, ca.a.id).compliance_profile = "TX"
        db.session.commit()
    base = f"/api/v1/meetings/{meeting['id']}"
    api(ca.manager).put(f"{base}/minutes", json={"body": "Draft"})
    clock.freeze(NOW + timedelta(days=60))
    assert api(ca.owner).get(base).get_json()["minutes"]["body"] is None
    assert api(ca.owner).get(f"{base}/report.pdf").status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("secretary", 200), ("board", 200), ("owner", 404), ("outsider", 404)],
)
def test_the_report_pdf(ca, api, role, status):  # noqa: F811
    meeting, _motion = _held(api, ca)
    base = f"/api/v1/meetings/{meeting['id']}"
    api(ca.manager).put(f"{base}/minutes", json={"body": "## Opening\n\nThe president opened."})
    response = api(ca.user(role)).get(f"{base}/report.pdf")
    assert response.status_code == status
    if status != 200:
        return
    assert response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    for words in (
        "Board meeting of March 14, 2027",
        "Clubhouse",
        "Bea Board (president), Bo Board (treasurer), Sam Secretary",
        "Quorum",
        "1. Pool hours",
        "Storm damage",
        "Open the pool at 7 every day",
        "Moved by Bea Board, seconded by Bo Board.",
        "CARRIED",
        "2 yes, 1 no, 0 abstaining, of 3 eligible present",
        "DRAFT",
        "The president opened.",
    ):
        assert words in text, words


def test_the_minutes_html_is_sanitized(ca, api, login_as):  # noqa: F811
    meeting, _motion = _held(api, ca)
    base = f"/api/v1/meetings/{meeting['id']}"
    evil = "<script>alert(1)</script>\n\n[x](javascript:alert(2)) **bold**"
    api(ca.manager).put(f"{base}/minutes", json={"body": evil})
    page = login_as(ca.board).get(f"/associations/{ca.a.id}/meetings/{meeting['id']}")
    text = page.get_data(as_text=True)
    assert "<strong>bold</strong>" in text and "<script>alert(1)" not in text
    assert 'href="javascript' not in text  # left as plain text, never a link


def test_write_report_for_a_look(ca, api, tmp_path_factory):  # noqa: F811
    import os

    target = os.environ.get("REPORT_PNG_DIR")
    if not target:
        pytest.skip("only when looking")
    meeting, _motion = _held(api, ca)
    base = f"/api/v1/meetings/{meeting['id']}"
    draft = api(ca.manager).get(f"{base}/minutes/draft").get_json()["body"]
    api(ca.manager).put(f"{base}/minutes", json={"body": draft})
    with open(f"{target}/report.pdf", "wb") as handle:
        handle.write(api(ca.manager).get(f"{base}/report.pdf").data)


def test_withdrawn_minutes_are_a_draft_again(ca, api):  # noqa: F811
    meeting, _motion = _held(api, ca)
    base = f"/api/v1/meetings/{meeting['id']}"
    api(ca.manager).put(f"{base}/minutes", json={"body": "We met."})
    approval_id = api(ca.secretary).post(f"{base}/minutes/submit").get_json()["approval_id"]
    again = api(ca.secretary).post(f"{base}/minutes/submit")
    assert again.status_code == 409  # already before the board
    response = api(ca.manager).post(f"/api/v1/approvals/{approval_id}/withdraw")
    assert response.status_code == 200, response.get_json()
    assert api(ca.manager).get(base).get_json()["minutes"]["status"] == "draft"
    assert api(ca.manager).put(f"{base}/minutes", json={"body": "Better"}).status_code == 200

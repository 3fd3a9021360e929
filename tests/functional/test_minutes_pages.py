"""The minutes editor, the minutes on the meeting page per role, and the report link."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core import clock
from tests.functional.test_api_meetings import NOW, ca  # noqa: F401
from tests.functional.test_api_minutes import _held


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("secretary", 200), ("board", 403), ("owner", 403), ("outsider", 404)],
)
def test_the_editor_is_prefilled_with_the_records_draft(ca, api, login_as, role, status):  # noqa: F811
    meeting, _motion = _held(api, ca)
    page = login_as(ca.user(role)).get(f"/associations/{ca.a.id}/meetings/{meeting['id']}/minutes")
    assert page.status_code == status
    if status == 200:
        text = page.get_data(as_text=True)
        assert "| Bo Board | No |" in text and "Preview" in text


def test_preview_save_and_submit_with_confirmation(ca, api, login_as):  # noqa: F811
    meeting, _motion = _held(api, ca)
    client = login_as(ca.secretary)
    url = f"/associations/{ca.a.id}/meetings/{meeting['id']}/minutes"
    preview = client.post(url, data={"body": "## Opening\n\n**Called to order**", "preview": "1"})
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "<strong>Called to order</strong>" in text
    assert "Preview — not saved yet" in text
    empty = client.post(url, data={"body": "", "submit": "1"})
    assert empty.status_code == 422 and "This field is required" in empty.get_data(as_text=True)
    saved = client.post(url, data={"body": "## Opening\n\n**Called to order**", "submit": "1"})
    assert saved.status_code == 302
    page = client.get(f"/associations/{ca.a.id}/meetings/{meeting['id']}").get_data(as_text=True)
    assert "<strong>Called to order</strong>" in page
    assert 'data-confirm="Submit the minutes to the board?' in page
    response = client.post(f"{url}/submit")
    assert response.status_code == 302
    page = client.get(f"/associations/{ca.a.id}/meetings/{meeting['id']}").get_data(as_text=True)
    assert "pending approval" in page and "Submit the minutes to the board?" not in page
    assert "a motion at a later meeting approves them" in page
    # The board reads them beside the request, sanitized.
    approval_id = (
        api(ca.board).get(f"/api/v1/meetings/{meeting['id']}").get_json()["minutes"]["approval_id"]
    )
    detail = login_as(ca.board).get(f"/associations/{ca.a.id}/approvals/{approval_id}")
    text = detail.get_data(as_text=True)
    assert detail.status_code == 200 and "The minutes as submitted" in text
    assert "<strong>Called to order</strong>" in text and "Minutes: Board meeting of" in text
    client = login_as(ca.secretary)
    # While pending the editor refuses to save (the error stands beside the field).
    refused = client.post(url, data={"body": "Changed", "submit": "1"})
    assert refused.status_code == 422 and "pending approval" in refused.get_data(as_text=True)


def test_owners_see_the_ca_marked_draft_from_the_30th_day(ca, api, login_as):  # noqa: F811
    meeting, _motion = _held(api, ca)
    api(ca.manager).put(f"/api/v1/meetings/{meeting['id']}/minutes", json={"body": "We met."})
    client = login_as(ca.owner)
    url = f"/associations/{ca.a.id}/meetings/{meeting['id']}"
    text = client.get(url).get_data(as_text=True)
    assert "We met." not in text and "April 13, 2027" in text
    assert "Meeting report (PDF)" not in text
    assert client.get(f"{url}/report.pdf").status_code == 404
    clock.freeze(NOW + timedelta(days=40))
    client = login_as(ca.owner)  # a new session: the old one ran out meanwhile
    text = client.get(url).get_data(as_text=True)
    assert "We met." in text and "DRAFT" in text and "Civil Code 4950(a)" in text
    assert client.get(f"{url}/report.pdf").status_code == 200
    assert login_as(ca.outsider).get(f"{url}/report.pdf").status_code == 404


def test_the_owners_home_lists_upcoming_meetings_and_readable_minutes(ca, api, login_as):  # noqa: F811
    meeting, _motion = _held(api, ca)
    api(ca.manager).put(f"/api/v1/meetings/{meeting['id']}/minutes", json={"body": "We met."})
    upcoming = api(ca.manager).post(
        f"/api/v1/associations/{ca.a.id}/meetings",
        json={
            "kind": "board",
            "starts_at": (NOW + timedelta(days=30)).isoformat(),
            "location": "Hall",
        },
    )
    assert upcoming.status_code == 201
    text = login_as(ca.owner).get(f"/associations/{ca.a.id}/").get_data(as_text=True)
    assert "April 3, 2027" in text and "No meetings are scheduled." not in text
    assert "Minutes: Board meeting of March 14, 2027" not in text  # not yet readable
    clock.freeze(NOW + timedelta(days=40))
    text = login_as(ca.owner).get(f"/associations/{ca.a.id}/").get_data(as_text=True)
    assert "Minutes: Board meeting of March 14, 2027" in text
    assert "DRAFT, not yet approved" in text


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 302), ("secretary", 302), ("board", 403), ("owner", 403), ("outsider", 404)],
)
def test_who_submits_and_builds_on_the_pages(ca, api, login_as, role, status):  # noqa: F811
    meeting, _motion = _held(api, ca)
    api(ca.manager).put(f"/api/v1/meetings/{meeting['id']}/minutes", json={"body": "We met."})
    client = login_as(ca.user(role))
    url = f"/associations/{ca.a.id}/meetings/{meeting['id']}"
    assert client.post(f"{url}/minutes/submit").status_code == status
    assert client.post(f"{url}/packet").status_code == status
    minutes = api(ca.manager).get(f"/api/v1/meetings/{meeting['id']}").get_json()["minutes"]
    assert (minutes["status"] == "pending_approval") is (status == 302)


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("secretary", 200), ("board", 200), ("owner", 404), ("outsider", 404)],
)
def test_who_opens_the_report_and_packet_on_the_pages(ca, api, login_as, role, status):  # noqa: F811
    meeting, _motion = _held(api, ca)
    api(ca.manager).post(f"/api/v1/meetings/{meeting['id']}/packet")
    client = login_as(ca.user(role))
    url = f"/associations/{ca.a.id}/meetings/{meeting['id']}"
    report = client.get(f"{url}/report.pdf")
    assert report.status_code == status
    if status == 200:
        assert report.mimetype == "application/pdf"
    assert client.get(f"{url}/packet.pdf").status_code == status

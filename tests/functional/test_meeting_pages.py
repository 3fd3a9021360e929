"""Meeting pages for the manager, the secretary, the board and owners."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core import clock
from tests.functional.test_api_meetings import NOW, _meeting, _submit_budget, ca  # noqa: F401


def test_the_list_and_the_schedule_form(ca, api, login_as):  # noqa: F811
    client = login_as(ca.manager)
    page = client.get(f"/associations/{ca.a.id}/meetings")
    assert page.status_code == 200 and "No meetings yet" in page.get_data(as_text=True)
    form = client.get(f"/associations/{ca.a.id}/meetings/new")
    assert "Civil Code 4920(a)" in form.get_data(as_text=True)
    # Too soon: the error stands next to the start, keeping what was typed.
    response = client.post(
        f"/associations/{ca.a.id}/meetings/new",
        data={"kind": "board", "starts_at": "2027-03-05T19:00", "location": "Pool house"},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "first lawful start" in text and "Pool house" in text
    response = client.post(
        f"/associations/{ca.a.id}/meetings/new",
        data={"kind": "board", "starts_at": "2027-03-20T19:00", "location": "Pool house"},
    )
    assert response.status_code == 302
    listed = client.get(f"/associations/{ca.a.id}/meetings?q=pool").get_data(as_text=True)
    assert "March 20, 2027, 7:00 PM PDT" in listed


@pytest.mark.parametrize(
    ("role", "runs"),
    [("manager", True), ("secretary", True), ("board", False), ("owner", False)],
)
def test_the_meeting_page_per_role(ca, api, login_as, role, runs):  # noqa: F811
    meeting = _meeting(api, ca)
    page = login_as(ca.user(role)).get(f"/associations/{ca.a.id}/meetings/{meeting['id']}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Clubhouse" in text and "No quorum" in text
    assert ("Record the motion" in text) is runs
    assert ("Cancel the meeting" in text) is (role == "manager")


def test_outsiders_and_owners_get_404_where_they_must(ca, api, login_as):  # noqa: F811
    executive = _meeting(api, ca, kind="executive", starts_at=(NOW + timedelta(days=5)).isoformat())
    url = f"/associations/{ca.a.id}/meetings/{executive['id']}"
    assert login_as(ca.owner).get(url).status_code == 404
    assert login_as(ca.outsider).get(url).status_code == 404
    assert login_as(ca.board).get(url).status_code == 200


def test_the_secretary_runs_the_meeting_on_its_page(ca, api, login_as):  # noqa: F811
    meeting = _meeting(api, ca)
    client = login_as(ca.secretary)
    base = f"/associations/{ca.a.id}/meetings/{meeting['id']}"
    response = client.post(
        f"{base}/agenda",
        data={
            "item-title": "Pool hours",
            "item-kind": "action",
            "item-executive_topic": "",
            "item-added_under": "",
        },
    )
    assert response.status_code == 302
    clock.freeze(NOW + timedelta(days=10))
    client = login_as(ca.secretary)  # a session of ten days ago has ended
    for person in (ca.board, ca.board2, ca.secretary):
        client.post(f"{base}/attendance", data={"user_id": person.id, "present": "1"})
    page = client.get(base).get_data(as_text=True)
    assert "Quorum present" in page
    item_id = api(ca.manager).get(f"/api/v1/meetings/{meeting['id']}").get_json()["agenda"][0]["id"]
    client.post(
        f"{base}/motions",
        data={
            "text": "Open at 7",
            "agenda_item_id": item_id,
            "moved_by": ca.board.id,
            "seconded_by": ca.board2.id,
        },
    )
    motion_id = (
        api(ca.manager).get(f"/api/v1/meetings/{meeting['id']}").get_json()["motions"][0]["id"]
    )
    for person in (ca.board, ca.board2):
        client.post(
            f"{base}/motions/{motion_id}/votes", data={"user_id": person.id, "choice": "yes"}
        )
    page = client.get(base).get_data(as_text=True)
    assert "carried" in page
    client.post(f"{base}/adjourn")
    assert "Adjourned" in client.get(base).get_data(as_text=True)


def test_submit_to_the_board_offers_the_next_meeting_in_time(ca, api, login_as):  # noqa: F811
    approval_id = _submit_budget(api, ca)
    client = login_as(ca.manager)
    detail = client.get(f"/associations/{ca.a.id}/approvals/{approval_id}").get_data(as_text=True)
    assert "Submit to the board" in detail
    url = f"/associations/{ca.a.id}/approvals/{approval_id}/meeting"
    assert "No board meeting can take a new item" in client.get(url).get_data(as_text=True)
    soon = _meeting(
        api,
        ca,
        starts_at=(NOW + timedelta(days=2, hours=1)).isoformat(),
        emergency=False,
        kind="executive",
    )
    later = _meeting(api, ca)
    page = client.get(url).get_data(as_text=True)
    assert f'value="{later["id"]}"' in page and f'value="{soon["id"]}"' in page
    clock.freeze(NOW + timedelta(days=1))
    client = login_as(ca.manager)
    page = client.get(url).get_data(as_text=True)
    assert f'value="{soon["id"]}"' not in page  # its 2-day notice period has begun
    response = client.post(url, data={"meeting_id": later["id"]})
    assert response.status_code == 302
    approval = api(ca.board).get(f"/api/v1/approvals/{approval_id}").get_json()
    assert approval["meeting_id"] == later["id"]
    assert login_as(ca.board).get(url).status_code == 403


def test_the_venues_page_shows_each_rule_and_only_admins_change_it(ca, login_as, app):  # noqa: F811
    url = f"/associations/{ca.a.id}/approvals/venues"
    page = login_as(ca.board).get(url).get_data(as_text=True)
    assert "Civil Code 4910(a)" in page and "At a board meeting" in page and "<select" not in page
    assert login_as(ca.owner).get(url).status_code == 403
    assert login_as(ca.outsider).get(url).status_code == 404
    assert login_as(ca.manager).post(url, data={"budget": "online"}).status_code == 403
    tx = f"/associations/{ca.b.id}/approvals/venues"
    admin = login_as(ca.admin)
    response = admin.post(tx, data={"contract": "meeting"})
    assert response.status_code == 302
    assert 'value="meeting" selected' in admin.get(tx).get_data(as_text=True)


def test_cancelling_from_the_page_needs_a_reason(ca, api, login_as):  # noqa: F811
    meeting = _meeting(api, ca)
    client = login_as(ca.manager)
    url = f"/associations/{ca.a.id}/meetings/{meeting['id']}/cancel"
    response = client.post(url, data={"cancel-reason": ""})
    assert response.status_code == 422 and "This field is required." in response.get_data(
        as_text=True
    )
    assert client.post(url, data={"cancel-reason": "Storm"}).status_code == 302
    page = client.get(f"/associations/{ca.a.id}/meetings/{meeting['id']}").get_data(as_text=True)
    assert "Cancelled: Storm" in page
    assert login_as(ca.secretary).post(url, data={"cancel-reason": "x"}).status_code == 403

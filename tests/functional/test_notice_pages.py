"""Notice, document, preference and owner's-home pages, as each role sees them."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.delivery.models import Read
from app.extensions import db
from app.notices.models import Notice
from tests.conftest import login
from tests.notice_helpers import pdf_bytes, prefer


def _publish(api, world, **body):
    payload = {"title": "Pool opening", "body": "Opens **Saturday**.", "audience": "owners", **body}
    response = api(world.manager).post(f"/api/v1/associations/{world.a.id}/notices", json=payload)
    assert response.status_code == 201
    return response.get_json()["id"]


def test_manager_reviews_then_publishes(world, client, app):
    login(client, world.manager)
    form = {
        "title": "Water shut-off",
        "body": "Water is off **Tuesday**.",
        "audience": "owners",
        "delivery": "general",
        "when": "now",
    }
    review = client.post(f"/associations/{world.a.id}/notices/new", data={**form, "review": "1"})
    text = review.get_data(as_text=True)
    assert review.status_code == 200 and "Review before it goes out" in text
    assert "It reaches 1 person" in text and "<strong>Tuesday</strong>" in text
    with app.app_context():
        assert db.session.scalars(select(Notice)).all() == []  # a review creates nothing
    done = client.post(
        f"/associations/{world.a.id}/notices/new",
        data={**form, "publish": "1"},
        follow_redirects=True,
    )
    assert "The notice is published" in done.get_data(as_text=True)
    with app.app_context():
        (notice,) = db.session.scalars(select(Notice)).all()
        assert notice.title == "Water shut-off"


def test_the_form_keeps_what_was_typed_and_names_the_problem(world, client):
    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/notices/new",
        data={
            "title": "Big",
            "body": "x" * (100 * 1024 + 5),
            "audience": "owners",
            "delivery": "general",
            "when": "now",
            "review": "1",
        },
    )
    text = response.get_data(as_text=True)
    assert "at most 100 KB" in text and 'value="Big"' in text


def test_a_scheduled_time_from_the_form_is_the_associations_time(world, client, app):
    login(client, world.manager)
    client.post(
        f"/associations/{world.a.id}/notices/new",
        data={
            "title": "Later",
            "body": "Soon.",
            "audience": "owners",
            "delivery": "general",
            "when": "later",
            "publish_at": "2099-03-04T09:00",
            "publish": "1",
        },
    )
    with app.app_context():
        (notice,) = db.session.scalars(select(Notice)).all()
        assert notice.status == "scheduled"
        assert notice.publish_at.isoformat() == "2099-03-04T17:00:00+00:00"  # 9:00 PST


def test_live_preview_sanitizes(world, client):
    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/notices/preview",
        data={"body": "**hi** <img src=x onerror=alert(1)>"},
    )
    text = response.get_data(as_text=True)
    assert "<strong>hi</strong>" in text and "<img" not in text
    login(client, world.owner)
    assert (
        client.post(f"/associations/{world.a.id}/notices/preview", data={"body": "x"}).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [("manager", 200), ("board", 200), ("owner", 200), ("outsider", 404), ("nobody", 404)],
)
def test_notice_pages_by_role(world, client, api, role, status):
    notice_id = _publish(api, world)
    login(client, world.user(role))
    assert client.get(f"/associations/{world.a.id}/notices/{notice_id}").status_code == status
    deliveries = client.get(f"/associations/{world.a.id}/notices/{notice_id}/deliveries")
    assert deliveries.status_code == {"manager": 200, "board": 200, "owner": 403}.get(role, 404)
    comms = client.get(f"/associations/{world.a.id}/communications")
    assert comms.status_code == {"manager": 200, "board": 200, "owner": 403}.get(role, 404)
    new = client.get(f"/associations/{world.a.id}/notices/new")
    assert new.status_code == {"manager": 200, "board": 403, "owner": 403}.get(role, 404)


def test_board_notice_is_not_for_owners(world, client, api):
    notice_id = _publish(api, world, audience="board")
    login(client, world.owner)
    assert client.get(f"/associations/{world.a.id}/notices/{notice_id}").status_code == 404
    assert "Pool opening" not in client.get(f"/associations/{world.a.id}/notices").get_data(
        as_text=True
    )


def test_owner_reads_in_the_portal_unread_first(world, client, api, app):
    first = _publish(api, world, title="First notice")
    _publish(api, world, title="Second notice")
    login(client, world.owner)
    client.get(f"/associations/{world.a.id}/notices/{first}")
    with app.app_context():
        (read,) = db.session.scalars(select(Read)).all()
        assert read.via == "portal" and read.subject_id == first
    text = client.get(f"/associations/{world.a.id}/notices").get_data(as_text=True)
    assert text.index("Second notice") < text.index("First notice")
    manager_view = api(world.manager).get(f"/api/v1/associations/{world.a.id}/notices/{first}")
    assert manager_view.get_json()["read_count"] == 1


def test_deliveries_page_lists_unread_and_reminds(world, client, api, app):
    prefer(app, world.owner, delivery="email")
    notice_id = _publish(api, world)
    login(client, world.manager)
    page = client.get(f"/associations/{world.a.id}/notices/{notice_id}/deliveries?unread=1")
    text = page.get_data(as_text=True)
    assert "Olivia Owner" in text and "Send a reminder" in text
    app.extensions["mail_outbox"] = []
    done = client.post(
        f"/associations/{world.a.id}/notices/{notice_id}/remind", follow_redirects=True
    )
    assert "Reminded 1 people by e-mail" in done.get_data(as_text=True)
    assert len(app.extensions["mail_outbox"]) == 1


def test_communications_page_shows_rates_and_the_unreached(world, client, api):
    notice_id = _publish(api, world)
    login(client, world.manager)
    text = client.get(f"/associations/{world.a.id}/communications").get_data(as_text=True)
    assert "Read rate by method" in text and "<svg" in text
    assert "Olivia Owner" in text  # no e-mail, nothing read in 90 days
    login(client, world.owner)
    client.get(f"/associations/{world.a.id}/notices/{notice_id}")
    login(client, world.manager)
    text = client.get(f"/associations/{world.a.id}/communications").get_data(as_text=True)
    assert "Every owner takes e-mail or has read a notice" in text


def test_annual_request_from_launch_to_answer(world, client, app):
    login(client, world.manager)
    done = client.post(
        f"/associations/{world.a.id}/communications/annual-request", follow_redirects=True
    )
    assert "on its way to every owner" in done.get_data(as_text=True)
    again = client.post(
        f"/associations/{world.a.id}/communications/annual-request", follow_redirects=True
    )
    assert "4041" in again.get_data(as_text=True)
    login(client, world.owner)
    page = client.get(f"/associations/{world.a.id}/my/annual-request").get_data(as_text=True)
    assert "You do not have to give us an e-mail address." in page
    missing = client.post(
        f"/associations/{world.a.id}/my/annual-request", data={"delivery": "mail"}
    )
    assert "Say how unit 12B is used." in missing.get_data(as_text=True)
    answer = client.post(
        f"/associations/{world.a.id}/my/annual-request",
        data={
            "delivery": "both",
            "legal_representative": "Sam Owner, 1 Elm St",
            f"occupancy_{world.owner_unit.id}": "rented",
        },
        follow_redirects=True,
    )
    assert "Your answer is on file." in answer.get_data(as_text=True)
    with app.app_context():
        from app.delivery.models import Preference
        from app.notices.models import AnnualAnswer

        preference = db.session.get(Preference, world.owner.id)
        assert preference.delivery == "both" and preference.confirmed_at
        assert preference.legal_representative == "Sam Owner, 1 Elm St"
        (row,) = db.session.scalars(select(AnnualAnswer)).all()
        assert row.occupancy == "rented"
    login(client, world.manager)
    assert "1 of 1 owners have answered" in client.get(
        f"/associations/{world.a.id}/communications"
    ).get_data(as_text=True)


def test_owner_home_in_plain_words(world, client, api):
    login(client, world.owner)
    text = client.get(f"/associations/{world.a.id}/").get_data(as_text=True)
    assert "All is well" in text and "No meetings are scheduled." in text
    assert "12B — 12 Oak Lane" in text and "How to reach the management office" in text
    for internal in ("compliance profile", "America/Los_Angeles", "CA ·"):
        assert internal not in text
    _publish(api, world, title="Gate code changes")
    text = client.get(f"/associations/{world.a.id}/").get_data(as_text=True)
    assert "Gate code changes" in text


def test_board_member_who_owns_has_a_home_link(world, client, app):
    from app.associations.models import Association
    from tests import factories as f

    with app.app_context():
        association = db.session.get(Association, world.a.id)
        unit = f.UnitFactory(association=association, label="3A")
        from app.auth.models import User

        board = db.session.get(User, world.board.id)
        f.MembershipFactory(user=board, association=association, role="owner", unit=unit)
        db.session.commit()
    login(client, world.board)
    dashboard = client.get(f"/associations/{world.a.id}/").get_data(as_text=True)
    assert "My home" in dashboard and "Welcome," not in dashboard
    assert "Welcome, Bea Board" in client.get(f"/associations/{world.a.id}/home").get_data(
        as_text=True
    )
    login(client, world.manager)
    assert client.get(f"/associations/{world.a.id}/home").status_code == 404


def test_documents_pages(world, client):
    login(client, world.manager)
    response = client.post(
        f"/associations/{world.a.id}/documents/",
        data={
            "title": "Bylaws",
            "category": "bylaws",
            "visibility": "owners",
            "file": (io.BytesIO(pdf_bytes()), "bylaws.pdf"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Uploaded “Bylaws”." in response.get_data(as_text=True)
    bad = client.post(
        f"/associations/{world.a.id}/documents/",
        data={
            "title": "Bad",
            "category": "rules",
            "visibility": "owners",
            "file": (io.BytesIO(b"%PDF-1.4 nothing"), "bad.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert "not a complete PDF" in bad.get_data(as_text=True) and 'value="Bad"' in bad.get_data(
        as_text=True
    )
    login(client, world.owner)
    text = client.get(f"/associations/{world.a.id}/documents/").get_data(as_text=True)
    assert "Bylaws" in text and "Upload a document" not in text
    assert client.post(f"/associations/{world.a.id}/documents/", data={}).status_code == 403
    login(client, world.outsider)
    assert client.get(f"/associations/{world.a.id}/documents/").status_code == 404


def test_preferences_page_refuses_a_made_up_choice(world, client):
    login(client, world.owner)
    page = client.get("/account/preferences").get_data(as_text=True)
    assert "You do not have to give us an e-mail address" in page
    response = client.post(
        "/account/preferences", data={"delivery": "fax", "language": "en", "save": "1"}
    )
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
